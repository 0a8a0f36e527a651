// SPDX-License-Identifier: MIT
// Tests of the Matern-5/2 Gaussian process and the LCB acquisition used by AutoLRS.
#include <lrs/analysis/gaussian_process.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"

namespace {

struct gp_case {
  std::vector<double> x, y;
  double amplitude = 0, length_scale = 0, noise = 0, nll = 0;
  std::vector<std::array<double, 3>> pred;  // u, mean, std
};

std::vector<double> read_numbers(std::istringstream& in) {
  std::vector<double> v;
  for (double d; in >> d;) v.push_back(d);
  return v;
}

std::vector<gp_case> read_gp_cases() {
  std::ifstream in(std::string(LRS_TEST_DATA_DIR) + "/autolrs/gp_sklearn.txt");
  REQUIRE(in.good());
  std::vector<gp_case> cases;
  for (std::string line; std::getline(in, line);) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "case") {
      cases.emplace_back();
    } else if (key == "x") {
      cases.back().x = read_numbers(ls);
    } else if (key == "y") {
      cases.back().y = read_numbers(ls);
    } else if (key == "fitted") {
      ls >> cases.back().amplitude >> cases.back().length_scale >> cases.back().noise >>
          cases.back().nll;
    } else if (key == "pred") {
      std::array<double, 3> p{};
      ls >> p[0] >> p[1] >> p[2];
      cases.back().pred.push_back(p);
    }
  }
  return cases;
}

}  // namespace

TEST_CASE("matern52 matches hand values", "[analysis][gp]") {
  // k(r) = (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r), evaluated in Python (papers.md section 4).
  CHECK(lrs::matern52(0.0) == 1.0);
  CHECK_THAT(lrs::matern52(0.1), WithinRel(0.9917592361711776, 1e-14));
  CHECK_THAT(lrs::matern52(0.5), WithinRel(0.8286491424181253, 1e-14));
  CHECK_THAT(lrs::matern52(1.0), WithinRel(0.5239941088318203, 1e-14));
  CHECK_THAT(lrs::matern52(2.0), WithinRel(0.13866021913850426, 1e-14));
}

TEST_CASE("GP posterior with one noiseless observation matches hand values", "[analysis][gp]") {
  lrs::gaussian_process gp;
  gp.fit({0.5}, {3.0}, lrs::gp_hyperparameters{1.0, 1.0, 0.0});
  // sigma(u)^2 = 1 - k(|u - 0.5|)^2; the target scale of one point counts as 1.
  CHECK_THAT(gp.predict(0.0).std, WithinRel(0.5597683438438669, 1e-12));
  CHECK_THAT(gp.predict(1.0).std, WithinRel(0.5597683438438669, 1e-12));
  CHECK_THAT(gp.predict(0.25).std, WithinRel(0.3093141240890371, 1e-12));
  CHECK_THAT(gp.predict(0.5).std, WithinAbs(0.0, 1e-7));
  CHECK_THAT(gp.predict(0.2).mean, WithinRel(3.0, 1e-15));  // normalised target is 0
  // Pure exploration picks a boundary.
  const double u = lrs::lcb_argmin(gp, 1e6);
  CHECK((u == 0.0 || u == 1.0));
}

TEST_CASE("GP posterior with two observations matches the closed form", "[analysis][gp]") {
  // x = {0, 1}, y = {1, 3}: normalised y = {-1, 1} (std 1). With A = 1, l = 1, s = 0 and
  // k01 = k(1), K^-1 y = (-1, 1) / (1 - k01). At u = 0.5 both k are k(0.5):
  // mean = 2 + 0 = 2 (symmetry), var = 1 - 2 k(0.5)^2 / (1 + k01).
  lrs::gaussian_process gp;
  gp.fit({0.0, 1.0}, {1.0, 3.0}, lrs::gp_hyperparameters{1.0, 1.0, 0.0});
  const double k01 = 0.5239941088318203, kh = 0.8286491424181253;
  CHECK_THAT(gp.predict(0.5).mean, WithinRel(2.0, 1e-14));
  CHECK_THAT(gp.predict(0.5).std, WithinRel(std::sqrt(1 - 2 * kh * kh / (1 + k01)), 1e-12));
  // At u = 0.25 (distances 0.25, 0.75), mean = 2 + (k(.75) - k(.25)) / (1 - k01).
  const double k25 = lrs::matern52(0.25), k75 = lrs::matern52(0.75);
  CHECK_THAT(gp.predict(0.25).mean, WithinRel(2.0 + (k75 - k25) / (1 - k01), 1e-12));
}

