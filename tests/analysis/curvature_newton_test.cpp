// SPDX-License-Identifier: MIT
// Gradient-regularised Newton method: hand-computed iterates, logistic regression, fallbacks.
#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <string>

#include <lrs/analysis/regularized_newton.hpp>

#include "catch.hpp"

namespace {

using vec = Eigen::VectorXd;
using mat = Eigen::MatrixXd;

// f = x'Ax/2 - b'x with A = diag(1, 10), b = (1, 1); minimiser (1, 0.1), f* = -0.55.
struct quadratic {
  mat a = vec((vec(2) << 1, 10).finished()).asDiagonal();
  vec b = vec::Ones(2);
  double f(const vec& x) const { return 0.5 * x.dot(a * x) - b.dot(x); }
  vec grad(const vec& x) const { return a * x - b; }
};

// L2-regularised logistic regression, labels in {-1, +1}:
// f = (1/m) sum log(1 + exp(-y_i a_i'x)) + mu/2 |x|^2.
struct logistic {
  mat a;
  vec y;
  double mu = 0.05;
  logistic() : a(60, 4), y(60) {
    for (int i = 0; i < 60; ++i) {
      a(i, 0) = 1.0;
      a(i, 1) = std::sin(0.7 * i);
      a(i, 2) = std::cos(1.3 * i + 0.5);
      a(i, 3) = 0.1 * (i % 7) - 0.3;
      y[i] = std::sin(2.1 * i) + 0.8 * a(i, 1) - a(i, 3) > 0.0 ? 1.0 : -1.0;
    }
  }
  double m() const { return double(a.rows()); }
  double f(const vec& x) const {
    const vec z = (a * x).cwiseProduct(y);
    double s = 0;
    for (Eigen::Index i = 0; i < z.size(); ++i) s += std::log1p(std::exp(-z[i]));
    return s / m() + 0.5 * mu * x.squaredNorm();
  }
  vec sigma_neg(const vec& x) const {  // sigma(-y_i a_i'x)
    const vec z = (a * x).cwiseProduct(y);
    return (1.0 / (1.0 + z.array().exp())).matrix();
  }
  vec grad(const vec& x) const {
    return -a.transpose() * sigma_neg(x).cwiseProduct(y) / m() + mu * x;
  }
  mat hess(const vec& x) const {
    const vec s = sigma_neg(x);
    const vec d = s.cwiseProduct(vec::Ones(s.size()) - s) / m();
    return a.transpose() * d.asDiagonal() * a + mu * mat::Identity(a.cols(), a.cols());
  }
};

}  // namespace

TEST_CASE("regularized_newton iterates on a quadratic match the hand computation",
          "[analysis][newton]") {
  const quadratic q;
  lrs::regularized_newton_options<double> opt;
  opt.record_history = true;
  opt.max_iterations = 4;
  opt.grad_tol = 0.0;
  const auto r = lrs::regularized_newton([&](const vec& x) { return q.f(x); },
                                         [&](const vec& x) { return q.grad(x); },
                                         [&](const vec&) { return q.a; }, vec(vec::Zero(2)), opt);
  // Expected: tests/data/curvature_newton_quadratic.py (the paper's formulas in plain Python).
  const double x0[] = {0.0, 0.41421356479950194, 0.865035947375739, 0.9955932947923982,
                       0.9999975739458498};
  const double x1[] = {0.0, 0.08761006579861876, 0.09963986042017595, 0.09999878850917987,
                       0.09999999993326988};
  const double f[] = {0.0, -0.37765957381997356, -0.5408917037470331, -0.5499902904672681,
                      -0.5499999999970572};
  const double gn[] = {1.4142135623730951, 0.5987460184555409, 0.13501209409701,
                       0.004406721860715216, 2.426054242012298e-06};
  REQUIRE(r.history.size() == 5);
  for (std::size_t k = 0; k < 5; ++k) {
    CAPTURE(k);
    CHECK_THAT(r.history[k].x[0], WithinAbs(x0[k], 1e-12));
    CHECK_THAT(r.history[k].x[1], WithinAbs(x1[k], 1e-12));
    CHECK_THAT(r.history[k].f, WithinAbs(f[k], 1e-12));
    CHECK_THAT(r.history[k].grad_norm, WithinRel(gn[k], 1e-9));
    CHECK(r.history[k].gamma == double(1 << k));  // every first trial accepted: gamma doubles
  }
  CHECK(r.status == lrs::newton_status::max_iterations);
  CHECK(r.iterations == 4);
  CHECK(r.trials == 4);
  CHECK(r.rejected_iterations == 0);
  CHECK(r.x.isApprox(r.history[4].x));
}

