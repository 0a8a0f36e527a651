// SPDX-License-Identifier: MIT
// libtorch adapter: drives the LR (and cycled momentum) of any torch::optim optimizer from lrs.
#ifndef LRS_ADAPTERS_TORCH_HPP
#define LRS_ADAPTERS_TORCH_HPP

// Include this header only in programs that link libtorch; lrs.hpp never includes it.
#include <cmath>
#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/optimizer.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

#include <lrs/core/error.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>

namespace lrs {
namespace adapters {
namespace detail {

inline std::string group_name(std::size_t g) {
  return "param_groups[" + std::to_string(g) + "]";
}

/// Writes `m` into the momentum slot of one param group: SGD's and RMSprop's momentum, Adam's and
/// AdamW's beta1. Returns false when the group's options have no such slot.
inline bool set_group_momentum(::torch::optim::OptimizerOptions& o, double m) {
  if (auto* sgd = dynamic_cast<::torch::optim::SGDOptions*>(&o)) {
    sgd->momentum(m);
  } else if (auto* adam = dynamic_cast<::torch::optim::AdamOptions*>(&o)) {
    adam->betas(std::make_tuple(m, std::get<1>(adam->betas())));
  } else if (auto* adamw = dynamic_cast<::torch::optim::AdamWOptions*>(&o)) {
    adamw->betas(std::make_tuple(m, std::get<1>(adamw->betas())));
  } else if (auto* rms = dynamic_cast<::torch::optim::RMSpropOptions*>(&o)) {
    rms->momentum(m);
  } else {
    return false;
  }
  return true;
}

inline bool group_has_momentum(const ::torch::optim::OptimizerOptions& o) {
  return dynamic_cast<const ::torch::optim::SGDOptions*>(&o) != nullptr ||
         dynamic_cast<const ::torch::optim::AdamOptions*>(&o) != nullptr ||
         dynamic_cast<const ::torch::optim::AdamWOptions*>(&o) != nullptr ||
         dynamic_cast<const ::torch::optim::RMSpropOptions*>(&o) != nullptr;
}

}  // namespace detail

/// The momentum a param group uses: SGD's or RMSprop's momentum, Adam's or AdamW's beta1.
/// @throws lrs::invalid_argument if the group's optimizer has neither (e.g. Adagrad, LBFGS).
inline double torch_momentum(const ::torch::optim::OptimizerParamGroup& group) {
  const auto& o = group.options();
  if (auto* sgd = dynamic_cast<const ::torch::optim::SGDOptions*>(&o)) return sgd->momentum();
  if (auto* adam = dynamic_cast<const ::torch::optim::AdamOptions*>(&o))
    return std::get<0>(adam->betas());
  if (auto* adamw = dynamic_cast<const ::torch::optim::AdamWOptions*>(&o))
    return std::get<0>(adamw->betas());
  if (auto* rms = dynamic_cast<const ::torch::optim::RMSpropOptions*>(&o)) return rms->momentum();
  ::lrs::detail::throw_invalid("torch_momentum", "the optimizer",
                               "SGD, Adam, AdamW or RMSprop to have a momentum",
                               "another optimizer type");
}

/// Sets the learning rate of every param group of a torch::optim optimizer, keeping the groups'
/// ratios: group g gets `lr * base_lrs[g] / base_lrs[0]`, so a schedule written for the first
/// group scales to the others as PyTorch's schedulers scale their `base_lrs`.
///
/// The base LRs are the groups' LRs when the setter is built (PyTorch's `initial_lr`), or given
/// explicitly (to resume, or to choose them). The setter keeps a reference to the optimizer:
/// the optimizer must outlive it. Use it directly to apply a controller's LR (e.g.
/// `set_lr(plateau.lr())` after each `observe`); lrs::adapters::torch_scheduler uses it for
/// schedules.
class torch_lr_setter {
 public:
  /// Reads the base LRs from the optimizer's param groups.
  /// @throws lrs::invalid_argument if the optimizer has no param group, or a group's LR is not
  /// finite and >= 0, or the first group's LR is 0 (the others are scaled by it).
  explicit torch_lr_setter(::torch::optim::Optimizer& optimizer)
      : torch_lr_setter(optimizer, read_lrs(optimizer)) {}

  /// Uses the given base LRs, one per param group.
  /// @throws lrs::invalid_argument if base_lrs.size() differs from the number of param groups,
  /// a base LR is not finite and >= 0, or base_lrs[0] is 0.
  torch_lr_setter(::torch::optim::Optimizer& optimizer, std::vector<double> base_lrs)
      : optimizer_(&optimizer), base_lrs_(std::move(base_lrs)) {
    check_base_lrs(optimizer, base_lrs_);
  }

  /// Sets group g's LR to `lr * base_lrs[g] / base_lrs[0]` (exactly `lr` for the first group).
  /// @throws lrs::invalid_argument if lr is not finite and >= 0; nothing is changed then.
  void set_lr(double lr) {
    ::lrs::detail::require_non_negative("torch_lr_setter", "lr", lr);
    auto& groups = optimizer_->param_groups();
    groups[0].options().set_lr(lr);
    for (std::size_t g = 1; g < groups.size(); ++g)
      groups[g].options().set_lr(lr * (base_lrs_[g] / base_lrs_[0]));
  }

