// SPDX-License-Identifier: MIT
// lrs::refine: a schedule refined from the gradient norms of a previous run (Defazio et al.).
#ifndef LRS_ANALYSIS_REFINEMENT_HPP
#define LRS_ANALYSIS_REFINEMENT_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/analysis/detail/median_filter.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/state.hpp>
#include <lrs/core/types.hpp>
#include <lrs/schedules/budgeted.hpp>

namespace lrs {

/// How the smoothed gradient norm g_t becomes the weight w_t of step t.
enum class refine_weighting {
  sgd,  ///< w_t = g_t^-2, g the L2 norm of the gradient (SGD and its momentum variants).
  adam  ///< w_t = g_t^-1, g the L1 norm of the gradient (Adam and other coordinate-wise methods).
};

/// Options of lrs::refine.
template <class T = double>
struct refine_options {
  /// Median-filter smoothing: odd width `2*floor(floor(tau*n)/2) + 1` over n recorded norms;
  /// tau*n < 2 means no smoothing. @pre 0 <= tau <= 1.
  T tau = T(0.1);
  /// How a norm becomes a weight: `sgd` (w_t = g_t^-2, L2 norms) or `adam` (w_t = g_t^-1, L1
  /// norms); see refine_weighting.
  refine_weighting weighting = refine_weighting::sgd;
  /// Floor for zero or tiny norms: after smoothing, every norm below
  /// `min_norm_ratio * max_t g_t` is raised to that value, so a zero norm gives a large finite
  /// weight instead of an infinite one. If every smoothed norm is 0, all weights are equal (the
  /// result is linear decay). @pre 0 < min_norm_ratio <= 1.
  T min_norm_ratio = T(1e-6);
  /// Peak learning rate: the schedule is peak * profile. @pre peak >= 0, finite.
  T peak = T(1);
  /// Number of steps of the schedule; 0 means the recorded number of steps. @pre budget >= 0.
  step_t budget = 0;
  /// The authors' resampling (visual.py, `nvals`, 10000 there). 0 (default): lrs's reading, the
  /// n recorded norms are smoothed and refined as they are, with a filter width from tau*n. N > 0:
  /// as visual.py with nvals = N: a run shorter than N is first linearly interpolated to N points
  /// (np.interp over np.linspace(0, 1, .)); the filter width is 2*floor(floor(tau*N)/2) + 1
  /// whatever the run's length (1001 for tau = 0.1 and N = 10000); the smoothed norms are
  /// interpolated to N points, and the profile has N values. @pre resample_points == 0 or >= 2.
  step_t resample_points = 0;

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = refine_options<>{}.with_tau(...)`); they do not validate, the function taking
  // the options does.
  /// Sets `tau` (see the field); returns *this for chaining.
  constexpr refine_options& with_tau(T v) noexcept {
    tau = v;
    return *this;
  }
  /// Sets `weighting` (see the field); returns *this for chaining.
  constexpr refine_options& with_weighting(refine_weighting v) noexcept {
    weighting = v;
    return *this;
  }
  /// Sets `min_norm_ratio` (see the field); returns *this for chaining.
  constexpr refine_options& with_min_norm_ratio(T v) noexcept {
    min_norm_ratio = v;
    return *this;
  }
  /// Sets `peak` (see the field); returns *this for chaining.
  constexpr refine_options& with_peak(T v) noexcept {
    peak = v;
    return *this;
  }
  /// Sets `budget` (see the field); returns *this for chaining.
  constexpr refine_options& with_budget(step_t v) noexcept {
    budget = v;
    return *this;
  }
  /// Sets `resample_points` (see the field); returns *this for chaining.
  constexpr refine_options& with_resample_points(step_t v) noexcept {
    resample_points = v;
    return *this;
  }
};

/// The refined profile: a copyable callable `T(T z)` on the budget fraction z in [0, 1].
///
/// Holds the normalised refined values p_0..p_{n-1} of the n recorded steps (peak 1, p_{n-1} = 0)
/// at the knots z_t = t / n, and interpolates linearly between them; between z = (n-1)/n and 1 it
/// is 0. So a schedule over the recorded budget n gives exactly p_t at step t, and one over another
/// budget B gives p(t / B). Copies share the immutable values.
template <class T = double>
class refined_profile {
  static_assert(std::is_floating_point_v<T>, "refined_profile<T>: T must be floating point");

 public:
  /// The value type T of the profile, what operator() returns.
  using value_type = T;

  /// Wraps precomputed values. @throws lrs::invalid_argument if fewer than 2 values, or a value is
  /// not finite or outside [0, 1].
  explicit refined_profile(std::vector<T> values)
      : values_(std::make_shared<const std::vector<T>>(std::move(values))) {
    detail::require(values_->size() >= 2, "refined_profile", "number of values", ">= 2",
                    values_->size());
    for (const T v : *values_) detail::require_in_range("refined_profile", "value", v, T(0), T(1));
  }

  /// p(z), linearly interpolated. A z*n within a few rounding errors of a whole number t is taken
  /// as t, so that z = t/n computed in floating point (as lrs::budgeted does) returns p_t exactly.
  /// @pre 0 <= z <= 1 (z > 1 gives 0, z < 0 gives p_0).
  [[nodiscard]] T operator()(T z) const noexcept {
    LRS_ASSERT(z >= T(0) && z <= T(1), "lrs::refined_profile: z must be in [0, 1]");
    const std::vector<T>& p = *values_;
    T x = std::max(z, T(0)) * static_cast<T>(p.size());
    const T knot = std::round(x);
    if (std::fabs(x - knot) <= T(8) * std::numeric_limits<T>::epsilon() * knot) x = knot;
    if (!(x < static_cast<T>(p.size() - 1))) return T(0);
    const auto i = static_cast<std::size_t>(x);
    const T frac = x - static_cast<T>(i);
    return frac == T(0) ? p[i] : p[i] + (p[i + 1] - p[i]) * frac;
  }

  /// The recorded-budget values p_0..p_{n-1}.
  [[nodiscard]] const std::vector<T>& values() const noexcept { return *values_; }
  /// The number of recorded steps n.
  [[nodiscard]] step_t size() const noexcept { return static_cast<step_t>(values_->size()); }

 private:
  std::shared_ptr<const std::vector<T>> values_;
};

/// A schedule refined from gradient norms: lrs::budgeted over a refined_profile, so
/// lr(t) = peak * p(t / budget) for t < budget and 0 after. Build one over another budget, or with
/// a warmup or a floor, as `lrs::budgeted(peak, s.profile(), new_budget, options)`.
template <class T = double>
using refined_schedule = budgeted<refined_profile<T>, T>;

namespace detail {

inline void validate_refine_input(std::size_t n, double tau, double min_norm_ratio) {
  require(n >= 2, "refine", "number of recorded steps", ">= 2", n);
  require_in_range("refine", "tau", tau, 0.0, 1.0);
  require_in_range("refine", "min_norm_ratio", min_norm_ratio, 0.0, 1.0, true, false);
}

/// The refined values p_0..p_{n-1} (peak 1) of norms g[0..n), computed in double:
/// smooth, floor, weigh, w_t * sum_{p > t} w_p with a compensated suffix sum, normalise.
inline std::vector<double> refine_values(std::vector<double> g, double tau,
                                         refine_weighting weighting, double min_norm_ratio) {
  const std::size_t n = g.size();
  const std::size_t width = refinement_filter_width(tau, n);
  if (width > 1) g = refinement_median_filter(g.data(), n, width);
  const double gmax = *std::max_element(g.begin(), g.end());
  // Weights on norms relative to the largest one: invariant to the norms' scale, never overflow.
  std::vector<double>& w = g;
  for (double& x : w) {
    if (gmax == 0.0) {
      x = 1.0;
      continue;
    }
    const double r = std::max(x / gmax, min_norm_ratio);
    x = weighting == refine_weighting::sgd ? 1.0 / (r * r) : 1.0 / r;
  }
  // eta_t = w_t * S_{t+1}, S_{t+1} = sum_{p=t+1}^{n-1} w_p (Neumaier-compensated, from the end).
  std::vector<double> eta(n);
  double sum = 0.0, comp = 0.0, peak = 0.0;
  for (std::size_t k = n; k-- > 0;) {
    eta[k] = w[k] * (sum + comp);
    peak = std::max(peak, eta[k]);
    const double t = sum + w[k];
    comp += std::fabs(sum) >= std::fabs(w[k]) ? (sum - t) + w[k] : (w[k] - t) + sum;
    sum = t;
  }
  for (double& e : eta) e /= peak;  // peak > 0: eta_0 = w_0 * S_1 > 0 for n >= 2
  return eta;
}

/// np.interp(np.linspace(0, 1, m), np.linspace(0, 1, n), y): the resampling of the refinement
/// authors' visual.py. @pre y.size() >= 2, m >= 2.
inline std::vector<double> refinement_resample(const std::vector<double>& y, std::size_t m) {
  const std::size_t n = y.size();
  if (n == m) return y;
  // np.linspace: i * (1 / (num - 1)), the last point exactly 1.
  const auto grid = [](std::size_t num, std::size_t i) {
    return i + 1 == num ? 1.0 : static_cast<double>(i) * (1.0 / static_cast<double>(num - 1));
  };
  std::vector<double> out(m);
  std::size_t j = 0;
  for (std::size_t k = 0; k < m; ++k) {
    const double x = grid(m, k);
    while (j + 2 < n && grid(n, j + 1) <= x) ++j;
    const double x0 = grid(n, j), x1 = grid(n, j + 1);
    if (x >= 1.0) {
      out[k] = y[n - 1];
    } else if (x == x0) {
      out[k] = y[j];
    } else {
      out[k] = (y[j + 1] - y[j]) / (x1 - x0) * (x - x0) + y[j];  // np.interp's slope form
    }
  }
  return out;
}

}  // namespace detail

/// Refines a learning-rate schedule from the per-step gradient norms of a previous run.
///
/// Defazio, Cutkosky, Mehta, Mishchenko, "When, Why and How Much? Adaptive Learning Rate
/// Scheduling by Refinement" (arXiv:2310.07831), closed form of the authors' code
/// (facebookresearch/adaptive_scheduling, find_schedule.py and visual.py):
///  1. smooth the n norms with a median filter of odd width 2*floor(floor(tau*n)/2) + 1, the start
///     edge-replicated and the end reflect-padded (scipy.ndimage.median_filter after
///     np.pad(mode='reflect'));
///  2. floor them at min_norm_ratio * max (see refine_options) and weigh: w_t = g_t^-2 (sgd, L2
///     norms) or w_t = g_t^-1 (adam, L1 norms);
///  3. eta_t = w_t * sum_{p=t+1}^{n-1} w_p, so eta_{n-1} = 0;
///  4. normalise to a peak of 1.
/// The filter width follows tau times the run's length n; options.resample_points = 10000
/// reproduces the authors' visual.py instead (a width of 1001 for any run length, see
/// refine_options).
/// Constant norms give linear decay (n-1-t)/(n-1); large early norms give a warm-up; norms rising
/// at the end give a faster final anneal. O(n log w) time for the filter, O(n) for the rest.
///
/// @returns peak * p(t / budget) as a schedule (refined_schedule, an lrs::budgeted), the budget
/// being the recorded number of steps unless options.budget says otherwise.
/// @throws lrs::invalid_argument if fewer than 2 norms, a norm is negative or not finite, tau is
/// outside [0, 1], min_norm_ratio outside (0, 1], peak negative or not finite, budget < 0, or
/// resample_points 1 or negative.
template <class T>
[[nodiscard]] refined_schedule<T> refine(const std::vector<T>& norms,
                                         const refine_options<T>& options = {}) {
  static_assert(std::is_floating_point_v<T>, "lrs::refine: norms must be floating point");
  detail::validate_refine_input(norms.size(), static_cast<double>(options.tau),
                                static_cast<double>(options.min_norm_ratio));
  detail::require_non_negative("refine", "peak", options.peak);
  detail::require_non_negative("refine", "budget", options.budget);
  detail::require(options.resample_points == 0 || options.resample_points >= 2, "refine",
                  "resample_points", "0 or >= 2", options.resample_points);
  std::vector<double> g(norms.size());
  for (std::size_t t = 0; t < norms.size(); ++t) {
    if (!std::isfinite(norms[t]) || norms[t] < T(0)) {
      detail::throw_invalid("refine", "norms[" + std::to_string(t) + "]", "finite and >= 0",
                            norms[t]);
    }
    g[t] = static_cast<double>(norms[t]);
  }
  double tau = static_cast<double>(options.tau);
  if (options.resample_points > 0) {
    // visual.py: interpolate up to N points, filter with the width of N points, resample to N.
    const auto m = static_cast<std::size_t>(options.resample_points);
    if (g.size() < m) g = detail::refinement_resample(g, m);
    const std::size_t width = detail::refinement_filter_width(tau, m);
    if (width > 1) g = detail::refinement_median_filter(g.data(), g.size(), width);
    g = detail::refinement_resample(g, m);
    tau = 0.0;  // smoothed already
  }
  const std::vector<double> p = detail::refine_values(std::move(g), tau, options.weighting,
                                                      static_cast<double>(options.min_norm_ratio));
  std::vector<T> values(p.size());
  std::transform(p.begin(), p.end(), values.begin(), [](double v) { return static_cast<T>(v); });
  const step_t budget = options.budget == 0 ? static_cast<step_t>(norms.size()) : options.budget;
  return refined_schedule<T>(options.peak, refined_profile<T>(std::move(values)), budget);
}

/// Which norm of the gradient a grad_norm_recorder keeps.
enum class grad_norm_kind {
  l2,  ///< Euclidean norm, for refine_weighting::sgd.
  l1   ///< Sum of absolute values, for refine_weighting::adam.
};

/// Records the gradient norm of each optimizer step, for lrs::refine.
///
/// Feed it by hand (`record(norm)`) or with the step result of an lrs optimizer (`record(info)`
/// reads `info.grad_l2` or `info.grad_l1`). A resumed run restores it with load_state (or reads a
/// CSV with lrs::load_grad_norms from <lrs/io/grad_norms.hpp>) and keeps recording: steps
/// continue from the number loaded.
class grad_norm_recorder {
 public:
  /// An empty recorder that keeps the `kind` norm of each step (l2 for SGD, l1 for Adam).
  explicit grad_norm_recorder(grad_norm_kind kind = grad_norm_kind::l2) : kind_(kind) {}

  /// Appends the norm of step steps(). @throws lrs::invalid_argument if norm < 0 or not finite.
  void record(double norm) {
    if (!(std::isfinite(norm) && norm >= 0.0)) {
      detail::throw_invalid("grad_norm_recorder", "grad_norm of step " + std::to_string(steps()),
                            "finite and >= 0", norm);
    }
    norms_.push_back(norm);
  }

  /// Appends `info.grad_l2` or `info.grad_l1` (by kind()), e.g. the result of an optimizer's step.
  template <class Info, class = decltype(std::declval<const Info&>().grad_l2),
            class = decltype(std::declval<const Info&>().grad_l1)>
  void record(const Info& info) {
    record(static_cast<double>(kind_ == grad_norm_kind::l2 ? info.grad_l2 : info.grad_l1));
  }

  /// Which norm record(info) reads: grad_l2 (l2) or grad_l1 (l1).
  [[nodiscard]] grad_norm_kind kind() const noexcept { return kind_; }
  /// Number of recorded steps; the next record() is step steps().
  [[nodiscard]] step_t steps() const noexcept { return static_cast<step_t>(norms_.size()); }
  /// The recorded norms, norms()[t] being that of step t (each finite and >= 0).
  [[nodiscard]] const std::vector<double>& norms() const noexcept { return norms_; }
  /// Forgets every recorded norm; the next record() is step 0 again.
  void clear() noexcept { norms_.clear(); }

  /// Replaces the recorded norms (norm t is that of step t).
  /// @throws lrs::invalid_argument if a norm is negative or not finite; nothing changes then.
  void assign(std::vector<double> norms) {
    for (std::size_t t = 0; t < norms.size(); ++t)
      if (!(std::isfinite(norms[t]) && norms[t] >= 0.0))
        detail::throw_invalid("grad_norm_recorder", "grad_norm of step " + std::to_string(t),
                              "finite and >= 0", norms[t]);
    norms_ = std::move(norms);
  }

  /// The recorded norms in the lrs state format (docs/state.md): kind "grad_norm_recorder",
  /// scalar type double, hyper-parameter "norm" ("l2" or "l1"), payload the norms.
  [[nodiscard]] std::vector<unsigned char> state() const {
    state_writer w(type_name, state_scalar::f64);
    visit_hyper(w);
    w.reals(norms_);
    return w.finish();
  }
  /// Restores a state() of a recorder of the same kind of norm. All or nothing.
  /// @throws lrs::state_error (an lrs::invalid_argument) if the bytes are truncated, corrupt,
  ///         from another object or kind of norm, or hold a negative or non-finite norm; the
  ///         recorder is unchanged then.
  void load_state(const std::vector<unsigned char>& bytes) {
    state_reader r(bytes, type_name, state_scalar::f64);
    visit_hyper(r);
    std::vector<double> norms = r.reals<double>("norms");
    r.finish();
    for (std::size_t t = 0; t < norms.size(); ++t)
      if (!(std::isfinite(norms[t]) && norms[t] >= 0.0))
        r.fail_field("norms[" + std::to_string(t) + "]", detail::format_value(norms[t]),
                     "finite and >= 0");
    norms_ = std::move(norms);
  }

 private:
  static constexpr const char* type_name = "grad_norm_recorder";
  // The hyper-parameters, one list: state() writes them (Sink = state_writer), load_state() checks.
  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("norm", kind_name(kind_));
  }
  static const char* kind_name(grad_norm_kind k) noexcept {
    return k == grad_norm_kind::l2 ? "l2" : "l1";
  }

  grad_norm_kind kind_;
  std::vector<double> norms_;
};

}  // namespace lrs

#endif  // LRS_ANALYSIS_REFINEMENT_HPP
