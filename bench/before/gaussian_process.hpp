// SPDX-License-Identifier: MIT
// One-variable Gaussian process (amplitude x Matern-5/2 + white noise) and its LCB acquisition.
#ifndef LRS_BEFORE_ANALYSIS_GAUSSIAN_PROCESS_HPP
#define LRS_BEFORE_ANALYSIS_GAUSSIAN_PROCESS_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <lrs/analysis/detail/golden_section.hpp>
#include <lrs/core/error.hpp>

namespace lrs_before {
namespace detail {
using namespace ::lrs::detail;
}

namespace detail {

/// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit generator whose whole state is one integer, so
/// it saves and restores exactly and gives the same numbers on every platform.
class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed = 0) noexcept : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  [[nodiscard]] std::uint64_t state() const noexcept { return state_; }
  void set_state(std::uint64_t s) noexcept { state_ = s; }

 private:
  std::uint64_t state_;
};

/// In-place Cholesky factorisation of the symmetric n x n matrix `a` (row-major): on success the
/// lower triangle holds L with a = L L'. Returns false when a is not positive definite.
inline bool cholesky_in_place(std::vector<double>& a, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0) || !std::isfinite(d)) return false;
    const double ljj = std::sqrt(d);
    a[j * n + j] = ljj;
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / ljj;
    }
  }
  return true;
}

/// Solves L z = b in place (L lower-triangular from cholesky_in_place).
inline void forward_solve(const std::vector<double>& l, std::size_t n, std::vector<double>& b) {
  for (std::size_t i = 0; i < n; ++i) {
    double s = b[i];
    for (std::size_t k = 0; k < i; ++k) s -= l[i * n + k] * b[k];
    b[i] = s / l[i * n + i];
  }
}

/// Solves L' x = z in place.
inline void backward_solve(const std::vector<double>& l, std::size_t n, std::vector<double>& z) {
  for (std::size_t i = n; i-- > 0;) {
    double s = z[i];
    for (std::size_t k = i + 1; k < n; ++k) s -= l[k * n + i] * z[k];
    z[i] = s / l[i * n + i];
  }
}

