// SPDX-License-Identifier: MIT
// Google Benchmark: lrs::sgd / adam / adamw and the schedule-free step throughput against a STREAM
// triad reference, on 1 and N threads, over flat tensors and real models' tensor shapes, and the
// cost of Adam's state() / load_state().
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
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
  vec a = vec::Constant(n, 1.0f);  // touched now (see BM_TriadThreads)
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

// ---- Threads: triad, flat tensors and model shapes on 1 and N threads -------------------------
// Rows are `BM_<what>/<size or model>/<threads>`. Allocations during the timed steps are counted
// by the replaced operator new below and reported as `allocs_per_step` (expected: 0).

}  // namespace

// Counts every allocation of the program (read around the timed loops of the thread benches).
static std::atomic<std::int64_t> allocations{0};
void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

// Pools shared by the benchmarks, started once per thread count.
lrs::thread_pool* pool_for(std::int64_t threads) {
  static std::vector<std::unique_ptr<lrs::thread_pool>> pools(65);
  if (threads <= 1) return nullptr;
  auto& p = pools[static_cast<std::size_t>(threads)];
  if (!p) p = std::make_unique<lrs::thread_pool>(static_cast<std::size_t>(threads));
  return p.get();
}

// Triad a = b + s c over chunks of lrs::detail::step_chunk elements spread over the pool, as the
// optimizer steps spread theirs.
void BM_TriadThreads(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  lrs::thread_pool* pool = pool_for(state.range(1));
  // a starts at 1, not 0: GCC turns an allocation followed by zeroing into calloc, whose fresh
  // pages are only touched (and faulted in) by the first timed pass, which made the rows of
  // 1e8 floats and GPT-2 small, timed over 2-3 passes, report a third of the bandwidth.
  vec a = vec::Constant(n, 1.0f);
  const vec b = vec::Random(n), c = vec::Random(n);
  const float s = 0.5f;
  constexpr Eigen::Index chunk = lrs::detail::step_chunk;
  const auto chunks = static_cast<std::size_t>((n + chunk - 1) / chunk);
  auto task = [&](std::size_t k) {
    const Eigen::Index begin = Eigen::Index(k) * chunk;
    const Eigen::Index len = std::min(chunk, n - begin);
    a.segment(begin, len).noalias() = b.segment(begin, len) + s * c.segment(begin, len);
  };
  // One untimed pass, as the optimizer rows take one untimed first step.
  if (pool != nullptr)
    pool->run(chunks, task);
  else
    for (std::size_t k = 0; k < chunks; ++k) task(k);
  for (auto _ : state) {
    if (pool != nullptr)
      pool->run(chunks, task);
    else
      for (std::size_t k = 0; k < chunks; ++k) task(k);
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, triad_words);
}

// A model's parameter tensors: one flat buffer per role (params, grads), cut into the shapes.
struct model_tensors {
  vec p, g;
  std::vector<lrs::param_tensor<float>> tensors;
  explicit model_tensors(const std::vector<std::int64_t>& sizes) {
    std::int64_t total = 0;
    for (auto n : sizes) total += n;
    p = vec::Random(total);
    g = vec::Random(total) * 1e-3f;
    std::int64_t at = 0;
    for (auto n : sizes) {
      tensors.emplace_back(p.data() + at, g.data() + at, n);
      at += n;
    }
  }
};

// GPT-2 small (124M): wte, wpe, 12 blocks of 12 tensors, ln_f: 148 tensors, 124 439 808 floats.
std::vector<std::int64_t> gpt2_small_sizes() {
  const std::int64_t d = 768;
  std::vector<std::int64_t> s = {50257 * d, 1024 * d};
  for (int layer = 0; layer < 12; ++layer) {
    const std::int64_t block[] = {d, d, d * 3 * d, 3 * d, d * d,     d,
                                  d, d, d * 4 * d, 4 * d, 4 * d * d, d};
    s.insert(s.end(), std::begin(block), std::end(block));
  }
  s.push_back(d);
  s.push_back(d);
  return s;
}

