// SPDX-License-Identifier: MIT
// The lrs tool's subcommands: each lives in its own cmd_<name>.cpp and registers itself here.
#ifndef LRS_TOOLS_COMMANDS_HPP
#define LRS_TOOLS_COMMANDS_HPP

#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

namespace lrs_tool {

/// Thrown by a subcommand for bad input; main prints "lrs: <message>" on stderr and exits with 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One line per subcommand (keep sorted).
void add_choose_command(CLI::App& app);
void add_curve_command(CLI::App& app);
void add_fit_command(CLI::App& app);
void add_list_command(CLI::App& app);
void add_predict_command(CLI::App& app);

}  // namespace lrs_tool

#endif  // LRS_TOOLS_COMMANDS_HPP
