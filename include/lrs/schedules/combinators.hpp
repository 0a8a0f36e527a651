// SPDX-License-Identifier: MIT
// Schedule combinators: join, scaled, clamped, cycled, shifted, per_epoch, from_values,
// interpolated (with_warmup is in schedules/warmup.hpp).
#ifndef LRS_SCHEDULES_COMBINATORS_HPP
#define LRS_SCHEDULES_COMBINATORS_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>
#include <lrs/core/vocabulary.hpp>
#include <lrs/schedules/sequential.hpp>
#include <lrs/schedules/warmup.hpp>

namespace lrs {

// ---------------------------------------------------------------------------------------------
// join

/// Runs schedules one after the other, each counting from its own start (optax
/// join_schedules): at step t with boundaries[i-1] <= t < boundaries[i],
///
///   lr(t) = schedules[i](t - boundaries[i-1])        (boundaries[-1] = 0)
///
/// This is lrs::sequential (PyTorch's SequentialLR as documented), written schedules first and
/// boundaries second like the run-time form below.
/// @throws lrs::invalid_argument if a boundary is negative or smaller than the one before.
template <class... S>
[[nodiscard]] sequential<S...> join(std::tuple<S...> schedules,
                                    const std::array<step_t, sizeof...(S) - 1>& boundaries) {
  return sequential<S...>(std::move(schedules), boundaries);
}

/// join over schedules chosen at run time: the same semantics, held as any_schedule<T>.
/// @throws as dynamic_sequential.
template <class T>
[[nodiscard]] dynamic_sequential<T> join(std::vector<any_schedule<T>> schedules,
                                         std::vector<step_t> boundaries) {
  return dynamic_sequential<T>(std::move(schedules), std::move(boundaries));
}

// ---------------------------------------------------------------------------------------------
// scaled

/// k s(t): a schedule times a constant factor k >= 0 (a base LR for a factor-valued schedule,
/// or a global LR multiplier). Keeps momentum, max_value(), area() (k times the child's),
/// total_steps() and rebudget().
template <class S>
class scaled {
  LRS_REQUIRE_SCHEDULE_IN("lrs::scaled", "plateau_scaled(scaled(s, k), opts)", S);

 public:
  using value_type = schedule_value_t<S>;  ///< the child's value type

  /// @throws lrs::invalid_argument if k is negative or not finite, or k times the child's
  /// max_value() overflows (scaled(scaled(s, 1e300), 1e300)). A child without a finite
  /// max_value() (a lambda; an any_schedule whose max_value() is NaN) is taken as given:
  /// keeping k s(t) finite is then the caller's precondition.
  scaled(S s, value_type k) : s_(std::move(s)), k_(k) {
    detail::require_finite("scaled", "k", k);
    detail::require_non_negative("scaled", "k", k);
    if constexpr (detail::has_max_value_v<S>) {
      const value_type m = static_cast<value_type>(s_.max_value());
      if (std::isfinite(m))
        detail::require(std::isfinite(k * m), "scaled", "k",
                        "<= " + detail::format_value(std::numeric_limits<value_type>::max() / m) +
                            " (k times the schedule's largest value, " + detail::format_value(m) +
                            ", must be finite)",
                        k);
    }
  }

