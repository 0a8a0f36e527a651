// SPDX-License-Identifier: MIT
// lrs::detail::parse_whole_number: a decimal number read exactly as an integer (steps and counts
// in spec strings and CSV files), never through a double, which rounds above 2^53.
#ifndef LRS_IO_DETAIL_WHOLE_NUMBER_HPP
#define LRS_IO_DETAIL_WHOLE_NUMBER_HPP

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace lrs::detail {

/// What parse_whole_number found.
enum class whole_number_status {
  ok,           ///< a whole number in [-2^63, 2^63 - 1]: `value`
  fraction,     ///< a number with a non-zero fractional part (`2.5`, `1e-3`)
  out_of_range  ///< a whole number below -2^63 or above 2^63 - 1 (`negative` says which side)
};

struct whole_number {
  whole_number_status status = whole_number_status::ok;
  std::int64_t value = 0;
  bool negative = false;  ///< the number is < 0
};

/// Reads `s` exactly when it is a decimal number: an optional sign, digits with an optional
/// fraction (`10`, `+10`, `-3`, `10.`, `.5`, `2.50`) and an optional exponent (`1e3`, `2.5E+1`),
/// or a hexadecimal integer (`0x1F`). `10.0`, `1e3` and `2.5e1` are the whole numbers 10, 1000
/// and 25, with no rounding at any size (9223372036854775807 is 2^63 - 1, not 2^63).
/// @return true with `out` set when `s` is in that form; false when it is not (empty, `inf`,
/// `nan`, a hexadecimal float, stray characters): the caller then reads it its own way.
inline bool parse_whole_number(std::string_view s, whole_number& out) noexcept {
  out = {};
  std::size_t i = 0;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  // The significant digits without leading zeros, and the power of ten they are scaled by.
  constexpr std::uint64_t limit = std::uint64_t{1} << 63;  // the magnitude of -2^63
  std::uint64_t magnitude = 0;
  bool overflow = false;  // magnitude exceeded `limit`
  bool any_digit = false;
  bool nonzero_fraction = false;
  const auto push = [&](unsigned d) {
    if (overflow) return;
    if (magnitude > (limit - d) / 10) {
      overflow = true;
      return;
    }
    magnitude = magnitude * 10 + d;
  };
  if (i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    i += 2;
    const std::size_t start = i;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      unsigned d = 0;
      if (digit(c)) {
        d = static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<unsigned>(c - 'A' + 10);
      } else {
        return false;  // a hexadecimal float (`0x1p3`) or junk
      }
      if (magnitude > (limit - d) / 16) overflow = true;
      if (!overflow) magnitude = magnitude * 16 + d;
    }
    if (i == start) return false;
  } else {
    std::string_view mantissa;  // the digits and the point, read again below
    const std::size_t start = i;
    std::size_t point = std::string_view::npos;
    for (; i < s.size(); ++i) {
      if (digit(s[i])) {
        any_digit = true;
      } else if (s[i] == '.' && point == std::string_view::npos) {
        point = i;
      } else {
        break;
      }
    }
    if (!any_digit) return false;
    mantissa = s.substr(start, i - start);
    std::int64_t exponent = 0;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      bool exp_negative = false;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
      const std::size_t exp_start = i;
      for (; i < s.size() && digit(s[i]); ++i)
        if (exponent < 1000000) exponent = exponent * 10 + (s[i] - '0');  // saturates
      if (i == exp_start) return false;
      if (exp_negative) exponent = -exponent;
    }
    if (i != s.size()) return false;
    // The value is mantissa-digits x 10^(exponent - fraction digits). Digits at or after the
    // position where the decimal point lands are the fraction: they must all be zero.
    const std::size_t fraction_digits =
        point == std::string_view::npos ? 0 : mantissa.size() - (point - start) - 1;
    const std::int64_t scale = exponent - static_cast<std::int64_t>(fraction_digits);
    // Count the digits (point skipped); the first `keep` of them form the integer part.
    std::int64_t total_digits = 0;
    for (const char c : mantissa)
      if (c != '.') ++total_digits;
    const std::int64_t keep = total_digits + scale;  // may be <= 0 or > total_digits
    std::int64_t k = 0;
    for (const char c : mantissa) {
      if (c == '.') continue;
      const auto d = static_cast<unsigned>(c - '0');
      if (k < keep) {
        push(d);
      } else if (d != 0) {
        nonzero_fraction = true;
      }
      ++k;
    }
    // Trailing zeros the exponent adds (`25e17`): only while the magnitude is non-zero.
    for (std::int64_t z = total_digits; z < keep && magnitude != 0 && !overflow; ++z) push(0);
    if (nonzero_fraction) {
      out.status = whole_number_status::fraction;
      out.negative = negative;
      return true;
    }
  }
  if (magnitude == 0 && !overflow) return true;  // 0, -0, 0.000, 0e5
  out.negative = negative;
  if (overflow || magnitude > (negative ? limit : limit - 1)) {
    out.status = whole_number_status::out_of_range;
    return true;
  }
  out.value = negative ? (magnitude == limit ? std::numeric_limits<std::int64_t>::min()
                                             : -static_cast<std::int64_t>(magnitude))
                       : static_cast<std::int64_t>(magnitude);
  return true;
}

}  // namespace lrs::detail

#endif  // LRS_IO_DETAIL_WHOLE_NUMBER_HPP