  /// Sets each group's LR to its own value, with no scaling (one schedule per group).
  /// @throws lrs::invalid_argument if lrs.size() differs from the number of groups or a value is
  /// not finite and >= 0; nothing is changed then.
  void set_lrs(const std::vector<double>& lrs) {
    auto& groups = optimizer_->param_groups();
    ::lrs::detail::require(lrs.size() == groups.size(), "torch_lr_setter", "lrs.size()",
                           "the number of param groups (" + std::to_string(groups.size()) + ")",
                           lrs.size());
    for (std::size_t g = 0; g < lrs.size(); ++g)
      ::lrs::detail::require_non_negative("torch_lr_setter", "lrs[" + std::to_string(g) + "]",
                                          lrs[g]);
    for (std::size_t g = 0; g < lrs.size(); ++g) groups[g].options().set_lr(lrs[g]);
  }

  /// Sets every group's momentum (SGD, RMSprop) or beta1 (Adam, AdamW) to `m`, as PyTorch's
  /// OneCycleLR and CyclicLR do.
  /// @throws lrs::invalid_argument if m is not finite and in [0, 1), or a group's optimizer has
  /// no momentum; nothing is changed then.
  void set_momentum(double m) {
    ::lrs::detail::require_finite("torch_lr_setter", "momentum", m);
    ::lrs::detail::require(m >= 0.0 && m < 1.0, "torch_lr_setter", "momentum", "in [0, 1)", m);
    auto& groups = optimizer_->param_groups();
    for (std::size_t g = 0; g < groups.size(); ++g)
      ::lrs::detail::require(detail::group_has_momentum(groups[g].options()), "torch_lr_setter",
                             detail::group_name(g) + "'s optimizer",
                             "SGD, Adam, AdamW or RMSprop to take a momentum",
                             "another optimizer type");
    for (auto& group : groups) detail::set_group_momentum(group.options(), m);
  }

  /// True when every param group has a momentum slot (set_momentum would succeed).
  [[nodiscard]] bool supports_momentum() const {
    for (const auto& group : optimizer_->param_groups())
      if (!detail::group_has_momentum(group.options())) return false;
    return true;
  }

  /// The LR of each param group, as the optimizer will use it at its next step().
  [[nodiscard]] std::vector<double> current_lrs() const { return read_lrs(*optimizer_); }
  /// PyTorch's `base_lrs`: one LR per param group (base_lrs[0] > 0); group g's LR is the first
  /// group's times base_lrs[g] / base_lrs[0].
  [[nodiscard]] const std::vector<double>& base_lrs() const noexcept { return base_lrs_; }
  /// The optimizer whose param groups it sets (not owned; it must outlive this object).
  [[nodiscard]] ::torch::optim::Optimizer& optimizer() const noexcept { return *optimizer_; }

  /// The LR of each param group of any optimizer.
  static std::vector<double> read_lrs(const ::torch::optim::Optimizer& optimizer) {
    std::vector<double> out;
    for (const auto& group : optimizer.param_groups()) out.push_back(group.options().get_lr());
    return out;
  }

 private:
  static void check_base_lrs(const ::torch::optim::Optimizer& optimizer,
                             const std::vector<double>& base) {
    const std::size_t n = optimizer.param_groups().size();
    ::lrs::detail::require(n > 0, "torch_lr_setter", "the optimizer's param group count", ">= 1",
                           n);
    ::lrs::detail::require(base.size() == n, "torch_lr_setter", "base_lrs.size()",
                           "the number of param groups (" + std::to_string(n) + ")", base.size());
    for (std::size_t g = 0; g < n; ++g)
      ::lrs::detail::require_non_negative("torch_lr_setter", "base_lrs[" + std::to_string(g) + "]",
                                          base[g]);
    ::lrs::detail::require(base[0] > 0.0, "torch_lr_setter", "base_lrs[0]",
                           "> 0 (the other groups are scaled by it)", base[0]);
  }

