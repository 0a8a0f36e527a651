// SPDX-License-Identifier: MIT
// Spec names of the remaining PyTorch schedules: MultiStepLR, ConstantLR, LinearLR, ExponentialLR,
// PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR.
#ifndef LRS_IO_SPECS_PYTORCH_HPP
#define LRS_IO_SPECS_PYTORCH_HPP

#include <string>

#include <lrs/io/spec.hpp>
#include <lrs/schedules/constant_lr.hpp>
#include <lrs/schedules/cosine_annealing_warm_restarts.hpp>
#include <lrs/schedules/cyclic_lr.hpp>
#include <lrs/schedules/exponential_lr.hpp>
#include <lrs/schedules/linear_lr.hpp>
#include <lrs/schedules/multi_step_lr.hpp>
#include <lrs/schedules/one_cycle_lr.hpp>
#include <lrs/schedules/polynomial_lr.hpp>

namespace lrs::detail {

/// Registers PyTorch's schedules under PyTorch's names, parameter spelling, order and defaults.
/// (LambdaLR and MultiplicativeLR take C++ callables and ReduceLROnPlateau is a controller: none
/// of them can come from a string.)
inline void register_pytorch_specs(spec_registry& reg) {
  using sched = any_schedule<double>;
  reg.add({"MultiStepLR",
           "lr * gamma^(number of milestones <= t); a repeated milestone counts twice",
           {{"milestones", "", "list of steps"}, {"gamma", "0.1", "decay factor"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             return multi_step_lr<double>(ctx.lr, a.integers("milestones"), a.number("gamma", 0.1));
           }});
  reg.add({"ConstantLR",
           "lr * factor for t < total_iters, then lr",
           {{"factor", "0.3333333333333333", "factor in [0, 1]"},
            {"total_iters", "5", "steps at the factor"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             return constant_lr<double>(ctx.lr, a.number("factor", 1.0 / 3),
                                        a.integer("total_iters", 5));
           }});
  reg.add({"LinearLR",
           "lr * factor, factor linear from start_factor to end_factor over total_iters steps",
           {{"start_factor", "0.3333333333333333", "factor at step 0, in (0, 1]"},
            {"end_factor", "1.0", "factor from total_iters on, in [0, 1]"},
            {"total_iters", "5", "steps of the ramp"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             return linear_lr<double>(ctx.lr, a.number("start_factor", 1.0 / 3),
                                      a.number("end_factor", 1.0), a.integer("total_iters", 5));
           }});
  reg.add({"ExponentialLR",
           "lr * gamma^t",
           {{"gamma", "", "decay factor per step"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             return exponential_lr<double>(ctx.lr, a.number("gamma"));
           }});
  reg.add({"PolynomialLR",
           "lr * (1 - min(t, total_iters) / total_iters)^power",
           {{"total_iters", "5", "steps to reach 0"}, {"power", "1.0", "exponent"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             return polynomial_lr<double>(ctx.lr, a.integer("total_iters", 5),
                                          a.number("power", 1.0));
           }});
  reg.add({"CosineAnnealingWarmRestarts",
           "cosine from lr to eta_min over T_i steps, restarting; T_i = T_0 * T_mult^i",
           {{"T_0", "", "steps of the first run"},
            {"T_mult", "1", "growth of each run (integer >= 1)"},
            {"eta_min", "0", "floor"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             return cosine_annealing_warm_restarts<double>(
                 ctx.lr, a.integer("T_0"), a.integer("T_mult", 1), a.number("eta_min", 0.0));
           }});
  reg.add(
      {"CyclicLR",
       "triangle between base_lr and max_lr (lr is not used); momentum cycles inversely",
       {{"base_lr", "", "lower bound"},
        {"max_lr", "", "upper bound"},
        {"step_size_up", "2000", "steps of the rising half"},
        {"step_size_down", "None", "steps of the falling half (None: step_size_up)"},
        {"mode", "'triangular'", "'triangular', 'triangular2' or 'exp_range'"},
        {"gamma", "1.0", "exp_range: amplitude * gamma^t"},
        {"scale_fn", "None", "only None: a custom scale_fn needs C++"},
        {"scale_mode", "'cycle'", "'cycle' or 'iterations' (with scale_fn)"},
        {"cycle_momentum", "True", "cycle momentum between max_momentum and base_momentum"},
        {"base_momentum", "0.8", "momentum at the LR peak"},
        {"max_momentum", "0.9", "momentum at the LR trough"}},
       [](const spec_args& a, const spec_context&) -> sched {
         if (!a.is_none("scale_fn"))
           a.fail_at("scale_fn",
                     "scale_fn must be None in a spec string (a custom scale "
                     "function is a C++ callable)");
         const std::string m = a.string("mode", std::string("triangular"));
         cyclic_mode mode = cyclic_mode::triangular;
         if (m == "triangular2") {
           mode = cyclic_mode::triangular2;
         } else if (m == "exp_range") {
           mode = cyclic_mode::exp_range;
         } else if (m != "triangular") {
           a.fail_at("mode",
                     "mode must be 'triangular', 'triangular2' or 'exp_range', got '" + m + "'");
         }
         const std::string sm = a.string("scale_mode", std::string("cycle"));
         if (sm != "cycle" && sm != "iterations")
           a.fail_at("scale_mode", "scale_mode must be 'cycle' or 'iterations', got '" + sm + "'");
         const step_t up = a.integer("step_size_up", 2000);
         const step_t down = a.is_none("step_size_down") ? up : a.integer("step_size_down");
         return cyclic_lr<double>(a.number("base_lr"), a.number("max_lr"), up, down, mode,
                                  a.number("gamma", 1.0), a.boolean("cycle_momentum", true),
                                  a.number("base_momentum", 0.8), a.number("max_momentum", 0.9));
       }});
  reg.add({"OneCycleLR",
           "max_lr/div_factor up to max_lr, then down to max_lr/(div_factor*final_div_factor) "
           "(lr is not used); momentum cycles inversely",
           {{"max_lr", "", "peak LR"},
            {"total_steps", "None",
             "length of the cycle (None: epochs * steps_per_epoch, or "
             "the --steps budget)"},
            {"epochs", "None", "with steps_per_epoch, instead of total_steps"},
            {"steps_per_epoch", "None", "with epochs, instead of total_steps"},
            {"pct_start", "0.3", "fraction of the cycle spent rising"},
            {"anneal_strategy", "'cos'", "'cos' or 'linear'"},
            {"cycle_momentum", "True", "cycle momentum between max_momentum and base_momentum"},
            {"base_momentum", "0.85", "momentum at the LR peak"},
            {"max_momentum", "0.95", "momentum at the start and the end"},
            {"div_factor", "25.0", "max_lr / initial LR"},
            {"final_div_factor", "10000.0", "initial LR / final LR"},
            {"three_phase", "False", "go back to the initial LR before the final descent"},
            {"past_end", "'hold'", "after total_steps: 'hold' the final values or 'restart'"}},
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
             const std::string s = a.string("anneal_strategy", std::string("cos"));
             if (s != "cos" && s != "linear")
               a.fail_at("anneal_strategy",
                         "anneal_strategy must be 'cos' or 'linear', got '" + s + "'");
             const std::string pe = a.string("past_end", std::string("hold"));
             if (pe != "hold" && pe != "restart")
               a.fail_at("past_end", "past_end must be 'hold' or 'restart', got '" + pe + "'");
             return one_cycle_lr<double>(
                 a.number("max_lr"), total, a.number("pct_start", 0.3),
                 s == "cos" ? anneal_strategy::cos : anneal_strategy::linear,
                 a.boolean("cycle_momentum", true), a.number("base_momentum", 0.85),
                 a.number("max_momentum", 0.95), a.number("div_factor", 25.0),
                 a.number("final_div_factor", 1e4), a.boolean("three_phase", false),
                 pe == "hold" ? one_cycle_past_end::hold : one_cycle_past_end::restart);
           }});
}

}  // namespace lrs::detail

#endif  // LRS_IO_SPECS_PYTORCH_HPP