  /// @pre step >= 0.
  [[nodiscard]] value_type operator()(step_t step) const {
    return k_ * static_cast<value_type>(s_(step));
  }
  /// The child's momentum at `step` (scaling touches only the LR).
  template <bool B = has_momentum_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type momentum(step_t step) const {
    return static_cast<value_type>(s_.momentum(step));
  }
  /// Whether the child cycles a momentum.
  template <bool B = detail::has_momentum_flag_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] bool has_momentum() const noexcept {
    return s_.has_momentum();
  }
  /// k times the child's largest value (for k >= 0).
  template <bool B = detail::has_max_value_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type max_value() const {
    return k_ * static_cast<value_type>(s_.max_value());
  }
  /// k Σ s(t) over [first, last). @throws as the child's area().
  template <bool B = detail::has_area_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type area(step_t first, step_t last) const {
    return k_ * static_cast<value_type>(s_.area(first, last));
  }
  /// The child's budget.
  template <bool B = detail::has_total_steps_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] step_t total_steps() const {
    return s_.total_steps();
  }
  /// k times the child's rebudget(s, new_total).
  template <bool B = detail::has_rebudget_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] auto rebudget(step_t s, step_t new_total) const {
    using child_t = std::decay_t<decltype(s_.rebudget(s, new_total))>;
    return scaled<child_t>(s_.rebudget(s, new_total), k_);
  }
  /// Not available: the child schedule has no budget (a compile error that says so).
  template <bool B = detail::has_rebudget_v<S>, std::enable_if_t<!B, int> = 0>
  void rebudget(step_t, step_t) const {
    LRS_REFUSE_REBUDGET(B, "lrs::scaled", "the child schedule");
  }

  /// The scaled schedule.
  [[nodiscard]] const S& schedule() const noexcept { return s_; }
  /// The factor k.
  [[nodiscard]] value_type k() const noexcept { return k_; }

 private:
  S s_;
  value_type k_;
};

template <class S, class K>
scaled(S, K) -> scaled<S>;

// ---------------------------------------------------------------------------------------------
// clamped

/// clamp(s(t), lo, hi): a schedule kept within [lo, hi] (e.g. a floor under a schedule that
/// decays to 0, or a cap on a cyclic one). Keeps momentum, max_value(), total_steps() and
/// rebudget(); its area() is the general sum.
template <class S>
class clamped {
  LRS_REQUIRE_SCHEDULE_IN("lrs::clamped", "plateau_scaled(clamped(s, lo, hi), opts)", S);

 public:
  using value_type = schedule_value_t<S>;  ///< the child's value type

  /// @param s the schedule clamped. @param lo the floor, >= 0. @param hi the cap, >= lo; may be
  /// +infinity (no cap).
  /// @throws lrs::invalid_argument if lo is negative or not finite, or hi < lo or NaN.
  clamped(S s, value_type lo, value_type hi = std::numeric_limits<value_type>::infinity())
      : s_(std::move(s)), lo_(lo), hi_(hi) {
    detail::require_finite("clamped", "lo", lo);
    detail::require_non_negative("clamped", "lo", lo);
    detail::require(hi >= lo, "clamped", "hi", ">= lo (" + detail::format_value(lo) + ")", hi);
  }

  /// @pre step >= 0.
  [[nodiscard]] value_type operator()(step_t step) const {
    return std::clamp(static_cast<value_type>(s_(step)), lo_, hi_);
  }
  /// The child's momentum at `step` (clamping touches only the LR).
  template <bool B = has_momentum_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type momentum(step_t step) const {
    return static_cast<value_type>(s_.momentum(step));
  }
  /// Whether the child cycles a momentum.
  template <bool B = detail::has_momentum_flag_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] bool has_momentum() const noexcept {
    return s_.has_momentum();
  }
  /// The child's max_value() clamped (an upper bound of every value).
  template <bool B = detail::has_max_value_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type max_value() const {
    const value_type m = static_cast<value_type>(s_.max_value());
    return std::isnan(m) ? m : std::clamp(m, lo_, hi_);
  }
  /// The child's budget.
  template <bool B = detail::has_total_steps_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] step_t total_steps() const {
    return s_.total_steps();
  }
  /// The same clamp around the child's rebudget(s, new_total).
  template <bool B = detail::has_rebudget_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] auto rebudget(step_t s, step_t new_total) const {
    using child_t = std::decay_t<decltype(s_.rebudget(s, new_total))>;
    return clamped<child_t>(s_.rebudget(s, new_total), lo_, hi_);
  }
  /// Not available: the child schedule has no budget (a compile error that says so).
  template <bool B = detail::has_rebudget_v<S>, std::enable_if_t<!B, int> = 0>
  void rebudget(step_t, step_t) const {
    LRS_REFUSE_REBUDGET(B, "lrs::clamped", "the child schedule");
  }

  /// The clamped schedule.
  [[nodiscard]] const S& schedule() const noexcept { return s_; }
  /// The lower bound.
  [[nodiscard]] value_type lo() const noexcept { return lo_; }
  /// The upper bound.
  [[nodiscard]] value_type hi() const noexcept { return hi_; }

 private:
  S s_;
  value_type lo_, hi_;
};

