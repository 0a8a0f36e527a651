// SPDX-License-Identifier: MIT
// Spec names of the combinators: with_warmup, join, scaled, clamped, cycled, shifted, per_epoch,
// from_values, interpolated. Each reads like its C++ call.
#ifndef LRS_IO_SPEC_FAMILIES_COMBINATORS_HPP
#define LRS_IO_SPEC_FAMILIES_COMBINATORS_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/vocabulary.hpp>
#include <lrs/io/spec.hpp>
#include <lrs/schedules/combinators.hpp>
#include <lrs/schedules/warmup.hpp>

namespace lrs::detail {

/// `ctx` with the budget given to a nested schedule: `steps` when the outer budget is known,
/// unchanged otherwise.
template <class = void>
spec_context nested_context(const spec_context& ctx, std::optional<step_t> steps) {
  spec_context c = ctx;
  if (ctx.steps && steps && *steps > 0) c.steps = *steps;
  return c;
}

/// Registers the combinators under their C++ names and parameter names. A nested budget-native
/// schedule without total_steps gets the part of the outer budget (--steps) it covers: T - W
/// after a prefix warm-up, the segment between two boundaries of a join, the period of cycled,
/// T - k after shifted, and ceil(T / steps_per_epoch) epochs under per_epoch.
template <class = void>
void register_combinator_specs(spec_registry& reg) {
  using sched = any_schedule<double>;
  const warmup_options<double> wd;

  reg.add(
      {"with_warmup",
       "warm-up of warmup_steps steps into the schedule (prefix: it starts after; overlay: "
       "over its first steps)",
       {{"schedule", "", "the schedule warmed up"},
        {"warmup_steps", "", "warm-up length W"},
        {"warmup_shape", spec_literal(wd.warmup_shape, false), enum_choices<warmup_shape>()},
        {"warmup_start", "end / (W + 1)", "LR at step 0 (0 for a warm-up from zero)", true},
        {"mode", spec_literal(wd.mode, false), enum_choices<warmup_mode>()}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         const step_t w = a.integer("warmup_steps");
         warmup_options<double> o;
         o.warmup_shape = a.choice<warmup_shape>("warmup_shape");
         o.mode = a.choice<warmup_mode>("mode");
         if (a.has("warmup_start")) o.warmup_start = a.number("warmup_start");
         std::optional<step_t> rest;
         if (ctx.steps && o.mode == warmup_mode::prefix && w >= 0) rest = *ctx.steps - w;
         sched s = a.schedule("schedule", nested_context(ctx, rest));
         // An exponential warm-up needs a start > 0. Without warmup_start it is derived from
         // the LR handed over to, s(0) (prefix) or s(W) (overlay), divided by W + 1: when that
         // is 0, say so in the user's terms instead of blaming a warmup_start never given.
         if (w > 0 && o.warmup_shape == warmup_shape::exponential && !o.warmup_start) {
           const bool prefix = o.mode == warmup_mode::prefix;
           const double end = prefix ? s(0) : s(w);
           const std::string at = prefix ? "s(0)" : "s(warmup_steps)";
           if (end == 0)
             a.fail_at("warmup_shape", "an exponential warm-up needs the LR it hands over to, " +
                                           at + ", to be > 0, got 0");
           if (std::isfinite(end) && end > 0 && !(end / static_cast<double>(w + 1) > 0))
             a.fail_at("warmup_shape", "an exponential warm-up starts at " + at +
                                           " / (warmup_steps + 1) = " + format_value(end) + " / " +
                                           format_value(double(w) + 1) +
                                           ", which is 0 in floating point: give warmup_start > 0");
         }
         return with_warmup<sched>(std::move(s), w, o);
       }});

  reg.add({"join",
           "schedules one after the other, each counting from its own start (optax "
           "join_schedules)",
           {{"schedules", "", "list of schedules"},
            {"boundaries", "", "steps where the next schedule takes over, one fewer"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             const std::vector<step_t> b = a.integers("boundaries");
             // Child i's default budget is its segment, boundaries[i] - boundaries[i-1] (the
             // last one up to --steps).
             auto segment = [&](std::size_t i) {
               if (!ctx.steps || i > b.size()) return ctx;
               const step_t start = i == 0 ? 0 : b[i - 1];
               const step_t end = i < b.size() ? b[i] : *ctx.steps;
               return nested_context(ctx, end - start);
             };
             return join(a.schedules_each("schedules", segment), b);
           }});

  reg.add({"scaled",
           "k * schedule(t)",
           {{"schedule", "", "the schedule"}, {"k", "", "factor >= 0"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             return scaled<sched>(a.schedule("schedule", ctx), a.number("k"));
           }});

  reg.add({"clamped",
           "clamp(schedule(t), lo, hi)",
           {{"schedule", "", "the schedule"},
            {"lo", "0", "lower bound >= 0"},
            {"hi", "None", "upper bound (None: no cap)"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             const double hi =
                 a.is_none("hi") ? std::numeric_limits<double>::infinity() : a.number("hi");
             return clamped<sched>(a.schedule("schedule", ctx), a.number("lo"), hi);
           }});

  reg.add({"cycled",
           "schedule(t mod period)",
           {{"schedule", "", "the schedule"}, {"period", "", "cycle length in steps"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             const step_t p = a.integer("period");
             return cycled<sched>(a.schedule("schedule", nested_context(ctx, p)), p);
           }});

  reg.add({"shifted",
           "schedule(t - k) from step k on, schedule(0) before",
           {{"schedule", "", "the schedule"}, {"k", "", "delay in steps"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             const step_t k = a.integer("k");
             std::optional<step_t> rest;
             if (ctx.steps) rest = *ctx.steps - k;
             return shifted<sched>(a.schedule("schedule", nested_context(ctx, rest)), k);
           }});

  reg.add({"per_epoch",
           "an epoch-indexed schedule at every update: schedule(floor(t / steps_per_epoch))",
           {{"schedule", "", "the schedule, indexed by epoch"},
            {"steps_per_epoch", "", "updates per epoch"}},
           [](const spec_args& a, const spec_context& ctx) -> sched {
             const step_t k = a.integer("steps_per_epoch");
             std::optional<step_t> epochs;
             if (ctx.steps && k > 0) epochs = (*ctx.steps + k - 1) / k;
             return per_epoch<sched>(a.schedule("schedule", nested_context(ctx, epochs)), k);
           }});

  reg.add({"from_values",
           "values[t], then hold the last value or cycle",
           {{"values", "", "list of learning rates"},
            {"past_end", spec_literal(past_end::hold, false), "hold or cycle"}},
           [](const spec_args& a, const spec_context&) -> sched {
             return from_values<double>(a.numbers("values"), a.choice<past_end>("past_end"));
           }});

  reg.add({"interpolated",
           "values at boundary steps, interpolated in between (optax "
           "piecewise_interpolate_schedule)",
           {{"boundaries", "", "increasing steps"},
            {"values", "", "one learning rate per boundary"},
            {"interpolation", spec_literal(interpolation::linear, false),
             enum_choices<interpolation>()}},
           [](const spec_args& a, const spec_context&) -> sched {
             return interpolated<double>(a.integers("boundaries"), a.numbers("values"),
                                         a.choice<interpolation>("interpolation"));
           }});
}

}  // namespace lrs::detail

#endif  // LRS_IO_SPEC_FAMILIES_COMBINATORS_HPP
