// SPDX-License-Identifier: MIT
// Lanczos with re-orthogonalisation, the finite-difference HVP and the LR / momentum learners.
#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include <lrs/analysis/lanczos.hpp>

#include "catch.hpp"

namespace {

using vec = Eigen::VectorXd;
using mat = Eigen::MatrixXd;

auto matrix_hvp(const mat& a) {
  return [a](const vec& v) -> vec { return a * v; };
}

// Q diag(spectrum) Q' with Q the orthogonal factor of a seeded random Gaussian matrix.
mat spd_with_spectrum(const vec& spectrum, unsigned seed, mat* q_out = nullptr) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  const auto n = spectrum.size();
  mat g(n, n);
  for (Eigen::Index i = 0; i < g.size(); ++i) g.data()[i] = normal(gen);
  const mat q = Eigen::HouseholderQR<mat>(g).householderQ();
  if (q_out) *q_out = q;
  return q * spectrum.asDiagonal() * q.transpose();
}

}  // namespace

TEST_CASE("lanczos on diag(1,2,3,4) from (1,1,1,1)", "[analysis][lanczos]") {
  const mat a = vec((vec(4) << 1, 2, 3, 4).finished()).asDiagonal();
  const vec v0 = vec::Ones(4);
  SECTION("k = 4 recovers the spectrum with equal weights") {
    const auto r = lrs::lanczos(matrix_hvp(a), v0, 4);
    REQUIRE(r.steps == 4);
    CHECK_FALSE(r.invariant_subspace);
    for (int i = 0; i < 4; ++i) CHECK_THAT(r.alpha[i], WithinRel(2.5, 1e-12));
    // beta_j by hand: sqrt(5)/2, sqrt(0.8), sqrt(0.45).
    CHECK_THAT(r.beta[0], WithinRel(1.118033988749895, 1e-12));
    CHECK_THAT(r.beta[1], WithinRel(0.8944271909999157, 1e-12));
    CHECK_THAT(r.beta[2], WithinRel(0.6708203932499371, 1e-12));
    for (int i = 0; i < 4; ++i) {
      CHECK_THAT(r.ritz_values[i], WithinRel(double(i + 1), 1e-12));
      CHECK_THAT(r.weights[i], WithinRel(0.25, 1e-12));
    }
  }
  SECTION("k = 2 gives the two-point Gauss rule") {
    const auto r = lrs::lanczos(matrix_hvp(a), v0, 2);
    REQUIRE(r.steps == 2);
    // Eigenvalues of [[2.5, sqrt(5)/2], [sqrt(5)/2, 2.5]]: 2.5 -+ sqrt(5)/2.
    CHECK_THAT(r.ritz_values[0], WithinRel(1.3819660112501049, 1e-12));
    CHECK_THAT(r.ritz_values[1], WithinRel(3.618033988749894, 1e-12));
    CHECK_THAT(r.weights[0], WithinRel(0.5, 1e-12));
    CHECK_THAT(r.weights[1], WithinRel(0.5, 1e-12));
  }
}

TEST_CASE("lanczos on a tridiagonal matrix from e1 returns the matrix itself",
          "[analysis][lanczos]") {
  mat a(3, 3);
  a << 2, 1, 0, 1, 3, 1, 0, 1, 4;
  const auto r = lrs::lanczos(matrix_hvp(a), vec(vec::Unit(3, 0)), 3);
  CHECK_THAT(r.alpha[0], WithinRel(2.0, 1e-14));
  CHECK_THAT(r.alpha[1], WithinRel(3.0, 1e-14));
  CHECK_THAT(r.alpha[2], WithinRel(4.0, 1e-14));
  CHECK_THAT(r.beta[0], WithinRel(1.0, 1e-14));
  CHECK_THAT(r.beta[1], WithinRel(1.0, 1e-14));
  // Eigenvalues 3 - sqrt(3), 3, 3 + sqrt(3); weights (first eigenvector components squared)
  // (2 + sqrt 3)/6, 1/3, (2 - sqrt 3)/6.
  const double s3 = std::sqrt(3.0);
  CHECK_THAT(r.ritz_values[0], WithinRel(3.0 - s3, 1e-12));
  CHECK_THAT(r.ritz_values[1], WithinRel(3.0, 1e-12));
  CHECK_THAT(r.ritz_values[2], WithinRel(3.0 + s3, 1e-12));
  CHECK_THAT(r.weights[0], WithinRel((2.0 + s3) / 6.0, 1e-12));
  CHECK_THAT(r.weights[1], WithinRel(1.0 / 3.0, 1e-12));
  CHECK_THAT(r.weights[2], WithinRel((2.0 - s3) / 6.0, 1e-12));
}