/// Minimises f over the box [lo, hi] from x0 with a projected BFGS method: variables at a bound
/// whose gradient pushes outwards are frozen, the step is projected back into the box and accepted
/// by an Armijo test. Small problems only (dense inverse-Hessian approximation). `fg(x, g)`
/// returns f(x) and writes the gradient into g; it may return +inf where f is undefined. Stops
/// when the largest free gradient component is below `pgtol` or f changes by less than `ftol`
/// relative; the defaults are scipy's fmin_l_bfgs_b defaults (pgtol 1e-5, factr 1e7 x eps).
template <std::size_t N, class FG>
std::pair<std::array<double, N>, double> minimize_in_box(FG&& fg, std::array<double, N> x,
                                                         const std::array<double, N>& lo,
                                                         const std::array<double, N>& hi,
                                                         double pgtol = 1e-5,
                                                         double ftol = 2.220446049250313e-9,
                                                         int max_iter = 200) {
  using vec = std::array<double, N>;
  auto project = [&](vec v) {
    for (std::size_t i = 0; i < N; ++i) v[i] = std::clamp(v[i], lo[i], hi[i]);
    return v;
  };
  x = project(x);
  vec g{};
  double f = fg(x, g);
  if (!std::isfinite(f)) return {x, f};
  std::array<std::array<double, N>, N> h{};
  auto reset = [&] {
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) h[i][j] = i == j ? 1.0 : 0.0;
  };
  reset();
  std::array<bool, N> frozen_prev{};
  for (int it = 0; it < max_iter; ++it) {
    std::array<bool, N> frozen{};
    double pg = 0;
    for (std::size_t i = 0; i < N; ++i) {
      frozen[i] = (x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0);
      if (!frozen[i]) pg = std::max(pg, std::abs(g[i]));
    }
    if (pg < pgtol) break;
    if (frozen != frozen_prev) reset();
    frozen_prev = frozen;
    vec d{};
    double slope = 0;
    for (std::size_t i = 0; i < N; ++i) {
      if (frozen[i]) continue;
      for (std::size_t j = 0; j < N; ++j)
        if (!frozen[j]) d[i] -= h[i][j] * g[j];
      slope += d[i] * g[i];
    }
    if (!(slope < 0)) {
      reset();
      for (std::size_t i = 0; i < N; ++i) d[i] = frozen[i] ? 0.0 : -g[i];
    }
    double t = 1;
    vec xn{}, gn{};
    double fn = f;
    bool accepted = false;
    for (int ls = 0; ls < 50; ++ls, t *= 0.5) {
      vec trial = x;
      for (std::size_t i = 0; i < N; ++i) trial[i] += t * d[i];
      xn = project(trial);
      double decrease = 0;
      for (std::size_t i = 0; i < N; ++i) decrease += g[i] * (xn[i] - x[i]);
      fn = fg(xn, gn);
      if (std::isfinite(fn) && fn <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    vec s{}, y{};
    double sy = 0;
    for (std::size_t i = 0; i < N; ++i) {
      s[i] = xn[i] - x[i];
      y[i] = gn[i] - g[i];
      sy += s[i] * y[i];
    }
    const double f_old = f;
    x = xn;
    f = fn;
    g = gn;
    if (sy > 1e-12) {  // BFGS update of the inverse Hessian: H <- (I - rho s y') H (I - rho y s') +
                       // rho s s'
      const double rho = 1 / sy;
      vec hy{};
      double yhy = 0;
      for (std::size_t i = 0; i < N; ++i) {
        for (std::size_t j = 0; j < N; ++j) hy[i] += h[i][j] * y[j];
        yhy += y[i] * hy[i];
      }
      for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < N; ++j)
          h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
    }
    if (std::abs(f_old - f) <= ftol * std::max({1.0, std::abs(f), std::abs(f_old)})) break;
  }
  return {x, f};
}

}  // namespace detail

/// Matern kernel with smoothness 5/2 at scaled distance r >= 0:
/// k(r) = (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r). k(0) = 1.
/// Source: Rasmussen & Williams, "Gaussian Processes for Machine Learning" (2006), eq. 4.17.
[[nodiscard]] inline double matern52(double r) noexcept {
  const double s5r = std::sqrt(5.0) * r;
  return (1 + s5r + s5r * s5r / 3) * std::exp(-s5r);
}

/// Hyper-parameters of `amplitude * matern52(|x - x'| / length_scale) + noise * [x == x']`.
struct gp_hyperparameters {
  double amplitude = 1.0;
  double length_scale = 1.0;
  double noise = 1.0;
};

/// Options of gaussian_process. Defaults are scikit-optimize's "GP" surrogate:
/// `ConstantKernel(1.0, (0.01, 1000)) * Matern(1.0, (0.01, 100), nu=2.5) + WhiteKernel(1.0,
/// (1e-5, 1e5))`, `normalize_y=True`, two random restarts of the hyper-parameter search.
struct gp_options {
  gp_hyperparameters initial{};  ///< first start of the hyper-parameter search
  double amplitude_min = 0.01, amplitude_max = 1000.0;
  double length_scale_min = 0.01, length_scale_max = 100.0;
  double noise_min = 1e-5, noise_max = 1e5;
  int restarts = 2;         ///< extra starts drawn log-uniformly inside the bounds
  bool normalize_y = true;  ///< fit on (y - mean) / std as scikit-learn >= 0.23 does
};

/// Mean and standard deviation of the latent function (noise excluded) at one point.
struct gp_prediction {
  double mean = 0;
  double std = 0;
};

