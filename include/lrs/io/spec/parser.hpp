// SPDX-License-Identifier: MIT
// The spec language's syntax: lrs::spec_error, the call tree (spec_value, argument, call)
// and lrs::parse_spec, which reads PyTorch call syntax into it.
#ifndef LRS_IO_SPEC_PARSER_HPP
#define LRS_IO_SPEC_PARSER_HPP

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <lrs/core/error.hpp>
#include <lrs/io/detail/whole_number.hpp>

namespace lrs {

/// A spec string that cannot be read, or that names a schedule with bad parameters. The message
/// says where (1-based column) and what, e.g.
/// `unknown parameter 'tmax' for CosineAnnealingLR at column 19; did you mean 'T_max'?`.
/// Text from the spec is quoted whole or as a short excerpt, with control characters escaped
/// (`\0`, `\x01`) and UTF-8 characters never split.
class spec_error : public invalid_argument {
 public:
  /// @param what the message; @param column 1-based column in the spec (0: no position).
  spec_error(const std::string& what, std::size_t column)
      : invalid_argument(what), column_(column) {}
  /// 1-based column (byte offset + 1) in the spec string where the problem starts (0 when it has
  /// no position).
  [[nodiscard]] std::size_t column() const noexcept { return column_; }

 private:
  std::size_t column_;
};

struct spec_call;

/// A value in a spec string: a number, True/False, a string (quoted or bare), None, a list
/// (`[...]` or a tuple `(...)`), a dict (`{"num_cycles": 2}`, keys quoted strings or numbers), or
/// a nested schedule call.
struct spec_value {
  /// Which of the forms above.
  enum class kind { number, boolean, string, none, list, dict, call };
  kind type = kind::none;                   ///< which form this value has
  double number = 0;                        ///< kind::number
  bool integral = false;                    ///< kind::number written without '.', 'e' or 'E'
  bool boolean = false;                     ///< kind::boolean
  std::string text;                         ///< kind::string; also the source text of numbers
  bool quoted = false;                      ///< kind::string written in quotes (not a bare name)
  std::vector<spec_value> items;            ///< kind::list, and the values of kind::dict
  std::vector<spec_value> keys;             ///< kind::dict: keys[i] maps to items[i]
  std::shared_ptr<const spec_call> nested;  ///< kind::call
  std::size_t column = 0;                   ///< 1-based column where the value starts

  /// "a number", "a string", ...: the form, for messages.
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
      case kind::dict:
        return "a dict";
      case kind::call:
        return "a schedule";
    }
    return "a value";
  }
};

/// One argument of a call: `name=value`, or a positional value (empty name).
struct spec_argument {
  std::string name;        ///< the keyword; empty for a positional value
  spec_value val;          ///< the value
  std::size_t column = 0;  ///< 1-based column of the name (or of the value, when positional)
};

/// `Name(arg, name=value, ...)`; a bare `Name` is a call without arguments.
struct spec_call {
  std::string name;                 ///< the called name, e.g. `StepLR`
  std::vector<spec_argument> args;  ///< in the order written
  std::size_t column = 0;           ///< 1-based column of the name
};

/// The deepest nesting of lists and calls a spec may have: deeper specs are rejected with a
/// spec_error instead of exhausting the stack (of the parser, of the destructors, of the
/// registry's recursive build and of the built schedule's evaluation).
inline constexpr std::size_t spec_max_depth = 256;

namespace detail {

/// One UTF-8 character at the start of `s`: its code point and length in bytes, or length 0
/// when `s` does not start with a well-formed UTF-8 sequence (stray continuation byte,
/// truncated, overlong, surrogate or beyond U+10FFFF).
struct utf8_char {
  std::uint32_t code_point = 0;
  std::size_t length = 0;
};

inline utf8_char decode_utf8(std::string_view s) noexcept {
  if (s.empty()) return {};
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t n = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return {};
  }
  if (s.size() < n) return {};
  for (std::size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, n};
}

