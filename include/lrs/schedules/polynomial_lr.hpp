// SPDX-License-Identifier: MIT
// lrs::polynomial_lr: PyTorch's PolynomialLR, polynomial decay to zero over total_iters steps.
#ifndef LRS_SCHEDULES_POLYNOMIAL_LR_HPP
#define LRS_SCHEDULES_POLYNOMIAL_LR_HPP

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// PyTorch's `torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=5, power=1.0)`:
///
///   lr(t) = base_lr * (1 - min(t, total_iters) / total_iters)^power
///
/// Zero from total_iters on (for power > 0; power = 0 keeps base_lr, as 0^0 = 1 in PyTorch too).
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class polynomial_lr {
  static_assert(std::is_floating_point_v<T>,
                "lrs::polynomial_lr<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if base_lr < 0, total_iters <= 0, power < 0, or a value is not
  /// finite.
  explicit polynomial_lr(T base_lr, step_t total_iters = 5, T power = T(1))
      : base_lr_(base_lr), power_(power), total_iters_(total_iters) {
    detail::require_non_negative("polynomial_lr", "base_lr", base_lr);
    detail::require_positive("polynomial_lr", "total_iters", total_iters);
    detail::require_non_negative("polynomial_lr", "power", power);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::polynomial_lr: step must be >= 0");
    const T k = static_cast<T>(std::min(step, total_iters_));
    return base_lr_ * std::pow(T(1) - k / static_cast<T>(total_iters_), power_);
  }

  /// The same schedule for another base LR (one PyTorch parameter group).
  /// @throws lrs::invalid_argument as the constructor does for this base_lr.
  [[nodiscard]] polynomial_lr with_base_lr(T base_lr) const {
    return polynomial_lr(base_lr, total_iters_, power_);
  }

  /// The optimizer's initial LR (PyTorch's param-group `lr`), the value at t = 0.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  [[nodiscard]] T max_value() const noexcept { return base_lr_; }
  /// PyTorch's PolynomialLR.power: the exponent (>= 0) of the decay factor.
  [[nodiscard]] T power() const noexcept { return power_; }
  /// PyTorch's PolynomialLR.total_iters: the step (> 0) at which the LR reaches 0.
  [[nodiscard]] step_t total_iters() const noexcept { return total_iters_; }

 private:
  T base_lr_, power_;
  step_t total_iters_;
};

template <class T>
polynomial_lr(T) -> polynomial_lr<T>;
template <class T>
polynomial_lr(T, step_t) -> polynomial_lr<T>;
template <class T>
polynomial_lr(T, step_t, T) -> polynomial_lr<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_POLYNOMIAL_LR_HPP
