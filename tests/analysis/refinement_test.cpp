// SPDX-License-Identifier: MIT
// lrs::refine: hand-worked sequences, the authors' NumPy/SciPy procedure, properties and errors.
#include <cmath>
#include <cstddef>
#include <fstream>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <lrs/analysis/refinement.hpp>
#include <lrs/core/traits.hpp>

#include "catch.hpp"
#include "support/errors.hpp"
#include "tolerance.hpp"

namespace {

using lrs_test::message_of;

using lrs::refine_weighting;

template <class T = double>
lrs::refine_options<T> no_smoothing(refine_weighting w = refine_weighting::sgd) {
  lrs::refine_options<T> o;
  o.tau = T(0);
  o.weighting = w;
  return o;
}

template <class T>
void check_refined_values(const std::vector<T>& got, const std::vector<double>& want, double rel) {
  REQUIRE(got.size() == want.size());
  for (std::size_t t = 0; t < want.size(); ++t) {
    INFO("t = " << t);
    if (want[t] == 0.0) {
      CHECK(got[t] == T(0));
    } else {
      CHECK_THAT(double(got[t]), WithinRel(want[t], rel));
    }
  }
}

}  // namespace

static_assert(lrs::is_schedule_v<lrs::refined_schedule<double>>);
static_assert(lrs::is_schedule_v<lrs::refined_schedule<float>>);
static_assert(std::is_copy_constructible_v<lrs::refined_profile<double>>);
static_assert(std::is_invocable_r_v<double, const lrs::refined_profile<double>&, double>);

TEMPLATE_TEST_CASE("refine of constant norms is exactly linear decay", "[analysis][refinement]",
                   float, double) {
  using T = TestType;
  // eta_t = (T-1-t)/(T-1): [1, 0.75, 0.5, 0.25, 0] and [1, 0.9, ..., 0.1, 0].
  const auto five = lrs::refine(std::vector<T>(5, T(1)));
  CHECK(five.profile().values() == std::vector<T>{1, 0.75, 0.5, 0.25, 0});
  for (const T g : {T(1), T(3.7), T(1e-3)}) {
    for (const std::size_t n : {std::size_t{11}, std::size_t{1000}}) {
      const auto s = lrs::refine(std::vector<T>(n, g));  // tau = 0.1: the median of a constant
      std::vector<double> linear(n);
      for (std::size_t t = 0; t < n; ++t) linear[t] = double(n - 1 - t) / double(n - 1);
      INFO("g = " << g << ", n = " << n);
      check_refined_values(s.profile().values(), linear, 4 * tolerance<T>::rel);
    }
  }
}

TEMPLATE_TEST_CASE("refine reproduces the hand-worked sequences of the paper notes",
                   "[analysis][refinement]", float, double) {
  using T = TestType;
  const double tol = 4 * tolerance<T>::rel;
  // Worked by hand: w = G^-2, eta_t = w_t * sum_{p>t} w_p, divided by the largest.
  check_refined_values(
      lrs::refine(std::vector<T>{1, 2, 1, 2, 1}, no_smoothing<T>()).profile().values(),
      {1, 0.225, 0.5, 0.1, 0}, tol);
  // [4,2,1,1,1,1]: w = [1/16, 1/4, 1, 1, 1, 1], eta = [4.25/16, 4/4, 3, 2, 1, 0] / 3 (warm-up).
  check_refined_values(
      lrs::refine(std::vector<T>{4, 2, 1, 1, 1, 1}, no_smoothing<T>()).profile().values(),
      {4.25 / 48, 1.0 / 3, 1, 2.0 / 3, 1.0 / 3, 0}, tol);
  // [1,1,1,1,2,4]: w = [1,1,1,1,1/4,1/16], eta = [3+5/16, 2+5/16, 1+5/16, 5/16, 1/64, 0]
  // / (53/16) (fast final anneal).
  check_refined_values(
      lrs::refine(std::vector<T>{1, 1, 1, 1, 2, 4}, no_smoothing<T>()).profile().values(),
      {1, 37.0 / 53, 21.0 / 53, 5.0 / 53, 0.25 / 53, 0}, tol);
  // Adam: w = 1/G = [1/4, 1/2, 1, 1, 1, 1], eta = [4.5/4, 4/2, 3, 2, 1, 0] / 3.
  check_refined_values(
      lrs::refine(std::vector<T>{4, 2, 1, 1, 1, 1}, no_smoothing<T>(refine_weighting::adam))
          .profile()
          .values(),
      {0.375, 2.0 / 3, 1, 2.0 / 3, 1.0 / 3, 0}, tol);
}

