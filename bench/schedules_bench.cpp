// SPDX-License-Identifier: MIT
// ns per evaluation of every PyTorch schedule, called directly and through any_schedule.
#include <cmath>

#include <benchmark/benchmark.h>

#include <lrs/lrs.hpp>

namespace {

// The step varies over 0..4095 so that nothing is hoisted out of the loop; the schedule is
// passed through DoNotOptimize so that its parameters are not folded into constants.
template <class S>
void eval(benchmark::State& state, S s) {
  benchmark::DoNotOptimize(s);
  lrs::step_t t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s(t));
    t = (t + 1) & 4095;
  }
}

template <class S>
void erased(benchmark::State& state, const S& s) {
  eval(state, lrs::any_schedule<double>(s));
}

template <class S>
void momentum(benchmark::State& state, S s) {
  benchmark::DoNotOptimize(s);
  lrs::step_t t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.momentum(t));
    t = (t + 1) & 4095;
  }
}

double pow095(lrs::step_t t) {
  return std::pow(0.95, static_cast<double>(t));
}
double const0999(lrs::step_t) {
  return 0.999;
}

const auto lambda = lrs::lambda_lr(0.1, pow095);
const auto multiplicative = lrs::multiplicative_lr(0.1, const0999);
const auto step = lrs::step_lr(0.1, 300, 0.5);
const auto multi_step = lrs::multi_step_lr<double>(0.1, {1000, 2000, 3000}, 0.1);
const auto constant = lrs::constant_lr<double>(0.1, 0.5, 100);
const auto linear = lrs::linear_lr<double>(0.1, 0.01, 1.0, 1000);
const auto exponential = lrs::exponential_lr(0.1, 0.999);
const auto polynomial = lrs::polynomial_lr<double>(0.1, 4000, 2.0);
const auto cosine = lrs::cosine_annealing_lr(0.1, 1000, 0.001);
const auto warm = lrs::cosine_annealing_warm_restarts<double>(0.1, 100, 2, 0.001);
const auto cyclic =
    lrs::cyclic_lr<double>(0.001, 0.1, 200, 300, lrs::cyclic_mode::exp_range, 0.999);
const auto one_cycle = lrs::one_cycle_lr<double>(0.1, 4096);
const auto one_cycle3 = lrs::one_cycle_lr<double>(0.1, 4096, 0.25, lrs::anneal_strategy::linear,
                                                  true, 0.85, 0.95, 25.0, 1e4, true);
const auto sequential = lrs::sequential(
    std::tuple{lrs::linear_lr<double>(0.1, 0.1, 1.0, 100), lrs::cosine_annealing_lr(0.1, 3996)},
    {100});
const auto chained = lrs::chained(lrs::step_lr(0.1, 300, 0.5), lrs::exponential_lr(1.0, 0.999));

}  // namespace

#define LRS_BENCH(name)                             \
  BENCHMARK_CAPTURE(eval, name, name)->Name(#name); \
  BENCHMARK_CAPTURE(erased, name, name)->Name(#name "/any_schedule")

LRS_BENCH(lambda);
LRS_BENCH(multiplicative);
LRS_BENCH(step);
LRS_BENCH(multi_step);
LRS_BENCH(constant);
LRS_BENCH(linear);
LRS_BENCH(exponential);
LRS_BENCH(polynomial);
LRS_BENCH(cosine);
LRS_BENCH(warm);
LRS_BENCH(cyclic);
LRS_BENCH(one_cycle);
LRS_BENCH(one_cycle3);
LRS_BENCH(sequential);
LRS_BENCH(chained);
BENCHMARK_CAPTURE(momentum, one_cycle, one_cycle)->Name("one_cycle/momentum");
BENCHMARK_CAPTURE(momentum, cyclic, cyclic)->Name("cyclic/momentum");

namespace {
void plateau_observe(benchmark::State& state) {
  lrs::reduce_lr_on_plateau<double> p(0.1, lrs::plateau_mode::min, 0.5, 5);
  double m = 1.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p.observe(m));
    m = m < 0.5 ? 1.0 : m * 0.999;
  }
}
}  // namespace
BENCHMARK(plateau_observe)->Name("reduce_lr_on_plateau/observe");

BENCHMARK_MAIN();
