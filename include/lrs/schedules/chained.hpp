// SPDX-License-Identifier: MIT
// lrs::chained and lrs::dynamic_chained: the product of schedules (PyTorch's ChainedScheduler).
#ifndef LRS_SCHEDULES_CHAINED_HPP
#define LRS_SCHEDULES_CHAINED_HPP

#include <array>
#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/traits.hpp>

namespace lrs {

/// The product of its children at every step:
///
///   lr(t) = s_1(t) * s_2(t) * ... * s_n(t)
///
/// Give the first child the base LR and build the others as factors (base 1): this is PyTorch's
/// ChainedScheduler for multiplicative schedulers (StepLR, ExponentialLR, ConstantLR, LinearLR,
/// MultiStepLR, ...), which each multiply the group's LR by their own factor.
///
/// The product is taken as mantissas and a separate power of two, so that no partial product
/// overflows or underflows: it is finite wherever the true product is (a huge factor times a
/// tiny one), and equal bit for bit to the plain product wherever that one has no
/// subnormal or infinite partial product.
/// @pre the true product of the children's values at every step is at most the largest value
/// of the value type (each child being finite, as every lrs schedule is).
/// @tparam S the children's schedule types, at least one.
template <class... S>
class chained {
  static_assert(sizeof...(S) >= 1, "lrs::chained needs at least one schedule");
  static_assert((is_schedule_v<S> && ...), "lrs::chained: every child must be a schedule");

 public:
  using value_type = std::common_type_t<schedule_value_t<S>...>;

  explicit chained(S... children) : children_(std::move(children)...) {}

  /// @pre step >= 0.
  [[nodiscard]] value_type operator()(step_t step) const {
    LRS_ASSERT(step >= 0, "lrs::chained: step must be >= 0");
    const std::array<value_type, sizeof...(S)> v = std::apply(
        [step](const auto&... c) { return std::array{value_type(c(step))...}; }, children_);
    // Right to left, as the plain product s_1(t) * (s_2(t) * (...)) this replaces.
    detail::scaled_product<value_type> p;
    for (std::size_t i = v.size(); i-- > 0;) p.multiply(v[i]);
    return p.value();
  }

  [[nodiscard]] const std::tuple<S...>& children() const noexcept { return children_; }

 private:
  std::tuple<S...> children_;
};

template <class... S>
chained(S...) -> chained<S...>;

/// chained over schedules chosen at run time, held as any_schedule<T>; the same product.
/// @pre as chained.
template <class T = double>
class dynamic_chained {
 public:
  using value_type = T;

  /// @throws lrs::invalid_argument if children is empty or holds an empty schedule.
  explicit dynamic_chained(std::vector<any_schedule<T>> children) : children_(std::move(children)) {
    detail::require(!children_.empty(), "chained", "the number of schedulers", ">= 1",
                    children_.size());
    for (std::size_t i = 0; i < children_.size(); ++i)
      detail::require(!children_[i].empty(), "chained", "schedulers[" + std::to_string(i) + "]",
                      "a schedule", "an empty schedule");
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const {
    LRS_ASSERT(step >= 0, "lrs::dynamic_chained: step must be >= 0");
    detail::scaled_product<T> p;
    for (const auto& c : children_) p.multiply(c(step));
    return p.value();
  }

  [[nodiscard]] const std::vector<any_schedule<T>>& children() const noexcept { return children_; }

 private:
  std::vector<any_schedule<T>> children_;
};

}  // namespace lrs

#endif  // LRS_SCHEDULES_CHAINED_HPP
