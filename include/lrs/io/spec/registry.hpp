// SPDX-License-Identifier: MIT
// lrs::spec_registry: the names spec strings can use, and how a parsed call becomes a schedule.
#ifndef LRS_IO_SPEC_REGISTRY_HPP
#define LRS_IO_SPEC_REGISTRY_HPP

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/error.hpp>
#include <lrs/io/spec/args.hpp>
#include <lrs/io/spec/parser.hpp>

namespace lrs {

namespace detail {

/// The module paths under which each ecosystem's names are pasted (without the final '.').
inline std::vector<const char*> module_paths(std::string_view ecosystem) {
  if (ecosystem == "torch")
    return {"torch.optim.lr_scheduler", "optim.lr_scheduler", "lr_scheduler"};
  if (ecosystem == "hf") return {"transformers", "transformers.optimization"};
  if (ecosystem == "timm")
    return {"timm.scheduler",           "scheduler",
            "timm.scheduler.cosine_lr", "timm.scheduler.tanh_lr",
            "timm.scheduler.step_lr",   "timm.scheduler.multistep_lr",
            "timm.scheduler.poly_lr",   "timm.scheduler.plateau_lr"};
  if (ecosystem == "optax") return {"optax", "optax.schedules"};
  if (ecosystem == "keras")
    return {"keras.optimizers.schedules", "tf.keras.optimizers.schedules",
            "tensorflow.keras.optimizers.schedules", "optimizers.schedules", "schedules"};
  return {};
}

inline bool ecosystem_has_path(std::string_view ecosystem, std::string_view path) {
  for (const char* p : module_paths(ecosystem))
    if (path == p) return true;
  return false;
}

/// The library a module path belongs to ("PyTorch", "optax", ...), or "" when unknown.
inline std::string_view ecosystem_of_path(std::string_view path) {
  static constexpr std::pair<const char*, const char*> names[] = {
      {"torch", "torch.optim.lr_scheduler"},
      {"hf", "Hugging Face transformers"},
      {"timm", "timm.scheduler"},
      {"optax", "optax"},
      {"keras", "keras.optimizers.schedules"}};
  for (const auto& [eco, label] : names)
    if (ecosystem_has_path(eco, path)) return label;
  return {};
}

/// `StepLR` of `torch.optim.lr_scheduler.StepLR`: the text after the last '.'.
inline std::string_view spec_base_name(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

/// Why a name that Python code passes where a scheduler goes cannot be a spec, or nullptr.
inline const char* not_a_schedule(std::string_view name) {
  static constexpr std::pair<const char*, const char*> table[] = {
      {"ReduceLROnPlateau",
       "is a controller, not a schedule: its LR follows the losses you report. In C++ use "
       "lrs::reduce_lr_on_plateau(lr, plateau_options{...}), or lrs::plateau_scaled(schedule, "
       "plateau_options{...}) to cut any schedule on plateaus (docs/porting.md)"},
      {"PlateauLRScheduler",
       "is a controller, not a schedule: its LR follows the metric you report. In C++ use "
       "lrs::plateau_scaled(schedule, plateau_options{...}) (docs/porting.md)"},
      {"get_reduce_on_plateau_schedule",
       "is a controller, not a schedule: its LR follows the losses you report. In C++ use "
       "lrs::reduce_lr_on_plateau(lr, plateau_options{...}) (docs/porting.md)"},
      {"reduce_on_plateau",
       "is a controller, not a schedule: its scale follows the losses you report. In C++ use "
       "lrs::plateau_scaled(schedule, plateau_options{...}) (docs/porting.md)"},
      {"LambdaLR",
       "takes a Python function, which a spec cannot hold: write the curve with lrs's schedules "
       "and combinators (`lrs list`), or build it in C++ with lrs::lambda_lr"},
      {"MultiplicativeLR",
       "takes a Python function, which a spec cannot hold: write the curve with lrs's schedules "
       "and combinators (`lrs list`), or build it in C++ with lrs::multiplicative_lr"},
  };
  for (const auto& [n, why] : table)
    if (name == n) return why;
  return nullptr;
}

/// `c` without the Python-only arguments a pasted call of `e`'s ecosystem carries: the optimizer
/// (a bare name at e.optimizer_position, or `optimizer=<name>`) for torch / hf / timm, and
/// PyTorch's `last_epoch=-1` and `verbose=...` for torch and hf.
/// @throws lrs::spec_error for a `last_epoch` other than -1, saying what to do instead.
inline spec_call strip_python_arguments(const spec_call& c, const spec_entry& e) {
  const bool takes_optimizer =
      e.ecosystem == "torch" || e.ecosystem == "hf" || e.ecosystem == "timm";
  const bool pytorch_args = e.ecosystem == "torch" || e.ecosystem == "hf";
  const auto has_param = [&e](std::string_view n) {
    for (const spec_param& p : e.params)
      if (p.name == n) return true;
    return false;
  };
  spec_call out;
  out.name = c.name;
  out.column = c.column;
  std::size_t positional = 0;
  for (const spec_argument& a : c.args) {
    const bool bare_name = a.val.type == spec_value::kind::string && !a.val.quoted;
    if (takes_optimizer && !has_param("optimizer")) {
      if (a.name == "optimizer") continue;
      if (a.name.empty() && positional++ == e.optimizer_position && bare_name) continue;
    }
    if (pytorch_args && a.name == "verbose" && !has_param("verbose")) continue;
    if (pytorch_args && a.name == "last_epoch" && !has_param("last_epoch")) {
      if (a.val.type == spec_value::kind::number && a.val.number == -1) continue;
      if (a.val.type != spec_value::kind::number)
        LRS_THROW(spec_error(
            "last_epoch at column " + std::to_string(a.column) + " of " + e.name +
                " must be the integer -1 (what a fresh scheduler has; or leave it out), got " +
                a.val.kind_name() + (a.val.text.empty() ? "" : " " + detail::quote(a.val.text)),
            a.column));
      const std::string given = a.val.text.empty() ? a.val.kind_name() : a.val.text;
      LRS_THROW(spec_error(
          "last_epoch=" + detail::excerpt(given) + " at column " + std::to_string(a.column) +
              " resumes a " + e.name +
              " part-way; an lrs schedule is a function of the step, so nothing needs resuming: "
              "drop last_epoch and read the schedule from the step you resume at (lrs curve "
              "--from N; in C++ schedule(N)). Only last_epoch=-1 is accepted",
          a.column));
    }
    out.args.push_back(a);
  }
  return out;
}

}  // namespace detail

/// Named schedules that spec strings can use. `default_spec_registry()` holds every built-in;
/// users may add their own names. Not synchronised: add entries before parsing from several
/// threads.
class spec_registry : public spec_builder {
 public:
  /// Adds or replaces an entry.
  /// @throws lrs::invalid_argument if the name is empty, `make` is empty, two parameters share a
  /// name, or a default_text (not from_context) is not one spec value.
  void add(spec_entry e) {
    detail::require(!e.name.empty(), "spec_registry", "name", "a non-empty identifier", e.name);
    detail::require(static_cast<bool>(e.make), "spec_registry", "make", "a factory", e.name);
    for (std::size_t i = 0; i < e.params.size(); ++i) {
      const spec_param& p = e.params[i];
      for (std::size_t j = 0; j < i; ++j)
        detail::require(e.params[j].name != p.name, "spec_registry", "params",
                        "distinct names (" + e.name + ")", p.name);
      if (p.default_text.empty() || p.from_context) continue;
      try {
        (void)detail::parse_default(p.default_text);
      } catch (const spec_error& err) {
        LRS_THROW(invalid_argument("lrs::spec_registry: default of " + e.name + "." + p.name +
                                   " must be one spec value, got " + detail::quote(p.default_text) +
                                   " (" + err.what() + ")"));
      }
    }
    std::string key = e.name;
    entries_.insert_or_assign(std::move(key), std::move(e));
  }
  /// The entry registered as `name` (exact spelling), nullptr if there is none.
  [[nodiscard]] const spec_entry* find(std::string_view name) const {
    const auto it = entries_.find(std::string(name));
    return it == entries_.end() ? nullptr : &it->second;
  }
  /// Every entry, sorted by name.
  [[nodiscard]] const std::map<std::string, spec_entry>& entries() const noexcept {
    return entries_;
  }