/// Unicode spaces and invisible format characters: never part of a name, reported by code point.
constexpr bool is_unicode_space(std::uint32_t cp) noexcept {
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x2060 ||
         cp == 0x3000 || cp == 0xFEFF;
}

inline void append_hex_byte(std::string& out, unsigned char b) {
  constexpr char digits[] = "0123456789abcdef";
  out += "\\x";
  out += digits[b >> 4];
  out += digits[b & 0xF];
}

/// `s` for a message: control characters, backslashes and malformed UTF-8 escaped (`\0`, `\n`,
/// `\x01`, `\\`, `\xff`), well-formed UTF-8 characters kept whole; longer than `max_chars`
/// characters: the first `max_chars` and "...".
inline std::string excerpt(std::string_view s, std::size_t max_chars = 48) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (chars == max_chars) {
      out += "...";
      break;
    }
    ++chars;
    const utf8_char u = decode_utf8(s.substr(i));
    if (u.length == 0) {
      append_hex_byte(out, static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (u.length == 1) {
      const char c = s[i];
      if (c == '\0') {
        out += "\\0";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\\') {
        out += "\\\\";
      } else if (u.code_point < 0x20 || u.code_point == 0x7F) {
        append_hex_byte(out, static_cast<unsigned char>(c));
      } else {
        out += c;
      }
    } else {
      out.append(s.substr(i, u.length));
    }
    i += u.length;
  }
  return out;
}

/// `'excerpt(s)'`: text from the spec as messages quote it.
inline std::string quote(std::string_view s) {
  return "'" + excerpt(s) + "'";
}

/// The character at the start of `s` (non-empty) as messages quote it: `'#'`, `'\0'`,
/// `' ' (U+00A0)`, `'\xff'`.
inline std::string quote_char(std::string_view s) {
  const utf8_char u = decode_utf8(s);
  if (u.length == 0) return quote(s.substr(0, 1));
  std::string q = quote(s.substr(0, u.length));
  if (u.code_point >= 0x80) {
    constexpr char digits[] = "0123456789ABCDEF";
    std::string hex;
    for (std::uint32_t cp = u.code_point; cp != 0 || hex.size() < 4; cp >>= 4)
      hex.insert(hex.begin(), digits[cp & 0xF]);
    q += " (U+" + hex + ")";
  }
  return q;
}

/// Length of the identifier character at the start of `s` (0 if none): ASCII letters, digits,
/// '_' and '.', and any well-formed non-ASCII UTF-8 character other than a Unicode space, so
/// that a misspelt name such as `StépLR` is reported whole.
inline std::size_t identifier_char(std::string_view s) noexcept {
  if (s.empty()) return 0;
  const char c = s[0];
  if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.') return 1;
  if (static_cast<unsigned char>(c) < 0x80) return 0;
  const utf8_char u = decode_utf8(s);
  return u.length != 0 && !is_unicode_space(u.code_point) ? u.length : 0;
}

/// True when `s` can start an identifier: an identifier character other than a digit or '.'.
inline bool identifier_start(std::string_view s) noexcept {
  return identifier_char(s) != 0 && !std::isdigit(static_cast<unsigned char>(s[0])) && s[0] != '.';
}

/// A number value as a whole number, read exactly from its text (underscores dropped) when it is
/// decimal or a hexadecimal integer, so that 9007199254740993 is not rounded to 2^53 nor
/// 9223372036854775807 to 2^63; from its double otherwise (a hexadecimal float, inf).
inline lrs::detail::whole_number integer_of(const spec_value& v) {
  std::string digits;
  for (const char c : v.text)
    if (c != '_') digits.push_back(c);
  lrs::detail::whole_number w;
  if (lrs::detail::parse_whole_number(digits, w)) return w;
  const double x = v.number;
  w = {};
  w.negative = x < 0;
  if (x != std::floor(x)) {
    w.status = lrs::detail::whole_number_status::fraction;
  } else if (x >= 9223372036854775808.0 || x < -9223372036854775808.0) {
    w.status = lrs::detail::whole_number_status::out_of_range;
  } else {
    w.value = static_cast<std::int64_t>(x);
  }
  return w;
}

