// SPDX-License-Identifier: MIT
// lrs::area: closed forms and window sums of budgeted schedules against brute-force sums.
#include <lrs/schedules/budgeted.hpp>

#include <lrs/schedules/step_lr.hpp>

#include "catch.hpp"
#include "tolerance.hpp"

namespace {
namespace p = lrs::profiles;
using lrs::step_t;

template <class S>
long double brute_area(const S& s, step_t a, step_t b) {
  long double sum = 0;
  for (step_t t = a; t < b; ++t) sum += s(t);
  return sum;
}

template <class S>
void check_area(const S& s, step_t a, step_t b) {
  INFO("[" << a << ", " << b << ")");
  const double expected = static_cast<double>(brute_area(s, a, b));
  CHECK_THAT(lrs::area(s, a, b), WithinAbs(expected, 1e-12 * (1.0 + expected)));
}
}  // namespace

TEST_CASE("area identities by hand: linear and constant", "[budgeted][area]") {
  // Σ_{t<T} peak (1 - t/T) = peak (T + 1) / 2.
  CHECK_THAT(lrs::area(lrs::linear_decay(0.2, 1000), 0, 1000), WithinRel(0.2 * 1001 / 2, 1e-14));
  // Plus the held final value 0 past the end, and a constant profile is peak per step.
  CHECK_THAT(lrs::area(lrs::linear_decay(0.2, 1000), 0, 5000), WithinRel(100.1, 1e-14));
  CHECK_THAT(lrs::area(lrs::budgeted(0.3, p::constant{}, 100), 10, 70), WithinRel(18.0, 1e-14));
  // Linear warmup 0 -> 1 over 4 steps: 0 + 0.25 + 0.5 + 0.75 = 1.5.
  lrs::budget_options<double> o;
  o.warmup_steps = 4;
  o.warmup_start = 0.0;
  CHECK_THAT(lrs::area(lrs::budgeted(1.0, p::constant{}, 10, o), 0, 4), WithinRel(1.5, 1e-15));
  // From the default start 1 / (W + 1) = 0.2: 0.2 + 0.4 + 0.6 + 0.8 = 2.
  o.warmup_start.reset();
  CHECK_THAT(lrs::area(lrs::budgeted(1.0, p::constant{}, 10, o), 0, 4), WithinRel(2.0, 1e-15));
  CHECK(lrs::area(lrs::rex(0.1, 10), 3, 3) == 0.0);
}

TEST_CASE("budgeted area equals the brute-force sum", "[budgeted][area][property]") {
  const step_t a = GENERATE(0, 7, 33, 250);
  const step_t len = GENERATE(0, 1, 19, 400, 1200);
  const step_t k = GENERATE(1, 9);
  lrs::budget_options<double> o;
  o.min_lr = 0.001;
  o.warmup_steps = 40;
  o.warmup_start = 0.0001;
  o.sample_every = k;
  check_area(lrs::linear_decay(0.1, 500, o), a, a + len);
  check_area(lrs::rex(0.1, 500, o), a, a + len);
  check_area(lrs::budgeted(0.1, p::constant{}, 500, o), a, a + len);
  check_area(lrs::wsd(0.1, 500, 0.3, p::decay_shape::cosine, o), a, a + len);
  o.warmup_shape = lrs::warmup_shape::exponential;
  o.past_end = lrs::past_end::floor;
  check_area(lrs::budgeted(0.1, p::exponential{}, 500, o), a, a + len);
  o.warmup_shape = lrs::warmup_shape::cosine;
  o.past_end = lrs::past_end::cycle;
  check_area(lrs::cosine_decay(0.1, 500, o), a, a + len);
  check_area(lrs::linear_decay(0.1, 500, o), a, a + len);
  o.past_end = lrs::past_end::hold;
  check_area(lrs::linear_decay(0.1, 500, o).rebudget(300, 700), a, a + len);
  check_area(lrs::wsd(0.1, 500, 0.3, p::decay_shape::linear, o).rebudget(100, 900), a, a + len);
  check_area(lrs::wsd(0.1, 500, 0.3, p::decay_shape::linear, o).cooldown(100, 200), a, a + len);
}

TEST_CASE("area is additive over adjacent ranges", "[budgeted][area]") {
  const auto s = lrs::rex(0.1, 300);
  const double whole = lrs::area(s, 0, 400);
  CHECK_THAT(lrs::area(s, 0, 123) + lrs::area(s, 123, 400), WithinRel(whole, 1e-14));
}

TEST_CASE("area of any schedule is one pass", "[area]") {
  const lrs::step_lr<double> s(1.0, 10, 0.5);
  // 10 * (1 + 0.5 + 0.25) = 17.5 over [0, 30).
  CHECK_THAT(lrs::area(s, 0, 30), WithinRel(17.5, 1e-15));
  CHECK_THAT(lrs::area([](step_t t) { return 0.5 * static_cast<double>(t); }, 0, 5),
             WithinRel(5.0, 1e-15));
  CHECK_THROWS_AS(lrs::area(s, -1, 3), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::area(s, 5, 3), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::rex(0.1, 10).area(5, 3), lrs::invalid_argument);
}

TEMPLATE_TEST_CASE("area works for float schedules", "[budgeted][area]", float, double) {
  using T = TestType;
  const auto s = lrs::cosine_decay(T(0.1), 200);
  // Σ_{t<T} (1 + cos(pi t / T)) / 2 = (T + 1) / 2 exactly (the cosines cancel in pairs, cos 0 = 1).
  CHECK_THAT(lrs::area(s, 0, 200), WithinRel(T(0.1) * T(201) / T(2), T(20) * tolerance<T>::rel));
}