// ResNet-50 (torchvision): stem, 16 bottlenecks (4 with a downsample), fc: 161 tensors,
// 25 557 032 floats.
std::vector<std::int64_t> resnet50_sizes() {
  std::vector<std::int64_t> s = {64 * 3 * 7 * 7, 64, 64};
  std::int64_t in = 64;
  const std::int64_t planes[] = {64, 128, 256, 512}, blocks[] = {3, 4, 6, 3};
  for (int l = 0; l < 4; ++l) {
    const std::int64_t w = planes[l];
    for (std::int64_t b = 0; b < blocks[l]; ++b) {
      const std::int64_t t[] = {w * in, w, w, w * w * 9, w, w, 4 * w * w, 4 * w, 4 * w};
      s.insert(s.end(), std::begin(t), std::end(t));
      if (b == 0) {
        const std::int64_t ds[] = {4 * w * in, 4 * w, 4 * w};
        s.insert(s.end(), std::begin(ds), std::end(ds));
      }
      in = 4 * w;
    }
  }
  s.push_back(1000 * 2048);
  s.push_back(1000);
  return s;
}

// range(0): 0 = GPT-2 small, 1 = ResNet-50, 2 = 10 000 tensors of 64, 3 = one tensor of 640 000,
// any other value n = one flat tensor of n floats. range(1): threads.
std::vector<std::int64_t> shapes(std::int64_t which) {
  switch (which) {
    case 0:
      return gpt2_small_sizes();
    case 1:
      return resnet50_sizes();
    case 2:
      return std::vector<std::int64_t>(10000, 64);
    case 3:
      return {640000};
    default:
      return {which};
  }
}

template <class Opt>
void run_threaded(benchmark::State& state, Opt& opt, std::int64_t words) {
  model_tensors m(shapes(state.range(0)));
  opt.set_thread_pool(pool_for(state.range(1)));
  opt.step(m.tensors, 1e-3f);  // first step allocates the state
  const std::int64_t allocs_before = allocations.load();
  for (auto _ : state) {
    const auto info = opt.step(m.tensors, 1e-3f);
    benchmark::DoNotOptimize(info);
    benchmark::ClobberMemory();
  }
  state.counters["allocs_per_step"] =
      double(allocations.load() - allocs_before) / double(state.iterations());
  state.counters["tensors"] = double(m.tensors.size());
  set_counters(state, m.p.size(), words);
}

void BM_SGDThreads(benchmark::State& state) {
  lrs::sgd_options<float> o;
  o.momentum = 0.9f;
  lrs::sgd<float> opt(o);
  run_threaded(state, opt, sgd_words);
}
void BM_AdamThreads(benchmark::State& state) {
  lrs::adam<float> opt;
  run_threaded(state, opt, adam_words);
}
void BM_AdamWThreads(benchmark::State& state) {
  lrs::adamw<float> opt;
  run_threaded(state, opt, adam_words);
}
void BM_SGDScheduleFreeThreads(benchmark::State& state) {
  lrs::sgd_schedule_free<float> opt;
  run_threaded(state, opt, sgd_schedule_free_words);
}
void BM_AdamWScheduleFreeThreads(benchmark::State& state) {
  lrs::adamw_schedule_free_options<float> o;
  o.weight_decay = 1e-2f;
  lrs::adamw_schedule_free<float> opt(o);
  run_threaded(state, opt, adamw_schedule_free_words);
}

