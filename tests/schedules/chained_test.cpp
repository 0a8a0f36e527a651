// SPDX-License-Identifier: MIT
#include <cmath>

#include <lrs/schedules/chained.hpp>
#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/step_lr.hpp>

#include "catch.hpp"

namespace {
const auto exponential = [](lrs::step_t t) { return std::pow(0.9, double(t)); };
}

TEST_CASE("chained multiplies its children at every step", "[combinator][chained]") {
  const lrs::chained s(lrs::step_lr(1.0, 2, 0.5), exponential);
  CHECK(s(0) == 1.0);
  CHECK_THAT(s(1), WithinRel(0.9, 1e-15));
  CHECK_THAT(s(3), WithinRel(0.5 * 0.729, 1e-15));
  CHECK_THAT(s(4), WithinRel(0.25 * 0.6561, 1e-15));
}

TEST_CASE("dynamic_chained matches chained", "[combinator][chained]") {
  const lrs::chained a(lrs::step_lr(0.1, 3, 0.5), exponential, lrs::constant(2.0));
  const lrs::dynamic_chained<double> b(
      {lrs::step_lr(0.1, 3, 0.5), exponential, lrs::constant(2.0)});
  const auto t = GENERATE(range(0, 40));
  CHECK_THAT(b(t), WithinRel(a(t), 1e-15));
}

TEST_CASE("dynamic_chained rejects an empty list", "[combinator][chained][error]") {
  CHECK_THROWS_AS(lrs::dynamic_chained<double>({}), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::dynamic_chained<double>({lrs::any_schedule<double>{}}),
                  lrs::invalid_argument);
}
