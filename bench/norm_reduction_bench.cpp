// SPDX-License-Identifier: MIT
// Google Benchmark: the gradient-norm pass that clipping runs before an update, as it is by
// default (blocked SIMD sums) and with a norm_reduction set (exact, order-independent sums, here
// with a no-op reduction: the cost on one rank before any communication), and the whole clipped
// AdamW step both ways.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include <lrs/optim.hpp>

namespace {

using vec = Eigen::VectorXf;

struct grads {
  vec g;
  explicit grads(benchmark::State& state) : g(vec::Random(Eigen::Index(state.range(0))) * 1e-3f) {}
};

void finish(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_NormPass(benchmark::State& state) {
  const grads d(state);
  const lrs::param_tensor<float> t(nullptr, d.g.data(), d.g.size());
  for (auto _ : state) {
    const auto c = lrs::detail::clip_prepass(&t, 1, 1.0f);
    benchmark::DoNotOptimize(c);
  }
  finish(state);
}

void BM_ExactNormPass(benchmark::State& state) {
  const grads d(state);
  const lrs::param_tensor<float> t(nullptr, d.g.data(), d.g.size());
  const lrs::norm_reduction none = [](std::int64_t*, std::size_t) {};
  for (auto _ : state) {
    const auto c = lrs::detail::clip_prepass(&t, 1, 1.0f, &none);
    benchmark::DoNotOptimize(c);
  }
  finish(state);
}

void adamw_step(benchmark::State& state, bool hook) {
  const auto n = Eigen::Index(state.range(0));
  vec p = vec::Random(n);
  const grads d(state);
  lrs::adamw_options<float> o;
  o.max_grad_norm = 1e-3f;
  lrs::adamw<float> opt(o);
  if (hook) opt.set_norm_reduction([](std::int64_t*, std::size_t) {});
  opt.step(p, d.g, 1e-3f);
  for (auto _ : state) {
    const auto info = opt.step(p, d.g, 1e-3f);
    benchmark::DoNotOptimize(info);
    benchmark::ClobberMemory();
  }
  finish(state);
}
void BM_AdamWClipped(benchmark::State& state) {
  adamw_step(state, false);
}
void BM_AdamWClippedExact(benchmark::State& state) {
  adamw_step(state, true);
}

void BM_ExactNormPassDouble(benchmark::State& state) {
  const Eigen::VectorXd g = Eigen::VectorXd::Random(Eigen::Index(state.range(0))) * 1e-3;
  const lrs::param_tensor<double> t(nullptr, g.data(), g.size());
  const lrs::norm_reduction none = [](std::int64_t*, std::size_t) {};
  for (auto _ : state) {
    const auto c = lrs::detail::clip_prepass(&t, 1, 1.0, &none);
    benchmark::DoNotOptimize(c);
  }
  finish(state);
}

double minimum(const std::vector<double>& v) {
  return *std::min_element(v.begin(), v.end());
}

// CPU time (the machine is shared), 5 repetitions, the minimum reported as the `_min` row.
#define LRS_NORM_BENCH(fn)                \
  BENCHMARK(fn)                           \
      ->RangeMultiplier(10)               \
      ->Range(10000, 1000000)             \
      ->Repetitions(5)                    \
      ->ComputeStatistics("min", minimum) \
      ->ReportAggregatesOnly(true)

LRS_NORM_BENCH(BM_NormPass);
LRS_NORM_BENCH(BM_ExactNormPass);
LRS_NORM_BENCH(BM_AdamWClipped);
LRS_NORM_BENCH(BM_AdamWClippedExact);
LRS_NORM_BENCH(BM_ExactNormPassDouble);

}  // namespace

BENCHMARK_MAIN();
