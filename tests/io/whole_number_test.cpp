// SPDX-License-Identifier: MIT
// Whole numbers above 2^53 in spec strings and CSV step columns are read as integers, exactly,
// never through a double (which rounds 2^53 + 1 to 2^53 and 2^63 - 1 to 2^63); past the int64
// range they are refused with one clear message. Expected values are integer arithmetic:
// StepLR's LR is gamma^floor(t / step_size), optax's piecewise constant multiplies the scales of
// the boundaries <= t.
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <lrs/io/csv.hpp>
#include <lrs/io/detail/whole_number.hpp>
#include <lrs/io/parse_schedule.hpp>

#include "catch.hpp"
#include "support/spec.hpp"

namespace {

using lrs_test::spec_error_of;

constexpr std::int64_t two53 = std::int64_t{1} << 53;  // 9007199254740992
constexpr std::int64_t max64 = std::numeric_limits<std::int64_t>::max();

lrs::step_series whole_series(const std::string& text) {
  std::istringstream in(text);
  return lrs::read_step_series(in, "step", "loss", "loss.csv");
}

std::string csv_error_of(const std::string& text) {
  return lrs_test::message_of<lrs::csv_error>([&] { (void)whole_series(text); });
}

lrs::detail::whole_number read(const std::string& s) {
  lrs::detail::whole_number w;
  REQUIRE(lrs::detail::parse_whole_number(s, w));
  return w;
}

}  // namespace

TEST_CASE("parse_whole_number reads decimal text exactly", "[io][integer]") {
  using st = lrs::detail::whole_number_status;
  CHECK(read("9007199254740993").value == two53 + 1);
  CHECK(read("9223372036854775807").value == max64);
  CHECK(read("-9223372036854775808").value == std::numeric_limits<std::int64_t>::min());
  CHECK(read("9.223372036854775807e18").value == max64);
  CHECK(read("922337203685477580.7e1").value == max64);
  CHECK(read("0x7fffffffffffffff").value == max64);
  CHECK(read("+12").value == 12);
  CHECK(read("12.000").value == 12);
  CHECK(read("1.5e1").value == 15);
  CHECK(read("1500e-2").value == 15);
  CHECK(read("-0").value == 0);
  CHECK(read("0e999999999").value == 0);
  CHECK(read("9223372036854775808").status == st::out_of_range);
  CHECK(read("-9223372036854775809").status == st::out_of_range);
  CHECK(read("1e19").status == st::out_of_range);
  CHECK(read("1e999999999").status == st::out_of_range);
  CHECK(read("0x8000000000000000").status == st::out_of_range);
  CHECK(read("9007199254740993.5").status == st::fraction);
  CHECK(read("1e-999999999").status == st::fraction);
  CHECK(read("1501e-2").status == st::fraction);
  lrs::detail::whole_number w;
  for (const char* other : {"", "inf", "nan", "0x1p3", "1e", "e5", ".", "1.2.3", "5x", "1 ", "--1"})
    CHECK_FALSE(lrs::detail::parse_whole_number(other, w));
}

TEST_CASE("spec: an integer parameter above 2^53 is not rounded", "[spec][integer]") {
  // step_size = 2^53 + 1: the first decay is at step 2^53 + 1, not at 2^53 (the double).
  const auto s = lrs::parse_schedule("StepLR(step_size=9007199254740993, gamma=0.5)");
  CHECK(s(two53 - 1) == 1.0);
  CHECK(s(two53) == 1.0);
  CHECK(s(two53 + 1) == 0.5);
  // 2^63 - 1, with or without underscores, and written as 9.223372036854775807e18.
  for (const char* text :
       {"9223372036854775807", "9_223_372_036_854_775_807", "9.223372036854775807e18"}) {
    const auto m = lrs::parse_schedule(std::string("StepLR(step_size=") + text + ", gamma=0.5)");
    CHECK(m(max64 - 1) == 1.0);
    CHECK(m(max64) == 0.5);
  }
  // Whole numbers written as floats are still whole numbers.
  CHECK(lrs::parse_schedule("StepLR(step_size=1e3, gamma=0.5)")(1000) == 0.5);
  CHECK(lrs::parse_schedule("StepLR(step_size=10.0, gamma=0.5)")(9) == 1.0);
}