/// Gaussian-process regression over one variable, as scikit-learn's GaussianProcessRegressor with
/// scikit-optimize's noise handling: the white-noise term is part of the training covariance but
/// not of the predicted standard deviation.
///
/// Kernel: k(x, x') = A * matern52(|x - x'| / l) + s * [x == x'] with (A, l, s) chosen by
/// maximising the log marginal likelihood
///   log p(y | X) = -y' K^-1 y / 2 - log det K / 2 - n log(2 pi) / 2
/// over log-parameters inside the bounds, from `initial` and from `restarts` points drawn
/// log-uniformly with the given seed (deterministic). Targets are standardised first when
/// `normalize_y` (a zero standard deviation counts as 1).
/// Source: Rasmussen & Williams (2006), algorithm 2.1 and eq. 5.9.
class gaussian_process {
 public:
  /// @throws lrs::invalid_argument if a bound is not > 0, a minimum exceeds its maximum, the
  ///         initial values are outside the bounds, or restarts < 0.
  explicit gaussian_process(gp_options options = {}) : options_(options) {
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
    detail::require_in_range(t, "initial.amplitude", options.initial.amplitude,
                             options.amplitude_min, options.amplitude_max);
    detail::require_in_range(t, "initial.length_scale", options.initial.length_scale,
                             options.length_scale_min, options.length_scale_max);
    detail::require_in_range(t, "initial.noise", options.initial.noise, options.noise_min,
                             options.noise_max);
    detail::require_non_negative(t, "restarts", options.restarts);
  }

  /// Fits the hyper-parameters by maximum marginal likelihood, then conditions on (x, y).
  /// @pre x.size() == y.size() >= 1, all values finite.
  /// @throws lrs::invalid_argument otherwise.
  void fit(const std::vector<double>& x, const std::vector<double>& y, std::uint64_t seed = 0) {
    set_data(x, y);
    const std::array<double, 3> lo{std::log(options_.amplitude_min),
                                   std::log(options_.length_scale_min),
                                   std::log(options_.noise_min)};
    const std::array<double, 3> hi{std::log(options_.amplitude_max),
                                   std::log(options_.length_scale_max),
                                   std::log(options_.noise_max)};
    auto nll = [&](const std::array<double, 3>& theta, std::array<double, 3>& grad) {
      return negative_log_likelihood({std::exp(theta[0]), std::exp(theta[1]), std::exp(theta[2])},
                                     &grad);
    };
    detail::splitmix64 rng(seed);
    std::array<double, 3> best_theta{std::log(options_.initial.amplitude),
                                     std::log(options_.initial.length_scale),
                                     std::log(options_.initial.noise)};
    double best = std::numeric_limits<double>::infinity();
    for (int run = 0; run <= options_.restarts; ++run) {
      std::array<double, 3> start = best_theta;
      if (run == 0) {
        start = {std::log(options_.initial.amplitude), std::log(options_.initial.length_scale),
                 std::log(options_.initial.noise)};
      } else {
        for (std::size_t i = 0; i < 3; ++i) start[i] = lo[i] + (hi[i] - lo[i]) * rng.uniform();
      }
      const auto [theta, f] = detail::minimize_in_box<3>(nll, start, lo, hi);
      if (f < best) {
        best = f;
        best_theta = theta;
      }
    }
    condition({std::exp(best_theta[0]), std::exp(best_theta[1]), std::exp(best_theta[2])});
  }

  /// Conditions on (x, y) with the given hyper-parameters (no search). noise may be 0.
  /// @throws lrs::invalid_argument on bad data, amplitude or length_scale <= 0, noise < 0, or a
  ///         covariance matrix that is not positive definite.
  void fit(const std::vector<double>& x, const std::vector<double>& y, gp_hyperparameters hp) {
    detail::require_positive("gaussian_process", "amplitude", hp.amplitude);
    detail::require_positive("gaussian_process", "length_scale", hp.length_scale);
    detail::require_non_negative("gaussian_process", "noise", hp.noise);
    set_data(x, y);
    condition(hp);
  }

  /// Log marginal likelihood of the (normalised) training targets under `hp`; -inf when the
  /// covariance is not positive definite. @pre fit() was called.
  [[nodiscard]] double log_marginal_likelihood(gp_hyperparameters hp) const {
    return -negative_log_likelihood(hp, nullptr);
  }

