// SPDX-License-Identifier: MIT
// The Multi-Power Law: both conventions against NumPy values (tests/data/multi_power_law,
// generate.py), the grouped evaluation against the exact sum, and bad input.
#include <lrs/analysis/multi_power_law.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "../examples/common/mpl_curves.hpp"
#include "catch.hpp"
#include "multi_power_law_vectors.hpp"

namespace {

double rel(double x, double y) {
  return std::abs(x - y) / std::abs(y);
}

}  // namespace

TEST_CASE("multi_power_law: papers.md's test vectors (400M published parameters, code convention)",
          "[multi_power_law]") {
  const lrs::multi_power_law law(2.37474466, 0.65421216, 0.42878731, 523.42464371, 2.02462735,
                                 0.59350493, 0.63472457);
  lrs::mpl_eval_options exact;
  exact.tolerance = 0;
  const auto cos72 = law.predict(mpl_data::schedule("cosine_72000"), {2176, 24000, 71936}, exact);
  CHECK(rel(cos72[0], 3.5736129609) < 1e-9);
  CHECK(rel(cos72[1], 2.7948712591) < 1e-9);
  CHECK(rel(cos72[2], 2.6184812163) < 1e-9);
  const auto wsd = law.predict(mpl_data::schedule("wsd_20000_24000"), {20000, 22000, 23936}, exact);
  CHECK(rel(wsd[0], 2.8412244354) < 1e-9);
  CHECK(rel(wsd[1], 2.7363853235) < 1e-9);
  CHECK(rel(wsd[2], 2.7004518262) < 1e-9);
  const auto con = law.predict(mpl_data::schedule("wsdcon_3"), {8000, 8064, 15936}, exact);
  CHECK(rel(con[0], 3.0040275037) < 1e-9);
  CHECK(rel(con[1], 2.9288738277) < 1e-9);
  CHECK(rel(con[2], 2.8490611874) < 1e-9);
  // The grouped default agrees to well below any loss measurement.
  const auto fast = law.predict(mpl_data::schedule("cosine_72000"), {2176, 24000, 71936});
  for (std::size_t i = 0; i < 3; ++i) CHECK(std::abs(fast[i] - cos72[i]) < 1e-7);
}

TEST_CASE("multi_power_law: every NumPy value, both conventions, the 27 runs and the edge cases",
          "[multi_power_law]") {
  const auto params = mpl_vectors::load_params();
  const auto synthetic = mpl_vectors::load_synthetic_lrs();
  const auto vectors = mpl_vectors::load_vectors();
  REQUIRE(vectors.size() >= 50);
  std::size_t values = 0;
  double worst_exact = 0, worst_grouped = 0;
  for (const auto& [key, ref] : vectors) {
    const std::string set = key.substr(0, key.find('/'));
    const std::string run = key.substr(set.size() + 1, key.rfind('/') - set.size() - 1);
    const bool paper = key.substr(key.rfind('/') + 1) == "paper";
    const auto& p = params.at(set == "synthetic" ? run : set);
    const std::vector<double> lr = set == "synthetic" ? synthetic.at(run) : mpl_data::schedule(run);
    const lrs::multi_power_law law(p.p,
                                   paper ? lrs::mpl_convention::paper : lrs::mpl_convention::code);
    lrs::mpl_eval_options grouped, exact;
    grouped.warmup_steps = exact.warmup_steps = p.warmup;
    exact.tolerance = 0;
    const auto g = law.predict(lr, ref.steps, grouped);
    // The exact sum costs O(points x steps): every 16th point (all of a short run).
    std::vector<lrs::step_t> some;
    std::vector<double> some_ref;
    for (std::size_t i = 0; i<ref.steps.size(); i += ref.steps.size()> 64 ? 16 : 1) {
      some.push_back(ref.steps[i]);
      some_ref.push_back(ref.pred[i]);
    }
    const auto e = law.predict(lr, some, exact);
    for (std::size_t i = 0; i < some.size(); ++i) {
      INFO(key << " step " << some[i]);
      CHECK(rel(e[i], some_ref[i]) < 1e-11);
      worst_exact = std::max(worst_exact, rel(e[i], some_ref[i]));
    }
    for (std::size_t i = 0; i < g.size(); ++i) {
      INFO(key << " step " << ref.steps[i]);
      CHECK(std::abs(g[i] - ref.pred[i]) < 2e-7);
      worst_grouped = std::max(worst_grouped, std::abs(g[i] - ref.pred[i]));
    }
    values += g.size();
  }
  WARN("Multi-Power Law: " << values << " NumPy values; exact sum within " << worst_exact
                           << " relative, default grouping within " << worst_grouped);
}

