// SPDX-License-Identifier: MIT
// Batch-size scaling of the learning rate: linear (SGD) and square-root (Adam) rules, with a cap.
#ifndef LRS_ANALYSIS_BATCH_SIZE_HPP
#define LRS_ANALYSIS_BATCH_SIZE_HPP

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include <lrs/core/error.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// How the largest stable learning rate grows with the batch size B (Granziol, Zohren, Roberts,
/// "Learning Rates as a Function of Batch Size: A Random Matrix Theory Approach", arXiv
/// 2006.09092): linearly for SGD, with the square root for adaptive methods such as Adam.
/// The paper derives both in the regime where batch noise dominates the batch Hessian's largest
/// eigenvalue; past a critical batch size the growth saturates, so apply them only up to a cap.
enum class batch_rule {
  linear,       ///< lr(B) = lr0 * B / B0 (SGD, with or without momentum)
  square_root,  ///< lr(B) = lr0 * sqrt(B / B0) (Adam, AdamW, RMSprop)
};

/// The factor k(B) = (B/B0) for batch_rule::linear, sqrt(B/B0) for batch_rule::square_root.
/// @throws lrs::invalid_argument if base_batch <= 0 or batch <= 0.
template <class T = double>
[[nodiscard]] T batch_scale_factor(batch_rule rule, std::int64_t base_batch, std::int64_t batch) {
  static_assert(std::is_floating_point_v<T>, "batch_scale_factor<T>: T must be floating point");
  detail::require_positive("batch_scale_factor", "base_batch", base_batch);
  detail::require_positive("batch_scale_factor", "batch", batch);
  const T ratio = static_cast<T>(batch) / static_cast<T>(base_batch);
  return rule == batch_rule::linear ? ratio : std::sqrt(ratio);
}

/// The learning rate for batch size `batch` given `base_lr` tuned at `base_batch`:
/// `min(base_lr * k(B), max_lr)` with k from batch_scale_factor. The cap `max_lr` is the user's
/// bound on the stable LR (for SGD, 2 / lambda_max of the Hessian, see lanczos.hpp); it defaults
/// to no cap.
/// @pre base_lr > 0 finite, base_batch > 0, batch > 0, max_lr > 0 (may be +inf).
/// @throws lrs::invalid_argument naming the first parameter that breaks its precondition.
template <class T>
[[nodiscard]] T batch_scaled_lr(batch_rule rule, T base_lr, std::int64_t base_batch,
                                std::int64_t batch, T max_lr = std::numeric_limits<T>::infinity()) {
  static_assert(std::is_floating_point_v<T>, "batch_scaled_lr<T>: T must be floating point");
  detail::require_positive("batch_scaled_lr", "base_lr", base_lr);
  detail::require(!std::isnan(max_lr) && max_lr > T(0), "batch_scaled_lr", "max_lr", "> 0", max_lr);
  return std::min(base_lr * batch_scale_factor<T>(rule, base_batch, batch), max_lr);
}

/// Linear scaling rule for SGD: `min(base_lr * batch / base_batch, max_lr)`.
/// Example: 0.1 at 128 gives 0.4 at 512 and 0.025 at 32.
/// @throws lrs::invalid_argument as batch_scaled_lr.
template <class T>
[[nodiscard]] T linear_scaled_lr(T base_lr, std::int64_t base_batch, std::int64_t batch,
                                 T max_lr = std::numeric_limits<T>::infinity()) {
  return batch_scaled_lr(batch_rule::linear, base_lr, base_batch, batch, max_lr);
}

/// Square-root scaling rule for Adam-like methods: `min(base_lr * sqrt(batch / base_batch),
/// max_lr)`. Example: 1e-3 at 128 gives 2e-3 at 512 and 5e-4 at 32.
/// @throws lrs::invalid_argument as batch_scaled_lr.
template <class T>
[[nodiscard]] T sqrt_scaled_lr(T base_lr, std::int64_t base_batch, std::int64_t batch,
                               T max_lr = std::numeric_limits<T>::infinity()) {
  return batch_scaled_lr(batch_rule::square_root, base_lr, base_batch, batch, max_lr);
}

/// A schedule tuned at one batch size, moved to another: `min(k(B) * s(t), max_lr)` with k from
/// batch_scale_factor. The whole curve (warmup, decay, restarts) is multiplied by the same factor;
/// the cap bounds every step's LR. A schedule that cycles momentum keeps its momentum unchanged.
/// @tparam Schedule any lrs schedule or callable `T(step_t)` (see is_schedule_v).
template <class Schedule>
class batch_scaled_schedule {
  LRS_REQUIRE_SCHEDULE_IN("lrs::batch_scaled_schedule",
                          "plateau_scaled(rescale_for_batch(s, ...), opts)", Schedule);

 public:
  /// The wrapped schedule's value type, what operator() returns.
  using value_type = schedule_value_t<Schedule>;

  /// @pre base_batch > 0, batch > 0, max_lr > 0 (may be +inf).
  /// @throws lrs::invalid_argument naming the bad parameter.
  batch_scaled_schedule(Schedule s, batch_rule rule, std::int64_t base_batch, std::int64_t batch,
                        value_type max_lr = std::numeric_limits<value_type>::infinity())
      : base_(std::move(s)),
        factor_(batch_scale_factor<value_type>(rule, base_batch, batch)),
        max_lr_(max_lr),
        rule_(rule) {
    detail::require(!std::isnan(max_lr) && max_lr > value_type(0), "batch_scaled_schedule",
                    "max_lr", "> 0", max_lr);
  }

  /// `min(k * s(step), max_lr)`. @pre step >= 0.
  [[nodiscard]] value_type operator()(step_t step) const {
    return std::min(factor_ * base_(step), max_lr_);
  }

  /// The wrapped schedule's momentum, unchanged by the batch size.
  template <class S = Schedule, class = std::enable_if_t<has_momentum_v<S>>>
  [[nodiscard]] auto momentum(step_t step) const {
    return base_.momentum(step);
  }

  /// k(B) from batch_scale_factor: batch / base_batch (linear) or its square root (square_root).
  [[nodiscard]] value_type factor() const noexcept { return factor_; }
  /// The cap on every step's LR (> 0; +inf for none).
  [[nodiscard]] value_type max_lr() const noexcept { return max_lr_; }
  /// The scaling rule k was computed with.
  [[nodiscard]] batch_rule rule() const noexcept { return rule_; }
  /// The wrapped schedule, as tuned at base_batch.
  [[nodiscard]] const Schedule& base() const noexcept { return base_; }

 private:
  Schedule base_;
  value_type factor_;
  value_type max_lr_;
  batch_rule rule_;
};

/// Rescales a whole schedule `s`, tuned at `base_batch`, for `batch`:
/// `rescale_for_batch(cosine_annealing_lr(0.1, 90), batch_rule::linear, 128, 512)` peaks at 0.4.
/// @throws lrs::invalid_argument as batch_scaled_schedule.
template <class Schedule>
[[nodiscard]] batch_scaled_schedule<Schedule> rescale_for_batch(
    Schedule s, batch_rule rule, std::int64_t base_batch, std::int64_t batch,
    schedule_value_t<Schedule> max_lr =
        std::numeric_limits<schedule_value_t<Schedule>>::infinity()) {
  return batch_scaled_schedule<Schedule>(std::move(s), rule, base_batch, batch, max_lr);
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_BATCH_SIZE_HPP
