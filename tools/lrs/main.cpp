// SPDX-License-Identifier: MIT
// The lrs command-line tool: print, plot, fit, predict and refine schedules from the shell.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/io/spec/parser.hpp>  // edit_distance, as the spec language suggests names
#include <lrs/lrs.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace {

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  return names;
}

/// `rc`, or 2 with a message on stderr if anything written to stdout did not get out (a full
/// disk, /dev/full); a reader that has gone (`lrs ... | head`) is not an error.
int checked_exit(int rc) {
  const std::string err = lrs_tool::stdout_error();
  if (err.empty()) return rc;
  fmt::print(stderr, "lrs: {}\n", err);
  return rc == 0 ? 2 : rc;
}

/// "unknown command 'x'" with the closest subcommand, or the list of them.
std::string unknown_command(const std::vector<std::string>& names, const std::string& word) {
  std::string best;
  std::size_t best_d = 3;  // suggest only within two edits (or a prefix of a name)
  for (const auto& n : names) {
    const std::size_t d =
        n.rfind(word, 0) == 0 && word.size() >= 2 ? 1 : lrs::detail::edit_distance(word, n);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  std::string msg = "unknown command '" + word + "'";
  if (!best.empty()) return msg + "; did you mean '" + best + "'?";
  msg += "; the commands are";
  for (std::size_t i = 0; i < names.size(); ++i) msg += (i ? ", " : " ") + names[i];
  return msg;
}

}  // namespace

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
  lrs_tool::add_optimize_command(app);
  lrs_tool::add_plot_command(app);
  lrs_tool::add_predict_command(app);
  lrs_tool::add_refine_command(app);

  // The first word that is not an option names the subcommand.
  if (argc > 1 && argv[1][0] != '-') {
    const auto names = command_names(app);
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      fmt::print(stderr, "lrs: {}\n", unknown_command(names, argv[1]));
      return 2;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; usage errors exit 2 with the message on stderr.
    const int rc = app.exit(e);
    return checked_exit(rc == 0 ? 0 : 2);
  } catch (const std::exception& e) {
    // Bad input found by a subcommand: the message on stderr, nothing on stdout.
    (void)lrs_tool::stdout_error();
    fmt::print(stderr, "lrs: {}\n", e.what());
    return 2;
  }
  if (app.get_subcommands().empty()) std::fputs(app.help().c_str(), stdout);
  return checked_exit(0);
}