TEST_CASE("GP with fixed hyper-parameters reproduces scikit-learn's posterior",
          "[analysis][gp][sklearn]") {
  const auto cases = read_gp_cases();
  REQUIRE(cases.size() == 5);
  for (const auto& c : cases) {
    lrs::gaussian_process gp;
    gp.fit(c.x, c.y, lrs::gp_hyperparameters{c.amplitude, c.length_scale, c.noise});
    CHECK_THAT(-gp.log_marginal_likelihood({c.amplitude, c.length_scale, c.noise}),
               WithinRel(c.nll, 1e-9));
    for (const auto& p : c.pred) {
      const auto q = gp.predict(p[0]);
      CHECK_THAT(q.mean, WithinRel(p[1], 1e-9));
      CHECK_THAT(q.std, WithinAbs(p[2], 1e-9 * (1 + p[2])));
    }
  }
}

TEST_CASE("GP hyper-parameter search finds scikit-learn's optimum or a better one",
          "[analysis][gp][sklearn]") {
  for (const auto& c : read_gp_cases()) {
    lrs::gaussian_process gp;
    gp.fit(c.x, c.y, std::uint64_t{0});
    const auto hp = gp.hyperparameters();
    const double nll = -gp.log_marginal_likelihood(hp);
    CHECK(nll <= c.nll + 1e-6 * (1 + std::abs(c.nll)));
    const double slack = 1 + 1e-12;  // the bounds are applied to log-parameters
    CHECK(hp.amplitude * slack >= 0.01);
    CHECK(hp.amplitude <= 1000.0 * slack);
    CHECK(hp.length_scale * slack >= 0.01);
    CHECK(hp.length_scale <= 100.0 * slack);
    CHECK(hp.noise * slack >= 1e-5);
    CHECK(hp.noise <= 1e5 * slack);
    // Where the likelihood has a clear optimum the posterior agrees with scikit-learn's.
    if (c.x.size() >= 7) {
      for (const auto& p : c.pred) {
        CHECK_THAT(gp.predict(p[0]).mean, WithinAbs(p[1], 1e-3 * (1 + std::abs(p[1]))));
        CHECK_THAT(gp.predict(p[0]).std, WithinAbs(p[2], 1e-3 * (1 + p[2])));
      }
    }
  }
}

TEST_CASE("GP fit is deterministic given the seed", "[analysis][gp]") {
  const std::vector<double> x{0.1, 0.4, 0.45, 0.8, 0.95}, y{3.0, 1.0, 1.2, 2.0, 4.0};
  lrs::gaussian_process a, b;
  a.fit(x, y, std::uint64_t{42});
  b.fit(x, y, std::uint64_t{42});
  CHECK(a.hyperparameters().amplitude == b.hyperparameters().amplitude);
  CHECK(a.hyperparameters().length_scale == b.hyperparameters().length_scale);
  CHECK(a.hyperparameters().noise == b.hyperparameters().noise);
  CHECK(a.predict(0.3).mean == b.predict(0.3).mean);
}

TEST_CASE("lcb_argmin trades mean against uncertainty", "[analysis][gp]") {
  lrs::gaussian_process gp;
  const std::vector<double> x{0.0, 0.2, 0.4, 0.6, 0.8, 1.0};
  std::vector<double> y;
  for (double u : x) y.push_back((u - 0.55) * (u - 0.55));
  gp.fit(x, y, lrs::gp_hyperparameters{1.0, 0.3, 1e-6});
  // kappa = 0: the posterior mean's minimiser, near the parabola's vertex 0.55.
  CHECK_THAT(lrs::lcb_argmin(gp, 0.0), WithinAbs(0.55, 0.03));
  // Huge kappa: the largest standard deviation, midway between two observations.
  const double u = lrs::lcb_argmin(gp, 1e6);
  const double s = gp.predict(u).std;
  for (int i = 0; i <= 100; ++i) CHECK(gp.predict(i / 100.0).std <= s * (1 + 1e-9));
}

TEST_CASE("gaussian_process rejects bad options and data", "[analysis][gp][error]") {
  lrs::gp_options bad;
  bad.amplitude_min = 0;
  CHECK_THROWS_AS(lrs::gaussian_process(bad), lrs::invalid_argument);
  lrs::gp_options bad2;
  bad2.initial.length_scale = 1000;
  CHECK_THROWS_WITH(
      lrs::gaussian_process(bad2),
      Catch::Matchers::Contains("lrs::gaussian_process: initial.length_scale must be in"));
  lrs::gaussian_process gp;
  CHECK_THROWS_AS(gp.fit({}, {}, std::uint64_t{0}), lrs::invalid_argument);
  CHECK_THROWS_AS(gp.fit({0.1, 0.2}, {1.0}, std::uint64_t{0}), lrs::invalid_argument);
  CHECK_THROWS_AS(gp.fit({0.1}, {std::nan("")}, std::uint64_t{0}), lrs::invalid_argument);
  CHECK_THROWS_AS(gp.fit({0.1}, {1.0}, lrs::gp_hyperparameters{1.0, 0.0, 0.0}),
                  lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::lcb_argmin(gp, -1.0), lrs::invalid_argument);
}
