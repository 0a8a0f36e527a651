// SPDX-License-Identifier: MIT
// refine_options::resample_points: the refinement authors' visual.py resampling (nvals points).
#include <lrs/analysis/refinement.hpp>

#include <cmath>
#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

#include "catch.hpp"

TEST_CASE("resample_points reproduces the authors' visual.py", "[analysis][refinement]") {
  // tests/data/refinement/refine_resampled.txt from make_reference.py (NumPy/SciPy): runs shorter
  // than, equal to and longer than nvals, both weightings.
  std::ifstream f(LRS_TEST_DATA_DIR "/refinement/refine_resampled.txt");
  REQUIRE(f);
  std::size_t n = 0, nvals = 0;
  double tau = 0;
  std::string weighting;
  int cases = 0;
  while (f >> n >> nvals >> tau >> weighting) {
    std::vector<double> g(n), want(nvals);
    for (double& x : g) f >> x;
    for (double& x : want) f >> x;
    REQUIRE(f);
    lrs::refine_options<double> o;
    o.tau = tau;
    o.weighting = weighting == "sgd" ? lrs::refine_weighting::sgd : lrs::refine_weighting::adam;
    o.resample_points = static_cast<lrs::step_t>(nvals);
    INFO("case " << cases << ": n = " << n << ", nvals = " << nvals << ", tau = " << tau);
    const auto s = lrs::refine(g, o);
    const std::vector<double>& got = s.profile().values();
    REQUIRE(got.size() == nvals);
    for (std::size_t t = 0; t < nvals; ++t) {
      INFO("t = " << t);
      CHECK_THAT(got[t], WithinRel(want[t], 1e-12) || WithinAbs(want[t], 1e-300));
    }
    CHECK(s.total_steps() == static_cast<lrs::step_t>(n));  // the schedule keeps the run's budget
    ++cases;
  }
  CHECK(cases == 6);
}

TEST_CASE("resample_points = n is lrs's own reading", "[analysis][refinement]") {
  std::vector<double> g;
  for (int t = 0; t < 777; ++t) g.push_back(1.0 + 3.0 * std::exp(-t / 40.0) + 0.2 * std::sin(t));
  lrs::refine_options<double> o;
  const auto base = lrs::refine(g, o).profile().values();
  o.resample_points = 777;
  CHECK(lrs::refine(g, o).profile().values() == base);
  // A run shorter than N is interpolated to N points: the profile has N values.
  o.resample_points = 7770;
  CHECK(lrs::refine(g, o).profile().values().size() == 7770);
  o.resample_points = 1;
  CHECK_THROWS_WITH(lrs::refine(g, o), "lrs::refine: resample_points must be 0 or >= 2, got 1");
  o.resample_points = -3;
  CHECK_THROWS_AS(lrs::refine(g, o), lrs::invalid_argument);
}
