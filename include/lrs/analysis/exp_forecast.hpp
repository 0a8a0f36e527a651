// SPDX-License-Identifier: MIT
// AutoLRS's exponential loss forecaster: de-noise a loss series, fit a*exp(b*x)+c, extrapolate.
#ifndef LRS_ANALYSIS_EXP_FORECAST_HPP
#define LRS_ANALYSIS_EXP_FORECAST_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <vector>

#include <lrs/analysis/smoothing_spline.hpp>
#include <lrs/core/error.hpp>

namespace lrs {

/// y(x) = a * exp(b * x) + c, the AutoLRS loss model (b < 0: decay towards c).
struct exp_model {
  /// The amplitude: y(0) - c.
  double a = 0;
  /// The rate per unit of x (< 0 for a decay, as fitted by AutoLRS).
  double b = 0;
  /// The asymptote of a decay (b < 0): y as x grows.
  double c = 0;
  /// y(x) = a * exp(b * x) + c.
  [[nodiscard]] double operator()(double x) const noexcept { return a * std::exp(b * x) + c; }
};

/// Tolerances of the Nelder-Mead search over beta = log(-b) (scipy.optimize.fmin's xtol, ftol).
struct exp_fit_options {
  double xtol = 1e-5;  ///< absolute change of beta between iterations that stops (fmin xtol)
  double ftol = 1e-5;  ///< absolute change of the squared error that stops (fmin ftol)

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = exp_fit_options{}.with_xtol(...)`); they do not validate, the function taking
  // the options does.
  /// Sets `xtol` (see the field); returns *this for chaining.
  constexpr exp_fit_options& with_xtol(double v) noexcept {
    xtol = v;
    return *this;
  }
  /// Sets `ftol` (see the field); returns *this for chaining.
  constexpr exp_fit_options& with_ftol(double v) noexcept {
    ftol = v;
    return *this;
  }
};

namespace detail {

// Least squares y ~ a*e + c for fixed column e; returns the residual sum of squares. A constant
// column (rank 1) gives a = 0, c = mean(y), as numpy's lstsq minimum-norm solution would
// approximately; AutoLRS's search never goes there.
inline double exp_linear_fit(const std::vector<double>& e, const std::vector<double>& y, double& a,
                             double& c) {
  const double n = static_cast<double>(y.size());
  const double me = std::accumulate(e.begin(), e.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double see = 0, sey = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    see += (e[i] - me) * (e[i] - me);
    sey += (e[i] - me) * (y[i] - my);
  }
  double emax = 0;
  for (double v : e) emax = std::max(emax, std::abs(v));
  if (!(see > 1e-26 * std::max(1.0, emax * emax) * n)) {
    a = 0;
  } else {
    a = sey / see;
  }
  c = my - a * me;
  double rss = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double r = y[i] - a * e[i] - c;
    rss += r * r;
  }
  return rss;
}

inline double exp_rss(double beta, const std::vector<double>& x, const std::vector<double>& y,
                      double& a, double& c) {
  const double rate = std::exp(beta);
  std::vector<double> e(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) e[i] = std::exp(-rate * x[i]);
  return exp_linear_fit(e, y, a, c);
}

/// scipy.optimize.fmin (Nelder-Mead) in one dimension, step for step: initial simplex
/// {x0, x0 * 1.05} (or {0, 0.00025} when x0 == 0), reflection 1, expansion 2, contraction 0.5,
/// shrink 0.5, stop when both |x_i - x_best| <= xtol and |f_i - f_best| <= ftol, at most 200
/// iterations and 200 evaluations.
template <class F>
double nelder_mead_1d(F&& f, double x0, double xtol, double ftol) {
  std::array<double, 2> sim{x0, x0 != 0 ? 1.05 * x0 : 0.00025};
  std::array<double, 2> fs{f(sim[0]), f(sim[1])};
  int calls = 2;
  auto sort = [&] {
    if (fs[1] < fs[0]) {
      std::swap(sim[0], sim[1]);
      std::swap(fs[0], fs[1]);
    }
  };
  sort();
  for (int iterations = 1; calls < 200 && iterations < 200; ++iterations) {
    if (std::abs(sim[1] - sim[0]) <= xtol && std::abs(fs[0] - fs[1]) <= ftol) break;
    const double xbar = sim[0];
    const double xr = 2 * xbar - sim[1];
    const double fxr = f(xr);
    ++calls;
    if (fxr < fs[0]) {
      const double xe = 3 * xbar - 2 * sim[1];
      const double fxe = f(xe);
      ++calls;
      if (fxe < fxr) {
        sim[1] = xe;
        fs[1] = fxe;
      } else {
        sim[1] = xr;
        fs[1] = fxr;
      }
    } else {
      // With one dimension fsim[-2] is fsim[0], so the "fxr < fsim[-2]" branch cannot be taken.
      bool shrink = false;
      if (fxr < fs[1]) {
        const double xc = 1.5 * xbar - 0.5 * sim[1];
        const double fxc = f(xc);
        ++calls;
        if (fxc <= fxr) {
          sim[1] = xc;
          fs[1] = fxc;
        } else {
          shrink = true;
        }
      } else {
        const double xcc = 0.5 * xbar + 0.5 * sim[1];
        const double fxcc = f(xcc);
        ++calls;
        if (fxcc < fs[1]) {
          sim[1] = xcc;
          fs[1] = fxcc;
        } else {
          shrink = true;
        }
      }
      if (shrink) {
        sim[1] = sim[0] + 0.5 * (sim[1] - sim[0]);
        fs[1] = f(sim[1]);
        ++calls;
      }
    }
    sort();
  }
  return sim[0];
}

// AutoLRS's de-noising spline: scipy.interpolate.UnivariateSpline(x, y, k=2) with its default
// smoothing factor s = len(x), evaluated at `at`.
inline std::vector<double> denoising_spline(const std::vector<double>& x,
                                            const std::vector<double>& y,
                                            const std::vector<double>& at) {
  smoothing_spline_options options;
  options.degree = 2;
  return fit_smoothing_spline(x, y, options)(at);
}

inline bool all_finite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

}  // namespace detail

/// Fits y ~ a * exp(b * x) + c with b = -exp(beta): beta by Nelder-Mead from 0 on the residual of
/// the linear least-squares fit of (a, c), then (a, c) by least squares at that beta. No
/// de-noising. Source: AutoLRS (Jin et al., ICLR 2021), `exp_forecast` in the authors' server.
/// @pre x.size() == y.size() >= 2, all finite.
/// @throws lrs::invalid_argument otherwise, or on non-positive tolerances.
[[nodiscard]] inline exp_model fit_exponential(const std::vector<double>& x,
                                               const std::vector<double>& y,
                                               exp_fit_options options = {}) {
  const char* t = "fit_exponential";
  detail::require(x.size() == y.size(), t, "y.size()", "== x.size()", y.size());
  detail::require(x.size() >= 2, t, "x.size()", ">= 2", x.size());
  detail::require(detail::all_finite(x), t, "x", "all finite", "a non-finite value");
  detail::require(detail::all_finite(y), t, "y", "all finite", "a non-finite value");
  detail::require_positive(t, "xtol", options.xtol);
  detail::require_positive(t, "ftol", options.ftol);
  double a = 0, c = 0;
  const double beta = detail::nelder_mead_1d(
      [&](double bt) { return detail::exp_rss(bt, x, y, a, c); }, 0.0, options.xtol, options.ftol);
  detail::exp_rss(beta, x, y, a, c);
  return {a, -std::exp(beta), c};
}

/// AutoLRS's de-noising of a loss series y_0..y_{n-1} (x = 0..n-1), returning the smoothed
/// series at every x. Each pass fits SciPy's UnivariateSpline(k=2, s=m) to the m surviving points
/// (fit_smoothing_spline: FITPACK's smoothing spline with residual sum of squares m, or the
/// least-squares quadratic when its residual is already <= m) and drops the points with the
/// largest |residual| among those whose position in the surviving series is below x[(n-1)/2]:
/// training loss, 10 passes of round(0.03 m) points (round half to even); validation loss, one
/// pass of the single largest. Then the spline through the survivors is evaluated at every x.
/// When round(0.03 m) is 0 (m <= 16) no point is dropped (the authors' slice [-0:] would drop
/// every early point and leave too few for the next spline).
/// Source: `spline_iter` and `exp_forecast` in the authors' autolrs_server.py.
/// @pre y.size() >= 3, all finite. @throws lrs::invalid_argument otherwise.
[[nodiscard]] inline std::vector<double> denoise_loss_series(const std::vector<double>& y,
                                                             bool training = true) {
  const char* t = "denoise_loss_series";
  detail::require(y.size() >= 3, t, "y.size()", ">= 3", y.size());
  detail::require(detail::all_finite(y), t, "y", "all finite", "a non-finite value");
  const std::size_t n0 = y.size();
  std::vector<double> xs(n0);
  std::iota(xs.begin(), xs.end(), 0.0);
  const double bound = xs[(n0 - 1) / 2];
  std::vector<double> kx = xs, ky = y;
  const int passes = training ? 10 : 1;
  for (int pass = 0; pass < passes; ++pass) {
    const std::vector<double> fit = detail::denoising_spline(kx, ky, kx);
    const std::size_t m = kx.size();
    std::vector<double> dev(m);
    for (std::size_t i = 0; i < m; ++i) dev[i] = std::abs(ky[i] - fit[i]);
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t i, std::size_t j) { return dev[i] < dev[j]; });
    std::size_t worst = 1;
    if (training) {
      const double r = -std::nearbyint(-static_cast<double>(m) * 0.03);
      worst = r > 0 ? static_cast<std::size_t>(r) : 0;
    }
    worst = std::min(worst, m);
    std::vector<bool> drop(m, false);
    for (std::size_t k = m - worst; k < m; ++k)
      if (static_cast<double>(order[k]) < bound) drop[order[k]] = true;
    std::vector<double> nx, ny;
    for (std::size_t i = 0; i < m; ++i)
      if (!drop[i]) {
        nx.push_back(kx[i]);
        ny.push_back(ky[i]);
      }
    if (nx.size() < 3) break;  // keep enough points for a spline of degree 2
    kx.swap(nx);
    ky.swap(ny);
  }
  return detail::denoising_spline(kx, ky, xs);
}

/// Largest |loss| the forecaster attempts to fit: the least squares behind the spline and the
/// exponential fit square and sum the losses, which overflow past about 1e154. Closer to this
/// bound a fit may still overflow; its forecast is then NaN too (see exp_forecast_model).
inline constexpr double exp_forecast_max_abs_loss = 1e150;

/// The AutoLRS forecaster: de-noises `losses` (see denoise_loss_series), fits the exponential
/// model on x = 0..n-1 (see fit_exponential) and returns it. A series with a NaN or infinite
/// value, or a value beyond exp_forecast_max_abs_loss in magnitude (whose squares overflow),
/// gives a model of NaNs, as does a fit whose result is not finite; the controller scores such
/// a forecast as the authors' code scores a NaN one, 1e6.
/// @pre losses.size() >= 3. @throws lrs::invalid_argument otherwise.
[[nodiscard]] inline exp_model exp_forecast_model(const std::vector<double>& losses,
                                                  bool training = true,
                                                  exp_fit_options options = {}) {
  detail::require(losses.size() >= 3, "exp_forecast", "losses.size()", ">= 3", losses.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const exp_model none{nan, nan, nan};
  const bool in_range = std::all_of(losses.begin(), losses.end(), [](double y) {
    return std::isfinite(y) && std::abs(y) <= exp_forecast_max_abs_loss;
  });
  if (!in_range) return none;
  std::vector<double> xs(losses.size());
  std::iota(xs.begin(), xs.end(), 0.0);
  const std::vector<double> smooth = denoise_loss_series(losses, training);
  if (!detail::all_finite(smooth)) return none;
  const exp_model m = fit_exponential(xs, smooth, options);
  if (!(std::isfinite(m.a) && std::isfinite(m.b) && std::isfinite(m.c))) return none;
  return m;
}

/// The forecast loss at index `at` (counted from the first loss of the series): the model of
/// exp_forecast_model evaluated there. NaN when the series has a non-finite value.
[[nodiscard]] inline double exp_forecast(const std::vector<double>& losses, double at,
                                         bool training = true, exp_fit_options options = {}) {
  return exp_forecast_model(losses, training, options)(at);
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_EXP_FORECAST_HPP
