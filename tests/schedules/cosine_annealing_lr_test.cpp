// SPDX-License-Identifier: MIT
#include <lrs/schedules/cosine_annealing_lr.hpp>

#include "catch.hpp"
#include "tolerance.hpp"

TEMPLATE_TEST_CASE("cosine_annealing_lr matches the formula at hand-computed steps",
                   "[schedule][cosine_annealing_lr]", float, double) {
  using T = TestType;
  const T tol = tolerance<T>::rel;
  const lrs::cosine_annealing_lr<T> s(T(1), 4);
  // (1 + cos(pi t / 4)) / 2 with cos(pi/4) = 0.70710678118654752.
  CHECK_THAT(s(0), WithinRel(T(1), tol));
  CHECK_THAT(s(1), WithinRel(T(0.85355339059327376), tol));
  CHECK_THAT(s(2), WithinRel(T(0.5), tol));
  CHECK_THAT(s(3), WithinRel(T(0.14644660940672624), tol));
  CHECK_THAT(s(4), WithinAbs(T(0), 1e-7));
}

TEST_CASE("cosine_annealing_lr with eta_min stays in [eta_min, base_lr]",
          "[schedule][cosine_annealing_lr][property]") {
  const lrs::cosine_annealing_lr<double> s(1.0, 100, 0.1);
  CHECK_THAT(s(50), WithinRel(0.55, 1e-14));  // 0.1 + 0.9 * 0.5
  CHECK_THAT(s(100), WithinRel(0.1, 1e-14));
  const auto t = GENERATE(range(0, 100));
  CHECK(s(t + 1) <= s(t));
  CHECK(s(t) >= 0.1);
  CHECK(s(t) <= 1.0);
}

TEST_CASE("cosine_annealing_lr continues periodically past T_max, as PyTorch",
          "[schedule][cosine_annealing_lr]") {
  const lrs::cosine_annealing_lr<double> s(1.0, 4);
  CHECK_THAT(s(5), WithinRel(0.14644660940672624, 1e-14));  // rising again: (1+cos(5pi/4))/2
  CHECK_THAT(s(6), WithinRel(0.5, 1e-14));
  CHECK_THAT(s(8), WithinRel(1.0, 1e-14));
  CHECK_THAT(s(4000), WithinRel(1.0, 1e-14));  // 500 whole periods of 8
  CHECK_THAT(s(4002), WithinRel(0.5, 1e-14));
}

TEST_CASE("cosine_annealing_lr rejects bad parameters", "[schedule][cosine_annealing_lr][error]") {
  CHECK_THROWS_AS(lrs::cosine_annealing_lr<double>(0.1, 0), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::cosine_annealing_lr<double>(-1.0, 10), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::cosine_annealing_lr<double>(0.1, 10, -1e-3), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::cosine_annealing_lr<double>(std::nan(""), 10), lrs::invalid_argument);
}