TEST_CASE("regularized_newton stops on the gradient tolerance", "[analysis][newton]") {
  const quadratic q;
  lrs::regularized_newton_options<double> opt;
  opt.grad_tol = 1e-10;
  const auto r = lrs::regularized_newton([&](const vec& x) { return q.f(x); },
                                         [&](const vec& x) { return q.grad(x); },
                                         [&](const vec&) { return q.a; }, vec(vec::Zero(2)), opt);
  CHECK(r.status == lrs::newton_status::converged);
  CHECK(r.grad_norm < 1e-10);
  CHECK_THAT(r.x[0], WithinAbs(1.0, 1e-10));
  CHECK_THAT(r.x[1], WithinAbs(0.1, 1e-11));
  CHECK_THAT(r.f, WithinRel(-0.55, 1e-14));
  CHECK(r.iterations >= 5);
  CHECK(r.iterations <= 8);
}

TEST_CASE("regularized_newton reaches the logistic-regression minimiser", "[analysis][newton]") {
  const logistic lr;
  // Independent reference: undamped Newton x <- x - H^-1 g to machine precision.
  vec ref = vec::Zero(4);
  for (int i = 0; i < 40; ++i) ref -= lr.hess(ref).ldlt().solve(lr.grad(ref));
  REQUIRE(lr.grad(ref).norm() < 1e-14);

  const auto fn = [&](const vec& x) { return lr.f(x); };
  const auto gr = [&](const vec& x) { return lr.grad(x); };
  lrs::regularized_newton_options<double> opt;
  opt.grad_tol = 1e-11;
  SECTION("exact Hessian") {
    const auto r = lrs::regularized_newton(
        fn, gr, [&](const vec& x) { return lr.hess(x); }, vec(vec::Zero(4)), opt);
    CHECK(r.status == lrs::newton_status::converged);
    CHECK((r.x - ref).norm() < 1e-9);  // |x - x*| <= |g| / mu
    CHECK(r.iterations < 20);
  }
  SECTION("approximate Hessian: the constant bound A'A/(4m) + mu I, with a metric") {
    const mat bound = lr.a.transpose() * lr.a / (4.0 * lr.m()) + lr.mu * mat::Identity(4, 4);
    opt.metric = mat(vec((vec(4) << 1.0, 2.0, 0.5, 1.0).finished()).asDiagonal());
    // Linear convergence: the f-decrease test meets round-off near |g| ~ sqrt(eps |f| L) ~ 1e-8,
    // so stop well above that. Strong convexity gives |x - x*| <= |g| / mu.
    opt.grad_tol = 1e-7;
    const auto r = lrs::regularized_newton(
        fn, gr, [&](const vec&) { return bound; }, vec(vec::Zero(4)), opt);
    CHECK(r.status == lrs::newton_status::converged);
    CHECK(r.rejected_iterations == 0);
    CHECK((r.x - ref).norm() <= lr.grad(r.x).norm() / lr.mu);
    CHECK((r.x - ref).norm() < 1e-5);
  }
  SECTION("first-order variant") {
    opt.max_iterations = 5000;
    opt.grad_tol = 1e-7;
    const auto r = lrs::gradient_normalized_method(fn, gr, vec(vec::Zero(4)), opt);
    CHECK(r.status == lrs::newton_status::converged);
    CHECK((r.x - ref).norm() <= r.grad_norm / lr.mu);
    CHECK((r.x - ref).norm() < 1e-5);
  }
}

TEST_CASE("regularized_newton: every accepted step decreases f", "[analysis][newton][property]") {
  const logistic lr;
  lrs::regularized_newton_options<double> opt;
  opt.record_history = true;
  opt.grad_tol = 1e-12;
  opt.gamma0 = 1e-3;
  const auto r = lrs::regularized_newton(
      [&](const vec& x) { return lr.f(x); }, [&](const vec& x) { return lr.grad(x); },
      [&](const vec& x) { return lr.hess(x); }, vec(vec::Constant(4, 3.0)), opt);
  for (std::size_t k = 1; k < r.history.size(); ++k) CHECK(r.history[k].f <= r.history[k - 1].f);
}

