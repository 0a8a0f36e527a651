// SPDX-License-Identifier: MIT
// The Multi-Power Law: predicting a 72 000-step cosine at every 128th step (exact sum and the
// grouped default), and fitting it to the three fit runs of the paper's split (the real curves
// when ../shared/data has them, else the published 400M law's own values from NumPy).
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <lrs/analysis/multi_power_law.hpp>

#include "../examples/common/mpl_curves.hpp"
#include "../tests/analysis/multi_power_law_vectors.hpp"

namespace {

const lrs::multi_power_law published_400m(2.37474466, 0.65421216, 0.42878731, 523.42464371,
                                          2.02462735, 0.59350493, 0.63472457);

// range(0): tolerance in 1e-4 (0: exact).
void BM_MplPredictCosine72k(benchmark::State& state) {
  const auto lr = mpl_data::schedule("cosine_72000");
  std::vector<lrs::step_t> steps;
  for (lrs::step_t s = 2176; s < 72000; s += 128) steps.push_back(s);
  lrs::mpl_eval_options o;
  o.tolerance = static_cast<double>(state.range(0)) * 1e-4;
  for (auto _ : state) benchmark::DoNotOptimize(published_400m.predict(lr, steps, o).data());
  state.counters["points"] = static_cast<double>(steps.size());
}
BENCHMARK(BM_MplPredictCosine72k)->Arg(0)->Arg(100)->Unit(benchmark::kMillisecond);

std::vector<lrs::loss_run> fit_runs(const std::string& size) {
  std::vector<lrs::loss_run> runs;
  const std::string dir = mpl_data::folder();
  if (!dir.empty()) {
    for (const auto& r : mpl_data::fit_runs()) runs.push_back(mpl_data::load(dir, size, r));
    return runs;
  }
  const auto v = mpl_vectors::load_vectors();
  for (const auto& r : mpl_data::fit_runs()) {
    const auto& s = v.at("400M/" + r + "/code");
    runs.push_back({mpl_data::schedule(r), s.steps, s.pred});
  }
  return runs;
}

// range(0): 25, 100 or 400 (M parameters); range(1): 0 code convention, 1 paper; range(2):
// threads. Counters: the objective, evaluations, and 1 when the real curves were found.
void BM_MplFit(benchmark::State& state) {
  const auto runs = fit_runs(std::to_string(state.range(0)) + "M");
  lrs::mpl_fit_options o;
  o.convention = state.range(1) ? lrs::mpl_convention::paper : lrs::mpl_convention::code;
  o.threads = static_cast<std::size_t>(state.range(2));
  lrs::mpl_fit_result r;
  for (auto _ : state) {
    r = lrs::fit_multi_power_law(runs, o);
    benchmark::DoNotOptimize(r.objective);
  }
  state.counters["objective"] = r.objective;
  state.counters["evaluations"] = static_cast<double>(r.evaluations);
  state.counters["real_data"] = mpl_data::folder().empty() ? 0 : 1;
}
BENCHMARK(BM_MplFit)
    ->Args({25, 0, 1})
    ->Args({100, 0, 1})
    ->Args({400, 0, 1})
    ->Args({400, 1, 1})
    ->Args({400, 0, 2})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
