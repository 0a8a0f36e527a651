// SPDX-License-Identifier: MIT
// lrs::scheduled_lr: read a schedule's LR for update t and apply its cycled momentum, if any.
#ifndef LRS_OPTIM_SCHEDULED_HPP
#define LRS_OPTIM_SCHEDULED_HPP

#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// Returns `schedule(t)` as the optimizer's scalar type. When the schedule cycles momentum
/// (`has_momentum_v<S>`, e.g. OneCycleLR or CyclicLR with cycle_momentum, and for type-erased
/// schedules only when `has_momentum()` is true), first sets the optimizer's momentum (SGD) or
/// beta1 (Adam, AdamW) to `schedule.momentum(t)`, as PyTorch's schedulers do before each step.
///
///   opt.step(params, grads, lrs::scheduled_lr(opt, schedule, t));
///
/// @pre t >= 0.
/// @throws lrs::invalid_argument from set_momentum if the schedule's momentum is out of range.
template <class Opt, class S>
typename Opt::scalar_type scheduled_lr(Opt& opt, const S& schedule, step_t t) {
  LRS_REQUIRE_SCHEDULE_IN("lrs::scheduled_lr", "pass ctrl.lr(t) to opt.step() in your loop", S);
  using T = typename Opt::scalar_type;
  if constexpr (has_momentum_v<S>) {
    bool cycles = true;
    if constexpr (detail::has_momentum_flag_v<S>) cycles = schedule.has_momentum();
    if (cycles) opt.set_momentum(static_cast<T>(schedule.momentum(t)));
  }
  return static_cast<T>(schedule(t));
}

}  // namespace lrs

#endif  // LRS_OPTIM_SCHEDULED_HPP
