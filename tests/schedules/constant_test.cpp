// SPDX-License-Identifier: MIT
#include <lrs/schedules/constant.hpp>

#include "catch.hpp"

TEMPLATE_TEST_CASE("constant returns its value at every step", "[schedule][constant]", float,
                   double) {
  const lrs::constant<TestType> s(TestType(0.25));
  CHECK(s(0) == TestType(0.25));
  CHECK(s(1'000'000'000'000) == TestType(0.25));
  CHECK(s.value() == TestType(0.25));
}

TEST_CASE("constant rejects negative and non-finite values", "[schedule][constant][error]") {
  CHECK_THROWS_AS(lrs::constant<double>(-1e-9), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::constant<float>(std::numeric_limits<float>::infinity()),
                  lrs::invalid_argument);
  CHECK_NOTHROW(lrs::constant<double>(0.0));
}