template <class S, class L>
clamped(S, L) -> clamped<S>;
template <class S, class L, class H>
clamped(S, L, H) -> clamped<S>;

// ---------------------------------------------------------------------------------------------
// cycled, shifted, per_epoch: the child at a re-indexed step

namespace detail {

/// What cycled, shifted and per_epoch share: the child's LR, momentum and max_value() at the
/// step Derived::local(t) maps update t to. Derived adds its own area(), total_steps() and
/// rebudget(), which depend on the mapping.
template <class Derived, class S>
class reindexed {
 public:
  using value_type = schedule_value_t<S>;

  /// @pre step >= 0.
  [[nodiscard]] value_type operator()(step_t step) const {
    return static_cast<value_type>(s_(self().local(step)));
  }
  template <bool B = has_momentum_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type momentum(step_t step) const {
    return static_cast<value_type>(s_.momentum(self().local(step)));
  }
  template <bool B = has_momentum_flag_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] bool has_momentum() const noexcept {
    return s_.has_momentum();
  }
  /// The child's max_value() (an upper bound of every value).
  template <bool B = has_max_value_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type max_value() const {
    return static_cast<value_type>(s_.max_value());
  }
  [[nodiscard]] const S& schedule() const noexcept { return s_; }

 protected:
  explicit reindexed(S s) : s_(std::move(s)) {}
  S s_;

 private:
  [[nodiscard]] const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
};

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// cycled

/// s(t mod period): the first `period` steps of a schedule, repeated (a budgeted schedule over
/// each cycle, restarts without a warm-up in between). Keeps momentum, max_value() and area()
/// (whole cycles at once from the child's area()).
template <class S>
class cycled : public detail::reindexed<cycled<S>, S> {
  LRS_REQUIRE_SCHEDULE_IN("lrs::cycled", "plateau_scaled(cycled(s, period), opts)", S);
  using base = detail::reindexed<cycled<S>, S>;
  friend base;
  using base::s_;

 public:
  using typename base::value_type;

  /// @throws lrs::invalid_argument if period < 1.
  cycled(S s, step_t period) : base(std::move(s)), period_(period) {
    detail::require_positive("cycled", "period", period);
  }

  /// Σ lr(t) over [first, last). @throws lrs::invalid_argument if first < 0 or last < first.
  template <bool B = detail::has_area_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type area(step_t first, step_t last) const {
    detail::require_non_negative("cycled::area", "first", first);
    detail::require(last >= first, "cycled::area", "last", ">= first", last);
    const step_t c0 = first / period_, c1 = last / period_;
    long double sum = 0;
    if (c0 == c1) return static_cast<value_type>(s_.area(first % period_, last % period_));
    sum += static_cast<long double>(s_.area(first % period_, period_));
    if (c1 - c0 > 1)
      sum += static_cast<long double>(s_.area(0, period_)) * static_cast<long double>(c1 - c0 - 1);
    sum += static_cast<long double>(s_.area(0, last % period_));
    return static_cast<value_type>(sum);
  }

  /// The period P.
  [[nodiscard]] step_t period() const noexcept { return period_; }

 private:
  [[nodiscard]] step_t local(step_t step) const noexcept { return step % period_; }
  step_t period_;
};

template <class S>
cycled(S, step_t) -> cycled<S>;

// ---------------------------------------------------------------------------------------------
// shifted

/// s(t - k) for t >= k, holding s(0) before: a schedule that starts k steps late. Keeps
/// momentum, max_value(), area(), total_steps() (+ k) and rebudget().
template <class S>
class shifted : public detail::reindexed<shifted<S>, S> {
  LRS_REQUIRE_SCHEDULE_IN("lrs::shifted", "plateau_scaled(shifted(s, k), opts)", S);
  using base = detail::reindexed<shifted<S>, S>;
  friend base;
  using base::s_;

 public:
  using typename base::value_type;

  /// @throws lrs::invalid_argument if k < 0.
  shifted(S s, step_t k) : base(std::move(s)), k_(k) {
    detail::require_non_negative("shifted", "k", k);
  }

