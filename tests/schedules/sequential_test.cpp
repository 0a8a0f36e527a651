// SPDX-License-Identifier: MIT
#include <tuple>
#include <vector>

#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>
#include <lrs/schedules/sequential.hpp>
#include <lrs/schedules/step_lr.hpp>

#include "catch.hpp"

namespace {
// Linear warmup as a lambda: 0.1, 0.2, ... (a user's own schedule).
const auto warmup = [](lrs::step_t t) { return 0.1 * double(t + 1); };
}  // namespace

TEST_CASE("sequential hands over at the milestone with the child's own step count",
          "[combinator][sequential]") {
  const lrs::sequential s(std::tuple{lrs::constant(0.5), lrs::step_lr(1.0, 2, 0.5)}, {3});
  CHECK(s(0) == 0.5);
  CHECK(s(2) == 0.5);
  CHECK(s(3) == 1.0);   // step_lr at its step 0
  CHECK(s(4) == 1.0);   // its step 1
  CHECK(s(5) == 0.5);   // its step 2
  CHECK(s(7) == 0.25);  // its step 4
}

TEST_CASE("sequential of warmup and cosine starts the cosine at its peak",
          "[combinator][sequential]") {
  const lrs::sequential s(std::tuple{warmup, lrs::cosine_annealing_lr(0.5, 10)}, {5});
  CHECK_THAT(s(4), WithinRel(0.5, 1e-15));    // last warmup step: 0.1 * 5
  CHECK_THAT(s(5), WithinRel(0.5, 1e-15));    // cosine step 0
  CHECK_THAT(s(10), WithinRel(0.25, 1e-15));  // cosine step 5 of 10: half
  CHECK_THAT(s(15), WithinAbs(0.0, 1e-17));   // cosine step 10: the floor
}

TEST_CASE("sequential with three children and a repeated milestone", "[combinator][sequential]") {
  const lrs::sequential s(std::tuple{lrs::constant(1.0), lrs::constant(2.0), lrs::constant(3.0)},
                          {2, 5});
  CHECK(s(1) == 1.0);
  CHECK(s(2) == 2.0);
  CHECK(s(4) == 2.0);
  CHECK(s(5) == 3.0);
  const lrs::sequential d(std::tuple{lrs::constant(1.0), lrs::constant(2.0), lrs::constant(3.0)},
                          {2, 2});
  CHECK(d(1) == 1.0);
  CHECK(d(2) == 3.0);  // bisect_right: the middle child gets no steps
}

TEST_CASE("dynamic_sequential matches sequential", "[combinator][sequential]") {
  const lrs::sequential a(
      std::tuple{lrs::constant(0.5), lrs::step_lr(1.0, 2, 0.5), lrs::cosine_annealing_lr(0.2, 4)},
      {3, 8});
  const lrs::dynamic_sequential<double> b(
      {lrs::constant(0.5), lrs::step_lr(1.0, 2, 0.5), lrs::cosine_annealing_lr(0.2, 4)}, {3, 8});
  const auto t = GENERATE(range(0, 30));
  CHECK(a(t) == b(t));
}

TEST_CASE("sequential rejects bad milestones", "[combinator][sequential][error]") {
  using lrs::constant;
  CHECK_THROWS_AS(lrs::sequential(std::tuple{constant(1.0), constant(2.0), constant(3.0)}, {5, 3}),
                  lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::sequential(std::tuple{constant(1.0), constant(2.0)}, {-1}),
                  lrs::invalid_argument);
  using dyn = lrs::dynamic_sequential<double>;
  CHECK_THROWS_AS(dyn({constant(1.0), constant(2.0)}, {}), lrs::invalid_argument);
  CHECK_THROWS_AS(dyn({}, {}), lrs::invalid_argument);
  CHECK_THROWS_AS(dyn({constant(1.0), lrs::any_schedule<double>{}}, {4}), lrs::invalid_argument);
  CHECK_THROWS_WITH(dyn({constant(1.0), constant(2.0)}, {4, 5}),
                    "lrs::sequential: the number of milestones must be one less than the number "
                    "of schedulers (1), got 2");
}

namespace {
struct cycled {
  double lr, mom;
  double operator()(lrs::step_t) const { return lr; }
  double momentum(lrs::step_t) const { return mom; }
};
}  // namespace

TEST_CASE("sequential forwards cycled momentum when every child has it",
          "[combinator][sequential]") {
  const lrs::sequential s(std::tuple{cycled{0.1, 0.95}, cycled{0.2, 0.85}}, {2});
  static_assert(lrs::has_momentum_v<decltype(s)>);
  CHECK(s.momentum(1) == 0.95);
  CHECK(s.momentum(2) == 0.85);
  const lrs::sequential no(std::tuple{cycled{0.1, 0.95}, lrs::constant(0.2)}, {2});
  static_assert(!lrs::has_momentum_v<decltype(no)>);
  const lrs::any_schedule<double> a =
      lrs::dynamic_sequential<double>({cycled{0.1, 0.95}, cycled{0.2, 0.85}}, {2});
  CHECK(a.has_momentum());
  CHECK(a.momentum(3) == 0.85);
  const lrs::any_schedule<double> b =
      lrs::dynamic_sequential<double>({cycled{0.1, 0.95}, lrs::constant(0.2)}, {2});
  CHECK_FALSE(b.has_momentum());
}
