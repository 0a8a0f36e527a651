// SPDX-License-Identifier: MIT
// lrs::invalid_argument and the validation helpers that build its messages.
#ifndef LRS_CORE_ERROR_HPP
#define LRS_CORE_ERROR_HPP

#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <lrs/config.hpp>
#include <lrs/core/format.hpp>

namespace lrs {

/// Thrown for a bad parameter. The message names the type, the parameter, the value and the
/// allowed range, e.g. `lrs::cosine_annealing_lr: T_max must be > 0, got 0`.
class invalid_argument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {

/// A value as error messages show it: numbers by format_number ("0.1", "100", "1e-300"),
/// `bool` as "true"/"false", anything else (strings) as is.
template <class V>
std::string format_value(V v) {
  if constexpr (std::is_same_v<V, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<V>) {
    return format_number(v);
  } else {
    return std::string(v);
  }
}

/// Throws lrs::invalid_argument with "lrs::<type>: <param> must be <rule>, got <value>".
template <class V>
[[noreturn]] void throw_invalid(std::string_view type, std::string_view param,
                                std::string_view rule, const V& value) {
  std::string msg = "lrs::";
  msg.append(type).append(": ").append(param).append(" must be ").append(rule);
  msg.append(", got ").append(format_value(value));
  LRS_THROW(::lrs::invalid_argument(msg));
}

template <class V>
void require(bool ok, std::string_view type, std::string_view param, std::string_view rule,
             const V& value) {
  if (!ok) throw_invalid(type, param, rule, value);
}

template <class V>
void require_finite(std::string_view type, std::string_view param, V value) {
  if constexpr (std::is_floating_point_v<V>)
    require(std::isfinite(value), type, param, "finite", value);
}

/// value > 0 (and finite for floating point).
template <class V>
void require_positive(std::string_view type, std::string_view param, V value) {
  require_finite(type, param, value);
  require(value > V(0), type, param, "> 0", value);
}

/// value >= 0 (and finite for floating point).
template <class V>
void require_non_negative(std::string_view type, std::string_view param, V value) {
  require_finite(type, param, value);
  require(value >= V(0), type, param, ">= 0", value);
}

/// Range check; `lo_open` / `hi_open` select the bracket shown and the comparison used.
template <class V>
void require_in_range(std::string_view type, std::string_view param, V value, V lo, V hi,
                      bool lo_open = false, bool hi_open = false) {
  require_finite(type, param, value);
  const bool ok = (lo_open ? value > lo : value >= lo) && (hi_open ? value < hi : value <= hi);
  if (!ok) {
    std::string rule = "in ";
    rule.append(lo_open ? "(" : "[").append(format_value(lo)).append(", ");
    rule.append(format_value(hi)).append(hi_open ? ")" : "]");
    throw_invalid(type, param, rule, value);
  }
}

}  // namespace detail
}  // namespace lrs

#endif  // LRS_CORE_ERROR_HPP
