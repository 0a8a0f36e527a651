// SPDX-License-Identifier: MIT
// lrs::budgeted: values against the formulas, warmup, sampling, past-the-end policy, errors.
#include <lrs/schedules/budgeted.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <type_traits>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/traits.hpp>

#include "budgeted_csv.hpp"
#include "catch.hpp"
#include "tolerance.hpp"

namespace {

namespace p = lrs::profiles;
using lrs::step_t;

template <class T>
using opts_t = lrs::budget_options<T>;

// The schedules of make_expected.py, built through the C++ API.
template <class T>
std::map<std::string, lrs::any_schedule<T>> golden_schedules() {
  std::map<std::string, lrs::any_schedule<T>> m;
  m.emplace("rex_T10", lrs::rex(T(1), 10));
  {
    opts_t<T> o;
    o.min_lr = T(0.001);
    m.emplace("rex_T100_min", lrs::rex(T(0.1), 100, o));
    o.sample_every = 250;
    m.emplace("rex09_T1000_k250", lrs::rex(T(0.1), 1000, 0.9, o));
  }
  {
    opts_t<T> o;
    o.min_lr = T(0.002);
    o.warmup_steps = 10;
    o.warmup_start = T(0.01);
    m.emplace("cosine_T50_w10", lrs::cosine_decay(T(0.2), 50, o));
  }
  {
    opts_t<T> o;
    o.warmup_fraction = 0.2;  // 8 of 40 steps
    o.warmup_start = T(0.1);
    o.warmup_shape = lrs::warmup_shape::cosine;
    m.emplace("linear_T40_cosw8", lrs::linear_decay(T(1), 40, o));
  }
  {
    opts_t<T> o;
    o.min_lr = T(0.05);
    o.warmup_steps = 5;
    o.warmup_start = T(0.005);
    o.warmup_shape = lrs::warmup_shape::exponential;
    m.emplace("exp_T30_expw5", lrs::budgeted(T(0.5), p::exponential{}, 30, o));
  }
  {
    opts_t<T> o;
    o.min_lr = T(3e-5);
    o.warmup_steps = 10;
    o.warmup_start = T(0);
    m.emplace("wsd_T100_w10_cos", lrs::wsd(T(3e-4), 100, 0.2, p::decay_shape::cosine, o));
  }
  m.emplace("wsd_T100_1sqrt", lrs::wsd(T(1), 100, 0.1, p::decay_shape::one_sqrt));
  {
    opts_t<T> o;
    o.warmup_steps = 9;
    o.warmup_start = T(0.01);
    o.steps_per_epoch = 7;
    m.emplace("step_T100_k7_w9", lrs::budgeted(T(0.1), p::step{}, 100, o));
  }
  {
    opts_t<T> o;
    o.min_lr = T(0.5);
    o.past_end = lrs::past_end::floor;
    m.emplace("poly_T20_floor", lrs::budgeted(T(2), p::polynomial(2.0), 20, o));
  }
  m.emplace("invsqrt_T64", lrs::budgeted(T(1), p::inverse_sqrt(0.5), 64));
  {
    opts_t<T> o;
    o.warmup_steps = 2;
    o.warmup_start = T(0.5);
    o.past_end = lrs::past_end::cycle;
    m.emplace("cosine_T8_cycle", lrs::cosine_decay(T(1), 8, o));
  }
  return m;
}

}  // namespace

static_assert(lrs::is_schedule_v<lrs::budgeted<p::rex, double>>);
static_assert(lrs::is_schedule_v<lrs::budgeted<p::wsd, float>>);
static_assert(std::is_same_v<decltype(lrs::budgeted(0.1f, p::cosine{}, 10)),
                             lrs::budgeted<p::cosine, float>>);