/// What makes two number keys of a dict the same key: the whole number they are (7, 7.0 and
/// 0x7p0 are one key, as in Python), else their double (-0 as 0).
inline std::string number_key_identity(const spec_value& v) {
  const lrs::detail::whole_number w = integer_of(v);
  if (w.status == lrs::detail::whole_number_status::ok) return "i" + std::to_string(w.value);
  const double x = v.number == 0 ? 0.0 : v.number;
  std::uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  return "d" + std::to_string(bits);
}

class parser {
 public:
  explicit parser(std::string_view src) : src_(src) {}

  spec_call parse_top() {
    skip_ws();
    if (at_end()) fail("empty schedule spec", 1);
    // A pasted assignment, `scheduler = StepLR(...)` or `self.sched: LRScheduler = ...`: the call
    // is what follows the '='.
    if (identifier_start(rest())) {
      const std::size_t save = pos_;
      (void)read_identifier();
      skip_ws();
      if (peek() == ':') {
        ++pos_;
        skip_ws();
        if (identifier_start(rest())) (void)read_identifier();
        skip_ws();
      }
      if (peek() == '=' && rest().substr(1, 1) != "=") {
        ++pos_;
        skip_ws();
      } else {
        pos_ = save;
      }
    }
    spec_value v = parse_value();
    if (v.type != spec_value::kind::call) {
      // A bare name at top level is a call without arguments ("rex" == "rex()").
      if (!(v.type == spec_value::kind::string && is_identifier(v.text)))
        fail(std::string("expected a schedule such as StepLR(step_size=30), got ") + v.kind_name(),
             v.column);
      v.nested = std::make_shared<const spec_call>(spec_call{v.text, {}, v.column});
    }
    skip_ws();
    if (!at_end()) fail("unexpected " + quote_char(rest()) + " after the schedule", col());
    return *v.nested;
  }

 private:
  [[noreturn]] static void fail(const std::string& msg, std::size_t column) {
    LRS_THROW(spec_error(msg, column));
  }
  static bool is_identifier(std::string_view s) {
    if (!identifier_start(s)) return false;
    while (std::size_t n = identifier_char(s)) s.remove_prefix(n);
    return s.empty();
  }
  bool at_end() const noexcept { return pos_ >= src_.size(); }
  char peek() const noexcept { return at_end() ? '\0' : src_[pos_]; }
  std::string_view rest() const noexcept { return src_.substr(pos_); }
  std::size_t col() const noexcept { return pos_ + 1; }
  /// Skips white space, Python comments (`# ...` to the end of the line) and line continuations
  /// (`\` before a line break), so a call pasted from Python source reads as written.
  void skip_ws() {
    for (;;) {
      while (!at_end() && std::isspace(static_cast<unsigned char>(src_[pos_]))) ++pos_;
      if (peek() == '#') {
        while (!at_end() && src_[pos_] != '\n') ++pos_;
      } else if (peek() == '\\' && (rest().substr(1, 1) == "\n" || rest().substr(1, 2) == "\r\n")) {
        ++pos_;
      } else {
        return;
      }
    }
  }
  std::string got() const {
    return at_end() ? std::string("the end of the spec") : quote_char(rest());
  }
  void expect(char c, const char* what) {
    skip_ws();
    if (at_end() || peek() != c)
      fail(std::string("expected ") + what + " at column " + std::to_string(col()) + ", got " +
               got(),
           col());
    ++pos_;
  }
  /// Enters a list or a call that starts at `column`; the guard leaves it.
  struct nesting {
    explicit nesting(parser& p, std::size_t column) : p_(p) {
      if (++p_.depth_ > spec_max_depth)
        fail("spec nested too deeply: depth " + std::to_string(p_.depth_) + " at column " +
                 std::to_string(column) + " exceeds the limit of " +
                 std::to_string(spec_max_depth) + " nested lists and calls",
             column);
    }
    ~nesting() { --p_.depth_; }
    nesting(const nesting&) = delete;
    nesting& operator=(const nesting&) = delete;

