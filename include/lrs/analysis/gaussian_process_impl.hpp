// SPDX-License-Identifier: MIT
// The definitions of lrs::gaussian_process's members (<lrs/analysis/gaussian_process.hpp>): the
// marginal-likelihood search and the Cholesky conditioning. Included by gaussian_process.hpp in
// header-only mode; compiled once into lrs_compiled in the compiled mode (config.hpp), where a
// user's unit must not include it.
#ifndef LRS_ANALYSIS_GAUSSIAN_PROCESS_IMPL_HPP
#define LRS_ANALYSIS_GAUSSIAN_PROCESS_IMPL_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <utility>
#include <vector>

#include <LBFGSB.h>
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <lrs/analysis/gaussian_process.hpp>
#include <lrs/config.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/random.hpp>

#if !LRS_DEFINITIONS
#error "LRS_COMPILED: lrs_compiled defines this; include <lrs/analysis/gaussian_process.hpp>"
#endif

namespace lrs {

namespace detail {

// -log p(y|X) as an LBFGSpp objective over log-parameters; remembers the best finite point, which
// is the answer when the line search gives up.
template <class NLL>
struct gp_objective {
  NLL nll;
  double best_f = std::numeric_limits<double>::infinity();
  Eigen::Vector3d best_x = Eigen::Vector3d::Zero();
  double operator()(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) {
    std::array<double, 3> g{};
    const double f = nll(theta, g);
    if (!std::isfinite(f)) {
      // Not positive definite: a large value with a gradient pointing back, so the line search
      // shortens its step.
      grad.setZero();
      return 1e300;
    }
    grad << g[0], g[1], g[2];
    if (f < best_f) {
      best_f = f;
      best_x = theta;
    }
    return f;
  }
};

}  // namespace detail

template <class T>
basic_gaussian_process<T>::basic_gaussian_process(gp_options options) : options_(options) {
  const char* t = "gaussian_process";
  detail::require_positive(t, "amplitude_min", options.amplitude_min);
  detail::require_positive(t, "length_scale_min", options.length_scale_min);
  detail::require_positive(t, "noise_min", options.noise_min);
  detail::require(options.amplitude_max >= options.amplitude_min, t, "amplitude_max",
                  ">= amplitude_min", options.amplitude_max);
  detail::require(options.length_scale_max >= options.length_scale_min, t, "length_scale_max",
                  ">= length_scale_min", options.length_scale_max);
  detail::require(options.noise_max >= options.noise_min, t, "noise_max", ">= noise_min",
                  options.noise_max);
  detail::require_finite(t, "amplitude_max", options.amplitude_max);
  detail::require_finite(t, "length_scale_max", options.length_scale_max);
  detail::require_finite(t, "noise_max", options.noise_max);
  detail::require_in_range(t, "initial.amplitude", options.initial.amplitude, options.amplitude_min,
                           options.amplitude_max);
  detail::require_in_range(t, "initial.length_scale", options.initial.length_scale,
                           options.length_scale_min, options.length_scale_max);
  detail::require_in_range(t, "initial.noise", options.initial.noise, options.noise_min,
                           options.noise_max);
  detail::require_non_negative(t, "restarts", options.restarts);
  const auto norm = static_cast<int>(options.normalization);
  detail::require(norm >= 0 && norm <= 2, t, "normalization", "none, mean or mean_and_scale", norm);
}

template <class T>
void basic_gaussian_process<T>::fit(const std::vector<double>& x, const std::vector<double>& y,
                                    std::uint64_t seed) {
  set_data(x, y);
  Eigen::Vector3d lo, hi;
  lo << std::log(options_.amplitude_min), std::log(options_.length_scale_min),
      std::log(options_.noise_min);
  hi << std::log(options_.amplitude_max), std::log(options_.length_scale_max),
      std::log(options_.noise_max);
  auto nll = [this](const Eigen::VectorXd& theta, std::array<double, 3>& grad) {
    return negative_log_likelihood({std::exp(theta[0]), std::exp(theta[1]), std::exp(theta[2])},
                                   &grad);
  };
  LBFGSpp::LBFGSBParam<double> param;  // scipy.optimize.fmin_l_bfgs_b's defaults
  param.m = 10;
  param.epsilon = 1e-5;
  param.epsilon_rel = 0;
  param.past = 1;
  param.delta = 1e7 * std::numeric_limits<double>::epsilon();
  param.max_iterations = 200;
  param.max_linesearch = 20;
  LBFGSpp::LBFGSBSolver<double> solver(param);
  detail::splitmix64 rng(seed);
  Eigen::Vector3d best_theta;
  best_theta << std::log(options_.initial.amplitude), std::log(options_.initial.length_scale),
      std::log(options_.initial.noise);
  double best = std::numeric_limits<double>::infinity();
  for (int run = 0; run <= options_.restarts; ++run) {
    Eigen::VectorXd theta(3);
    if (run == 0) {
      theta << std::log(options_.initial.amplitude), std::log(options_.initial.length_scale),
          std::log(options_.initial.noise);
    } else {
      for (Eigen::Index i = 0; i < 3; ++i) theta[i] = lo[i] + (hi[i] - lo[i]) * rng.uniform();
    }
    detail::gp_objective<decltype(nll)> objective{nll};
    double f = 0;
    try {
      solver.minimize(objective, theta, f, Eigen::VectorXd(lo), Eigen::VectorXd(hi));
    } catch (const std::exception&) {
      // Line search failed: keep the best point evaluated.
    }
    if (objective.best_f < best) {
      best = objective.best_f;
      best_theta = objective.best_x;
    }
  }
  condition({std::exp(best_theta[0]), std::exp(best_theta[1]), std::exp(best_theta[2])});
}

template <class T>
void basic_gaussian_process<T>::fit(const std::vector<double>& x, const std::vector<double>& y,
                                    gp_hyperparameters hp) {
  detail::require_positive("gaussian_process", "amplitude", hp.amplitude);
  detail::require_positive("gaussian_process", "length_scale", hp.length_scale);
  detail::require_non_negative("gaussian_process", "noise", hp.noise);
  set_data(x, y);
  condition(hp);
}

template <class T>
gp_prediction basic_gaussian_process<T>::predict(double x) const {
  LRS_ASSERT(fitted_, "gaussian_process::predict before fit");
  const Eigen::Index n = x_.size();
  Eigen::VectorXd k(n);
  for (Eigen::Index i = 0; i < n; ++i)
    k[i] = hp_.amplitude * matern52(std::abs(x - x_[i]) / hp_.length_scale);
  const double mean = k.dot(alpha_);
  llt_.matrixL().solveInPlace(k);
  const double var = std::max(0.0, hp_.amplitude - k.squaredNorm());
  return {y_mean_ + y_scale_ * mean, y_scale_ * std::sqrt(var)};
}

template <class T>
void basic_gaussian_process<T>::set_data(const std::vector<double>& x,
                                         const std::vector<double>& y) {
  const char* t = "gaussian_process";
  detail::require(x.size() == y.size(), t, "y.size()", "== x.size()", y.size());
  detail::require(!x.empty(), t, "x.size()", ">= 1", x.size());
  for (double v : x) detail::require_finite(t, "x", v);
  for (double v : y) detail::require_finite(t, "y", v);
  const auto n = static_cast<Eigen::Index>(x.size());
  x_ = Eigen::Map<const Eigen::VectorXd>(x.data(), n);
  const Eigen::Map<const Eigen::VectorXd> yv(y.data(), n);
  y_mean_ = 0;
  y_scale_ = 1;
  if (options_.normalization != gp_normalization::none) y_mean_ = yv.mean();
  if (options_.normalization == gp_normalization::mean_and_scale) {
    const double sd = std::sqrt((yv.array() - y_mean_).square().sum() / static_cast<double>(n));
    // scikit-learn's _handle_zeros_in_scale: a (near-)zero scale counts as 1.
    y_scale_ = sd < 10 * std::numeric_limits<double>::epsilon() ? 1.0 : sd;
  }
  yn_ = (yv.array() - y_mean_) / y_scale_;
  fitted_ = false;
}

template <class T>
Eigen::MatrixXd basic_gaussian_process<T>::covariance(const gp_hyperparameters& hp) const {
  const Eigen::Index n = x_.size();
  Eigen::MatrixXd k(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    k(i, i) = hp.amplitude + hp.noise;
    for (Eigen::Index j = 0; j < i; ++j)
      k(i, j) = k(j, i) = hp.amplitude * matern52(std::abs(x_[i] - x_[j]) / hp.length_scale);
  }
  return k;
}

template <class T>
double basic_gaussian_process<T>::negative_log_likelihood(const gp_hyperparameters& hp,
                                                          std::array<double, 3>* grad) const {
  const Eigen::Index n = x_.size();
  const Eigen::LLT<Eigen::MatrixXd> llt(covariance(hp));
  if (llt.info() != Eigen::Success) {
    if (grad) grad->fill(0.0);
    return std::numeric_limits<double>::infinity();
  }
  const Eigen::VectorXd z = llt.matrixL().solve(yn_);
  const double log_det_half = llt.matrixLLT().diagonal().array().log().sum();
  const double nll = 0.5 * z.squaredNorm() + log_det_half +
                     0.5 * static_cast<double>(n) * std::log(2 * 3.141592653589793238462643);
  if (grad) {
    // d(-log p)/d theta_j = -tr((alpha alpha' - K^-1) dK/d theta_j) / 2.
    const Eigen::VectorXd alpha = llt.matrixU().solve(z);
    const Eigen::MatrixXd w =
        alpha * alpha.transpose() - llt.solve(Eigen::MatrixXd::Identity(n, n));
    // Diagonal pairs: r = 0, matern = 1, no length-scale term; off-diagonal pairs twice.
    double g_amp = w.trace(), g_len = 0;
    const double g_noise = g_amp;
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < i; ++j) {
        const double r = std::abs(x_[i] - x_[j]) / hp.length_scale;
        const double s5r = std::sqrt(5.0) * r;
        const double e = std::exp(-s5r);
        g_amp += 2 * w(i, j) * (1 + s5r + s5r * s5r / 3) * e;
        g_len += 2 * w(i, j) * (5.0 / 3.0) * r * r * (1 + s5r) * e;
      }
    }
    (*grad)[0] = -0.5 * hp.amplitude * g_amp;
    (*grad)[1] = -0.5 * hp.amplitude * g_len;
    (*grad)[2] = -0.5 * hp.noise * g_noise;
  }
  return nll;
}

template <class T>
void basic_gaussian_process<T>::condition(const gp_hyperparameters& hp) {
  Eigen::LLT<Eigen::MatrixXd> llt(covariance(hp));
  if (llt.info() != Eigen::Success)
    detail::throw_invalid("gaussian_process", "covariance", "positive definite (raise noise)",
                          hp.noise);
  alpha_ = llt.solve(yn_);
  llt_ = std::move(llt);
  hp_ = hp;
  fitted_ = true;
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_GAUSSIAN_PROCESS_IMPL_HPP
