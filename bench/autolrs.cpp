// SPDX-License-Identifier: MIT
// AutoLRS overhead per candidate: GP fit, acquisition search and loss forecast.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include <lrs/analysis/exp_forecast.hpp>
#include <lrs/analysis/gaussian_process.hpp>
#include <lrs/core/random.hpp>

namespace {

void observations(int n, std::vector<double>& x, std::vector<double>& y) {
  lrs::detail::splitmix64 r(3);
  x.clear();
  y.clear();
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    x.push_back(u);
    y.push_back((u - 0.4) * (u - 0.4) + 0.05 * r.uniform());
  }
}

// Hyper-parameter search (3 starts) on n observations: done once per candidate.
void BM_gp_fit(benchmark::State& state) {
  std::vector<double> x, y;
  observations(static_cast<int>(state.range(0)), x, y);
  lrs::gaussian_process gp;
  for (auto _ : state) {
    gp.fit(x, y, std::uint64_t{1});
    benchmark::DoNotOptimize(gp.hyperparameters().length_scale);
  }
}
BENCHMARK(BM_gp_fit)->Arg(1)->Arg(5)->Arg(10)->Unit(benchmark::kMicrosecond);

// LCB search on [0, 1] (513-point grid + golden section) with n observations.
void BM_lcb_argmin(benchmark::State& state) {
  std::vector<double> x, y;
  observations(static_cast<int>(state.range(0)), x, y);
  lrs::gaussian_process gp;
  gp.fit(x, y, std::uint64_t{1});
  for (auto _ : state) benchmark::DoNotOptimize(lrs::lcb_argmin(gp, 1e6));
}
BENCHMARK(BM_lcb_argmin)->Arg(1)->Arg(5)->Arg(10)->Unit(benchmark::kMicrosecond);

// A tau'-long training-loss buffer: unit scale and low noise (range 0: the de-noising spline is
// the least-squares quadratic), or scale 100 with noise sigma 3 (range 1: FITPACK adds knots).
std::vector<double> losses(std::size_t n, bool large) {
  lrs::detail::splitmix64 r(5);
  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = r.uniform() - 0.5;
    y[i] = large ? 100 * (0.8 * std::exp(-0.004 * double(i)) + 1.2) + 3 * std::sqrt(12.0) * u
                 : 0.9 * std::exp(-0.004 * double(i)) + 0.4 + 0.05 * u;
  }
  return y;
}

// Forecast of the buffer (10 de-noising passes + Nelder-Mead).
void BM_exp_forecast(benchmark::State& state) {
  const auto y = losses(static_cast<std::size_t>(state.range(0)), state.range(1) != 0);
  for (auto _ : state) benchmark::DoNotOptimize(lrs::exp_forecast(y, 10.0 * double(y.size())));
}
BENCHMARK(BM_exp_forecast)
    ->Args({100, 0})
    ->Args({800, 0})
    ->Args({100, 1})
    ->Args({800, 1})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
