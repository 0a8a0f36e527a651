// SPDX-License-Identifier: MIT
// L2-regularised logistic regression on two Fashion-MNIST classes: regularised Newton vs GD, Adam.
//
// Usage: newton_logreg [grad_tol]   (default 1e-5). Classes T-shirt/top (0) vs Shirt (6), images
// 2x2 average-pooled to 14x14 plus a bias: 197 parameters. Falls back to a synthetic task when
// /usr/share/datasets/fashion-mnist is missing.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <lrs/analysis/lanczos.hpp>
#include <lrs/analysis/regularized_newton.hpp>
#include <lrs/optim.hpp>

#include "common/fashion_mnist.hpp"

namespace ex = lrs_example;
using mat = Eigen::MatrixXd;
using vec = Eigen::VectorXd;

namespace {

struct problem {
  mat a;  // m x d, rows = samples
  vec y;  // +-1
  double mu = 1e-3;
  double m() const { return double(a.rows()); }
  vec margins(const vec& x) const { return (a * x).cwiseProduct(y); }
  double f(const vec& x) const {
    const vec z = margins(x);
    double s = 0;
    for (Eigen::Index i = 0; i < z.size(); ++i)
      s += z[i] > 0 ? std::log1p(std::exp(-z[i])) : -z[i] + std::log1p(std::exp(z[i]));
    return s / m() + 0.5 * mu * x.squaredNorm();
  }
  vec s_neg(const vec& x) const {  // sigma(-y a'x)
    return (1.0 / (1.0 + margins(x).array().exp())).matrix();
  }
  vec grad(const vec& x) const { return -a.transpose() * s_neg(x).cwiseProduct(y) / m() + mu * x; }
  mat weighted_gram(const vec& w) const {  // A' diag(w) A / m + mu I
    mat h = a.transpose() * w.asDiagonal() * a / m();
    h.diagonal().array() += mu;
    return h;
  }
  mat hess(const vec& x) const {  // exact: sigma (1 - sigma)
    const vec s = s_neg(x);
    return weighted_gram(s.cwiseProduct(vec::Ones(s.size()) - s));
  }
  mat fisher(const vec& x) const {  // empirical Fisher: mean of per-sample gradient outer products
    return weighted_gram(s_neg(x).cwiseAbs2());
  }
};

problem two_classes(const ex::dataset& d, int c0, int c1) {
  std::vector<Eigen::Index> idx;
  for (Eigen::Index j = 0; j < d.size(); ++j)
    if (d.labels[std::size_t(j)] == c0 || d.labels[std::size_t(j)] == c1) idx.push_back(j);
  problem p;
  p.a.resize(Eigen::Index(idx.size()), 197);
  p.y.resize(Eigen::Index(idx.size()));
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const Eigen::VectorXd col = d.images.col(idx[k]).cast<double>();
    for (int r = 0; r < 14; ++r)
      for (int c = 0; c < 14; ++c)
        p.a(Eigen::Index(k), r * 14 + c) =
            0.25 * (col[56 * r + 2 * c] + col[56 * r + 2 * c + 1] + col[56 * r + 28 + 2 * c] +
                    col[56 * r + 28 + 2 * c + 1]);
    p.a(Eigen::Index(k), 196) = 1.0;
    p.y[Eigen::Index(k)] = d.labels[std::size_t(idx[k])] == c1 ? 1.0 : -1.0;
  }
  return p;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const double tol = argc > 1 ? std::atof(argv[1]) : 1e-5;
  std::string note;
  const ex::train_test data = ex::load_or_synthesize(ex::default_fashion_mnist_dir(), 0, 0, &note);
  if (!note.empty()) std::printf("%s\n", note.c_str());
  const problem pr = two_classes(data.train, 0, 6);
  const vec x0 = vec::Zero(197);
  const auto f = [&](const vec& x) { return pr.f(x); };
  const auto g = [&](const vec& x) { return pr.grad(x); };

