// SPDX-License-Identifier: MIT
// S1/S2 of the annealing scaling law against hand-computed and NumPy-computed values; the law.
#include <lrs/analysis/scaling_law.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <lrs/io/csv.hpp>
#include <lrs/schedules/constant.hpp>

#include "catch.hpp"

namespace {

void check_all(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("index " << i);
    CHECK_THAT(got[i], WithinAbs(want[i], tol));
  }
}

// The authors' example LR: cosine from 2e-4 to 0 over (500, 20000], steps 0..500 at 2e-4.
std::vector<double> authors_cosine() {
  std::vector<double> lr(20001);
  for (std::size_t i = 0; i < lr.size(); ++i) {
    const double r = (static_cast<double>(i) - 500.0) / 19500.0;
    lr[i] = i <= 500 ? 2e-4 : 0.5 * (1.0 + std::cos(3.14159265358979323846 * r)) * 2e-4;
  }
  return lr;
}

}  // namespace

TEST_CASE("S1 and S2 of [1, 1, 0.5, 0.5, 0] for several lambdas", "[analysis][scaling_law]") {
  const std::vector<double> lr{1, 1, 0.5, 0.5, 0};
  const std::vector<double> s1{1, 2, 2.5, 3, 3};
  struct row {
    double lambda;
    std::vector<double> s2;
  };
  // papers.md section 3 test vectors, re-derived by hand: m = [0, 0, .5, .5 lam, .5 lam^2 + .5].
  const std::vector<row> rows{{0.5, {0, 0, 0.5, 0.75, 1.375}},
                              {0.999, {0, 0, 0.5, 0.9995, 1.9985005}},
                              {0.0, {0, 0, 0.5, 0.5, 1.0}},
                              {1.0, {0, 0, 0.5, 1.0, 2.0}}};
  for (const auto& r : rows) {
    INFO("lambda " << r.lambda);
    lrs::area_options opt;
    opt.lambda = r.lambda;
    const auto a = lrs::compute_areas(lr, opt);
    check_all(a.s1, s1, 1e-15);
    check_all(a.s2, r.s2, 1e-15);
    check_all(a.lr, lr, 0);
  }
}

TEST_CASE("S2 of a linear decay with lambda 0.9", "[analysis][scaling_law]") {
  std::vector<double> lr;
  for (int i = 0; i <= 10; ++i) lr.push_back(1.0 - i / 10.0);
  lrs::area_options opt;
  opt.lambda = 0.9;
  // m_i = 0.1 * (1 - 0.9^i) / 0.1 = 1 - 0.9^i; S2(s) = sum_{i<=s} (1 - 0.9^i).
  std::vector<double> want;
  double s = 0;
  for (int i = 0; i <= 10; ++i) want.push_back(s += 0.1 * (1 - std::pow(0.9, i)) / 0.1);
  check_all(lrs::compute_areas(lr, opt).s2, want, 1e-13);
  CHECK_THAT(want.back(), WithinAbs(4.1381059609, 1e-10));  // papers.md
}

TEST_CASE("lambda 0 and 1 reduce to closed forms", "[analysis][scaling_law][property]") {
  std::vector<double> lr;
  for (int i = 0; i < 50; ++i) lr.push_back(0.1 + 0.05 * std::sin(0.3 * i) * (i % 7 ? 1 : -1));
  lrs::area_options o0, o1;
  o0.lambda = 0;
  o1.lambda = 1;
  o0.warmup = o1.warmup = lrs::warmup_convention::as_recorded;
  const auto a0 = lrs::compute_areas(lr, o0), a1 = lrs::compute_areas(lr, o1);
  double sum = 0;
  for (std::size_t s = 0; s < lr.size(); ++s) {
    sum += lr[0] - lr[s];
    CHECK_THAT(a0.s2[s], WithinAbs(lr[0] - lr[s], 1e-14));  // S2 = eta_0 - eta_s
    CHECK_THAT(a1.s2[s], WithinAbs(sum, 1e-12));            // S2 = sum (eta_0 - eta_i)
  }
}

TEST_CASE("warm-up steps count at the peak LR by default", "[analysis][scaling_law]") {
  const std::vector<double> lr{0.25, 0.5, 1.0, 1.0, 0.5};
  lrs::area_options opt;
  opt.lambda = 1.0;
  // Detected warm-up: the leading rise ends at step 2; steps 0 and 1 take its LR, 1.0.
  const auto a = lrs::compute_areas(lr, opt);
  check_all(a.lr, {1, 1, 1, 1, 0.5}, 0);
  check_all(a.s1, {1, 2, 3, 4, 4.5}, 1e-15);
  check_all(a.s2, {0, 0, 0, 0, 0.5}, 1e-15);
  // As recorded: the LR rises, m goes negative and S2 falls.  m = [0, -.25, -.75, -.75, -.25].
  opt.warmup = lrs::warmup_convention::as_recorded;
  const auto b = lrs::compute_areas(lr, opt);
  check_all(b.s1, {0.25, 0.75, 1.75, 2.75, 3.25}, 1e-15);
  check_all(b.s2, {0, -0.25, -1.0, -1.75, -2.0}, 1e-15);
  // An explicit warm-up length W = 2: steps 0..1 at the LR of step 2, the rest as recorded.
  opt.warmup = lrs::warmup_convention::at_peak;
  opt.warmup_steps = 2;
  check_all(lrs::compute_areas(std::vector<double>{0.25, 0.5, 1.0, 0.5, 2.0}, opt).lr,
            {1, 1, 1, 0.5, 2.0}, 0);
  opt.warmup_steps = 0;  // no warm-up: as recorded
  check_all(lrs::compute_areas(lr, opt).s2, b.s2, 0);
  opt.warmup_steps = 5;  // beyond the sequence: an error, not "everything at the peak"
  CHECK_THROWS_AS(lrs::compute_areas(lr, opt), lrs::invalid_argument);
}