  /// Posterior mean and standard deviation of the latent function at x (noise-free).
  /// @pre fit() was called.
  [[nodiscard]] gp_prediction predict(double x) const {
    LRS_ASSERT(fitted_, "gaussian_process::predict before fit");
    const std::size_t n = x_.size();
    std::vector<double> k(n);
    double mean = 0;
    for (std::size_t i = 0; i < n; ++i) {
      k[i] = hp_.amplitude * matern52(std::abs(x - x_[i]) / hp_.length_scale);
      mean += k[i] * alpha_[i];
    }
    detail::forward_solve(l_, n, k);
    double vv = 0;
    for (double v : k) vv += v * v;
    const double var = std::max(0.0, hp_.amplitude - vv);
    return {y_mean_ + y_scale_ * mean, y_scale_ * std::sqrt(var)};
  }

  /// The fitted hyper-parameters (in normalised-target units).
  [[nodiscard]] const gp_hyperparameters& hyperparameters() const noexcept { return hp_; }
  [[nodiscard]] bool fitted() const noexcept { return fitted_; }

 private:
  void set_data(const std::vector<double>& x, const std::vector<double>& y) {
    const char* t = "gaussian_process";
    detail::require(x.size() == y.size(), t, "y.size()", "== x.size()", y.size());
    detail::require(!x.empty(), t, "x.size()", ">= 1", x.size());
    for (double v : x) detail::require_finite(t, "x", v);
    for (double v : y) detail::require_finite(t, "y", v);
    const std::size_t n = x.size();
    x_ = x;
    y_mean_ = 0;
    y_scale_ = 1;
    if (options_.normalize_y) {
      double m = 0;
      for (double v : y) m += v;
      m /= static_cast<double>(n);
      double var = 0;
      for (double v : y) var += (v - m) * (v - m);
      const double sd = std::sqrt(var / static_cast<double>(n));
      y_mean_ = m;
      // scikit-learn's _handle_zeros_in_scale: a (near-)zero scale counts as 1.
      y_scale_ = sd < 10 * std::numeric_limits<double>::epsilon() ? 1.0 : sd;
    }
    yn_.resize(n);
    for (std::size_t i = 0; i < n; ++i) yn_[i] = (y[i] - y_mean_) / y_scale_;
    fitted_ = false;
  }

  // Row-major n x n covariance of the training points, noise on the diagonal.
  [[nodiscard]] std::vector<double> covariance(const gp_hyperparameters& hp) const {
    const std::size_t n = x_.size();
    std::vector<double> k(n * n);
    for (std::size_t i = 0; i < n; ++i) {
      k[i * n + i] = hp.amplitude + hp.noise;
      for (std::size_t j = 0; j < i; ++j)
        k[i * n + j] = k[j * n + i] =
            hp.amplitude * matern52(std::abs(x_[i] - x_[j]) / hp.length_scale);
    }
    return k;
  }

