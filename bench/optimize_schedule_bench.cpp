// SPDX-License-Identifier: MIT
// The best schedule under a law (lrs::optimize_schedule): T = 24 000 steps with the Multi-Power
// Law's published parameters (paper section 6.1), and under a momentum law; one final-loss
// evaluation with its gradient.
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <lrs/analysis/optimize_schedule.hpp>

namespace {

// The Multi-Power Law authors' published parameters (code convention): 25M, 100M, 400M.
lrs::multi_power_law published(int size) {
  if (size == 25)
    return {3.04045406, 0.52468604, 0.50786857, 363.78751622,
            2.06560812, 0.58279013, 0.64142257, lrs::mpl_convention::code};
  if (size == 100)
    return {2.6514477,  0.60115152, 0.45295811, 437.9464276,
            2.13245612, 0.59785199, 0.65523644, lrs::mpl_convention::code};
  return {2.37474466, 0.65421216, 0.42878731, 523.42464371,
          2.02462735, 0.59350493, 0.63472457, lrs::mpl_convention::code};
}

// Peak 3e-4, 24 000 steps, linear warm-up of 2160 (the paper's runs); the counters are the
// predicted final loss, the closed form's, and the evaluations.
void BM_OptimizeMpl(benchmark::State& state) {
  const auto p = published(static_cast<int>(state.range(0)));
  lrs::optimize_options o;
  o.warmup_steps = 2160;
  lrs::optimized_schedule r;
  for (auto _ : state) {
    r = lrs::optimize_schedule(p, 24000, 3e-4, o);
    benchmark::DoNotOptimize(r.lr.data());
  }
  state.counters["final_loss"] = r.final_loss;
  state.counters["closed_form_loss"] = r.closed_form.final_loss;
  state.counters["evaluations"] = static_cast<double>(r.evaluations);
}
BENCHMARK(BM_OptimizeMpl)->Arg(400)->Arg(100)->Arg(25)->Unit(benchmark::kMillisecond);

// The momentum law fitted to the authors' example data (tests/data/scaling_law), same setting.
void BM_OptimizeMomentum(benchmark::State& state) {
  const lrs::annealing_law law(2.6277947500862919, 0.42966732917561273, 0.54984394676470938,
                               0.41077147803665665);
  lrs::optimize_options o;
  o.warmup_steps = 2160;
  lrs::optimized_schedule r;
  for (auto _ : state) {
    r = lrs::optimize_schedule(law, 24000, 3e-4, lrs::area_options{}, o);
    benchmark::DoNotOptimize(r.lr.data());
  }
  state.counters["final_loss"] = r.final_loss;
  state.counters["evaluations"] = static_cast<double>(r.evaluations);
}
BENCHMARK(BM_OptimizeMomentum)->Unit(benchmark::kMillisecond);

// One MPL final loss with its gradient on a WSD curve.
void BM_MplFinalLossGradient(benchmark::State& state) {
  const auto p = published(400);
  std::vector<double> lr(24000, 3e-4), grad;
  for (std::size_t t = 0; t < 2160; ++t) lr[t] = 3e-4 * static_cast<double>(t) / 2159.0;
  for (std::size_t t = 20000; t < lr.size(); ++t)
    lr[t] = 3e-4 * (1.0 - static_cast<double>(t - 20000) / 4000.0) + 1e-6;
  for (auto _ : state) benchmark::DoNotOptimize(lrs::mpl_final_loss_gradient(p, lr, 2160, grad));
}
BENCHMARK(BM_MplFinalLossGradient)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
