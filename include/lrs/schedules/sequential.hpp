// SPDX-License-Identifier: MIT
// lrs::sequential and lrs::dynamic_sequential: schedules that take over at milestones
// (PyTorch's SequentialLR).
#ifndef LRS_SCHEDULES_SEQUENTIAL_HPP
#define LRS_SCHEDULES_SEQUENTIAL_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/traits.hpp>

namespace lrs {
namespace detail {

template <class It>
void check_milestones(const char* type, It first, It last) {
  step_t prev = 0;
  std::size_t i = 0;
  for (It it = first; it != last; ++it, ++i) {
    const std::string name = "milestones[" + std::to_string(i) + "]";
    require_non_negative(type, name, *it);
    require(*it >= prev, type, name, ">= the milestone before it (" + std::to_string(prev) + ")",
            *it);
    prev = *it;
  }
}

/// Index of the child in charge of `step`: the number of milestones <= step (Python's
/// bisect_right, as SequentialLR uses).
template <class It>
std::size_t segment_of(It first, It last, step_t step) noexcept {
  return static_cast<std::size_t>(std::upper_bound(first, last, step) - first);
}

}  // namespace detail

/// Runs `children[0]` until `milestones[0]`, then `children[1]` until `milestones[1]`, and so on.
/// Each child sees steps counted from its own start: at step t in segment i,
///
///   lr(t) = children[i](t - milestones[i-1])        (milestones[-1] = 0)
///
/// This is PyTorch's SequentialLR as documented. (PyTorch 1.x evaluates some children one step
/// off at a milestone; lrs follows the documented intent, see docs/pytorch_parity.md.)
/// @tparam S the children's schedule types, at least one.
/// @pre milestones are >= 0 and non-decreasing; step >= 0 when evaluated.
template <class... S>
class sequential {
  static_assert(sizeof...(S) >= 1, "lrs::sequential needs at least one schedule");
  LRS_REQUIRE_SCHEDULE_IN("lrs::sequential (join)", "plateau_scaled(join(...), opts)", S...);

 public:
  /// The common type of the children's value types, what operator() returns.
  using value_type = std::common_type_t<schedule_value_t<S>...>;
  /// One milestone per child but the first: the global step at which child i + 1 takes over.
  using milestones_type = std::array<step_t, sizeof...(S) - 1>;

  /// Schedules first, then milestones, like dynamic_sequential and lrs::join.
  /// @throws lrs::invalid_argument if a milestone is negative or smaller than the one before.
  sequential(std::tuple<S...> children, const milestones_type& milestones)
      : milestones_(milestones), children_(std::move(children)) {
    detail::check_milestones("sequential", milestones_.begin(), milestones_.end());
  }

  /// @pre step >= 0.
  [[nodiscard]] value_type operator()(step_t step) const {
    LRS_ASSERT(step >= 0, "lrs::sequential: step must be >= 0");
    return dispatch(
        step, [](const auto& child, step_t local) { return value_type(child(local)); },
        std::index_sequence_for<S...>{});
  }

  /// The momentum of the child in charge, when every child cycles momentum.
  template <bool B = (has_momentum_v<S> && ...), std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type momentum(step_t step) const {
    return dispatch(
        step, [](const auto& child, step_t local) { return value_type(child.momentum(local)); },
        std::index_sequence_for<S...>{});
  }

  /// The largest of the children's max_value() (only when every child has one; NaN when an
  /// any_schedule child does not say).
  template <bool B = (detail::has_max_value_v<S> && ...), std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type max_value() const {
    const std::array<value_type, sizeof...(S)> v = std::apply(
        [](const auto&... c) { return std::array{static_cast<value_type>(c.max_value())...}; },
        children_);
    value_type m = value_type(0);
    for (const value_type x : v) {
      if (std::isnan(x)) return x;
      m = std::max(m, x);
    }
    return m;
  }

  /// Σ lr(t) over [first, last), from the children's own area() (only when every child has
  /// one). @throws lrs::invalid_argument if first < 0 or last < first.
  template <bool B = (detail::has_area_v<S> && ...), std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type area(step_t first, step_t last) const {
    detail::require_non_negative("sequential::area", "first", first);
    detail::require(last >= first, "sequential::area", "last", ">= first", last);
    long double sum = 0;
    while (first < last) {
      const std::size_t seg = detail::segment_of(milestones_.begin(), milestones_.end(), first);
      const step_t start = seg == 0 ? 0 : milestones_[seg - 1];
      const step_t end = seg < milestones_.size() ? std::min(last, milestones_[seg]) : last;
      sum += area_of(seg, first - start, end - start, std::index_sequence_for<S...>{});
      first = end;
    }
    return static_cast<value_type>(sum);
  }