TEST_CASE("spec: integers past int64 are refused with one message", "[spec][integer][error]") {
  CHECK(spec_error_of("StepLR(step_size=9223372036854775808)") ==
        "parameter 'step_size' of StepLR at column 18 must be a whole number from "
        "-9223372036854775808 to 9223372036854775807 (a 64-bit integer), got "
        "9223372036854775808");
  CHECK(spec_error_of("StepLR(step_size=1e300)") ==
        "parameter 'step_size' of StepLR at column 18 must be a whole number from "
        "-9223372036854775808 to 9223372036854775807 (a 64-bit integer), got 1e300");
  CHECK(spec_error_of("StepLR(step_size=inf)") ==
        "parameter 'step_size' of StepLR at column 18 must be a whole number from "
        "-9223372036854775808 to 9223372036854775807 (a 64-bit integer), got inf");
  CHECK(spec_error_of("StepLR(step_size=9007199254740993.5)") ==
        "parameter 'step_size' of StepLR at column 18 must be a whole number, got "
        "9007199254740993.5");
  CHECK(spec_error_of("MultiStepLR(milestones=[1, 99999999999999999999])") ==
        "parameter 'milestones' of MultiStepLR at column 28 must be a whole number from "
        "-9223372036854775808 to 9223372036854775807 (a 64-bit integer), got "
        "99999999999999999999");
}

TEST_CASE("spec: dict keys above 2^53 stay distinct and exact", "[spec][integer]") {
  // Two boundaries one step apart: both apply, each from its own step.
  const auto s = lrs::parse_schedule(
      "optax.piecewise_constant_schedule(1.0, {9007199254740992: 0.5, 9007199254740993: 0.5})");
  CHECK(s(two53 - 1) == 1.0);
  CHECK(s(two53) == 0.5);
  CHECK(s(two53 + 1) == 0.25);
  CHECK(spec_error_of("optax.piecewise_constant_schedule(1.0, {9223372036854775808: 0.5})") ==
        "key of 'boundaries_and_scales' of "
        "piecewise_constant_schedule at column 41 must be a whole number from "
        "-9223372036854775808 to 9223372036854775807 (a 64-bit integer), got "
        "9223372036854775808");
  // The same number written twice is still one key given twice.
  CHECK(spec_error_of("optax.piecewise_constant_schedule(1.0, {9007199254740993: 0.5, "
                      "9007199254740993.0: 0.5})") ==
        "dict key '9007199254740993.0' given twice at column 64");
}

TEST_CASE("csv: steps above 2^53 are read exactly", "[io][csv][integer]") {
  const auto s =
      whole_series("step,loss\n9007199254740992,1\n9007199254740993,2\n9223372036854775807,3\n");
  CHECK(s.steps == std::vector<lrs::step_t>{two53, two53 + 1, max64});
  CHECK(whole_series("step,loss\n1e3,1\n1500.0,2\n1.6e3,3\n").steps ==
        std::vector<lrs::step_t>{1000, 1500, 1600});
  CHECK(csv_error_of("step,loss\n9007199254740993,1\n9007199254740992,2\n") ==
        "loss.csv:3: steps not sorted: 9007199254740992 after 9007199254740993");
  CHECK(csv_error_of("step,loss\n9007199254740993,1\n9007199254740993,2\n") ==
        "loss.csv:3: duplicate step 9007199254740993");
  CHECK(csv_error_of("step,loss\n9223372036854775808,1\n") ==
        "loss.csv:2: column 'step' must be <= 9223372036854775807, got 9223372036854775808");
  CHECK(csv_error_of("step,loss\n9007199254740993.5,1\n") ==
        "loss.csv:2: column 'step' must be a whole number, got 9007199254740993.5");
  CHECK(csv_error_of("step,loss\n-3,1\n") == "loss.csv:2: column 'step' must be >= 0, got -3");
  CHECK(whole_series("step,loss\n-0,1\n").steps == std::vector<lrs::step_t>{0});
}
