// SPDX-License-Identifier: MIT
// `lrs curve`: the learning rate (and cycled momentum) of a spec string at every step, as CSV.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/io/parse_schedule.hpp>

#include "commands.hpp"

namespace lrs_tool {

void add_curve_command(CLI::App& app) {
  struct options {
    double lr = 1.0;
    lrs::step_t steps = 0;
    std::string spec;
  };
  auto opt = std::make_shared<options>();
  CLI::App* cmd = app.add_subcommand(
      "curve", "Print a schedule's LR at steps 0..N-1 as CSV: step,lr[,momentum]");
  cmd->add_option("--lr", opt->lr,
                  "the optimizer's initial LR (PyTorch's lr of the param group; default 1)");
  cmd->add_option("--steps", opt->steps,
                  "number of steps N (also the budget of budget-native "
                  "schedules)")
      ->required();
  cmd->add_option("spec", opt->spec,
                  "schedule in PyTorch call syntax, e.g. \"CosineAnnealingLR(T_max=90)\"")
      ->required();
  cmd->callback([opt] {
    if (!std::isfinite(opt->lr) || opt->lr < 0)
      throw usage_error(fmt::format("--lr must be finite and >= 0, got {}", opt->lr));
    if (opt->steps < 1) throw usage_error(fmt::format("--steps must be >= 1, got {}", opt->steps));
    lrs::spec_context ctx;
    ctx.lr = opt->lr;
    ctx.steps = opt->steps;
    const lrs::any_schedule<double> s = lrs::parse_schedule(opt->spec, ctx);
    const bool mom = s.has_momentum();
    // Everything is formatted before anything is printed: an error leaves stdout empty.
    std::string out = mom ? "step,lr,momentum\n" : "step,lr\n";
    for (lrs::step_t t = 0; t < opt->steps; ++t) {
      if (mom) {
        out += fmt::format("{},{:.17g},{:.17g}\n", t, s(t), s.momentum(t));
      } else {
        out += fmt::format("{},{:.17g}\n", t, s(t));
      }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

}  // namespace lrs_tool