// Flat 1e7 and 1e8, GPT-2 small, ResNet-50 on 1 and 2 threads (3 repetitions, median reported);
// the triad at the same element counts.
void thread_args(benchmark::internal::Benchmark* b) {
  for (std::int64_t n :
       {std::int64_t(10000000), std::int64_t(100000000), std::int64_t(0), std::int64_t(1)})
    for (std::int64_t t : {1, 2}) b->Args({n, t});
}
void triad_thread_args(benchmark::internal::Benchmark* b) {
  for (std::int64_t n : {std::int64_t(640000), std::int64_t(10000000), std::int64_t(25557032),
                         std::int64_t(100000000), std::int64_t(124439808)})
    for (std::int64_t t : {1, 2}) b->Args({n, t});
}
void small_tensor_args(benchmark::internal::Benchmark* b) {
  for (std::int64_t n : {2, 3})
    for (std::int64_t t : {1, 2}) b->Args({n, t});
}
#define LRS_THREAD_BENCH(fn, args)                                                             \
  BENCHMARK(fn)->Apply(args)->Repetitions(3)->ReportAggregatesOnly(true)->UseRealTime()->Unit( \
      benchmark::kMillisecond)

LRS_THREAD_BENCH(BM_TriadThreads, triad_thread_args);
LRS_THREAD_BENCH(BM_SGDThreads, thread_args);
LRS_THREAD_BENCH(BM_AdamThreads, thread_args);
LRS_THREAD_BENCH(BM_AdamWThreads, thread_args);
LRS_THREAD_BENCH(BM_SGDScheduleFreeThreads, thread_args);
LRS_THREAD_BENCH(BM_AdamWScheduleFreeThreads, thread_args);
LRS_THREAD_BENCH(BM_SGDThreads, small_tensor_args);
LRS_THREAD_BENCH(BM_AdamThreads, small_tensor_args);
LRS_THREAD_BENCH(BM_AdamWThreads, small_tensor_args);
LRS_THREAD_BENCH(BM_SGDScheduleFreeThreads, small_tensor_args);
LRS_THREAD_BENCH(BM_AdamWScheduleFreeThreads, small_tensor_args);

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

// The per-step input checks over many small tensors (shape 2: 10 000 tensors of 64, where the
// per-tensor cost matters most), with and without the check that each tensor has the size and
// group of its first step, beside AdamW's whole step on the same tensors. range(0): 1 = states
// recording each tensor's size and group (the check runs); 0 = the same states read, but with
// nothing recorded (size -1, group unknown: both compares are skipped), i.e. the checks as they
// were before tensors recorded their group.
void BM_TensorChecks(benchmark::State& state) {
  model_tensors m(shapes(2));
  for (std::size_t i = 0; i < m.tensors.size(); i += 2)  // half of them in group 1
    m.tensors[i] = lrs::param_tensor<float>(m.tensors[i].params(), m.tensors[i].grads(),
                                            m.tensors[i].size(), 1);
  std::vector<lrs::detail::tensor_state<float>> states(m.tensors.size());
  if (state.range(0) == 1) {
    for (std::size_t i = 0; i < states.size(); ++i) {
      states[i].size = m.tensors[i].size();
      states[i].group = m.tensors[i].group();
    }
  }
  for (auto _ : state) {
    lrs::detail::check_tensors("adamw", m.tensors.data(), m.tensors.size(), states, 2, 1e-3f);
    benchmark::ClobberMemory();
  }
  state.counters["tensors"] = double(m.tensors.size());
}

void BM_AdamWSmallTensors(benchmark::State& state) {
  model_tensors m(shapes(2));
  lrs::adamw<float> opt;
  opt.step(m.tensors, 1e-3f);  // first step allocates the state
  for (auto _ : state) {
    const auto info = opt.step(m.tensors, 1e-3f);
    benchmark::DoNotOptimize(info);
    benchmark::ClobberMemory();
  }
  state.counters["tensors"] = double(m.tensors.size());
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

// CPU time, 5 repetitions, the minimum reported: the checks with and without the size/group
// compare, and the step they guard.
BENCHMARK(BM_TensorChecks)
    ->Arg(0)
    ->Arg(1)
    ->Repetitions(5)
    ->ComputeStatistics("min", minimum)
    ->ReportAggregatesOnly(true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AdamWSmallTensors)
    ->Repetitions(5)
    ->ComputeStatistics("min", minimum)
    ->ReportAggregatesOnly(true)
    ->Unit(benchmark::kMicrosecond);
