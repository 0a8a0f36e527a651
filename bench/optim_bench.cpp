// SPDX-License-Identifier: MIT
// Google Benchmark: lrs::sgd / adam / adamw step throughput against a STREAM triad reference,
// and the cost of Adam's state() / load_state().
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include <lrs/optim.hpp>

namespace {

using vec = Eigen::VectorXf;

// Bytes the update must move per element: SGD with momentum reads p, g, buf and writes p, buf;
// Adam / AdamW read p, g, m, v and write p, m, v; the triad reads b, c and writes a.
constexpr std::int64_t sgd_words = 5;
constexpr std::int64_t adam_words = 7;
constexpr std::int64_t triad_words = 3;

void set_counters(benchmark::State& state, std::int64_t n, std::int64_t words) {
  state.SetBytesProcessed(state.iterations() * n * words * std::int64_t(sizeof(float)));
  state.SetItemsProcessed(state.iterations() * n);
}

template <class Opt>
void run_optimizer(benchmark::State& state, Opt& opt, std::int64_t words) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  vec p = vec::Random(n);
  const vec g = vec::Random(n) * 1e-3f;
  opt.step(p, g, 1e-3f);  // first step allocates the state
  for (auto _ : state) {
    const auto info = opt.step(p, g, 1e-3f);
    benchmark::DoNotOptimize(info);
    benchmark::ClobberMemory();
  }
  set_counters(state, n, words);
}

void BM_SGD(benchmark::State& state) {
  lrs::sgd_options<float> o;
  o.momentum = 0.9f;
  lrs::sgd<float> opt(o);
  run_optimizer(state, opt, sgd_words);
}

void BM_Adam(benchmark::State& state) {
  lrs::adam<float> opt;
  run_optimizer(state, opt, adam_words);
}

void BM_AdamW(benchmark::State& state) {
  lrs::adamw<float> opt;
  run_optimizer(state, opt, adam_words);
}

// Schedule-free (lrs/optim/schedule_free.hpp): SGD reads y (the params), g, z, x and writes y, z,
// x; AdamW also reads and writes v.
constexpr std::int64_t sgd_schedule_free_words = 7;
constexpr std::int64_t adamw_schedule_free_words = 9;

void BM_SGDScheduleFree(benchmark::State& state) {
  lrs::sgd_schedule_free<float> opt;
  run_optimizer(state, opt, sgd_schedule_free_words);
}

void BM_AdamWScheduleFree(benchmark::State& state) {
  lrs::adamw_schedule_free_options<float> o;
  o.weight_decay = 1e-2f;
  lrs::adamw_schedule_free<float> opt(o);
  run_optimizer(state, opt, adamw_schedule_free_words);
}

void BM_Triad(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  vec a = vec::Zero(n);
  const vec b = vec::Random(n), c = vec::Random(n);
  float s = 0.5f;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s);
    a.noalias() = b + s * c;
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, triad_words);
}

// Adam's state at n parameters after one step: step count, exp_avg and exp_avg_sq of one tensor.
template <class T>
lrs::adam<T> stepped_adam(Eigen::Index n) {
  using v = lrs::vector_t<T>;
  lrs::adam<T> opt;
  v p = v::Random(n);
  const v g = v::Random(n);
  opt.step(p, g, T(1e-3));
  return opt;
}

void set_state_counters(benchmark::State& state, std::size_t bytes) {
  state.SetBytesProcessed(state.iterations() * std::int64_t(bytes));
  state.counters["state_bytes"] = double(bytes);
}

// state(): encode (little-endian copy) and CRC-32 into a new byte vector.
template <class T>
void BM_AdamState(benchmark::State& state) {
  const lrs::adam<T> opt = stepped_adam<T>(static_cast<Eigen::Index>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::vector<unsigned char> s = opt.state();
    bytes = s.size();
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
  set_state_counters(state, bytes);
}

// load_state(): header, CRC-32, hyper-parameters, then the buffers into temporaries and commit.
template <class T>
void BM_AdamLoadState(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  const std::vector<unsigned char> s = stepped_adam<T>(n).state();
  lrs::adam<T> opt;
  for (auto _ : state) {
    opt.load_state(s);
    benchmark::DoNotOptimize(opt.buffer(0, 0).data());
    benchmark::ClobberMemory();
  }
  set_state_counters(state, s.size());
}

// Reference: copying a byte vector of the same size.
void BM_StateCopy(benchmark::State& state) {
  const std::vector<unsigned char> s =
      stepped_adam<float>(static_cast<Eigen::Index>(state.range(0))).state();
  for (auto _ : state) {
    std::vector<unsigned char> c = s;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_state_counters(state, s.size());
}

double minimum(const std::vector<double>& v) {
  return *std::min_element(v.begin(), v.end());
}

}  // namespace

// CPU time (the machine is shared), 5 repetitions, the minimum reported as the `_min` row.
#define LRS_OPTIM_BENCH(fn)               \
  BENCHMARK(fn)                           \
      ->RangeMultiplier(10)               \
      ->Range(10000, 10000000)            \
      ->Repetitions(5)                    \
      ->ComputeStatistics("min", minimum) \
      ->ReportAggregatesOnly(true)

LRS_OPTIM_BENCH(BM_Triad);
LRS_OPTIM_BENCH(BM_SGD);
LRS_OPTIM_BENCH(BM_Adam);
LRS_OPTIM_BENCH(BM_AdamW);
LRS_OPTIM_BENCH(BM_SGDScheduleFree);
LRS_OPTIM_BENCH(BM_AdamWScheduleFree);

// State save/load at 1e6 parameters (5 repetitions, minimum CPU time).
#define LRS_STATE_BENCH(...)              \
  BENCHMARK(__VA_ARGS__)                  \
      ->Arg(1000000)                      \
      ->Unit(benchmark::kMillisecond)     \
      ->Repetitions(5)                    \
      ->ComputeStatistics("min", minimum) \
      ->ReportAggregatesOnly(true)

LRS_STATE_BENCH(BM_StateCopy);
LRS_STATE_BENCH(BM_AdamState<float>);
LRS_STATE_BENCH(BM_AdamLoadState<float>);
LRS_STATE_BENCH(BM_AdamState<double>);
LRS_STATE_BENCH(BM_AdamLoadState<double>);

BENCHMARK_MAIN();
