// SPDX-License-Identifier: MIT
// Spec names of Keras 3's keras.optimizers.schedules: ExponentialDecay, PiecewiseConstantDecay,
// PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts.
#ifndef LRS_IO_SPEC_FAMILIES_KERAS_HPP
#define LRS_IO_SPEC_FAMILIES_KERAS_HPP

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <lrs/core/any_schedule.hpp>
#include <lrs/io/spec.hpp>
#include <lrs/schedules/keras.hpp>

namespace lrs::detail {

/// Registers Keras's schedules under Keras's class names, parameter spelling, order and defaults
/// (ecosystem "keras"). Values are absolute learning rates: the context's lr (`--lr`) is not used.
/// `name=` is accepted (a string or None) and has no effect, as in Keras outside a name scope.
template <class = void>
void register_keras_specs(spec_registry& reg) {
  using sched = any_schedule<double>;
  const auto add = [&reg](spec_entry e) {
    e.ecosystem = "keras";
    reg.add(std::move(e));
  };
  // `name` is checked for its type only.
  const auto name_param = [](std::string_view keras_default) {
    return spec_param{"name", "'" + std::string(keras_default) + "'",
                      "Keras op name (accepted, not used)"};
  };
  const auto check_name = [](const spec_args& a) {
    if (!a.is_none("name")) (void)a.string("name");
  };

  add({"ExponentialDecay",
       "initial_learning_rate * decay_rate^(t / decay_steps), floor(t / decay_steps) if staircase",
       {{"initial_learning_rate", "", "value at step 0"},
        {"decay_steps", "", "steps per factor decay_rate (> 0, may be fractional)"},
        {"decay_rate", "", "factor per decay_steps, in [0, 1]"},
        {"staircase", spec_literal(false), "decay at whole multiples of decay_steps only"},
        name_param("ExponentialDecay")},
       [check_name](const spec_args& a, const spec_context&) -> sched {
         check_name(a);
         return keras::exponential_decay<double>(a.number("initial_learning_rate"),
                                                 a.number("decay_steps"), a.number("decay_rate"),
                                                 a.boolean("staircase"));
       }});

  add({"PiecewiseConstantDecay",
       "values[i] for boundaries[i-1] < t <= boundaries[i] (a boundary keeps the value before it)",
       {{"boundaries", "", "strictly increasing list of steps"},
        {"values", "", "list of learning rates, one longer than boundaries"},
        name_param("PiecewiseConstant")},
       [check_name](const spec_args& a, const spec_context&) -> sched {
         check_name(a);
         return keras::piecewise_constant_decay<double>(a.integers("boundaries"),
                                                        a.numbers("values"));
       }});

  add({"PolynomialDecay",
       "(initial - end) * (1 - min(t, decay_steps) / decay_steps)^power + end; cycle repeats",
       {{"initial_learning_rate", "", "value at step 0"},
        {"decay_steps", "", "steps to reach end_learning_rate (> 0)"},
        {"end_learning_rate", "0.0001", "value from decay_steps on"},
        {"power", "1.0", "exponent (>= 0)"},
        {"cycle", spec_literal(false), "decay over the next multiple of decay_steps past it"},
        name_param("PolynomialDecay")},
       [check_name](const spec_args& a, const spec_context&) -> sched {
         check_name(a);
         return keras::polynomial_decay<double>(
             a.number("initial_learning_rate"), a.number("decay_steps"),
             a.number("end_learning_rate"), a.number("power"), a.boolean("cycle"));
       }});

  add({"InverseTimeDecay",
       "initial_learning_rate / (1 + decay_rate * t / decay_steps), floor(t / decay_steps) if "
       "staircase",
       {{"initial_learning_rate", "", "value at step 0"},
        {"decay_steps", "", "steps per unit of decay (> 0, may be fractional)"},
        {"decay_rate", "", "rate (>= 0)"},
        {"staircase", spec_literal(false), "decay at whole multiples of decay_steps only"},
        name_param("InverseTimeDecay")},
       [check_name](const spec_args& a, const spec_context&) -> sched {
         check_name(a);
         return keras::inverse_time_decay<double>(a.number("initial_learning_rate"),
                                                  a.number("decay_steps"), a.number("decay_rate"),
                                                  a.boolean("staircase"));
       }});

  add({"CosineDecay",
       "linear warm-up from initial_learning_rate to warmup_target over warmup_steps (with "
       "warmup_target), then cosine to alpha times its start over decay_steps",
       {{"initial_learning_rate", "", "value at step 0"},
        {"decay_steps", "", "steps of the cosine (> 0)"},
        {"alpha", "0.0", "final value as a fraction of the decay's start"},
        name_param("CosineDecay"),
        {"warmup_target", "None", "value at the end of the warm-up (None: no warm-up)"},
        {"warmup_steps", "0", "steps of the warm-up (used only with warmup_target)"}},
       [check_name](const spec_args& a, const spec_context&) -> sched {
         check_name(a);
         std::optional<double> target;
         if (!a.is_none("warmup_target")) target = a.number("warmup_target");
         return keras::cosine_decay<double>(a.number("initial_learning_rate"),
                                            a.number("decay_steps"), a.number("alpha"), target,
                                            a.number("warmup_steps"));
       }});

  add({"CosineDecayRestarts",
       "SGDR: cosine runs of first_decay_steps * t_mul^i steps from m_mul^i to alpha",
       {{"initial_learning_rate", "", "value at step 0"},
        {"first_decay_steps", "", "steps of the first run (> 0)"},
        {"t_mul", "2.0", "growth of each run (>= 1)"},
        {"m_mul", "1.0", "factor on each run's start, in [0, 1]"},
        {"alpha", "0.0", "floor as a fraction of initial_learning_rate, in [0, 1]"},
        name_param("SGDRDecay")},
       [check_name](const spec_args& a, const spec_context&) -> sched {
         check_name(a);
         return keras::cosine_decay_restarts<double>(
             a.number("initial_learning_rate"), a.number("first_decay_steps"), a.number("t_mul"),
             a.number("m_mul"), a.number("alpha"));
       }});
}

}  // namespace lrs::detail

#endif  // LRS_IO_SPEC_FAMILIES_KERAS_HPP
