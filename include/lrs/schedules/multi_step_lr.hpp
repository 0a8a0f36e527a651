// SPDX-License-Identifier: MIT
// lrs::multi_step_lr: PyTorch's MultiStepLR, decay by gamma at each milestone.
#ifndef LRS_SCHEDULES_MULTI_STEP_LR_HPP
#define LRS_SCHEDULES_MULTI_STEP_LR_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// PyTorch's `torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones, gamma=0.1)`:
///
///   lr(t) = base_lr * gamma^k(t),   k(t) = number of milestones m with m <= t
///
/// A milestone given twice counts twice (PyTorch keeps a Counter). Milestones may be given in any
/// order; they are kept sorted. Defined and finite for every t >= 0: a gamma > 1 is accepted while
/// base_lr * gamma^(number of milestones) is finite.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class multi_step_lr {
  static_assert(std::is_floating_point_v<T>,
                "lrs::multi_step_lr<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @throws lrs::invalid_argument if base_lr < 0, gamma < 0, a milestone is negative,
  /// base_lr * gamma^(number of milestones) overflows, or a value is not finite.
  multi_step_lr(T base_lr, std::vector<step_t> milestones, T gamma = T(0.1))
      : base_lr_(base_lr), gamma_(gamma), milestones_(std::move(milestones)) {
    detail::require_non_negative("multi_step_lr", "base_lr", base_lr);
    detail::require_non_negative("multi_step_lr", "gamma", gamma);
    for (std::size_t i = 0; i < milestones_.size(); ++i)
      detail::require_non_negative("multi_step_lr", "milestones[" + std::to_string(i) + "]",
                                   milestones_[i]);
    detail::require_geometric_finite("multi_step_lr", base_lr, gamma,
                                     static_cast<step_t>(milestones_.size()),
                                     "the number of milestones");
    std::sort(milestones_.begin(), milestones_.end());
    // lr after k milestones, computed once: evaluation is a binary search and a load.
    values_.reserve(milestones_.size() + 1);
    for (std::size_t k = 0; k <= milestones_.size(); ++k)
      values_.push_back(base_lr_ * std::pow(gamma_, static_cast<T>(k)));
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::multi_step_lr: step must be >= 0");
    const auto k =
        std::upper_bound(milestones_.begin(), milestones_.end(), step) - milestones_.begin();
    return values_[static_cast<std::size_t>(k)];
  }

  /// The same schedule for another base LR (one PyTorch parameter group).
  /// @throws lrs::invalid_argument as the constructor does for this base_lr.
  [[nodiscard]] multi_step_lr with_base_lr(T base_lr) const {
    return multi_step_lr(base_lr, milestones_, gamma_);
  }

  /// The optimizer's initial LR (PyTorch's param-group `lr`), the value before the first milestone.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  [[nodiscard]] T max_value() const noexcept {
    return *std::max_element(values_.begin(), values_.end());
  }
  /// PyTorch's MultiStepLR.gamma: the factor applied at each milestone (>= 0).
  [[nodiscard]] T gamma() const noexcept { return gamma_; }
  /// The milestones, sorted.
  [[nodiscard]] const std::vector<step_t>& milestones() const noexcept { return milestones_; }

 private:
  T base_lr_, gamma_;
  std::vector<step_t> milestones_;
  std::vector<T> values_;
};

template <class T>
multi_step_lr(T, std::vector<step_t>) -> multi_step_lr<T>;
template <class T>
multi_step_lr(T, std::vector<step_t>, T) -> multi_step_lr<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_MULTI_STEP_LR_HPP
