// SPDX-License-Identifier: MIT
// lrs::keras: Keras 3's keras.optimizers.schedules (ExponentialDecay, PiecewiseConstantDecay,
// PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts) with Keras's numbers.
#ifndef LRS_SCHEDULES_KERAS_HPP
#define LRS_SCHEDULES_KERAS_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>

/// Keras 3's learning-rate schedules (the classes of `keras.optimizers.schedules`, also reached
/// as `tf.keras.optimizers.schedules`), formula for formula in Keras's order of operations,
/// evaluated in T (Keras evaluates in the dtype of initial_learning_rate, float32 by default).
/// A schedule's value at step t is what Keras's `schedule(t)` returns: the learning rate of the
/// optimizer update whose `iterations` counter is t (0-based). Values are absolute learning rates.
namespace lrs::keras {

namespace detail {
template <class T>
inline constexpr T pi = T(3.141592653589793238462643383279502884L);

/// Throws unless step / steps is finite for every step up to 2^63 - 1 (steps > 0 finite): a
/// denormal decay_steps makes t / decay_steps infinite, and Keras's formulas NaN.
template <class T>
void require_finite_fraction(const char* type, const char* param, T steps) {
  const T last = static_cast<T>(::lrs::detail::step_max);
  if (std::isfinite(last / steps)) return;
  T limit = last / std::numeric_limits<T>::max();
  while (!std::isfinite(last / limit)) limit = std::nextafter(limit, std::numeric_limits<T>::max());
  ::lrs::detail::throw_invalid(type, param,
                               ">= " + ::lrs::detail::format_value(limit) + " (step / " + param +
                                   " must be finite at every step up to 2^63 - 1)",
                               steps);
}
}  // namespace detail

/// `ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False)`:
///
///   p = t / decay_steps   (floor(p) when staircase)
///   lr(t) = initial_learning_rate * decay_rate^p
///
/// decay_steps may be fractional, as in Keras (it is cast to the float dtype).
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class exponential_decay {
  static_assert(std::is_floating_point_v<T>,
                "lrs::keras::exponential_decay<T>: T must be a "
                "floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if initial_learning_rate < 0, decay_steps <= 0, decay_rate
  /// outside [0, 1] (Keras lets a rate > 1 grow to inf), or a value is not finite.
  exponential_decay(T initial_learning_rate, T decay_steps, T decay_rate, bool staircase = false)
      : lr_(initial_learning_rate), steps_(decay_steps), rate_(decay_rate), staircase_(staircase) {
    constexpr const char* n = "keras::exponential_decay";
    ::lrs::detail::require_non_negative(n, "initial_learning_rate", initial_learning_rate);
    ::lrs::detail::require_positive(n, "decay_steps", decay_steps);
    ::lrs::detail::require_in_range(n, "decay_rate", decay_rate, T(0), T(1));
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::keras::exponential_decay: step must be >= 0");
    T p = static_cast<T>(step) / steps_;
    if (staircase_) p = std::floor(p);
    return lr_ * std::pow(rate_, p);
  }

  /// The largest value over every step: initial_learning_rate (decay_rate <= 1).
  [[nodiscard]] T max_value() const noexcept { return lr_; }
  /// Keras's `initial_learning_rate`: the value at t = 0 (>= 0).
  [[nodiscard]] T initial_learning_rate() const noexcept { return lr_; }
  /// Keras's `decay_steps`: the steps (> 0, may be fractional) per factor decay_rate.
  [[nodiscard]] T decay_steps() const noexcept { return steps_; }
  /// Keras's `decay_rate`: the factor per decay_steps steps, in [0, 1].
  [[nodiscard]] T decay_rate() const noexcept { return rate_; }
  /// Keras's `staircase`: whether the exponent t / decay_steps is floored (a step function).
  [[nodiscard]] bool staircase() const noexcept { return staircase_; }

 private:
  T lr_, steps_, rate_;
  bool staircase_;
};

/// `PiecewiseConstantDecay(boundaries, values)`:
///
///   lr(t) = values[0] for t <= boundaries[0], values[i] for boundaries[i-1] < t <= boundaries[i],
///           values[n] for t > boundaries[n-1]
///
/// A boundary step still takes the value before it: the change shows one step later than
/// PyTorch's MultiStepLR milestone (Keras compares `step > boundary`). Keras casts boundaries to
/// the step's integer dtype; here they are whole numbers.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class piecewise_constant_decay {
  static_assert(std::is_floating_point_v<T>,
                "lrs::keras::piecewise_constant_decay<T>: T must "
                "be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if boundaries is empty or not strictly increasing, values
  /// does not have one more element than boundaries, or a value is negative or not finite.
  piecewise_constant_decay(std::vector<step_t> boundaries, std::vector<T> values)
      : boundaries_(std::move(boundaries)), values_(std::move(values)) {
    constexpr const char* n = "keras::piecewise_constant_decay";
    ::lrs::detail::require(!boundaries_.empty(), n, "boundaries", "a non-empty list of steps",
                           "[]");
    for (std::size_t i = 1; i < boundaries_.size(); ++i)
      ::lrs::detail::require(boundaries_[i] > boundaries_[i - 1], n, "boundaries",
                             "strictly increasing (boundaries[" + std::to_string(i) +
                                 "] > boundaries[" + std::to_string(i - 1) +
                                 "] = " + std::to_string(boundaries_[i - 1]) + ")",
                             boundaries_[i]);
    ::lrs::detail::require(
        values_.size() == boundaries_.size() + 1, n, "values",
        "a list one longer than boundaries (" + std::to_string(boundaries_.size() + 1) + " values)",
        std::to_string(values_.size()) + " values");
    for (const T v : values_) ::lrs::detail::require_non_negative(n, "values", v);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::keras::piecewise_constant_decay: step must be >= 0");
    const auto it = std::lower_bound(boundaries_.begin(), boundaries_.end(), step);
    return values_[static_cast<std::size_t>(it - boundaries_.begin())];
  }

  /// The largest of `values`.
  [[nodiscard]] T max_value() const noexcept {
    return *std::max_element(values_.begin(), values_.end());
  }
  /// Keras's `boundaries`: the steps, strictly increasing, after which the next value applies.
  [[nodiscard]] const std::vector<step_t>& boundaries() const noexcept { return boundaries_; }
  /// Keras's `values`: one more than boundaries; values[i] applies up to boundaries[i] included.
  [[nodiscard]] const std::vector<T>& values() const noexcept { return values_; }

 private:
  std::vector<step_t> boundaries_;
  std::vector<T> values_;
};

/// `PolynomialDecay(initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
/// cycle=False)`:
///
///   cycle=False: s = min(t, decay_steps), D = decay_steps
///   cycle=True:  s = t, D = decay_steps * (t == 0 ? 1 : ceil(t / decay_steps))
///   lr(t) = (initial_learning_rate - end_learning_rate) * (1 - s / D)^power + end_learning_rate
///
/// With cycle, every multiple of decay_steps is the end of a cycle (end_learning_rate) and the
/// step after it restarts near initial_learning_rate. power = 0 keeps initial_learning_rate
/// (0^0 = 1). end_learning_rate may exceed initial_learning_rate (a rising ramp).
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class polynomial_decay {
  static_assert(std::is_floating_point_v<T>,
                "lrs::keras::polynomial_decay<T>: T must be a "
                "floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if initial_learning_rate < 0, decay_steps <= 0,
  /// end_learning_rate < 0, power < 0 (Keras reaches inf), or a value is not finite.
  polynomial_decay(T initial_learning_rate, T decay_steps, T end_learning_rate = T(0.0001),
                   T power = T(1), bool cycle = false)
      : lr_(initial_learning_rate),
        steps_(decay_steps),
        end_(end_learning_rate),
        power_(power),
        cycle_(cycle) {
    constexpr const char* n = "keras::polynomial_decay";
    ::lrs::detail::require_non_negative(n, "initial_learning_rate", initial_learning_rate);
    ::lrs::detail::require_positive(n, "decay_steps", decay_steps);
    ::lrs::detail::require_non_negative(n, "end_learning_rate", end_learning_rate);
    ::lrs::detail::require_non_negative(n, "power", power);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::keras::polynomial_decay: step must be >= 0");
    T s = static_cast<T>(step);
    T d = steps_;
    if (cycle_) {
      const T multiplier = s == T(0) ? T(1) : std::ceil(s / steps_);
      d = d * multiplier;
    } else {
      s = std::min(s, d);
    }
    const T p = s / d;
    return (lr_ - end_) * std::pow(T(1) - p, power_) + end_;
  }

  /// The largest value over every step: max(initial_learning_rate, end_learning_rate).
  [[nodiscard]] T max_value() const noexcept { return std::max(lr_, end_); }
  /// Keras's `initial_learning_rate`: the value at t = 0 (>= 0).
  [[nodiscard]] T initial_learning_rate() const noexcept { return lr_; }
  /// Keras's `decay_steps`: the steps (> 0) from initial_learning_rate to end_learning_rate.
  [[nodiscard]] T decay_steps() const noexcept { return steps_; }
  /// Keras's `end_learning_rate`: the value at decay_steps and, without cycle, after (>= 0).
  [[nodiscard]] T end_learning_rate() const noexcept { return end_; }
  /// Keras's `power`: the exponent (>= 0) of (1 - s / D).
  [[nodiscard]] T power() const noexcept { return power_; }
  /// Keras's `cycle`: whether the decay restarts after every multiple of decay_steps.
  [[nodiscard]] bool cycle() const noexcept { return cycle_; }

 private:
  T lr_, steps_, end_, power_;
  bool cycle_;
};

/// `InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False)`:
///
///   p = t / decay_steps   (floor(p) when staircase)
///   lr(t) = initial_learning_rate / (1 + decay_rate * p)
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class inverse_time_decay {
  static_assert(std::is_floating_point_v<T>,
                "lrs::keras::inverse_time_decay<T>: T must be a "
                "floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if initial_learning_rate < 0, decay_steps <= 0 or so small
  /// that step / decay_steps overflows before step 2^63 - 1 (Keras: 0 * inf = NaN with
  /// decay_rate 0), decay_rate < 0 (the denominator could reach 0), or a value is not finite.
  inverse_time_decay(T initial_learning_rate, T decay_steps, T decay_rate, bool staircase = false)
      : lr_(initial_learning_rate), steps_(decay_steps), rate_(decay_rate), staircase_(staircase) {
    constexpr const char* n = "keras::inverse_time_decay";
    ::lrs::detail::require_non_negative(n, "initial_learning_rate", initial_learning_rate);
    ::lrs::detail::require_positive(n, "decay_steps", decay_steps);
    detail::require_finite_fraction(n, "decay_steps", decay_steps);
    ::lrs::detail::require_non_negative(n, "decay_rate", decay_rate);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::keras::inverse_time_decay: step must be >= 0");
    T p = static_cast<T>(step) / steps_;
    if (staircase_) p = std::floor(p);
    const T denom = T(1) + rate_ * p;
    return lr_ / denom;
  }

  /// The largest value over every step: initial_learning_rate (the LR only decreases).
  [[nodiscard]] T max_value() const noexcept { return lr_; }
  /// Keras's `initial_learning_rate`: the value at t = 0 (>= 0).
  [[nodiscard]] T initial_learning_rate() const noexcept { return lr_; }
  /// Keras's `decay_steps`: the steps (> 0) per unit of p = t / decay_steps.
  [[nodiscard]] T decay_steps() const noexcept { return steps_; }
  /// Keras's `decay_rate` (>= 0): lr = initial_learning_rate / (1 + decay_rate * p).
  [[nodiscard]] T decay_rate() const noexcept { return rate_; }
  /// Keras's `staircase`: whether p = t / decay_steps is floored (a step function).
  [[nodiscard]] bool staircase() const noexcept { return staircase_; }

 private:
  T lr_, steps_, rate_;
  bool staircase_;
};

/// `CosineDecay(initial_learning_rate, decay_steps, alpha=0.0, name=..., warmup_target=None,
/// warmup_steps=0)`:
///
///   decay(s, from) = from * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)
///   warmup_target = None: lr(t) = decay(min(t, decay_steps), initial_learning_rate)
///   otherwise, with c = min(t, decay_steps + warmup_steps):
///     c < warmup_steps: lr(t) = (warmup_target - initial_learning_rate) * (c / warmup_steps)
///                               + initial_learning_rate
///     else:             lr(t) = decay(c - warmup_steps, warmup_target)
///
/// Held at alpha times the decay's start past the end. Keras's own rules, kept: warmup_steps
/// without warmup_target is ignored (no warm-up and no delay); with warmup_target and
/// warmup_steps = 0 the decay starts from warmup_target and initial_learning_rate is never used.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class cosine_decay {
  static_assert(std::is_floating_point_v<T>,
                "lrs::keras::cosine_decay<T>: T must be a "
                "floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if initial_learning_rate < 0, decay_steps <= 0, alpha < 0,
  /// warmup_target < 0, warmup_steps < 0, alpha times the decay's start overflows (Keras: inf),
  /// or a value is not finite.
  cosine_decay(T initial_learning_rate, T decay_steps, T alpha = T(0),
               std::optional<T> warmup_target = std::nullopt, T warmup_steps = T(0))
      : lr_(initial_learning_rate),
        steps_(decay_steps),
        alpha_(alpha),
        target_(warmup_target),
        warmup_(warmup_steps) {
    constexpr const char* n = "keras::cosine_decay";
    ::lrs::detail::require_non_negative(n, "initial_learning_rate", initial_learning_rate);
    ::lrs::detail::require_positive(n, "decay_steps", decay_steps);
    ::lrs::detail::require_non_negative(n, "alpha", alpha);
    if (target_) ::lrs::detail::require_non_negative(n, "warmup_target", *target_);
    ::lrs::detail::require_non_negative(n, "warmup_steps", warmup_steps);
    ::lrs::detail::require(std::isfinite(max_value()), n, "alpha",
                           "such that alpha times the decay's start (warmup_target, else "
                           "initial_learning_rate) is finite",
                           alpha);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::keras::cosine_decay: step must be >= 0");
    T s = static_cast<T>(step);
    if (!target_) return decay(std::min(s, steps_), lr_);
    s = std::min(s, steps_ + warmup_);
    if (s < warmup_) {
      const T completed_fraction = s / warmup_;
      const T total_step_delta = *target_ - lr_;
      return total_step_delta * completed_fraction + lr_;
    }
    return decay(s - warmup_, *target_);
  }

  /// The largest value over every step: the decay's start (warmup_target if given, else
  /// initial_learning_rate) times max(1, alpha), and initial_learning_rate if a warm-up ramps from
  /// it.
  [[nodiscard]] T max_value() const noexcept {
    const T from = target_ ? *target_ : lr_;
    const T decayed = from * std::max(T(1), alpha_);
    return target_ && warmup_ > T(0) ? std::max(decayed, lr_) : decayed;
  }
  /// Keras's `initial_learning_rate`: the value at t = 0 (the warm-up's start, or the decay's).
  [[nodiscard]] T initial_learning_rate() const noexcept { return lr_; }
  /// Keras's `decay_steps`: the steps (> 0) of the cosine decay, after any warm-up.
  [[nodiscard]] T decay_steps() const noexcept { return steps_; }
  /// Keras's `alpha` (>= 0): the final value as a fraction of the decay's start.
  [[nodiscard]] T alpha() const noexcept { return alpha_; }
  /// Keras's `warmup_target`: the value the warm-up reaches and the decay starts from (empty:
  /// None).
  [[nodiscard]] std::optional<T> warmup_target() const noexcept { return target_; }
  /// Keras's `warmup_steps` (>= 0): the steps of the linear warm-up; ignored without warmup_target.
  [[nodiscard]] T warmup_steps() const noexcept { return warmup_; }

 private:
  [[nodiscard]] T decay(T s, T from) const noexcept {
    const T completed_fraction = s / steps_;
    const T cosine_decayed = T(0.5) * (T(1) + std::cos(detail::pi<T> * completed_fraction));
    const T decayed = (T(1) - alpha_) * cosine_decayed + alpha_;
    return from * decayed;
  }

  T lr_, steps_, alpha_;
  std::optional<T> target_;
  T warmup_;
};

/// `CosineDecayRestarts(initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
/// alpha=0.0)` (SGDR):
///
///   f = t / first_decay_steps
///   t_mul == 1: i = floor(f), f = f - i
///   otherwise:  i = floor(log(1 - f (1 - t_mul)) / log(t_mul)),
///               f = (f - (1 - t_mul^i) / (1 - t_mul)) / t_mul^i
///   lr(t) = initial_learning_rate * ((1 - alpha) * 0.5 * m_mul^i * (1 + cos(pi f)) + alpha)
///
/// Run i lasts first_decay_steps * t_mul^i steps and starts at m_mul^i. The restart index comes
/// from a rounded logarithm, so at some exact restart steps it is one too small and the value is
/// the end of the previous run (f = 1) instead of the restart peak: in double with a correctly
/// rounded log, t_mul = 3 at t = 121 * first_decay_steps, t_mul = 10 at t = 111 *
/// first_decay_steps (docs/porting.md lists more). Keras does the same (at other steps in float32).
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class cosine_decay_restarts {
  static_assert(std::is_floating_point_v<T>,
                "lrs::keras::cosine_decay_restarts<T>: T must be "
                "a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if initial_learning_rate < 0, first_decay_steps <= 0 or so
  /// small that step / first_decay_steps overflows, t_mul < 1 (Keras returns NaN once the
  /// shrinking runs are used up), t_mul so large that 1 + step / first_decay_steps * (t_mul - 1)
  /// overflows before step 2^63 - 1 (Keras: NaN), m_mul or alpha outside [0, 1], or a value is
  /// not finite.
  cosine_decay_restarts(T initial_learning_rate, T first_decay_steps, T t_mul = T(2),
                        T m_mul = T(1), T alpha = T(0))
      : lr_(initial_learning_rate),
        steps_(first_decay_steps),
        t_mul_(t_mul),
        m_mul_(m_mul),
        alpha_(alpha) {
    constexpr const char* n = "keras::cosine_decay_restarts";
    ::lrs::detail::require_non_negative(n, "initial_learning_rate", initial_learning_rate);
    ::lrs::detail::require_positive(n, "first_decay_steps", first_decay_steps);
    detail::require_finite_fraction(n, "first_decay_steps", first_decay_steps);
    ::lrs::detail::require_finite(n, "t_mul", t_mul);
    ::lrs::detail::require(t_mul >= T(1), n, "t_mul", ">= 1", t_mul);
    // Keras takes log(1 - f (1 - t_mul)) with f = step / first_decay_steps: an infinite argument
    // makes the run index infinite and the value NaN.
    const T f_max = static_cast<T>(::lrs::detail::step_max) / first_decay_steps;
    ::lrs::detail::require(
        std::isfinite(T(1) - f_max * (T(1) - t_mul)), n, "t_mul",
        "<= " + ::lrs::detail::format_value(T(1) + std::numeric_limits<T>::max() / f_max) +
            " (1 + step / first_decay_steps * (t_mul - 1) must be finite at every step up to "
            "2^63 - 1)",
        t_mul);
    ::lrs::detail::require_in_range(n, "m_mul", m_mul, T(0), T(1));
    ::lrs::detail::require_in_range(n, "alpha", alpha, T(0), T(1));
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::keras::cosine_decay_restarts: step must be >= 0");
    T completed_fraction = static_cast<T>(step) / steps_;
    const T i_restart = restart_index(completed_fraction);
    if (t_mul_ == T(1)) {
      completed_fraction -= i_restart;
    } else {
      const T sum_r = (T(1) - std::pow(t_mul_, i_restart)) / (T(1) - t_mul_);
      completed_fraction = (completed_fraction - sum_r) / std::pow(t_mul_, i_restart);
    }
    const T m_fac = std::pow(m_mul_, i_restart);
    const T cosine_decayed = T(0.5) * m_fac * (T(1) + std::cos(detail::pi<T> * completed_fraction));
    const T decayed = (T(1) - alpha_) * cosine_decayed + alpha_;
    return lr_ * decayed;
  }

  /// Keras's restart index i at step t (0 for the first run), including its rounding quirk.
  [[nodiscard]] T restart(step_t step) const noexcept {
    return restart_index(static_cast<T>(step) / steps_);
  }

  /// The largest value over every step: initial_learning_rate (m_mul and alpha are in [0, 1]).
  [[nodiscard]] T max_value() const noexcept { return lr_; }
  /// Keras's `initial_learning_rate`: the value at t = 0, the first run's peak (>= 0).
  [[nodiscard]] T initial_learning_rate() const noexcept { return lr_; }
  /// Keras's `first_decay_steps`: the steps (> 0) of the first run.
  [[nodiscard]] T first_decay_steps() const noexcept { return steps_; }
  /// Keras's `t_mul` (>= 1): each run is t_mul times longer than the previous one.
  [[nodiscard]] T t_mul() const noexcept { return t_mul_; }
  /// Keras's `m_mul`, in [0, 1]: each run's peak is m_mul times the previous one's.
  [[nodiscard]] T m_mul() const noexcept { return m_mul_; }
  /// Keras's `alpha`, in [0, 1]: the floor of every run as a fraction of initial_learning_rate.
  [[nodiscard]] T alpha() const noexcept { return alpha_; }

 private:
  [[nodiscard]] T restart_index(T completed_fraction) const noexcept {
    if (t_mul_ == T(1)) return std::floor(completed_fraction);
    return std::floor(std::log(T(1) - completed_fraction * (T(1) - t_mul_)) / std::log(t_mul_));
  }

  T lr_, steps_, t_mul_, m_mul_, alpha_;
};

}  // namespace lrs::keras

#endif  // LRS_SCHEDULES_KERAS_HPP
