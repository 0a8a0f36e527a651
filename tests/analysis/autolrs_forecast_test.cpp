// SPDX-License-Identifier: MIT
// Tests of AutoLRS's exponential loss forecaster.
#include <lrs/analysis/exp_forecast.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"

namespace {

std::vector<double> iota_x(std::size_t n) {
  std::vector<double> x(n);
  std::iota(x.begin(), x.end(), 0.0);
  return x;
}

struct series_case {
  std::string name;
  bool training = true;
  double at = 0;
  std::vector<double> y;
  double a = 0, b = 0, c = 0, forecast = 0;
};

std::vector<series_case> read_series() {
  std::ifstream in(std::string(LRS_TEST_DATA_DIR) + "/autolrs/exp_forecast_scipy.txt");
  REQUIRE(in.good());
  std::vector<series_case> out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "series") {
      out.emplace_back();
      int training = 0;
      ls >> out.back().name >> training >> out.back().at;
      out.back().training = training != 0;
    } else if (key == "y") {
      for (double d; ls >> d;) out.back().y.push_back(d);
    } else if (key == "fit") {
      ls >> out.back().a >> out.back().b >> out.back().c >> out.back().forecast;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("fit_exponential recovers a noiseless exponential", "[analysis][forecast]") {
  // papers.md section 4: x = 0..99, y = 0.8 exp(-0.03 x) + 1.2.
  const auto x = iota_x(100);
  std::vector<double> y;
  for (double v : x) y.push_back(0.8 * std::exp(-0.03 * v) + 1.2);
  SECTION("tight tolerances recover the parameters exactly") {
    const auto m = lrs::fit_exponential(x, y, {1e-12, 1e-20});
    CHECK_THAT(m.a, WithinRel(0.8, 1e-8));
    CHECK_THAT(m.b, WithinRel(-0.03, 1e-8));
    CHECK_THAT(m.c, WithinRel(1.2, 1e-8));
    CHECK_THAT(m(150), WithinRel(1.2088871972306303, 1e-10));
    CHECK_THAT(m(1000), WithinRel(1.2000000000001, 1e-12));
  }
  SECTION("the authors' tolerances (1e-5) are close") {
    const auto m = lrs::fit_exponential(x, y);
    CHECK_THAT(m.b, WithinRel(-0.03, 1e-4));
    CHECK_THAT(m(150), WithinRel(1.2088871972306303, 1e-6));
  }
}

TEST_CASE("de-noising keeps a quadratic unchanged", "[analysis][forecast]") {
  std::vector<double> y;
  for (int i = 0; i < 50; ++i) y.push_back(2.0 - 0.03 * i + 0.0004 * i * i);
  const auto s = lrs::denoise_loss_series(y);
  REQUIRE(s.size() == y.size());
  for (std::size_t i = 0; i < y.size(); ++i) CHECK_THAT(s[i], WithinAbs(y[i], 1e-12));
}

TEST_CASE("de-noising drops early outliers only", "[analysis][forecast]") {
  // A straight line with one spike early and one late: the early spike is removed (the fit goes
  // through the line there), the late one is kept and pulls the fit.
  std::vector<double> early(100), late(100);
  for (int i = 0; i < 100; ++i) early[static_cast<std::size_t>(i)] = 1.0 - 0.001 * i;
  late = early;
  early[10] += 1.0;
  late[90] += 1.0;
  const auto se = lrs::denoise_loss_series(early);
  const auto sl = lrs::denoise_loss_series(late);
  for (std::size_t i = 0; i < 100; ++i)
    CHECK_THAT(se[i], WithinAbs(1.0 - 0.001 * double(i), 1e-12));
  CHECK(std::abs(sl[90] - late[90] + 1.0) > 1e-3);
}

TEST_CASE("the forecaster reproduces SciPy's UnivariateSpline + fmin pipeline",
          "[analysis][forecast][scipy]") {
  // Unit-scale series (where the spline is the least-squares quadratic) and series of scale
  // 1e-3 .. 1e3, noise up to sigma = 2, outliers, n = 16 .. 2000 (where it is not).
  const auto cases = read_series();
  REQUIRE(cases.size() == 21);
  for (const auto& c : cases) {
    INFO(c.name);
    const auto m = lrs::exp_forecast_model(c.y, c.training);
    CHECK_THAT(m.b, WithinRel(c.b, 1e-12));
    CHECK_THAT(m.a, WithinRel(c.a, 1e-9));
    CHECK_THAT(m.c, WithinAbs(c.c, 1e-9 * (1 + std::abs(c.c))));
    CHECK_THAT(lrs::exp_forecast(c.y, c.at, c.training),
               WithinAbs(c.forecast, 1e-9 * (1 + std::abs(c.forecast))));
  }
}

TEST_CASE("non-finite losses give a NaN forecast, never a crash", "[analysis][forecast]") {
  std::vector<double> y(30, 1.0);
  y[5] = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(lrs::exp_forecast(y, 300)));
  y[5] = std::numeric_limits<double>::infinity();
  CHECK(std::isnan(lrs::exp_forecast(y, 300)));
  // A flat series is fitted without trouble.
  CHECK_THAT(lrs::exp_forecast(std::vector<double>(30, 0.7), 300), WithinAbs(0.7, 1e-9));
}

TEST_CASE("the forecaster rejects too-short series", "[analysis][forecast][error]") {
  CHECK_THROWS_AS(lrs::exp_forecast({1.0, 0.9}, 10), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::fit_exponential({0.0}, {1.0}), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::fit_exponential({0.0, 1.0}, {1.0}), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::fit_exponential({0.0, 1.0}, {1.0, 0.5}, {0.0, 1e-5}), lrs::invalid_argument);
}

TEST_CASE("forecast of finite but huge losses is NaN, as for non-finite ones",
          "[autolrs][forecast]") {
  // Sum-reduced losses that blow up: 1e308 / (t + 1) is finite, but the least squares of the
  // spline and of the exponential fit square it. Before, this threw "y must be all finite".
  std::vector<double> huge(100);
  for (std::size_t t = 0; t < huge.size(); ++t) huge[t] = 1e308 / double(t + 1);
  CHECK(std::isnan(lrs::exp_forecast(huge, 1000.0)));
  CHECK(std::isnan(lrs::exp_forecast(huge, 1000.0, false)));
  // Just above the documented bound: NaN, without throwing.
  std::vector<double> big(100);
  for (std::size_t t = 0; t < big.size(); ++t)
    big[t] = 1.1 * lrs::exp_forecast_max_abs_loss * (0.8 * std::exp(-0.03 * double(t)) + 1.2);
  CHECK(std::isnan(lrs::exp_forecast(big, 150.0)));
}