TEST_CASE("lanczos with k = n on Q diag Q' recovers the spectrum and the start vector's weights",
          "[analysis][lanczos]") {
  const vec spectrum = (vec(8) << 0.01, 0.1, 0.5, 1, 2, 4, 30, 100).finished();
  mat q;
  const mat a = spd_with_spectrum(spectrum, 7, &q);
  vec v0(8);
  v0 << 1, -2, 0.5, 3, -1, 1, 2, -0.5;
  const auto r = lrs::lanczos(matrix_hvp(a), v0, 8);
  REQUIRE(r.steps == 8);
  // The weight of eigenvalue i is (q_i' v0 / |v0|)^2.
  const vec expected_w = (q.transpose() * v0.normalized()).array().square();
  for (int i = 0; i < 8; ++i) {
    CHECK_THAT(r.ritz_values[i], WithinRel(spectrum[i], 1e-9));
    CHECK_THAT(r.weights[i], WithinRel(expected_w[i], 1e-8));
  }
  CHECK_THAT(r.weights.sum(), WithinRel(1.0, 1e-13));
}

TEST_CASE("lanczos quadrature reproduces the moments v'H^p v for p < 2k",
          "[analysis][lanczos][property]") {
  const vec spectrum = vec::LinSpaced(40, 0.5, 5.0);
  const mat a = spd_with_spectrum(spectrum, 11);
  const int k = GENERATE(2, 4, 6);
  const auto r = lrs::lanczos(matrix_hvp(a), 40, k, 123u);
  REQUIRE(r.steps == k);
  vec v(40);
  std::mt19937_64 gen(123u);
  for (int i = 0; i < 40; ++i) v[i] = (gen() >> 63) != 0 ? 1.0 : -1.0;
  v.normalize();
  vec hv = v;
  for (int p = 0; p < 2 * k; ++p) {
    const double exact = v.dot(hv);
    const double gauss = (r.weights.array() * r.ritz_values.array().pow(p)).sum();
    CHECK_THAT(gauss, WithinRel(exact, 1e-10));
    hv = a * hv;
  }
  // The largest Ritz value is a lower bound on lambda_max that tightens with k.
  CHECK(r.ritz_values[k - 1] <= 5.0 + 1e-12);
  CHECK(r.ritz_values[0] >= 0.5 - 1e-12);
}

TEST_CASE("lanczos finds the top eigenvalue of a spiked spectrum in few steps",
          "[analysis][lanczos]") {
  vec spectrum = vec::LinSpaced(80, 0.0, 1.0);
  spectrum[79] = 50.0;
  const mat a = spd_with_spectrum(spectrum, 3);
  const auto r = lrs::lanczos(matrix_hvp(a), 80, 20, 1u);
  CHECK_THAT(r.ritz_values[19], WithinRel(50.0, 1e-10));
  const vec qtq = r.ritz_values;  // and no spurious copies of 50 (re-orthogonalised)
  int near_top = 0;
  for (Eigen::Index i = 0; i < qtq.size(); ++i) near_top += qtq[i] > 10.0 ? 1 : 0;
  CHECK(near_top == 1);
}

TEST_CASE("lanczos stops on an invariant subspace", "[analysis][lanczos]") {
  const mat a = vec((vec(5) << 1, 2, 3, 4, 5).finished()).asDiagonal();
  vec v0 = vec::Zero(5);
  v0[1] = 1.0;
  v0[3] = 1.0;  // lives in span(e2, e4): Krylov dimension 2
  const auto r = lrs::lanczos(matrix_hvp(a), v0, 5);
  CHECK(r.invariant_subspace);
  REQUIRE(r.steps == 2);
  CHECK_THAT(r.ritz_values[0], WithinRel(2.0, 1e-12));
  CHECK_THAT(r.ritz_values[1], WithinRel(4.0, 1e-12));
  CHECK(r.alpha.size() == 2);
  CHECK(r.beta.size() == 1);
}

TEST_CASE("lanczos reports a NaN Hessian-vector product and bad arguments",
          "[analysis][lanczos][error]") {
  const mat a = mat::Identity(4, 4);
  int calls = 0;
  const auto nan_on_third = [&](const vec& v) -> vec {
    ++calls;
    vec w = a * v + 0.1 * vec::LinSpaced(4, 0, 1).cwiseProduct(v);
    if (calls == 3) w[2] = std::numeric_limits<double>::quiet_NaN();
    return w;
  };
  try {
    (void)lrs::lanczos(nan_on_third, vec(vec::Ones(4)), 4);
    FAIL("no exception");
  } catch (const lrs::invalid_argument& e) {
    CHECK(std::string(e.what()) ==
          "lrs::lanczos: hessian-vector product at step 2 must be finite, got nan");
  }
  CHECK_THROWS_AS(lrs::lanczos(matrix_hvp(a), vec(vec::Ones(4)), 0), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::lanczos(matrix_hvp(a), vec(vec::Ones(4)), 5), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::lanczos(matrix_hvp(a), vec(vec::Zero(4)), 2), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::lanczos(matrix_hvp(a), vec(), 1), lrs::invalid_argument);
  const auto wrong_size = [](const vec&) -> vec { return vec::Ones(3); };
  CHECK_THROWS_AS(lrs::lanczos(wrong_size, vec(vec::Ones(4)), 2), lrs::invalid_argument);
}

