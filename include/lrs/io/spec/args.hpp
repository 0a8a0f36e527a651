// SPDX-License-Identifier: MIT
// Typed argument binding of the spec language: lrs::spec_context, lrs::spec_param (a parameter
// and its one default), lrs::spec_entry and lrs::spec_args (the arguments of one call, matched to
// the entry's parameters).
#ifndef LRS_IO_SPEC_ARGS_HPP
#define LRS_IO_SPEC_ARGS_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>
#include <lrs/io/spec/parser.hpp>

namespace lrs {

/// What a spec string does not say: the optimizer's initial LR (PyTorch's `lr` of the param group,
/// the tool's `--lr`) and, for budget-native schedules, the budget (the tool's `--steps`).
struct spec_context {
  double lr = 1.0;              ///< base LR given to every schedule; finite, >= 0
  std::optional<step_t> steps;  ///< default budget of budget-native schedules, when given
};

/// One parameter of a registered schedule. Its default is written here once: spec_args binds it
/// when the argument is absent, and `lrs list` shows it.
struct spec_param {
  std::string name;  ///< exact spelling in spec strings (PyTorch's, e.g. "T_max")
  /// The default in spec syntax ("0.1", "'cos'", "[0.3, 0.6, 0.9]", "None"), bound when the
  /// argument is absent; empty for a required parameter. With `from_context`, instead a note on
  /// where the factory takes the value from ("--lr", "min_lr"), shown but not bound.
  std::string default_text;
  std::string help;           ///< one line
  bool from_context = false;  ///< the factory supplies the default (see default_text)
};

/// The spec syntax of a C++ value, for spec_param::default_text taken from a C++ default:
/// `0.1`, `5`, `True`, `[0.3, 0.6]`, and an enumerator's name quoted (`'cos'`) or bare.
[[nodiscard]] inline std::string spec_literal(double x) {
  return lrs::detail::format_value(x);
}
[[nodiscard]] inline std::string spec_literal(step_t x) {
  return std::to_string(x);
}
[[nodiscard]] inline std::string spec_literal(bool b) {
  return b ? "True" : "False";
}
[[nodiscard]] inline std::string spec_literal(const std::vector<double>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + spec_literal(xs[i]);
  return out + "]";
}
template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
[[nodiscard]] std::string spec_literal(E e, bool quoted = true) {
  const std::string q = quoted ? "'" : "";
  return q + name_of(e) + q;
}

class spec_args;

/// A named schedule in the registry.
struct spec_entry {
  std::string name;                ///< e.g. "CosineAnnealingLR" or "rex"
  std::string summary;             ///< one line for `lrs list`
  std::vector<spec_param> params;  ///< in PyTorch's positional order (without the optimizer)
  /// Builds the schedule; reads arguments through `args`, which checks their types.
  std::function<any_schedule<double>(const spec_args& args, const spec_context& ctx)> make;
  /// The library whose call this entry reproduces, which decides the module paths a pasted call
  /// may carry and whether its first positional argument is an optimizer: "torch"
  /// (torch.optim.lr_scheduler), "hf" (Hugging Face transformers), "timm", "optax", "keras", or
  /// "lrs" for lrs's own names.
  std::string ecosystem = "lrs";
  /// For "torch", "hf" and "timm" calls: the index among the Python call's positional arguments
  /// where the optimizer sits (0 for `StepLR(optimizer, ...)`, 1 for HF's
  /// `get_scheduler(name, optimizer, ...)`). A bare name there, or `optimizer=<name>`, is dropped.
  std::size_t optimizer_position = 0;
};

/// Builds the schedule a parsed call names: what spec_args needs for nested schedules.
/// spec_registry is the one implementation.
class spec_builder {
 public:
  /// @throws lrs::spec_error naming the place and the problem.
  [[nodiscard]] virtual any_schedule<double> build(const spec_call& c,
                                                   const spec_context& ctx) const = 0;
  /// True when `name` names a schedule (so a bare word can stand for a call without arguments).
  [[nodiscard]] virtual bool knows(std::string_view name) const = 0;

