// SPDX-License-Identifier: MIT
// The main demo: which LR schedule for the budget you have? Every schedule x every budget x
// several seeds on Fashion-MNIST with a small MLP, as in the REX paper; a table of means and
// spreads with the compute each schedule spent, CSVs and SVG plots with bands over the seeds.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <lrs/io/svg.hpp>

#include "common/cli.hpp"
#include "common/fashion_mnist.hpp"
#include "common/progress.hpp"
#include "common/stats.hpp"
#include "common/sweep.hpp"

namespace {

using lrs_example::num;
using lrs_example::run_result;
using lrs_example::sweep_options;
using lrs_example::usage_error;

std::string pct(double budget) {
  return num(budget) + "%";
}

/// The command line: the sweep, its data and where its files go.
struct options {
  sweep_options sweep;
  lrs_example::data_options data;
  std::string out = "budget_sweep_out";
  double plot_budget = 0;  ///< 0: the largest budget
  bool quiet = false, fixed_blocking = false;
};

void validate(const sweep_options& o) {
  const auto bad = [](const std::string& m) { throw usage_error(m); };
  lrs_example::check_model_options(o);
  if (o.peak_lr < 0 || !std::isfinite(o.peak_lr)) bad("--lr must be > 0, got " + num(o.peak_lr));
  if (o.momentum < 0 || o.momentum >= 1)
    bad("--momentum must be in [0, 1), got " + num(o.momentum));
  if (o.optimizer != "sgd" && o.optimizer != "adam")
    bad("--optimizer must be sgd or adam, got '" + o.optimizer + "'");
  if (o.threads < 1) bad("--threads must be >= 1, got " + std::to_string(o.threads));
  if (o.seeds < 1) bad("--seeds must be >= 1, got " + std::to_string(o.seeds));
  lrs_example::check_budgets(o);
  if (o.schedules.empty()) bad("--schedules needs at least one schedule");
  for (std::size_t i = 0; i < o.schedules.size(); ++i) {
    const auto& s = o.schedules[i];
    if (s.empty()) bad("--schedules: empty schedule in the list");
    for (std::size_t j = 0; j < i; ++j)
      if (o.schedules[j] == s) bad("--schedules: '" + s + "' is given twice");
    if (s == lrs_example::schedule_free_name()) continue;
    try {
      (void)lrs_example::make_budget_schedule(s, o.lr(), 100);
    } catch (const std::exception& e) {
      bad("--schedules: '" + s + "': " + e.what());
    }
  }
}

/// Reads and checks the command line into `opt`; returns the exit code if the program should
/// stop here (--help, a parse error).
std::optional<int> parse_options(int argc, char** argv, options& opt) {
  sweep_options& o = opt.sweep;
  o.epochs = 5;
  o.seeds = 3;
  o.schedules.push_back(lrs_example::schedule_free_name());
  std::vector<std::string> schedule_args;
  CLI::App app{
      "Every LR schedule at every training budget and several seeds: an MLP on "
      "Fashion-MNIST"};
  lrs_example::add_model_options(app, o);
  app.add_option("--lr", o.peak_lr, "Peak learning rate (default 0.05 for sgd, 0.002 for adam)");
  app.add_option("--momentum", o.momentum, "SGD momentum")->capture_default_str();
  lrs_example::add_budgets_option(app, o, "Budgets, % of the full run, in (0, 100]");
  app.add_option("--schedules", schedule_args,
                 "Schedules separated by ';' (or ',' outside brackets): the names constant, step, "
                 "exponential, linear, cosine, onecycle, wsd, rex, or any spec `lrs list` knows, "
                 "e.g. \"rex;wsd(decay=0.1, shape='1-sqrt');CosineAnnealingLR(T_max=500)\" "
                 "and schedule-free (default: the eight names and schedule-free)");
  app.add_option("--optimizer", o.optimizer, "sgd (with momentum) or adam")->capture_default_str();
  app.add_option("--seed", o.seed, "First seed of the initialisation and data order")
      ->capture_default_str();
  app.add_option("--seeds", o.seeds, "Number of seeds (seed, seed + 1, ...)")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Runs trained in parallel")->capture_default_str();
  app.add_option("--out", opt.out, "Output directory for CSVs and SVGs")->capture_default_str();
  lrs_example::add_data_options(app, opt.data);
  app.add_option("--plot-budget", opt.plot_budget,
                 "Budget of the LR and loss plots (default: largest)");
  lrs_example::add_quiet_option(app, opt.quiet);
  app.add_flag("--fixed-blocking", opt.fixed_blocking,
               "Block Eigen's matrix products for fixed cache sizes (32 KiB, 256 KiB, 2 MiB) "
               "instead of this processor's, so that the numbers are the same on every x86-64 "
               "processor (they differ from the default run's)");
  if (const auto code = lrs_example::parse(app, argc, argv)) return code;
  if (opt.fixed_blocking) lrs_example::fix_product_blocking();  // before any product or thread
  if (!schedule_args.empty()) o.schedules = lrs_example::split_schedule_list(schedule_args);
  validate(o);
  if (opt.plot_budget == 0) opt.plot_budget = *std::max_element(o.budgets.begin(), o.budgets.end());
  if (std::find(o.budgets.begin(), o.budgets.end(), opt.plot_budget) == o.budgets.end())
    throw usage_error("--plot-budget must be one of --budgets, got " + num(opt.plot_budget));
  return std::nullopt;
}

/// The runs of one schedule at one budget, one per seed.
std::vector<const run_result*> cell(const std::vector<run_result>& rs, const std::string& s,
                                    double b) {
  std::vector<const run_result*> out;
  for (const auto& r : rs)
    if (r.schedule == s && r.budget == b) out.push_back(&r);
  if (out.empty()) throw std::logic_error("missing runs of " + s);
  return out;
}

std::vector<double> accuracies(const std::vector<run_result>& rs, const std::string& s, double b) {
  std::vector<double> v;
  for (const auto* r : cell(rs, s, b)) v.push_back(100 * r->metrics.test_accuracy);
  return v;
}

void print_table(const std::vector<run_result>& rs, const sweep_options& o,
                 lrs::step_t full_steps) {
  const auto seeds = o.seed_list();
  std::string seed_text;
  for (const auto s : seeds) seed_text += (seed_text.empty() ? "" : ", ") + std::to_string(s);
  std::printf(
      "\nTest accuracy %%, mean ± sd over %zu seed%s (%s); compute = training steps of "
      "all budgets\ntogether, in full runs. * = best: the highest mean, and every schedule "
      "it does not beat\nin a one-sided paired t-test at 5 %% over the seeds (ties share "
      "the *).\n\n",
      seeds.size(), seeds.size() == 1 ? "" : "s", seed_text.c_str());
  std::size_t w = 12;
  for (const auto& s : o.schedules) w = std::max(w, s.size());
  const int cw = 15;
  std::printf("%-*s", static_cast<int>(w), "schedule");
  for (const double b : o.budgets) std::printf(" %*s", cw, pct(b).c_str());
  std::printf(" %8s\n%s", "compute", std::string(w, '-').c_str());
  for (std::size_t i = 0; i < o.budgets.size(); ++i)
    std::printf(" %s", std::string(cw, '-').c_str());
  std::printf(" --------\n");
  std::vector<std::vector<bool>> best;  // [budget][schedule]
  for (const double b : o.budgets) {
    std::vector<std::vector<double>> rows;
    for (const auto& s : o.schedules) rows.push_back(accuracies(rs, s, b));
    best.push_back(lrs_example::best_rows(rows));
  }
  for (std::size_t i = 0; i < o.schedules.size(); ++i) {
    const auto& s = o.schedules[i];
    std::printf("%-*s", static_cast<int>(w), s.c_str());
    for (std::size_t j = 0; j < o.budgets.size(); ++j) {
      const auto v = accuracies(rs, s, o.budgets[j]);
      char c[64];
      std::snprintf(c, sizeof c, "%s%.2f ± %.2f", best[j][i] ? "*" : "", lrs_example::mean(v),
                    lrs_example::sample_sd(v));
      // "±" is two bytes and one column wide.
      std::printf(" %*s", cw + 1, c);
    }
    std::printf(" %8.2f\n", lrs_example::compute_in_runs(rs, s, seeds.front(), full_steps));
  }
}

std::ofstream open_out(const std::filesystem::path& p) {
  std::ofstream f(p);
  if (!f) throw usage_error("cannot write " + p.string());
  return f;
}

/// A CSV field: quoted when it holds a comma, a quote or a space.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\" ") == std::string::npos) return s;
  std::string q = "\"";
  for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void write_csvs(const std::vector<run_result>& rs, const std::filesystem::path& dir) {
  auto summary = open_out(dir / "summary.csv");
  // The first six columns as before seeds were added (other programs read them).
  summary << "schedule,budget_percent,steps,test_accuracy,test_loss,train_loss,seed,"
             "shared_steps\n";
  char line[256];
  for (const auto& r : rs) {
    std::snprintf(line, sizeof line, ",%g,%lld,%.6f,%.6f,%.6f,%llu,%lld\n", r.budget,
                  static_cast<long long>(r.steps), r.metrics.test_accuracy, r.metrics.test_loss,
                  r.metrics.train_loss, static_cast<unsigned long long>(r.seed),
                  static_cast<long long>(r.shared_steps));
    summary << csv_field(r.schedule) << line;
  }
  auto steps = open_out(dir / "steps.csv");
  steps << "schedule,budget_percent,seed,step,lr,loss\n";
  for (const auto& r : rs) {
    const std::string name = csv_field(r.schedule);
    for (std::size_t t = 0; t < r.lr.size(); ++t) {
      std::snprintf(line, sizeof line, ",%g,%llu,%zu,%.9g,%.6g\n", r.budget,
                    static_cast<unsigned long long>(r.seed), t, r.lr[t],
                    static_cast<double>(r.loss[t]));
      steps << name << line;
    }
  }
  if (!summary || !steps) throw usage_error("cannot write the CSV files in " + dir.string());
}

/// Mean over seeds of the training loss smoothed by a moving average of `window` steps (shorter
/// at the start), and its sample standard deviation over seeds, from step `from` on.
void smoothed_loss(const std::vector<const run_result*>& runs, std::size_t window, std::size_t from,
                   std::vector<double>& x, std::vector<double>& m, std::vector<double>& sd) {
  const std::size_t n = runs.front()->loss.size();
  std::vector<std::vector<double>> per(runs.size(), std::vector<double>(n));
  for (std::size_t k = 0; k < runs.size(); ++k) {
    double sum = 0;
    for (std::size_t t = 0; t < n; ++t) {
      sum += static_cast<double>(runs[k]->loss[t]);
      if (t >= window) sum -= static_cast<double>(runs[k]->loss[t - window]);
      per[k][t] = sum / static_cast<double>(std::min(t + 1, window));
    }
  }
  x.clear();
  m.clear();
  sd.clear();
  for (std::size_t t = from; t < n; ++t) {
    std::vector<double> v;
    for (const auto& p : per) v.push_back(p[t]);
    x.push_back(static_cast<double>(t));
    m.push_back(lrs_example::mean(v));
    sd.push_back(lrs_example::sample_sd(v));
  }
}

void write_plots(const std::vector<run_result>& rs, const sweep_options& o,
                 const std::filesystem::path& dir, double plot_budget, const std::string& data) {
  const std::string opt = o.optimizer == "sgd" ? "SGD momentum" : "Adam";
  const std::string over =
      o.seeds > 1 ? ", mean ± sd over " + std::to_string(o.seeds) + " seeds" : "";
  lrs::svg_plot lr({"LR schedules at " + pct(plot_budget) + " budget (peak " + num(o.lr()) + ")",
                    "step", "learning rate"});
  const std::size_t window = 100;
  lrs::svg_plot loss({"Training loss, last half of the " + pct(plot_budget) + " budget (" + opt +
                          ", moving average of " + std::to_string(window) + " steps" + over + ")",
                      "step", "training loss"});
  lrs::svg_plot acc({"Test accuracy vs budget (" + data + ", " + opt + over + ")",
                     "budget, % of " + num(o.epochs) + " epochs", "test accuracy, %", false, true});
  for (const auto& s : o.schedules) {
    const auto runs = cell(rs, s, plot_budget);
    const auto& r = *runs.front();
    std::vector<double> x(r.lr.size());
    for (std::size_t t = 0; t < x.size(); ++t) x[t] = static_cast<double>(t);
    // The schedule-free row's LR (1.0 for SGD) is on another scale than the peak of the others.
    if (s != lrs_example::schedule_free_name()) lr.add_series(s, x, r.lr);
    std::vector<double> lx, lm, lsd;
    smoothed_loss(runs, window, r.loss.size() / 2, lx, lm, lsd);
    std::vector<double> lo(lm.size()), hi(lm.size());
    for (std::size_t i = 0; i < lm.size(); ++i) {
      lo[i] = lm[i] - lsd[i];
      hi[i] = lm[i] + lsd[i];
    }
    loss.add_series(s, lx, lm, lo, hi);
    std::vector<double> bx, by, blo, bhi;
    for (const double b : o.budgets) {
      const auto v = accuracies(rs, s, b);
      const double m = lrs_example::mean(v), sd = lrs_example::sample_sd(v);
      bx.push_back(b);
      by.push_back(m);
      blo.push_back(m - sd);
      bhi.push_back(m + sd);
    }
    acc.add_series(s, bx, by, blo, bhi);
  }
  lr.write((dir / "lr_curves.svg").string());
  loss.write((dir / "loss_curves.svg").string());
  acc.write((dir / "accuracy_vs_budget.svg").string());
}

void make_out_dir(const std::string& out) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw usage_error("cannot create output directory " + out + ": " + ec.message());
}