TEMPLATE_TEST_CASE("budgeted schedules match the formulas evaluated in Python",
                   "[schedule][budgeted][golden]", float, double) {
  using T = TestType;
  const auto rows = read_budgeted_csv("schedules.csv");
  const auto schedules = golden_schedules<T>();
  REQUIRE(rows.size() == 99);
  const T tol = std::is_same_v<T, float> ? T(1e-6) : T(1e-14);
  for (const auto& r : rows) {
    INFO(r.name << " at step " << r.x);
    const auto it = schedules.find(r.name);
    REQUIRE(it != schedules.end());
    const T v = it->second(static_cast<step_t>(r.x));
    CHECK_THAT(v, WithinAbs(static_cast<T>(r.value), tol * std::max(T(1), T(r.value))));
  }
}

TEST_CASE("REX with pytorch_optimizer's values for T = 10", "[schedule][budgeted][rex]") {
  // papers.md: 1, 0.9473684211, 0.8888888889, ..., 0.1818181818, 0, 0 at t = 0..11.
  const double expected[] = {1,
                             0.9473684211,
                             0.8888888889,
                             0.8235294118,
                             0.75,
                             0.6666666667,
                             0.5714285714,
                             0.4615384615,
                             0.3333333333,
                             0.1818181818,
                             0,
                             0};
  const auto s = lrs::rex(1.0, 10);
  for (step_t t = 0; t < 12; ++t) CHECK_THAT(s(t), WithinAbs(expected[t], 1e-10));
}

TEST_CASE("sampling holds the value in each window and reads the profile at window starts",
          "[schedule][budgeted][sampling][property]") {
  const step_t k = GENERATE(2, 5, 7, 64);
  const step_t warmup = GENERATE(0, 13);
  lrs::budget_options<double> o;
  o.sample_every = k;
  o.warmup_steps = warmup;
  o.min_lr = 0.01;
  o.warmup_start = 0.0;
  const auto sampled = lrs::rex(1.0, 500, o);
  o.sample_every = 1;
  const auto fine = lrs::rex(1.0, 500, o);
  for (step_t t = 0; t < 500; ++t) {
    INFO("k = " << k << ", W = " << warmup << ", t = " << t);
    if (t < warmup) {
      CHECK(sampled(t) == fine(t));  // the warmup is not sampled
    } else if ((t - warmup) % k == 0) {
      CHECK(sampled(t) == fine(t));
    } else {
      CHECK(sampled(t) == sampled(t - 1));
    }
  }
  CHECK(sampled(500) == 0.01);
}

TEMPLATE_TEST_CASE("warmup is continuous and reaches peak where the profile starts",
                   "[schedule][budgeted][warmup]", float, double) {
  using T = TestType;
  const auto shape = GENERATE(lrs::warmup_shape::linear, lrs::warmup_shape::cosine,
                              lrs::warmup_shape::exponential);
  opts_t<T> o;
  o.warmup_steps = 100;
  o.warmup_start = T(1e-4);
  o.warmup_shape = shape;
  o.min_lr = T(1e-5);
  const auto s = lrs::cosine_decay(T(0.1), 1000, o);
  INFO("shape " << lrs::to_string(shape));
  CHECK_THAT(s(0), WithinRel(T(1e-4), T(1e-5)));
  CHECK_THAT(s(100), WithinRel(T(0.1), tolerance<T>::rel));
  // Increasing through the warmup; steps of at most one profile-step-size-like jump at the join.
  for (step_t t = 1; t <= 100; ++t) CHECK(s(t) > s(t - 1));
  const T jump_in = s(100) - s(99);
  CHECK(jump_in > T(0));
  CHECK(jump_in < T(0.1) * T(0.08));  // largest exponential step: 0.1 (1 - 1000^-0.01) ~ 0.0067
  CHECK(s(101) < s(100));
}