  /// True when `name` (with or without a module path) names an entry.
  [[nodiscard]] bool knows(std::string_view name) const override {
    return find(name) != nullptr || find(detail::spec_base_name(name)) != nullptr;
  }

  /// Builds the schedule a parsed call names. The call may be pasted from Python source: a
  /// module path its entry's ecosystem has (`torch.optim.lr_scheduler.StepLR`, `optax.…`), the
  /// optimizer argument of a torch / hf / timm call (a bare name at the entry's
  /// optimizer_position, or `optimizer=<name>`), and PyTorch's `last_epoch=-1` and `verbose=…`
  /// are accepted and dropped.
  /// @throws lrs::spec_error naming the place: an unknown name (with a suggestion), a module path
  /// that is not the entry's, a name that is not a schedule (ReduceLROnPlateau, LambdaLR), a
  /// `last_epoch` other than -1, a bad argument, or a constructor's own check.
  [[nodiscard]] any_schedule<double> build(const spec_call& c,
                                           const spec_context& ctx) const override {
    const spec_entry& e = resolve(c);
    const spec_call pasted = detail::strip_python_arguments(c, e);
    const spec_args args(pasted, e, *this);
    try {
      return e.make(args, ctx);
    } catch (const spec_error&) {
      throw;
    } catch (const invalid_argument& ex) {
      // A constructor's own check ("lrs::step_lr: step_size must be > 0, got 0"): say where.
      LRS_THROW(spec_error(std::string(ex.what()) + " (in " + c.name + " at column " +
                               std::to_string(c.column) + ")",
                           c.column));
    }
  }

