// SPDX-License-Identifier: MIT
// Spec names of optax's schedules (lrs::optax), spelled as optax spells them, with optax's
// parameter order and defaults: `optax.warmup_cosine_decay_schedule(0.0, 1.0, 50, 1000)`.
#ifndef LRS_IO_SPEC_FAMILIES_OPTAX_HPP
#define LRS_IO_SPEC_FAMILIES_OPTAX_HPP

#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/io/spec.hpp>
#include <lrs/schedules/combinators.hpp>
#include <lrs/schedules/optax.hpp>

namespace lrs::detail {

/// `boundaries_and_scales` ({100: 0.5, 200: 0.1}, or None) as a map from whole steps to scales.
template <class = void>
std::map<step_t, double> optax_boundaries_and_scales(const spec_args& a) {
  std::map<step_t, double> out;
  for (const auto& [b, s] : a.integer_pairs("boundaries_and_scales")) out[b] = s;
  return out;
}

/// One item of sgdr_schedule's cosine_kwargs: a dict with string keys or a dict(...) call,
/// holding warmup_cosine_decay_schedule's keyword arguments.
template <class = void>
optax::sgdr_cycle<double> optax_sgdr_cycle(const spec_args& a, const spec_value& item,
                                           std::size_t i) {
  const std::string where = "cosine_kwargs[" + std::to_string(i) + "]";
  std::vector<std::pair<std::string, const spec_value*>> kw;
  if (item.type == spec_value::kind::dict) {
    for (std::size_t k = 0; k < item.keys.size(); ++k) {
      if (item.keys[k].type != spec_value::kind::string)
        a.fail_at("cosine_kwargs", where +
                                       " keys must be quoted parameter names of "
                                       "warmup_cosine_decay_schedule, got " +
                                       std::string(item.keys[k].kind_name()));
      kw.emplace_back(item.keys[k].text, &item.items[k]);
    }
  } else if (item.type == spec_value::kind::call && item.nested->name == "dict") {
    for (const spec_argument& arg : item.nested->args) {
      if (arg.name.empty())
        a.fail_at("cosine_kwargs", where +
                                       " must be dict(name=value, ...), got a positional "
                                       "value at column " +
                                       std::to_string(arg.column));
      kw.emplace_back(arg.name, &arg.val);
    }
  } else {
    a.fail_at("cosine_kwargs",
              where +
                  " must be a dict of warmup_cosine_decay_schedule's arguments such as "
                  "{\"init_value\": 0.0, \"peak_value\": 0.1, \"warmup_steps\": 10, "
                  "\"decay_steps\": 100}, got " +
                  std::string(item.kind_name()));
  }
  optax::sgdr_cycle<double> c;
  bool seen[4] = {false, false, false, false};
  for (const auto& [name, v] : kw) {
    const std::string p = where + "[\"" + detail::excerpt(name) + "\"]";
    if (v->type != spec_value::kind::number)
      a.fail_at("cosine_kwargs", p + " must be a number, got " + std::string(v->kind_name()));
    const double x = v->number;
    const spec_value& value = *v;  // a lambda may not capture a structured binding (C++17)
    auto whole = [&]() -> step_t {
      const whole_number w = detail::integer_of(value);
      if (w.status != whole_number_status::ok)
        a.fail_at("cosine_kwargs", p + " must be a whole number" +
                                       (w.status == whole_number_status::out_of_range
                                            ? " from -9223372036854775808 to 9223372036854775807"
                                            : "") +
                                       ", got " + detail::excerpt(value.text));
      return w.value;
    };
    if (name == "init_value") {
      c.init_value = x;
      seen[0] = true;
    } else if (name == "peak_value") {
      c.peak_value = x;
      seen[1] = true;
    } else if (name == "warmup_steps") {
      c.warmup_steps = whole();
      seen[2] = true;
    } else if (name == "decay_steps") {
      c.decay_steps = whole();
      seen[3] = true;
    } else if (name == "end_value") {
      c.end_value = x;
    } else if (name == "exponent") {
      c.exponent = x;
    } else {
      a.fail_at("cosine_kwargs", where + " has unknown key " + detail::quote(name) +
                                     "; warmup_cosine_decay_schedule takes init_value, "
                                     "peak_value, warmup_steps, decay_steps, end_value, exponent");
    }
  }
  static constexpr const char* required[] = {"init_value", "peak_value", "warmup_steps",
                                             "decay_steps"};
  for (std::size_t k = 0; k < 4; ++k)
    if (!seen[k])
      a.fail_at("cosine_kwargs", where + " lacks '" + required[k] +
                                     "' (a required argument of warmup_cosine_decay_schedule)");
  return c;
}

/// Registers optax's schedules under optax's names (ecosystem "optax": pasted with `optax.` or
/// `optax.schedules.`). Values are absolute: `--lr` (ctx.lr) has no effect on them.
template <class = void>
void register_optax_specs(spec_registry& reg) {
  using sched = any_schedule<double>;
  auto add = [&reg](spec_entry e) {
    e.ecosystem = "optax";
    reg.add(std::move(e));
  };
  const char* begin_help = "steps before the transition starts (< 0 counts as 0)";
  const char* steps_help = "length of the transition (<= 0: constant init_value)";
  const char* bas_help = "{step: scale}, scales multiplied in from their step on";

  add({"constant_schedule",
       "value at every step",
       {{"value", "", "the learning rate"}},
       [](const spec_args& a, const spec_context&) -> sched {
         return optax::constant_schedule(a.number("value"));
       }});

  add({"polynomial_schedule",
       "(init - end) (1 - clip(t - begin, 0, N) / N)^power + end",
       {{"init_value", "", "value up to transition_begin"},
        {"end_value", "", "value from transition_begin + transition_steps on"},
        {"power", "", "exponent of the polynomial (>= 0)"},
        {"transition_steps", "", steps_help},
        {"transition_begin", "0", begin_help}},
       [](const spec_args& a, const spec_context&) -> sched {
         return optax::polynomial_schedule<double>(a.number("init_value"), a.number("end_value"),
                                                   a.number("power"), a.integer("transition_steps"),
                                                   a.integer("transition_begin"));
       }});

  add({"linear_schedule",
       "init_value to end_value linearly over transition_steps, after transition_begin",
       {{"init_value", "", "value up to transition_begin"},
        {"end_value", "", "value from transition_begin + transition_steps on"},
        {"transition_steps", "", steps_help},
        {"transition_begin", "0", begin_help}},
       [](const spec_args& a, const spec_context&) -> sched {
         return optax::linear_schedule<double>(a.number("init_value"), a.number("end_value"),
                                               a.integer("transition_steps"),
                                               a.integer("transition_begin"));
       }});

  add({"piecewise_constant_schedule",
       "init_value times the scales whose boundary step is <= t",
       {{"init_value", "", "value before the first boundary"},
        {"boundaries_and_scales", "None", bas_help}},
       [](const spec_args& a, const spec_context&) -> sched {
         return optax::piecewise_constant_schedule<double>(a.number("init_value"),
                                                           optax_boundaries_and_scales(a));
       }});

  add({"exponential_decay",
       "init_value * decay_rate^((t - transition_begin) / transition_steps), clipped at end_value",
       {{"init_value", "", "value up to transition_begin"},
        {"transition_steps", "", "steps per factor decay_rate (<= 0: constant init_value)"},
        {"decay_rate", "", "factor per transition_steps (0: constant init_value)"},
        {"transition_begin", "0", begin_help},
        {"staircase", "False", "decay at whole multiples of transition_steps only"},
        {"end_value", "None", "floor if decay_rate < 1, cap otherwise (None: none)"}},
       [](const spec_args& a, const spec_context&) -> sched {
         std::optional<double> end;
         if (!a.is_none("end_value")) end = a.number("end_value");
         return optax::exponential_decay<double>(
             a.number("init_value"), a.integer("transition_steps"), a.number("decay_rate"),
             a.integer("transition_begin"), a.boolean("staircase"), end);
       }});

  add({"cosine_decay_schedule",
       "init_value ((1 - alpha) ((1 + cos(pi min(t, decay_steps) / decay_steps)) / 2)^exponent "
       "+ alpha)",
       {{"init_value", "", "value at step 0"},
        {"decay_steps", "", "length of the decay (> 0)"},
        {"alpha", "0.0", "final value as a fraction of init_value"},
        {"exponent", "1.0", "power of the cosine factor"}},
       [](const spec_args& a, const spec_context&) -> sched {
         return optax::cosine_decay_schedule<double>(a.number("init_value"),
                                                     a.integer("decay_steps"), a.number("alpha"),
                                                     a.number("exponent"));
       }});

  add({"piecewise_interpolate_schedule",
       "cumulative scales at boundary steps, interpolated linearly or by a half cosine",
       {{"interpolate_type", "", "'linear' or 'cosine'"},
        {"init_value", "", "value at step 0"},
        {"boundaries_and_scales", "None", bas_help}},
       [](const spec_args& a, const spec_context&) -> sched {
         return optax::piecewise_interpolate_schedule<double>(
             a.choice<interpolation>("interpolate_type", "'"), a.number("init_value"),
             optax_boundaries_and_scales(a));
       }});

  add({"linear_onecycle_schedule",
       "one-cycle in three linear phases: peak / div_factor -> peak -> peak / div_factor -> "
       "peak / (div_factor final_div_factor)",
       {{"transition_steps", "", "length of the cycle (> 0)"},
        {"peak_value", "", "the peak"},
        {"pct_start", "0.3", "fraction of transition_steps rising"},
        {"pct_final", "0.85", "fraction at the end of the fall back to peak / div_factor"},
        {"div_factor", "25.0", "start value = peak_value / div_factor"},
        {"final_div_factor", "1e4", "final value = start value / final_div_factor"}},
       [](const spec_args& a, const spec_context&) -> sched {
         return optax::linear_onecycle_schedule<double>(
             a.integer("transition_steps"), a.number("peak_value"), a.number("pct_start"),
             a.number("pct_final"), a.number("div_factor"), a.number("final_div_factor"));
       }});

  add({"cosine_onecycle_schedule",
       "one-cycle with half-cosine phases: peak / div_factor -> peak -> peak / (div_factor "
       "final_div_factor)",
       {{"transition_steps", "", "length of the cycle (> 0)"},
        {"peak_value", "", "the peak"},
        {"pct_start", "0.3", "fraction of transition_steps rising"},
        {"div_factor", "25.0", "start value = peak_value / div_factor"},
        {"final_div_factor", "1e4", "final value = start value / final_div_factor"}},
       [](const spec_args& a, const spec_context&) -> sched {
         return optax::cosine_onecycle_schedule<double>(
             a.integer("transition_steps"), a.number("peak_value"), a.number("pct_start"),
             a.number("div_factor"), a.number("final_div_factor"));
       }});

  add({"warmup_constant_schedule",
       "linear warm-up from init_value to peak_value, then peak_value (warmup_steps 0: "
       "init_value)",
       {{"init_value", "", "value at step 0"},
        {"peak_value", "", "value from warmup_steps on"},
        {"warmup_steps", "", "length of the warm-up"}},
       [](const spec_args& a, const spec_context&) -> sched {
         return optax::warmup_constant_schedule<double>(
             a.number("init_value"), a.number("peak_value"), a.integer("warmup_steps"));
       }});

  add({"warmup_cosine_decay_schedule",
       "linear warm-up to peak_value, then cosine decay to end_value at decay_steps (warm-up "
       "included)",
       {{"init_value", "", "value at step 0"},
        {"peak_value", "", "value at the end of the warm-up"},
        {"warmup_steps", "", "length of the warm-up"},
        {"decay_steps", "", "total length, warm-up included (> warmup_steps)"},
        {"end_value", "0.0", "value from decay_steps on"},
        {"exponent", "1.0", "power of the cosine factor"}},
       [](const spec_args& a, const spec_context&) -> sched {
         return optax::warmup_cosine_decay_schedule<double>(
             a.number("init_value"), a.number("peak_value"), a.integer("warmup_steps"),
             a.integer("decay_steps"), a.number("end_value"), a.number("exponent"));
       }});

  add({"warmup_exponential_decay_schedule",
       "linear warm-up to peak_value, then exponential_decay from peak_value",
       {{"init_value", "", "value at step 0"},
        {"peak_value", "", "value at the end of the warm-up"},
        {"warmup_steps", "", "length of the warm-up"},
        {"transition_steps", "", "steps per factor decay_rate (<= 0: constant peak_value)"},
        {"decay_rate", "", "factor per transition_steps (0: constant peak_value)"},
        {"transition_begin", "0", "steps after the warm-up before the decay starts"},
        {"staircase", "False", "decay at whole multiples of transition_steps only"},
        {"end_value", "None", "floor if decay_rate < 1, cap otherwise (None: none)"}},
       [](const spec_args& a, const spec_context&) -> sched {
         std::optional<double> end;
         if (!a.is_none("end_value")) end = a.number("end_value");
         return optax::warmup_exponential_decay_schedule<double>(
             a.number("init_value"), a.number("peak_value"), a.integer("warmup_steps"),
             a.integer("transition_steps"), a.number("decay_rate"), a.integer("transition_begin"),
             a.boolean("staircase"), end);
       }});

  add({"sgdr_schedule",
       "warmup_cosine_decay_schedule cycles one after the other (SGDR)",
       {{"cosine_kwargs", "", "list of dicts of warmup_cosine_decay_schedule's arguments"}},
       [](const spec_args& a, const spec_context&) -> sched {
         const spec_value* v = a.raw("cosine_kwargs");
         std::vector<optax::sgdr_cycle<double>> cycles;
         if (v && v->type == spec_value::kind::list) {
           for (std::size_t i = 0; i < v->items.size(); ++i)
             cycles.push_back(optax_sgdr_cycle(a, v->items[i], i));
         } else if (v && (v->type == spec_value::kind::dict ||
                          (v->type == spec_value::kind::call && v->nested->name == "dict"))) {
           cycles.push_back(optax_sgdr_cycle(a, *v, 0));
         } else {
           a.fail_at("cosine_kwargs",
                     "cosine_kwargs must be a list of dicts such as [{\"init_value\": 0.0, "
                     "\"peak_value\": 0.1, \"warmup_steps\": 10, \"decay_steps\": 100}], got " +
                         std::string(v ? v->kind_name() : "nothing"));
         }
         return optax::sgdr_schedule(cycles);
       }});

  add({"join_schedules",
       "schedules one after the other; schedules[i] sees t - boundaries[i-1] (absolute "
       "boundaries)",
       {{"schedules", "", "list of schedules"},
        {"boundaries", "", "absolute steps where the next schedule takes over, one fewer"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         return optax::join_schedules<double>(a.schedules("schedules", ctx),
                                              a.integers("boundaries"));
       }});
}

}  // namespace lrs::detail

#endif  // LRS_IO_SPEC_FAMILIES_OPTAX_HPP
