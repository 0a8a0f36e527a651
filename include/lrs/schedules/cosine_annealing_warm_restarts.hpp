// SPDX-License-Identifier: MIT
// lrs::cosine_annealing_warm_restarts: PyTorch's CosineAnnealingWarmRestarts (SGDR).
#ifndef LRS_SCHEDULES_COSINE_ANNEALING_WARM_RESTARTS_HPP
#define LRS_SCHEDULES_COSINE_ANNEALING_WARM_RESTARTS_HPP

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// PyTorch's
/// `torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0)`:
///
///   lr(t) = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2
///
/// where the i-th run lasts T_i = T_0 * T_mult^i steps and T_cur counts the steps since the last
/// restart (integer arithmetic, as PyTorch's step() without an epoch argument). Restarts forever;
/// a run that would end past step 2^63 - 1 simply lasts to the end. Finite at every step and
/// within [min(base_lr, eta_min), max(base_lr, eta_min)].
/// Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", arXiv:1608.03983.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class cosine_annealing_warm_restarts {
  static_assert(std::is_floating_point_v<T>,
                "lrs::cosine_annealing_warm_restarts<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if base_lr < 0, T_0 <= 0, T_mult < 1, eta_min < 0, or a value
  /// is not finite.
  cosine_annealing_warm_restarts(T base_lr, step_t t_0, step_t t_mult = 1, T eta_min = T(0))
      : base_lr_(base_lr), eta_min_(eta_min), t_0_(t_0), t_mult_(t_mult) {
    constexpr const char* type = "cosine_annealing_warm_restarts";
    detail::require_non_negative(type, "base_lr", base_lr);
    detail::require_positive(type, "T_0", t_0);
    detail::require(t_mult >= 1, type, "T_mult", ">= 1", t_mult);
    detail::require_non_negative(type, "eta_min", eta_min);
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::cosine_annealing_warm_restarts: step must be >= 0");
    step_t t_cur = step;
    T t_i = static_cast<T>(t_0_);
    if (t_mult_ == 1) {
      t_cur = step % t_0_;
    } else {
      // At most ~63 rounds: the runs grow geometrically. A run longer than the largest step
      // (T_i * T_mult overflows) is the last one any step reaches: t_cur < T_i there, and T_i is
      // only needed as a real number.
      step_t run = t_0_;
      while (t_cur >= run) {
        t_cur -= run;
        if (run > detail::step_max / t_mult_) {
          t_i = static_cast<T>(run) * static_cast<T>(t_mult_);
          break;
        }
        run *= t_mult_;
        t_i = static_cast<T>(run);
      }
    }
    const T c = std::cos(detail::pi_v<T> * static_cast<T>(t_cur) / t_i);
    return detail::cosine_blend(base_lr_, eta_min_, c);
  }

  /// The same schedule for another base LR (one PyTorch parameter group).
  /// @throws lrs::invalid_argument as the constructor does for this base_lr.
  [[nodiscard]] cosine_annealing_warm_restarts with_base_lr(T base_lr) const {
    return cosine_annealing_warm_restarts(base_lr, t_0_, t_mult_, eta_min_);
  }

  /// The optimizer's initial LR (PyTorch's param-group `lr`), the value at each restart.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  [[nodiscard]] T max_value() const noexcept { return std::max(base_lr_, eta_min_); }
  /// PyTorch's CosineAnnealingWarmRestarts.eta_min: the value each run approaches at its end (>=
  /// 0).
  [[nodiscard]] T eta_min() const noexcept { return eta_min_; }
  /// PyTorch's CosineAnnealingWarmRestarts.T_0: the length in steps (> 0) of the first run.
  [[nodiscard]] step_t t_0() const noexcept { return t_0_; }
  /// PyTorch's CosineAnnealingWarmRestarts.T_mult: each run is T_mult (>= 1) times the previous.
  [[nodiscard]] step_t t_mult() const noexcept { return t_mult_; }

 private:
  T base_lr_, eta_min_;
  step_t t_0_, t_mult_;
};

template <class T>
cosine_annealing_warm_restarts(T, step_t) -> cosine_annealing_warm_restarts<T>;
template <class T>
cosine_annealing_warm_restarts(T, step_t, step_t) -> cosine_annealing_warm_restarts<T>;
template <class T>
cosine_annealing_warm_restarts(T, step_t, step_t, T) -> cosine_annealing_warm_restarts<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_COSINE_ANNEALING_WARM_RESTARTS_HPP