TEST_CASE("areas of the authors' cosine example match NumPy", "[analysis][scaling_law]") {
  const auto a = lrs::compute_areas(authors_cosine());
  const auto k = lrs::compute_areas(lrs::constant<double>(2e-4), 20001);
  lrs::area_options o99;
  o99.lambda = 0.99;
  const auto a99 = lrs::compute_areas(authors_cosine(), o99);
  const auto ref = lrs::read_csv_file(
      LRS_TEST_DATA_DIR "/scaling_law/authors_areas.csv",
      {"step", "lr", "S1", "S2", "S1_constant", "S2_constant", "S2_lambda_0.99"});
  REQUIRE(ref.rows() == 11);
  for (std::size_t r = 0; r < ref.rows(); ++r) {
    const auto s = static_cast<std::size_t>(ref["step"][r]);
    INFO("step " << s);
    CHECK_THAT(a.lr[s], WithinAbs(ref["lr"][r], 1e-18));
    CHECK_THAT(a.s1[s], WithinRel(ref["S1"][r], 1e-12));
    CHECK_THAT(a.s2[s], WithinAbs(ref["S2"][r], 1e-14));
    CHECK_THAT(k.s1[s], WithinRel(ref["S1_constant"][r], 1e-12));
    CHECK(k.s2[s] == 0.0);
    CHECK_THAT(a99.s2[s], WithinAbs(ref["S2_lambda_0.99"][r], 1e-14));
  }
  // papers.md's table, independently: S1(20000) = 2.0501, S2(20000) = 0.197473837728.
  CHECK_THAT(a.s1[20000], WithinRel(2.0501, 1e-12));
  CHECK_THAT(a.s2[20000], WithinRel(0.197473837728, 1e-10));
}

TEST_CASE("compute_areas rejects bad input", "[analysis][scaling_law][error]") {
  lrs::area_options bad;
  bad.lambda = 1.5;
  CHECK_THROWS_WITH(lrs::compute_areas(std::vector<double>{1.0}, bad),
                    "lrs::compute_areas: lambda must be in [0, 1], got 1.5");
  bad.lambda = 0.5;
  bad.warmup_steps = -2;
  CHECK_THROWS_AS(lrs::compute_areas(std::vector<double>{1.0}, bad), lrs::invalid_argument);
  CHECK_THROWS_WITH(lrs::compute_areas(std::vector<double>{1.0, -0.5}),
                    "lrs::compute_areas: lr[1] must be finite and >= 0, got -0.5");
  CHECK_THROWS_WITH(
      lrs::compute_areas(std::vector<double>{1.0, std::numeric_limits<double>::quiet_NaN()}),
      "lrs::compute_areas: lr[1] must be finite and >= 0, got nan");
  CHECK_THROWS_AS(lrs::compute_areas(std::vector<double>{}), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::compute_areas(lrs::constant<double>(1.0), 0), lrs::invalid_argument);
}

TEST_CASE("annealing_law evaluates L0 + A S1^-alpha - C S2", "[analysis][scaling_law]") {
  const lrs::annealing_law law(2.5, 0.6, 0.5, 1.5);
  CHECK_THAT(law(4.0, 0.1), WithinRel(2.5 + 0.6 / 2.0 - 0.15, 1e-15));
  CHECK_THAT(law(1.0, 0.0), WithinRel(3.1, 1e-15));
  // predict over a schedule: constant 0.5 for 4 steps, S1 = 0.5 (s + 1), S2 = 0.
  const auto p = law.predict(lrs::constant<double>(0.5), 4);
  REQUIRE(p.size() == 4);
  for (int s = 0; s < 4; ++s)
    CHECK_THAT(p[s], WithinRel(2.5 + 0.6 / std::sqrt(0.5 * (s + 1)), 1e-15));
  CHECK(law == lrs::annealing_law(2.5, 0.6, 0.5, 1.5));
  CHECK(law != lrs::annealing_law());
  CHECK_THROWS_WITH(lrs::annealing_law(-1, 1, 1, 1), "lrs::annealing_law: L0 must be >= 0, got -1");
  CHECK_THROWS_AS(lrs::annealing_law(1, std::nan(""), 1, 1), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::annealing_law(1, 1, -0.1, 1), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::annealing_law(1, 1, 1, -2), lrs::invalid_argument);
}