  ::torch::optim::Optimizer* optimizer_;
  std::vector<double> base_lrs_;
};

/// What a torch_scheduler checkpoint needs: the step whose values the optimizer holds and the
/// base LRs (one per param group). The same type for every schedule.
struct torch_scheduler_state {
  /// The step whose values the optimizer holds (current_step(), >= 0).
  step_t step = 0;
  /// The base LR of each param group, in param-group order (torch_lr_setter::base_lrs()).
  std::vector<double> base_lrs;
};

/// Drives a torch::optim optimizer from an lrs schedule, with PyTorch's (Python's) convention:
/// after construction the optimizer holds the values of step `start`, and after each step() those
/// of the next step, so the k-th `optimizer.step()` (0-based) uses
///
///   lr_g(k) = schedule(k) * base_lrs[g] / base_lrs[0],   momentum(k) = schedule.momentum(k)
///
/// Write the schedule for the first param group (its base LR is usually the schedule's peak);
/// the other groups keep their ratio to it, like PyTorch's `base_lrs`. The momentum (SGD's
/// momentum or Adam's beta1) is set only for schedules that cycle it (lrs::has_momentum_v, or an
/// any_schedule whose has_momentum() is true). Resuming: build with the saved step and base LRs
/// (state() / load_state()) and the optimizer gets the same values as in an uninterrupted run.
///
/// libtorch's own torch::optim::StepLR changes the LR one step() later than Python's StepLR;
/// this adapter follows Python.
///
/// Loop:  `lrs::adapters::torch_scheduler sched(opt, schedule);`
///        `for (...) { ...; opt.step(); sched.step(); }`
/// @tparam Schedule an lrs schedule (lrs::is_schedule_v).
template <class Schedule>
class torch_scheduler {
  LRS_REQUIRE_SCHEDULE_IN("lrs::torch_scheduler", "set the optimizer LR to ctrl.lr(t) in your loop",
                          Schedule);

 public:
  /// What state() returns and load_state() takes.
  using state_type = torch_scheduler_state;

  /// Reads the base LRs from the optimizer's param groups and applies step `start`.
  /// @throws lrs::invalid_argument as torch_lr_setter, if start < 0, or if the schedule cycles
  /// momentum and the optimizer has no momentum (SGD, Adam, AdamW and RMSprop have one).
  torch_scheduler(::torch::optim::Optimizer& optimizer, Schedule schedule, step_t start = 0)
      : torch_scheduler(optimizer, std::move(schedule), torch_lr_setter::read_lrs(optimizer),
                        start) {}

  /// Uses the given base LRs (one per param group) and applies step `start`.
  /// @throws lrs::invalid_argument as the other constructor, or if base_lrs does not fit the
  /// optimizer (see torch_lr_setter).
  torch_scheduler(::torch::optim::Optimizer& optimizer, Schedule schedule,
                  std::vector<double> base_lrs, step_t start)
      : setter_(optimizer, std::move(base_lrs)), schedule_(std::move(schedule)), step_(start) {
    ::lrs::detail::require_non_negative("torch_scheduler", "start", start);
    if (cycles_momentum())
      ::lrs::detail::require(setter_.supports_momentum(), "torch_scheduler", "the optimizer",
                             "SGD, Adam, AdamW or RMSprop for a schedule that cycles momentum",
                             "another optimizer type");
    apply();
  }

  /// Moves to the next step and sets its LR (and momentum). Call it after `optimizer.step()`.
  void step() {
    ++step_;
    apply();
  }

  /// The step whose values the optimizer holds (the 0-based index of its next update).
  [[nodiscard]] step_t current_step() const noexcept { return step_; }
  /// The LR of the first group at current_step() (PyTorch's `get_last_lr()[0]`).
  [[nodiscard]] double last_lr() const { return static_cast<double>(schedule_(step_)); }
  /// Every group's LR at current_step().
  [[nodiscard]] std::vector<double> last_lrs() const { return setter_.current_lrs(); }
  /// The schedule, written for the first param group.
  [[nodiscard]] const Schedule& schedule() const noexcept { return schedule_; }
  /// The base LR of each param group (see torch_lr_setter::base_lrs()).
  [[nodiscard]] const std::vector<double>& base_lrs() const noexcept { return setter_.base_lrs(); }

  /// True when this schedule sets the optimizer's momentum at each step.
  [[nodiscard]] bool cycles_momentum() const noexcept {
    if constexpr (!has_momentum_v<Schedule>) {
      return false;
    } else if constexpr (::lrs::detail::has_momentum_flag_v<Schedule>) {
      return schedule_.has_momentum();
    } else {
      return true;
    }
  }

  /// The step and base LRs to save in a checkpoint; load_state() or the constructor that takes
  /// them resumes from it.
  [[nodiscard]] state_type state() const { return {step_, setter_.base_lrs()}; }

  /// Restores a saved state and applies its step to the optimizer.
  /// @throws lrs::invalid_argument if the step is negative or the base LRs do not fit the
  /// optimizer (see torch_lr_setter); the scheduler and the optimizer are unchanged then.
  void load_state(const state_type& s) {
    ::lrs::detail::require_non_negative("torch_scheduler", "state.step", s.step);
    torch_lr_setter fresh(setter_.optimizer(), s.base_lrs);
    setter_ = std::move(fresh);
    step_ = s.step;
    apply();
  }

 private:
  void apply() {
    setter_.set_lr(static_cast<double>(schedule_(step_)));
    if constexpr (has_momentum_v<Schedule>) {
      if (cycles_momentum()) setter_.set_momentum(static_cast<double>(schedule_.momentum(step_)));
    }
  }

  torch_lr_setter setter_;
  Schedule schedule_;
  step_t step_;
};

}  // namespace adapters
}  // namespace lrs

#endif  // LRS_ADAPTERS_TORCH_HPP
