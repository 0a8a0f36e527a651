// SPDX-License-Identifier: MIT
// Gradient-regularised Newton method with adaptive gradient-normalised smoothness (dense, small
// problems).
#ifndef LRS_ANALYSIS_REGULARIZED_NEWTON_HPP
#define LRS_ANALYSIS_REGULARIZED_NEWTON_HPP

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/error.hpp>

namespace lrs {

/// Why regularized_newton / gradient_normalized_method stopped.
enum class newton_status {
  converged,       ///< |grad f(x)|_* < grad_tol (or exactly 0)
  max_iterations,  ///< max_iterations outer iterations ran first
};

/// Settings of regularized_newton and gradient_normalized_method. The defaults are those of the
/// authors' code (epfml/grad-norm-smooth, src/methods.py), with a gradient tolerance added: once
/// converged to round-off the acceptance test fails by round-off and gamma collapses, so always
/// stop on a tolerance.
template <class T = double>
struct regularized_newton_options {
  using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;  ///< a dense Hessian
  T gamma0 = T(1);            ///< initial gradient-normalised smoothness estimate, > 0
  T gamma_min = T(1e-9);      ///< floor applied when gamma is doubled after an accepted step, >= 0
  T eps = T(1e-8);            ///< lambda = |g|_* / (gamma + eps), >= 0
  int max_trials = 40;        ///< trials (gamma halvings) per iteration, >= 1
  T grad_tol = T(1e-8);       ///< stop when |g|_* < grad_tol, >= 0
  int max_iterations = 1000;  ///< outer iterations, >= 0
  bool record_history = false;  ///< fill regularized_newton_result::history
  /// SPD metric B (n x n); empty means the identity. The dual norm is |g|_* = sqrt(g' B^-1 g).
  matrix metric;

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = regularized_newton_options<>{}.with_gamma0(...)`); they do not validate, the
  // function taking the options does.
  /// Sets `gamma0` (see the field); returns *this for chaining.
  regularized_newton_options& with_gamma0(T v) noexcept {
    gamma0 = v;
    return *this;
  }
  /// Sets `gamma_min` (see the field); returns *this for chaining.
  regularized_newton_options& with_gamma_min(T v) noexcept {
    gamma_min = v;
    return *this;
  }
  /// Sets `eps` (see the field); returns *this for chaining.
  regularized_newton_options& with_eps(T v) noexcept {
    eps = v;
    return *this;
  }
  /// Sets `max_trials` (see the field); returns *this for chaining.
  regularized_newton_options& with_max_trials(int v) noexcept {
    max_trials = v;
    return *this;
  }
  /// Sets `grad_tol` (see the field); returns *this for chaining.
  regularized_newton_options& with_grad_tol(T v) noexcept {
    grad_tol = v;
    return *this;
  }
  /// Sets `max_iterations` (see the field); returns *this for chaining.
  regularized_newton_options& with_max_iterations(int v) noexcept {
    max_iterations = v;
    return *this;
  }
  /// Sets `record_history` (see the field); returns *this for chaining.
  regularized_newton_options& with_record_history(bool v) noexcept {
    record_history = v;
    return *this;
  }
  /// Sets `metric` (see the field); returns *this for chaining.
  regularized_newton_options& with_metric(matrix v) {
    metric = std::move(v);
    return *this;
  }
};

/// One row of the history: the state at the top of outer iteration k (gamma is the value after
/// the step that produced x_k).
template <class T>
struct newton_history_entry {
  /// The point x_k.
  Eigen::Matrix<T, Eigen::Dynamic, 1> x;
  /// f(x_k).
  T f;
  /// The dual norm |grad f(x_k)|_* (with the options' metric).
  T grad_norm;
  /// The smoothness estimate gamma after the step that produced x_k.
  T gamma;
};

/// The outcome of a run.
template <class T>
struct regularized_newton_result {
  Eigen::Matrix<T, Eigen::Dynamic, 1> x;  ///< final point
  T f = T(0);                             ///< f(x)
  T grad_norm = T(0);                     ///< |grad f(x)|_*
  T gamma = T(0);                         ///< final gamma
  int iterations = 0;                     ///< outer iterations run
  int rejected_iterations = 0;            ///< iterations where no trial passed (x kept)
  int trials = 0;                         ///< trial points evaluated (function + gradient each)
  int cholesky_failures = 0;              ///< trials whose H + lambda B was not positive definite
  /// Why it stopped: converged (gradient tolerance met) or max_iterations.
  newton_status status = newton_status::max_iterations;
  std::vector<newton_history_entry<T>> history;  ///< when options.record_history
};

namespace detail {

template <class T>
void validate_newton_options(const char* who, const regularized_newton_options<T>& o,
                             Eigen::Index n) {
  require_positive(who, "gamma0", o.gamma0);
  require_non_negative(who, "gamma_min", o.gamma_min);
  require_non_negative(who, "eps", o.eps);
  require(o.max_trials >= 1, who, "max_trials", ">= 1", o.max_trials);
  require_non_negative(who, "grad_tol", o.grad_tol);
  require(o.max_iterations >= 0, who, "max_iterations", ">= 0", o.max_iterations);
  if (o.metric.size() == 0) return;
  const std::string shape = std::to_string(n) + " x " + std::to_string(n) + " (or empty)";
  require(o.metric.rows() == n && o.metric.cols() == n, who, "metric", shape,
          std::to_string(o.metric.rows()) + " x " + std::to_string(o.metric.cols()));
  require(o.metric.allFinite(), who, "metric", "finite", std::string("a non-finite entry"));
  const T asym = (o.metric - o.metric.transpose()).cwiseAbs().maxCoeff();
  require(asym <= T(64) * std::numeric_limits<T>::epsilon() * o.metric.cwiseAbs().maxCoeff(), who,
          "metric", "symmetric", std::string("max |B - B'| = ") + format_value(asym));
  Eigen::LLT<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>> llt(o.metric);
  require(llt.info() == Eigen::Success, who, "metric", "positive definite",
          std::string("a matrix whose Cholesky factorisation failed"));
}

/// The loop shared by both methods. `direction(g, lambda, delta)` writes the trial step and
/// returns false when the step cannot be formed (Cholesky failure); `on_iteration(x)` is called
/// once per outer iteration before the trials (the Newton method evaluates its Hessian there).
template <class T, class F, class G, class Prepare, class Direction>
regularized_newton_result<T> gradient_regularized_loop(const char* who, F& f, G& grad,
                                                       Eigen::Matrix<T, Eigen::Dynamic, 1> x,
                                                       const regularized_newton_options<T>& o,
                                                       Prepare&& prepare, Direction&& direction) {
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  const Eigen::Index n = x.size();
  require(n > 0, who, "x0.size()", "> 0", static_cast<std::int64_t>(n));
  require(x.allFinite(), who, "x0", "finite", std::string("a non-finite entry"));
  validate_newton_options(who, o, n);
  Eigen::LLT<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>> metric_llt;
  const bool identity = o.metric.size() == 0;
  if (!identity) metric_llt.compute(o.metric);
  const auto dual_norm_sq = [&](const vector& g) -> T {
    return identity ? g.squaredNorm() : g.dot(metric_llt.solve(g));
  };
  const auto checked_grad = [&](const vector& at) -> vector {
    vector g = grad(at);
    require(g.size() == n, who, "gradient size", std::to_string(n),
            static_cast<std::int64_t>(g.size()));
    return g;
  };

  regularized_newton_result<T> r;
  T fx = static_cast<T>(f(x));
  require(std::isfinite(fx), who, "f(x0)", "finite", fx);
  vector g = checked_grad(x);
  require(g.allFinite(), who, "grad f(x0)", "finite", std::string("a non-finite entry"));
  T gnorm = std::sqrt(dual_norm_sq(g));
  T gamma = o.gamma0;
  vector delta(n), x_new(n), g_new(n);
  for (int k = 0;; ++k) {
    if (o.record_history) r.history.push_back({x, fx, gnorm, gamma});
    r.iterations = k;
    if (gnorm < o.grad_tol || gnorm == T(0)) {
      r.status = newton_status::converged;
      break;
    }
    if (k == o.max_iterations) {
      r.status = newton_status::max_iterations;
      break;
    }
    prepare(x, k);
    bool accepted = false;
    T f_new = fx;
    for (int trial = 0; trial < o.max_trials; ++trial) {
      const T lambda = gnorm / (gamma + o.eps);
      if (!direction(g, lambda, delta) || !delta.allFinite()) {
        ++r.cholesky_failures;
        gamma /= T(2);  // larger lambda makes H + lambda B "more" positive definite
        continue;
      }
      ++r.trials;
      x_new = x + delta;
      f_new = static_cast<T>(f(x_new));
      g_new = checked_grad(x_new);
      const T g_new_sq = dual_norm_sq(g_new);
      // Lemma 1 progress condition; false for NaN values, which counts as a rejection.
      if (fx - f_new >= g_new_sq / (T(8) * lambda)) {
        gamma = std::max(T(2) * gamma, o.gamma_min);
        gnorm = std::sqrt(g_new_sq);
        accepted = true;
        break;
      }
      gamma /= T(2);
    }
    if (accepted) {
      x.swap(x_new);
      g.swap(g_new);
      fx = f_new;
    } else {
      ++r.rejected_iterations;  // safe fallback: stay at x_k with the smaller gamma
    }
  }
  r.x = std::move(x);
  r.f = fx;
  r.grad_norm = gnorm;
  r.gamma = gamma;
  return r;
}

}  // namespace detail

/// Gradient-regularised Newton method with adaptive gamma (Semenov, Jaggi, Doikov,
/// "Gradient-Normalized Smoothness for Optimization with Approximate Hessians", arXiv 2506.13710,
/// Algorithm 1; as in epfml/grad-norm-smooth src/methods.py::grad_norm_smooth).
///
/// At x_k with g_k = grad f(x_k) and H_k = hess(x_k) (exact, or any PSD approximation such as
/// Gauss-Newton or Fisher), each trial takes
///   lambda = |g_k|_* / (gamma + eps),  x+ = x_k - (H_k + lambda B)^-1 g_k,
/// and accepts x+ if f(x_k) - f(x+) >= |grad f(x+)|_*^2 / (8 lambda), doubling gamma (not below
/// gamma_min); otherwise gamma is halved and the trial repeated, at most max_trials times.
/// gamma estimates the gradient-normalised smoothness: the radius, relative to |g|, on which the
/// quadratic model is good. The regulariser is |g|/gamma, not the sqrt(H |g|) of classical
/// gradient-regularised Newton.
///
/// Safe fallback (a later version of the authors' code; the stored version moves to the last
/// trial even when none passed): when no trial passes, x_k is kept and the next iteration starts
/// from the halved gamma. When H_k + lambda B is not positive definite (an indefinite Hessian),
/// the Cholesky factorisation fails and gamma is halved, i.e. lambda grows, until it succeeds.
/// Cost per trial: one dense n x n Cholesky (Eigen::LLT), one f and one gradient evaluation.
///
/// @param f callable `T(const vector&)`; @param grad callable `vector(const vector&)`;
/// @param hess callable returning an n x n symmetric matrix (exact Hessian or an approximation).
/// @param x0 start point (finite, non-empty).
/// @pre options valid: gamma0 > 0, gamma_min, eps, grad_tol >= 0, max_trials >= 1,
///   max_iterations >= 0, metric empty or symmetric positive definite n x n.
/// @throws lrs::invalid_argument for bad options, a non-finite x0, f(x0) or grad f(x0), a gradient
///   or Hessian of the wrong size, or a non-finite Hessian (naming the iteration).
template <class T, class F, class G, class H>
[[nodiscard]] regularized_newton_result<T> regularized_newton(
    F&& f, G&& grad, H&& hess, Eigen::Matrix<T, Eigen::Dynamic, 1> x0,
    const regularized_newton_options<T>& options = {}) {
  static_assert(std::is_floating_point_v<T>, "regularized_newton<T>: T must be floating point");
  using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  const Eigen::Index n = x0.size();
  matrix h_k, system;
  Eigen::LLT<matrix> llt;
  const auto prepare = [&](const vector& x, int k) {
    h_k = hess(x);
    detail::require(h_k.rows() == n && h_k.cols() == n, "regularized_newton", "hessian shape",
                    std::to_string(n) + " x " + std::to_string(n),
                    std::to_string(h_k.rows()) + " x " + std::to_string(h_k.cols()));
    detail::require(h_k.allFinite(), "regularized_newton",
                    "hessian at iteration " + std::to_string(k), "finite",
                    std::string("a non-finite entry"));
  };
  const auto direction = [&](const vector& g, T lambda, vector& delta) {
    system = h_k;
    if (options.metric.size() == 0)
      system.diagonal().array() += lambda;
    else
      system += lambda * options.metric;
    llt.compute(system);
    if (llt.info() != Eigen::Success) return false;
    delta = -llt.solve(g);
    return true;
  };
  return detail::gradient_regularized_loop<T>("regularized_newton", f, grad, std::move(x0), options,
                                              prepare, direction);
}

/// First-order analogue (src/methods.py::grad_norm_smooth_gradient_method): the same adaptive
/// gamma and acceptance test with the step `x+ = x_k - B^-1 g_k / lambda`, lambda = |g_k|_* /
/// (gamma + eps). No Hessian; one solve with B's Cholesky factor per trial (none for B = I).
/// @throws lrs::invalid_argument as regularized_newton.
template <class T, class F, class G>
[[nodiscard]] regularized_newton_result<T> gradient_normalized_method(
    F&& f, G&& grad, Eigen::Matrix<T, Eigen::Dynamic, 1> x0,
    const regularized_newton_options<T>& options = {}) {
  static_assert(std::is_floating_point_v<T>,
                "gradient_normalized_method<T>: T must be floating point");
  using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  Eigen::LLT<matrix> metric_llt;
  if (options.metric.size() != 0 && options.metric.rows() == options.metric.cols())
    metric_llt.compute(options.metric);
  const auto prepare = [](const vector&, int) {};
  const auto direction = [&](const vector& g, T lambda, vector& delta) {
    if (options.metric.size() == 0)
      delta = -g / lambda;
    else
      delta = -metric_llt.solve(g) / lambda;
    return true;
  };
  return detail::gradient_regularized_loop<T>("gradient_normalized_method", f, grad, std::move(x0),
                                              options, prepare, direction);
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_REGULARIZED_NEWTON_HPP