 protected:
  spec_builder() = default;
  /// Copyable and movable by the registry that derives from it.
  spec_builder(const spec_builder&) = default;
  /// @copydoc spec_builder(const spec_builder&)
  spec_builder& operator=(const spec_builder&) = default;
  /// @copydoc spec_builder(const spec_builder&)
  spec_builder(spec_builder&&) = default;
  /// @copydoc spec_builder(const spec_builder&)
  spec_builder& operator=(spec_builder&&) = default;
  ~spec_builder() = default;
};

namespace detail {
/// The value a default_text stands for. @throws lrs::spec_error if it is not one spec value.
inline spec_value parse_default(std::string_view text) {
  const spec_call c = parser(std::string("F(") + std::string(text) + ")").parse_top();
  if (c.args.size() != 1 || !c.args[0].name.empty())
    LRS_THROW(spec_error("a default must be one value, got " + quote(text), 0));
  return c.args[0].val;
}
}  // namespace detail

/// The arguments of one call, matched to its entry's parameters: typed accessors that throw
/// lrs::spec_error naming the schedule, the parameter and the column. An absent argument takes
/// the default of its spec_param; an accessor's `fallback` is used only when the parameter has
/// no default in the table (a required or context parameter).
class spec_args {
 public:
  /// Binds the arguments of call `c` to the parameters of entry `e`; nested schedules are built
  /// with `builder`. All three are kept by reference and must outlive the spec_args.
  /// @throws lrs::spec_error for an unknown or repeated parameter or too many positional ones.
  spec_args(const spec_call& c, const spec_entry& e, const spec_builder& builder)
      : call_(c), entry_(e), builder_(builder) {
    std::size_t positional = 0;
    for (const spec_argument& a : c.args) {
      std::string name = a.name;
      if (name.empty()) {
        if (positional >= e.params.size())
          fail("too many positional arguments for " + e.name + " at column " +
                   std::to_string(a.column) + " (it takes " + std::to_string(e.params.size()) + ")",
               a.column);
        name = e.params[positional++].name;
        for (const spec_argument& b : c.args)
          if (b.name == name)
            fail("parameter '" + name + "' given twice for " + e.name + " at column " +
                     std::to_string(b.column),
                 b.column);
      } else if (!param(name)) {
        std::vector<std::string> names;
        for (const spec_param& p : e.params) names.push_back(p.name);
        std::string hint = detail::closest(name, names);
        // Words the spec language renamed to match the C++ API.
        static constexpr std::pair<const char*, const char*> renamed[] = {
            {"steps", "total_steps"}, {"warmup", "warmup_steps"}, {"after", "past_end"}};
        for (const auto& [older, newer] : renamed)
          if (name == older && param(newer)) hint = newer;
        fail("unknown parameter " + detail::quote(name) + " for " + e.name + " at column " +
                 std::to_string(a.column) + (hint.empty() ? "" : "; did you mean '" + hint + "'?"),
             a.column);
      }
      bound_.emplace_back(std::move(name), &a);
    }
    for (const spec_param& p : e.params) {
      if (p.default_text.empty() || p.from_context || given(p.name)) continue;
      spec_argument d;
      d.name = p.name;
      d.val = detail::parse_default(p.default_text);
      d.column = c.column;
      defaults_.push_back(std::move(d));
    }
  }

  /// The entry's name, for messages.
  [[nodiscard]] const std::string& schedule_name() const noexcept { return entry_.name; }
  /// 1-based column of the call in the spec.
  [[nodiscard]] std::size_t column() const noexcept { return call_.column; }
  /// True when the spec gives the parameter (defaults do not count).
  [[nodiscard]] bool has(std::string_view name) const { return given(name) != nullptr; }