void print_setup(const sweep_options& o, const lrs_example::train_test& data, lrs::step_t full,
                 std::size_t jobs) {
  std::printf("data:      %s\n", data.description.c_str());
  std::printf("model:     MLP %ld-%d-%d, ReLU, softmax cross-entropy\n",
              static_cast<long>(data.train.features()), o.hidden, data.train.classes);
  std::printf("optimizer: %s, peak lr %g%s, batch %d\n", o.optimizer.c_str(), o.lr(),
              o.optimizer == "sgd" ? (", momentum " + num(o.momentum)).c_str() : "", o.batch);
  std::printf(
      "budget:    100%% = %g epochs = %lld steps; %zu schedules x %zu budgets x %d seeds "
      "= %zu runs,\n           trained as %zu jobs on %d threads\n",
      o.epochs, static_cast<long long>(full), o.schedules.size(), o.budgets.size(), o.seeds,
      o.schedules.size() * o.budgets.size() * static_cast<std::size_t>(o.seeds), jobs, o.threads);
  std::fflush(stdout);
}

int run(int argc, char** argv) {
  options opt;
  if (const auto code = parse_options(argc, argv, opt)) return *code;
  const sweep_options& o = opt.sweep;
  const auto t0 = std::chrono::steady_clock::now();
  const auto data = lrs_example::load_data(opt.data, o.batch, "budget_sweep");
  make_out_dir(opt.out);

  // Every schedule x budget x seed as the engine's jobs: runs that share their first steps are
  // trained once and branched.
  const auto full = lrs_example::full_budget_steps(o, data);
  const auto layout = lrs_example::sweep_layout_of(o, data);
  const auto candidates = lrs_example::sweep_candidates(o);
  const auto schedules = lrs_example::sweep_schedules(o, full);
  const std::size_t jobs = lrs_example::count_jobs(candidates, layout, schedules);
  print_setup(o, data, full, jobs);
  std::vector<run_result> results;
  {
    lrs_example::progress bar(static_cast<long>(jobs), "jobs", opt.quiet);
    results =
        lrs_example::run_sweep(lrs_example::mlp_task(data, o), candidates, layout, schedules, &bar);
  }

  print_table(results, o, full);
  const std::filesystem::path dir(opt.out);
  write_csvs(results, dir);
  write_plots(results, o, dir, opt.plot_budget,
              data.synthetic ? "synthetic task" : "Fashion-MNIST");
  std::printf(
      "\nwrote %s/{summary.csv, steps.csv, lr_curves.svg, loss_curves.svg, "
      "accuracy_vs_budget.svg}\n",
      opt.out.c_str());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!opt.quiet)
    std::fprintf(stderr, "wall time %s\n", lrs_example::format_duration(secs).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return lrs_example::main_of("budget_sweep", run, argc, argv);
}
