// SPDX-License-Identifier: MIT
// dlib adapter: a dnn_trainer learning-rate schedule from an lrs schedule, and per-step driving.
#ifndef LRS_ADAPTERS_DLIB_HPP
#define LRS_ADAPTERS_DLIB_HPP

// Include this header only in programs that link dlib; lrs.hpp never includes it.
#include <cmath>
#include <string>
#include <utility>

#include <dlib/matrix.h>

#include <lrs/core/error.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>

namespace lrs {
namespace adapters {
namespace detail {

inline void require_dlib_lr(const char* type, const std::string& param, double lr) {
  ::lrs::detail::require_finite(type, param, lr);
  ::lrs::detail::require(lr > 0.0, type, param, "> 0 (dlib's trainer rejects 0)", lr);
}

}  // namespace detail

/// The schedule's values at steps first, first + 1, ..., first + count - 1 as the column vector
/// dlib's `dnn_trainer::set_learning_rate_schedule` takes.
///
/// dlib 19.24's trainer reads the vector one update late: its first two updates use m(0) and
/// update j >= 1 uses m(j - 1) (the same one-step lag as libtorch's StepLR); after the vector
/// ends it uses 0.99 m(last). For the schedule's exact value at every update, drive the trainer
/// with lrs::adapters::dlib_scheduler instead.
/// @pre every value is > 0: dlib's trainer requires a positive LR (give a decaying schedule a
/// floor, e.g. eta_min or min_lr > 0).
/// @throws lrs::invalid_argument if count <= 0, first < 0, or a value is not finite and > 0
/// (the message names the step).
template <class Schedule>
[[nodiscard]] dlib::matrix<double, 0, 1> dlib_learning_rates(const Schedule& schedule, step_t count,
                                                             step_t first = 0) {
  LRS_REQUIRE_SCHEDULE_IN("lrs::adapters::dlib_learning_rates",
                          "call set_dlib_learning_rate(trainer, ctrl.lr(t)) in your loop",
                          Schedule);
  ::lrs::detail::require_positive("dlib_learning_rates", "count", count);
  ::lrs::detail::require_non_negative("dlib_learning_rates", "first", first);
  dlib::matrix<double, 0, 1> out(count);
  for (step_t j = 0; j < count; ++j) {
    const double lr = static_cast<double>(schedule(first + j));
    detail::require_dlib_lr("dlib_learning_rates", "lr at step " + std::to_string(first + j), lr);
    out(j) = lr;
  }
  return out;
}

/// Sets a dnn_trainer's LR for its next update, checked first (dlib itself aborts on lr <= 0).
/// Use it to apply a controller's LR before each `train_one_step`.
/// @throws lrs::invalid_argument if lr is not finite and > 0; the trainer is unchanged then.
template <class Trainer>
void set_dlib_learning_rate(Trainer& trainer, double lr) {
  detail::require_dlib_lr("set_dlib_learning_rate", "lr", lr);
  trainer.set_learning_rate(lr);
}

/// Drives a dlib dnn_trainer from an lrs schedule, one `train_one_step` at a time, with PyTorch's
/// convention: after construction the trainer holds the LR of step `start`, after each step()
/// that of the next step, so the k-th `train_one_step` (0-based) updates with schedule(k).
///
/// The constructor sets the trainer's LR shrink factor to 1, turning off dlib's own
/// reduce-on-plateau, which would otherwise change the LR between steps. `set_learning_rate`
/// waits for the trainer's worker thread, so each LR reaches exactly one update. Keeps a
/// reference to the trainer: the trainer must outlive it. To resume, build it with the saved
/// step (current_step()).
///
/// Loop:  `lrs::adapters::dlib_scheduler sched(trainer, schedule);`
///        `for (...) { trainer.train_one_step(x, y); sched.step(); }`
/// @tparam Trainer a dlib::dnn_trainer.
/// @tparam Schedule an lrs schedule whose values are > 0 at every step used.
template <class Trainer, class Schedule>
class dlib_scheduler {
  LRS_REQUIRE_SCHEDULE_IN("lrs::adapters::dlib_scheduler",
                          "call set_dlib_learning_rate(trainer, ctrl.lr(t)) in your loop",
                          Schedule);

 public:
  /// @throws lrs::invalid_argument if start < 0 or schedule(start) is not finite and > 0.
  dlib_scheduler(Trainer& trainer, Schedule schedule, step_t start = 0)
      : trainer_(&trainer), schedule_(std::move(schedule)), step_(start) {
    ::lrs::detail::require_non_negative("dlib_scheduler", "start", start);
    const double lr = value(start);
    trainer_->set_learning_rate_shrink_factor(1.0);
    trainer_->set_learning_rate(lr);
  }

  /// Moves to the next step and sets its LR. Call it after `train_one_step`.
  /// @throws lrs::invalid_argument if the next value is not finite and > 0; nothing changes then.
  void step() {
    const double lr = value(step_ + 1);
    trainer_->set_learning_rate(lr);
    ++step_;
  }

  /// The step whose LR the trainer holds (the 0-based index of its next update).
  [[nodiscard]] step_t current_step() const noexcept { return step_; }
  /// The LR the trainer holds: schedule(current_step()), as a double.
  [[nodiscard]] double last_lr() const { return static_cast<double>(schedule_(step_)); }
  /// The schedule it drives the trainer with.
  [[nodiscard]] const Schedule& schedule() const noexcept { return schedule_; }

 private:
  double value(step_t t) const {
    const double lr = static_cast<double>(schedule_(t));
    detail::require_dlib_lr("dlib_scheduler", "lr at step " + std::to_string(t), lr);
    return lr;
  }

  Trainer* trainer_;
  Schedule schedule_;
  step_t step_;
};

}  // namespace adapters
}  // namespace lrs

#endif  // LRS_ADAPTERS_DLIB_HPP