  /// Σ lr(t) over [first, last): k s(0) for the held steps, the child's area() for the rest.
  /// @throws lrs::invalid_argument if first < 0 or last < first.
  template <bool B = detail::has_area_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type area(step_t first, step_t last) const {
    detail::require_non_negative("shifted::area", "first", first);
    detail::require(last >= first, "shifted::area", "last", ">= first", last);
    long double sum = 0;
    if (first < k_) {
      const step_t m = std::min(last, k_);
      sum += static_cast<long double>(s_(0)) * static_cast<long double>(m - first);
      first = m;
    }
    if (first < last) sum += static_cast<long double>(s_.area(first - k_, last - k_));
    return static_cast<value_type>(sum);
  }
  /// The child's budget plus the shift k.
  template <bool B = detail::has_total_steps_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] step_t total_steps() const {
    return detail::add_sat(s_.total_steps(), k_);
  }
  /// The child re-budgeted to end at new_total - k, shifted by k.
  /// @throws lrs::invalid_argument if new_total <= k, or as the child's rebudget().
  template <bool B = detail::has_rebudget_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] auto rebudget(step_t s, step_t new_total) const {
    detail::require_non_negative("shifted::rebudget", "s", s);
    detail::require(new_total > k_, "shifted::rebudget", "new_total",
                    "> k (" + detail::format_value(k_) + ")", new_total);
    using child_t = std::decay_t<decltype(s_.rebudget(s, new_total))>;
    return shifted<child_t>(s_.rebudget(local(s), new_total - k_), k_);
  }
  /// Not available: the child schedule has no budget (a compile error that says so).
  template <bool B = detail::has_rebudget_v<S>, std::enable_if_t<!B, int> = 0>
  void rebudget(step_t, step_t) const {
    LRS_REFUSE_REBUDGET(B, "lrs::shifted", "the child schedule");
  }

  /// The shift k.
  [[nodiscard]] step_t k() const noexcept { return k_; }

 private:
  [[nodiscard]] step_t local(step_t step) const noexcept { return step < k_ ? 0 : step - k_; }
  step_t k_;
};

template <class S>
shifted(S, step_t) -> shifted<S>;

// ---------------------------------------------------------------------------------------------
// per_epoch

/// s(floor(t / steps_per_epoch)): an epoch-indexed schedule (one PyTorch users step once per
/// epoch, e.g. StepLR(step_size=30) meaning 30 epochs) applied at every update. Keeps momentum,
/// max_value(), area() (one term per epoch) and total_steps() (times steps_per_epoch).
template <class S>
class per_epoch : public detail::reindexed<per_epoch<S>, S> {
  LRS_REQUIRE_SCHEDULE_IN("lrs::per_epoch", "plateau_scaled(per_epoch(s, steps_per_epoch), opts)",
                          S);
  using base = detail::reindexed<per_epoch<S>, S>;
  friend base;
  using base::s_;

 public:
  using typename base::value_type;

  /// @throws lrs::invalid_argument if steps_per_epoch < 1.
  per_epoch(S s, step_t steps_per_epoch) : base(std::move(s)), spe_(steps_per_epoch) {
    detail::require_positive("per_epoch", "steps_per_epoch", steps_per_epoch);
  }

  /// Σ lr(t) over [first, last), one term per epoch (steps_per_epoch times the epoch's value).
  /// @throws lrs::invalid_argument if first < 0 or last < first.
  [[nodiscard]] value_type area(step_t first, step_t last) const {
    detail::require_non_negative("per_epoch::area", "first", first);
    detail::require(last >= first, "per_epoch::area", "last", ">= first", last);
    long double sum = 0;
    for (step_t t = first; t < last;) {
      const step_t e = t / spe_;
      const step_t next = e >= (last - 1) / spe_ ? last : (e + 1) * spe_;
      sum += static_cast<long double>(s_(e)) * static_cast<long double>(next - t);
      t = next;
    }
    return static_cast<value_type>(sum);
  }
  /// The child's budget in epochs times steps_per_epoch.
  template <bool B = detail::has_total_steps_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] step_t total_steps() const {
    const step_t e = s_.total_steps();
    return e > detail::step_max / spe_ ? detail::step_max : e * spe_;
  }

  /// The number of steps in an epoch.
  [[nodiscard]] step_t steps_per_epoch() const noexcept { return spe_; }

 private:
  [[nodiscard]] step_t local(step_t step) const noexcept { return step / spe_; }
  step_t spe_;
};

