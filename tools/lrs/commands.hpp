// SPDX-License-Identifier: MIT
// The lrs tool's subcommands: each lives in its own cmd_<name>.cpp and registers itself here.
#ifndef LRS_TOOLS_COMMANDS_HPP
#define LRS_TOOLS_COMMANDS_HPP

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>

#include <CLI/CLI.hpp>

namespace lrs_tool {

/// Thrown by a subcommand for bad input; main prints "lrs: <message>" on stderr and exits with 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Reads `text` as a whole number that fits std::int64_t: decimal digits ("1000", "-5", "+7"),
/// or a whole number in floating-point notation ("1e6", "2.5e3"). Returns an error message (empty
/// when `out` was set). Unlike strtoll, nothing is clamped, and a leading zero is not octal.
inline std::string parse_whole_number(const std::string& text, std::int64_t& out) {
  const char* range =
      "is out of range: whole numbers go from -9223372036854775808 to "
      "9223372036854775807";
  const char* first = text.c_str();
  const char* last = first + text.size();
  if (first != last && *first == '+' && last - first > 1 && first[1] != '-') ++first;
  const auto r = std::from_chars(first, last, out);
  if (r.ptr == last && r.ec == std::errc()) return {};
  if (r.ptr == last && r.ec == std::errc::result_out_of_range) return "'" + text + "' " + range;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || std::isnan(v) || v != std::floor(v))
    return "'" + text + "' is not a whole number";
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return "'" + text + "' " + range;
  out = static_cast<std::int64_t>(v);
  return {};
}

/// A CLI11 transform for integer options: parse_whole_number, then the canonical decimal text.
inline CLI::Validator whole_number() {
  return CLI::Validator(
      [](std::string& text) {
        std::int64_t v = 0;
        std::string err = parse_whole_number(text, v);
        if (err.empty()) text = std::to_string(v);
        return err;
      },
      "INT", "whole_number");
}

// One line per subcommand (keep sorted).
void add_choose_command(CLI::App& app);
void add_curve_command(CLI::App& app);
void add_fit_command(CLI::App& app);
void add_list_command(CLI::App& app);
void add_optimize_command(CLI::App& app);
void add_plot_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_refine_command(CLI::App& app);

}  // namespace lrs_tool

#endif  // LRS_TOOLS_COMMANDS_HPP
