// SPDX-License-Identifier: MIT
// lrs::detail::format_number: the one number-to-text conversion of lrs (std::to_chars based).
#ifndef LRS_CORE_FORMAT_HPP
#define LRS_CORE_FORMAT_HPP

#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <system_error>
#include <type_traits>

namespace lrs::detail {

/// Shortest decimal text that reads back (with strtod / from_chars) as the same value of type `V`:
/// "0.1", not "0.10000000000000001". The layout is printf's `%g` at that many significant digits
/// ("2.5e-05", "1e+20", "0.001"), except that whole numbers of moderate size (1 <= |v| < 1e16) are
/// written out in full: "100", not "1e+02". NaN and infinities read "nan", "inf", "-inf". Integers
/// are written in full; `bool` is not a number here (see format_value in core/error.hpp).
/// Locale-independent (std::to_chars).
template <class V>
[[nodiscard]] std::string format_number(V v) {
  static_assert(std::is_arithmetic_v<V> && !std::is_same_v<V, bool>,
                "lrs::detail::format_number: V must be an integer or floating-point type");
  char buf[128];
  if constexpr (std::is_integral_v<V>) {
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
  } else {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    // Shortest round-trip digits, in scientific form: d[.ddd]e±XX.
    const auto sci = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    const std::string s(buf, sci.ptr);
    const std::size_t e = s.find('e');
    const int exponent = std::stoi(s.substr(e + 1));
    int digits = 0;
    for (std::size_t i = 0; i < e; ++i) digits += (s[i] >= '0' && s[i] <= '9') ? 1 : 0;
    const V mag = std::fabs(v);
    const bool whole = mag >= V(1) && static_cast<long double>(mag) < 1e16L && v == std::floor(v);
    // %g's rule: fixed notation when -4 <= exponent < significant digits.
    if (!whole && (exponent < -4 || exponent >= digits)) return s;
    const auto fix = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return std::string(buf, fix.ptr);
  }
}

/// `v` rounded to `significant` significant digits in printf's `%.<significant>g` form ("0.25",
/// "1e-05", "0.10000000000000001" for 17 digits): the form for axis labels and for files that
/// spell out every digit. @pre 1 <= significant <= 40.
template <class V>
[[nodiscard]] std::string format_number(V v, int significant) {
  static_assert(std::is_floating_point_v<V>,
                "lrs::detail::format_number(v, significant): V must be floating-point");
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[128];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, significant);
  return std::string(buf, r.ptr);
}

/// `v` with exactly `decimals` digits after the point, printf's `%.<decimals>f` ("12.50").
/// @pre 0 <= decimals <= 20. A value too long to write this way (|v| beyond about 1e370) comes out
/// as format_number(v).
template <class V>
[[nodiscard]] std::string format_fixed(V v, int decimals) {
  static_assert(std::is_floating_point_v<V>, "lrs::detail::format_fixed: V must be floating-point");
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (r.ec != std::errc()) return format_number(v);
  return std::string(buf, r.ptr);
}

}  // namespace lrs::detail

#endif  // LRS_CORE_FORMAT_HPP
