// SPDX-License-Identifier: MIT
// One-variable Gaussian process (amplitude x Matern-5/2 + white noise) and its LCB acquisition.
#ifndef LRS_ANALYSIS_GAUSSIAN_PROCESS_HPP
#define LRS_ANALYSIS_GAUSSIAN_PROCESS_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <lrs/analysis/detail/golden_section.hpp>
#include <lrs/config.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>

namespace lrs {

/// Matern kernel with smoothness 5/2 at scaled distance r >= 0:
/// k(r) = (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r). k(0) = 1.
/// Source: Rasmussen & Williams, "Gaussian Processes for Machine Learning" (2006), eq. 4.17.
[[nodiscard]] inline double matern52(double r) noexcept {
  const double s5r = std::sqrt(5.0) * r;
  return (1 + s5r + s5r * s5r / 3) * std::exp(-s5r);
}

/// Hyper-parameters of `amplitude * matern52(|x - x'| / length_scale) + noise * [x == x']`.
struct gp_hyperparameters {
  /// The signal variance (ConstantKernel's constant, > 0), in squared normalised-target units.
  double amplitude = 1.0;
  /// Matern's length scale (> 0), in the units of x.
  double length_scale = 1.0;
  /// WhiteKernel's noise level (>= 0): a variance added on the diagonal of the training covariance.
  double noise = 1.0;
};

/// How gaussian_process normalises its targets before fitting (and undoes it when predicting).
enum class gp_normalization {
  none,            ///< y as given (scikit-learn's normalize_y=False)
  mean,            ///< y - mean(y): normalize_y=True in scikit-learn <= 0.22, as the AutoLRS
                   ///< authors pinned (0.21.3)
  mean_and_scale,  ///< (y - mean(y)) / std(y): normalize_y=True in scikit-learn >= 0.23
};

/// The names of the target normalisations: "none", "mean", "mean_and_scale".
template <>
struct enum_names<gp_normalization> {
  /// The table read by name_of and parse_enum.
  static constexpr enum_name<gp_normalization> table[] = {
      {gp_normalization::none, "none"},
      {gp_normalization::mean, "mean"},
      {gp_normalization::mean_and_scale, "mean_and_scale"}};
};

/// Options of gaussian_process. Defaults are scikit-optimize's "GP" surrogate:
/// `ConstantKernel(1.0, (0.01, 1000)) * Matern(1.0, (0.01, 100), nu=2.5) + WhiteKernel(1.0,
/// (1e-5, 1e5))`, `normalize_y=True` (with current scikit-learn's meaning), two random restarts of
/// the hyper-parameter search.
struct gp_options {
  gp_hyperparameters initial{};     ///< first start of the hyper-parameter search
  double amplitude_min = 0.01;      ///< lower bound of the kernel amplitude (ConstantKernel), > 0
  double amplitude_max = 1000.0;    ///< upper bound of the kernel amplitude, >= amplitude_min
  double length_scale_min = 0.01;   ///< lower bound of the Matern length scale, > 0
  double length_scale_max = 100.0;  ///< upper bound of the length scale, >= length_scale_min
  double noise_min = 1e-5;          ///< lower bound of the white-noise level (WhiteKernel), > 0
  double noise_max = 1e5;           ///< upper bound of the noise level, >= noise_min
  int restarts = 2;                 ///< extra starts drawn log-uniformly inside the bounds
  gp_normalization normalization = gp_normalization::mean_and_scale;  ///< of the targets

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = gp_options{}.with_initial(...)`); they do not validate, the function taking the
  // options does.
  /// Sets `initial` (see the field); returns *this for chaining.
  constexpr gp_options& with_initial(gp_hyperparameters v) noexcept {
    initial = v;
    return *this;
  }
  /// Sets `amplitude_min` (see the field); returns *this for chaining.
  constexpr gp_options& with_amplitude_min(double v) noexcept {
    amplitude_min = v;
    return *this;
  }
  /// Sets `amplitude_max` (see the field); returns *this for chaining.
  constexpr gp_options& with_amplitude_max(double v) noexcept {
    amplitude_max = v;
    return *this;
  }
  /// Sets `length_scale_min` (see the field); returns *this for chaining.
  constexpr gp_options& with_length_scale_min(double v) noexcept {
    length_scale_min = v;
    return *this;
  }
  /// Sets `length_scale_max` (see the field); returns *this for chaining.
  constexpr gp_options& with_length_scale_max(double v) noexcept {
    length_scale_max = v;
    return *this;
  }
  /// Sets `noise_min` (see the field); returns *this for chaining.
  constexpr gp_options& with_noise_min(double v) noexcept {
    noise_min = v;
    return *this;
  }
  /// Sets `noise_max` (see the field); returns *this for chaining.
  constexpr gp_options& with_noise_max(double v) noexcept {
    noise_max = v;
    return *this;
  }
  /// Sets `restarts` (see the field); returns *this for chaining.
  constexpr gp_options& with_restarts(int v) noexcept {
    restarts = v;
    return *this;
  }
  /// Sets `normalization` (see the field); returns *this for chaining.
  constexpr gp_options& with_normalization(gp_normalization v) noexcept {
    normalization = v;
    return *this;
  }
};

/// Mean and standard deviation of the latent function (noise excluded) at one point.
struct gp_prediction {
  /// The posterior mean at the point, in the units of the targets y.
  double mean = 0;
  /// The posterior standard deviation of the latent function (noise excluded), in the units of y.
  double std = 0;
};

/// Gaussian-process regression over one variable, as scikit-learn's GaussianProcessRegressor with
/// scikit-optimize's noise handling: the white-noise term is part of the training covariance but
/// not of the predicted standard deviation.
///
/// Kernel: k(x, x') = A * matern52(|x - x'| / l) + s * [x == x'] with (A, l, s) chosen by
/// maximising the log marginal likelihood
///   log p(y | X) = -y' K^-1 y / 2 - log det K / 2 - n log(2 pi) / 2
/// over log-parameters inside the bounds with L-BFGS-B (LBFGSpp; scipy's fmin_l_bfgs_b defaults
/// pgtol 1e-5, factr 1e7), from `initial` and from `restarts` points drawn log-uniformly with the
/// given seed (deterministic). Targets are normalised first as `normalization` says (a zero
/// standard deviation counts as 1).
/// Source: Rasmussen & Williams (2006), algorithm 2.1 and eq. 5.9.
/// Use it as lrs::gaussian_process (basic_gaussian_process<>): a class template of one defaulted
/// parameter only so that a unit that includes this header without using it does not compile the
/// search (config.hpp).
template <class = void>
class basic_gaussian_process {
 public:
  /// @throws lrs::invalid_argument if a bound is not > 0, a minimum exceeds its maximum, the
  ///         initial values are outside the bounds, or restarts < 0.
  explicit basic_gaussian_process(gp_options options = {});

  /// Fits the hyper-parameters by maximum marginal likelihood, then conditions on (x, y).
  /// @pre x.size() == y.size() >= 1, all values finite.
  /// @throws lrs::invalid_argument otherwise.
  void fit(const std::vector<double>& x, const std::vector<double>& y, std::uint64_t seed = 0);

  /// Conditions on (x, y) with the given hyper-parameters (no search). noise may be 0.
  /// @throws lrs::invalid_argument on bad data, amplitude or length_scale <= 0, noise < 0, or a
  ///         covariance matrix that is not positive definite.
  void fit(const std::vector<double>& x, const std::vector<double>& y, gp_hyperparameters hp);

  /// Log marginal likelihood of the (normalised) training targets under `hp`; -inf when the
  /// covariance is not positive definite. @pre fit() was called.
  [[nodiscard]] double log_marginal_likelihood(gp_hyperparameters hp) const {
    return -negative_log_likelihood(hp, nullptr);
  }

  /// Posterior mean and standard deviation of the latent function at x (noise-free).
  /// @pre fit() was called.
  [[nodiscard]] gp_prediction predict(double x) const;

  /// The fitted hyper-parameters (in normalised-target units).
  [[nodiscard]] const gp_hyperparameters& hyperparameters() const noexcept { return hp_; }
  /// True after a successful fit() (a fit that throws leaves it false); predict() requires it.
  [[nodiscard]] bool fitted() const noexcept { return fitted_; }

 private:
  void set_data(const std::vector<double>& x, const std::vector<double>& y);

  // Covariance of the training points, noise on the diagonal.
  [[nodiscard]] Eigen::MatrixXd covariance(const gp_hyperparameters& hp) const;

  // -log p(y|X) and, when grad != nullptr, its gradient in (log A, log l, log s).
  double negative_log_likelihood(const gp_hyperparameters& hp, std::array<double, 3>* grad) const;

  void condition(const gp_hyperparameters& hp);

  gp_options options_;
  gp_hyperparameters hp_{};
  Eigen::VectorXd x_, yn_, alpha_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  double y_mean_ = 0, y_scale_ = 1;
  bool fitted_ = false;
};

/// The Gaussian-process surrogate of AutoLRS (basic_gaussian_process).
using gaussian_process = basic_gaussian_process<>;

#if defined(LRS_COMPILED)
// Compiled once, in lrs_compiled (src/gaussian_process.cpp).
extern template class basic_gaussian_process<void>;
#endif

/// Lower confidence bound mean(u) - kappa * std(u) of a fitted process.
template <class T>
[[nodiscard]] double lower_confidence_bound(const basic_gaussian_process<T>& gp, double u,
                                            double kappa) {
  const gp_prediction p = gp.predict(u);
  return p.mean - kappa * p.std;
}

/// The point of [lo, hi] with the smallest lower confidence bound: the best of `grid` + 1 evenly
/// spaced points, refined by golden-section search between its neighbours (deterministic).
/// With a large kappa (AutoLRS uses 1e6) this is the point of largest posterior uncertainty.
/// @throws lrs::invalid_argument if kappa < 0, lo >= hi or grid < 2. @pre gp.fitted().
template <class T>
[[nodiscard]] double lcb_argmin(const basic_gaussian_process<T>& gp, double kappa, double lo = 0.0,
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

}  // namespace lrs

#if LRS_DEFINITIONS
#include <lrs/analysis/gaussian_process_impl.hpp>
#endif

#endif  // LRS_ANALYSIS_GAUSSIAN_PROCESS_HPP
