// SPDX-License-Identifier: MIT
// lrs::refine on T = 1e5, 1e6, 1e7 recorded norms with tau = 0.1 (median width 0.1 T), and its
// median filter alone on T = 1e3 .. 1e7.
#include <cmath>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include <lrs/analysis/refinement.hpp>

namespace {

// The input of bench/refinement_reference.py: a decaying, noisy norm curve that rises at the end,
// noise from a multiplicative hash so that C++ and NumPy build the same sequence.
std::vector<double> synthetic_norms(std::int64_t n) {
  std::vector<double> g(static_cast<std::size_t>(n));
  for (std::int64_t t = 0; t < n; ++t) {
    const double z = double(t) / double(n);
    const double u = double((std::uint64_t(t) * 2654435761u) % 4294967296u) / 4294967296.0;
    g[static_cast<std::size_t>(t)] =
        1.0 + 3.0 * std::exp(-z / 0.05) + 2.0 * z * z * z * z + 0.5 * u;
  }
  return g;
}

void refine_sgd(benchmark::State& state) {
  const std::vector<double> g = synthetic_norms(state.range(0));
  for (auto _ : state) {
    auto s = lrs::refine(g);  // tau = 0.1
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void median_filter_only(benchmark::State& state) {
  const std::vector<double> g = synthetic_norms(state.range(0));
  const std::size_t width = lrs::detail::refinement_filter_width(0.1, g.size());
  for (auto _ : state) {
    auto out = lrs::detail::refinement_median_filter(g.data(), g.size(), width);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK(refine_sgd)->Arg(100'000)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(median_filter_only)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
