// SPDX-License-Identifier: MIT
// Spec strings of the combinators read like their C++ calls and build the same schedules.
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include <lrs/io/parse_schedule.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/combinators.hpp>
#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>
#include <lrs/schedules/step_lr.hpp>
#include <lrs/schedules/warmup.hpp>

#include "catch.hpp"
#include "support/spec.hpp"

namespace {

using lrs::step_t;
using lrs_test::spec_error_of;

lrs::spec_context ctx(double lr, std::optional<step_t> steps = std::nullopt) {
  lrs::spec_context c;
  c.lr = lr;
  c.steps = steps;
  return c;
}

template <class S>
void check_same_combinator(const lrs::any_schedule<double>& parsed, const S& expected, step_t n) {
  for (step_t t = 0; t < n; ++t) {
    INFO("step " << t);
    REQUIRE(parsed(t) == expected(t));
  }
}

}  // namespace

TEST_CASE("with_warmup spec: the C++ call's words, the budget split at the warm-up",
          "[spec][combinator]") {
  lrs::budget_options<double> o;
  o.min_lr = 3e-5;
  const lrs::with_warmup cpp(lrs::cosine_decay(3e-4, 9500, o), 500);
  check_same_combinator(
      lrs::parse_schedule("with_warmup(cosine(total_steps=9500, min_lr=3e-5), warmup_steps=500)",
                          ctx(3e-4)),
      cpp, 11000);
  // With --steps 10000 the nested cosine runs over what the warm-up leaves: 9500 steps.
  check_same_combinator(
      lrs::parse_schedule("with_warmup(cosine(min_lr=3e-5), 500)", ctx(3e-4, 10000)), cpp, 11000);
  lrs::warmup_options<double> w;
  w.warmup_shape = lrs::warmup_shape::cosine;
  w.warmup_start = 0.0;
  w.mode = lrs::warmup_mode::overlay;
  check_same_combinator(
      lrs::parse_schedule("with_warmup(CosineAnnealingLR(T_max=100), warmup_steps=10, "
                          "warmup_shape=cosine, warmup_start=0, mode=overlay)",
                          ctx(0.1)),
      lrs::with_warmup(lrs::cosine_annealing_lr(0.1, 100), 10, w), 300);
  CHECK(spec_error_of("with_warmup(cosine, warmup_steps=-1)", ctx(0.1, 100)) ==
        "lrs::with_warmup: warmup_steps must be >= 0, got -1 (in with_warmup at column 1)");
  CHECK(spec_error_of("with_warmup(cosine, 5, warmup_shape=square)", ctx(0.1, 100))
            .find("warmup_shape must be linear, cosine or exponential") != std::string::npos);
}

TEST_CASE("join spec: optax join_schedules, each segment's budget from the boundaries",
          "[spec][combinator]") {
  const auto cpp = lrs::join(
      std::tuple{lrs::linear_decay(0.1, 100), lrs::constant(0.05), lrs::cosine_decay(0.1, 800)},
      {100, 200});
  check_same_combinator(
      lrs::parse_schedule("join([linear, constant(peak=0.05), cosine], [100, 200])",
                          ctx(0.1, 1000)),
      cpp, 1200);
  check_same_combinator(
      lrs::parse_schedule("join(schedules=[linear(total_steps=100), constant(peak=0.05, "
                          "total_steps=1), cosine(total_steps=800)], boundaries=[100, 200])",
                          ctx(0.1)),
      cpp, 1200);
  CHECK(spec_error_of("join([linear, cosine], [10, 20])", ctx(0.1, 100))
            .find("number of milestones") != std::string::npos);
}

TEST_CASE("scaled, clamped, cycled, shifted, per_epoch specs", "[spec][combinator]") {
  const lrs::step_lr<double> st(0.1, 30, 0.1);
  check_same_combinator(lrs::parse_schedule("scaled(StepLR(step_size=30), k=0.5)", ctx(0.1)),
                        lrs::scaled(st, 0.5), 200);
  check_same_combinator(lrs::parse_schedule("clamped(StepLR(step_size=30), lo=0.002)", ctx(0.1)),
                        lrs::clamped(st, 0.002), 200);
  check_same_combinator(lrs::parse_schedule("clamped(StepLR(30), 0.002, 0.05)", ctx(0.1)),
                        lrs::clamped(st, 0.002, 0.05), 200);
  check_same_combinator(lrs::parse_schedule("cycled(cosine, period=50)", ctx(0.1, 1000)),
                        lrs::cycled(lrs::cosine_decay(0.1, 50), 50), 400);
  check_same_combinator(lrs::parse_schedule("shifted(linear, k=20)", ctx(0.1, 100)),
                        lrs::shifted(lrs::linear_decay(0.1, 80), 20), 150);
  check_same_combinator(
      lrs::parse_schedule("per_epoch(StepLR(step_size=30), steps_per_epoch=100)", ctx(0.1)),
      lrs::per_epoch(st, 100), 7000);
  // A budget-native child under per_epoch counts epochs: ceil(1050 / 100) = 11.
  check_same_combinator(lrs::parse_schedule("per_epoch(linear, 100)", ctx(0.1, 1050)),
                        lrs::per_epoch(lrs::linear_decay(0.1, 11), 100), 1200);
}

TEST_CASE("from_values and interpolated specs", "[spec][combinator]") {
  check_same_combinator(
      lrs::parse_schedule("from_values([0.1, 0.3, 0.2], past_end=cycle)", ctx(1.0)),
      lrs::from_values(std::vector<double>{0.1, 0.3, 0.2}, lrs::past_end::cycle), 20);
  check_same_combinator(lrs::parse_schedule("from_values([0.1, 0.3])", ctx(1.0)),
                        lrs::from_values(std::vector<double>{0.1, 0.3}), 20);
  check_same_combinator(
      lrs::parse_schedule("interpolated([0, 100, 300], [0.1, 1, 0.01], interpolation=cosine)",
                          ctx(1.0)),
      lrs::interpolated({0, 100, 300}, {0.1, 1.0, 0.01}, lrs::interpolation::cosine), 400);
  CHECK(spec_error_of("from_values([0.1], past_end=floor)", ctx(1.0)) ==
        "lrs::from_values: past_end must be hold or cycle, got floor (in from_values at column 1)");
}

TEST_CASE("renamed spec words say their new name", "[spec][combinator]") {
  CHECK(spec_error_of("rex(warmup=50)", ctx(0.1, 1000)) ==
        "unknown parameter 'warmup' for rex at column 5; did you mean 'warmup_steps'?");
  CHECK(spec_error_of("cosine(steps=50)", ctx(0.1, 1000)) ==
        "unknown parameter 'steps' for cosine at column 8; did you mean 'total_steps'?");
  CHECK(spec_error_of("linear(after=floor)", ctx(0.1, 1000)) ==
        "unknown parameter 'after' for linear at column 8; did you mean 'past_end'?");
}
