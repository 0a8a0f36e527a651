// SPDX-License-Identifier: MIT
// lrs::constant: the same learning rate at every step.
#ifndef LRS_SCHEDULES_CONSTANT_HPP
#define LRS_SCHEDULES_CONSTANT_HPP

#include <type_traits>

#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// lr(t) = value for every t >= 0.
/// (PyTorch's ConstantLR, a factor for the first total_iters steps, is lrs::constant_lr.)
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class constant {
  static_assert(std::is_floating_point_v<T>, "lrs::constant<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if value is negative or not finite.
  explicit constant(T value) : value_(value) {
    detail::require_non_negative("constant", "value", value);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::constant: step must be >= 0");
    (void)step;
    return value_;
  }

  /// The constant learning rate returned at every step.
  [[nodiscard]] T value() const noexcept { return value_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  [[nodiscard]] T max_value() const noexcept { return value_; }

 private:
  T value_;
};

template <class T>
constant(T) -> constant<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_CONSTANT_HPP