TEST_CASE("refine smooths with the median filter before weighing", "[analysis][refinement]") {
  lrs::refine_options<double> o;
  o.tau = 0.5;  // n = 6: floor(3) = 3 -> width 3
  // A spike at the start survives the edge-replicated start: G^ = [9,1,1,1,1,1],
  // w = [1/81, 1, 1, 1, 1, 1], eta = [5/81, 4, 3, 2, 1, 0] / 4.
  check_refined_values(lrs::refine(std::vector<double>{9, 1, 1, 1, 1, 1}, o).profile().values(),
                       {5.0 / 324, 1, 0.75, 0.5, 0.25, 0}, 1e-14);
  // A lone spike inside is removed: G^ = [1,1,1,1,1,1] -> linear decay.
  check_refined_values(lrs::refine(std::vector<double>{1, 1, 9, 1, 1, 1}, o).profile().values(),
                       {1, 0.8, 0.6, 0.4, 0.2, 0}, 1e-14);
  // Without smoothing the spike makes a dip: w_2 = 1/81.
  const auto raw = lrs::refine(std::vector<double>{1, 1, 9, 1, 1, 1}, no_smoothing());
  CHECK(raw.profile().values()[2] < 0.1);
}

TEST_CASE("refine matches the authors' NumPy/SciPy procedure", "[analysis][refinement]") {
  // tests/data/refinement/refine.txt from make_reference.py.
  std::ifstream f(LRS_TEST_DATA_DIR "/refinement/refine.txt");
  REQUIRE(f);
  std::size_t n = 0;
  double tau = 0;
  std::string weighting;
  int cases = 0;
  while (f >> n >> tau >> weighting) {
    std::vector<double> g(n), want(n);
    for (double& x : g) f >> x;
    for (double& x : want) f >> x;
    REQUIRE(f);
    lrs::refine_options<double> o;
    o.tau = tau;
    o.weighting = weighting == "sgd" ? refine_weighting::sgd : refine_weighting::adam;
    INFO("case " << cases << ": n = " << n << ", tau = " << tau << ", " << weighting);
    const std::vector<double> got = lrs::refine(g, o).profile().values();
    REQUIRE(got.size() == n);
    for (std::size_t t = 0; t < n; ++t) {
      INFO("t = " << t);
      CHECK_THAT(got[t], WithinRel(want[t], 1e-12) || WithinAbs(want[t], 1e-300));
    }
    ++cases;
  }
  CHECK(cases == 36);
}

TEST_CASE("refine is invariant to scaling all norms", "[analysis][refinement][property]") {
  std::vector<double> g;
  for (int t = 0; t < 200; ++t) g.push_back(1.0 + 3.0 * std::exp(-t / 20.0) + 0.3 * std::sin(t));
  for (const auto w : {refine_weighting::sgd, refine_weighting::adam}) {
    lrs::refine_options<double> o;
    o.weighting = w;
    const std::vector<double> base = lrs::refine(g, o).profile().values();
    for (const double c : {0.25, 1024.0, 7.3, 1e-150, 1e150}) {
      std::vector<double> scaled = g;
      for (double& x : scaled) x *= c;
      const std::vector<double> got = lrs::refine(scaled, o).profile().values();
      INFO("c = " << c);
      if (c == 0.25 || c == 1024.0) {
        CHECK(got == base);  // powers of two scale exactly
      } else {
        for (std::size_t t = 0; t + 1 < g.size(); ++t)
          CHECK_THAT(got[t], WithinRel(base[t], 1e-13));
      }
    }
  }
}