TEST_CASE("finite_difference_hvp matches the analytic Hessian", "[analysis][lanczos][hvp]") {
  // f(x) = sum exp(x_i) + (x'x)^2 / 4: grad = exp(x) + (x'x) x,
  // H = diag(exp(x)) + (x'x) I + 2 x x' (by hand).
  const auto grad = [](const vec& x) -> vec {
    return x.array().exp().matrix() + x.squaredNorm() * x;
  };
  vec x(3);
  x << 0.3, -0.7, 1.1;
  const mat h = mat(x.array().exp().matrix().asDiagonal()) + x.squaredNorm() * mat::Identity(3, 3) +
                2.0 * x * x.transpose();
  const lrs::finite_difference_hvp hvp(grad, x);
  vec v(3);
  v << 1.0, 2.0, -0.5;
  const vec hv = hvp(v);
  const vec exact = h * v;
  for (int i = 0; i < 3; ++i) CHECK_THAT(hv[i], WithinRel(exact[i], 1e-8));
  CHECK(hvp(vec(vec::Zero(3))).isZero(0.0));
  // Through Lanczos: the Ritz values equal H's eigenvalues.
  const auto r = lrs::lanczos(hvp, vec(vec::Ones(3)), 3);
  const vec eig = Eigen::SelfAdjointEigenSolver<mat>(h).eigenvalues();
  for (int i = 0; i < 3; ++i) CHECK_THAT(r.ritz_values[i], WithinRel(eig[i], 1e-7));
  CHECK_THROWS_AS(lrs::finite_difference_hvp(grad, x, 0.0), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::finite_difference_hvp(grad, vec()), lrs::invalid_argument);
  vec bad = x;
  bad[1] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(lrs::finite_difference_hvp(grad, bad), lrs::invalid_argument);
}

TEST_CASE("finite_difference_hvp works in float", "[analysis][lanczos][hvp]") {
  using vecf = Eigen::VectorXf;
  Eigen::MatrixXf a(2, 2);
  a << 3.0f, 1.0f, 1.0f, 2.0f;
  const auto grad = [a](const vecf& x) -> vecf { return a * x; };
  const lrs::finite_difference_hvp hvp(grad, vecf(vecf::Ones(2)));
  const vecf hv = hvp(vecf::Unit(2, 0));
  CHECK_THAT(hv[0], WithinRel(3.0f, 1e-4f));
  CHECK_THAT(hv[1], WithinRel(1.0f, 1e-4f));
}

TEST_CASE("curvature_bounds and the learners on papers' Ritz values",
          "[analysis][lanczos][learner]") {
  const vec ritz = (vec(6) << 0.1, 0.5, 1, 2, 10, 50).finished();
  const vec w = (vec(6) << 0.05, 0.6, 0.1, 0.1, 0.1, 0.05).finished();
  const auto b = lrs::curvature_bounds(ritz, w);
  CHECK(b.l == 50.0);
  CHECK(b.median == 1.5);  // (1 + 2) / 2
  CHECK(b.mu == 0.1);      // 0.5 (weight 0.6 > 0.5) deleted, then min
  // Expected values: the formulas evaluated in Python (float64).
  CHECK_THAT(lrs::ssgd_lr(b), WithinRel(0.038834951456310676, 1e-14));  // 2 / 51.5
  const auto polyak = lrs::heavy_ball(b);
  CHECK_THAT(polyak.lr, WithinRel(0.0732974791988794, 1e-13));
  CHECK_THAT(polyak.momentum, WithinRel(0.8361018539319289, 1e-13));
  const auto code = lrs::heavy_ball(b, lrs::momentum_formula::granziol_code);
  CHECK_THAT(code.lr, WithinRel(0.0732974791988794, 1e-13));
  CHECK_THAT(code.momentum, WithinRel(0.8872836526640858, 1e-13));
  const auto mn = lrs::heavy_ball_mn(b);
  CHECK_THAT(mn.lr, WithinRel(0.044721359549995794, 1e-14));  // sqrt(0.1 / 50)
  CHECK_THAT(mn.momentum, WithinRel(0.9143860530060205, 1e-13));

  const auto bm = lrs::curvature_bounds(ritz, w, lrs::mu_rule::median);
  CHECK(bm.mu == 1.5);
  const auto med = lrs::heavy_ball(bm, lrs::momentum_formula::granziol_code);
  CHECK_THAT(med.lr, WithinRel(0.05812220967041976, 1e-13));
  CHECK_THAT(med.momentum, WithinRel(0.4652600257797856, 1e-13));
  CHECK_THAT(lrs::heavy_ball(bm).momentum, WithinRel(0.496646899013309, 1e-13));
}