  /// A number.
  [[nodiscard]] double number(std::string_view name,
                              std::optional<double> fallback = std::nullopt) const {
    const spec_argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<double>(name);
    if (a->val.type != spec_value::kind::number) wrong_type(*a, "a number");
    return a->val.number;
  }
  /// A whole number (10 or 10.0).
  [[nodiscard]] step_t integer(std::string_view name,
                               std::optional<step_t> fallback = std::nullopt) const {
    const spec_argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<step_t>(name);
    return to_integer(*a, a->val);
  }
  /// True or False.
  [[nodiscard]] bool boolean(std::string_view name,
                             std::optional<bool> fallback = std::nullopt) const {
    const spec_argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<bool>(name);
    if (a->val.type != spec_value::kind::boolean) wrong_type(*a, "True or False");
    return a->val.boolean;
  }
  /// A quoted or bare string.
  [[nodiscard]] std::string string(std::string_view name,
                                   std::optional<std::string> fallback = std::nullopt) const {
    const spec_argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<std::string>(name);
    if (a->val.type != spec_value::kind::string) wrong_type(*a, "a string");
    return a->val.text;
  }
  /// An enumerator named by a quoted or bare string, through E's name table (enum_names<E>).
  /// @throws lrs::spec_error "<schedule>: <param> must be <names>, got '<text>' at column N".
  /// `quote` wraps each allowed name in the message (PyTorch's string parameters use "'").
  template <class E>
  [[nodiscard]] E choice(std::string_view name, std::string_view quote = "") const {
    const std::string s = string(name);
    if (const std::optional<E> e = parse_enum<E>(s)) return *e;
    fail_at(name,
            std::string(name) + " must be " + enum_choices<E>(quote) + ", got " + detail::quote(s));
  }
  /// True when the parameter is absent without a default, or is (or defaults to) None.
  [[nodiscard]] bool is_none(std::string_view name) const {
    const spec_argument* a = find(name);
    return !a || a->val.type == spec_value::kind::none;
  }
  /// A list of numbers (a single number counts as a list of one).
  [[nodiscard]] std::vector<double> numbers(
      std::string_view name, std::optional<std::vector<double>> fallback = std::nullopt) const {
    const spec_argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<std::vector<double>>(name);
    if (a->val.type == spec_value::kind::number) return {a->val.number};
    if (a->val.type != spec_value::kind::list) wrong_type(*a, "a list of numbers");
    std::vector<double> out;
    for (const spec_value& v : a->val.items) {
      if (v.type != spec_value::kind::number) wrong_item(*a, v, "a number");
      out.push_back(v.number);
    }
    return out;
  }
  /// A list of whole numbers (a single one counts as a list of one).
  [[nodiscard]] std::vector<step_t> integers(
      std::string_view name, std::optional<std::vector<step_t>> fallback = std::nullopt) const {
    const spec_argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<std::vector<step_t>>(name);
    if (a->val.type == spec_value::kind::number) return {to_integer(*a, a->val)};
    if (a->val.type != spec_value::kind::list) wrong_type(*a, "a list of whole numbers");
    std::vector<step_t> out;
    for (const spec_value& v : a->val.items) out.push_back(to_integer(*a, v));
    return out;
  }
  /// A nested schedule, built with `ctx`.
  [[nodiscard]] any_schedule<double> schedule(std::string_view name,
                                              const spec_context& ctx) const {
    const spec_argument* a = find(name);
    if (!a) return missing<any_schedule<double>>(name);
    if (!is_schedule(a->val)) wrong_type(*a, "a schedule");
    return build(a->val, ctx);
  }
  /// A list of nested schedules (a single one counts as a list of one), each built with `ctx`.
  [[nodiscard]] std::vector<any_schedule<double>> schedules(std::string_view name,
                                                            const spec_context& ctx) const {
    return schedules_each(name, [&](std::size_t) { return ctx; });
  }

  /// A list of nested schedules (a single one counts as a list of one), the i-th built with
  /// ctx_of(i) (a spec_context): e.g. each segment of a join with its own budget.
  template <class F>
  [[nodiscard]] std::vector<any_schedule<double>> schedules_each(std::string_view name,
                                                                 F&& ctx_of) const {
    const spec_argument* a = find(name);
    if (!a) return missing<std::vector<any_schedule<double>>>(name);
    if (is_schedule(a->val)) return {build(a->val, ctx_of(std::size_t{0}))};
    if (a->val.type != spec_value::kind::list) wrong_type(*a, "a list of schedules");
    std::vector<any_schedule<double>> out;
    for (std::size_t i = 0; i < a->val.items.size(); ++i) {
      const spec_value& v = a->val.items[i];
      if (!is_schedule(v)) wrong_item(*a, v, "a schedule");
      out.push_back(build(v, ctx_of(i)));
    }
    return out;
  }

