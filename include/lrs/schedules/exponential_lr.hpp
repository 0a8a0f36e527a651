// SPDX-License-Identifier: MIT
// lrs::exponential_lr: PyTorch's ExponentialLR, decay by gamma every step.
#ifndef LRS_SCHEDULES_EXPONENTIAL_LR_HPP
#define LRS_SCHEDULES_EXPONENTIAL_LR_HPP

#include <cmath>
#include <type_traits>

#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// PyTorch's `torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma)`:
///
///   lr(t) = base_lr * gamma^t
///
/// gamma has no default, as in PyTorch. Defined and finite for every t >= 0. gamma > 1, which
/// grows without bound and overflows (PyTorch reaches inf), is rejected: base_lr * gamma^t must
/// stay finite up to t = 2^63 - 1, which leaves gamma <= 1 (for an LR range test, an exponential
/// warmup over a bounded number of steps is lrs::budgeted with warmup_shape::exponential).
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class exponential_lr {
  static_assert(std::is_floating_point_v<T>,
                "lrs::exponential_lr<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if base_lr < 0, gamma < 0, gamma > 1, or a value is not finite.
  exponential_lr(T base_lr, T gamma) : base_lr_(base_lr), gamma_(gamma) {
    detail::require_non_negative("exponential_lr", "base_lr", base_lr);
    detail::require_non_negative("exponential_lr", "gamma", gamma);
    detail::require_geometric_finite("exponential_lr", base_lr, gamma, detail::step_max,
                                     "t <= 2^63 - 1");
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::exponential_lr: step must be >= 0");
    return base_lr_ * std::pow(gamma_, static_cast<T>(step));
  }

  /// The same schedule for another base LR (one PyTorch parameter group).
  /// @throws lrs::invalid_argument as the constructor does for this base_lr.
  [[nodiscard]] exponential_lr with_base_lr(T base_lr) const {
    return exponential_lr(base_lr, gamma_);
  }

  /// The optimizer's initial LR (PyTorch's param-group `lr`), the value at t = 0.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  [[nodiscard]] T max_value() const noexcept { return base_lr_; }  // gamma <= 1
  /// PyTorch's ExponentialLR.gamma: the factor applied at every step, in [0, 1].
  [[nodiscard]] T gamma() const noexcept { return gamma_; }

 private:
  T base_lr_, gamma_;
};

template <class T>
exponential_lr(T, T) -> exponential_lr<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_EXPONENTIAL_LR_HPP
