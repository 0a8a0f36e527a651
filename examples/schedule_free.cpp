// SPDX-License-Identifier: MIT
// Training without a budget: the demo's MLP on Fashion-MNIST trained ONCE with schedule-free SGD
// and schedule-free AdamW, evaluated (at x) after 10, 25, 50 and 100 % of the demo's budget, next
// to the best scheduled run of the budget sweep for each budget (one run against four).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/cli.hpp"
#include "common/fashion_mnist.hpp"
#include "common/progress.hpp"
#include "common/schedule_free_run.hpp"
#include "common/sweep.hpp"

namespace {

using lrs_example::schedule_free_config;
using lrs_example::schedule_free_point;
using lrs_example::sweep_options;
using lrs_example::usage_error;

/// The best run per budget of a budget_sweep summary.csv.
struct best_run {
  std::string schedule;
  long long steps = 0;
  double test_accuracy = -1, train_loss = 0;
};

std::map<double, best_run> read_sweep(const std::string& path, const std::string& option) {
  std::ifstream in(path);
  if (!in) throw usage_error(option + ": cannot read " + path);
  std::string line;
  std::getline(in, line);
  if (line.rfind("schedule,budget_percent,steps,test_accuracy", 0) != 0)
    throw usage_error(option + ": " + path + " is not a budget_sweep summary.csv");
  std::map<double, best_run> best;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string f[6];
    for (auto& x : f) std::getline(ss, x, ',');
    try {
      const double budget = std::stod(f[1]);
      best_run r{f[0], std::stoll(f[2]), std::stod(f[3]), std::stod(f[5])};
      auto& b = best[budget];
      if (r.test_accuracy > b.test_accuracy) b = r;
    } catch (const std::exception&) {
      throw usage_error(option + ": " + path + ": cannot parse line '" + line + "'");
    }
  }
  return best;
}

std::string cell(double acc, double loss) {
  char c[48];
  std::snprintf(c, sizeof c, "%.2f (%.3f)", 100 * acc, loss);
  return c;
}

/// The command line: the MLP and its budgets, the two schedule-free runs, the sweeps to compare
/// with and the data.
struct options {
  sweep_options sweep;
  schedule_free_config sgd, adamw;
  std::string sweep_sgd, sweep_adam;  ///< summary.csv files of budget_sweep (may be empty)
  lrs_example::data_options data;
  bool quiet = false;
};

/// Reads and checks the command line into `opt`; returns the exit code if the program should
/// stop here (--help, a parse error).
std::optional<int> parse_options(int argc, char** argv, options& opt) {
  sweep_options& o = opt.sweep;
  o.epochs = 5;
  opt.sgd.optimizer = "sgd";
  opt.sgd.lr = 1.0;
  opt.adamw.optimizer = "adamw";
  opt.adamw.lr = 0.0025;
  double warmup = 5;
  CLI::App app{
      "Schedule-free SGD and AdamW trained once, evaluated at every budget of the budget sweep"};
  lrs_example::add_model_options(app, o);
  lrs_example::add_budgets_option(app, o, "Budgets to evaluate at, % of the full run, in (0, 100]");
  app.add_option("--momentum", o.momentum, "Schedule-free SGD momentum (beta)")
      ->capture_default_str();
  app.add_option("--sgd-lr", opt.sgd.lr, "Schedule-free SGD LR after the warm-up")
      ->capture_default_str();
  app.add_option("--adamw-lr", opt.adamw.lr, "Schedule-free AdamW LR after the warm-up")
      ->capture_default_str();
  app.add_option("--warmup", warmup, "Linear warm-up, % of the full budget")->capture_default_str();
  app.add_option("--sweep-sgd", opt.sweep_sgd,
                 "summary.csv of budget_sweep --optimizer sgd (same epochs, batch, seed)");
  app.add_option("--sweep-adam", opt.sweep_adam,
                 "summary.csv of budget_sweep --optimizer adam (same epochs, batch, seed)");
  app.add_option("--seed", o.seed, "Seed of the initialisation and data order")
      ->capture_default_str();
  lrs_example::add_data_options(app, opt.data);
  lrs_example::add_quiet_option(app, opt.quiet);
  if (const auto code = lrs_example::parse(app, argc, argv)) return code;
  const auto bad = [](const std::string& m) { throw usage_error(m); };
  lrs_example::check_model_options(o);
  if (!(o.momentum > 0 && o.momentum < 1))
    bad("--momentum must be in (0, 1), got " + lrs_example::num(o.momentum));
  if (!(opt.sgd.lr > 0) || !std::isfinite(opt.sgd.lr))
    bad("--sgd-lr must be > 0, got " + lrs_example::num(opt.sgd.lr));
  if (!(opt.adamw.lr > 0) || !std::isfinite(opt.adamw.lr))
    bad("--adamw-lr must be > 0, got " + lrs_example::num(opt.adamw.lr));
  if (!(warmup >= 0 && warmup < 100))
    bad("--warmup must be in [0, 100) percent, got " + lrs_example::num(warmup));
  lrs_example::check_budgets(o);
  opt.sgd.warmup_percent = opt.adamw.warmup_percent = warmup;
  return std::nullopt;
}