  /// A dict with string keys (`{"num_cycles": 2}`, or `dict(num_cycles=2)`), as keyword
  /// arguments in the order written; an absent parameter, or None, is an empty list.
  [[nodiscard]] std::vector<spec_argument> keywords(std::string_view name) const {
    const spec_argument* a = find(name);
    if (!a || a->val.type == spec_value::kind::none) return {};
    if (a->val.type == spec_value::kind::call && a->val.nested->name == "dict") {
      for (const spec_argument& k : a->val.nested->args)
        if (k.name.empty())
          fail("items of '" + param_name(*a) + "' of " + entry_.name +
                   " must be name=value, got a positional value at column " +
                   std::to_string(k.column),
               k.column);
      return a->val.nested->args;
    }
    if (a->val.type != spec_value::kind::dict) wrong_type(*a, "a dict such as {\"name\": value}");
    std::vector<spec_argument> out;
    for (std::size_t i = 0; i < a->val.keys.size(); ++i) {
      const spec_value& k = a->val.keys[i];
      if (k.type != spec_value::kind::string)
        fail("keys of '" + param_name(*a) + "' of " + entry_.name + " must be quoted names, got " +
                 k.kind_name() + " at column " + std::to_string(k.column),
             k.column);
      spec_argument kw;
      kw.name = k.text;
      kw.val = a->val.items[i];
      kw.column = k.column;
      out.push_back(std::move(kw));
    }
    return out;
  }
  /// A dict with number keys and number values (`{100: 0.5, 200: 0.1}`), in the order written;
  /// an absent parameter, or None, is an empty list.
  [[nodiscard]] std::vector<std::pair<double, double>> number_pairs(std::string_view name) const {
    const spec_argument* a = find(name);
    if (!a || a->val.type == spec_value::kind::none) return {};
    if (a->val.type != spec_value::kind::dict) wrong_type(*a, "a dict such as {100: 0.5}");
    std::vector<std::pair<double, double>> out;
    for (std::size_t i = 0; i < a->val.keys.size(); ++i) {
      const spec_value& k = a->val.keys[i];
      const spec_value& v = a->val.items[i];
      if (k.type != spec_value::kind::number) wrong_item(*a, k, "a number (as a key)");
      if (v.type != spec_value::kind::number) wrong_item(*a, v, "a number");
      out.emplace_back(k.number, v.number);
    }
    return out;
  }
  /// A dict with whole-number keys and number values (`{100: 0.5, 200: 0.1}`), keys read exactly
  /// as steps, in the order written; an absent parameter, or None, is an empty list.
  [[nodiscard]] std::vector<std::pair<step_t, double>> integer_pairs(std::string_view name) const {
    const spec_argument* a = find(name);
    if (!a || a->val.type == spec_value::kind::none) return {};
    if (a->val.type != spec_value::kind::dict) wrong_type(*a, "a dict such as {100: 0.5}");
    std::vector<std::pair<step_t, double>> out;
    for (std::size_t i = 0; i < a->val.keys.size(); ++i) {
      const spec_value& k = a->val.keys[i];
      const spec_value& v = a->val.items[i];
      if (k.type != spec_value::kind::number) wrong_item(*a, k, "a whole number (as a key)");
      if (v.type != spec_value::kind::number) wrong_item(*a, v, "a number");
      out.emplace_back(whole(k, "key of '" + param_name(*a) + "' of " + entry_.name), v.number);
    }
    return out;
  }
  /// The argument as written (or its default), nullptr when absent: for values no typed
  /// accessor reads.
  [[nodiscard]] const spec_value* raw(std::string_view name) const {
    const spec_argument* a = find(name);
    return a ? &a->val : nullptr;
  }
  /// Builds another call with the registry this call came from: for entries that forward to
  /// another name (`get_scheduler("cosine", ...)` to `get_cosine_schedule_with_warmup(...)`).
  [[nodiscard]] any_schedule<double> build_call(const spec_call& c, const spec_context& ctx) const {
    return builder_.build(c, ctx);
  }

  /// Throws spec_error "<schedule>: <message> at column N", for checks a factory makes itself.
  [[noreturn]] void fail_at(std::string_view name, const std::string& message) const {
    const spec_argument* a = given(name);
    const std::size_t c = a ? a->column : call_.column;
    fail(entry_.name + ": " + message + " at column " + std::to_string(c), c);
  }

