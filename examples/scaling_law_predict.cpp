// SPDX-License-Identifier: MIT
// Fit the annealing law on a constant and a cosine run of an MLP, predict WSD, linear, step, REX.
//
// Trains the demo's MLP on Fashion-MNIST (SGD with momentum) six times with the same
// initialisation and data order: constant and cosine (the fitting runs), then WSD, linear, step
// (30-60-90) and REX. The training loss is smoothed into window means of `--window` steps; the
// law L = L0 + A*S1^-alpha - C*S2 (Tissue, Wang, Wang, arXiv:2408.11029) is fitted on the two
// fitting runs and predicts the final training loss of the others from their LRs alone.
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <lrs/analysis/scaling_law.hpp>

#include "common/cli.hpp"
#include "common/fashion_mnist.hpp"
#include "common/sweep.hpp"

namespace {

/// Window means of the per-step losses: one point per whole window of k steps, placed at the
/// window's middle step minus one (the loss before update t is the loss after step t - 1).
lrs::loss_run smoothed(const lrs_example::run_result& r, int k, int skip_windows) {
  lrs::loss_run out;
  out.lr = r.lr;
  const auto n = r.loss.size() / static_cast<std::size_t>(k);
  for (std::size_t w = static_cast<std::size_t>(skip_windows); w < n; ++w) {
    double sum = 0;
    for (std::size_t i = w * k; i < (w + 1) * k; ++i) sum += r.loss[i];
    out.steps.push_back(static_cast<lrs::step_t>(w * k + k / 2) - 1);
    out.losses.push_back(sum / k);
  }
  return out;
}

/// The command line: the six runs, the smoothing and the data.
struct options {
  lrs_example::sweep_options sweep;
  lrs_example::data_options data;
  int window = 78;  ///< steps per loss window mean
  int skip = 1;     ///< leading windows left out of the fit
};

/// Reads and checks the command line into `opt`; returns the exit code if the program should
/// stop here (--help, a parse error).
std::optional<int> parse_options(int argc, char** argv, options& opt) {
  auto& o = opt.sweep;
  o.epochs = 4;
  o.budgets = {100};
  o.schedules = {"constant", "cosine", "wsd", "linear", "step", "rex"};
  CLI::App app{
      "Predict final losses of WSD, linear, step and REX from a constant and a cosine run"};
  lrs_example::add_model_options(app, o);
  app.add_option("--lr", o.peak_lr, "Peak LR (default 0.05)");
  app.add_option("--window", opt.window, "Steps per loss window mean")->capture_default_str();
  app.add_option("--skip", opt.skip, "Leading windows left out of the fit")->capture_default_str();
  app.add_option("--threads", o.threads, "Runs trained in parallel")->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the initialisation and data order");
  lrs_example::add_data_options(app, opt.data);
  if (const auto code = lrs_example::parse(app, argc, argv)) return code;
  lrs_example::check_model_options(o);
  if (opt.window < 2)
    throw lrs_example::usage_error("--window must be >= 2, got " + std::to_string(opt.window));
  if (opt.skip < 0)
    throw lrs_example::usage_error("--skip must be >= 0, got " + std::to_string(opt.skip));
  return std::nullopt;
}

/// The law fitted on the constant and cosine runs (the first two), with the fit of the authors'
/// start grid alone printed first.
lrs::fit_result fit_law(const std::vector<lrs_example::run_result>& runs, const options& opt) {
  const std::vector<lrs::loss_run> fitting = {smoothed(runs[0], opt.window, opt.skip),
                                              smoothed(runs[1], opt.window, opt.skip)};
  lrs::fit_options authors_only;
  authors_only.data_scaled_starts = false;
  const auto grid_fit = lrs::fit_annealing_law(fitting, authors_only);
  std::printf("authors' grid alone: R^2 %.6g (%s); with the data-scaled starts:\n", grid_fit.r2,
              lrs::to_string(grid_fit.status));
  auto fit = lrs::fit_annealing_law(fitting);
  const auto& law = fit.law;
  std::printf("fit on constant + cosine: L0 %.5g  A %.5g  alpha %.5g  C %.5g  R^2 %.5f  (%s)\n\n",
              law.l0(), law.a(), law.alpha(), law.c(), fit.r2, lrs::to_string(fit.status));
  return fit;
}

/// Measured: the training loss on the first 10000 training examples after the last update;
/// predicted: the law at the last step. The last window mean is shown for reference.
void print_predictions(const std::vector<lrs_example::run_result>& runs,
                       const lrs::annealing_law& law, int window) {
  std::printf("%-9s %10s %10s %10s %12s\n", "schedule", "predicted", "measured", "rel.error",
              "last window");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto areas = lrs::compute_final_areas(runs[i].lr);
    const double predicted = law(areas.first, areas.second), measured = runs[i].metrics.train_loss;
    std::printf("%-9s %10.4f %10.4f %+9.1f%% %12.4f%s\n", runs[i].schedule.c_str(), predicted,
                measured, 100.0 * (predicted - measured) / measured,
                smoothed(runs[i], window, 0).losses.back(), i < 2 ? "  (fitted)" : "");
  }
}

int run(int argc, char** argv) {
  options opt;
  if (const auto code = parse_options(argc, argv, opt)) return *code;
  const auto& o = opt.sweep;
  const auto data = lrs_example::load_data(opt.data, o.batch, "scaling_law_predict");
  std::printf("%s; %lld steps per run, peak LR %g, SGD momentum %g\n", data.description.c_str(),
              static_cast<long long>(lrs_example::full_budget_steps(o, data)), o.lr(),
              static_cast<double>(o.momentum));
  const auto runs = lrs_example::run_sweep(data, o);  // in o.schedules order
  const auto fit = fit_law(runs, opt);
  print_predictions(runs, fit.law, opt.window);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return lrs_example::main_of("scaling_law_predict", run, argc, argv);
}
