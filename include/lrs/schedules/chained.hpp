// SPDX-License-Identifier: MIT
// lrs::chained and lrs::dynamic_chained: the product of schedules (PyTorch's ChainedScheduler).
#ifndef LRS_SCHEDULES_CHAINED_HPP
#define LRS_SCHEDULES_CHAINED_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
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
namespace detail {

/// Throws unless the product of the children's largest values [first, last) is finite: then
/// every product the chain can take is (each factor being at most its largest value). Checks
/// nothing when a child does not say (NaN: an any_schedule holding a lambda).
template <class It>
void check_chained_max(It first, It last) {
  using T = typename std::iterator_traits<It>::value_type;
  if (std::any_of(first, last, [](T v) { return std::isnan(v); })) return;
  scaled_product<T> p;
  std::string list;
  for (It it = first; it != last; ++it) {
    p.multiply(*it);
    list.append(list.empty() ? "" : ", ").append(format_value(*it));
  }
  if (!std::isfinite(p.value()))
    throw_invalid("chained", "the product of the schedulers' largest values (" + list + ")",
                  "<= " + format_value(std::numeric_limits<T>::max()), p.value());
}

}  // namespace detail

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
/// The constructor rejects children whose largest values (max_value(), which every lrs schedule
/// but the lambda ones has) multiply to more than the largest value of the value type, so the
/// product is finite at every step. @pre for children without max_value(): the true product
/// stays within the range of the value type.
/// @tparam S the children's schedule types, at least one.
template <class... S>
class chained {
  static_assert(sizeof...(S) >= 1, "lrs::chained needs at least one schedule");
  LRS_REQUIRE_SCHEDULE_IN("lrs::chained", "plateau_scaled(chained(...), opts)", S...);

 public:
  /// The common type of the children's value types, what operator() returns.
  using value_type = std::common_type_t<schedule_value_t<S>...>;

  /// @throws lrs::invalid_argument if every child has a max_value() and their product is not
  /// finite (the product could overflow at some step).
  explicit chained(S... children) : children_(std::move(children)...) {
    if constexpr ((detail::has_max_value_v<S> && ...)) {
      const std::array<value_type, sizeof...(S)> m = std::apply(
          [](const auto&... c) { return std::array{value_type(c.max_value())...}; }, children_);
      detail::check_chained_max(m.begin(), m.end());
    }
  }

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

  /// The product of the children's max_value() (only when every child has one; NaN when an
  /// any_schedule child does not say).
  template <bool B = (detail::has_max_value_v<S> && ...), std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type max_value() const {
    const std::array<value_type, sizeof...(S)> m = std::apply(
        [](const auto&... c) { return std::array{value_type(c.max_value())...}; }, children_);
    detail::scaled_product<value_type> p;
    for (const value_type v : m) {
      if (std::isnan(v)) return v;
      p.multiply(v);
    }
    return p.value();
  }

  /// The children, in the order of the product.
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
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if children is empty or holds an empty schedule, or if every
  /// child has a max_value() and their product is not finite.
  explicit dynamic_chained(std::vector<any_schedule<T>> children) : children_(std::move(children)) {
    detail::require(!children_.empty(), "chained", "the number of schedulers", ">= 1",
                    children_.size());
    for (std::size_t i = 0; i < children_.size(); ++i)
      detail::require(!children_[i].empty(), "chained", "schedulers[" + std::to_string(i) + "]",
                      "a schedule", "an empty schedule");
    std::vector<T> m;
    for (const auto& c : children_) m.push_back(c.max_value());
    detail::check_chained_max(m.begin(), m.end());
  }

  /// The product of the children's max_value(); NaN if a child has none.
  [[nodiscard]] T max_value() const {
    detail::scaled_product<T> p;
    for (const auto& c : children_) {
      const T v = c.max_value();
      if (std::isnan(v)) return v;
      p.multiply(v);
    }
    return p.value();
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const {
    LRS_ASSERT(step >= 0, "lrs::dynamic_chained: step must be >= 0");
    detail::scaled_product<T> p;
    for (const auto& c : children_) p.multiply(c(step));
    return p.value();
  }

  /// The children, in the order of the product.
  [[nodiscard]] const std::vector<any_schedule<T>>& children() const noexcept { return children_; }

 private:
  std::vector<any_schedule<T>> children_;
};

}  // namespace lrs

#endif  // LRS_SCHEDULES_CHAINED_HPP
