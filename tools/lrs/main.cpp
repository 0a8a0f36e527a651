// SPDX-License-Identifier: MIT
// The lrs command-line tool: print, plot, fit, predict and refine schedules from the shell.
#include <cstdio>
#include <exception>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/lrs.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"lrs: learning-rate schedules from the shell"};
  app.set_version_flag("--version", fmt::format("lrs {}.{}.{}", LRS_VERSION_MAJOR,
                                                LRS_VERSION_MINOR, LRS_VERSION_PATCH));
  app.require_subcommand(0, 1);
  // Subcommands register here, one line each (keep sorted).
  lrs_tool::add_choose_command(app);
  lrs_tool::add_curve_command(app);
  lrs_tool::add_fit_command(app);
  lrs_tool::add_list_command(app);
  lrs_tool::add_predict_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; usage errors exit 2 with the message on stderr.
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    // Bad input found by a subcommand: the message on stderr, nothing on stdout.
    std::fflush(stdout);
    fmt::print(stderr, "lrs: {}\n", e.what());
    return 2;
  }
  if (app.get_subcommands().empty()) std::fputs(app.help().c_str(), stdout);
  return 0;
}