TEST_CASE("curvature_bounds: absolute values, odd counts and the empty-set fallback",
          "[analysis][lanczos][learner]") {
  // Negative Ritz values count by magnitude: |theta| = {3, 1, 2}.
  const vec ritz = (vec(3) << -3, 1, 2).finished();
  const auto b = lrs::curvature_bounds(ritz, vec((vec(3) << 0.2, 0.3, 0.5).finished()));
  CHECK(b.l == 3.0);
  CHECK(b.median == 2.0);
  CHECK(b.mu == 1.0);  // no weight > 0.5: nothing deleted
  // One pair of weight 1 is deleted, leaving nothing: mu falls back to the median.
  const auto one = lrs::curvature_bounds(vec(vec::Constant(1, 4.0)), vec(vec::Ones(1)));
  CHECK(one.mu == 4.0);
  // Weights that do not sum to 1: deletion repeats while the heaviest is > 0.5.
  const auto two = lrs::curvature_bounds(vec((vec(3) << 1, 5, 9).finished()),
                                         vec((vec(3) << 0.9, 0.7, 0.1).finished()));
  CHECK(two.mu == 9.0);
  // From a lanczos result.
  const mat a = vec((vec(4) << 1, 2, 3, 4).finished()).asDiagonal();
  const auto r = lrs::lanczos(matrix_hvp(a), vec(vec::Ones(4)), 4);
  const auto br = lrs::curvature_bounds(r);
  CHECK_THAT(br.l, WithinRel(4.0, 1e-12));
  CHECK_THAT(br.median, WithinRel(2.5, 1e-12));
  CHECK_THAT(br.mu, WithinRel(1.0, 1e-12));
}

TEST_CASE("learners reject L = 0 and mu = 0 with clear errors",
          "[analysis][lanczos][learner][error]") {
  const lrs::curvature_bounds_t<double> zero{0.0, 0.0, 0.0};
  CHECK_THROWS_AS(lrs::ssgd_lr(zero), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::heavy_ball(zero), lrs::invalid_argument);
  const lrs::curvature_bounds_t<double> no_mu{10.0, 1.0, 0.0};
  try {
    (void)lrs::heavy_ball(no_mu);
    FAIL("no exception");
  } catch (const lrs::invalid_argument& e) {
    CHECK(std::string(e.what()) == "lrs::heavy_ball: mu must be > 0, got 0");
  }
  CHECK_THROWS_AS(lrs::heavy_ball_mn(no_mu), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::curvature_bounds(vec(vec::Ones(3)), vec(vec::Ones(2))),
                  lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::curvature_bounds(vec(), vec()), lrs::invalid_argument);
}

TEST_CASE("rayleigh_quotient_lr is the exact line-search step on a quadratic",
          "[analysis][lanczos][learner]") {
  const vec g = vec::Ones(2);
  const mat h = vec((vec(2) << 1, 10).finished()).asDiagonal();
  CHECK_THAT(lrs::rayleigh_quotient_lr(g, vec(h * g)), WithinRel(2.0 / 11.0, 1e-15));
  CHECK_THAT(lrs::rayleigh_quotient_lr(matrix_hvp(h), g), WithinRel(0.18181818181818182, 1e-15));
  // Exact line search: f(x - lr g) is minimal at lr, for f = x'Hx/2 with g = Hx.
  const vec x = (vec(2) << 0.3, -0.2).finished();
  const vec gx = h * x;
  const double lr = lrs::rayleigh_quotient_lr(matrix_hvp(h), gx);
  const auto f = [&](double s) {
    const vec y = x - s * gx;
    return 0.5 * y.dot(h * y);
  };
  CHECK(f(lr) < f(lr * 1.01));
  CHECK(f(lr) < f(lr * 0.99));
  const mat indefinite = vec((vec(2) << 1, -3).finished()).asDiagonal();
  CHECK_THROWS_AS(lrs::rayleigh_quotient_lr(matrix_hvp(indefinite), g), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::rayleigh_quotient_lr(vec(vec::Zero(2)), g), lrs::invalid_argument);
}
