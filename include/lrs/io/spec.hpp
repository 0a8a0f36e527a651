// SPDX-License-Identifier: MIT
// lrs::parse_schedule: schedules from spec strings in PyTorch call syntax, and the registry of
// names.
#ifndef LRS_IO_SPEC_HPP
#define LRS_IO_SPEC_HPP

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// What a spec string does not say: the optimizer's initial LR (PyTorch's `lr` of the param group,
/// the tool's `--lr`) and, for budget-native schedules, the budget (the tool's `--steps`).
struct spec_context {
  double lr = 1.0;              ///< base LR given to every schedule; finite, >= 0
  std::optional<step_t> steps;  ///< default budget of budget-native schedules, when given
};

/// A spec string that cannot be read, or that names a schedule with bad parameters. The message
/// says where (1-based column) and what, e.g.
/// `unknown parameter 'tmax' for CosineAnnealingLR at column 19; did you mean 'T_max'?`.
class spec_error : public invalid_argument {
 public:
  spec_error(const std::string& what, std::size_t column)
      : invalid_argument(what), column_(column) {}
  /// 1-based column in the spec string where the problem starts (0 when it has no position).
  [[nodiscard]] std::size_t column() const noexcept { return column_; }

 private:
  std::size_t column_;
};

namespace spec {

struct call;

/// A value in a spec string: a number, True/False, a string (quoted or bare), None, a list
/// (`[...]` or a tuple `(...)`), or a nested schedule call.
struct value {
  enum class kind { number, boolean, string, none, list, call };
  kind type = kind::none;
  double number = 0;                   ///< kind::number
  bool integral = false;               ///< kind::number written without '.', 'e' or 'E'
  bool boolean = false;                ///< kind::boolean
  std::string text;                    ///< kind::string; also the source text of numbers
  std::vector<value> items;            ///< kind::list
  std::shared_ptr<const call> nested;  ///< kind::call
  std::size_t column = 0;              ///< 1-based column where the value starts

  [[nodiscard]] const char* kind_name() const noexcept {
    switch (type) {
      case kind::number:
        return "a number";
      case kind::boolean:
        return "a boolean";
      case kind::string:
        return "a string";
      case kind::none:
        return "None";
      case kind::list:
        return "a list";
      case kind::call:
        return "a schedule";
    }
    return "a value";
  }
};

/// One argument of a call: `name=value`, or a positional value (empty name).
struct argument {
  std::string name;
  value val;
  std::size_t column = 0;  ///< 1-based column of the name (or of the value, when positional)
};

/// `Name(arg, name=value, ...)`; a bare `Name` is a call without arguments.
struct call {
  std::string name;
  std::vector<argument> args;
  std::size_t column = 0;
};

namespace detail {

class parser {
 public:
  explicit parser(std::string_view src) : src_(src) {}

  call parse_top() {
    skip_ws();
    if (at_end()) fail("empty schedule spec", 1);
    value v = parse_value();
    if (v.type != value::kind::call) {
      // A bare name at top level is a call without arguments ("rex" == "rex()").
      if (v.type == value::kind::string && is_identifier(v.text)) {
        call c;
        c.name = v.text;
        c.column = v.column;
        return c;
      }
      fail(std::string("expected a schedule such as StepLR(step_size=30), got ") + v.kind_name(),
           v.column);
    }
    skip_ws();
    if (!at_end()) fail("unexpected '" + std::string(1, peek()) + "' after the schedule", col());
    return *v.nested;
  }

