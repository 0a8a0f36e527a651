// SPDX-License-Identifier: MIT
// Annealing scaling law: S1/S2 for T = 1e7, and fits beside
// tests/data/scaling_law/scipy_reference.py.
#include <cmath>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include <lrs/analysis/scaling_law.hpp>
#include <lrs/analysis/scaling_law/objective.hpp>

namespace {

constexpr double pi = 3.14159265358979323846;

// Cosine from 2e-4 to 0 over (500, t], steps 0..500 at 2e-4: t + 1 LRs, as the reference script.
std::vector<double> cosine_lr(std::size_t t) {
  std::vector<double> lr(t + 1);
  for (std::size_t i = 0; i <= t; ++i)
    lr[i] =
        i <= 500
            ? 2e-4
            : 0.5 *
                  (1 + std::cos(pi * static_cast<double>(i - 500) / static_cast<double>(t - 500))) *
                  2e-4;
  return lr;
}

// scipy_reference.py's synthetic_runs: law (2.5, 0.6, 0.45, 1.5), losses every `every` steps
// times 1 + noise * sin(0.7 k + run).
std::vector<lrs::loss_run> synthetic(std::size_t t, lrs::step_t every, double noise) {
  const lrs::annealing_law law(2.5, 0.6, 0.45, 1.5);
  std::vector<lrs::loss_run> runs(2);
  runs[0].lr = cosine_lr(t);
  runs[1].lr.assign(t + 1, 2e-4);
  for (std::size_t j = 0; j < 2; ++j) {
    const auto a = lrs::compute_areas(runs[j].lr);
    double k = 0;
    for (auto s = every; s <= static_cast<lrs::step_t>(t); s += every, k += 1) {
      const auto i = static_cast<std::size_t>(s);
      runs[j].steps.push_back(s);
      runs[j].losses.push_back(law(a.s1[i], a.s2[i]) *
                               (1 + noise * std::sin(0.7 * k + static_cast<double>(j))));
    }
  }
  return runs;
}

std::vector<lrs::loss_run> authors_runs() {
  const double cos_loss[] = {3.6696358, 3.3254106, 3.1908393, 3.1158533, 3.0604768,
                             3.020384,  2.9880967, 2.9612265, 2.9395165, 2.9195616,
                             2.9030452, 2.8881907, 2.8767889, 2.8654318, 2.8565135,
                             2.8489892, 2.843639,  2.8398669, 2.8380618, 2.8376071};
  const double const_loss[] = {3.6714418, 3.325626,  3.1884103, 3.111947,  3.058354,
                               3.0211415, 2.9874816, 2.96082,   2.9406552, 2.9241402,
                               2.9054413, 2.8942103, 2.8807929, 2.8702695, 2.862175,
                               2.8530996, 2.8448784, 2.8383856, 2.8326995, 2.8294308};
  std::vector<lrs::loss_run> runs(2);
  runs[0].lr = cosine_lr(20000);
  runs[1].lr.assign(20001, 2e-4);
  for (int i = 0; i < 20; ++i) {
    for (auto& r : runs) r.steps.push_back(1000 * (i + 1));
    runs[0].losses.push_back(cos_loss[i]);
    runs[1].losses.push_back(const_loss[i]);
  }
  return runs;
}

void report(benchmark::State& state, const lrs::fit_result& r) {
  state.counters["L0"] = r.law.l0();
  state.counters["A"] = r.law.a();
  state.counters["alpha"] = r.law.alpha();
  state.counters["C"] = r.law.c();
  state.counters["objective"] = r.objective;
  state.counters["evaluations"] = double(r.evaluations);
  state.counters["point_evaluations"] = double(r.point_evaluations);
  state.counters["polished"] = r.polished;
}

void areas_1e7(benchmark::State& state) {
  const auto lr = cosine_lr(10'000'000 - 1);
  for (auto _ : state) {
    auto a = lrs::compute_areas(lr);  // includes copying the 1e7 LRs into the result
    benchmark::DoNotOptimize(a.s2.back());
  }
  state.SetItemsProcessed(state.iterations() * 10'000'000);
}
BENCHMARK(areas_1e7)->Unit(benchmark::kMillisecond);

void final_areas_1e7(benchmark::State& state) {
  const auto lr = cosine_lr(10'000'000 - 1);
  for (auto _ : state) benchmark::DoNotOptimize(lrs::compute_final_areas(lr).second);
  state.SetItemsProcessed(state.iterations() * 10'000'000);
}
BENCHMARK(final_areas_1e7)->Unit(benchmark::kMillisecond);

// First argument: 1 = the default fit (authors' grid + data-scaled starts), 0 = the authors' grid
// only. Second: fit_options::threads. Third (if any): 0 = one pass (fit_options::coarse_points =
// 0, every start on every point), 1 = the default (a coarse pass first on large fits).
lrs::fit_options fit_opts(const benchmark::State& state) {
  lrs::fit_options o;
  o.data_scaled_starts = state.range(0) != 0;
  if (state.range(1) > 0) o.threads = static_cast<std::size_t>(state.range(1));
  if (state.range(2) == 0) o.coarse_points = 0;
  return o;
}

void fit_authors_2x20(benchmark::State& state) {
  const auto runs = authors_runs();
  const auto opt = fit_opts(state);
  lrs::fit_result r;
  for (auto _ : state) r = lrs::fit_annealing_law(runs, opt);
  report(state, r);
}
BENCHMARK(fit_authors_2x20)->Args({1, 1, 1})->Args({0, 1, 1})->Unit(benchmark::kMillisecond);

void fit_1e5_points(benchmark::State& state) {
  const auto runs = synthetic(100000, 2, 0.002);  // 2 runs x 50000 points
  const auto opt = fit_opts(state);
  lrs::fit_result r;
  for (auto _ : state) r = lrs::fit_annealing_law(runs, opt);
  report(state, r);
  // Relative distance from SciPy's answer on the same data (the authors' procedure on every
  // point; printed by `scipy_reference.py --bench`).
  state.counters["rel_L0"] = r.law.l0() / 2.50004903340651 - 1;
  state.counters["rel_A"] = r.law.a() / 0.5999375709398637 - 1;
  state.counters["rel_alpha"] = r.law.alpha() / 0.4500500717597727 - 1;
  state.counters["rel_C"] = r.law.c() / 1.5000084945852221 - 1;
  state.counters["rel_objective"] = r.objective / 0.08269962026 - 1;
}
// One evaluation of the fit's objective and gradient over the 1e5 points, at the optimum: with
// fit_1e5_points' `evaluations` counter, time per fit = evaluations x this (plus the solver).
void objective_1e5_points(benchmark::State& state) {
  const auto runs = synthetic(100000, 2, 0.002);
  lrs::detail::law_points pts;
  for (const auto& run : runs) {
    const auto a = lrs::compute_areas(run.lr);
    for (std::size_t i = 0; i < run.steps.size(); ++i) {
      const auto s = static_cast<std::size_t>(run.steps[i]);
      pts.ln_s1.push_back(std::log(a.s1[s]));
      pts.s2.push_back(a.s2[s]);
      pts.ln_y.push_back(std::log(run.losses[i]));
    }
  }
  lrs::detail::law_objective fun(pts, 1e-3);
  Eigen::VectorXd x(4), g(4);
  x << 2.50005, 0.599937, 0.45005, 1.50001;
  for (auto _ : state) benchmark::DoNotOptimize(fun(x, g));
  state.SetItemsProcessed(state.iterations() * std::int64_t(pts.ln_y.size()));
}
BENCHMARK(objective_1e5_points)->Unit(benchmark::kMicrosecond);

BENCHMARK(fit_1e5_points)
    ->Args({1, 1, 1})
    ->Args({0, 1, 1})
    ->Args({1, 2, 1})
    ->Args({0, 2, 1})
    ->Args({1, 1, 0})
    ->Args({1, 2, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
