// SPDX-License-Identifier: MIT
// lrs::cosine_annealing_lr: PyTorch's CosineAnnealingLR.
#ifndef LRS_SCHEDULES_COSINE_ANNEALING_LR_HPP
#define LRS_SCHEDULES_COSINE_ANNEALING_LR_HPP

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// PyTorch's `torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max, eta_min=0)`:
///
///   lr(t) = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2
///
/// Past T_max the curve continues periodically (period 2*T_max, rising back to base_lr), as
/// PyTorch's does; wrap it in a budgeted schedule to hold the floor instead. Finite at every step
/// up to 2^63 - 1 and within [min(base_lr, eta_min), max(base_lr, eta_min)] (eta_min > base_lr
/// gives a rising cosine, exact at both ends: base_lr at t = 0, eta_min at t = T_max).
/// Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", arXiv:1608.03983.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class cosine_annealing_lr {
  static_assert(std::is_floating_point_v<T>,
                "lrs::cosine_annealing_lr<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if base_lr < 0, T_max <= 0, eta_min < 0, or a value is not
  /// finite.
  cosine_annealing_lr(T base_lr, step_t t_max, T eta_min = T(0))
      : base_lr_(base_lr), eta_min_(eta_min), t_max_(t_max) {
    detail::require_non_negative("cosine_annealing_lr", "base_lr", base_lr);
    detail::require_positive("cosine_annealing_lr", "T_max", t_max);
    detail::require_non_negative("cosine_annealing_lr", "eta_min", eta_min);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::cosine_annealing_lr: step must be >= 0");
    // Reduce modulo the period first so that the cosine's argument stays small and exact. A
    // period 2 T_max beyond the largest step needs no reduction (and would overflow).
    const step_t r = t_max_ > detail::step_max / 2 ? step : step % (2 * t_max_);
    const T c = std::cos(detail::pi_v<T> * static_cast<T>(r) / static_cast<T>(t_max_));
    return detail::cosine_blend(base_lr_, eta_min_, c);
  }

  /// The same schedule for another base LR (one PyTorch parameter group).
  /// @throws lrs::invalid_argument as the constructor does for this base_lr.
  [[nodiscard]] cosine_annealing_lr with_base_lr(T base_lr) const {
    return cosine_annealing_lr(base_lr, t_max_, eta_min_);
  }

  /// The optimizer's initial LR (PyTorch's param-group `lr`), the value at t = 0.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  [[nodiscard]] T max_value() const noexcept { return std::max(base_lr_, eta_min_); }
  /// PyTorch's CosineAnnealingLR.eta_min: the value at t = T_max (>= 0).
  [[nodiscard]] T eta_min() const noexcept { return eta_min_; }
  /// PyTorch's CosineAnnealingLR.T_max: the steps (> 0) of a half period, from base_lr to eta_min.
  [[nodiscard]] step_t t_max() const noexcept { return t_max_; }

 private:
  T base_lr_, eta_min_;
  step_t t_max_;
};

template <class T>
cosine_annealing_lr(T, step_t) -> cosine_annealing_lr<T>;
template <class T>
cosine_annealing_lr(T, step_t, T) -> cosine_annealing_lr<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_COSINE_ANNEALING_LR_HPP
