// SPDX-License-Identifier: MIT
// `lrs list`: every schedule name the spec parser knows, one line each, grouped by the library it
// comes from; `lrs list NAME`: one name's parameters and defaults.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/io/parse_schedule.hpp>

#include "commands.hpp"

namespace lrs_tool {

namespace {

struct ecosystem_group {
  const char* key;    // spec_entry::ecosystem
  const char* title;  // heading of the group
};

// The order of the groups in `lrs list`; an ecosystem not listed here goes last, under its key.
constexpr ecosystem_group groups[] = {
    {"torch",
     "PyTorch, torch.optim.lr_scheduler (LR = --lr times a factor; one step per update "
     "or per epoch, as you step it)"},
    {"hf", "Hugging Face transformers (LR = --lr times the LambdaLR factor; per update)"},
    {"timm", "timm.scheduler (LR from --lr; per update with t_in_epochs=False)"},
    {"optax", "optax (absolute values; --lr has no effect)"},
    {"keras", "Keras 3, keras.optimizers.schedules (absolute values; --lr has no effect)"},
    {"lrs",
     "lrs (budget-native schedules take the budget from --steps; combinators wrap any "
     "schedule)"},
};

std::string signature(const lrs::spec_entry& e) {
  std::string sig;
  for (const auto& p : e.params) {
    if (!sig.empty()) sig += ", ";
    sig += p.default_text.empty() || p.from_context ? p.name : p.name + "=" + p.default_text;
  }
  return e.name + "(" + sig + ")";
}

std::string list_all(const lrs::spec_registry& reg) {
  std::vector<std::string> keys;
  for (const auto& g : groups) keys.emplace_back(g.key);
  for (const auto& kv : reg.entries()) {
    bool known = false;
    for (const auto& k : keys) known = known || k == kv.second.ecosystem;
    if (!known) keys.push_back(kv.second.ecosystem);
  }
  std::string out;
  for (const std::string& key : keys) {
    std::string title = key;
    for (const auto& g : groups)
      if (key == g.key) title = g.title;
    std::size_t width = 0;  // the group's longest name
    for (const auto& [name, e] : reg.entries())
      if (e.ecosystem == key) width = std::max(width, name.size());
    std::string body;
    for (const auto& [name, e] : reg.entries())
      if (e.ecosystem == key) body += fmt::format("  {:<{}}  {}\n", name, width, e.summary);
    if (body.empty()) continue;
    if (!out.empty()) out += '\n';
    out += title + "\n" + body;
  }
  out +=
      "\n`lrs list NAME` shows a name's parameters and defaults; docs/porting.md tells how a call "
      "pasted from Python is read.\n";
  return out;
}

std::string list_one(const lrs::spec_registry& reg, const std::string& query) {
  const std::string_view base = lrs::detail::spec_base_name(query);
  const lrs::spec_entry* e = reg.find(query);
  if (!e) e = reg.find(base);
  if (!e) {
    if (const char* why = lrs::detail::not_a_schedule(base))
      throw usage_error(fmt::format("list: {} {}", base, why));
    std::vector<std::string> names;
    for (const auto& kv : reg.entries()) names.push_back(kv.first);
    const std::string hint = lrs::detail::closest(base, names);
    throw usage_error(fmt::format("list: unknown schedule {}{}", lrs::detail::quote(query),
                                  hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }
  std::string out = signature(*e) + "\n    " + e->summary + "\n";
  for (const auto& p : e->params)
    out += fmt::format("    {:<16} {:<22} {}\n", p.name,
                       p.default_text.empty() ? "(required)"
                       : p.from_context       ? "(" + p.default_text + ")"
                                              : "= " + p.default_text,
                       p.help);
  const auto paths = lrs::detail::module_paths(e->ecosystem);
  if (!paths.empty()) {
    std::string p;
    for (const char* m : paths) p += (p.empty() ? "" : ", ") + std::string(m) + ".";
    out += "    module paths: " + p + "\n";
  }
  return out;
}

}  // namespace

void add_list_command(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "list",
      "List every schedule usable in a spec string, one line each, grouped by library; "
      "`lrs list NAME` shows one name's parameters and defaults");
  cmd->add_option("name", *name,
                  "a schedule name (with or without its module path) to show in full");
  cmd->callback([name] {
    // Read from the registry, so names registered by any part of the library appear here.
    const lrs::spec_registry& reg = lrs::default_spec_registry();
    const std::string out = name->empty() ? list_all(reg) : list_one(reg, *name);
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

}  // namespace lrs_tool
