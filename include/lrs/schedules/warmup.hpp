// SPDX-License-Identifier: MIT
// lrs::with_warmup: a linear, cosine or exponential warm-up in front of (or over the start of)
// any schedule.
#ifndef LRS_SCHEDULES_WARMUP_HPP
#define LRS_SCHEDULES_WARMUP_HPP

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>
#include <lrs/core/vocabulary.hpp>

namespace lrs {
namespace detail {

/// log(end / start) for an exponential warm-up (start, end > 0), also where end / start
/// overflows or underflows (then as a difference of logarithms).
template <class T>
[[nodiscard]] T warmup_log_ratio(T start, T end) noexcept {
  const T ratio = end / start;
  return std::isfinite(ratio) && ratio > T(0) ? std::log(ratio) : std::log(end) - std::log(start);
}

/// The warm-up curve at step t of W (0 <= t < W): from `start` at t = 0 towards `end` at t = W.
/// `log_ratio` is warmup_log_ratio(start, end) for the exponential shape (unused otherwise).
template <class T>
[[nodiscard]] T warmup_curve(warmup_shape shape, T start, T end, T log_ratio, step_t t,
                             step_t W) noexcept {
  const T u = static_cast<T>(t) / static_cast<T>(W);
  switch (shape) {
    case warmup_shape::linear:
      return start + (end - start) * u;
    case warmup_shape::cosine:
      // Halving first is exact and keeps the product from overflowing.
      return start + (end - start) * ((T(1) - std::cos(detail::pi_v<T> * u)) / T(2));
    case warmup_shape::exponential: {
      // exp of a large log_ratio is off by a few ulps times |log_ratio| (1.5e-6 in float for
      // a ratio of 1e19): kept within [start, end] where the formula puts it.
      const T v = start * std::exp(log_ratio * u);
      if (std::isfinite(v) && v > T(0))
        return std::clamp(v, std::min(start, end), std::max(start, end));
      // (end / start)^u alone overflows or underflows for far-apart ends: work with
      // logarithms, in long double so that their rounding (~ |log| eps) costs little, and keep
      // the result in [start, end] where the formula puts it.
      const long double ls = std::log(static_cast<long double>(start));
      const long double le = std::log(static_cast<long double>(end));
      const T w = static_cast<T>(std::exp(ls + (le - ls) * static_cast<long double>(u)));
      return std::clamp(w, std::min(start, end), std::max(start, end));
    }
  }
  return end;
}

/// Σ of the warm-up curve over [a, b), 0 <= a <= b <= W: closed form for the linear shape.
template <class T>
[[nodiscard]] long double warmup_area(warmup_shape shape, T start, T end, T log_ratio, step_t a,
                                      step_t b, step_t W) noexcept {
  long double sum = 0;
  if (shape == warmup_shape::linear) {
    // start + (end - start) t / W summed: n start + (end - start) / W * Σ t.
    const long double n = static_cast<long double>(b - a);
    const long double st = (static_cast<long double>(a) + static_cast<long double>(b) - 1) * n / 2;
    return n * start + static_cast<long double>(end - start) * st / W;
  }
  for (step_t t = a; t < b; ++t) sum += warmup_curve(shape, start, end, log_ratio, t, W);
  return sum;
}

}  // namespace detail

/// Where a warm-up sits relative to the schedule it leads into.
enum class warmup_mode {
  /// The schedule starts counting after the warm-up: lr(t) = s(t - W) for t >= W, and the
  /// warm-up rises to s(0) (optax join_schedules, Hugging Face get_*_schedule_with_warmup, timm
  /// warmup_prefix=True). The default.
  prefix,
  /// The warm-up replaces the first W steps of s: lr(t) = s(t) for t >= W, and the warm-up
  /// rises to s(W) (timm warmup_prefix=False, as its TanhLR does it).
  overlay,
};

/// The spec names of the warm-up modes.
template <>
struct enum_names<warmup_mode> {
  /// Each mode with its name.
  static constexpr enum_name<warmup_mode> table[] = {{warmup_mode::prefix, "prefix"},
                                                     {warmup_mode::overlay, "overlay"}};
};

/// Options of with_warmup; every field has a working default. In portable C++17 set fields with
/// the chainable setters: `lrs::warmup_options<>{}.with_warmup_start(0.0)`.
template <class T = double>
struct warmup_options {
  /// Shape of the rise.
  lrs::warmup_shape warmup_shape = lrs::warmup_shape::linear;
  /// Value at step 0. When not given: end / (W + 1), so that the first update is not wasted
  /// (lr(0) > 0 whenever the end value is) and a linear warm-up is end (t + 1) / (W + 1).
  /// Give 0 for the warm-up of optax / Hugging Face / timm's defaults (lr(0) = 0).
  std::optional<T> warmup_start;
  /// prefix (s starts after the warm-up) or overlay (the warm-up replaces s's first W steps).
  warmup_mode mode = warmup_mode::prefix;

