// SPDX-License-Identifier: MIT
// Spec names of PyTorch's torch.optim.lr_scheduler schedules: StepLR, MultiStepLR, ConstantLR,
// LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts,
// CyclicLR, OneCycleLR, SequentialLR, ChainedScheduler.
#ifndef LRS_IO_SPEC_FAMILIES_PYTORCH_HPP
#define LRS_IO_SPEC_FAMILIES_PYTORCH_HPP

#include <string>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/io/spec.hpp>
#include <lrs/schedules/chained.hpp>
#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/constant_lr.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>
#include <lrs/schedules/cosine_annealing_warm_restarts.hpp>
#include <lrs/schedules/cyclic_lr.hpp>
#include <lrs/schedules/exponential_lr.hpp>
#include <lrs/schedules/linear_lr.hpp>
#include <lrs/schedules/multi_step_lr.hpp>
#include <lrs/schedules/one_cycle_lr.hpp>
#include <lrs/schedules/polynomial_lr.hpp>
#include <lrs/schedules/sequential.hpp>
#include <lrs/schedules/step_lr.hpp>

namespace lrs::detail {

/// Registers PyTorch's schedules under PyTorch's names, parameter spelling, order and defaults.
/// Each default is written once, in the parameter table; where the C++ type has the same
/// default, the table reads it from a schedule built with the type's defaults.
/// (LambdaLR and MultiplicativeLR take C++ callables and ReduceLROnPlateau is a controller: none
/// of them can come from a string.)
template <class = void>
void register_pytorch_specs(spec_registry& reg) {
  using sched = any_schedule<double>;
  const auto add = [&reg](spec_entry e) {
    e.ecosystem = "torch";
    reg.add(std::move(e));
  };

  const step_lr<double> step_defaults(1.0, 1);
  add({"StepLR",
       "lr * gamma^floor(t / step_size)",
       {{"step_size", "", "steps between decays"},
        {"gamma", spec_literal(step_defaults.gamma()), "decay factor"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         return step_lr<double>(ctx.lr, a.integer("step_size"), a.number("gamma"));
       }});

  const multi_step_lr<double> multi_step_defaults(1.0, {});
  add({"MultiStepLR",
       "lr * gamma^(number of milestones <= t); a repeated milestone counts twice",
       {{"milestones", "", "list of steps"},
        {"gamma", spec_literal(multi_step_defaults.gamma()), "decay factor"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         return multi_step_lr<double>(ctx.lr, a.integers("milestones"), a.number("gamma"));
       }});

  const constant_lr<double> constant_defaults(1.0);
  add({"ConstantLR",
       "lr * factor for t < total_iters, then lr",
       {{"factor", spec_literal(constant_defaults.factor()), "factor in [0, 1]"},
        {"total_iters", spec_literal(constant_defaults.total_iters()), "steps at the factor"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         return constant_lr<double>(ctx.lr, a.number("factor"), a.integer("total_iters"));
       }});

  const linear_lr<double> linear_defaults(1.0);
  add({"LinearLR",
       "lr * factor, factor linear from start_factor to end_factor over total_iters steps",
       {{"start_factor", spec_literal(linear_defaults.start_factor()),
         "factor at step 0, in (0, 1]"},
        {"end_factor", spec_literal(linear_defaults.end_factor()),
         "factor from total_iters on, in [0, 1]"},
        {"total_iters", spec_literal(linear_defaults.total_iters()), "steps of the ramp"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         return linear_lr<double>(ctx.lr, a.number("start_factor"), a.number("end_factor"),
                                  a.integer("total_iters"));
       }});

  add({"ExponentialLR",
       "lr * gamma^t",
       {{"gamma", "", "decay factor per step"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         return exponential_lr<double>(ctx.lr, a.number("gamma"));
       }});

  const polynomial_lr<double> polynomial_defaults(1.0);
  add({"PolynomialLR",
       "lr * (1 - min(t, total_iters) / total_iters)^power",
       {{"total_iters", spec_literal(polynomial_defaults.total_iters()), "steps to reach 0"},
        {"power", spec_literal(polynomial_defaults.power()), "exponent"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         return polynomial_lr<double>(ctx.lr, a.integer("total_iters"), a.number("power"));
       }});

  const cosine_annealing_lr<double> cosine_defaults(1.0, 1);
  add({"CosineAnnealingLR",
       "eta_min + (lr - eta_min)(1 + cos(pi t / T_max)) / 2, periodic past T_max",
       {{"T_max", "", "half period in steps"},
        {"eta_min", spec_literal(cosine_defaults.eta_min()), "floor"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         return cosine_annealing_lr<double>(ctx.lr, a.integer("T_max"), a.number("eta_min"));
       }});

  const cosine_annealing_warm_restarts<double> restarts_defaults(1.0, 1);
  add({"CosineAnnealingWarmRestarts",
       "cosine from lr to eta_min over T_i steps, restarting; T_i = T_0 * T_mult^i",
       {{"T_0", "", "steps of the first run"},
        {"T_mult", spec_literal(restarts_defaults.t_mult()), "growth of each run (integer >= 1)"},
        {"eta_min", spec_literal(restarts_defaults.eta_min()), "floor"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         return cosine_annealing_warm_restarts<double>(ctx.lr, a.integer("T_0"),
                                                       a.integer("T_mult"), a.number("eta_min"));
       }});

  const cyclic_lr<double> cyclic_defaults(0.0, 1.0);
  add({"CyclicLR",
       "triangle between base_lr and max_lr (lr is not used); momentum cycles inversely",
       {{"base_lr", "", "lower bound"},
        {"max_lr", "", "upper bound"},
        {"step_size_up", spec_literal(cyclic_defaults.step_size_up()), "steps of the rising half"},
        {"step_size_down", "None", "steps of the falling half (None: step_size_up)"},
        {"mode", spec_literal(cyclic_defaults.mode()), enum_choices<cyclic_mode>("'")},
        {"gamma", spec_literal(cyclic_defaults.gamma()), "exp_range: amplitude * gamma^t"},
        {"scale_fn", "None", "only None: a custom scale_fn needs C++"},
        {"scale_mode", spec_literal(cyclic_defaults.scale_mode()),
         enum_choices<cyclic_scale_mode>("'") + " (with scale_fn)"},
        {"cycle_momentum", spec_literal(cyclic_defaults.has_momentum()),
         "cycle momentum between max_momentum and base_momentum"},
        {"base_momentum", "0.8", "momentum at the LR peak"},
        {"max_momentum", "0.9", "momentum at the LR trough"}},
       [](const spec_args& a, const spec_context&) -> sched {
         if (!a.is_none("scale_fn"))
           a.fail_at("scale_fn",
                     "scale_fn must be None in a spec string (a custom scale "
                     "function is a C++ callable)");
         const auto mode = a.choice<cyclic_mode>("mode", "'");
         (void)a.choice<cyclic_scale_mode>("scale_mode", "'");  // used only with scale_fn
         const step_t up = a.integer("step_size_up");
         const step_t down = a.is_none("step_size_down") ? up : a.integer("step_size_down");
         return cyclic_lr<double>(a.number("base_lr"), a.number("max_lr"), up, down, mode,
                                  a.number("gamma"), a.boolean("cycle_momentum"),
                                  a.number("base_momentum"), a.number("max_momentum"));
       }});

  const one_cycle_lr<double> one_cycle_defaults(1.0, 1);
  add({"OneCycleLR",
       "max_lr/div_factor up to max_lr, then down to max_lr/(div_factor*final_div_factor) "
       "(lr is not used); momentum cycles inversely",
       {{"max_lr", "", "peak LR"},
        {"total_steps", "None",
         "length of the cycle (None: epochs * steps_per_epoch, or "
         "the --steps budget)"},
        {"epochs", "None", "with steps_per_epoch, instead of total_steps"},
        {"steps_per_epoch", "None", "with epochs, instead of total_steps"},
        {"pct_start", "0.3", "fraction of the cycle spent rising"},
        {"anneal_strategy", spec_literal(anneal_strategy::cos), enum_choices<anneal_strategy>("'")},
        {"cycle_momentum", "True", "cycle momentum between max_momentum and base_momentum"},
        {"base_momentum", "0.85", "momentum at the LR peak"},
        {"max_momentum", "0.95", "momentum at the start and the end"},
        {"div_factor", "25.0", "max_lr / initial LR"},
        {"final_div_factor", "10000.0", "initial LR / final LR"},
        {"three_phase", "False", "go back to the initial LR before the final descent"},
        {"past_end", spec_literal(one_cycle_defaults.past_end()),
         "after total_steps: 'hold' the final values or 'cycle' (start again)"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         step_t total = 0;
         if (!a.is_none("total_steps")) {
           total = a.integer("total_steps");
         } else if (!a.is_none("epochs") || !a.is_none("steps_per_epoch")) {
           total = one_cycle_total_steps(a.integer("epochs"), a.integer("steps_per_epoch"));
         } else if (ctx.steps) {
           total = *ctx.steps;
         } else {
           a.fail_at("total_steps", "total_steps or (epochs and steps_per_epoch) is required");
         }
         const auto strategy = a.choice<anneal_strategy>("anneal_strategy", "'");
         const auto past = a.choice<past_end>("past_end", "'");
         return one_cycle_lr<double>(a.number("max_lr"), total, a.number("pct_start"), strategy,
                                     a.boolean("cycle_momentum"), a.number("base_momentum"),
                                     a.number("max_momentum"), a.number("div_factor"),
                                     a.number("final_div_factor"), a.boolean("three_phase"), past);
       }});

  add({"SequentialLR",
       "schedulers[i] from milestones[i-1], each counting steps from its own start",
       {{"schedulers", "", "list of schedules"}, {"milestones", "", "list of steps"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         return dynamic_sequential<double>(a.schedules("schedulers", ctx),
                                           a.integers("milestones"));
       }});

  add({"ChainedScheduler",
       "lr * the product of the schedulers' factors",
       {{"schedulers", "", "list of schedules"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         // Every child multiplies the group's LR by its own factor: build the children with
         // base 1 and scale once by the base LR.
         spec_context unit = ctx;
         unit.lr = 1.0;
         std::vector<sched> children{constant<double>(ctx.lr)};
         for (auto& c : a.schedules("schedulers", unit)) children.push_back(std::move(c));
         return dynamic_chained<double>(std::move(children));
       },
       "torch",
       /*optimizer_position=*/1});
}

}  // namespace lrs::detail

#endif  // LRS_IO_SPEC_FAMILIES_PYTORCH_HPP
