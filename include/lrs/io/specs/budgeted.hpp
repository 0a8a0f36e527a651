// SPDX-License-Identifier: MIT
// Spec names of the budget-native schedules: rex, linear, cosine, constant, exponential, step,
// polynomial, inverse_sqrt, wsd.
#ifndef LRS_IO_SPECS_BUDGETED_HPP
#define LRS_IO_SPECS_BUDGETED_HPP

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/io/spec.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/profiles.hpp>

namespace lrs::detail {

/// The parameters every budget-native name takes after its own.
inline std::vector<spec_param> budgeted_common_params() {
  return {
      {"peak", "--lr", "peak learning rate"},
      {"min_lr", "0", "floor: lr = min_lr + (peak - min_lr) p(t/T)"},
      {"steps", "--steps", "budget T in steps"},
      {"warmup", "0", "warmup: whole number of steps, or a fraction of T in (0, 1)"},
      {"warmup_start", "min_lr", "LR at step 0 of the warmup"},
      {"warmup_shape", "linear", "linear, cosine or exponential"},
      {"sample_every", "1", "re-read the profile every k steps"},
      {"steps_per_epoch", "0", "re-read the profile once per epoch of this many steps"},
      {"after", "hold", "past T: hold (final value), floor (min_lr) or cycle"},
  };
}

/// Reads the common parameters into (peak, steps, options).
struct budgeted_spec_common {
  double peak;
  step_t steps;
  budget_options<double> opts;
};

inline budgeted_spec_common read_budgeted_common(const spec_args& a, const spec_context& ctx) {
  budgeted_spec_common c{a.number("peak", ctx.lr), 0, {}};
  if (a.has("steps")) {
    c.steps = a.integer("steps");
  } else if (ctx.steps) {
    c.steps = *ctx.steps;
  } else {
    a.fail_at("steps", "needs a budget: give steps=... (or --steps)");
  }
  c.opts.min_lr = a.number("min_lr", 0.0);
  if (a.has("warmup")) {
    const double w = a.number("warmup");
    if (w > 0.0 && w < 1.0) {
      c.opts.warmup_fraction = w;
    } else {
      if (!(w >= 0.0) || w != std::floor(w))
        a.fail_at("warmup",
                  "warmup must be a whole number of steps >= 0 or a fraction in (0, 1), "
                  "got " +
                      detail::format_value(w));
      c.opts.warmup_steps = a.integer("warmup");
    }
  }
  if (a.has("warmup_start")) c.opts.warmup_start = a.number("warmup_start");
  const std::string shape = a.string("warmup_shape", "linear");
  if (shape == "linear") {
    c.opts.warmup = warmup_shape::linear;
  } else if (shape == "cosine") {
    c.opts.warmup = warmup_shape::cosine;
  } else if (shape == "exponential") {
    c.opts.warmup = warmup_shape::exponential;
  } else {
    a.fail_at("warmup_shape",
              "warmup_shape must be linear, cosine or exponential, got '" + shape + "'");
  }
  c.opts.sample_every = a.integer("sample_every", 1);
  c.opts.steps_per_epoch = a.integer("steps_per_epoch", 0);
  const std::string after = a.string("after", "hold");
  if (after == "hold") {
    c.opts.after_end = past_end::hold;
  } else if (after == "floor") {
    c.opts.after_end = past_end::floor;
  } else if (after == "cycle") {
    c.opts.after_end = past_end::cycle;
  } else {
    a.fail_at("after", "after must be hold, floor or cycle, got '" + after + "'");
  }
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

inline profiles::decay_shape read_decay_shape(const spec_args& a) {
  const std::string s = a.string("shape", "linear");
  if (s == "linear") return profiles::decay_shape::linear;
  if (s == "cosine") return profiles::decay_shape::cosine;
  if (s == "1-sqrt" || s == "sqrt" || s == "one_sqrt") return profiles::decay_shape::one_sqrt;
  if (s == "1-square" || s == "square" || s == "one_square")
    return profiles::decay_shape::one_square;
  a.fail_at("shape", "shape must be linear, cosine, 1-sqrt or 1-square, got '" + s + "'");
}

inline void register_budgeted_specs(spec_registry& reg) {
  const auto none = [](const spec_args&) { return profiles::constant{}; };
  add_budgeted_spec(reg, "constant", "peak (budgeted: warmup, floor, sampling apply)", {}, none);
  add_budgeted_spec(reg, "linear", "min_lr + (peak - min_lr)(1 - z), z = t/T", {},
                    [](const spec_args&) { return profiles::linear{}; });
  add_budgeted_spec(reg, "cosine", "min_lr + (peak - min_lr)(1 + cos(pi z))/2, z = t/T", {},
                    [](const spec_args&) { return profiles::cosine{}; });
  add_budgeted_spec(reg, "rex", "REX: min_lr + (peak - min_lr)(1 - z)/(1 - d z), z = t/T",
                    {{"d", "0.5", "shape; 0.5 = paper, 0.9 = co-author's code, 0 = linear"}},
                    [](const spec_args& a) { return profiles::rex(a.number("d", 0.5)); });
  add_budgeted_spec(reg, "exponential", "min_lr + (peak - min_lr) exp(-rate z), z = t/T",
                    {{"rate", "4", "decay rate over the budget"}}, [](const spec_args& a) {
                      return profiles::exponential(a.number("rate", 4.0));
                    });
  add_budgeted_spec(reg, "step", "min_lr + (peak - min_lr) gamma^(number of fractions <= t/T)",
                    {{"gamma", "0.1", "factor at each fraction"},
                     {"fractions", "[0.3, 0.6, 0.9]", "budget fractions of the decays"}},
                    [](const spec_args& a) {
                      return profiles::step(
                          a.number("gamma", 0.1),
                          a.numbers("fractions", std::vector<double>{0.3, 0.6, 0.9}));
                    });
  add_budgeted_spec(reg, "polynomial", "min_lr + (peak - min_lr)(1 - z)^power, z = t/T",
                    {{"power", "1", "exponent"}}, [](const spec_args& a) {
                      return profiles::polynomial(a.number("power", 1.0));
                    });
  add_budgeted_spec(
      reg, "inverse_sqrt", "min_lr + (peak - min_lr) / sqrt(1 + z / timescale), z = t/T",
      {{"timescale", "0.01", "fraction of the budget"}},
      [](const spec_args& a) { return profiles::inverse_sqrt(a.number("timescale", 0.01)); });
  add_budgeted_spec(reg, "wsd", "warmup-stable-decay: peak, then decay over the last fraction",
                    {{"decay", "0.2", "fraction of the budget spent decaying"},
                     {"shape", "linear", "decay shape: linear, cosine, 1-sqrt, 1-square"}},
                    [](const spec_args& a) {
                      return profiles::wsd(a.number("decay", 0.2), read_decay_shape(a));
                    });
}

}  // namespace lrs::detail

#endif  // LRS_IO_SPECS_BUDGETED_HPP
