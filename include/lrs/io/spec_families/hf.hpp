// SPDX-License-Identifier: MIT
// Spec names of Hugging Face transformers' schedules (transformers.optimization): the
// get_*_schedule* functions and get_scheduler with its names and scheduler_specific_kwargs.
#ifndef LRS_IO_SPEC_FAMILIES_HF_HPP
#define LRS_IO_SPEC_FAMILIES_HF_HPP

#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/io/spec.hpp>
#include <lrs/schedules/hf.hpp>

namespace lrs::detail {

namespace hf_spec {

/// transformers' `last_epoch` (at its Python position, so that later positional arguments line
/// up): only -1, as a fresh scheduler has.
template <class = void>
void check_last_epoch(const spec_args& a) {
  if (a.is_none("last_epoch") || a.number("last_epoch") != -1)
    a.fail_at("last_epoch",
              "last_epoch must be -1 (an lrs schedule is a function of the step: read it from "
              "the step you resume at, lrs curve --from N; in C++ schedule(N))");
}

template <class = void>
std::optional<double> optional_number(const spec_args& a, const char* name) {
  if (a.is_none(name)) return std::nullopt;
  return a.number(name);
}

template <class = void>
std::optional<step_t> optional_integer(const spec_args& a, const char* name) {
  if (a.is_none(name)) return std::nullopt;
  return a.integer(name);
}

template <class = void>
hf::wsd_type wsd_type_of(const spec_args& a, const char* name) {
  const std::string s = a.string(name);
  if (const auto t = hf::parse_wsd_type(s)) return *t;
  a.fail_at(name,
            std::string(name) + " must be 'linear', 'cosine' or '1-sqrt', got " + detail::quote(s));
}

/// get_scheduler's names (SchedulerType values) and the function each stands for.
template <class = void>
const std::vector<std::pair<std::string, std::string>>& scheduler_types() {
  static const std::vector<std::pair<std::string, std::string>> table = {
      {"linear", "get_linear_schedule_with_warmup"},
      {"cosine", "get_cosine_schedule_with_warmup"},
      {"cosine_with_restarts", "get_cosine_with_hard_restarts_schedule_with_warmup"},
      {"polynomial", "get_polynomial_decay_schedule_with_warmup"},
      {"constant", "get_constant_schedule"},
      {"constant_with_warmup", "get_constant_schedule_with_warmup"},
      {"inverse_sqrt", "get_inverse_sqrt_schedule"},
      {"reduce_lr_on_plateau", ""},
      {"cosine_with_min_lr", "get_cosine_with_min_lr_schedule_with_warmup"},
      {"cosine_warmup_with_min_lr", "get_cosine_with_min_lr_schedule_with_warmup_lr_rate"},
      {"warmup_stable_decay", "get_wsd_schedule"},
  };
  return table;
}

/// The SchedulerType value a `name` argument stands for: "cosine" as written, or an enum member
/// `SchedulerType.COSINE` (any module path before it) as its value.
template <class = void>
std::string scheduler_type_value(const std::string& written) {
  const std::string member = "SchedulerType.";
  const std::size_t at = written.rfind(member);
  if (at == std::string::npos || (at != 0 && written[at - 1] != '.')) return written;
  std::string m = written.substr(at + member.size());
  if (m == "REDUCE_ON_PLATEAU") return "reduce_lr_on_plateau";
  for (char& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return m;
}

template <class = void>
spec_argument pass_on(const spec_args& a, const char* name) {
  spec_argument arg;
  arg.name = name;
  arg.val = *a.raw(name);
  arg.column = arg.val.column;
  return arg;
}

}  // namespace hf_spec

/// Registers transformers' schedule functions under their Python names, parameter order and
/// defaults (without the optimizer). The factor multiplies `ctx.lr` (`--lr`), which also stands
/// for `optimizer.defaults["lr"]` (polynomial's lr_end, the min-lr variants' min_lr).
template <class = void>
void register_hf_specs(spec_registry& reg) {
  using sched = any_schedule<double>;
  using namespace hf_spec;
  const auto add = [&reg](spec_entry e, std::size_t optimizer_position = 0) {
    e.ecosystem = "hf";
    e.optimizer_position = optimizer_position;
    reg.add(std::move(e));
  };
  const spec_param last_epoch{"last_epoch", "-1", "only -1 (a fresh scheduler)"};
  const spec_param warmup{"num_warmup_steps", "", "steps of the linear warm-up from 0"};
  const spec_param training{"num_training_steps", "", "total steps"};

  add({"get_constant_schedule",
       "lr",
       {last_epoch},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         check_last_epoch(a);
         return hf::get_constant_schedule(ctx.lr);
       }});

