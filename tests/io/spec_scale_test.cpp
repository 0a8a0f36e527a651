// SPDX-License-Identifier: MIT
// The spec parser on very long argument lists and dicts: the checks for a repeated keyword or
// dict key take constant time per entry, so 100 000 entries parse in well under a second (they
// took a minute when every entry was compared with every earlier one), and a repeat is still
// found however far apart the two are.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include <lrs/io/parse_schedule.hpp>

#include "catch.hpp"

namespace {

constexpr std::size_t entries = 100000;

/// Seconds taken by parse_spec(text); `error` receives the message ("" when it parsed).
double parse_seconds(const std::string& text, std::string& error) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    (void)lrs::parse_spec(text);
    error.clear();
  } catch (const lrs::spec_error& e) {
    error = e.what();
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// `prefix` then `n` entries made by item(i), joined by ", ", then `suffix`.
template <class F>
std::string joined(std::string_view prefix, std::size_t n, F item, std::string_view suffix) {
  std::string s(prefix);
  for (std::size_t i = 0; i < n; ++i) s += item(i) + ", ";
  return s.append(suffix);
}

// A linear parse of 100 000 entries takes about 0.1 s (Release) to 1 s (a sanitizer build on a
// busy machine); the quadratic checks took 55 to 75 s. The bound leaves room for slow machines.
constexpr double limit_seconds = 15;

/// The message parse_spec(text) throws, or "" when it parses.
std::string seconds_failure(const std::string& text) {
  std::string error;
  (void)parse_seconds(text, error);
  return error;
}

}  // namespace

TEST_CASE("spec: 100 000 keyword arguments parse in linear time", "[spec][hardening][slow]") {
  const std::string text = joined(
      "F(", entries, [](std::size_t i) { return "k" + std::to_string(i) + "=1"; }, ")");
  std::string error;
  CHECK(parse_seconds(text, error) < limit_seconds);
  CHECK(error.empty());
  CHECK(lrs::parse_spec(text).args.size() == entries);
}

TEST_CASE("spec: dicts of 100 000 string or number keys parse in linear time",
          "[spec][hardening][slow]") {
  std::string error;
  const std::string strings = joined(
      "F({", entries, [](std::size_t i) { return "'k" + std::to_string(i) + "': 1"; }, "})");
  CHECK(parse_seconds(strings, error) < limit_seconds);
  CHECK(error.empty());
  const std::string numbers = joined(
      "F({", entries, [](std::size_t i) { return std::to_string(i) + ": 0.5"; }, "})");
  CHECK(parse_seconds(numbers, error) < limit_seconds);
  CHECK(error.empty());
  const std::string keywords = joined(
      "F(dict(", entries, [](std::size_t i) { return "k" + std::to_string(i) + "=1"; }, "))");
  CHECK(parse_seconds(keywords, error) < limit_seconds);
  CHECK(error.empty());
}

TEST_CASE("spec: a keyword or dict key repeated after 100 000 others is still refused",
          "[spec][error][hardening][slow]") {
  const auto key = [](std::size_t i) { return "k" + std::to_string(i) + "=1"; };
  std::string error;
  // The first and the last keyword are the same; the column is the last one's.
  std::string text = joined("F(", entries, key, "k0=2)");
  CHECK(parse_seconds(text, error) < limit_seconds);
  CHECK(error == "parameter 'k0' given twice for F at column " + std::to_string(text.size() - 4));
  text = joined(
      "F({", entries, [](std::size_t i) { return "'k" + std::to_string(i) + "': 1"; },
      "'k99999': 2})");
  CHECK(parse_seconds(text, error) < limit_seconds);
  CHECK(error == "dict key 'k99999' given twice at column " + std::to_string(text.size() - 12));
  // Number keys compare by value: 7 and 7.0 and 0x7p0 are one key, as -0 and 0 are (Python:
  // {7: 1, 7.0: 2} == {7: 2}).
  CHECK(seconds_failure("F({7: 1, 3: 1, 7.0: 2})") == "dict key '7.0' given twice at column 16");
  CHECK(seconds_failure("F({7: 1, 0x7p0: 2})") == "dict key '0x7p0' given twice at column 10");
  CHECK(seconds_failure("F({0: 1, -0.0: 2})") == "dict key '-0.0' given twice at column 10");
  CHECK(seconds_failure("F({'7': 1, 7: 2})").empty());  // a string and a number are different keys
  CHECK(seconds_failure("F({\"a\": 1, 'a': 2})") == "dict key 'a' given twice at column 12");
}