TEST_CASE("past-the-end policies: hold the final value, floor, or cycle",
          "[schedule][budgeted][past_end]") {
  lrs::budget_options<double> o;
  o.min_lr = 0.1;
  const auto hold = lrs::budgeted(1.0, p::exponential(2.0), 50, o);
  const double final_value = 0.1 + 0.9 * std::exp(-2.0);
  CHECK_THAT(hold(50), WithinRel(final_value, 1e-15));
  CHECK(hold(1'000'000'000'000) == hold(50));
  CHECK(hold.final_value() == hold(50));
  o.past_end = lrs::past_end::floor;
  const auto floor = lrs::budgeted(1.0, p::exponential(2.0), 50, o);
  CHECK(floor(50) == 0.1);
  CHECK(floor(49) == hold(49));
  o.past_end = lrs::past_end::cycle;
  const auto cycle = lrs::budgeted(1.0, p::exponential(2.0), 50, o);
  for (step_t t = 0; t < 50; ++t) CHECK(cycle(t + 150) == hold(t));
}

TEST_CASE("min_lr floors the profile: lr = min + (peak - min) p(z)", "[schedule][budgeted]") {
  lrs::budget_options<double> o;
  o.min_lr = 0.02;
  const auto s = lrs::linear_decay(0.1, 100, o);
  // Hand values: z = 0.25 -> 0.02 + 0.08 * 0.75 = 0.08; z = 0.99 -> 0.0208.
  CHECK_THAT(s(25), WithinRel(0.08, 1e-14));
  CHECK_THAT(s(99), WithinRel(0.0208, 1e-13));
  CHECK(s(100) == 0.02);
  // A user's own profile: a lambda.
  const auto quad = lrs::budgeted(
      2.0, [](double z) { return (1 - z) * (1 - z); }, 10);
  CHECK_THAT(quad(5), WithinRel(0.5, 1e-15));
  CHECK(quad(10) == 0.0);
}

TEST_CASE("budgeted rejects bad parameters with a message naming them",
          "[schedule][budgeted][error]") {
  using O = lrs::budget_options<double>;
  const auto make = [](const O& o, double peak = 0.1, step_t steps = 100) {
    return lrs::rex(peak, steps, o);
  };
  O o;
  CHECK_THROWS_AS(make(o, -0.1), lrs::invalid_argument);
  CHECK_THROWS_AS(make(o, std::numeric_limits<double>::quiet_NaN()), lrs::invalid_argument);
  CHECK_THROWS_WITH(make(o, 0.1, 0), "lrs::budgeted: total_steps must be > 0, got 0");
  o.min_lr = 0.2;
  CHECK_THROWS_WITH(make(o), "lrs::budgeted: min_lr must be <= peak (0.1), got 0.2");
  o = O{};
  o.warmup_steps = 100;
  CHECK_THROWS_WITH(make(o), "lrs::budgeted: warmup_steps must be < total_steps (100), got 100");
  o.warmup_steps = -1;
  CHECK_THROWS_AS(make(o), lrs::invalid_argument);
  o = O{};
  o.warmup_fraction = 1.0;
  CHECK_THROWS_WITH(make(o), "lrs::budgeted: warmup_fraction must be in [0, 1), got 1");
  o.warmup_fraction = 0.1;
  o.warmup_steps = 5;
  CHECK_THROWS_AS(make(o), lrs::invalid_argument);
  o = O{};
  o.warmup_steps = 5;
  o.warmup_shape = lrs::warmup_shape::exponential;
  CHECK_NOTHROW(make(o));  // the default start peak / (W + 1) is > 0
  o.warmup_start = 0.0;
  CHECK_THROWS_WITH(make(o), "lrs::budgeted: warmup_start must be > 0, got 0");
  o.warmup_start = -1.0;
  o.warmup_shape = lrs::warmup_shape::linear;
  CHECK_THROWS_AS(make(o), lrs::invalid_argument);
  o = O{};
  o.sample_every = 0;
  CHECK_THROWS_WITH(make(o), "lrs::budgeted: sample_every must be > 0, got 0");
  o.sample_every = 3;
  o.steps_per_epoch = 10;
  CHECK_THROWS_AS(make(o), lrs::invalid_argument);
  o = O{};
  o.steps_per_epoch = -2;
  CHECK_THROWS_AS(make(o), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::budgeted(
                      1.0, [](double z) { return 1.0 / (1.0 - z); }, 10),
                  lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::rex(0.1, 100, 2.0), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::wsd(0.1, 100, 0.0), lrs::invalid_argument);
}
