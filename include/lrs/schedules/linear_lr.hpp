// SPDX-License-Identifier: MIT
// lrs::linear_lr: PyTorch's LinearLR, a factor moving linearly from start_factor to end_factor.
#ifndef LRS_SCHEDULES_LINEAR_LR_HPP
#define LRS_SCHEDULES_LINEAR_LR_HPP

#include <algorithm>
#include <type_traits>

#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// PyTorch's
/// `torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1/3, end_factor=1, total_iters=5)`:
///
///   lr(t) = base_lr * (start_factor + (end_factor - start_factor) * min(t, total_iters) /
///   total_iters)
///
/// Holds base_lr * end_factor from total_iters on.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class linear_lr {
  static_assert(std::is_floating_point_v<T>, "lrs::linear_lr<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if base_lr < 0, start_factor is outside (0, 1] (PyTorch divides
  /// by it), end_factor is outside [0, 1], total_iters <= 0, or a value is not finite.
  explicit linear_lr(T base_lr, T start_factor = T(1) / T(3), T end_factor = T(1),
                     step_t total_iters = 5)
      : base_lr_(base_lr), start_(start_factor), end_(end_factor), total_iters_(total_iters) {
    detail::require_non_negative("linear_lr", "base_lr", base_lr);
    detail::require_in_range("linear_lr", "start_factor", start_factor, T(0), T(1), true);
    detail::require_in_range("linear_lr", "end_factor", end_factor, T(0), T(1));
    detail::require_positive("linear_lr", "total_iters", total_iters);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::linear_lr: step must be >= 0");
    const T k = static_cast<T>(std::min(step, total_iters_));
    return base_lr_ * (start_ + (end_ - start_) * k / static_cast<T>(total_iters_));
  }

  /// The same schedule for another base LR (one PyTorch parameter group).
  /// @throws lrs::invalid_argument as the constructor does for this base_lr.
  [[nodiscard]] linear_lr with_base_lr(T base_lr) const {
    return linear_lr(base_lr, start_, end_, total_iters_);
  }

  /// The optimizer's initial LR (PyTorch's param-group `lr`) that both factors multiply.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  [[nodiscard]] T max_value() const noexcept { return base_lr_ * std::max(start_, end_); }
  /// PyTorch's LinearLR.start_factor: the multiplier of base_lr at t = 0, in (0, 1].
  [[nodiscard]] T start_factor() const noexcept { return start_; }
  /// PyTorch's LinearLR.end_factor: the multiplier of base_lr from total_iters on, in [0, 1].
  [[nodiscard]] T end_factor() const noexcept { return end_; }
  /// PyTorch's LinearLR.total_iters: the steps (> 0) the factor takes from start to end.
  [[nodiscard]] step_t total_iters() const noexcept { return total_iters_; }

 private:
  T base_lr_, start_, end_;
  step_t total_iters_;
};

template <class T>
linear_lr(T) -> linear_lr<T>;
template <class T>
linear_lr(T, T) -> linear_lr<T>;
template <class T>
linear_lr(T, T, T) -> linear_lr<T>;
template <class T>
linear_lr(T, T, T, step_t) -> linear_lr<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_LINEAR_LR_HPP
