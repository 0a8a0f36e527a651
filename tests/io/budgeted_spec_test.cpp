// SPDX-License-Identifier: MIT
// The budget-native spec names: rex(...), wsd(...), ... read by lrs::parse_schedule.
#include <lrs/io/parse_schedule.hpp>

#include <string>

#include <lrs/schedules/budgeted.hpp>

#include "catch.hpp"
#include "tolerance.hpp"

namespace {
using lrs::step_t;

lrs::spec_context budget_ctx(double lr, step_t steps) {
  lrs::spec_context c;
  c.lr = lr;
  c.steps = steps;
  return c;
}

template <class S>
void check_same_budgeted(const lrs::any_schedule<double>& parsed, const S& expected, step_t n) {
  for (step_t t = 0; t < n; ++t) {
    INFO("t = " << t);
    CHECK(parsed(t) == expected(t));
  }
}
}  // namespace

TEST_CASE("rex spec with warmup and floor, peak and steps from the context", "[spec][budgeted]") {
  const auto s = lrs::parse_schedule("rex(min_lr=0.001, warmup_steps=50)", budget_ctx(0.1, 1000));
  lrs::budget_options<double> o;
  o.min_lr = 0.001;
  o.warmup_steps = 50;
  check_same_budgeted(s, lrs::rex(0.1, 1000, o), 1100);
  // Values by hand: step 0 is the warmup start (peak / (W + 1)); 50 is the peak; 525 has z = 0.5.
  CHECK(s(0) == 0.1 / 51.0);
  CHECK(s(50) == 0.1);
  CHECK_THAT(s(525), WithinRel(0.001 + 0.099 * (0.5 / 0.75), 1e-14));
}

TEST_CASE("every budget-native name parses and builds its profile", "[spec][budgeted]") {
  const auto c = budget_ctx(0.5, 200);
  namespace p = lrs::profiles;
  check_same_budgeted(lrs::parse_schedule("constant", c), lrs::budgeted(0.5, p::constant{}, 200),
                      210);
  check_same_budgeted(lrs::parse_schedule("linear(peak=2, total_steps=100)", c),
                      lrs::linear_decay(2.0, 100), 110);
  check_same_budgeted(lrs::parse_schedule("cosine", c), lrs::cosine_decay(0.5, 200), 210);
  check_same_budgeted(lrs::parse_schedule("rex(0.9)", c), lrs::rex(0.5, 200, 0.9), 210);
  check_same_budgeted(lrs::parse_schedule("exponential(rate=2)", c),
                      lrs::budgeted(0.5, p::exponential(2.0), 200), 210);
  check_same_budgeted(lrs::parse_schedule("step(0.5, [0.25, 0.75])", c),
                      lrs::budgeted(0.5, p::step(0.5, {0.25, 0.75}), 200), 210);
  check_same_budgeted(lrs::parse_schedule("step", c), lrs::budgeted(0.5, p::step{}, 200), 210);
  check_same_budgeted(lrs::parse_schedule("polynomial(power=2)", c),
                      lrs::budgeted(0.5, p::polynomial(2.0), 200), 210);
  check_same_budgeted(lrs::parse_schedule("inverse_sqrt(timescale=0.1)", c),
                      lrs::budgeted(0.5, p::inverse_sqrt(0.1), 200), 210);
  check_same_budgeted(lrs::parse_schedule("wsd(decay=0.2, shape=cosine)", c),
                      lrs::wsd(0.5, 200, 0.2, p::decay_shape::cosine), 210);
  check_same_budgeted(lrs::parse_schedule("wsd(0.1, '1-sqrt')", c),
                      lrs::wsd(0.5, 200, 0.1, p::decay_shape::one_sqrt), 210);
  check_same_budgeted(lrs::parse_schedule("wsd(shape=square)", c),
                      lrs::wsd(0.5, 200, 0.2, p::decay_shape::one_square), 210);
}

TEST_CASE("warmup, sampling and past-the-end options in specs", "[spec][budgeted]") {
  const auto c = budget_ctx(0.1, 400);
  lrs::budget_options<double> o;
  o.warmup_fraction = 0.1;
  o.warmup_start = 0.01;
  o.warmup_shape = lrs::warmup_shape::cosine;
  o.sample_every = 25;
  o.past_end = lrs::past_end::floor;
  o.min_lr = 0.002;
  check_same_budgeted(
      lrs::parse_schedule("cosine(min_lr=0.002, warmup_fraction=0.1, warmup_start=0.01, "
                          "warmup_shape=cosine, sample_every=25, past_end=floor)",
                          c),
      lrs::cosine_decay(0.1, 400, o), 450);
  lrs::budget_options<double> e;
  e.steps_per_epoch = 39;
  e.past_end = lrs::past_end::cycle;
  check_same_budgeted(lrs::parse_schedule("linear(steps_per_epoch=39, past_end=cycle)", c),
                      lrs::linear_decay(0.1, 400, e), 900);
}

TEST_CASE("bad budget-native specs name the parameter", "[spec][budgeted][error]") {
  const auto c = budget_ctx(0.1, 100);
  CHECK_THROWS_AS(lrs::parse_schedule("rex(d=2)", c), lrs::spec_error);
  CHECK_THROWS_WITH(lrs::parse_schedule("rex(d=2)", c),
                    "lrs::rex: d must be in [0, 1], got 2 (in rex at column 1)");
  CHECK_THROWS_AS(lrs::parse_schedule("rex(warmup_steps=1.5)", c), lrs::spec_error);
  CHECK_THROWS_AS(lrs::parse_schedule("rex(warmup_steps=100)", c), lrs::spec_error);
  CHECK_THROWS_AS(lrs::parse_schedule("rex(warmup_shape=square)", c), lrs::spec_error);
  CHECK_THROWS_AS(lrs::parse_schedule("wsd(shape=log)", c), lrs::spec_error);
  CHECK_THROWS_AS(lrs::parse_schedule("cosine(past_end=wrap)", c), lrs::spec_error);
  CHECK_THROWS_AS(lrs::parse_schedule("cosine(min_lr=0.5)", c), lrs::spec_error);
  CHECK_THROWS_AS(lrs::parse_schedule("rex(dd=0.5)", c), lrs::spec_error);
  lrs::spec_context no_steps;
  no_steps.lr = 0.1;
  CHECK_THROWS_WITH(lrs::parse_schedule("rex", no_steps),
                    Catch::Matchers::Contains("needs a budget"));
  CHECK(lrs::parse_schedule("rex(total_steps=10)", no_steps)(10) == 0.0);
}
