// SPDX-License-Identifier: MIT
// `lrs list`: every schedule name the spec parser knows, with its parameters and defaults.
#include <cstdio>
#include <string>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/io/parse_schedule.hpp>

#include "commands.hpp"

namespace lrs_tool {

void add_list_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "list", "List every schedule usable in a spec string, with its parameters and defaults");
  cmd->callback([] {
    // Read from the registry, so names registered by any part of the library appear here.
    std::string out;
    for (const auto& [name, e] : lrs::default_spec_registry().entries()) {
      std::string sig;
      for (const auto& p : e.params) {
        if (!sig.empty()) sig += ", ";
        sig += p.default_text.empty() ? p.name : p.name + "=" + p.default_text;
      }
      out += fmt::format("{}({})\n    {}\n", name, sig, e.summary);
      for (const auto& p : e.params)
        out += fmt::format("    {:<16} {:<22} {}\n", p.name,
                           p.default_text.empty() ? "(required)" : "= " + p.default_text, p.help);
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

}  // namespace lrs_tool