TEST_CASE("refine floors zero norms as documented", "[analysis][refinement]") {
  // Floor = min_norm_ratio * max: G = [0,1,1] -> [0.5,1,1] -> w = [4,1,1], eta = [8, 1, 0] / 8.
  auto o = no_smoothing();
  o.min_norm_ratio = 0.5;
  check_refined_values(lrs::refine(std::vector<double>{0, 1, 1}, o).profile().values(),
                       {1, 0.125, 0}, 1e-15);
  // Default ratio 1e-6: w_0 = 1e12, eta = [3e12, 2, 1, 0] / 3e12.
  const std::vector<double> v =
      lrs::refine(std::vector<double>{0, 1, 1, 1}, no_smoothing()).profile().values();
  CHECK(v[0] == 1.0);
  CHECK_THAT(v[1], WithinRel(2.0 / 3e12, 1e-12));
  // All zero: equal weights, linear decay.
  check_refined_values(lrs::refine(std::vector<double>(5, 0.0)).profile().values(),
                       {1, 0.75, 0.5, 0.25, 0}, 1e-15);
}

TEST_CASE("refined schedule over the recorded budget and over others",
          "[analysis][refinement][schedule]") {
  lrs::refine_options<double> o = no_smoothing();
  o.peak = 0.5;
  const std::vector<double> g{4, 2, 1, 1, 1, 1};
  const lrs::refined_schedule<double> s = lrs::refine(g, o);
  const std::vector<double> p{4.25 / 48, 1.0 / 3, 1, 2.0 / 3, 1.0 / 3, 0};
  REQUIRE(s.total_steps() == 6);
  REQUIRE(s.peak() == 0.5);
  for (lrs::step_t t = 0; t < 6; ++t) CHECK(s(t) == 0.5 * p[std::size_t(t)]);  // knots exactly
  CHECK(s(6) == 0.0);
  CHECK(s(1000) == 0.0);

  // Twice the budget: even steps are the knots, odd steps their midpoints.
  const lrs::budgeted s2(0.5, s.profile(), 12);
  for (lrs::step_t t = 0; t < 5; ++t) {
    CHECK(s2(2 * t) == s(t));
    CHECK_THAT(s2(2 * t + 1), WithinRel(0.25 * (p[std::size_t(t)] + p[std::size_t(t) + 1]), 1e-14));
  }
  CHECK(s2(10) == 0.0);
  CHECK(s2(11) == 0.0);
  // Half the budget: every other knot.
  const lrs::budgeted s3(0.5, s.profile(), 3);
  CHECK(s3(0) == s(0));
  CHECK(s3(1) == s(2));
  CHECK(s3(2) == s(4));
  // A budget of 4: step 1 is at z = 1/4, x = 1.5 -> halfway between p_1 and p_2.
  CHECK_THAT(lrs::budgeted(0.5, s.profile(), 4)(1), WithinRel(0.25 * (p[1] + p[2]), 1e-15));
  // The option sets the budget directly; another peak rescales.
  o.budget = 12;
  CHECK(lrs::refine(g, o)(3) == s2(3));
  CHECK(lrs::budgeted(2.0, s.profile(), 6)(2) == 2.0);
  // A long budget hits every knot exactly at integer ratios.
  const auto long_run = lrs::refine(std::vector<double>(1000, 2.0));
  const lrs::budgeted ten_times(1.0, long_run.profile(), 10'000);
  for (lrs::step_t t = 0; t < 1000; t += 37)
    CHECK(ten_times(10 * t) == long_run.profile().values()[std::size_t(t)]);
  CHECK_THROWS_AS(lrs::budgeted(1.0, s.profile(), 0), lrs::invalid_argument);
}

TEST_CASE("refined profile takes the options of a budgeted schedule",
          "[analysis][refinement][schedule]") {
  // Linear warmup over the first 10 of 100 steps, then the refined profile from 0.1 down.
  const auto s = lrs::refine(std::vector<double>(20, 1.0));  // linear decay profile
  lrs::budget_options<double> opts;
  opts.warmup_steps = 10;
  opts.warmup_start = 0.0;
  const lrs::budgeted warm(0.1, s.profile(), 100, opts);
  CHECK(warm(0) == 0.0);       // warmup from min_lr = 0
  CHECK(warm(10) == 0.1);      // the peak, p(0) = 1
  CHECK(warm(100) == 0.0);     // held at p(1) = 0
  CHECK(warm(55) < warm(20));  // decaying
}

TEST_CASE("refined profile is a function of the budget fraction", "[analysis][refinement]") {
  const auto s = lrs::refine(std::vector<double>{1, 2, 1, 2, 1}, no_smoothing());
  const lrs::refined_profile<double> p = s.profile();  // copies share the values
  CHECK(&p.values() == &s.profile().values());
  CHECK(p.size() == 5);
  CHECK(p(0.0) == 1.0);
  CHECK_THAT(p(0.2), WithinRel(0.225, 1e-15));
  CHECK_THAT(p(0.1), WithinRel(0.6125, 1e-15));  // halfway between 1 and 0.225
  CHECK_THAT(p(0.5), WithinRel(0.3, 1e-14));     // x = 2.5: halfway between 0.5 and 0.1
  CHECK_THAT(p(0.7), WithinRel(0.05, 1e-14));    // x = 3.5: halfway between 0.1 and 0
  CHECK(p(0.8) == 0.0);
  CHECK(p(0.9) == 0.0);
  CHECK(p(1.0) == 0.0);
  for (int q = 0; q <= 100; ++q) {
    CHECK(p(q / 100.0) >= 0.0);
    CHECK(p(q / 100.0) <= 1.0);
  }
}

TEST_CASE("refine rejects bad input", "[analysis][refinement][error]") {
  using V = std::vector<double>;
  CHECK_THROWS_AS(lrs::refine(V{1.0}), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::refine(V{}), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::refine(V{1, std::nan(""), 1}), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::refine(V{1, -1, 1}), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::refine(V{1, std::numeric_limits<double>::infinity()}),
                  lrs::invalid_argument);
  lrs::refine_options<double> o;
  for (const double tau : {-0.1, 1.5, std::nan("")}) {
    o = {};
    o.tau = tau;
    CHECK_THROWS_AS(lrs::refine(V{1, 1, 1}, o), lrs::invalid_argument);
  }
  for (const double r : {0.0, -1.0, 2.0}) {
    o = {};
    o.min_norm_ratio = r;
    CHECK_THROWS_AS(lrs::refine(V{1, 1, 1}, o), lrs::invalid_argument);
  }
  o = {};
  o.peak = -1;
  CHECK_THROWS_AS(lrs::refine(V{1, 1, 1}, o), lrs::invalid_argument);
  o = {};
  o.budget = -1;
  CHECK_THROWS_AS(lrs::refine(V{1, 1, 1}, o), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::refined_profile<double>(V{1}), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::refined_profile<double>(V{1, 2}), lrs::invalid_argument);

  CHECK(message_of([] { (void)lrs::refine(V{1.0}); }) ==
        "lrs::refine: number of recorded steps must be >= 2, got 1");
  CHECK(message_of([] {
          (void)lrs::refine(V{1, 2, -0.5});
        }) == "lrs::refine: norms[2] must be finite and >= 0, got -0.5");
  CHECK(message_of([] {
          lrs::refine_options<double> bad;
          bad.tau = 2;
          (void)lrs::refine(V{1, 1}, bad);
        }) == "lrs::refine: tau must be in [0, 1], got 2");
}