 private:
  [[noreturn]] static void fail(const std::string& msg, std::size_t column) {
    LRS_THROW(spec_error(msg, column));
  }
  static bool is_identifier(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
    });
  }
  bool at_end() const noexcept { return pos_ >= src_.size(); }
  char peek() const noexcept { return at_end() ? '\0' : src_[pos_]; }
  std::size_t col() const noexcept { return pos_ + 1; }
  void skip_ws() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(src_[pos_]))) ++pos_;
  }
  void expect(char c, const char* what) {
    skip_ws();
    if (peek() != c) {
      const std::string got = at_end() ? "the end of the spec" : "'" + std::string(1, peek()) + "'";
      fail(std::string("expected ") + what + " at column " + std::to_string(col()) + ", got " + got,
           col());
    }
    ++pos_;
  }

  std::string read_identifier() {
    const std::size_t start = pos_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(src_[pos_])) ||
                         src_[pos_] == '_' || src_[pos_] == '.'))
      ++pos_;
    return std::string(src_.substr(start, pos_ - start));
  }

  value parse_value() {
    skip_ws();
    value v;
    v.column = col();
    if (at_end())
      fail("expected a value at column " + std::to_string(col()) + ", got the end of the spec",
           col());
    const char c = peek();
    if (c == '\'' || c == '"') {
      ++pos_;
      const std::size_t start = pos_;
      while (!at_end() && src_[pos_] != c) ++pos_;
      if (at_end())
        fail("unterminated string starting at column " + std::to_string(v.column), v.column);
      v.type = value::kind::string;
      v.text = std::string(src_.substr(start, pos_ - start));
      ++pos_;
      return v;
    }
    if (c == '[' || c == '(') {
      const char close = c == '[' ? ']' : ')';
      ++pos_;
      v.type = value::kind::list;
      skip_ws();
      if (peek() == close) {
        ++pos_;
        return v;
      }
      for (;;) {
        v.items.push_back(parse_value());
        skip_ws();
        if (peek() == ',') {
          ++pos_;
          skip_ws();
          if (peek() == close) {  // trailing comma, as Python allows
            ++pos_;
            return v;
          }
          continue;
        }
        expect(close, close == ']' ? "',' or ']'" : "',' or ')'");
        return v;
      }
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+') {
      return parse_number();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::string id = read_identifier();
      skip_ws();
      if (peek() == '(') {
        v.type = value::kind::call;
        v.nested = std::make_shared<const call>(parse_call_args(id, v.column));
        return v;
      }
      if (id == "True" || id == "true") {
        v.type = value::kind::boolean;
        v.boolean = true;
      } else if (id == "False" || id == "false") {
        v.type = value::kind::boolean;
      } else if (id == "None") {
        v.type = value::kind::none;
      } else if (id == "inf" || id == "math.inf") {
        v.type = value::kind::number;
        v.number = HUGE_VAL;
        v.text = id;
      } else {
        v.type = value::kind::string;  // bare word, e.g. anneal_strategy=linear
        v.text = id;
      }
      return v;
    }
    fail("unexpected '" + std::string(1, c) + "' at column " + std::to_string(col()), col());
  }

  value parse_number() {
    value v;
    v.column = col();
    const std::size_t start = pos_;
    if (peek() == '-' || peek() == '+') ++pos_;
    bool integral = true;
    while (!at_end()) {
      const char c = src_[pos_];
      if (std::isdigit(static_cast<unsigned char>(c)) || c == '_') {
        ++pos_;
      } else if (c == '.') {
        integral = false;
        ++pos_;
      } else if (c == 'e' || c == 'E') {
        integral = false;
        ++pos_;
        if (peek() == '-' || peek() == '+') ++pos_;
      } else {
        break;
      }
    }
    std::string text(src_.substr(start, pos_ - start));
    std::string digits;
    for (char c : text)
      if (c != '_') digits.push_back(c);
    if (digits == "-inf" || digits == "+inf") {  // not reachable: letters stop the scan
      fail("bad number", v.column);
    }
    errno = 0;
    char* end = nullptr;
    const double x = std::strtod(digits.c_str(), &end);
    const bool complete = end != nullptr && *end == '\0' && !digits.empty();
    if (!complete || errno == ERANGE || !std::isfinite(x)) {
      fail("bad number '" + text + "' at column " + std::to_string(v.column), v.column);
    }
    v.type = value::kind::number;
    v.number = x;
    v.integral = integral;
    v.text = text;
    return v;
  }

  call parse_call_args(const std::string& name, std::size_t column) {
    call c;
    c.name = name;
    c.column = column;
    expect('(', "'('");
    skip_ws();
    if (peek() == ')') {
      ++pos_;
      return c;
    }
    bool seen_named = false;
    for (;;) {
      skip_ws();
      argument a;
      a.column = col();
      // name=value or a positional value: look ahead for an identifier followed by '='.
      const std::size_t save = pos_;
      if (std::isalpha(static_cast<unsigned char>(peek())) || peek() == '_') {
        std::string id = read_identifier();
        skip_ws();
        if (peek() == '=' && (pos_ + 1 >= src_.size() || src_[pos_ + 1] != '=')) {
          ++pos_;
          a.name = std::move(id);
        } else {
          pos_ = save;
        }
      }
      if (a.name.empty() && seen_named)
        fail("positional argument follows keyword argument in " + name + " at column " +
                 std::to_string(a.column),
             a.column);
      if (!a.name.empty()) {
        seen_named = true;
        for (const argument& prev : c.args)
          if (prev.name == a.name)
            fail("parameter '" + a.name + "' given twice for " + name + " at column " +
                     std::to_string(a.column),
                 a.column);
      }
      a.val = parse_value();
      c.args.push_back(std::move(a));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
        if (peek() == ')') {
          ++pos_;
          return c;
        }
        continue;
      }
      expect(')', "',' or ')'");
      return c;
    }
  }

  std::string_view src_;
  std::size_t pos_ = 0;
};

