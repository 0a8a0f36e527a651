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
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <lrs/analysis/scaling_law.hpp>

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

}  // namespace

int main(int argc, char** argv) try {
  lrs_example::sweep_options o;
  o.epochs = 4;
  o.budgets = {100};
  o.schedules = {"constant", "cosine", "wsd", "linear", "step", "rex"};
  int window = 78, skip = 1;
  std::string data_dir = lrs_example::default_fashion_mnist_dir();
  CLI::App app{
      "Predict final losses of WSD, linear, step and REX from a constant and a cosine run"};
  app.add_option("--epochs", o.epochs, "Epochs of every run")->capture_default_str();
  app.add_option("--lr", o.peak_lr, "Peak LR (default 0.05)");
  app.add_option("--window", window, "Steps per loss window mean")->capture_default_str();
  app.add_option("--skip", skip, "Leading windows left out of the fit")->capture_default_str();
  app.add_option("--threads", o.threads, "Runs trained in parallel")->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the initialisation and data order");
  app.add_option("--data", data_dir, "Directory of the Fashion-MNIST .gz files");
  CLI11_PARSE(app, argc, argv);
  if (window < 2 || skip < 0) {
    std::fprintf(stderr, "scaling_law_predict: --window must be >= 2 and --skip >= 0\n");
    return 2;
  }

  std::string note;
  const auto data = lrs_example::load_or_synthesize(data_dir, 0, 0, &note);
  if (!note.empty()) std::fprintf(stderr, "scaling_law_predict: %s\n", note.c_str());
  std::printf("%s; %lld steps per run, peak LR %g, SGD momentum %g\n", data.description.c_str(),
              static_cast<long long>(lrs_example::full_budget_steps(o, data)), o.lr(),
              static_cast<double>(o.momentum));
  const auto runs = lrs_example::run_sweep(data, o);  // in o.schedules order

  const std::vector<lrs::loss_run> fitting = {smoothed(runs[0], window, skip),
                                              smoothed(runs[1], window, skip)};
  lrs::fit_options authors_only;
  authors_only.data_scaled_starts = false;
  const auto grid_fit = lrs::fit_annealing_law(fitting, authors_only);
  std::printf("authors' grid alone: R^2 %.6g (%s); with the data-scaled starts:\n", grid_fit.r2,
              lrs::to_string(grid_fit.status));
  const auto fit = lrs::fit_annealing_law(fitting);
  const auto& law = fit.law;
  std::printf("fit on constant + cosine: L0 %.5g  A %.5g  alpha %.5g  C %.5g  R^2 %.5f  (%s)\n\n",
              law.l0(), law.a(), law.alpha(), law.c(), fit.r2, lrs::to_string(fit.status));
  // Measured: the training loss on the first 10000 training examples after the last update;
  // predicted: the law at the last step. The last window mean is shown for reference.
  std::printf("%-9s %10s %10s %10s %12s\n", "schedule", "predicted", "measured", "rel.error",
              "last window");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto areas = lrs::compute_final_areas(runs[i].lr);
    const double predicted = law(areas.first, areas.second), measured = runs[i].metrics.train_loss;
    std::printf("%-9s %10.4f %10.4f %+9.1f%% %12.4f%s\n", runs[i].schedule.c_str(), predicted,
                measured, 100.0 * (predicted - measured) / measured,
                smoothed(runs[i], window, 0).losses.back(), i < 2 ? "  (fitted)" : "");
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "scaling_law_predict: %s\n", e.what());
  return 2;
}
