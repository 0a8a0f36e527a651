// SPDX-License-Identifier: MIT
// ns per evaluation of budgeted schedules (each profile; plain, with warmup, with sampling).
#include <benchmark/benchmark.h>

#include <cmath>

#include <lrs/schedules/budgeted.hpp>

namespace {

namespace p = lrs::profiles;
using lrs::step_t;

constexpr step_t budget = 100000;

enum variant { plain = 0, warmup = 1, sampled = 2, both = 3 };

lrs::budget_options<double> options(int v) {
  lrs::budget_options<double> o;
  o.min_lr = 1e-5;
  if (v & warmup) o.warmup_steps = 2000;
  if (v & sampled) o.sample_every = 390;
  return o;
}

// One evaluation per iteration, walking the steps (and 1% past the end).
template <class S>
void run(benchmark::State& state, const S& s) {
  step_t t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s(t));
    if (++t == budget + budget / 100) t = 0;
  }
  state.SetLabel(state.range(0) == plain     ? "plain"
                 : state.range(0) == warmup  ? "warmup"
                 : state.range(0) == sampled ? "sampled"
                                             : "warmup+sampled");
}

template <class Profile>
void bm_profile(benchmark::State& state, Profile prof) {
  run(state, lrs::budgeted(0.1, prof, budget, options(static_cast<int>(state.range(0)))));
}

void bm_handwritten_rex(benchmark::State& state) {
  // The same curve as rex plain, written out by hand: the floor for the wrapper's cost.
  const auto s = [](step_t t) {
    if (t >= budget) return 1e-5;
    const double z = static_cast<double>(t) / static_cast<double>(budget);
    return 1e-5 + (0.1 - 1e-5) * (1 - z) / (1 - 0.5 * z);
  };
  run(state, s);
}

void bm_rebudgeted_rex(benchmark::State& state) {
  run(state, lrs::rex(0.1, budget / 2, options(static_cast<int>(state.range(0))))
                 .rebudget(budget / 4, budget));
}

void bm_area(benchmark::State& state) {
  // Σ lr over the whole budget: closed form (linear) vs one pass (rex).
  const auto lin = lrs::linear_decay(0.1, budget, options(warmup));
  const auto rx = lrs::rex(0.1, budget, options(warmup));
  for (auto _ : state) {
    if (state.range(0) == 0)
      benchmark::DoNotOptimize(lin.area(0, budget));
    else
      benchmark::DoNotOptimize(rx.area(0, budget));
  }
  state.SetLabel(state.range(0) == 0 ? "linear closed form" : "rex one pass (1e5 steps)");
}

#define LRS_VARIANTS DenseRange(0, 3)

BENCHMARK_CAPTURE(bm_profile, constant, p::constant{})->LRS_VARIANTS;
BENCHMARK_CAPTURE(bm_profile, linear, p::linear{})->LRS_VARIANTS;
BENCHMARK_CAPTURE(bm_profile, cosine, p::cosine{})->LRS_VARIANTS;
BENCHMARK_CAPTURE(bm_profile, rex, p::rex{})->LRS_VARIANTS;
BENCHMARK_CAPTURE(bm_profile, exponential, p::exponential{})->LRS_VARIANTS;
BENCHMARK_CAPTURE(bm_profile, step_30_60_90, p::step{})->LRS_VARIANTS;
BENCHMARK_CAPTURE(bm_profile, polynomial_2, p::polynomial(2.0))->LRS_VARIANTS;
BENCHMARK_CAPTURE(bm_profile, inverse_sqrt, p::inverse_sqrt{})->LRS_VARIANTS;
BENCHMARK_CAPTURE(bm_profile, wsd_linear, p::wsd{})->LRS_VARIANTS;
BENCHMARK_CAPTURE(bm_profile, wsd_1_sqrt, p::wsd(0.2, p::decay_shape::one_sqrt))->LRS_VARIANTS;
BENCHMARK_CAPTURE(bm_profile, lambda_quadratic, [](double z) {
  return (1 - z) * (1 - z);
})->LRS_VARIANTS;
BENCHMARK(bm_handwritten_rex)->Arg(0);
BENCHMARK(bm_rebudgeted_rex)->LRS_VARIANTS;
BENCHMARK(bm_area)->DenseRange(0, 1);

}  // namespace

BENCHMARK_MAIN();