  add({"get_constant_schedule_with_warmup",
       "lr * t / w during the warm-up, then lr",
       {warmup, last_epoch},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         check_last_epoch(a);
         return hf::get_constant_schedule_with_warmup(ctx.lr, a.integer("num_warmup_steps"));
       }});

  add({"get_linear_schedule_with_warmup",
       "linear warm-up, then linear to 0 at num_training_steps",
       {warmup, training, last_epoch},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         check_last_epoch(a);
         return hf::get_linear_schedule_with_warmup(ctx.lr, a.integer("num_warmup_steps"),
                                                    a.integer("num_training_steps"));
       }});

  add({"get_cosine_schedule_with_warmup",
       "linear warm-up, then cosine to 0 (num_cycles waves); rises again past the end",
       {warmup,
        training,
        {"num_cycles", "0.5", "waves of the cosine (0.5: one descent)"},
        last_epoch},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         check_last_epoch(a);
         return hf::get_cosine_schedule_with_warmup(ctx.lr, a.integer("num_warmup_steps"),
                                                    a.integer("num_training_steps"),
                                                    a.number("num_cycles"));
       }});

  add({"get_cosine_with_hard_restarts_schedule_with_warmup",
       "linear warm-up, then num_cycles cosines from lr to 0, each restarting; 0 past the end",
       {warmup, training, {"num_cycles", "1", "number of cosines"}, last_epoch},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         check_last_epoch(a);
         return hf::get_cosine_with_hard_restarts_schedule_with_warmup(
             ctx.lr, a.integer("num_warmup_steps"), a.integer("num_training_steps"),
             a.number("num_cycles"));
       }});

  add({"get_polynomial_decay_schedule_with_warmup",
       "linear warm-up, then (lr - lr_end)(1 - p)^power + lr_end; lr_end past the end",
       {warmup,
        training,
        {"lr_end", "1e-7", "final LR (absolute, < --lr)"},
        {"power", "1.0", "exponent"},
        last_epoch},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         check_last_epoch(a);
         return hf::get_polynomial_decay_schedule_with_warmup(
             ctx.lr, a.integer("num_warmup_steps"), a.integer("num_training_steps"),
             a.number("lr_end"), a.number("power"));
       }});

  add({"get_inverse_sqrt_schedule",
       "linear warm-up, then lr / sqrt((t + timescale - w) / timescale)",
       {warmup,
        {"timescale", "None", "None: num_warmup_steps, or 10000 when that is 0"},
        last_epoch},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         check_last_epoch(a);
         return hf::get_inverse_sqrt_schedule(ctx.lr, a.integer("num_warmup_steps"),
                                              optional_integer(a, "timescale"));
       }});

  const std::vector<spec_param> min_lr_params = {
      warmup,
      training,
      {"num_cycles", "0.5", "waves of the cosine"},
      last_epoch,
      {"min_lr", "None", "floor (absolute); one of min_lr, min_lr_rate"},
      {"min_lr_rate", "None", "floor as a fraction of --lr"}};
  add({"get_cosine_with_min_lr_schedule_with_warmup",
       "linear warm-up, then cosine from lr to min_lr; rises again past the end", min_lr_params,
       [](const spec_args& a, const spec_context& ctx) -> sched {
         check_last_epoch(a);
         return hf::get_cosine_with_min_lr_schedule_with_warmup(
             ctx.lr, a.integer("num_warmup_steps"), a.integer("num_training_steps"),
             a.number("num_cycles"), optional_number(a, "min_lr"),
             optional_number(a, "min_lr_rate"));
       }});

  std::vector<spec_param> lr_rate_params = min_lr_params;
  lr_rate_params.push_back({"warmup_lr_rate", "None", "first warm-up factor (None: (t + 1) / w)"});
  add({"get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
       "warm-up to lr at w - 1, then cosine to min_lr at N - 1; rises again past the end",
       lr_rate_params, [](const spec_args& a, const spec_context& ctx) -> sched {
         check_last_epoch(a);
         return hf::get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
             ctx.lr, a.integer("num_warmup_steps"), a.integer("num_training_steps"),
             a.number("num_cycles"), optional_number(a, "min_lr"),
             optional_number(a, "min_lr_rate"), optional_number(a, "warmup_lr_rate"));
       }});

  add({"get_wsd_schedule",
       "warm-up from min_lr_ratio, stable at lr, decay to lr * min_lr_ratio",
       {warmup,
        {"num_decay_steps", "", "steps of the decay"},
        {"num_training_steps", "None", "total (stable = total - warm-up - decay)"},
        {"num_stable_steps", "None", "steps at lr (wins over num_training_steps)"},
        {"warmup_type", "'linear'", "'linear', 'cosine' or '1-sqrt'"},
        {"decay_type", "'cosine'", "'linear', 'cosine' or '1-sqrt'"},
        {"min_lr_ratio", "0", "floor as a fraction of --lr"},
        {"num_cycles", "0.5", "waves of the cosine decay"},
        last_epoch},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         check_last_epoch(a);
         return hf::get_wsd_schedule(
             ctx.lr, a.integer("num_warmup_steps"), a.integer("num_decay_steps"),
             optional_integer(a, "num_training_steps"), optional_integer(a, "num_stable_steps"),
             wsd_type_of(a, "warmup_type"), wsd_type_of(a, "decay_type"), a.number("min_lr_ratio"),
             a.number("num_cycles"));
       }});

  add({"get_scheduler",
       "transformers' schedule by name ('linear', 'cosine', ...), extra parameters in "
       "scheduler_specific_kwargs",
       {{"name", "", "'linear', 'cosine', ..., or SchedulerType.COSINE"},
        {"num_warmup_steps", "None", "required by all but 'constant'"},
        {"num_training_steps", "None", "required by the decaying schedules"},
        {"scheduler_specific_kwargs", "None", "dict of the function's other parameters"}},
       [](const spec_args& a, const spec_context& ctx) -> sched {
         const std::string type = scheduler_type_value(a.string("name"));
         const std::string* fn = nullptr;
         std::string names;
         for (const auto& [value, function] : scheduler_types()) {
           names += (names.empty() ? "'" : ", '") + value + "'";
           if (value == type) fn = &function;
         }
         if (!fn)
           a.fail_at("name", detail::quote(type) +
                                 " is not a valid SchedulerType, please select one of " + names);
         if (fn->empty())
           a.fail_at("name",
                     "'reduce_lr_on_plateau' is a controller, not a schedule: its LR follows the "
                     "losses you report. In C++ use lrs::reduce_lr_on_plateau(lr, "
                     "plateau_options{...}), or lrs::plateau_scaled(schedule, "
                     "plateau_options{...}) to cut any schedule on plateaus (docs/porting.md)");
         spec_call c;
         c.name = *fn;
         c.column = a.column();
         // As transformers: 'constant' takes nothing, 'constant_with_warmup' and 'inverse_sqrt'
         // only num_warmup_steps (their scheduler_specific_kwargs are not used).
         if (type == "constant") return a.build_call(c, ctx);
         const std::vector<spec_argument> kwargs = a.keywords("scheduler_specific_kwargs");
         if (a.is_none("num_warmup_steps"))
           a.fail_at(
               "num_warmup_steps",
               detail::quote(type) + " requires `num_warmup_steps`, please provide that argument");
         c.args.push_back(pass_on(a, "num_warmup_steps"));
         if (type == "constant_with_warmup" || type == "inverse_sqrt") return a.build_call(c, ctx);
         if (type != "warmup_stable_decay" && a.is_none("num_training_steps"))
           a.fail_at("num_training_steps",
                     detail::quote(type) +
                         " requires `num_training_steps`, please provide that argument");
         if (!a.is_none("num_training_steps")) c.args.push_back(pass_on(a, "num_training_steps"));
         for (const spec_argument& k : kwargs) {
           if (k.name == "num_warmup_steps" || k.name == "num_training_steps")
             a.fail_at("scheduler_specific_kwargs",
                       "scheduler_specific_kwargs gives '" + k.name +
                           "', which get_scheduler passes itself (transformers: got multiple "
                           "values for keyword argument '" +
                           k.name + "'); give it as get_scheduler's own argument");
           c.args.push_back(k);
         }
         return a.build_call(c, ctx);
       }},
      1);
}

}  // namespace lrs::detail

#endif  // LRS_IO_SPEC_FAMILIES_HF_HPP
