// SPDX-License-Identifier: MIT
// Tests of FITPACK's smoothing spline against scipy.interpolate.UnivariateSpline.
#include <lrs/analysis/smoothing_spline.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"

namespace {

struct spline_case {
  std::string name;
  int k = 0;
  double s = -1;
  int n_knots = 0;
  int ier = 0;
  double residual = 0;
  std::vector<double> x, y, at, values;
};

std::vector<spline_case> read_spline_cases() {
  std::ifstream in(std::string(LRS_TEST_DATA_DIR) + "/autolrs/spline_scipy.txt");
  REQUIRE(in.good());
  std::vector<spline_case> out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    auto read = [&](std::vector<double>& v) {
      for (double d; ls >> d;) v.push_back(d);
    };
    if (key == "spline") {
      out.emplace_back();
      auto& c = out.back();
      ls >> c.name >> c.k >> c.s >> c.n_knots >> c.ier >> c.residual;
    } else if (key == "x") {
      read(out.back().x);
    } else if (key == "y") {
      read(out.back().y);
    } else if (key == "at") {
      read(out.back().at);
    } else if (key == "values") {
      read(out.back().values);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("smoothing spline equals SciPy's UnivariateSpline", "[analysis][spline][scipy]") {
  // Scales 1e-3 .. 1e3, noise sigma 0 .. 2 with outliers, n = 16, 100, 2000: from the
  // least-squares polynomial (ier = -2) to splines with a knot at almost every point, including
  // the runs where SciPy enlarges the knot storage from m/2 to m+k+1.
  const auto cases = read_spline_cases();
  REQUIRE(cases.size() == 24);
  int polynomial = 0, smoothed = 0, enlarged = 0;
  for (const auto& c : cases) {
    INFO(c.name);
    lrs::smoothing_spline_options options;
    options.degree = c.k;
    if (c.s >= 0) options.smoothing = c.s;
    const auto sp = lrs::fit_smoothing_spline(c.x, c.y, options);
    CHECK(static_cast<int>(sp.knots().size()) == c.n_knots);
    CHECK(static_cast<int>(sp.status) == c.ier);
    CHECK_THAT(sp.residual, WithinRel(c.residual, 1e-10));
    double scale = 0;
    for (double v : c.values) scale = std::max(scale, std::abs(v));
    REQUIRE(c.at.size() == c.values.size());
    for (std::size_t i = 0; i < c.at.size(); ++i)
      CHECK_THAT(sp(c.at[i]), WithinAbs(c.values[i], 1e-10 * scale));
    polynomial += c.ier == -2;
    smoothed += c.ier == 0;
    enlarged += c.n_knots > static_cast<int>(c.x.size()) / 2;
  }
  CHECK(polynomial >= 8);
  CHECK(smoothed >= 10);
  CHECK(enlarged >= 4);
}

TEST_CASE("smoothing spline: identities", "[analysis][spline]") {
  std::vector<double> x, y;
  for (int i = 0; i < 40; ++i) {
    x.push_back(0.25 * i);
    y.push_back(std::sin(0.25 * i));
  }
  SECTION("s = 0 interpolates the data") {
    lrs::smoothing_spline_options o;
    o.degree = 3;
    o.smoothing = 0.0;
    const auto sp = lrs::fit_smoothing_spline(x, y, o);
    CHECK(sp.status == lrs::spline_status::interpolating);
    for (std::size_t i = 0; i < x.size(); ++i) CHECK_THAT(sp(x[i]), WithinAbs(y[i], 1e-12));
  }
  SECTION("a large s gives the least-squares polynomial, which reproduces a polynomial") {
    std::vector<double> q;
    for (double v : x) q.push_back(1.5 - 0.2 * v + 0.03 * v * v);
    lrs::smoothing_spline_options o;
    o.degree = 2;
    const auto sp = lrs::fit_smoothing_spline(x, q, o);
    CHECK(sp.status == lrs::spline_status::polynomial);
    CHECK(sp.knots().size() == 6);
    for (double v : {-1.0, 0.3, 4.0, 12.0})
      CHECK_THAT(sp(v), WithinAbs(1.5 - 0.2 * v + 0.03 * v * v, 1e-12));
  }
  SECTION("the residual equals s to FITPACK's tolerance 0.001 s") {
    lrs::smoothing_spline_options o;
    o.degree = 2;
    o.smoothing = 0.05;
    const auto sp = lrs::fit_smoothing_spline(x, y, o);
    REQUIRE(sp.status == lrs::spline_status::smoothed);
    double fp = 0;
    for (std::size_t i = 0; i < x.size(); ++i) fp += (y[i] - sp(x[i])) * (y[i] - sp(x[i]));
    CHECK_THAT(fp, WithinRel(sp.residual, 1e-12));
    CHECK(std::abs(fp - 0.05) < 0.001 * 0.05);
  }
}

TEST_CASE("smoothing spline rejects bad input", "[analysis][spline][error]") {
  const std::vector<double> x{0, 1, 2, 3}, y{1, 2, 1, 2};
  lrs::smoothing_spline_options o;
  o.degree = 0;
  CHECK_THROWS_AS(lrs::fit_smoothing_spline(x, y, o), lrs::invalid_argument);
  o.degree = 4;  // needs more than 4 points
  CHECK_THROWS_AS(lrs::fit_smoothing_spline(x, y, o), lrs::invalid_argument);
  o.degree = 2;
  o.smoothing = -1.0;
  CHECK_THROWS_AS(lrs::fit_smoothing_spline(x, y, o), lrs::invalid_argument);
  o.smoothing.reset();
  CHECK_THROWS_AS(lrs::fit_smoothing_spline({0, 2, 1, 3}, y, o), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::fit_smoothing_spline(x, {1, 2, 3}, o), lrs::invalid_argument);
  CHECK_THROWS_AS(
      lrs::fit_smoothing_spline(x, {1, 2, std::numeric_limits<double>::quiet_NaN(), 3}, o),
      lrs::invalid_argument);
  // A B-spline built by hand: degree, knot count and order, coefficient count.
  CHECK_THROWS_AS(lrs::bspline({0, 0, 1, 1}, {1, 2}, 2), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::bspline({0, 0, 0, 1, 1, 0}, {1, 2, 3}, 2), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::bspline({0, 0, 0, 1, 1, 1}, {1, 2}, 2), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::bspline({0, 0, 0, 1, 1, 1}, {1, 2, 3}, 6), lrs::invalid_argument);
  // Bernstein form on [0, 1]: (1-x)^2 c0 + 2x(1-x) c1 + x^2 c2.
  const lrs::bspline b({0, 0, 0, 1, 1, 1}, {1, 2, 3}, 2);
  CHECK_THAT(b(0.25), WithinRel(0.5625 * 1 + 0.375 * 2 + 0.0625 * 3, 1e-15));
  CHECK(std::isnan(lrs::bspline{}(0.5)));
}
