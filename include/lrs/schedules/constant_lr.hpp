// SPDX-License-Identifier: MIT
// lrs::constant_lr: PyTorch's ConstantLR, a constant factor for the first total_iters steps.
#ifndef LRS_SCHEDULES_CONSTANT_LR_HPP
#define LRS_SCHEDULES_CONSTANT_LR_HPP

#include <type_traits>

#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// PyTorch's `torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1/3, total_iters=5)`:
///
///   lr(t) = base_lr * factor   for t < total_iters,   base_lr   for t >= total_iters
///
/// (PyTorch 1.13 raises ZeroDivisionError at total_iters when factor = 0 and, for total_iters = 0,
/// keeps the factor forever; lrs follows the formula above in both cases, see
/// docs/pytorch_parity.md.)
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class constant_lr {
  static_assert(std::is_floating_point_v<T>,
                "lrs::constant_lr<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if base_lr < 0, factor is outside [0, 1], total_iters < 0, or
  /// a value is not finite.
  explicit constant_lr(T base_lr, T factor = T(1) / T(3), step_t total_iters = 5)
      : base_lr_(base_lr), factor_(factor), total_iters_(total_iters) {
    detail::require_non_negative("constant_lr", "base_lr", base_lr);
    detail::require_in_range("constant_lr", "factor", factor, T(0), T(1));
    detail::require_non_negative("constant_lr", "total_iters", total_iters);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::constant_lr: step must be >= 0");
    return step < total_iters_ ? base_lr_ * factor_ : base_lr_;
  }

  /// The same schedule for another base LR (one PyTorch parameter group).
  /// @throws lrs::invalid_argument as the constructor does for this base_lr.
  [[nodiscard]] constant_lr with_base_lr(T base_lr) const {
    return constant_lr(base_lr, factor_, total_iters_);
  }

  /// The optimizer's initial LR (PyTorch's param-group `lr`), the value from total_iters on.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  [[nodiscard]] T max_value() const noexcept { return base_lr_; }
  /// PyTorch's ConstantLR.factor: the multiplier of base_lr for t < total_iters, in [0, 1].
  [[nodiscard]] T factor() const noexcept { return factor_; }
  /// PyTorch's ConstantLR.total_iters: the number of steps (>= 0) that use base_lr * factor.
  [[nodiscard]] step_t total_iters() const noexcept { return total_iters_; }

 private:
  T base_lr_, factor_;
  step_t total_iters_;
};

template <class T>
constant_lr(T) -> constant_lr<T>;
template <class T>
constant_lr(T, T) -> constant_lr<T>;
template <class T>
constant_lr(T, T, step_t) -> constant_lr<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_CONSTANT_LR_HPP