 private:
  // A nested schedule: a call, or a bare name standing for a call without arguments
  // (`with_warmup(cosine, 500)` as `with_warmup(cosine(), 500)`).
  static bool is_schedule(const spec_value& v) noexcept {
    return v.type == spec_value::kind::call || v.type == spec_value::kind::string;
  }
  any_schedule<double> build(const spec_value& v, const spec_context& ctx) const {
    if (v.type == spec_value::kind::call) return builder_.build(*v.nested, ctx);
    if (!v.quoted && !builder_.knows(v.text))
      fail(detail::quote(v.text) + " at column " + std::to_string(v.column) + " in " + entry_.name +
               " is not a schedule lrs knows; if it is a Python variable, write the schedule's "
               "call in its place (e.g. schedulers=[LinearLR(start_factor=0.1, total_iters=5), "
               "CosineAnnealingLR(T_max=95)])",
           v.column);
    spec_call c;
    c.name = v.text;
    c.column = v.column;
    return builder_.build(c, ctx);
  }
  [[noreturn]] static void fail(const std::string& msg, std::size_t column) {
    LRS_THROW(spec_error(msg, column));
  }
  const spec_param* param(std::string_view name) const {
    for (const spec_param& p : entry_.params)
      if (p.name == name) return &p;
    return nullptr;
  }
  const spec_argument* given(std::string_view name) const {
    for (const auto& [n, a] : bound_)
      if (n == name) return a;
    return nullptr;
  }
  /// The argument given, else the table's default, else nullptr.
  const spec_argument* find(std::string_view name) const {
    if (const spec_argument* a = given(name)) return a;
    for (const spec_argument& d : defaults_)
      if (d.name == name) return &d;
    return nullptr;
  }
  template <class R>
  [[noreturn]] R missing(std::string_view name) const {
    fail("missing required parameter '" + std::string(name) + "' for " + entry_.name +
             " at column " + std::to_string(call_.column),
         call_.column);
  }
  [[noreturn]] void wrong_type(const spec_argument& a, const char* want) const {
    std::string got = std::string(a.val.kind_name()) +
                      (a.val.text.empty() ? "" : " " + detail::quote(a.val.text));
    // Python code pasted where a value goes: `T_max=args.epochs`, `steps_per_epoch=len(loader)`,
    // `num_training_steps=t_total` (a bare name where a number goes is a Python variable).
    const bool code = a.val.type == spec_value::kind::call && !builder_.knows(a.val.nested->name);
    const bool bare = a.val.type == spec_value::kind::string && !a.val.quoted;
    const bool variable = bare && (a.val.text.find('.') != std::string::npos ||
                                   std::string_view(want).find("number") != std::string_view::npos);
    if (code) got = "the Python call " + detail::quote(a.val.nested->name + "(...)");
    if (variable) got = "the Python name " + detail::quote(a.val.text);
    const bool python = code || variable;
    fail("parameter '" + param_name(a) + "' of " + entry_.name + " at column " +
             std::to_string(a.column) + " must be " + want + ", got " + got +
             (python ? "; a spec cannot evaluate Python: write the value it has" : ""),
         a.column);
  }
  [[noreturn]] void wrong_item(const spec_argument& a, const spec_value& v,
                               const char* want) const {
    fail("items of '" + param_name(a) + "' of " + entry_.name + " must be " + want + ", got " +
             v.kind_name() + " at column " + std::to_string(v.column),
         v.column);
  }
  std::string param_name(const spec_argument& a) const {
    for (const auto& [n, p] : bound_)
      if (p == &a) return n;
    return a.name;
  }
  /// A whole number read exactly (detail::integer_of): 2^63 - 1 is accepted as itself.
  step_t to_integer(const spec_argument& a, const spec_value& v) const {
    if (v.type != spec_value::kind::number) wrong_type(a, "a whole number");
    return whole(v, "parameter '" + param_name(a) + "' of " + entry_.name);
  }
  /// `v` (a number) as a step_t, or a spec_error "<what> at column N must be ...".
  step_t whole(const spec_value& v, const std::string& what) const {
    const lrs::detail::whole_number w = detail::integer_of(v);
    if (w.status == lrs::detail::whole_number_status::fraction)
      fail(what + " at column " + std::to_string(v.column) + " must be a whole number, got " +
               detail::excerpt(v.text),
           v.column);
    if (w.status == lrs::detail::whole_number_status::out_of_range)
      fail(what + " at column " + std::to_string(v.column) +
               " must be a whole number from -9223372036854775808 to 9223372036854775807 (a "
               "64-bit integer), got " +
               detail::excerpt(v.text),
           v.column);
    return w.value;
  }

  const spec_call& call_;
  const spec_entry& entry_;
  const spec_builder& builder_;
  std::vector<std::pair<std::string, const spec_argument*>> bound_;
  std::vector<spec_argument> defaults_;  ///< the table's defaults of the absent parameters
};

}  // namespace lrs

#endif  // LRS_IO_SPEC_ARGS_HPP
