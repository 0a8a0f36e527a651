// SPDX-License-Identifier: MIT
// The main demo: which LR schedule for the budget you have? Every schedule x every budget on
// Fashion-MNIST with a small MLP, as in the REX paper; a table, CSVs and SVG plots.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <lrs/io/svg.hpp>

#include "common/fashion_mnist.hpp"
#include "common/progress.hpp"
#include "common/sweep.hpp"

namespace {

using lrs_example::run_result;
using lrs_example::sweep_options;

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string pct(double budget) {
  return lrs::detail::svg_number(budget) + "%";
}

void validate(const sweep_options& o) {
  const auto bad = [](const std::string& m) { throw usage_error(m); };
  if (!(o.epochs > 0) || !std::isfinite(o.epochs))
    bad("--epochs must be > 0, got " + lrs::detail::svg_number(o.epochs));
  if (o.hidden < 1) bad("--hidden must be >= 1, got " + std::to_string(o.hidden));
  if (o.batch < 1) bad("--batch must be >= 1, got " + std::to_string(o.batch));
  if (o.peak_lr < 0 || !std::isfinite(o.peak_lr))
    bad("--lr must be > 0, got " + lrs::detail::svg_number(o.peak_lr));
  if (o.momentum < 0 || o.momentum >= 1)
    bad("--momentum must be in [0, 1), got " + lrs::detail::svg_number(o.momentum));
  if (o.optimizer != "sgd" && o.optimizer != "adam")
    bad("--optimizer must be sgd or adam, got '" + o.optimizer + "'");
  if (o.threads < 1) bad("--threads must be >= 1, got " + std::to_string(o.threads));
  if (o.budgets.empty()) bad("--budgets needs at least one budget");
  for (const double b : o.budgets)
    if (!(b > 0 && b <= 100))
      bad("--budgets: each budget must be in (0, 100] percent of the full run, got " +
          lrs::detail::svg_number(b));
  if (o.schedules.empty()) bad("--schedules needs at least one schedule");
  const auto& known = lrs_example::sweep_schedule_names();
  for (const auto& s : o.schedules)
    if (std::find(known.begin(), known.end(), s) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      bad("--schedules: unknown schedule '" + s + "' (choose from " + list + ")");
    }
}

const run_result& find(const std::vector<run_result>& rs, const std::string& s, double b) {
  for (const auto& r : rs)
    if (r.schedule == s && r.budget == b) return r;
  throw std::logic_error("missing run " + s);
}

void print_table(const std::vector<run_result>& rs, const sweep_options& o) {
  std::printf("\nTest accuracy %% (final training loss); * = best per budget\n\n%-12s", "schedule");
  for (const double b : o.budgets) std::printf(" %16s", pct(b).c_str());
  std::printf("\n%-12s", "------------");
  for (std::size_t i = 0; i < o.budgets.size(); ++i) std::printf(" %16s", "----------------");
  std::printf("\n");
  for (const auto& s : o.schedules) {
    std::printf("%-12s", s.c_str());
    for (const double b : o.budgets) {
      double best = 0;
      for (const auto& t : o.schedules) best = std::max(best, find(rs, t, b).test_accuracy);
      const auto& r = find(rs, s, b);
      char cell[64];
      std::snprintf(cell, sizeof cell, "%s%.2f (%.3f)", r.test_accuracy == best ? "*" : "",
                    100 * r.test_accuracy, r.train_loss);
      std::printf(" %16s", cell);
    }
    std::printf("\n");
  }
}

std::ofstream open_out(const std::filesystem::path& p) {
  std::ofstream f(p);
  if (!f) throw usage_error("cannot write " + p.string());
  return f;
}

void write_csvs(const std::vector<run_result>& rs, const std::filesystem::path& dir) {
  auto summary = open_out(dir / "summary.csv");
  summary << "schedule,budget_percent,steps,test_accuracy,test_loss,train_loss\n";
  char line[256];
  for (const auto& r : rs) {
    std::snprintf(line, sizeof line, "%s,%g,%lld,%.6f,%.6f,%.6f\n", r.schedule.c_str(), r.budget,
                  static_cast<long long>(r.steps), r.test_accuracy, r.test_loss, r.train_loss);
    summary << line;
  }
  auto steps = open_out(dir / "steps.csv");
  steps << "schedule,budget_percent,step,lr,loss\n";
  for (const auto& r : rs)
    for (std::size_t t = 0; t < r.lr.size(); ++t) {
      std::snprintf(line, sizeof line, "%s,%g,%zu,%.9g,%.6g\n", r.schedule.c_str(), r.budget, t,
                    r.lr[t], static_cast<double>(r.loss[t]));
      steps << line;
    }
  if (!summary || !steps) throw usage_error("cannot write the CSV files in " + dir.string());
}

void write_plots(const std::vector<run_result>& rs, const sweep_options& o,
                 const std::filesystem::path& dir, double plot_budget, const std::string& data) {
  const std::string opt = o.optimizer == "sgd" ? "SGD momentum" : "Adam";
  lrs::svg_plot lr({"LR schedules at " + pct(plot_budget) + " budget (peak " +
                        lrs::detail::svg_number(o.lr()) + ")",
                    "step", "learning rate"});
  lrs::svg_plot loss(
      {"Training loss at " + pct(plot_budget) + " budget (" + opt + ", moving average of 50 steps)",
       "step", "training loss", true});
  lrs::svg_plot acc({"Test accuracy vs budget (" + data + ", " + opt + ")",
                     "budget, % of " + lrs::detail::svg_number(o.epochs) + " epochs",
                     "test accuracy, %", false, true});
  for (const auto& s : o.schedules) {
    const auto& r = find(rs, s, plot_budget);
    std::vector<double> x(r.lr.size()), y_loss(r.loss.size());
    double ema = 0;
    for (std::size_t t = 0; t < r.lr.size(); ++t) {
      x[t] = static_cast<double>(t);
      const double a = 1.0 / static_cast<double>(std::min<std::size_t>(t + 1, 50));
      ema = (1 - a) * ema + a * static_cast<double>(r.loss[t]);
      y_loss[t] = std::max(ema, 1e-12);
    }
    lr.add_series(s, x, r.lr);
    loss.add_series(s, x, y_loss);
    std::vector<double> bx, by;
    for (const double b : o.budgets) {
      bx.push_back(b);
      by.push_back(100 * find(rs, s, b).test_accuracy);
    }
    acc.add_series(s, bx, by);
  }
  lr.write((dir / "lr_curves.svg").string());
  loss.write((dir / "loss_curves.svg").string());
  acc.write((dir / "accuracy_vs_budget.svg").string());
}

int run(int argc, char** argv) {
  sweep_options o;
  o.epochs = 5;
  std::string data_dir = lrs_example::default_fashion_mnist_dir(), out = "budget_sweep_out";
  bool synthetic = false, quiet = false;
  long train_size = 0, test_size = 0;
  double plot_budget = 0;
  CLI::App app{"Every LR schedule at every training budget: an MLP on Fashion-MNIST"};
  app.add_option("--epochs", o.epochs, "Epochs of the full (100 %) budget")->capture_default_str();
  app.add_option("--hidden", o.hidden, "Hidden units of the MLP")->capture_default_str();
  app.add_option("--batch", o.batch, "Batch size")->capture_default_str();
  app.add_option("--lr", o.peak_lr, "Peak learning rate (default 0.05 for sgd, 0.002 for adam)");
  app.add_option("--momentum", o.momentum, "SGD momentum")->capture_default_str();
  app.add_option("--budgets", o.budgets, "Budgets, % of the full run, in (0, 100]")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--schedules", o.schedules,
                 "Schedules: constant, step, exponential, linear, cosine, onecycle, wsd, rex")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--optimizer", o.optimizer, "sgd (with momentum) or adam")->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the initialisation and data order")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Runs trained in parallel")->capture_default_str();
  app.add_option("--out", out, "Output directory for CSVs and SVGs")->capture_default_str();
  app.add_option("--data", data_dir, "Directory of the Fashion-MNIST .gz files")
      ->capture_default_str();
  app.add_flag("--synthetic", synthetic, "Use the built-in synthetic task, not Fashion-MNIST");
  app.add_option("--train-size", train_size, "Use only the first N training examples (0: all)");
  app.add_option("--test-size", test_size, "Use only the first N test examples (0: all)");
  app.add_option("--plot-budget", plot_budget,
                 "Budget of the LR and loss plots (default: largest)");
  app.add_flag("--quiet,-q", quiet, "No progress bar");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  validate(o);
  if (train_size < 0)
    throw usage_error("--train-size must be >= 0, got " + std::to_string(train_size));
  if (test_size < 0)
    throw usage_error("--test-size must be >= 0, got " + std::to_string(test_size));
  if (plot_budget == 0) plot_budget = *std::max_element(o.budgets.begin(), o.budgets.end());
  if (std::find(o.budgets.begin(), o.budgets.end(), plot_budget) == o.budgets.end())
    throw usage_error("--plot-budget must be one of --budgets, got " +
                      lrs::detail::svg_number(plot_budget));

  const auto t0 = std::chrono::steady_clock::now();
  lrs_example::train_test data;
  std::string note;
  try {
    data = synthetic ? lrs_example::synthetic_classification(train_size > 0 ? train_size : 12000,
                                                             test_size > 0 ? test_size : 2000)
                     : lrs_example::load_or_synthesize(data_dir, train_size, test_size, &note);
  } catch (const lrs_example::dataset_error& e) {
    throw usage_error(std::string("dataset: ") + e.what());
  }
  if (!note.empty()) std::fprintf(stderr, "budget_sweep: %s\n", note.c_str());
  if (data.train.size() < o.batch)
    throw usage_error("--batch " + std::to_string(o.batch) + " is larger than the " +
                      std::to_string(data.train.size()) + " training examples");
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw usage_error("cannot create output directory " + out + ": " + ec.message());

  const auto full = lrs_example::full_budget_steps(o, data);
  std::printf("data:      %s\n", data.description.c_str());
  std::printf("model:     MLP %ld-%d-%d, ReLU, softmax cross-entropy\n",
              static_cast<long>(data.train.features()), o.hidden, data.train.classes);
  std::printf(
      "optimizer: %s, peak lr %g%s, batch %d, seed %llu\n", o.optimizer.c_str(), o.lr(),
      o.optimizer == "sgd" ? (", momentum " + lrs::detail::svg_number(o.momentum)).c_str() : "",
      o.batch, static_cast<unsigned long long>(o.seed));
  std::printf("budget:    100%% = %g epochs = %lld steps; %zu runs on %d threads\n", o.epochs,
              static_cast<long long>(full), o.schedules.size() * o.budgets.size(), o.threads);
  std::fflush(stdout);

  std::vector<run_result> results;
  {
    lrs_example::progress bar(static_cast<long>(o.schedules.size() * o.budgets.size()), "runs",
                              quiet);
    results = lrs_example::run_sweep(data, o, &bar);
  }
  print_table(results, o);
  const std::filesystem::path dir(out);
  write_csvs(results, dir);
  write_plots(results, o, dir, plot_budget, data.synthetic ? "synthetic task" : "Fashion-MNIST");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "\nwrote %s/{summary.csv, steps.csv, lr_curves.svg, loss_curves.svg, "
      "accuracy_vs_budget.svg}\n",
      out.c_str());
  if (!quiet) std::fprintf(stderr, "wall time %s\n", lrs_example::format_duration(secs).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "budget_sweep: %s\n", e.what());
    return 2;
  }
}
