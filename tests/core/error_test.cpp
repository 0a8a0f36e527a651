// SPDX-License-Identifier: MIT
#include <stdexcept>
#include <string>

#include <lrs/lrs.hpp>

#include "catch.hpp"
#include "support/errors.hpp"

namespace {

using lrs_test::message_of;
}  // namespace

TEST_CASE("invalid_argument derives from std::invalid_argument", "[error]") {
  CHECK_THROWS_AS(lrs::cosine_annealing_lr<double>(0.1, 0), std::invalid_argument);
  CHECK_THROWS_AS(lrs::cosine_annealing_lr<double>(0.1, 0), lrs::invalid_argument);
}

TEST_CASE("messages name the type, parameter, rule and value", "[error]") {
  CHECK(message_of([] { lrs::cosine_annealing_lr<double>(0.1, 0); }) ==
        "lrs::cosine_annealing_lr: T_max must be > 0, got 0");
  CHECK(message_of([] { lrs::step_lr<double>(0.1, -3); }) ==
        "lrs::step_lr: step_size must be > 0, got -3");
  CHECK(message_of([] { lrs::step_lr<double>(-0.1, 3); }) ==
        "lrs::step_lr: base_lr must be >= 0, got -0.1");
  CHECK(message_of([] { lrs::constant<double>(std::nan("")); }) ==
        "lrs::constant: value must be finite, got nan");
  CHECK(message_of([] { lrs::cosine_annealing_lr<float>(0.1f, 5, -0.25f); }) ==
        "lrs::cosine_annealing_lr: eta_min must be >= 0, got -0.25");
}

TEST_CASE("values print in their shortest round-trip form", "[error]") {
  using lrs::detail::format_value;
  CHECK(format_value(0.1) == "0.1");
  CHECK(format_value(0.1f) == "0.1");
  CHECK(format_value(1e-300) == "1e-300");
  CHECK(format_value(100.0) == "100");
  CHECK(format_value(1500.0f) == "1500");
  CHECK(format_value(1e20) == "1e+20");
  CHECK(format_value(2.5e-5) == "2.5e-05");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(format_value(std::int64_t{-7}) == "-7");
  CHECK(format_value(true) == "true");
}

TEST_CASE("range checks show the interval with its brackets", "[error]") {
  CHECK(message_of([] {
          lrs::detail::require_in_range("adam", "beta1", 1.0, 0.0, 1.0, false, true);
        }) == "lrs::adam: beta1 must be in [0, 1), got 1");
  CHECK(message_of([] { lrs::detail::require_in_range("x", "p", -0.5, 0.0, 1.0, true, false); }) ==
        "lrs::x: p must be in (0, 1], got -0.5");
  CHECK_NOTHROW(lrs::detail::require_in_range("x", "p", 1.0, 0.0, 1.0));
}
