// SPDX-License-Identifier: MIT
// lrs::optax: optax's schedules (optax/schedules/_schedule.py, _join.py) with optax's names,
// parameters, defaults and numbers: constant, polynomial, linear, piecewise constant,
// exponential decay, cosine decay, piecewise interpolation, one-cycle, warm-up variants, SGDR and
// join_schedules.
#ifndef LRS_SCHEDULES_OPTAX_HPP
#define LRS_SCHEDULES_OPTAX_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>
#include <lrs/schedules/combinators.hpp>
#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/sequential.hpp>

namespace lrs::detail {
/// optax's int(x) for a boundary pct * transition_steps: truncation toward zero.
/// @throws lrs::invalid_argument naming `param` if x is not finite or out of the step range.
template <class T>
step_t optax_truncate_step(const char* type, const char* param, T pct, T x) {
  require(std::isfinite(x) && std::fabs(x) < T(9.0e18), type, param,
          "such that pct * transition_steps is a finite step", pct);
  return static_cast<step_t>(x);
}
inline void optax_require_warmup(const char* type, step_t warmup_steps) {
  require(warmup_steps >= 0, type, "warmup_steps", ">= 0", warmup_steps);
}
}  // namespace lrs::detail

/// optax's schedules (google-deepmind/optax, optax/schedules), matched at commit 2edbcbe.
///
/// Conventions: a value is an absolute learning rate (no base LR multiplies it); the step is
/// optax's `count`, the number of updates done (step 0 is the first update); the formulas are
/// optax's, in optax's order of operations, evaluated in T (optax evaluates in float32).
/// Where optax logs a message and falls back (transition_steps <= 0: a constant schedule;
/// transition_begin < 0: 0), lrs does the same, so that a pasted call gives optax's numbers.
/// lrs rejects what makes optax return negative, infinite or NaN values (a negative value, scale,
/// alpha, power or exponent; a negative decay_rate).
namespace lrs::optax {

// ---------------------------------------------------------------------------------------------
// constant_schedule

/// `optax.constant_schedule(value)`: lr(t) = value.
/// @throws lrs::invalid_argument if value is negative or not finite.
template <class T>
[[nodiscard]] lrs::constant<T> constant_schedule(T value) {
  detail::require_non_negative("optax::constant_schedule", "value", value);
  return lrs::constant<T>(value);
}

// ---------------------------------------------------------------------------------------------
// polynomial_schedule, linear_schedule

/// `optax.polynomial_schedule(init_value, end_value, power, transition_steps,
/// transition_begin=0)`: with B = transition_begin, N = transition_steps,
///
///   c = clip(t - B, 0, N),   lr(t) = (init_value - end_value) (1 - c / N)^power + end_value
///
/// i.e. init_value up to step B, end_value from step B + N on. optax's fall-backs: N <= 0 gives
/// the constant init_value; B < 0 counts as 0.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class polynomial_schedule {
  static_assert(std::is_floating_point_v<T>,
                "lrs::optax::polynomial_schedule<T>: T must be "
                "a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if init_value or end_value is negative or not finite, or
  /// power is negative or not finite (optax's value at the end would be infinite).
  polynomial_schedule(T init_value, T end_value, T power, step_t transition_steps,
                      step_t transition_begin = 0)
      : init_(init_value),
        end_(end_value),
        power_(power),
        steps_(transition_steps),
        begin_(std::max<step_t>(transition_begin, 0)) {
    constexpr const char* name = "optax::polynomial_schedule";
    detail::require_non_negative(name, "init_value", init_value);
    detail::require_non_negative(name, "end_value", end_value);
    detail::require_non_negative(name, "power", power);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::optax::polynomial_schedule: step must be >= 0");
    if (steps_ <= 0) return init_;
    const step_t c = std::clamp<step_t>(step - begin_, 0, steps_);
    const T frac = T(1) - static_cast<T>(c) / static_cast<T>(steps_);
    return (init_ - end_) * std::pow(frac, power_) + end_;
  }

  /// The largest value over every step.
  [[nodiscard]] T max_value() const noexcept { return steps_ <= 0 ? init_ : std::max(init_, end_); }
  /// optax's `init_value`: the value up to transition_begin (>= 0).
  [[nodiscard]] T init_value() const noexcept { return init_; }
  /// optax's `end_value`: the value from transition_begin + transition_steps on (>= 0).
  [[nodiscard]] T end_value() const noexcept { return end_; }
  /// optax's `power`: the exponent (>= 0) of (1 - c / N).
  [[nodiscard]] T power() const noexcept { return power_; }
  /// optax's `transition_steps`: the steps N of the transition (<= 0: the constant init_value).
  [[nodiscard]] step_t transition_steps() const noexcept { return steps_; }
  /// transition_begin as used (a negative one counts as 0).
  [[nodiscard]] step_t transition_begin() const noexcept { return begin_; }

 private:
  T init_, end_, power_;
  step_t steps_, begin_;
};

/// Deduces T from init_value (CTAD without transition_begin).
template <class T>
polynomial_schedule(T, T, T, step_t) -> polynomial_schedule<T>;
/// Deduces T from init_value (CTAD with transition_begin).
template <class T>
polynomial_schedule(T, T, T, step_t, step_t) -> polynomial_schedule<T>;

/// `optax.linear_schedule(init_value, end_value, transition_steps, transition_begin=0)`:
/// polynomial_schedule with power 1 (as optax defines it).
/// @throws as polynomial_schedule.
template <class T>
[[nodiscard]] polynomial_schedule<T> linear_schedule(T init_value, T end_value,
                                                     step_t transition_steps,
                                                     step_t transition_begin = 0) {
  return polynomial_schedule<T>(init_value, end_value, T(1), transition_steps, transition_begin);
}

// ---------------------------------------------------------------------------------------------
// piecewise_constant_schedule

/// `optax.piecewise_constant_schedule(init_value, boundaries_and_scales=None)`: init_value times
/// the product of the scales whose boundary is <= t (a scale applies from its boundary step on;
/// a boundary 0 applies from the start). Products are taken in boundary order.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class piecewise_constant_schedule {
  static_assert(std::is_floating_point_v<T>,
                "lrs::optax::piecewise_constant_schedule<T>: T "
                "must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @param init_value the value before the first boundary (>= 0).
  /// @param boundaries_and_scales {step: scale}, as optax's dict (empty: a constant).
  /// @throws lrs::invalid_argument if init_value is negative or not finite, a boundary is
  /// negative, a scale is negative or not finite (optax: "expects non-negative scale
  /// factors"), or init_value times the scales up to a boundary overflows (optax: inf).
  explicit piecewise_constant_schedule(T init_value, std::map<step_t, T> boundaries_and_scales = {})
      : init_(init_value), b_(std::move(boundaries_and_scales)) {
    constexpr const char* name = "optax::piecewise_constant_schedule";
    detail::require_non_negative(name, "init_value", init_value);
    max_ = init_;
    T v = init_;
    for (const auto& [b, s] : b_) {
      const std::string at = "boundaries_and_scales[" + std::to_string(b) + "]";
      detail::require(b >= 0, name, "boundaries_and_scales", "steps >= 0", b);
      detail::require_non_negative(name, at, s);
      v = s * v;
      detail::require(std::isfinite(v), name, at,
                      "such that init_value times the scales up to it is finite (the value from "
                      "that step on)",
                      s);
      max_ = std::max(max_, v);
    }
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::optax::piecewise_constant_schedule: step must be >= 0");
    T v = init_;
    for (const auto& [b, s] : b_)
      if (step >= b) v = s * v;
    return v;
  }

  /// The largest value over every step.
  [[nodiscard]] T max_value() const noexcept { return max_; }
  /// optax's `init_value`: the value before the first boundary (>= 0).
  [[nodiscard]] T init_value() const noexcept { return init_; }
  /// optax's `boundaries_and_scales`: {step: scale}, each scale applying from its step on.
  [[nodiscard]] const std::map<step_t, T>& boundaries_and_scales() const noexcept { return b_; }

 private:
  T init_;
  std::map<step_t, T> b_;
  T max_ = T(0);
};

/// Deduces T from init_value (CTAD, a constant schedule).
template <class T>
piecewise_constant_schedule(T) -> piecewise_constant_schedule<T>;
/// Deduces T from init_value and the scales (CTAD).
template <class T>
piecewise_constant_schedule(T, std::map<step_t, T>) -> piecewise_constant_schedule<T>;

// ---------------------------------------------------------------------------------------------
// exponential_decay

/// `optax.exponential_decay(init_value, transition_steps, decay_rate, transition_begin=0,
/// staircase=False, end_value=None)`: with d = t - transition_begin,
///
///   p = d / transition_steps            (floor(p) with staircase)
///   v = init_value                      if d <= 0
///   v = init_value * decay_rate^p       otherwise
///   lr(t) = max(v, end_value) if decay_rate < 1, min(v, end_value) if decay_rate >= 1
///
/// end_value is a floor for decay_rate < 1 and a cap otherwise, and clips every step, those before
/// transition_begin included (so an end_value on the wrong side of init_value gives end_value from
/// step 0, and decay_rate = 1 with end_value < init_value gives end_value). optax's fall-backs:
/// transition_steps <= 0 or decay_rate = 0 give the constant init_value (end_value unused);
/// transition_begin < 0 counts as 0. decay_rate > 1 needs end_value (its cap): without one
/// optax's value grows to +infinity, and lrs refuses it.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class exponential_decay {
  static_assert(std::is_floating_point_v<T>,
                "lrs::optax::exponential_decay<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if init_value, decay_rate or end_value is negative or not
  /// finite (optax's values for a negative decay_rate are NaN between integer powers), or if
  /// decay_rate > 1 without end_value while transition_steps > 0 and init_value > 0 (optax's
  /// value grows to inf: 0.1 * 2^(t / 1) from step 1024).
  exponential_decay(T init_value, step_t transition_steps, T decay_rate,
                    step_t transition_begin = 0, bool staircase = false,
                    std::optional<T> end_value = std::nullopt)
      : init_(init_value),
        rate_(decay_rate),
        steps_(transition_steps),
        begin_(std::max<step_t>(transition_begin, 0)),
        staircase_(staircase),
        end_(end_value) {
    constexpr const char* name = "optax::exponential_decay";
    detail::require_non_negative(name, "init_value", init_value);
    detail::require_non_negative(name, "decay_rate", decay_rate);
    if (end_) detail::require_non_negative(name, "end_value", *end_);
    // A growing value needs its cap: without one it passes the largest T (optax gives inf).
    detail::require(end_ || !(decay_rate > T(1)) || steps_ <= 0 || init_value == T(0), name,
                    "decay_rate",
                    "<= 1 without end_value (a growing value has no bound; give end_value as "
                    "its cap)",
                    decay_rate);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::optax::exponential_decay: step must be >= 0");
    if (steps_ <= 0 || rate_ == T(0)) return init_;
    const step_t d = step - begin_;
    T p = static_cast<T>(d) / static_cast<T>(steps_);
    if (staircase_) p = std::floor(p);
    T v = d <= 0 ? init_ : init_ * std::pow(rate_, p);
    // 0 * inf where the growth passes the largest T: the value of 0 times any rate^p is 0.
    if (std::isnan(v)) v = T(0);
    if (!end_) return v;
    return rate_ < T(1) ? std::max(v, *end_) : std::min(v, *end_);
  }

  /// optax's `init_value`: the value up to transition_begin (>= 0).
  [[nodiscard]] T init_value() const noexcept { return init_; }
  /// optax's `decay_rate` (>= 0): the factor per transition_steps steps (0: constant init_value).
  [[nodiscard]] T decay_rate() const noexcept { return rate_; }
  /// optax's `transition_steps`: the steps per factor decay_rate (<= 0: constant init_value).
  [[nodiscard]] step_t transition_steps() const noexcept { return steps_; }
  /// transition_begin as used (a negative one counts as 0).
  [[nodiscard]] step_t transition_begin() const noexcept { return begin_; }
  /// optax's `staircase`: whether the exponent p is floored (a step function).
  [[nodiscard]] bool staircase() const noexcept { return staircase_; }
  /// optax's `end_value`: a floor when decay_rate < 1, a cap otherwise (empty: None, no clip).
  [[nodiscard]] std::optional<T> end_value() const noexcept { return end_; }

 private:
  T init_, rate_;
  step_t steps_, begin_;
  bool staircase_;
  std::optional<T> end_;
};

/// Deduces T from init_value (CTAD).
template <class T>
exponential_decay(T, step_t, T) -> exponential_decay<T>;
/// Deduces T from init_value (CTAD with transition_begin).
template <class T>
exponential_decay(T, step_t, T, step_t) -> exponential_decay<T>;
/// Deduces T from init_value (CTAD with transition_begin and staircase).
template <class T>
exponential_decay(T, step_t, T, step_t, bool) -> exponential_decay<T>;
/// Deduces T from init_value (CTAD with every argument).
template <class T>
exponential_decay(T, step_t, T, step_t, bool, std::optional<T>) -> exponential_decay<T>;

// ---------------------------------------------------------------------------------------------
// cosine_decay_schedule

/// `optax.cosine_decay_schedule(init_value, decay_steps, alpha=0.0, exponent=1.0)`:
///
///   c = min(t, decay_steps),   lr(t) = init_value ((1 - alpha) ((1 + cos(pi c / decay_steps)) /
///   2)^exponent + alpha)
///
/// init_value at step 0, alpha init_value from decay_steps on (alpha > 1 gives a rising curve).
/// Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", arXiv:1608.03983.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class cosine_decay_schedule {
  static_assert(std::is_floating_point_v<T>,
                "lrs::optax::cosine_decay_schedule<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if decay_steps <= 0 (optax raises ValueError),
  /// init_value, alpha or exponent is negative or not finite, or init_value * alpha overflows.
  cosine_decay_schedule(T init_value, step_t decay_steps, T alpha = T(0), T exponent = T(1))
      : init_(init_value), alpha_(alpha), exponent_(exponent), steps_(decay_steps) {
    constexpr const char* name = "optax::cosine_decay_schedule";
    detail::require_non_negative(name, "init_value", init_value);
    detail::require_positive(name, "decay_steps", decay_steps);
    detail::require_non_negative(name, "alpha", alpha);
    detail::require_non_negative(name, "exponent", exponent);
    detail::require(std::isfinite(max_value()), name, "alpha",
                    "such that init_value * alpha is finite (the value from decay_steps on)",
                    alpha);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::optax::cosine_decay_schedule: step must be >= 0");
    const T n = static_cast<T>(steps_);
    const T c = std::min(static_cast<T>(step), n);
    const T cosine = T(0.5) * (T(1) + std::cos(detail::pi_v<T> * c / n));
    const T decayed = (T(1) - alpha_) * std::pow(cosine, exponent_) + alpha_;
    return init_ * decayed;
  }

  /// The largest value over every step.
  [[nodiscard]] T max_value() const noexcept { return init_ * std::max(T(1), alpha_); }
  /// optax's `init_value`: the value at step 0 (>= 0).
  [[nodiscard]] T init_value() const noexcept { return init_; }
  /// optax's `decay_steps`: the steps (> 0) of the decay; alpha * init_value from then on.
  [[nodiscard]] step_t decay_steps() const noexcept { return steps_; }
  /// optax's `alpha` (>= 0): the final value as a fraction of init_value.
  [[nodiscard]] T alpha() const noexcept { return alpha_; }
  /// optax's `exponent` (>= 0): the power of the half cosine.
  [[nodiscard]] T exponent() const noexcept { return exponent_; }

 private:
  T init_, alpha_, exponent_;
  step_t steps_;
};

/// Deduces T from init_value (CTAD).
template <class T>
cosine_decay_schedule(T, step_t) -> cosine_decay_schedule<T>;
/// Deduces T from init_value (CTAD with alpha).
template <class T>
cosine_decay_schedule(T, step_t, T) -> cosine_decay_schedule<T>;
/// Deduces T from init_value (CTAD with alpha and exponent).
template <class T>
cosine_decay_schedule(T, step_t, T, T) -> cosine_decay_schedule<T>;

// ---------------------------------------------------------------------------------------------
// piecewise_interpolate_schedule, linear_onecycle_schedule, cosine_onecycle_schedule

/// `optax.piecewise_interpolate_schedule(interpolate_type, init_value,
/// boundaries_and_scales=None)`: the values init_value, init_value s_1, init_value s_1 s_2, ...
/// (cumulative products in boundary order) at steps 0, b_1, b_2, ..., interpolated linearly or by
/// a half cosine in between, and the last value held from the last boundary on. A boundary 0
/// applies its scale from step 0. Built as lrs::interpolated.
/// @throws lrs::invalid_argument if init_value is negative or not finite, a boundary is negative,
/// a scale is negative or not finite, or init_value times the scales up to a boundary overflows.
template <class T>
[[nodiscard]] lrs::interpolated<T> piecewise_interpolate_schedule(
    lrs::interpolation interpolate_type, T init_value,
    const std::map<step_t, T>& boundaries_and_scales = {}) {
  constexpr const char* name = "optax::piecewise_interpolate_schedule";
  detail::require_non_negative(name, "init_value", init_value);
  std::vector<step_t> bounds{0};
  std::vector<T> values{init_value};
  T v = init_value;
  for (const auto& [b, s] : boundaries_and_scales) {
    detail::require(b >= 0, name, "boundaries_and_scales", "steps >= 0", b);
    const std::string at = "boundaries_and_scales[" + std::to_string(b) + "]";
    detail::require_non_negative(name, at, s);
    v = v * s;
    detail::require(std::isfinite(v), name, at,
                    "such that init_value times the scales up to it is finite (the value at that "
                    "step)",
                    s);
    // optax's interval [0, 0) is empty: a boundary 0 replaces the value at step 0.
    if (b == 0) {
      values.back() = v;
      continue;
    }
    bounds.push_back(b);
    values.push_back(v);
  }
  return lrs::interpolated<T>(std::move(bounds), std::move(values), interpolate_type);
}

/// `optax.linear_onecycle_schedule(transition_steps, peak_value, pct_start=0.3, pct_final=0.85,
/// div_factor=25.0, final_div_factor=1e4)`: optax's
///
///   piecewise_interpolate_schedule('linear', peak_value / div_factor,
///       {int(pct_start N): div_factor, int(pct_final N): 1 / div_factor,
///        N: 1 / final_div_factor})
///
/// with optax's dict semantics: the boundaries are truncated (0.29 * 100 is 28.999... -> 28), and
/// when two coincide the later entry replaces the earlier (N = 1: {0: 1 / div_factor, 1: ...}).
/// Ends at peak_value / (div_factor final_div_factor) (not peak_value / final_div_factor).
/// @throws lrs::invalid_argument if transition_steps <= 0 (optax raises ValueError), peak_value
/// is negative or not finite, div_factor or final_div_factor is not > 0, or a pct makes a
/// negative boundary.
template <class T>
[[nodiscard]] lrs::interpolated<T> linear_onecycle_schedule(step_t transition_steps, T peak_value,
                                                            T pct_start = T(0.3),
                                                            T pct_final = T(0.85),
                                                            T div_factor = T(25),
                                                            T final_div_factor = T(1e4)) {
  constexpr const char* name = "optax::linear_onecycle_schedule";
  detail::require_positive(name, "transition_steps", transition_steps);
  detail::require_non_negative(name, "peak_value", peak_value);
  detail::require_positive(name, "div_factor", div_factor);
  detail::require_positive(name, "final_div_factor", final_div_factor);
  const T n = static_cast<T>(transition_steps);
  const step_t a = detail::optax_truncate_step(name, "pct_start", pct_start, pct_start * n);
  const step_t b = detail::optax_truncate_step(name, "pct_final", pct_final, pct_final * n);
  detail::require(a >= 0, name, "pct_start", ">= 0", pct_start);
  detail::require(b >= 0, name, "pct_final", ">= 0", pct_final);
  std::map<step_t, T> d;
  d.insert_or_assign(a, div_factor);
  d.insert_or_assign(b, T(1) / div_factor);
  d.insert_or_assign(transition_steps, T(1) / final_div_factor);
  return piecewise_interpolate_schedule(lrs::interpolation::linear, peak_value / div_factor, d);
}

/// `optax.cosine_onecycle_schedule(transition_steps, peak_value, pct_start=0.3,
/// div_factor=25.0, final_div_factor=1e4)`: optax's
///
///   piecewise_interpolate_schedule('cosine', peak_value / div_factor,
///       {int(pct_start N): div_factor, N: 1 / (div_factor final_div_factor)})
///
/// (pct_start = 1 makes the two boundaries coincide: the later entry wins and the peak is never
/// reached).
/// @throws as linear_onecycle_schedule.
template <class T>
[[nodiscard]] lrs::interpolated<T> cosine_onecycle_schedule(step_t transition_steps, T peak_value,
                                                            T pct_start = T(0.3),
                                                            T div_factor = T(25),
                                                            T final_div_factor = T(1e4)) {
  constexpr const char* name = "optax::cosine_onecycle_schedule";
  detail::require_positive(name, "transition_steps", transition_steps);
  detail::require_non_negative(name, "peak_value", peak_value);
  detail::require_positive(name, "div_factor", div_factor);
  detail::require_positive(name, "final_div_factor", final_div_factor);
  const step_t a = detail::optax_truncate_step(name, "pct_start", pct_start,
                                               pct_start * static_cast<T>(transition_steps));
  detail::require(a >= 0, name, "pct_start", ">= 0", pct_start);
  std::map<step_t, T> d;
  d.insert_or_assign(a, div_factor);
  d.insert_or_assign(transition_steps, T(1) / (div_factor * final_div_factor));
  return piecewise_interpolate_schedule(lrs::interpolation::cosine, peak_value / div_factor, d);
}

// ---------------------------------------------------------------------------------------------
// join_schedules and the warm-up schedules

/// `optax.join_schedules(schedules, boundaries)`: schedules[i] from boundaries[i-1] on, each seeing
/// the step counted from its boundary, t - boundaries[i-1]. The boundaries are absolute steps;
/// equal boundaries skip the earlier schedule (optax: the last boundary <= t wins). Built as
/// lrs::join.
/// @throws lrs::invalid_argument if there is not one boundary fewer than schedules, or a boundary
/// is negative or smaller than the one before (optax would let a later schedule take over again).
template <class T>
[[nodiscard]] lrs::dynamic_sequential<T> join_schedules(std::vector<any_schedule<T>> schedules,
                                                        std::vector<step_t> boundaries) {
  constexpr const char* name = "optax::join_schedules";
  detail::require(!schedules.empty(), name, "the number of schedules", ">= 1", schedules.size());
  detail::require(
      boundaries.size() + 1 == schedules.size(), name, "the number of boundaries",
      "one less than the number of schedules (" + std::to_string(schedules.size() - 1) + ")",
      boundaries.size());
  for (std::size_t i = 0; i < boundaries.size(); ++i) {
    const std::string bn = "boundaries[" + std::to_string(i) + "]";
    detail::require(boundaries[i] >= 0, name, bn, ">= 0", boundaries[i]);
    if (i > 0)
      detail::require(boundaries[i] >= boundaries[i - 1], name, bn,
                      ">= the boundary before it (" + std::to_string(boundaries[i - 1]) + ")",
                      boundaries[i]);
  }
  return lrs::join(std::move(schedules), std::move(boundaries));
}

/// `optax.warmup_constant_schedule(init_value, peak_value, warmup_steps)`: optax's
/// linear_schedule(init_value, peak_value, warmup_steps): a linear warm-up, then peak_value.
/// warmup_steps = 0 gives the constant init_value (optax's fall-back for transition_steps <= 0),
/// not peak_value.
/// @throws lrs::invalid_argument if warmup_steps < 0, or as polynomial_schedule.
template <class T>
[[nodiscard]] polynomial_schedule<T> warmup_constant_schedule(T init_value, T peak_value,
                                                              step_t warmup_steps) {
  constexpr const char* name = "optax::warmup_constant_schedule";
  detail::optax_require_warmup(name, warmup_steps);
  detail::require_non_negative(name, "init_value", init_value);
  detail::require_non_negative(name, "peak_value", peak_value);
  return linear_schedule(init_value, peak_value, warmup_steps);
}

/// `optax.warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps,
/// end_value=0.0, exponent=1.0)`: optax's
///
///   join_schedules([linear_schedule(init_value, peak_value, warmup_steps),
///                   cosine_decay_schedule(peak_value, decay_steps - warmup_steps,
///                                         alpha=end_value / peak_value, exponent)],
///                  [warmup_steps])
///
/// (alpha = 0 when peak_value = 0: end_value is then ignored). decay_steps counts the warm-up.
/// warmup_steps = 0 starts at peak_value (init_value unused); end_value is reached at decay_steps
/// and held.
/// @throws lrs::invalid_argument if warmup_steps < 0, decay_steps <= warmup_steps (optax:
/// "requires positive decay_steps"), a value is negative or not finite, or exponent < 0.
template <class T>
[[nodiscard]] auto warmup_cosine_decay_schedule(T init_value, T peak_value, step_t warmup_steps,
                                                step_t decay_steps, T end_value = T(0),
                                                T exponent = T(1)) {
  constexpr const char* name = "optax::warmup_cosine_decay_schedule";
  detail::optax_require_warmup(name, warmup_steps);
  detail::require(decay_steps > warmup_steps, name, "decay_steps",
                  "> warmup_steps (" + std::to_string(warmup_steps) + ")", decay_steps);
  detail::require_non_negative(name, "init_value", init_value);
  detail::require_non_negative(name, "peak_value", peak_value);
  detail::require_non_negative(name, "end_value", end_value);
  detail::require_non_negative(name, "exponent", exponent);
  const T alpha = peak_value == T(0) ? T(0) : end_value / peak_value;
  auto warm = linear_schedule(init_value, peak_value, warmup_steps);
  auto decay = cosine_decay_schedule<T>(peak_value, decay_steps - warmup_steps, alpha, exponent);
  return lrs::join(std::make_tuple(std::move(warm), std::move(decay)), {warmup_steps});
}

/// `optax.warmup_exponential_decay_schedule(init_value, peak_value, warmup_steps,
/// transition_steps, decay_rate, transition_begin=0, staircase=False, end_value=None)`: optax's
///
///   join_schedules([linear_schedule(init_value, peak_value, warmup_steps),
///                   exponential_decay(peak_value, transition_steps, decay_rate,
///                                     transition_begin, staircase, end_value)],
///                  [warmup_steps])
///
/// transition_begin counts from the end of the warm-up; warmup_steps = 0 starts at peak_value.
/// @throws lrs::invalid_argument if warmup_steps < 0, or as the two parts.
template <class T>
[[nodiscard]] auto warmup_exponential_decay_schedule(T init_value, T peak_value,
                                                     step_t warmup_steps, step_t transition_steps,
                                                     T decay_rate, step_t transition_begin = 0,
                                                     bool staircase = false,
                                                     std::optional<T> end_value = std::nullopt) {
  constexpr const char* name = "optax::warmup_exponential_decay_schedule";
  detail::optax_require_warmup(name, warmup_steps);
  detail::require_non_negative(name, "init_value", init_value);
  detail::require_non_negative(name, "peak_value", peak_value);
  auto warm = linear_schedule(init_value, peak_value, warmup_steps);
  auto decay = exponential_decay<T>(peak_value, transition_steps, decay_rate, transition_begin,
                                    staircase, end_value);
  return lrs::join(std::make_tuple(std::move(warm), std::move(decay)), {warmup_steps});
}

// ---------------------------------------------------------------------------------------------
// sgdr_schedule

/// The keyword arguments of one warmup_cosine_decay_schedule cycle of sgdr_schedule.
template <class T = double>
struct sgdr_cycle {
  /// The value at the cycle's start (>= 0).
  T init_value = T(0);
  /// The value at the end of the cycle's warm-up (>= 0).
  T peak_value = T(0);
  /// The steps (>= 0, < decay_steps) of the linear warm-up from init_value to peak_value.
  step_t warmup_steps = 0;
  step_t decay_steps = 0;  ///< the cycle's length, warm-up included
  /// The value the cosine decays to at the cycle's end (>= 0).
  T end_value = T(0);
  /// The power (>= 0) of the half cosine.
  T exponent = T(1);
  /// Sets `init_value` (see the field); returns *this for chaining.
  constexpr sgdr_cycle& with_init_value(T v) noexcept {
    init_value = v;
    return *this;
  }
  /// Sets `peak_value` (see the field); returns *this for chaining.
  constexpr sgdr_cycle& with_peak_value(T v) noexcept {
    peak_value = v;
    return *this;
  }
  /// Sets `warmup_steps` (see the field); returns *this for chaining.
  constexpr sgdr_cycle& with_warmup_steps(step_t v) noexcept {
    warmup_steps = v;
    return *this;
  }
  /// Sets `decay_steps` (see the field); returns *this for chaining.
  constexpr sgdr_cycle& with_decay_steps(step_t v) noexcept {
    decay_steps = v;
    return *this;
  }
  /// Sets `end_value` (see the field); returns *this for chaining.
  constexpr sgdr_cycle& with_end_value(T v) noexcept {
    end_value = v;
    return *this;
  }
  /// Sets `exponent` (see the field); returns *this for chaining.
  constexpr sgdr_cycle& with_exponent(T v) noexcept {
    exponent = v;
    return *this;
  }
};

/// `optax.sgdr_schedule(cosine_kwargs)`: warmup_cosine_decay_schedule(**kwargs) for each cycle,
/// joined at the cumulative decay_steps (cycle i starts at the sum of the decay_steps before
/// it); the last cycle's end_value is held after it.
/// Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", arXiv:1608.03983.
/// @throws lrs::invalid_argument if there is no cycle, or a cycle is invalid for
/// warmup_cosine_decay_schedule.
template <class T>
[[nodiscard]] lrs::dynamic_sequential<T> sgdr_schedule(const std::vector<sgdr_cycle<T>>& cycles) {
  detail::require(!cycles.empty(), "optax::sgdr_schedule", "the number of cycles", ">= 1",
                  cycles.size());
  std::vector<any_schedule<T>> schedules;
  std::vector<step_t> boundaries;
  step_t step = 0;
  for (std::size_t i = 0; i < cycles.size(); ++i) {
    const sgdr_cycle<T>& c = cycles[i];
    // Checked here so that a message names the cycle.
    const std::string k = "cosine_kwargs[" + std::to_string(i) + "].";
    constexpr const char* name = "optax::sgdr_schedule";
    detail::require_non_negative(name, k + "init_value", c.init_value);
    detail::require_non_negative(name, k + "peak_value", c.peak_value);
    detail::require(c.warmup_steps >= 0, name, k + "warmup_steps", ">= 0", c.warmup_steps);
    detail::require(c.decay_steps > c.warmup_steps, name, k + "decay_steps",
                    "> warmup_steps (" + std::to_string(c.warmup_steps) + ")", c.decay_steps);
    detail::require_non_negative(name, k + "end_value", c.end_value);
    detail::require_non_negative(name, k + "exponent", c.exponent);
    schedules.emplace_back(warmup_cosine_decay_schedule<T>(
        c.init_value, c.peak_value, c.warmup_steps, c.decay_steps, c.end_value, c.exponent));
    step = detail::add_sat(step, c.decay_steps);
    boundaries.push_back(step);
  }
  boundaries.pop_back();
  return lrs::join(std::move(schedules), std::move(boundaries));
}

}  // namespace lrs::optax

#endif  // LRS_SCHEDULES_OPTAX_HPP
