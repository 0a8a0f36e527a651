// SPDX-License-Identifier: MIT
// `lrs plot`: the learning rates of one or more schedule specs over N steps, as an SVG line plot.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
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

/// `name` ends in ".svg" (any case).
bool is_svg_path(const std::string& name) {
  if (name.size() < 5) return false;
  std::string ext = name.substr(name.size() - 4);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".svg";
}

void run_plot(const plot_options& o) {
  if (o.out != "-" && !is_svg_path(o.out))
    throw usage_error(fmt::format(
        "plot: --out must name a .svg file (or be - for stdout), got '{}': only SVG is written",
        o.out));
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
  std::vector<std::string> notes;
  for (const auto& spec : o.specs) {
    const auto s = lrs::parse_schedule(spec, ctx);
    std::vector<double> y(x.size());
    for (lrs::step_t t = 0; t < o.steps; ++t) y[static_cast<std::size_t>(t)] = s(t);
    std::vector<double> xs = x;
    if (o.log_y) {  // a log axis has no place for LR <= 0: leave those points out, and say so
      std::size_t kept = 0;
      lrs::step_t first_left_out = -1;
      for (std::size_t i = 0; i < y.size(); ++i) {
        if (y[i] > 0 || !std::isfinite(y[i])) {  // non-finite values are reported below
          xs[kept] = xs[i];
          y[kept++] = y[i];
        } else if (first_left_out < 0) {
          first_left_out = static_cast<lrs::step_t>(i);
        }
      }
      if (kept == 0)
        throw usage_error(fmt::format(
            "plot: cannot plot '{}' on a log y axis: its LR is <= 0 at every step", spec));
      if (kept < y.size())
        notes.push_back(fmt::format(
            "lrs: note: '{}': {} of {} steps have LR <= 0 (the first at step {}) and are left "
            "out of the log-y plot",
            spec, y.size() - kept, y.size(), first_left_out));
      xs.resize(kept);
      y.resize(kept);
    }
    try {
      plot.add_series(spec, std::move(xs), std::move(y));
    } catch (const lrs::invalid_argument& e) {
      throw usage_error(fmt::format("plot: cannot plot '{}': {}", spec, e.what()));
    }
  }
  const std::string where = o.out == "-" ? "stdout" : o.out;
  if (o.out == "-") {
    const std::string doc = plot.str();
    if (std::fwrite(doc.data(), 1, doc.size(), stdout) != doc.size() || std::fflush(stdout) != 0)
      throw usage_error("plot: cannot write the SVG to stdout");
  } else {
    plot.write(o.out);
  }
  // Status lines go to stderr: stdout is for data (the SVG itself with --out -).
  for (const auto& n : notes) fmt::print(stderr, "{}\n", n);
  fmt::print(stderr, "wrote {} ({} schedule{}, steps 0..{})\n", where, o.specs.size(),
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
      ->required()
      ->transform(whole_number());
  cmd->add_option("--out,-o", o->out, "Output SVG file (.svg), or - for stdout")->required();
  cmd->add_option("--title", o->title, "Plot title");
  cmd->add_flag("--log-y", o->log_y,
                "Logarithmic learning-rate axis (steps with LR <= 0 are left out, with a note)");
  cmd->add_option("specs", o->specs,
                  "Schedule specs in PyTorch call syntax, e.g. 'CosineAnnealingLR(T_max=100)'")
      ->required();
  cmd->callback([o] { run_plot(*o); });
}

}  // namespace lrs_tool
