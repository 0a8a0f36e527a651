// SPDX-License-Identifier: MIT
#include <lrs/schedules/step_lr.hpp>

#include "catch.hpp"
#include "tolerance.hpp"

TEMPLATE_TEST_CASE("step_lr decays by gamma every step_size steps", "[schedule][step_lr]", float,
                   double) {
  using T = TestType;
  const lrs::step_lr<T> s(T(0.1), 30);  // PyTorch's default gamma 0.1
  const T tol = tolerance<T>::rel;
  // Hand values: 0.1 for steps 0..29, 0.01 for 30..59, 0.001 for 60..89, 1e-4 from 90.
  CHECK_THAT(s(0), WithinRel(T(0.1), tol));
  CHECK_THAT(s(29), WithinRel(T(0.1), tol));
  CHECK_THAT(s(30), WithinRel(T(0.01), tol));
  CHECK_THAT(s(59), WithinRel(T(0.01), tol));
  CHECK_THAT(s(60), WithinRel(T(0.001), tol));
  CHECK_THAT(s(95), WithinRel(T(1e-4), tol));
}

TEST_CASE("step_lr with gamma 0.5 and step 1 halves every step", "[schedule][step_lr]") {
  const lrs::step_lr s(2.0, 1, 0.5);
  CHECK(s(0) == 2.0);
  CHECK(s(1) == 1.0);
  CHECK(s(10) == 2.0 / 1024.0);
  CHECK(s.gamma() == 0.5);
  CHECK(s.step_size() == 1);
}

TEST_CASE("step_lr is a non-increasing staircase for gamma < 1", "[schedule][step_lr][property]") {
  const lrs::step_lr<double> s(0.3, 7, 0.7);
  const auto t = GENERATE(range(0, 200));
  CHECK(s(t + 1) <= s(t));
  if ((t + 1) % 7 != 0) CHECK(s(t + 1) == s(t));
}

TEST_CASE("step_lr rejects bad parameters", "[schedule][step_lr][error]") {
  CHECK_THROWS_AS(lrs::step_lr<double>(0.1, 0), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::step_lr<double>(0.1, -1), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::step_lr<double>(-0.1, 10), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::step_lr<double>(0.1, 10, -0.5), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::step_lr<double>(0.1, 10, std::numeric_limits<double>::infinity()),
                  lrs::invalid_argument);
}
