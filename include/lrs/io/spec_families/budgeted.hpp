// SPDX-License-Identifier: MIT
// Spec names of the budget-native schedules: rex, linear, cosine, constant, exponential, step,
// polynomial, inverse_sqrt, wsd.
#ifndef LRS_IO_SPEC_FAMILIES_BUDGETED_HPP
#define LRS_IO_SPEC_FAMILIES_BUDGETED_HPP

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/io/spec.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/profiles.hpp>

namespace lrs::detail {

/// The parameters every budget-native name takes after its own; defaults from budget_options.
template <class = void>
std::vector<spec_param> budgeted_common_params() {
  const auto literal = [](const auto&... a) { return spec_literal(a...); };
  const budget_options<double> d;
  return {
      {"peak", "--lr", "peak learning rate", true},
      {"min_lr", literal(d.min_lr), "floor: lr = min_lr + (peak - min_lr) p(t/T)"},
      {"total_steps", "--steps", "budget T in steps", true},
      {"warmup_steps", literal(d.warmup_steps), "warm-up length W in steps"},
      {"warmup_fraction", literal(d.warmup_fraction),
       "warm-up length as a fraction of T in [0, 1) (instead of warmup_steps)"},
      {"warmup_start", "peak/(W+1)", "LR at step 0 of the warm-up (0: from zero)", true},
      {"warmup_shape", literal(d.warmup_shape, false), enum_choices<warmup_shape>()},
      {"sample_every", literal(d.sample_every), "re-read the profile every k steps"},
      {"steps_per_epoch", literal(d.steps_per_epoch),
       "re-read the profile once per epoch of this many steps"},
      {"past_end", literal(d.past_end, false),
       "past T: hold (final value), floor (min_lr) or cycle"},
  };
}

/// Reads the common parameters into (peak, steps, options).
struct budgeted_spec_common {
  double peak;
  step_t steps;
  budget_options<double> opts;
};

template <class = void>
budgeted_spec_common read_budgeted_common(const spec_args& a, const spec_context& ctx) {
  budgeted_spec_common c{a.number("peak", ctx.lr), 0, {}};
  if (a.has("total_steps")) {
    c.steps = a.integer("total_steps");
  } else if (ctx.steps) {
    c.steps = *ctx.steps;
  } else {
    a.fail_at("total_steps", "needs a budget: give total_steps=... (or --steps)");
  }
  c.opts.min_lr = a.number("min_lr");
  c.opts.warmup_steps = a.integer("warmup_steps");
  c.opts.warmup_fraction = a.number("warmup_fraction");
  if (a.has("warmup_start")) c.opts.warmup_start = a.number("warmup_start");
  c.opts.warmup_shape = a.choice<warmup_shape>("warmup_shape");
  c.opts.sample_every = a.integer("sample_every");
  c.opts.steps_per_epoch = a.integer("steps_per_epoch");
  c.opts.past_end = a.choice<past_end>("past_end");
  return c;
}

/// Adds one budget-native name: `own` parameters first, then the common ones.
template <class MakeProfile>
void add_budgeted_spec(spec_registry& reg, std::string name, std::string summary,
                       std::vector<spec_param> own, MakeProfile make_profile) {
  std::vector<spec_param> params = std::move(own);
  for (auto& p : budgeted_common_params()) params.push_back(std::move(p));
  reg.add({std::move(name), std::move(summary), std::move(params),
           [make_profile](const spec_args& a, const spec_context& ctx) -> any_schedule<double> {
             auto profile = make_profile(a);  // the profile's own checks come first
             const budgeted_spec_common c = read_budgeted_common(a, ctx);
             return budgeted<decltype(profile), double>(c.peak, std::move(profile), c.steps,
                                                        c.opts);
           }});
}

/// Registers the budget-native names; each profile parameter's default is the profile's own.
template <class = void>
void register_budgeted_specs(spec_registry& reg) {
  const auto literal = [](const auto&... a) { return spec_literal(a...); };
  add_budgeted_spec(reg, "constant", "peak (budgeted: warm-up, floor, sampling apply)", {},
                    [](const spec_args&) { return profiles::constant{}; });
  add_budgeted_spec(reg, "linear", "min_lr + (peak - min_lr)(1 - z), z = t/T", {},
                    [](const spec_args&) { return profiles::linear{}; });
  add_budgeted_spec(reg, "cosine", "min_lr + (peak - min_lr)(1 + cos(pi z))/2, z = t/T", {},
                    [](const spec_args&) { return profiles::cosine{}; });
  add_budgeted_spec(reg, "rex", "REX: min_lr + (peak - min_lr)(1 - z)/(1 - d z), z = t/T",
                    {{"d", literal(profiles::rex{}.d()),
                      "shape; 0.5 = paper, 0.9 = co-author's code, 0 = linear"}},
                    [](const spec_args& a) { return profiles::rex(a.number("d")); });
  add_budgeted_spec(
      reg, "exponential", "min_lr + (peak - min_lr) exp(-rate z), z = t/T",
      {{"rate", literal(profiles::exponential{}.rate()), "decay rate over the budget"}},
      [](const spec_args& a) { return profiles::exponential(a.number("rate")); });
  const profiles::step step_defaults;
  add_budgeted_spec(
      reg, "step", "min_lr + (peak - min_lr) gamma^(number of fractions <= t/T)",
      {{"gamma", literal(step_defaults.gamma()), "factor at each fraction"},
       {"fractions", literal(step_defaults.fractions()), "budget fractions of the decays"}},
      [](const spec_args& a) { return profiles::step(a.number("gamma"), a.numbers("fractions")); });
  add_budgeted_spec(reg, "polynomial", "min_lr + (peak - min_lr)(1 - z)^power, z = t/T",
                    {{"power", literal(profiles::polynomial{}.power()), "exponent"}},
                    [](const spec_args& a) { return profiles::polynomial(a.number("power")); });
  add_budgeted_spec(
      reg, "inverse_sqrt", "min_lr + (peak - min_lr) / sqrt(1 + z / timescale), z = t/T",
      {{"timescale", literal(profiles::inverse_sqrt{}.timescale()), "fraction of the budget"}},
      [](const spec_args& a) { return profiles::inverse_sqrt(a.number("timescale")); });
  const profiles::wsd wsd_defaults;
  add_budgeted_spec(
      reg, "wsd", "warmup-stable-decay: peak, then decay over the last fraction",
      {{"decay", literal(wsd_defaults.decay()), "fraction of the budget spent decaying"},
       {"shape", literal(wsd_defaults.shape(), false),
        "decay shape: " + enum_choices<profiles::decay_shape>()}},
      [](const spec_args& a) {
        return profiles::wsd(a.number("decay"), a.choice<profiles::decay_shape>("shape"));
      });
}

}  // namespace lrs::detail

#endif  // LRS_IO_SPEC_FAMILIES_BUDGETED_HPP