TEST_CASE("regularized_newton halves gamma when the Hessian is indefinite", "[analysis][newton]") {
  // f = x^4/4 - x^2/2: f'' = 3x^2 - 1 < 0 near 0; minimisers +-1.
  const auto f = [](const vec& x) { return std::pow(x[0], 4) / 4 - x[0] * x[0] / 2; };
  const auto g = [](const vec& x) { return vec(vec::Constant(1, std::pow(x[0], 3) - x[0])); };
  const auto h = [](const vec& x) { return mat(mat::Constant(1, 1, 3 * x[0] * x[0] - 1)); };
  lrs::regularized_newton_options<double> opt;
  opt.grad_tol = 1e-12;
  const auto r = lrs::regularized_newton(f, g, h, vec(vec::Constant(1, 0.1)), opt);
  CHECK(r.cholesky_failures > 0);
  CHECK(r.status == lrs::newton_status::converged);
  CHECK_THAT(r.x[0], WithinAbs(1.0, 1e-12));
}

TEST_CASE("regularized_newton stays at x_k when no trial is accepted", "[analysis][newton]") {
  const vec x0 = vec::Constant(2, 0.5);
  // Finite only at x0: every trial point is rejected.
  const auto f = [&](const vec& x) {
    return x == x0 ? 1.0 : std::numeric_limits<double>::infinity();
  };
  const auto g = [](const vec&) { return vec(vec::Ones(2)); };
  const auto h = [](const vec&) { return mat(mat::Identity(2, 2)); };
  lrs::regularized_newton_options<double> opt;
  opt.max_iterations = 2;
  opt.max_trials = 5;
  const auto r = lrs::regularized_newton(f, g, h, x0, opt);
  CHECK(r.x == x0);
  CHECK(r.f == 1.0);
  CHECK(r.rejected_iterations == 2);
  CHECK(r.trials == 10);
  CHECK(r.status == lrs::newton_status::max_iterations);
  CHECK(r.gamma == std::ldexp(1.0, -10));  // halved 5 times per iteration
}

TEST_CASE("regularized_newton validates its inputs", "[analysis][newton][error]") {
  const quadratic q;
  const auto f = [&](const vec& x) { return q.f(x); };
  const auto g = [&](const vec& x) { return q.grad(x); };
  const auto h = [&](const vec&) { return q.a; };
  const vec x0 = vec::Zero(2);
  lrs::regularized_newton_options<double> opt;
  opt.gamma0 = 0.0;
  try {
    (void)lrs::regularized_newton(f, g, h, x0, opt);
    FAIL("no exception");
  } catch (const lrs::invalid_argument& e) {
    CHECK(std::string(e.what()) == "lrs::regularized_newton: gamma0 must be > 0, got 0");
  }
  opt = {};
  opt.max_trials = 0;
  CHECK_THROWS_AS(lrs::regularized_newton(f, g, h, x0, opt), lrs::invalid_argument);
  opt = {};
  opt.grad_tol = -1.0;
  CHECK_THROWS_AS(lrs::regularized_newton(f, g, h, x0, opt), lrs::invalid_argument);
  opt = {};
  opt.metric = mat::Identity(3, 3);
  CHECK_THROWS_AS(lrs::regularized_newton(f, g, h, x0, opt), lrs::invalid_argument);
  opt.metric = vec((vec(2) << 1, -1).finished()).asDiagonal();
  CHECK_THROWS_AS(lrs::regularized_newton(f, g, h, x0, opt), lrs::invalid_argument);
  opt.metric.resize(2, 2);
  opt.metric << 1, 0.5, 0, 1;  // not symmetric
  CHECK_THROWS_AS(lrs::gradient_normalized_method(f, g, x0, opt), lrs::invalid_argument);
  opt = {};
  CHECK_THROWS_AS(lrs::regularized_newton(f, g, h, vec(), opt), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::regularized_newton(f, g, h, vec(vec::Constant(2, std::nan(""))), opt),
                  lrs::invalid_argument);
  const auto nan_hess = [](const vec&) { return mat(mat::Constant(2, 2, std::nan(""))); };
  try {
    (void)lrs::regularized_newton(f, g, nan_hess, x0, opt);
    FAIL("no exception");
  } catch (const lrs::invalid_argument& e) {
    CHECK(std::string(e.what()) ==
          "lrs::regularized_newton: hessian at iteration 0 must be finite, got a non-finite "
          "entry");
  }
  const auto wrong_hess = [](const vec&) { return mat(mat::Identity(3, 3)); };
  CHECK_THROWS_AS(lrs::regularized_newton(f, g, wrong_hess, x0, opt), lrs::invalid_argument);
}
