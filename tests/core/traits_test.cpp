// SPDX-License-Identifier: MIT
#include <string>

#include <lrs/lrs.hpp>

#include "catch.hpp"

namespace {
struct with_momentum {
  double operator()(lrs::step_t) const { return 0.1; }
  double momentum(lrs::step_t) const { return 0.9; }
};
struct not_const {
  double operator()(lrs::step_t) { return 0.1; }
};
const auto inverse = [](lrs::step_t t) { return 1.0 / double(t + 1); };
struct returns_string {
  std::string operator()(lrs::step_t) const { return "x"; }
};
struct returns_int {
  int operator()(lrs::step_t) const { return 1; }
};
}  // namespace

// Compile-time checks: these would fail the build, not the run.
static_assert(lrs::is_schedule_v<lrs::constant<double>>);
static_assert(lrs::is_schedule_v<lrs::step_lr<float>>);
static_assert(lrs::is_schedule_v<lrs::any_schedule<double>>);
static_assert(lrs::is_schedule_v<decltype(inverse)>);
static_assert(!lrs::is_schedule_v<int>);
static_assert(!lrs::is_schedule_v<returns_string>);
static_assert(!lrs::is_schedule_v<returns_int>);
static_assert(!lrs::is_schedule_v<not_const>);
static_assert(std::is_same_v<lrs::schedule_value_t<lrs::step_lr<float>>, float>);
static_assert(lrs::has_momentum_v<with_momentum>);
static_assert(!lrs::has_momentum_v<lrs::step_lr<double>>);
static_assert(std::is_same_v<lrs::step_t, std::int64_t>);
#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
static_assert(lrs::schedule<lrs::cosine_annealing_lr<double>>);
static_assert(!lrs::schedule<double>);
#endif

TEST_CASE("a lambda is a schedule and can be sampled", "[traits]") {
  const auto v = lrs::sample(inverse, 4);
  REQUIRE(v.size() == 4);
  CHECK(v[0] == 1.0);
  CHECK(v[1] == 0.5);
  CHECK(v[3] == 0.25);
}

TEST_CASE("sample gives the first n values and rejects a negative n", "[sample][error]") {
  const lrs::step_lr<double> s(1.0, 2, 0.5);
  const auto v = lrs::sample(s, 5);
  REQUIRE(v.size() == 5);
  // 1, 1, 0.5, 0.5, 0.25: halved every 2 steps.
  CHECK(v[0] == 1.0);
  CHECK(v[1] == 1.0);
  CHECK(v[2] == 0.5);
  CHECK(v[3] == 0.5);
  CHECK(v[4] == 0.25);
  CHECK(lrs::sample(s, 0).empty());
  CHECK_THROWS_AS(lrs::sample(s, -1), lrs::invalid_argument);
}