inline std::string fold(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// The closest candidate to `word` (case- and underscore-insensitive), or "" when none is close.
template <class Range>
std::string closest(std::string_view word, const Range& candidates) {
  const std::string w = fold(word);
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, w.size() / 3) + 1;
  for (const auto& cand : candidates) {
    const std::size_t d = edit_distance(w, fold(cand));
    if (d < best_d) {
      best_d = d;
      best = cand;
    }
  }
  return best;
}

}  // namespace detail
}  // namespace spec

class spec_args;

/// One parameter of a registered schedule, for argument checking and `lrs list`.
struct spec_param {
  std::string name;          ///< exact spelling in spec strings (PyTorch's, e.g. "T_max")
  std::string default_text;  ///< shown by `lrs list`; empty for a required parameter
  std::string help;          ///< one line
};

/// A named schedule in the registry.
struct spec_entry {
  std::string name;                ///< e.g. "CosineAnnealingLR" or "rex"
  std::string summary;             ///< one line for `lrs list`
  std::vector<spec_param> params;  ///< in PyTorch's positional order (without the optimizer)
  /// Builds the schedule; reads arguments through `args`, which checks their types.
  std::function<any_schedule<double>(const spec_args& args, const spec_context& ctx)> make;
};

class spec_registry;

/// The arguments of one call, matched to its entry's parameters: typed accessors that throw
/// lrs::spec_error naming the schedule, the parameter and the column.
class spec_args {
 public:
  spec_args(const spec::call& c, const spec_entry& e, const spec_registry& reg)
      : call_(c), entry_(e), registry_(reg) {
    std::size_t positional = 0;
    for (const spec::argument& a : c.args) {
      std::string name = a.name;
      if (name.empty()) {
        if (positional >= e.params.size())
          fail("too many positional arguments for " + e.name + " at column " +
                   std::to_string(a.column) + " (it takes " + std::to_string(e.params.size()) + ")",
               a.column);
        name = e.params[positional++].name;
        for (const spec::argument& b : c.args)
          if (b.name == name)
            fail("parameter '" + name + "' given twice for " + e.name + " at column " +
                     std::to_string(b.column),
                 b.column);
      } else if (!is_param(name)) {
        std::vector<std::string> names;
        for (const spec_param& p : e.params) names.push_back(p.name);
        const std::string hint = spec::detail::closest(name, names);
        fail("unknown parameter '" + name + "' for " + e.name + " at column " +
                 std::to_string(a.column) + (hint.empty() ? "" : "; did you mean '" + hint + "'?"),
             a.column);
      }
      bound_.emplace_back(std::move(name), &a);
    }
  }

  [[nodiscard]] const std::string& schedule_name() const noexcept { return entry_.name; }
  [[nodiscard]] std::size_t column() const noexcept { return call_.column; }
  [[nodiscard]] bool has(std::string_view name) const { return find(name) != nullptr; }

