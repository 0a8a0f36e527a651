// SPDX-License-Identifier: MIT
// lrs::multiplicative_lr: PyTorch's MultiplicativeLR, a running product of user factors.
#ifndef LRS_SCHEDULES_MULTIPLICATIVE_LR_HPP
#define LRS_SCHEDULES_MULTIPLICATIVE_LR_HPP

#include <type_traits>
#include <utility>

#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// PyTorch's `torch.optim.lr_scheduler.MultiplicativeLR(optimizer, lr_lambda)`:
///
///   lr(t) = base_lr * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(t)      (lr(0) = base_lr)
///
/// Being a pure function of t, an evaluation multiplies t factors: O(t). When the factor is a
/// constant gamma, prefer exponential_lr (O(1)). The product is taken in the same order as
/// PyTorch's, so values agree to the last bits.
/// @tparam F the factor's callable type (step_t -> number), stored by value, must be pure.
/// @tparam T floating-point type of the learning rate.
template <class F, class T = double>
class multiplicative_lr {
  static_assert(std::is_floating_point_v<T>,
                "lrs::multiplicative_lr: T must be a floating-point type");
  static_assert(std::is_invocable_v<const F&, step_t>,
                "lrs::multiplicative_lr: lr_lambda must be callable with a step_t");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if base_lr is negative or not finite.
  multiplicative_lr(T base_lr, F fn) : base_lr_(base_lr), f_(std::move(fn)) {
    detail::require_non_negative("multiplicative_lr", "base_lr", base_lr);
  }

  /// @pre step >= 0. Costs `step` calls of lr_lambda.
  [[nodiscard]] T operator()(step_t step) const {
    LRS_ASSERT(step >= 0, "lrs::multiplicative_lr: step must be >= 0");
    T lr = base_lr_;
    for (step_t k = 1; k <= step; ++k) lr *= static_cast<T>(f_(k));
    return lr;
  }

  /// The same factors applied to another base LR (one PyTorch parameter group).
  /// @throws lrs::invalid_argument if base_lr is negative or not finite.
  [[nodiscard]] multiplicative_lr with_base_lr(T base_lr) const {
    return multiplicative_lr(base_lr, f_);
  }

  /// The optimizer's initial LR (PyTorch's param-group `lr`), the value at t = 0.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// PyTorch's MultiplicativeLR.lr_lambda: the factor k -> f(k) applied at each step k >= 1.
  [[nodiscard]] const F& lr_lambda() const noexcept { return f_; }

 private:
  T base_lr_;
  F f_;
};

template <class T, class F>
multiplicative_lr(T, F) -> multiplicative_lr<F, T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_MULTIPLICATIVE_LR_HPP
