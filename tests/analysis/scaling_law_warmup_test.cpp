// SPDX-License-Identifier: MIT
// The warm-up rule of the annealing areas on runs whose LR rises after the start, against NumPy.
#include <lrs/analysis/scaling_law.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <lrs/io/csv.hpp>
#include <lrs/schedules/cyclic_lr.hpp>

#include "catch.hpp"

// A namespace of its own: its using-directives and helpers stay out of the other test files
// when several are compiled as one unit.
namespace scaling_law_warmup_test {

namespace {

constexpr double pi = 3.14159265358979323846;

// The sequences of tests/data/scaling_law/warmup_detection.py, formula for formula.
std::vector<double> continued() {
  std::vector<double> lr;
  for (int t = 0; t < 3000; ++t) {
    if (t < 1000)
      lr.push_back(1e-4);
    else if (t < 1100)
      lr.push_back(1e-4 + 1e-4 * (t - 1000 + 1) / 100);
    else if (t < 1999)
      lr.push_back(2e-4);
    else
      lr.push_back(2e-4 * 0.5 * (1 + std::cos(pi * (t - 1999) / 1000)));
  }
  return lr;
}

std::vector<double> rewarmup() {
  std::vector<double> lr;
  for (int t = 0; t < 3000; ++t) {
    if (t < 200)
      lr.push_back(3e-4 * t / 200);
    else if (t < 1500)
      lr.push_back(3e-5 + 2.7e-4 * 0.5 * (1 + std::cos(pi * (t - 200) / 1300)));
    else if (t < 1600)
      lr.push_back(3e-5 + 2.7e-4 * (t - 1500 + 1) / 100);
    else
      lr.push_back(3e-4 * 0.5 * (1 + std::cos(pi * (t - 1599) / 1400)));
  }
  return lr;
}

std::vector<double> step_up(bool warmup) {
  std::vector<double> lr;
  for (int t = 0; t < 2000; ++t) {
    if (warmup && t < 100)
      lr.push_back(0.05 * (t + 1) / 100);
    else if (t < 500)
      lr.push_back(0.05);
    else if (t < 1000)
      lr.push_back(0.1);
    else if (t < 1500)
      lr.push_back(0.2);
    else
      lr.push_back(0.2 * 0.5 * (1 + std::cos(pi * (t - 1500) / 500)));
  }
  return lr;
}

std::vector<double> cyclic() {
  const lrs::cyclic_lr<double> s(1e-3, 6e-3, 200);  // triangular, as torch's CyclicLR
  std::vector<double> lr;
  for (int t = 0; t < 1000; ++t) lr.push_back(s(t));
  return lr;
}

const std::map<std::string, std::function<std::vector<double>()>>& cases() {
  static const std::map<std::string, std::function<std::vector<double>()>> m{
      {"continued", continued},
      {"rewarmup", rewarmup},
      {"step_up", [] { return step_up(false); }},
      {"step_up_warmup", [] { return step_up(true); }},
      {"cyclic", cyclic}};
  return m;
}

}  // namespace

TEST_CASE("areas of runs whose LR rises later match NumPy and the authors' recursion",
          "[analysis][scaling_law][warmup]") {
  const auto ref = lrs::read_csv_file(LRS_TEST_DATA_DIR "/scaling_law/warmup_detection.csv",
                                      {"id", "warmup_steps", "W", "step", "S1", "S2"});
  // The generator's CASES, in its order (id = index).
  const std::vector<std::pair<std::string, int>> order{
      {"continued", -1},      {"continued", 1099}, {"rewarmup", -1}, {"step_up", -1},
      {"step_up_warmup", -1}, {"cyclic", -1},      {"cyclic", 0}};
  std::size_t r = 0;
  for (std::size_t id = 0; id < order.size(); ++id) {
    const auto& [name, ws] = order[id];
    INFO("case " << name << ", warmup_steps " << ws);
    lrs::area_options opt;
    opt.warmup_steps = ws;
    const auto lr = cases().at(name)();
    const auto a = lrs::compute_areas(lr, opt);
    std::size_t rows = 0;
    for (; r < ref.rows() && ref["id"][r] == static_cast<double>(id); ++r, ++rows) {
      REQUIRE(ref["warmup_steps"][r] == ws);
      const auto s = static_cast<std::size_t>(ref["step"][r]);
      const auto w = static_cast<std::size_t>(ref["W"][r]);
      INFO("step " << s);
      CHECK(a.lr[s] == (s < w ? lr[w] : lr[s]));
      CHECK_THAT(a.s1[s], WithinRel(ref["S1"][r], 1e-12));
      CHECK_THAT(a.s2[s], WithinAbs(ref["S2"][r], 1e-12 * std::max(1.0, a.s1[s])));
      if (s + 1 == lr.size()) {
        const auto fin = lrs::compute_final_areas(lr, opt);
        CHECK(fin.first == a.s1[s]);
        CHECK(fin.second == a.s2[s]);
      }
    }
    CHECK(rows > 20);
  }
  CHECK(r == ref.rows());
}

TEST_CASE("a run that starts below a later peak is not a warm-up",
          "[analysis][scaling_law][warmup]") {
  // 1000 steps at 1e-4, a re-warm-up to 2e-4, hold, cosine to 0 at T = 3000 (issue 14's example):
  // taken as recorded, S1(T-1) = 0.39495, S2(T-1) = -0.00990, S2(1100) = -0.00498 (NumPy, above).
  const auto lr = continued();
  const auto a = lrs::compute_areas(lr);
  CHECK(a.lr == lr);
  CHECK_THAT(a.s1.back(), WithinAbs(0.39495, 5e-6));
  CHECK_THAT(a.s2.back(), WithinAbs(-0.00990, 5e-6));
  CHECK_THAT(a.s2[1100], WithinAbs(-0.00498, 5e-6));
  lrs::area_options as_recorded;
  as_recorded.warmup = lrs::warmup_convention::as_recorded;
  CHECK(lrs::compute_areas(lr, as_recorded).s2 == a.s2);
  lrs::area_options zero;
  zero.warmup_steps = 0;  // "no warm-up": as recorded, nothing raised
  CHECK(lrs::compute_areas(lr, zero).s2 == a.s2);
  // Under the law SciPy fits to the authors' data, the final loss is 3.3480 (3.2257 if the first
  // 1099 steps were raised to the maximum).
  const lrs::annealing_law law(2.6277947500862919, 0.42966732917561273, 0.54984394676470938,
                               0.41077147803665665);
  CHECK_THAT(law.predict(lr).back(), WithinAbs(3.3480, 5e-5));
  lrs::area_options raised;
  raised.warmup_steps = 1099;
  CHECK_THAT(law.predict(lr, raised).back(), WithinAbs(3.2257, 5e-5));
}

TEST_CASE("detected warm-up: the leading rise up to its first local peak",
          "[analysis][scaling_law][warmup]") {
  using v = std::vector<double>;
  const auto used = [](v lr) { return lrs::compute_areas(std::move(lr)).lr; };
  CHECK(used({0.1, 0.2, 0.4, 0.3, 0.5, 0.1}) == v{0.4, 0.4, 0.4, 0.3, 0.5, 0.1});
  CHECK(used({0.1, 0.2, 0.2, 0.4, 0.1}) == v{0.2, 0.2, 0.2, 0.4, 0.1});  // stops at a plateau
  CHECK(used({0.2, 0.2, 0.4, 0.1}) == v{0.2, 0.2, 0.4, 0.1});            // flat start: none
  CHECK(used({0.4, 0.3, 0.5}) == v{0.4, 0.3, 0.5});                      // falling start: none
  CHECK(used({0.1, 0.2, 0.3}) == v{0.3, 0.3, 0.3});                      // rises to the end
  CHECK(used({0.5}) == v{0.5});
  // An explicit W: steps 0..W-1 at the LR of step W, whatever comes later.
  lrs::area_options opt;
  opt.warmup_steps = 2;
  CHECK(lrs::compute_areas(v{0.0, 0.1, 0.2, 0.9, 0.1}, opt).lr == v{0.2, 0.2, 0.2, 0.9, 0.1});
}

TEST_CASE("an explicit warm-up must lie inside the sequence", "[analysis][scaling_law][error]") {
  lrs::area_options opt;
  opt.warmup_steps = 5;
  CHECK_THROWS_WITH(lrs::compute_areas(std::vector<double>{1, 2, 3, 2, 1}, opt),
                    "lrs::compute_areas: warmup_steps must be < the LR sequence's length (5), "
                    "got 5");
  CHECK_THROWS_AS(lrs::compute_final_areas(std::vector<double>{1, 2}, opt), lrs::invalid_argument);
  opt.warmup = lrs::warmup_convention::as_recorded;  // W is not used
  CHECK(lrs::compute_areas(std::vector<double>{1, 2}, opt).lr == std::vector<double>{1, 2});
  lrs::fit_options fo;
  fo.areas.warmup_steps = 10;
  const lrs::loss_run run{std::vector<double>(10, 1e-3), {2, 4, 6, 8}, {3.0, 2.9, 2.8, 2.7}};
  CHECK_THROWS_WITH(lrs::fit_annealing_law({run}, fo),
                    "lrs::fit_annealing_law: areas.warmup_steps must be < the length of "
                    "runs[0].lr (10), got 10");
}

}  // namespace scaling_law_warmup_test
