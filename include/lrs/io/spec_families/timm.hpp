// SPDX-License-Identifier: MIT
// Spec names of timm's schedulers (timm.scheduler): CosineLRScheduler, TanhLRScheduler,
// StepLRScheduler, MultiStepLRScheduler, PolyLRScheduler (PlateauLRScheduler is a controller: the
// registry refuses it with a pointer to lrs::plateau_scaled).
#ifndef LRS_IO_SPEC_FAMILIES_TIMM_HPP
#define LRS_IO_SPEC_FAMILIES_TIMM_HPP

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/io/spec.hpp>
#include <lrs/schedules/timm.hpp>

namespace lrs::detail {

/// Registers timm's schedulers under timm's names, parameter order (without the optimizer, which
/// a pasted call may keep as its first argument) and defaults. The base LR is the optimizer's LR,
/// `ctx.lr` (`--lr`). The schedule is indexed by t as timm's is: updates with
/// `t_in_epochs=False`, epochs with timm's default `t_in_epochs=True` (expand those to updates
/// with `lrs curve --steps-per-epoch K`). `initialize` must stay True. Noise (`noise_range_t`,
/// `noise_pct`, `noise_seed`) is drawn as timm draws it (timm::noise_options); `noise_std` is
/// accepted and ignored, as timm ignores it.
template <class = void>
void register_timm_specs(spec_registry& reg) {
  using sched = any_schedule<double>;
  const auto add = [&reg](spec_entry e) {
    e.ecosystem = "timm";
    e.optimizer_position = 0;
    reg.add(std::move(e));
  };
  const std::vector<spec_param> warmup = {
      {"warmup_t", "0", "warm-up length (t below it ramps linearly)"},
      {"warmup_lr_init", "0.0", "LR at t = 0 of the warm-up"},
  };
  const std::vector<spec_param> noise = {
      {"t_in_epochs", "True", "t counts epochs (True) or updates (False); same values per t"},
      {"noise_range_t", "None", "noise from this t, or over [begin, end); None: no noise"},
      {"noise_pct", "0.67", "noise bound: |noise| < noise_pct, in (0, 1]"},
      {"noise_std", "1.0", "unused (timm ignores it too)"},
      {"noise_seed", "42", "the noise at t is drawn with seed noise_seed + t"},
  };
  const spec_param initialize{"initialize", "True", "True only (sets the optimizer's initial_lr)"};
  // Checks the Python-only arguments every timm scheduler has and reads the noise options.
  const auto common = [](const spec_args& a) {
    if (!a.boolean("initialize"))
      a.fail_at("initialize",
                "initialize must be True (False reads initial_lr from an optimizer "
                "lrs does not have; give the LR as --lr)");
    timm::noise_options n;
    n.pct = a.number("noise_pct");
    (void)a.number("noise_std");
    const step_t seed = a.integer("noise_seed");
    if (seed < 0) a.fail_at("noise_seed", "noise_seed must be >= 0, got " + std::to_string(seed));
    n.seed = static_cast<std::uint64_t>(seed);
    if (a.is_none("noise_range_t")) return n;
    n.enabled = true;
    const std::vector<step_t> r = a.integers("noise_range_t");
    if (r.size() == 1) {
      n.begin = r[0];
    } else if (r.size() == 2) {
      n.begin = r[0];
      n.end = r[1];
    } else {
      a.fail_at("noise_range_t",
                "noise_range_t must be None, a step or [begin, end], got a list of " +
                    std::to_string(r.size()));
    }
    return n;
  };
  const auto cycles = [&](std::vector<spec_param> head, bool k_decay) {
    std::vector<spec_param> p = std::move(head);
    p.push_back({"lr_min", "0.0", "floor of every cycle and LR past the last cycle"});
    p.push_back({"cycle_mul", "1.0", "cycle length multiplier, >= 1"});
    p.push_back({"cycle_decay", "1.0", "peak multiplier per cycle"});
    p.push_back({"cycle_limit", "1", "number of cycles; lr_min after them"});
    p.insert(p.end(), warmup.begin(), warmup.end());
    p.push_back({"warmup_prefix", "False", "True: cycles start after the warm-up"});
    p.insert(p.end(), noise.begin(), noise.end());
    if (k_decay) p.push_back({"k_decay", "1.0", "k-decay exponent on t_curr / t_i"});
    p.push_back(initialize);
    return p;
  };

  add({"CosineLRScheduler",
       "timm: lr_min + (lr cycle_decay^i - lr_min)(1 + cos(pi t_curr^k / t_i^k)) / 2, warm-up, "
       "restarts",
       cycles({{"t_initial", "", "length of the first cycle"}}, true),
       [common](const spec_args& a, const spec_context& ctx) -> sched {
         const timm::noise_options n = common(a);
         return timm::cosine_lr_scheduler<double>(
             ctx.lr, a.integer("t_initial"), a.number("lr_min"), a.number("cycle_mul"),
             a.number("cycle_decay"), a.integer("cycle_limit"), a.integer("warmup_t"),
             a.number("warmup_lr_init"), a.boolean("warmup_prefix"), a.boolean("t_in_epochs"),
             a.number("k_decay"), n);
       }});

  add({"TanhLRScheduler",
       "timm: lr_min + (lr cycle_decay^i - lr_min)(1 - tanh(lb (1 - tr) + ub tr)) / 2, warm-up, "
       "restarts",
       cycles({{"t_initial", "", "length of the first cycle"},
               {"lb", "-7.0", "tanh argument at the cycle start"},
               {"ub", "3.0", "tanh argument at the cycle end"}},
              false),
       [common](const spec_args& a, const spec_context& ctx) -> sched {
         const timm::noise_options n = common(a);
         return timm::tanh_lr_scheduler<double>(
             ctx.lr, a.integer("t_initial"), a.number("lb"), a.number("ub"), a.number("lr_min"),
             a.number("cycle_mul"), a.number("cycle_decay"), a.integer("cycle_limit"),
             a.integer("warmup_t"), a.number("warmup_lr_init"), a.boolean("warmup_prefix"),
             a.boolean("t_in_epochs"), n);
       }});

  add({"PolyLRScheduler",
       "timm: lr_min + (lr cycle_decay^i - lr_min)(1 - t_curr^k / t_i^k)^power, warm-up, restarts",
       cycles({{"t_initial", "", "length of the first cycle"},
               {"power", "0.5", "exponent of the decay"}},
              true),
       [common](const spec_args& a, const spec_context& ctx) -> sched {
         const timm::noise_options n = common(a);
         return timm::poly_lr_scheduler<double>(
             ctx.lr, a.integer("t_initial"), a.number("power"), a.number("lr_min"),
             a.number("cycle_mul"), a.number("cycle_decay"), a.integer("cycle_limit"),
             a.integer("warmup_t"), a.number("warmup_lr_init"), a.boolean("warmup_prefix"),
             a.boolean("t_in_epochs"), a.number("k_decay"), n);
       }});

  const auto decay_params = [&](spec_param first) {
    std::vector<spec_param> p = {std::move(first), {"decay_rate", "1.0", "factor per decay"}};
    p.insert(p.end(), warmup.begin(), warmup.end());
    p.push_back({"warmup_prefix", "True", "True: decays count from the end of the warm-up"});
    p.insert(p.end(), noise.begin(), noise.end());
    p.push_back(initialize);
    return p;
  };
  add({"StepLRScheduler", "timm: lr * decay_rate^(t // decay_t), warm-up",
       decay_params({"decay_t", "", "steps between decays (may be fractional)"}),
       [common](const spec_args& a, const spec_context& ctx) -> sched {
         const timm::noise_options n = common(a);
         return timm::step_lr_scheduler<double>(
             ctx.lr, a.number("decay_t"), a.number("decay_rate"), a.integer("warmup_t"),
             a.number("warmup_lr_init"), a.boolean("warmup_prefix"), a.boolean("t_in_epochs"), n);
       }});
  add({"MultiStepLRScheduler",
       "timm: lr * decay_rate^(milestones <= t + 1), one step early as timm, warm-up",
       decay_params({"decay_t", "", "sorted list of milestones"}),
       [common](const spec_args& a, const spec_context& ctx) -> sched {
         const timm::noise_options n = common(a);
         return timm::multi_step_lr_scheduler<double>(
             ctx.lr, a.integers("decay_t"), a.number("decay_rate"), a.integer("warmup_t"),
             a.number("warmup_lr_init"), a.boolean("warmup_prefix"), a.boolean("t_in_epochs"), n);
       }});
}

}  // namespace lrs::detail

#endif  // LRS_IO_SPEC_FAMILIES_TIMM_HPP