 private:
  /// The entry a call names, its module path checked against the entry's ecosystem.
  const spec_entry& resolve(const spec_call& c) const {
    const std::string_view base = detail::spec_base_name(c.name);
    const std::string_view path =
        base.size() == c.name.size()
            ? std::string_view{}
            : std::string_view(c.name).substr(0, c.name.size() - base.size() - 1);
    const spec_entry* e = find(path.empty() ? std::string_view(c.name) : base);
    if (!e) {
      if (const char* why = detail::not_a_schedule(base))
        LRS_THROW(spec_error(
            std::string(base) + " at column " + std::to_string(c.column) + " " + why, c.column));
      std::vector<std::string> names;
      for (const auto& kv : entries_) names.push_back(kv.first);
      const std::string hint = detail::closest(base, names);
      const std::string_view known = path.empty() ? "" : detail::ecosystem_of_path(path);
      LRS_THROW(spec_error(
          "unknown schedule " + detail::quote(c.name) + " at column " + std::to_string(c.column) +
              (known.empty()
                   ? ""
                   : " (lrs has no " + detail::quote(base) + " from " + std::string(known) + ")") +
              (hint.empty() ? "" : "; did you mean '" + hint + "'?"),
          c.column));
    }
    if (!path.empty() && !detail::ecosystem_has_path(e->ecosystem, path)) {
      const auto paths = detail::module_paths(e->ecosystem);
      std::string allowed;
      for (const char* p : paths) allowed += (allowed.empty() ? "" : ", ") + std::string(p) + ".";
      LRS_THROW(spec_error(
          "module path " + detail::quote(std::string(path) + ".") + " at column " +
              std::to_string(c.column) + " is not where " + e->name + " lives" +
              (allowed.empty() ? " (it is lrs's own name: write it without a module path)"
                               : " (write " + allowed + " or no path)"),
          c.column));
    }
    return *e;
  }

  std::map<std::string, spec_entry> entries_;
};

}  // namespace lrs

#endif  // LRS_IO_SPEC_REGISTRY_HPP