  /// Sets `warmup_shape` (see the field); returns *this for chaining.
  constexpr warmup_options& with_warmup_shape(lrs::warmup_shape v) noexcept {
    warmup_shape = v;
    return *this;
  }
  /// Sets `warmup_start` (see the field); returns *this for chaining.
  warmup_options& with_warmup_start(std::optional<T> v) noexcept {
    warmup_start = v;
    return *this;
  }
  /// Sets `mode` (see the field); returns *this for chaining.
  constexpr warmup_options& with_mode(warmup_mode v) noexcept {
    mode = v;
    return *this;
  }
};

/// A warm-up of W steps in front of any schedule s (a lambda, an any_schedule, a budgeted
/// schedule, a PyTorch-parity one, ...):
///
///   t <  W:  warm-up from `start` towards e (linear, cosine or exponential in u = t / W)
///   t >= W:  s(t - W)  (prefix, the default)   or   s(t)  (overlay)
///
/// where e = s(0) (prefix) or s(W) (overlay) is the value the warm-up hands over to, so the
/// result is continuous at W. The default start e / (W + 1) never wastes the first update;
/// `warmup_start = 0` gives the usual warm-up from zero. W = 0 is s itself.
///
/// A pure schedule: a value type with a const call, safe to share. It keeps what the child has:
/// cycled momentum (held at s's momentum(0) during a prefix warm-up, s's own during an overlay),
/// max_value(), an exact area() (closed form over a linear warm-up), total_steps() and
/// rebudget().
/// Goyal et al., "Accurate, Large Minibatch SGD", arXiv:1706.02677 (gradual warm-up).
/// @tparam S the schedule warmed up.
template <class S>
class with_warmup {
  LRS_REQUIRE_SCHEDULE_IN("lrs::with_warmup", "plateau_scaled(with_warmup(s, W), opts)", S);

 public:
  using value_type = schedule_value_t<S>;           ///< the child's value type
  using options_type = warmup_options<value_type>;  ///< the options struct

  /// @param s the schedule. @param warmup_steps W >= 0.
  /// @param opts the shape, start (default: the value handed over to / (W + 1)) and mode.
  /// @throws lrs::invalid_argument if warmup_steps < 0, the value handed over to (s(0) or s(W))
  /// is negative or not finite, warmup_start is negative or not finite, or the shape is
  /// exponential and warmup_start or the value handed over to is not > 0.
  with_warmup(S s, step_t warmup_steps, const options_type& opts = {})
      : s_(std::move(s)), warmup_(warmup_steps), shape_(opts.warmup_shape), mode_(opts.mode) {
    constexpr std::string_view name = "with_warmup";
    detail::require_non_negative(name, "warmup_steps", warmup_steps);
    if (opts.warmup_start) {
      detail::require_finite(name, "warmup_start", *opts.warmup_start);
      detail::require_non_negative(name, "warmup_start", *opts.warmup_start);
    }
    if (warmup_ == 0) return;
    end_ = static_cast<value_type>(mode_ == warmup_mode::prefix ? s_(0) : s_(warmup_));
    detail::require_finite(name, mode_ == warmup_mode::prefix ? "s(0)" : "s(warmup_steps)", end_);
    detail::require_non_negative(name, mode_ == warmup_mode::prefix ? "s(0)" : "s(warmup_steps)",
                                 end_);
    // W + 1 in floating point: W may be 2^63 - 1.
    start_ = opts.warmup_start ? *opts.warmup_start
                               : end_ / (static_cast<value_type>(warmup_) + value_type(1));
    if (shape_ == lrs::warmup_shape::exponential) {
      detail::require_positive(name, "warmup_start", start_);
      detail::require_positive(name, mode_ == warmup_mode::prefix ? "s(0)" : "s(warmup_steps)",
                               end_);
      log_ratio_ = detail::warmup_log_ratio(start_, end_);
    }
  }

  /// The learning rate of update `step`. @pre step >= 0.
  [[nodiscard]] value_type operator()(step_t step) const {
    LRS_ASSERT(step >= 0, "lrs::with_warmup: step must be >= 0");
    if (step < warmup_)
      return detail::warmup_curve(shape_, start_, end_, log_ratio_, step, warmup_);
    return static_cast<value_type>(s_(child_step(step)));
  }