  /// A number; `fallback` when absent (required when no fallback is given).
  [[nodiscard]] double number(std::string_view name,
                              std::optional<double> fallback = std::nullopt) const {
    const spec::argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<double>(name);
    if (a->val.type != spec::value::kind::number) wrong_type(*a, "a number");
    return a->val.number;
  }
  /// A whole number (10 or 10.0); `fallback` when absent.
  [[nodiscard]] step_t integer(std::string_view name,
                               std::optional<step_t> fallback = std::nullopt) const {
    const spec::argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<step_t>(name);
    return to_integer(*a, a->val);
  }
  [[nodiscard]] bool boolean(std::string_view name,
                             std::optional<bool> fallback = std::nullopt) const {
    const spec::argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<bool>(name);
    if (a->val.type != spec::value::kind::boolean) wrong_type(*a, "True or False");
    return a->val.boolean;
  }
  /// A quoted or bare string; `fallback` when absent.
  [[nodiscard]] std::string string(std::string_view name,
                                   std::optional<std::string> fallback = std::nullopt) const {
    const spec::argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<std::string>(name);
    if (a->val.type != spec::value::kind::string) wrong_type(*a, "a string");
    return a->val.text;
  }
  /// True when the parameter is absent or given as None.
  [[nodiscard]] bool is_none(std::string_view name) const {
    const spec::argument* a = find(name);
    return !a || a->val.type == spec::value::kind::none;
  }
  /// A list of numbers (a single number counts as a list of one).
  [[nodiscard]] std::vector<double> numbers(
      std::string_view name, std::optional<std::vector<double>> fallback = std::nullopt) const {
    const spec::argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<std::vector<double>>(name);
    std::vector<double> out;
    if (a->val.type == spec::value::kind::number) return {a->val.number};
    if (a->val.type != spec::value::kind::list) wrong_type(*a, "a list of numbers");
    for (const spec::value& v : a->val.items) {
      if (v.type != spec::value::kind::number) wrong_item(*a, v, "a number");
      out.push_back(v.number);
    }
    return out;
  }
  /// A list of whole numbers (a single one counts as a list of one).
  [[nodiscard]] std::vector<step_t> integers(
      std::string_view name, std::optional<std::vector<step_t>> fallback = std::nullopt) const {
    const spec::argument* a = find(name);
    if (!a) return fallback ? *fallback : missing<std::vector<step_t>>(name);
    if (a->val.type == spec::value::kind::number) return {to_integer(*a, a->val)};
    if (a->val.type != spec::value::kind::list) wrong_type(*a, "a list of whole numbers");
    std::vector<step_t> out;
    for (const spec::value& v : a->val.items) out.push_back(to_integer(*a, v));
    return out;
  }
  /// A nested schedule, built with `ctx`.
  [[nodiscard]] any_schedule<double> schedule(std::string_view name, const spec_context& ctx) const;
  /// A list of nested schedules, each built with `ctx`.
  [[nodiscard]] std::vector<any_schedule<double>> schedules(std::string_view name,
                                                            const spec_context& ctx) const;

  /// Throws spec_error "<message> (<schedule> at column N)", for checks a factory makes itself.
  [[noreturn]] void fail_at(std::string_view name, const std::string& message) const {
    const spec::argument* a = find(name);
    const std::size_t c = a ? a->column : call_.column;
    fail(entry_.name + ": " + message + " at column " + std::to_string(c), c);
  }

 private:
  [[noreturn]] static void fail(const std::string& msg, std::size_t column) {
    LRS_THROW(spec_error(msg, column));
  }
  bool is_param(std::string_view name) const {
    return std::any_of(entry_.params.begin(), entry_.params.end(),
                       [&](const spec_param& p) { return p.name == name; });
  }
  const spec::argument* find(std::string_view name) const {
    for (const auto& [n, a] : bound_)
      if (n == name) return a;
    return nullptr;
  }
  template <class R>
  [[noreturn]] R missing(std::string_view name) const {
    fail("missing required parameter '" + std::string(name) + "' for " + entry_.name +
             " at column " + std::to_string(call_.column),
         call_.column);
  }
  [[noreturn]] void wrong_type(const spec::argument& a, const char* want) const {
    fail("parameter '" + param_name(a) + "' of " + entry_.name + " at column " +
             std::to_string(a.column) + " must be " + want + ", got " + a.val.kind_name() +
             (a.val.text.empty() ? "" : " '" + a.val.text + "'"),
         a.column);
  }
  [[noreturn]] void wrong_item(const spec::argument& a, const spec::value& v,
                               const char* want) const {
    fail("items of '" + param_name(a) + "' of " + entry_.name + " must be " + want + ", got " +
             v.kind_name() + " at column " + std::to_string(v.column),
         v.column);
  }
  std::string param_name(const spec::argument& a) const {
    for (const auto& [n, p] : bound_)
      if (p == &a) return n;
    return a.name;
  }
  step_t to_integer(const spec::argument& a, const spec::value& v) const {
    if (v.type != spec::value::kind::number) wrong_type(a, "a whole number");
    if (v.number != std::floor(v.number) || std::fabs(v.number) > 9.0e18)
      fail("parameter '" + param_name(a) + "' of " + entry_.name + " at column " +
               std::to_string(v.column) + " must be a whole number, got " + v.text,
           v.column);
    return static_cast<step_t>(v.number);
  }

