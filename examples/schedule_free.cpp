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
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/fashion_mnist.hpp"
#include "common/progress.hpp"
#include "common/schedule_free_run.hpp"
#include "common/sweep.hpp"

namespace {

using lrs_example::schedule_free_config;
using lrs_example::schedule_free_point;
using lrs_example::sweep_options;

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

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

int run(int argc, char** argv) {
  sweep_options o;
  o.epochs = 5;
  schedule_free_config sgd_c, adamw_c;
  sgd_c.optimizer = "sgd";
  sgd_c.lr = 1.0;
  adamw_c.optimizer = "adamw";
  adamw_c.lr = 0.0025;
  double warmup = 5;
  std::string data_dir = lrs_example::default_fashion_mnist_dir(), sweep_sgd, sweep_adam;
  bool synthetic = false, quiet = false;
  long train_size = 0, test_size = 0;
  CLI::App app{
      "Schedule-free SGD and AdamW trained once, evaluated at every budget of the budget sweep"};
  app.add_option("--epochs", o.epochs, "Epochs of the full (100 %) budget")->capture_default_str();
  app.add_option("--hidden", o.hidden, "Hidden units of the MLP")->capture_default_str();
  app.add_option("--batch", o.batch, "Batch size")->capture_default_str();
  app.add_option("--budgets", o.budgets, "Budgets to evaluate at, % of the full run, in (0, 100]")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--momentum", o.momentum, "Schedule-free SGD momentum (beta)")
      ->capture_default_str();
  app.add_option("--sgd-lr", sgd_c.lr, "Schedule-free SGD LR after the warm-up")
      ->capture_default_str();
  app.add_option("--adamw-lr", adamw_c.lr, "Schedule-free AdamW LR after the warm-up")
      ->capture_default_str();
  app.add_option("--warmup", warmup, "Linear warm-up, % of the full budget")->capture_default_str();
  app.add_option("--sweep-sgd", sweep_sgd,
                 "summary.csv of budget_sweep --optimizer sgd (same epochs, batch, seed)");
  app.add_option("--sweep-adam", sweep_adam,
                 "summary.csv of budget_sweep --optimizer adam (same epochs, batch, seed)");
  app.add_option("--seed", o.seed, "Seed of the initialisation and data order")
      ->capture_default_str();
  app.add_option("--data", data_dir, "Directory of the Fashion-MNIST .gz files")
      ->capture_default_str();
  app.add_flag("--synthetic", synthetic, "Use the built-in synthetic task, not Fashion-MNIST");
  app.add_option("--train-size", train_size, "Use only the first N training examples (0: all)");
  app.add_option("--test-size", test_size, "Use only the first N test examples (0: all)");
  app.add_flag("--quiet,-q", quiet, "No progress bar");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  const auto bad = [](const std::string& m) { throw usage_error(m); };
  if (!(o.epochs > 0) || !std::isfinite(o.epochs)) bad("--epochs must be > 0");
  if (o.hidden < 1) bad("--hidden must be >= 1, got " + std::to_string(o.hidden));
  if (o.batch < 1) bad("--batch must be >= 1, got " + std::to_string(o.batch));
  if (!(o.momentum > 0 && o.momentum < 1)) bad("--momentum must be in (0, 1)");
  if (!(sgd_c.lr > 0) || !std::isfinite(sgd_c.lr)) bad("--sgd-lr must be > 0");
  if (!(adamw_c.lr > 0) || !std::isfinite(adamw_c.lr)) bad("--adamw-lr must be > 0");
  if (!(warmup >= 0 && warmup < 100)) bad("--warmup must be in [0, 100) percent");
  if (o.budgets.empty()) bad("--budgets needs at least one budget");
  for (const double b : o.budgets)
    if (!(b > 0 && b <= 100)) bad("--budgets: each budget must be in (0, 100] percent");
  if (train_size < 0 || test_size < 0) bad("--train-size and --test-size must be >= 0");
  sgd_c.warmup_percent = adamw_c.warmup_percent = warmup;

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
  if (!note.empty()) std::fprintf(stderr, "schedule_free: %s\n", note.c_str());
  if (data.train.size() < o.batch) bad("--batch is larger than the training set");

  std::map<double, best_run> best_sgd, best_adam;
  if (!sweep_sgd.empty()) best_sgd = read_sweep(sweep_sgd, "--sweep-sgd");
  if (!sweep_adam.empty()) best_adam = read_sweep(sweep_adam, "--sweep-adam");
  for (const auto* m : {&best_sgd, &best_adam})
    for (const auto& [b, r] : *m) {
      const auto steps = lrs_example::budget_steps(o, data, b);
      if (std::find(o.budgets.begin(), o.budgets.end(), b) != o.budgets.end() && r.steps != steps)
        bad("the sweep's " + std::to_string(b) + " % run has " + std::to_string(r.steps) +
            " steps, this one " + std::to_string(steps) +
            ": run budget_sweep with the same --epochs, --batch and data");
    }

  const auto full = lrs_example::full_budget_steps(o, data);
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
      sgd_c.lr, double(o.momentum), adamw_c.lr);
  std::fflush(stdout);

  std::vector<schedule_free_point> sgd_pts, adamw_pts;
  {
    lrs_example::progress bar(2, "runs", quiet);
    std::exception_ptr err;
    std::thread th([&] {
      try {
        adamw_pts = lrs_example::train_schedule_free(data, o, adamw_c);
      } catch (...) {
        err = std::current_exception();
      }
      bar.advance();
    });
    sgd_pts = lrs_example::train_schedule_free(data, o, sgd_c);
    bar.advance();
    th.join();
    if (err) std::rethrow_exception(err);
  }

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
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!quiet) std::fprintf(stderr, "wall time %s\n", lrs_example::format_duration(secs).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "schedule_free: %s\n", e.what());
    return 2;
  }
}