  /// The child's momentum: s.momentum(0) during a prefix warm-up, else at the child's step.
  template <bool B = has_momentum_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type momentum(step_t step) const {
    return static_cast<value_type>(
        s_.momentum(step < warmup_ && mode_ == warmup_mode::prefix ? 0 : child_step(step)));
  }
  /// Whether the (type-erased) child cycles momentum.
  template <bool B = detail::has_momentum_flag_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] bool has_momentum() const noexcept {
    return s_.has_momentum();
  }

  /// The largest value: the child's, or the warm-up's start when it is larger.
  template <bool B = detail::has_max_value_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type max_value() const {
    const value_type m = static_cast<value_type>(s_.max_value());
    return std::isnan(m) ? m : std::max({m, start_, end_});
  }

  /// Σ lr(t) over [first, last): the warm-up in closed form (linear) or summed, the rest from the
  /// child's own area(). @throws lrs::invalid_argument if first < 0 or last < first.
  template <bool B = detail::has_area_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type area(step_t first, step_t last) const {
    detail::require_non_negative("with_warmup::area", "first", first);
    detail::require(last >= first, "with_warmup::area", "last", ">= first", last);
    long double sum = 0;
    if (first < warmup_) {
      const step_t m = std::min(last, warmup_);
      sum += detail::warmup_area(shape_, start_, end_, log_ratio_, first, m, warmup_);
      first = m;
    }
    if (first < last) sum += static_cast<long double>(s_.area(child_step(first), child_step(last)));
    return static_cast<value_type>(sum);
  }

  /// The child's budget, plus the warm-up in prefix mode.
  template <bool B = detail::has_total_steps_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] step_t total_steps() const {
    return mode_ == warmup_mode::prefix ? detail::add_sat(s_.total_steps(), warmup_)
                                        : s_.total_steps();
  }

  /// The same warm-up in front of the child re-budgeted so that the whole ends at new_total:
  /// equal to this schedule before s and continuous at s (see the child's rebudget()).
  /// @throws lrs::invalid_argument if s < 0, new_total <= warmup_steps() (prefix), s is inside
  /// an overlay warm-up (its end value would move), or as the child's rebudget().
  template <bool B = detail::has_rebudget_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] auto rebudget(step_t s, step_t new_total) const {
    constexpr std::string_view name = "with_warmup::rebudget";
    detail::require_non_negative(name, "s", s);
    using child_t = std::decay_t<decltype(s_.rebudget(s, new_total))>;
    options_type o;
    o.warmup_shape = shape_;
    o.mode = mode_;
    if (warmup_ > 0) o.warmup_start = start_;
    if (mode_ == warmup_mode::prefix) {
      detail::require(new_total > warmup_, name, "new_total",
                      "> warmup_steps (" + detail::format_value(warmup_) + ")", new_total);
      return with_warmup<child_t>(
          s_.rebudget(std::max<step_t>(0, s - warmup_), new_total - warmup_), warmup_, o);
    }
    detail::require(s >= warmup_, name, "s", ">= warmup_steps in overlay mode", s);
    return with_warmup<child_t>(s_.rebudget(s, new_total), warmup_, o);
  }
  /// Not available: the child schedule has no budget (a compile error that says so).
  template <bool B = detail::has_rebudget_v<S>, std::enable_if_t<!B, int> = 0>
  void rebudget(step_t, step_t) const {
    LRS_REFUSE_REBUDGET(B, "lrs::with_warmup", "the warmed-up schedule");
  }

  /// The schedule warmed up.
  [[nodiscard]] const S& schedule() const noexcept { return s_; }
  /// The warm-up length W.
  [[nodiscard]] step_t warmup_steps() const noexcept { return warmup_; }
  /// The value at step 0 (when warmup_steps() > 0).
  [[nodiscard]] value_type warmup_start() const noexcept { return start_; }
  /// The value the warm-up hands over to: s(0) (prefix) or s(W) (overlay).
  [[nodiscard]] value_type warmup_end() const noexcept { return end_; }
  /// The shape of the warm-up.
  [[nodiscard]] lrs::warmup_shape warmup_shape() const noexcept { return shape_; }
  /// prefix or overlay.
  [[nodiscard]] warmup_mode mode() const noexcept { return mode_; }

 private:
  [[nodiscard]] step_t child_step(step_t step) const noexcept {
    return mode_ == warmup_mode::prefix ? (step < warmup_ ? 0 : step - warmup_) : step;
  }

  S s_;
  step_t warmup_ = 0;
  lrs::warmup_shape shape_ = lrs::warmup_shape::linear;
  warmup_mode mode_ = warmup_mode::prefix;
  value_type start_ = value_type(0), end_ = value_type(0), log_ratio_ = value_type(0);
};

template <class S>
with_warmup(S, step_t) -> with_warmup<S>;
template <class S, class T>
with_warmup(S, step_t, const warmup_options<T>&) -> with_warmup<S>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_WARMUP_HPP
