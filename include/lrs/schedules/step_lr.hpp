// SPDX-License-Identifier: MIT
// lrs::step_lr: PyTorch's StepLR, decay by gamma every step_size steps.
#ifndef LRS_SCHEDULES_STEP_LR_HPP
#define LRS_SCHEDULES_STEP_LR_HPP

#include <cmath>
#include <type_traits>

#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// PyTorch's `torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma=0.1)`:
///
///   lr(t) = base_lr * gamma^floor(t / step_size)
///
/// `base_lr` is the optimizer's initial LR (PyTorch's `lr` of the param group). Defined for every
/// t >= 0; there is no end. Follows Python's step convention (libtorch's StepLR lags one step).
/// A growing schedule (gamma > 1) is accepted only while the LR stays finite up to step 2^63 - 1,
/// i.e. base_lr * gamma^floor((2^63 - 1) / step_size) is finite (PyTorch overflows to inf).
/// Finite at every step.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class step_lr {
  static_assert(std::is_floating_point_v<T>, "lrs::step_lr<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if base_lr < 0, step_size <= 0, gamma < 0, gamma > 1 so large
  /// that the LR overflows before step 2^63 - 1, or a value is not finite.
  step_lr(T base_lr, step_t step_size, T gamma = T(0.1))
      : base_lr_(base_lr), gamma_(gamma), step_size_(step_size) {
    detail::require_non_negative("step_lr", "base_lr", base_lr);
    detail::require_positive("step_lr", "step_size", step_size);
    detail::require_non_negative("step_lr", "gamma", gamma);
    detail::require_geometric_finite("step_lr", base_lr, gamma, detail::step_max / step_size,
                                     "floor(t / step_size) for t <= 2^63 - 1");
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::step_lr: step must be >= 0");
    return base_lr_ * std::pow(gamma_, static_cast<T>(step / step_size_));
  }

  /// The same schedule for another base LR (one PyTorch parameter group).
  /// @throws lrs::invalid_argument as the constructor does for this base_lr.
  [[nodiscard]] step_lr with_base_lr(T base_lr) const {
    return step_lr(base_lr, step_size_, gamma_);
  }

  /// The optimizer's initial LR (PyTorch's param-group `lr`), the value at t = 0.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  [[nodiscard]] T max_value() const noexcept {
    return gamma_ <= T(1)
               ? base_lr_
               : base_lr_ * std::pow(gamma_, static_cast<T>(detail::step_max / step_size_));
  }
  /// PyTorch's StepLR.gamma: the factor applied every step_size steps (>= 0).
  [[nodiscard]] T gamma() const noexcept { return gamma_; }
  /// PyTorch's StepLR.step_size: the number of steps (> 0) between two decays.
  [[nodiscard]] step_t step_size() const noexcept { return step_size_; }

 private:
  T base_lr_, gamma_;
  step_t step_size_;
};

template <class T>
step_lr(T, step_t) -> step_lr<T>;
template <class T>
step_lr(T, step_t, T) -> step_lr<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_STEP_LR_HPP
