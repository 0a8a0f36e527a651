// SPDX-License-Identifier: MIT
// Tests for lrs/core/format.hpp: shortest round-trip text, %g layout, fixed decimals.
#include <lrs/core/format.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "catch.hpp"

using lrs::detail::format_fixed;
using lrs::detail::format_number;

namespace {

/// Number of significant digits in printf-style text ("1.25e-05" -> 3, "0.0001" -> 1).
int significant_digits(const std::string& s) {
  std::string digits;
  for (const char c : s) {
    if (c == 'e') break;
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  const auto first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 1;
  digits = digits.substr(first);
  if (s.find('.') != std::string::npos || s.find('e') != std::string::npos)
    return int(digits.size());
  return int(digits.find_last_not_of('0') + 1);  // whole number written out: trailing zeros
}

}  // namespace

TEST_CASE("format_number: shortest text that reads back, in %g layout", "[core][format]") {
  // Expected digits: Python 3's repr (David Gay's shortest round-trip), laid out as printf's %g.
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_number(1.0 / 3.0) == "0.3333333333333333");
  CHECK(format_number(5e-324) == "5e-324");  // smallest subnormal
  CHECK(format_number(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
  CHECK(format_number(123456789.125) == "123456789.125");
  CHECK(format_number(1e15 + 0.5) == "1000000000000000.5");
  CHECK(format_number(0.0001) == "0.0001");
  CHECK(format_number(0.00012345) == "0.00012345");
  CHECK(format_number(2.5e-5) == "2.5e-05");
  CHECK(format_number(1e20) == "1e+20");
  CHECK(format_number(1e16) == "1e+16");
  CHECK(format_number(12345678901234567890.0) == "1.2345678901234567e+19");
  // Values where a snprintf/strtold search gave text that strtod reads as a different double
  // (long double rounding), or more digits than needed.
  CHECK(format_number(4.5444687401422793e+173) == "4.5444687401422793e+173");
  CHECK(format_number(-2.522923758208279e-228) == "-2.522923758208279e-228");
  // float: shortest for float (numpy float32 repr).
  CHECK(format_number(0.1f) == "0.1");
  CHECK(format_number(1.0f / 3.0f) == "0.33333334");
  CHECK(format_number(3.4028235e38f) == "3.4028235e+38");
  CHECK(format_number(1e-45f) == "1e-45");
}

TEST_CASE("format_number: whole numbers of moderate size in full", "[core][format]") {
  CHECK(format_number(100.0) == "100");
  CHECK(format_number(-100.0) == "-100");
  CHECK(format_number(1500.0f) == "1500");
  CHECK(format_number(16777216.0f) == "16777216");
  CHECK(format_number(1e15) == "1000000000000000");
  CHECK(format_number(9007199254740992.0) == "9007199254740992");
  CHECK(format_number(0.0) == "0");
  CHECK(format_number(-0.0) == "-0");
  CHECK(format_number(std::int64_t{-7}) == "-7");
  CHECK(format_number(std::numeric_limits<std::int64_t>::max()) == "9223372036854775807");
  CHECK(format_number(std::size_t{65536}) == "65536");
  CHECK(format_number(std::numeric_limits<double>::quiet_NaN()) == "nan");
  CHECK(format_number(-std::numeric_limits<double>::quiet_NaN()) == "nan");
  CHECK(format_number(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(format_number(-std::numeric_limits<float>::infinity()) == "-inf");
}

TEST_CASE("format_number: random doubles read back exactly with no shorter text",
          "[core][format][property]") {
  std::mt19937_64 gen(20261130);
  int checked = 0;
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t bits = gen();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    const std::string s = format_number(v);
    INFO(s);
    REQUIRE(std::strtod(s.c_str(), nullptr) == v);  // libc's reader, independent of to_chars
    const int n = significant_digits(s);
    if (n > 1) {  // one digit fewer (correctly rounded by snprintf) does not read back
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.*e", n - 2, v);
      CHECK(std::strtod(buf, nullptr) != v);
    }
    ++checked;
  }
  CHECK(checked > 19000);
}

TEST_CASE("format_number with a precision is printf's %.Ng", "[core][format]") {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> expo(-30, 30);
  for (int i = 0; i < 5000; ++i) {
    const double v = (i % 2 ? -1 : 1) * std::pow(10.0, expo(gen));
    for (const int p : {1, 6, 17}) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.*g", p, v);
      INFO(p << " " << buf);
      CHECK(format_number(v, p) == buf);
    }
  }
  CHECK(format_number(0.1, 17) == "0.10000000000000001");
  CHECK(format_number(1000.0, 6) == "1000");
  CHECK(format_number(1e-5, 6) == "1e-05");
  CHECK(format_number(0.30000000000000004, 6) == "0.3");
}

TEST_CASE("format_fixed is printf's %.Nf", "[core][format]") {
  std::mt19937_64 gen(11);
  std::uniform_real_distribution<double> u(-5000, 5000);
  for (int i = 0; i < 5000; ++i) {
    const double v = u(gen);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    CHECK(format_fixed(v, 2) == buf);
  }
  CHECK(format_fixed(12.5, 2) == "12.50");
  CHECK(format_fixed(0.125, 0) == "0");
  CHECK(format_fixed(-0.001, 2) == "-0.00");
  CHECK(format_fixed(std::numeric_limits<double>::infinity(), 2) == "inf");
}