template <class S>
per_epoch(S, step_t) -> per_epoch<S>;

// ---------------------------------------------------------------------------------------------
// from_values

/// A recorded or exported LR sequence as a schedule: lr(t) = values[t] for t < n, then
/// past_end::hold (the last value, the default) or past_end::cycle (values[t mod n]).
/// Keeps max_value() and an exact area() (prefix sums).
/// @tparam T the learning-rate type.
template <class T = double>
class from_values {
  static_assert(std::is_floating_point_v<T>, "lrs::from_values<T>: T must be floating-point");

 public:
  using value_type = T;  ///< the learning rate's floating-point type

  /// @throws lrs::invalid_argument if values is empty, a value is negative or not finite, or
  /// past_end is floor (a list of values has no floor: use clamped).
  explicit from_values(std::vector<T> values, lrs::past_end past_end = lrs::past_end::hold)
      : values_(std::move(values)), past_end_(past_end) {
    detail::require(!values_.empty(), "from_values", "the number of values", ">= 1",
                    values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) {
      const std::string name = "values[" + std::to_string(i) + "]";
      detail::require_finite("from_values", name, values_[i]);
      detail::require_non_negative("from_values", name, values_[i]);
    }
    detail::require(past_end != lrs::past_end::floor, "from_values", "past_end", "hold or cycle",
                    name_of(past_end));
    prefix_.resize(values_.size() + 1);
    prefix_[0] = 0;
    for (std::size_t i = 0; i < values_.size(); ++i)
      prefix_[i + 1] = prefix_[i] + static_cast<long double>(values_[i]);
    max_ = *std::max_element(values_.begin(), values_.end());
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::from_values: step must be >= 0");
    return values_[index(step)];
  }
  /// The largest of the values.
  [[nodiscard]] T max_value() const noexcept { return max_; }
  /// The number of values.
  [[nodiscard]] step_t total_steps() const noexcept { return n(); }
  /// Σ lr(t) over [first, last), exact (prefix sums in long double).
  /// @throws lrs::invalid_argument if first < 0 or last < first.
  [[nodiscard]] T area(step_t first, step_t last) const {
    detail::require_non_negative("from_values::area", "first", first);
    detail::require(last >= first, "from_values::area", "last", ">= first", last);
    return static_cast<T>(sum_to(last) - sum_to(first));
  }
  /// The values, one per step.
  [[nodiscard]] const std::vector<T>& values() const noexcept { return values_; }
  /// What steps past the last value return.
  [[nodiscard]] lrs::past_end past_end() const noexcept { return past_end_; }

 private:
  [[nodiscard]] step_t n() const noexcept { return static_cast<step_t>(values_.size()); }
  [[nodiscard]] std::size_t index(step_t step) const noexcept {
    if (step < n()) return static_cast<std::size_t>(step);
    return past_end_ == lrs::past_end::cycle ? static_cast<std::size_t>(step % n())
                                             : values_.size() - 1;
  }
  // Σ lr(t) for t in [0, last).
  [[nodiscard]] long double sum_to(step_t last) const noexcept {
    if (last <= n()) return prefix_[static_cast<std::size_t>(last)];
    if (past_end_ == lrs::past_end::hold)
      return prefix_.back() + static_cast<long double>(values_.back()) * (last - n());
    return prefix_.back() * static_cast<long double>(last / n()) +
           prefix_[static_cast<std::size_t>(last % n())];
  }

  std::vector<T> values_;
  lrs::past_end past_end_;
  std::vector<long double> prefix_;
  T max_ = T(0);
};

template <class T>
from_values(std::vector<T>) -> from_values<T>;
template <class T>
from_values(std::vector<T>, past_end) -> from_values<T>;

// ---------------------------------------------------------------------------------------------
// interpolated

