// SPDX-License-Identifier: MIT
// Spec names of the foundation schedules: StepLR, CosineAnnealingLR, SequentialLR,
// ChainedScheduler.
#ifndef LRS_IO_SPECS_FOUNDATION_HPP
#define LRS_IO_SPECS_FOUNDATION_HPP

#include <utility>
#include <vector>

#include <lrs/io/spec.hpp>
#include <lrs/schedules/chained.hpp>
#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>
#include <lrs/schedules/sequential.hpp>
#include <lrs/schedules/step_lr.hpp>

namespace lrs::detail {

inline void register_foundation_specs(spec_registry& reg) {
  reg.add({"StepLR",
           "lr * gamma^floor(t / step_size)",
           {{"step_size", "", "steps between decays"}, {"gamma", "0.1", "decay factor"}},
           [](const spec_args& a, const spec_context& ctx) -> any_schedule<double> {
             return step_lr<double>(ctx.lr, a.integer("step_size"), a.number("gamma", 0.1));
           }});
  reg.add({"CosineAnnealingLR",
           "eta_min + (lr - eta_min)(1 + cos(pi t / T_max)) / 2, periodic past T_max",
           {{"T_max", "", "half period in steps"}, {"eta_min", "0", "floor"}},
           [](const spec_args& a, const spec_context& ctx) -> any_schedule<double> {
             return cosine_annealing_lr<double>(ctx.lr, a.integer("T_max"),
                                                a.number("eta_min", 0.0));
           }});
  reg.add({"SequentialLR",
           "schedulers[i] from milestones[i-1], each counting steps from its own start",
           {{"schedulers", "", "list of schedules"}, {"milestones", "", "list of steps"}},
           [](const spec_args& a, const spec_context& ctx) -> any_schedule<double> {
             return dynamic_sequential<double>(a.schedules("schedulers", ctx),
                                               a.integers("milestones"));
           }});
  reg.add({"ChainedScheduler",
           "lr * the product of the schedulers' factors",
           {{"schedulers", "", "list of schedules"}},
           [](const spec_args& a, const spec_context& ctx) -> any_schedule<double> {
             // Every child multiplies the group's LR by its own factor: build the children with
             // base 1 and scale once by the base LR.
             spec_context unit = ctx;
             unit.lr = 1.0;
             std::vector<any_schedule<double>> children{constant<double>(ctx.lr)};
             for (auto& c : a.schedules("schedulers", unit)) children.push_back(std::move(c));
             return dynamic_chained<double>(std::move(children));
           }});
}

}  // namespace lrs::detail

#endif  // LRS_IO_SPECS_FOUNDATION_HPP
