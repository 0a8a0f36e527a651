// SPDX-License-Identifier: MIT
// lrs::lambda_lr: PyTorch's LambdaLR, the base LR times a user factor of the step.
#ifndef LRS_SCHEDULES_LAMBDA_LR_HPP
#define LRS_SCHEDULES_LAMBDA_LR_HPP

#include <type_traits>
#include <utility>

#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// PyTorch's `torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)`:
///
///   lr(t) = base_lr * lr_lambda(t)
///
/// `lr_lambda` is any callable `const F&` from step_t to a number; it is stored by value and must
/// be pure for the schedule to be one. Defined for every t >= 0 (no end of its own).
/// @tparam F the factor's callable type.
/// @tparam T floating-point type of the learning rate.
template <class F, class T = double>
class lambda_lr {
  static_assert(std::is_floating_point_v<T>, "lrs::lambda_lr: T must be a floating-point type");
  static_assert(std::is_invocable_v<const F&, step_t>,
                "lrs::lambda_lr: lr_lambda must be callable with a step_t");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if base_lr is negative or not finite.
  lambda_lr(T base_lr, F fn) : base_lr_(base_lr), f_(std::move(fn)) {
    detail::require_non_negative("lambda_lr", "base_lr", base_lr);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const {
    LRS_ASSERT(step >= 0, "lrs::lambda_lr: step must be >= 0");
    return base_lr_ * static_cast<T>(f_(step));
  }

  /// The same factor applied to another base LR (one PyTorch parameter group).
  /// @throws lrs::invalid_argument if base_lr is negative or not finite.
  [[nodiscard]] lambda_lr with_base_lr(T base_lr) const { return lambda_lr(base_lr, f_); }

  /// The optimizer's initial LR (PyTorch's param-group `lr`) that lr_lambda(t) multiplies.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// PyTorch's LambdaLR.lr_lambda: the factor t -> f(t) of base_lr.
  [[nodiscard]] const F& lr_lambda() const noexcept { return f_; }

 private:
  T base_lr_;
  F f_;
};

template <class T, class F>
lambda_lr(T, F) -> lambda_lr<F, T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_LAMBDA_LR_HPP
