// SPDX-License-Identifier: MIT
// `lrs plot`: the learning rates of one or more schedule specs over N steps, as an SVG line plot.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/core/types.hpp>
#include <lrs/io/parse_schedule.hpp>
#include <lrs/io/svg.hpp>

#include "commands.hpp"

namespace lrs_tool {

namespace {

struct plot_options {
  double lr = 0;
  lrs::step_t steps = 0;
  std::string out;
  std::string title;
  bool log_y = false;
  std::vector<std::string> specs;
};

void run_plot(const plot_options& o) {
  if (!(o.lr > 0) || !std::isfinite(o.lr))
    throw usage_error(fmt::format("plot: --lr must be > 0, got {}", o.lr));
  if (o.steps < 1) throw usage_error(fmt::format("plot: --steps must be >= 1, got {}", o.steps));
  if (o.steps > 10'000'000)
    throw usage_error(fmt::format("plot: --steps must be <= 10000000, got {}", o.steps));
  lrs::spec_context ctx;
  ctx.lr = o.lr;
  ctx.steps = o.steps;
  lrs::svg_plot_options po;
  po.title =
      o.title.empty() ? fmt::format("Learning rate over {} steps (lr {})", o.steps, o.lr) : o.title;
  po.x_label = "step";
  po.y_label = "learning rate";
  po.log_y = o.log_y;
  std::size_t longest = 0;
  for (const auto& spec : o.specs) longest = std::max(longest, spec.size());
  if (longest > 24) po.width = 1100;  // room for long specs in the legend
  lrs::svg_plot plot(po);
  std::vector<double> x(static_cast<std::size_t>(o.steps));
  for (lrs::step_t t = 0; t < o.steps; ++t) x[static_cast<std::size_t>(t)] = static_cast<double>(t);
  for (const auto& spec : o.specs) {
    const auto s = lrs::parse_schedule(spec, ctx);
    std::vector<double> y(x.size());
    for (lrs::step_t t = 0; t < o.steps; ++t) y[static_cast<std::size_t>(t)] = s(t);
    try {
      plot.add_series(spec, x, y);
    } catch (const lrs::invalid_argument& e) {
      throw usage_error(fmt::format("plot: cannot plot '{}': {}", spec, e.what()));
    }
  }
  plot.write(o.out);
  fmt::print("wrote {} ({} schedule{}, steps 0..{})\n", o.out, o.specs.size(),
             o.specs.size() == 1 ? "" : "s", o.steps - 1);
}

}  // namespace

void add_plot_command(CLI::App& app) {
  auto o = std::make_shared<plot_options>();
  CLI::App* cmd = app.add_subcommand(
      "plot", "Plot the learning rate of one or more schedule specs over N steps as an SVG file");
  cmd->add_option("--lr", o->lr, "Initial (peak) learning rate the specs scale")->required();
  cmd->add_option("--steps", o->steps,
                  "Number of steps to plot (also the budget of "
                  "budget-native schedules)")
      ->required();
  cmd->add_option("--out,-o", o->out, "Output SVG file")->required();
  cmd->add_option("--title", o->title, "Plot title");
  cmd->add_flag("--log-y", o->log_y, "Logarithmic learning-rate axis");
  cmd->add_option("specs", o->specs,
                  "Schedule specs in PyTorch call syntax, e.g. 'CosineAnnealingLR(T_max=100)'")
      ->required();
  cmd->callback([o] { run_plot(*o); });
}

}  // namespace lrs_tool