/// How interpolated() goes from one value to the next.
enum class interpolation {
  linear,  ///< v_i + (v_{i+1} - v_i) f
  cosine,  ///< v_{i+1} + (v_i - v_{i+1}) (1 + cos(pi f)) / 2
};

/// The spec names of the interpolations.
template <>
struct enum_names<interpolation> {
  /// Each interpolation with its name.
  static constexpr enum_name<interpolation> table[] = {{interpolation::linear, "linear"},
                                                       {interpolation::cosine, "cosine"}};
};

/// Values given at boundary steps, interpolated in between (optax
/// piecewise_interpolate_schedule, with absolute values instead of cumulative scales):
///
///   t <= b_0:               v_0
///   b_i <= t < b_{i+1}:     interpolate v_i -> v_{i+1} at f = (t - b_i) / (b_{i+1} - b_i)
///   t >= b_{n-1}:           v_{n-1}
///
/// optax's piecewise_interpolate_schedule(type, init, {b_1: f_1, ...}) is
/// interpolated({0, b_1, ...}, {init, init f_1, init f_1 f_2, ...}, type).
/// Keeps max_value() (the largest v_i: both interpolations stay between their ends).
/// @tparam T the learning-rate type.
template <class T = double>
class interpolated {
  static_assert(std::is_floating_point_v<T>, "lrs::interpolated<T>: T must be floating-point");

 public:
  using value_type = T;  ///< the learning rate's floating-point type

  /// @throws lrs::invalid_argument if boundaries is empty, the sizes differ, a boundary is
  /// negative or not larger than the one before, or a value is negative or not finite.
  interpolated(std::vector<step_t> boundaries, std::vector<T> values,
               lrs::interpolation interpolation = lrs::interpolation::linear)
      : b_(std::move(boundaries)), v_(std::move(values)), kind_(interpolation) {
    constexpr std::string_view name = "interpolated";
    detail::require(!b_.empty(), name, "the number of boundaries", ">= 1", b_.size());
    detail::require(v_.size() == b_.size(), name, "the number of values",
                    "the number of boundaries (" + std::to_string(b_.size()) + ")", v_.size());
    for (std::size_t i = 0; i < b_.size(); ++i) {
      const std::string bn = "boundaries[" + std::to_string(i) + "]";
      detail::require_non_negative(name, bn, b_[i]);
      if (i > 0)
        detail::require(b_[i] > b_[i - 1], name, bn,
                        "> the boundary before it (" + std::to_string(b_[i - 1]) + ")", b_[i]);
      const std::string vn = "values[" + std::to_string(i) + "]";
      detail::require_finite(name, vn, v_[i]);
      detail::require_non_negative(name, vn, v_[i]);
    }
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::interpolated: step must be >= 0");
    if (step <= b_.front()) return v_.front();
    if (step >= b_.back()) return v_.back();
    const std::size_t i =
        static_cast<std::size_t>(std::upper_bound(b_.begin(), b_.end(), step) - b_.begin()) - 1;
    const T f = static_cast<T>(step - b_[i]) / static_cast<T>(b_[i + 1] - b_[i]);
    const T a = v_[i], z = v_[i + 1];
    if (kind_ == lrs::interpolation::linear) return (z - a) * f + a;
    return z + (a - z) / T(2) * (std::cos(detail::pi_v<T> * f) + T(1));
  }
  /// The largest of the values.
  [[nodiscard]] T max_value() const noexcept { return *std::max_element(v_.begin(), v_.end()); }
  /// The last boundary: the value is held from there on.
  [[nodiscard]] step_t total_steps() const noexcept { return b_.back(); }
  /// The steps of the values.
  [[nodiscard]] const std::vector<step_t>& boundaries() const noexcept { return b_; }
  /// The values at the boundaries.
  [[nodiscard]] const std::vector<T>& values() const noexcept { return v_; }
  /// How values between boundaries are interpolated.
  [[nodiscard]] lrs::interpolation interpolation() const noexcept { return kind_; }

 private:
  std::vector<step_t> b_;
  std::vector<T> v_;
  lrs::interpolation kind_;
};

}  // namespace lrs

#endif  // LRS_SCHEDULES_COMBINATORS_HPP