TEST_CASE("multi_power_law: the grouping error falls as tolerance^2 and vanishes at 0",
          "[multi_power_law]") {
  const lrs::multi_power_law law(2.37474466, 0.65421216, 0.42878731, 523.42464371, 2.02462735,
                                 0.59350493, 0.63472457);
  const auto lr = mpl_data::schedule("cosine_72000");
  std::vector<lrs::step_t> steps;
  for (lrs::step_t s = 2176; s < 72000; s += 2048) steps.push_back(s);
  lrs::mpl_eval_options o;
  o.tolerance = 0;
  const auto exact = law.predict(lr, steps, o);
  double prev = 0;
  for (const double tol : {0.1, 0.03, 0.01}) {
    o.tolerance = tol;
    const auto g = law.predict(lr, steps, o);
    double worst = 0;
    for (std::size_t i = 0; i < g.size(); ++i) worst = std::max(worst, std::abs(g[i] - exact[i]));
    INFO("tolerance " << tol << ": " << worst);
    // beta (beta + 1) tol^2 / 24 of the reduction term, B * 3e-4 ~ 0.16 at most.
    CHECK(worst <= 0.16 * 0.6 * 1.6 * tol * tol / 24);
    if (prev > 0) CHECK(worst < prev);
    prev = worst;
  }
}

TEST_CASE("multi_power_law: a constant LR is the power law; a drop lowers the loss by <= B drop",
          "[multi_power_law]") {
  const lrs::multi_power_law law(2.0, 0.5, 0.4, 300.0, 2.0, 0.6, 0.6);
  std::vector<double> lr(1000, 1e-3);
  const auto c = law.predict(lr, {0, 10, 999});
  CHECK(rel(c[0], 2.0 + 0.5 * std::pow(1e-3, -0.4)) < 1e-14);
  CHECK(rel(c[2], 2.0 + 0.5 * std::pow(1.0, -0.4)) < 1e-12);
  // A drop to 4e-4 at step 500: L(s) = L0 + A S1^-alpha - B 6e-4 (1 - (1 + C 4e-4^-0.6 S)^-0.6).
  for (std::size_t i = 500; i < lr.size(); ++i) lr[i] = 4e-4;
  const auto d = law.predict(lr, {499, 500, 999});
  const auto s1 = [](double s) { return 500 * 1e-3 + (s - 499) * 4e-4; };
  const auto expect = [&](double s) {
    const double area = (s - 499) * 4e-4;
    return 2.0 + 0.5 * std::pow(s1(s), -0.4) -
           300.0 * 6e-4 * (1 - std::pow(1 + 2.0 * std::pow(4e-4, -0.6) * area, -0.6));
  };
  CHECK(rel(d[0], 2.0 + 0.5 * std::pow(0.5, -0.4)) < 1e-13);
  CHECK(rel(d[1], expect(500)) < 1e-12);
  CHECK(rel(d[2], expect(999)) < 1e-12);
  CHECK(d[2] > 2.0 + 0.5 * std::pow(s1(999), -0.4) - 300.0 * 6e-4);
  // The two conventions differ by the warm-up's terms only.
  std::vector<double> w(1000, 1e-3);
  for (std::size_t i = 0; i < 100; ++i) w[i] = 1e-3 * static_cast<double>(i) / 99;
  const lrs::multi_power_law paper(2.0, 0.5, 0.4, 300.0, 2.0, 0.6, 0.6, lrs::mpl_convention::paper);
  const auto pc = paper.predict(w, {999});
  // S1 = the warm-up sum 1e-3 * 50 + 900 * 1e-3; no drop after the warm-up.
  CHECK(rel(pc[0], 2.0 + 0.5 * std::pow(0.05 + 0.9, -0.4)) < 1e-12);
  CHECK(law.predict(w, {999})[0] > pc[0]);
}

TEST_CASE("multi_power_law: bad parameters and input are refused by name", "[multi_power_law]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(lrs::multi_power_law(2, -1, 0.4, 1, 1, 0.5, 0.5), Contains("A must be >= 0"));
  CHECK_THROWS_WITH(lrs::multi_power_law(NAN, 1, 0.4, 1, 1, 0.5, 0.5),
                    Contains("L0 must be finite"));
  CHECK_THROWS_WITH(lrs::multi_power_law(2, 1, 0.4, 1, 1, -0.5, 0.5), Contains("beta"));
  const lrs::multi_power_law law(2.0, 0.5, 0.4, 300.0, 2.0, 0.6, 0.6);
  CHECK_THROWS_WITH(law.predict(std::vector<double>{1e-3, -1}, {1}), Contains("lr[1]"));
  CHECK_THROWS_WITH(law.predict(std::vector<double>{1e-3, 1e-3}, {2}), Contains("steps[0]"));
  CHECK_THROWS_WITH(law.predict(std::vector<double>{0, 1e-3}, {0}), Contains("S1 > 0"));
  lrs::mpl_eval_options o;
  o.tolerance = 0.7;
  CHECK_THROWS_WITH(law.predict(std::vector<double>{1e-3, 1e-3}, {1}, o), Contains("tolerance"));
  o.tolerance = 0;
  o.warmup_steps = 5;
  const lrs::multi_power_law paper(2.0, 0.5, 0.4, 300.0, 2.0, 0.6, 0.6, lrs::mpl_convention::paper);
  CHECK_THROWS_WITH(paper.predict(std::vector<double>{1e-3, 1e-3}, {1}, o),
                    Contains("warmup_steps"));
}
