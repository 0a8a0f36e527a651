// SPDX-License-Identifier: MIT
// The GP's target normalisation: mean only (scikit-learn 0.21.3, the AutoLRS authors' pin) and
// mean and standard deviation (scikit-learn >= 0.23, the default), against scikit-learn.
#include <lrs/analysis/gaussian_process.hpp>

#include <array>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "catch.hpp"

namespace {

struct mode_result {
  lrs::gp_hyperparameters hp;
  double nll = 0, u_best = 0;
  std::vector<std::array<double, 3>> pred;  // u, mean, std
};

struct norm_case {
  std::string name;
  std::vector<double> x, y;
  mode_result by_std, by_mean;
};

std::vector<norm_case> read_cases() {
  std::ifstream in(std::string(LRS_TEST_DATA_DIR) + "/autolrs/gp_normalization.txt");
  REQUIRE(in.good());
  std::vector<norm_case> out;
  mode_result* cur = nullptr;
  for (std::string line; std::getline(in, line);) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "case") {
      out.emplace_back();
      ls >> out.back().name;
    } else if (key == "x" || key == "y") {
      auto& v = key == "x" ? out.back().x : out.back().y;
      for (double d; ls >> d;) v.push_back(d);
    } else if (key == "mode") {
      std::string mode;
      ls >> mode;
      cur = mode == "std" ? &out.back().by_std : &out.back().by_mean;
      ls >> cur->hp.amplitude >> cur->hp.length_scale >> cur->hp.noise >> cur->nll >> cur->u_best;
    } else if (key == "pred") {
      std::array<double, 3> p{};
      ls >> p[0] >> p[1] >> p[2];
      cur->pred.push_back(p);
    }
  }
  return out;
}

lrs::gaussian_process make_gp(lrs::gp_normalization n) {
  lrs::gp_options o;
  o.normalization = n;
  return lrs::gaussian_process(o);
}

}  // namespace

TEST_CASE("GP normalisation: posterior equals scikit-learn's in both modes",
          "[analysis][gp][normalization][sklearn]") {
  const auto cases = read_cases();
  REQUIRE(cases.size() == 3);
  for (const auto& c : cases) {
    INFO(c.name);
    for (auto [mode, r] : {std::pair{lrs::gp_normalization::mean_and_scale, &c.by_std},
                           std::pair{lrs::gp_normalization::mean, &c.by_mean}}) {
      auto gp = make_gp(mode);
      gp.fit(c.x, c.y, r->hp);
      CHECK_THAT(-gp.log_marginal_likelihood(r->hp), WithinRel(r->nll, 1e-9));
      for (const auto& p : r->pred) {
        const auto q = gp.predict(p[0]);
        CHECK_THAT(q.mean, WithinRel(p[1], 1e-9));
        CHECK_THAT(q.std, WithinAbs(p[2], 1e-9 * (1 + p[2])));
      }
      // The fitted likelihood is at least scikit-learn's.
      auto fitted = make_gp(mode);
      fitted.fit(c.x, c.y, std::uint64_t{0});
      CHECK(-fitted.log_marginal_likelihood(fitted.hyperparameters()) <=
            r->nll + 1e-6 * (1 + std::abs(r->nll)));
    }
  }
}

TEST_CASE("GP normalisation: mean-only normalisation moves AutoLRS's next proposal",
          "[analysis][gp][normalization][sklearn]") {
  // Four forecasts of scale 0.15. Standardised, the refit finds a length scale of 0.073 and the
  // point of largest uncertainty lies between observations (u = 0.346); centred only, the
  // amplitude and length scale go to their bounds (0.01, 100) and it is the end u = 1.
  const auto c = read_cases().front();
  REQUIRE(c.name == "loss0.15_4pts");
  auto by_std = make_gp(lrs::gp_normalization::mean_and_scale);
  auto by_mean = make_gp(lrs::gp_normalization::mean);
  by_std.fit(c.x, c.y, std::uint64_t{0});
  by_mean.fit(c.x, c.y, std::uint64_t{0});
  CHECK_THAT(by_std.hyperparameters().length_scale, WithinRel(c.by_std.hp.length_scale, 1e-3));
  CHECK_THAT(by_mean.hyperparameters().length_scale, WithinRel(c.by_mean.hp.length_scale, 1e-3));
  const double u_std = lrs::lcb_argmin(by_std, 1e6), u_mean = lrs::lcb_argmin(by_mean, 1e6);
  CHECK_THAT(u_std, WithinAbs(c.by_std.u_best, 2e-3));
  CHECK_THAT(u_mean, WithinAbs(c.by_mean.u_best, 2e-3));
  CHECK(std::abs(u_std - u_mean) > 0.5);
}

TEST_CASE("GP normalisation: none fits the raw targets", "[analysis][gp][normalization]") {
  // With a zero prior mean, far from the data the posterior mean returns to 0, not to mean(y).
  auto gp = make_gp(lrs::gp_normalization::none);
  gp.fit({0.0, 0.1}, {5.0, 5.0}, lrs::gp_hyperparameters{1.0, 0.01, 1e-6});
  CHECK_THAT(gp.predict(0.9).mean, WithinAbs(0.0, 1e-12));
  auto centred = make_gp(lrs::gp_normalization::mean);
  centred.fit({0.0, 0.1}, {5.0, 5.0}, lrs::gp_hyperparameters{1.0, 0.01, 1e-6});
  CHECK_THAT(centred.predict(0.9).mean, WithinRel(5.0, 1e-12));
  lrs::gp_options bad;
  bad.normalization = static_cast<lrs::gp_normalization>(7);
  CHECK_THROWS_AS(lrs::gaussian_process(bad), lrs::invalid_argument);
}