  // Reference optimum: regularised Newton with the exact Hessian, run to 1e-12.
  lrs::regularized_newton_options<double> ref_opt;
  ref_opt.grad_tol = 1e-12;
  // 1e-12 is near the rounding floor of the gradient: cap the iterations so that a reference run
  // that stalls there (Newton reaches 1e-6 in about 7 iterations) does not run 1000 of them.
  ref_opt.max_iterations = 50;
  const auto ref = lrs::regularized_newton(
      f, g, [&](const vec& x) { return pr.hess(x); }, x0, ref_opt);
  const double f_star = ref.f;
  std::printf("%lld samples, 197 parameters, mu = %g, f* = %.12f, |grad f| tolerance %g\n\n",
              (long long)pr.a.rows(), pr.mu, f_star, tol);
  std::printf("%-34s %7s %10s %12s %10s\n", "method", "iters", "|grad f|", "f - f*", "time ms");
  const auto row = [&](const char* name, int iters, const vec& x, double ms) {
    const double gn = pr.grad(x).norm();
    std::printf("%-34s %7d %10.2e %12.3e %10.1f%s\n", name, iters, gn, pr.f(x) - f_star, ms,
                gn < tol ? "" : "  (tolerance not reached)");
  };

  lrs::regularized_newton_options<double> opt;
  opt.grad_tol = tol;
  opt.max_iterations = 200;
  auto t0 = std::chrono::steady_clock::now();
  auto r = lrs::regularized_newton(
      f, g, [&](const vec& x) { return pr.hess(x); }, x0, opt);
  row("reg. Newton, exact Hessian", r.iterations, r.x, 1e3 * seconds_since(t0));
  t0 = std::chrono::steady_clock::now();
  r = lrs::regularized_newton(
      f, g, [&](const vec& x) { return pr.fisher(x); }, x0, opt);
  row("reg. Newton, empirical Fisher", r.iterations, r.x, 1e3 * seconds_since(t0));
  t0 = std::chrono::steady_clock::now();
  const mat bound = pr.weighted_gram(vec::Constant(pr.a.rows(), 0.25));  // >= Hessian everywhere
  r = lrs::regularized_newton(
      f, g, [&](const vec&) { return bound; }, x0, opt);
  row("reg. Newton, bound A'A/4m + mu I", r.iterations, r.x, 1e3 * seconds_since(t0));

  const int cap = 2000;
  opt.max_iterations = cap;
  t0 = std::chrono::steady_clock::now();
  r = lrs::gradient_normalized_method(f, g, x0, opt);
  row("gradient-normalised method", r.iterations, r.x, 1e3 * seconds_since(t0));

  // Gradient descent with lr = 1/L, L = lambda_max(A'A/4m) + mu from 30 Lanczos steps.
  t0 = std::chrono::steady_clock::now();
  const auto lz = lrs::lanczos([&](const vec& v) -> vec { return bound * v; }, 197, 30, 1u);
  const double lr = 1.0 / lz.ritz_values.maxCoeff();
  vec x = x0;
  int it = 0;
  lrs::sgd<double> sgd;  // full batch: plain gradient descent
  for (vec gx = g(x); it < cap && gx.norm() >= tol; ++it, gx = g(x)) sgd.step(x, gx, lr);
  row("gradient descent (lrs::sgd) 1/L", it, x, 1e3 * seconds_since(t0));

  // Full-batch Adam (beta1 0.9, beta2 0.999, eps 1e-8), lr 1e-2.
  t0 = std::chrono::steady_clock::now();
  x = x0;
  it = 0;
  lrs::adam<double> adam;
  for (vec gx = g(x); it < cap && gx.norm() >= tol; ++it, gx = g(x)) adam.step(x, gx, 1e-2);
  row("lrs::adam, lr = 1e-2", it, x, 1e3 * seconds_since(t0));
  std::printf("\nL = %.6f (Lanczos), GD lr = %.4f\n", lz.ritz_values.maxCoeff(), lr);
  return 0;
}