/// The best scheduled runs of a --sweep-sgd / --sweep-adam file (none if `path` is empty), each
/// checked to have the steps this program gives its budget.
std::map<double, best_run> read_best(const std::string& path, const std::string& option,
                                     const sweep_options& o, const lrs_example::train_test& data) {
  if (path.empty()) return {};
  auto best = read_sweep(path, option);
  for (const auto& [b, r] : best) {
    const auto steps = lrs_example::budget_steps(o, data, b);
    if (std::find(o.budgets.begin(), o.budgets.end(), b) != o.budgets.end() && r.steps != steps)
      throw usage_error("the sweep's " + std::to_string(b) + " % run has " +
                        std::to_string(r.steps) + " steps, this one " + std::to_string(steps) +
                        ": run budget_sweep with the same --epochs, --batch and data");
  }
  return best;
}

void print_setup(const options& opt, const lrs_example::train_test& data) {
  const sweep_options& o = opt.sweep;
  const auto full = lrs_example::full_budget_steps(o, data);
  const double warmup = opt.sgd.warmup_percent;
  std::printf("data:      %s\n", data.description.c_str());
  std::printf("model:     MLP %ld-%d-%d, ReLU, softmax cross-entropy, batch %d, seed %llu\n",
              static_cast<long>(data.train.features()), o.hidden, data.train.classes, o.batch,
              static_cast<unsigned long long>(o.seed));
  std::printf("budget:    100%% = %g epochs = %lld steps, warm-up %g%% (%lld steps)\n", o.epochs,
              static_cast<long long>(full), warmup,
              static_cast<long long>(std::llround(warmup / 100.0 * double(full))));
  std::printf(
      "runs:      sgd_schedule_free lr %g momentum %g; adamw_schedule_free lr %g "
      "(betas 0.9, 0.999, no weight decay); one run each\n",
      opt.sgd.lr, double(o.momentum), opt.adamw.lr);
  std::fflush(stdout);
}

/// The two schedule-free runs, AdamW on a second thread: each evaluated at every budget.
void train_both(const lrs_example::train_test& data, const options& opt,
                std::vector<schedule_free_point>& sgd_pts,
                std::vector<schedule_free_point>& adamw_pts) {
  lrs_example::progress bar(2, "runs", opt.quiet);
  std::exception_ptr err;
  std::thread th([&] {
    try {
      adamw_pts = lrs_example::train_schedule_free(data, opt.sweep, opt.adamw);
    } catch (...) {
      err = std::current_exception();
    }
    bar.advance();
  });
  sgd_pts = lrs_example::train_schedule_free(data, opt.sweep, opt.sgd);
  bar.advance();
  th.join();
  if (err) std::rethrow_exception(err);
}

void print_table(const std::vector<schedule_free_point>& sgd_pts,
                 const std::vector<schedule_free_point>& adamw_pts,
                 const std::map<double, best_run>& best_sgd,
                 const std::map<double, best_run>& best_adam) {
  std::printf(
      "\nTest accuracy %% (training loss) at x after the steps of each budget: the schedule-free "
      "runs are\none run each, evaluated on the way; the scheduled runs are one run per budget, "
      "the best\nschedule of the sweep (its name after the numbers)\n\n");
  std::printf("%-7s %6s  %-15s %-27s %-15s %s\n", "budget", "steps", "SF-SGD", "best scheduled SGD",
              "SF-AdamW", "best scheduled Adam");
  auto best_cell = [](const std::map<double, best_run>& m, double b) {
    const auto it = m.find(b);
    if (it == m.end()) return std::string("-");
    return cell(it->second.test_accuracy, it->second.train_loss) + " " + it->second.schedule;
  };
  for (std::size_t i = 0; i < sgd_pts.size(); ++i) {
    const auto& s = sgd_pts[i];
    const auto& a = adamw_pts[i];
    char b[16];
    std::snprintf(b, sizeof b, "%g%%", s.budget);
    std::printf("%-7s %6lld  %-15s %-27s %-15s %s\n", b, static_cast<long long>(s.steps),
                cell(s.test_accuracy, s.train_loss).c_str(), best_cell(best_sgd, s.budget).c_str(),
                cell(a.test_accuracy, a.train_loss).c_str(),
                best_cell(best_adam, a.budget).c_str());
  }
  if (best_sgd.empty() && best_adam.empty())
    std::printf(
        "\n(scheduled columns: pass --sweep-sgd / --sweep-adam the summary.csv of "
        "budget_sweep --optimizer sgd / adam)\n");
}

int run(int argc, char** argv) {
  options opt;
  if (const auto code = parse_options(argc, argv, opt)) return *code;
  const auto t0 = std::chrono::steady_clock::now();
  const auto data = lrs_example::load_data(opt.data, opt.sweep.batch, "schedule_free");
  const auto best_sgd = read_best(opt.sweep_sgd, "--sweep-sgd", opt.sweep, data);
  const auto best_adam = read_best(opt.sweep_adam, "--sweep-adam", opt.sweep, data);
  print_setup(opt, data);

  std::vector<schedule_free_point> sgd_pts, adamw_pts;
  train_both(data, opt, sgd_pts, adamw_pts);
  print_table(sgd_pts, adamw_pts, best_sgd, best_adam);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!opt.quiet)
    std::fprintf(stderr, "wall time %s\n", lrs_example::format_duration(secs).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return lrs_example::main_of("schedule_free", run, argc, argv);
}