  // -log p(y|X) and, when grad != nullptr, its gradient in (log A, log l, log s).
  double negative_log_likelihood(const gp_hyperparameters& hp, std::array<double, 3>* grad) const {
    const std::size_t n = x_.size();
    std::vector<double> l = covariance(hp);
    if (!detail::cholesky_in_place(l, n)) {
      if (grad) grad->fill(0.0);
      return std::numeric_limits<double>::infinity();
    }
    std::vector<double> alpha = yn_;
    detail::forward_solve(l, n, alpha);
    double fit_term = 0, log_det_half = 0;
    for (std::size_t i = 0; i < n; ++i) {
      fit_term += alpha[i] * alpha[i];
      log_det_half += std::log(l[i * n + i]);
    }
    detail::backward_solve(l, n, alpha);
    const double nll = 0.5 * fit_term + log_det_half +
                       0.5 * static_cast<double>(n) * std::log(2 * 3.141592653589793238462643);
    if (grad) {
      // d(-log p)/d theta_j = -tr((alpha alpha' - K^-1) dK/d theta_j) / 2; K^-1 column by column.
      std::vector<double> kinv(n * n), col(n);
      for (std::size_t j = 0; j < n; ++j) {
        std::fill(col.begin(), col.end(), 0.0);
        col[j] = 1;
        detail::forward_solve(l, n, col);
        detail::backward_solve(l, n, col);
        for (std::size_t i = 0; i < n; ++i) kinv[i * n + j] = col[i];
      }
      // Diagonal pairs: r = 0, matern = 1, no length-scale term; off-diagonal pairs twice.
      double g_amp = 0, g_len = 0, g_noise = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double wii = alpha[i] * alpha[i] - kinv[i * n + i];
        g_noise += wii;
        g_amp += wii;
        for (std::size_t j = 0; j < i; ++j) {
          const double w = 2 * (alpha[i] * alpha[j] - kinv[i * n + j]);
          const double r = std::abs(x_[i] - x_[j]) / hp.length_scale;
          const double s5r = std::sqrt(5.0) * r;
          const double e = std::exp(-s5r);
          g_amp += w * (1 + s5r + s5r * s5r / 3) * e;
          g_len += w * (5.0 / 3.0) * r * r * (1 + s5r) * e;
        }
      }
      (*grad)[0] = -0.5 * hp.amplitude * g_amp;
      (*grad)[1] = -0.5 * hp.amplitude * g_len;
      (*grad)[2] = -0.5 * hp.noise * g_noise;
    }
    return nll;
  }

  void condition(const gp_hyperparameters& hp) {
    std::vector<double> l = covariance(hp);
    if (!detail::cholesky_in_place(l, x_.size()))
      detail::throw_invalid("gaussian_process", "covariance", "positive definite (raise noise)",
                            hp.noise);
    l_ = std::move(l);
    hp_ = hp;
    alpha_ = yn_;
    detail::forward_solve(l_, x_.size(), alpha_);
    detail::backward_solve(l_, x_.size(), alpha_);
    fitted_ = true;
  }

  gp_options options_;
  gp_hyperparameters hp_{};
  std::vector<double> x_, yn_, alpha_, l_;
  double y_mean_ = 0, y_scale_ = 1;
  bool fitted_ = false;
};

/// Lower confidence bound mean(u) - kappa * std(u) of a fitted process.
[[nodiscard]] inline double lower_confidence_bound(const gaussian_process& gp, double u,
                                                   double kappa) {
  const gp_prediction p = gp.predict(u);
  return p.mean - kappa * p.std;
}

/// The point of [lo, hi] with the smallest lower confidence bound: the best of `grid` + 1 evenly
/// spaced points, refined by golden-section search between its neighbours (deterministic).
/// With a large kappa (AutoLRS uses 1e6) this is the point of largest posterior uncertainty.
/// @throws lrs::invalid_argument if kappa < 0, lo >= hi or grid < 2. @pre gp.fitted().
[[nodiscard]] inline double lcb_argmin(const gaussian_process& gp, double kappa, double lo = 0.0,
                                       double hi = 1.0, int grid = 512) {
  detail::require_non_negative("lcb_argmin", "kappa", kappa);
  detail::require_finite("lcb_argmin", "lo", lo);
  detail::require(hi > lo && std::isfinite(hi), "lcb_argmin", "hi", "finite and > lo", hi);
  detail::require(grid >= 2, "lcb_argmin", "grid", ">= 2", grid);
  auto acq = [&](double u) { return lower_confidence_bound(gp, u, kappa); };
  const double h = (hi - lo) / grid;
  int best_i = 0;
  double best = acq(lo);
  for (int i = 1; i <= grid; ++i) {
    const double v = acq(i == grid ? hi : lo + h * i);
    if (v < best) {
      best = v;
      best_i = i;
    }
  }
  const double a = std::max(lo, lo + h * (best_i - 1)), b = std::min(hi, lo + h * (best_i + 1));
  const auto m = detail::golden_section_min(acq, a, b, 1e-12 * (hi - lo), 60);
  return m.f < best ? m.x : (best_i == grid ? hi : lo + h * best_i);
}

}  // namespace lrs_before

#endif  // LRS_BEFORE_ANALYSIS_GAUSSIAN_PROCESS_HPP