  const spec::call& call_;
  const spec_entry& entry_;
  const spec_registry& registry_;
  std::vector<std::pair<std::string, const spec::argument*>> bound_;
};

/// Named schedules that spec strings can use. `default_spec_registry()` holds every built-in;
/// users may add their own names. Not synchronised: add entries before parsing from several
/// threads.
class spec_registry {
 public:
  /// Adds or replaces an entry. @throws lrs::invalid_argument if the name is not an identifier
  /// or `make` is empty.
  void add(spec_entry e) {
    detail::require(!e.name.empty(), "spec_registry", "name", "a non-empty identifier", e.name);
    detail::require(static_cast<bool>(e.make), "spec_registry", "make", "a factory", e.name);
    std::string key = e.name;
    entries_.insert_or_assign(std::move(key), std::move(e));
  }
  [[nodiscard]] const spec_entry* find(std::string_view name) const {
    const auto it = entries_.find(std::string(name));
    return it == entries_.end() ? nullptr : &it->second;
  }
  /// Every entry, sorted by name.
  [[nodiscard]] const std::map<std::string, spec_entry>& entries() const noexcept {
    return entries_;
  }

  /// Builds the schedule a parsed call names.
  [[nodiscard]] any_schedule<double> build(const spec::call& c, const spec_context& ctx) const {
    const spec_entry* e = find(c.name);
    if (!e) {
      std::vector<std::string> names;
      for (const auto& kv : entries_) names.push_back(kv.first);
      const std::string hint = spec::detail::closest(c.name, names);
      LRS_THROW(spec_error("unknown schedule '" + c.name + "' at column " +
                               std::to_string(c.column) +
                               (hint.empty() ? "" : "; did you mean '" + hint + "'?"),
                           c.column));
    }
    const spec_args args(c, *e, *this);
    try {
      return e->make(args, ctx);
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
  std::map<std::string, spec_entry> entries_;
};

inline any_schedule<double> spec_args::schedule(std::string_view name,
                                                const spec_context& ctx) const {
  const spec::argument* a = find(name);
  if (!a) return missing<any_schedule<double>>(name);
  if (a->val.type != spec::value::kind::call) wrong_type(*a, "a schedule");
  return registry_.build(*a->val.nested, ctx);
}

inline std::vector<any_schedule<double>> spec_args::schedules(std::string_view name,
                                                              const spec_context& ctx) const {
  const spec::argument* a = find(name);
  if (!a) return missing<std::vector<any_schedule<double>>>(name);
  if (a->val.type == spec::value::kind::call) return {registry_.build(*a->val.nested, ctx)};
  if (a->val.type != spec::value::kind::list) wrong_type(*a, "a list of schedules");
  std::vector<any_schedule<double>> out;
  for (const spec::value& v : a->val.items) {
    if (v.type != spec::value::kind::call) wrong_item(*a, v, "a schedule");
    out.push_back(registry_.build(*v.nested, ctx));
  }
  return out;
}

/// Reads a spec string into its call tree without building anything.
/// @throws lrs::spec_error on a syntax error.
[[nodiscard]] inline spec::call parse_spec(std::string_view text) {
  return spec::detail::parser(text).parse_top();
}

}  // namespace lrs

#endif  // LRS_IO_SPEC_HPP
