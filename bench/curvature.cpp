// SPDX-License-Identifier: MIT
// Lanczos top eigenvalue vs a dense eigensolver; one regularised Newton run vs gradient descent.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>

#include <lrs/analysis/lanczos.hpp>
#include <lrs/analysis/regularized_newton.hpp>

namespace {

using vec = Eigen::VectorXd;
using mat = Eigen::MatrixXd;

mat random_spd(Eigen::Index n) {
  std::mt19937 gen(5);
  std::normal_distribution<double> normal;
  mat g(n, n);
  for (Eigen::Index i = 0; i < g.size(); ++i) g.data()[i] = normal(gen);
  return g * g.transpose() / double(n) + mat::Identity(n, n);
}

// 20 Lanczos steps (full re-orthogonalisation) on matrix-vector products.
void bm_lanczos_20_steps(benchmark::State& state) {
  const mat a = random_spd(state.range(0));
  for (auto _ : state) {
    const auto r = lrs::lanczos([&](const vec& v) -> vec { return a * v; }, a.rows(), 20, 1u);
    benchmark::DoNotOptimize(r.ritz_values.data());
  }
}
BENCHMARK(bm_lanczos_20_steps)->Arg(100)->Arg(400)->Arg(1600);

// The whole spectrum by Eigen's dense symmetric eigensolver (eigenvalues only).
void bm_dense_eigenvalues(benchmark::State& state) {
  const mat a = random_spd(state.range(0));
  for (auto _ : state) {
    Eigen::SelfAdjointEigenSolver<mat> eig(a, Eigen::EigenvaluesOnly);
    benchmark::DoNotOptimize(eig.eigenvalues().data());
  }
}
BENCHMARK(bm_dense_eigenvalues)->Arg(100)->Arg(400)->Arg(1600);

// Minimising f = x'Ax/2 - b'x to |g| < 1e-8: regularised Newton vs gradient descent at 1/L.
void bm_newton_quadratic(benchmark::State& state) {
  const mat a = random_spd(state.range(0));
  const vec b = vec::Ones(a.rows());
  lrs::regularized_newton_options<double> opt;
  opt.grad_tol = 1e-8;
  for (auto _ : state) {
    const auto r = lrs::regularized_newton(
        [&](const vec& x) { return 0.5 * x.dot(a * x) - b.dot(x); },
        [&](const vec& x) -> vec { return a * x - b; }, [&](const vec&) -> const mat& { return a; },
        vec(vec::Zero(a.rows())), opt);
    benchmark::DoNotOptimize(r.x.data());
    state.counters["iterations"] = r.iterations;
  }
}
BENCHMARK(bm_newton_quadratic)->Arg(100)->Arg(400);

void bm_gradient_descent_quadratic(benchmark::State& state) {
  const mat a = random_spd(state.range(0));
  const vec b = vec::Ones(a.rows());
  const double lr = 1.0 / Eigen::SelfAdjointEigenSolver<mat>(a).eigenvalues().maxCoeff();
  for (auto _ : state) {
    vec x = vec::Zero(a.rows());
    int it = 0;
    for (vec g = a * x - b; g.norm() >= 1e-8; g = a * x - b, ++it) x -= lr * g;
    benchmark::DoNotOptimize(x.data());
    state.counters["iterations"] = it;
  }
}
BENCHMARK(bm_gradient_descent_quadratic)->Arg(100)->Arg(400);

}  // namespace

BENCHMARK_MAIN();