  /// PyTorch's SequentialLR.milestones: non-negative, non-decreasing global steps.
  [[nodiscard]] const milestones_type& milestones() const noexcept { return milestones_; }
  /// The children, in the order they run.
  [[nodiscard]] const std::tuple<S...>& children() const noexcept { return children_; }

 private:
  template <class F, std::size_t... I>
  value_type dispatch(step_t step, F f, std::index_sequence<I...>) const {
    const std::size_t seg = detail::segment_of(milestones_.begin(), milestones_.end(), step);
    const step_t start = seg == 0 ? 0 : milestones_[seg - 1];
    value_type out{};
    // Exactly one child matches seg; the fold stops at it.
    (void)((seg == I ? (out = f(std::get<I>(children_), step - start), true) : false) || ...);
    return out;
  }

  template <std::size_t... I>
  long double area_of(std::size_t seg, step_t a, step_t b, std::index_sequence<I...>) const {
    long double out = 0;
    (void)((seg == I ? (out = static_cast<long double>(std::get<I>(children_).area(a, b)), true)
                     : false) ||
           ...);
    return out;
  }

  milestones_type milestones_;
  std::tuple<S...> children_;
};

template <class... S>
sequential(std::tuple<S...>, const std::array<step_t, sizeof...(S) - 1>&) -> sequential<S...>;

/// sequential over schedules chosen at run time: the same semantics as lrs::sequential, with the
/// children held as any_schedule<T> and the milestones in a vector.
/// @pre children is non-empty and milestones.size() == children.size() - 1.
template <class T = double>
class dynamic_sequential {
 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if children is empty, any child is empty, the milestone count
  /// is not children.size() - 1, or the milestones are negative or decreasing.
  dynamic_sequential(std::vector<any_schedule<T>> children, std::vector<step_t> milestones)
      : children_(std::move(children)), milestones_(std::move(milestones)) {
    detail::require(!children_.empty(), "sequential", "the number of schedulers", ">= 1",
                    children_.size());
    for (std::size_t i = 0; i < children_.size(); ++i)
      detail::require(!children_[i].empty(), "sequential", "schedulers[" + std::to_string(i) + "]",
                      "a schedule", "an empty schedule");
    detail::require(
        milestones_.size() + 1 == children_.size(), "sequential", "the number of milestones",
        "one less than the number of schedulers (" + std::to_string(children_.size() - 1) + ")",
        milestones_.size());
    detail::check_milestones("sequential", milestones_.begin(), milestones_.end());
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const {
    LRS_ASSERT(step >= 0, "lrs::dynamic_sequential: step must be >= 0");
    const std::size_t seg = detail::segment_of(milestones_.begin(), milestones_.end(), step);
    return children_[seg](step - (seg == 0 ? 0 : milestones_[seg - 1]));
  }

  /// True when every child cycles momentum.
  [[nodiscard]] bool has_momentum() const noexcept {
    return std::all_of(children_.begin(), children_.end(),
                       [](const any_schedule<T>& c) { return c.has_momentum(); });
  }
  /// @pre has_momentum() and step >= 0.
  [[nodiscard]] T momentum(step_t step) const {
    const std::size_t seg = detail::segment_of(milestones_.begin(), milestones_.end(), step);
    return children_[seg].momentum(step - (seg == 0 ? 0 : milestones_[seg - 1]));
  }

  /// The largest of the children's max_value(); NaN if a child has none.
  [[nodiscard]] T max_value() const {
    T m = T(0);
    for (const auto& c : children_) {
      const T v = c.max_value();
      if (std::isnan(v)) return v;
      m = std::max(m, v);
    }
    return m;
  }

  /// The children, in the order they run (none empty).
  [[nodiscard]] const std::vector<any_schedule<T>>& children() const noexcept { return children_; }
  /// PyTorch's SequentialLR.milestones: children().size() - 1 non-negative, non-decreasing global
  /// steps.
  [[nodiscard]] const std::vector<step_t>& milestones() const noexcept { return milestones_; }

 private:
  std::vector<any_schedule<T>> children_;
  std::vector<step_t> milestones_;
};

}  // namespace lrs

#endif  // LRS_SCHEDULES_SEQUENTIAL_HPP