   private:
    parser& p_;
  };

  std::string read_identifier() {
    const std::size_t start = pos_;
    while (std::size_t n = identifier_char(rest())) pos_ += n;
    return std::string(src_.substr(start, pos_ - start));
  }

  spec_value parse_value() {
    skip_ws();
    spec_value v;
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
      v.type = spec_value::kind::string;
      v.quoted = true;
      v.text = std::string(src_.substr(start, pos_ - start));
      ++pos_;
      return v;
    }
    if (c == '[' || c == '(') {
      const nesting guard(*this, v.column);
      const char close = c == '[' ? ']' : ')';
      ++pos_;
      v.type = spec_value::kind::list;
      skip_ws();
      if (peek() == close) {
        ++pos_;
        return v;
      }
      for (;;) {
        v.items.push_back(parse_value());
        reject_expression(v.items.back());
        if (!more_items(close)) return v;
      }
    }
    if (c == '{') return parse_dict();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+') {
      return parse_number();
    }
    if (identifier_start(rest())) {
      const std::string id = read_identifier();
      skip_ws();
      if (id == "lambda" && peek() != '(' && peek() != '=')
        fail(where() + " at column " + std::to_string(v.column) +
                 " is Python code (a lambda); a spec holds numbers, strings, lists, dicts and "
                 "schedule calls: write the schedule by its name and numbers (`lrs list`), or "
                 "build it in C++ with lrs::lambda_lr",
             v.column);
      if (peek() == '(') {
        const nesting guard(*this, v.column);
        v.type = spec_value::kind::call;
        v.nested = std::make_shared<const spec_call>(parse_call_args(id, v.column));
        return v;
      }
      if (id == "True" || id == "true") {
        v.type = spec_value::kind::boolean;
        v.boolean = true;
      } else if (id == "False" || id == "false") {
        v.type = spec_value::kind::boolean;
      } else if (id == "None") {
        v.type = spec_value::kind::none;
      } else if (is_infinity(id)) {
        v.type = spec_value::kind::number;
        v.number = HUGE_VAL;
        v.text = id;
      } else {
        v.type = spec_value::kind::string;  // bare word, e.g. anneal_strategy=linear
        v.text = id;
      }
      return v;
    }
    fail("unexpected " + quote_char(rest()) + " at column " + std::to_string(col()), col());
  }

  /// After an item of a list, dict or call: true at ',' followed by another item; false at the
  /// closing `close` (a trailing comma before it, as Python allows); an error otherwise.
  bool more_items(char close) {
    skip_ws();
    if (peek() == ',') {
      ++pos_;
      skip_ws();
      if (peek() != close) return true;
    }
    expect(close, (std::string("',' or '") + close + "'").c_str());
    return false;
  }

  /// What the value being read is, for messages: "argument 'T_max' of CosineAnnealingLR".
  std::string where() const { return where_.empty() ? std::string("the value") : where_; }

  /// A value followed by an operator or a subscript is a Python expression
  /// (`len(loader) * 10`, `cfg["lr"]`): say so, and what to write instead.
  void reject_expression(const spec_value& v) {
    skip_ws();
    const char c = peek();
    if (at_end() || std::string_view("*/%+-[@&|^<>").find(c) == std::string_view::npos) return;
    std::size_t end = pos_;
    std::size_t depth = 0;
    while (end < src_.size()) {
      const char e = src_[end];
      if (e == '(' || e == '[' || e == '{') ++depth;
      if (e == ')' || e == ']' || e == '}') {
        if (depth == 0) break;
        --depth;
      }
      if (e == ',' && depth == 0) break;
      ++end;
    }
    std::string_view text = src_.substr(v.column - 1, end - (v.column - 1));
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
      text.remove_suffix(1);
    fail(where() + " at column " + std::to_string(v.column) + " is a Python expression " +
             quote(text) + "; a spec cannot evaluate Python: write the value it has",
         v.column);
  }

  /// `{key: value, ...}`: keys are quoted strings or numbers, each given once.
  spec_value parse_dict() {
    spec_value v;
    v.column = col();
    const nesting guard(*this, v.column);
    ++pos_;  // '{'
    v.type = spec_value::kind::dict;
    skip_ws();
    if (peek() == '}') {
      ++pos_;
      return v;
    }
    // The keys seen so far, for the duplicate check in constant time per key (a dict may hold
    // hundreds of thousands of entries): number keys by value (number_key_identity), string keys
    // by text.
    std::unordered_set<std::string> number_keys;
    std::unordered_set<std::string> string_keys;
    for (;;) {
      spec_value key = parse_value();
      const bool scalar_key = (key.type == spec_value::kind::string && key.quoted) ||
                              key.type == spec_value::kind::number;
      if (!scalar_key)
        fail("dict keys must be quoted strings or numbers, got " +
                 std::string(key.type == spec_value::kind::string
                                 ? "the bare name " + quote(key.text)
                                 : key.kind_name()) +
                 " at column " + std::to_string(key.column),
             key.column);
      const bool repeated = key.type == spec_value::kind::number
                                ? !number_keys.insert(number_key_identity(key)).second
                                : !string_keys.insert(key.text).second;
      if (repeated)
        fail("dict key " + quote(key.text) + " given twice at column " + std::to_string(key.column),
             key.column);
      expect(':', "':' after a dict key");
      const std::string outer = where_;
      where_ = "dict entry " + quote(key.text);
      spec_value item = parse_value();
      reject_expression(item);
      where_ = outer;
      v.keys.push_back(std::move(key));
      v.items.push_back(std::move(item));
      if (!more_items('}')) return v;
    }
  }

  static bool is_infinity(std::string_view id) {
    return id == "inf" || id == "math.inf" || id == "float.inf";
  }

  /// Python's and C's number forms: `10`, `-2.5e-3`, `.5`, `1_000`, `0x1p-3`, and a sign before
  /// `inf`. Every finite value strtod reads is accepted, subnormal ones and underflow to 0
  /// included; a value that overflows to infinity is rejected.
  spec_value parse_number() {
    spec_value v;
    v.column = col();
    const std::size_t start = pos_;
    if (peek() == '-' || peek() == '+') ++pos_;
    if (identifier_start(rest())) {  // -inf, +math.inf
      const std::string id = read_identifier();
      if (!is_infinity(id))
        fail("bad number " + quote(src_.substr(start, pos_ - start)) + " at column " +
                 std::to_string(v.column),
             v.column);
      v.type = spec_value::kind::number;
      v.number = src_[start] == '-' ? -HUGE_VAL : HUGE_VAL;
      v.text = std::string(src_.substr(start, pos_ - start));
      return v;
    }
    const bool hex = pos_ + 1 < src_.size() && src_[pos_] == '0' &&
                     (src_[pos_ + 1] == 'x' || src_[pos_ + 1] == 'X');
    if (hex) pos_ += 2;
    bool integral = true;
    while (!at_end()) {
      const char c = src_[pos_];
      const bool digit = hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                             : std::isdigit(static_cast<unsigned char>(c)) != 0;
      const bool exponent = hex ? (c == 'p' || c == 'P') : (c == 'e' || c == 'E');
      if (digit || c == '_') {
        ++pos_;
      } else if (c == '.') {
        integral = false;
        ++pos_;
      } else if (exponent) {
        integral = false;
        ++pos_;
        if (peek() == '-' || peek() == '+') ++pos_;
      } else {
        break;
      }
    }
    const std::string_view text = src_.substr(start, pos_ - start);
    std::string digits;
    for (char c : text)
      if (c != '_') digits.push_back(c);
    char* end = nullptr;
    const double x = std::strtod(digits.c_str(), &end);
    const bool complete =
        !digits.empty() && end == digits.c_str() + digits.size() && !std::isnan(x);
    if (!complete)
      fail("bad number " + quote(text) + " at column " + std::to_string(v.column), v.column);
    if (std::isinf(x))
      fail("number " + quote(text) + " at column " + std::to_string(v.column) +
               " is too large (the largest finite number is 1.7976931348623157e308)",
           v.column);
    v.type = spec_value::kind::number;
    v.number = x;
    v.integral = integral;
    v.text = std::string(text);
    return v;
  }

  spec_call parse_call_args(const std::string& name, std::size_t column) {
    spec_call c;
    c.name = name;
    c.column = column;
    expect('(', "'('");
    skip_ws();
    if (peek() == ')') {
      ++pos_;
      return c;
    }
    bool seen_named = false;
    std::unordered_set<std::string> names;  // the keywords given so far (constant-time check)
    for (;;) {
      skip_ws();
      spec_argument a;
      a.column = col();
      // name=value or a positional value: look ahead for an identifier followed by '='.
      const std::size_t save = pos_;
      if (identifier_start(rest())) {
        std::string id = read_identifier();
        skip_ws();
        if (peek() == '=' && (pos_ + 1 >= src_.size() || src_[pos_ + 1] != '=')) {
          ++pos_;
          a.name = std::move(id);
        } else {
          pos_ = save;
        }
      }
      if (!a.name.empty()) {
        seen_named = true;
        if (!names.insert(a.name).second)
          fail("parameter " + quote(a.name) + " given twice for " + excerpt(name) + " at column " +
                   std::to_string(a.column),
               a.column);
      }
      const std::string outer = where_;
      where_ = a.name.empty()
                   ? "argument " + std::to_string(c.args.size() + 1) + " of " + excerpt(name)
                   : "argument " + quote(a.name) + " of " + excerpt(name);
      if (a.name.empty() && peek() == '*') {
        std::size_t end = pos_;
        while (end < src_.size() && src_[end] != ',' && src_[end] != ')') ++end;
        fail(where() + " at column " + std::to_string(a.column) + " unpacks Python values " +
                 quote(src_.substr(pos_, end - pos_)) +
                 "; a spec cannot evaluate Python: write the arguments out",
             a.column);
      }
      a.val = parse_value();  // first, so that a bad character is reported as such
      reject_expression(a.val);
      where_ = outer;
      if (a.name.empty() && seen_named)
        fail("positional argument follows keyword argument in " + excerpt(name) + " at column " +
                 std::to_string(a.column),
             a.column);
      c.args.push_back(std::move(a));
      if (!more_items(')')) return c;
    }
  }

  std::string_view src_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  std::string where_;  ///< the argument being read, for messages
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
    const std::string f = fold(cand);
    // Names far apart in length are not close: skip the quadratic distance (long inputs).
    const std::size_t gap = f.size() > w.size() ? f.size() - w.size() : w.size() - f.size();
    if (gap >= best_d) continue;
    const std::size_t d = edit_distance(w, f);
    if (d < best_d) {
      best_d = d;
      best = cand;
    }
  }
  return best;
}

}  // namespace detail

/// Reads a spec string into its call tree without building anything. The string may hold any
/// bytes (a NUL included); at most spec_max_depth lists and calls may nest.
/// @throws lrs::spec_error on a syntax error or a nesting deeper than spec_max_depth.
[[nodiscard]] inline spec_call parse_spec(std::string_view text) {
  return detail::parser(text).parse_top();
}

}  // namespace lrs

#endif  // LRS_IO_SPEC_PARSER_HPP
