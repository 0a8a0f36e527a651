// SPDX-License-Identifier: MIT
// Shared input handling of the scaling-law subcommands (fit, predict, choose): files, laws, areas.
#ifndef LRS_TOOLS_SCALING_LAW_IO_HPP
#define LRS_TOOLS_SCALING_LAW_IO_HPP

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <lrs/analysis/scaling_law.hpp>
#include <lrs/io/csv.hpp>
#include <lrs/io/parse_schedule.hpp>

#include "commands.hpp"

namespace lrs_tool {

/// Options shared by the scaling-law subcommands: lambda and the warm-up convention.
struct area_flags {
  double lambda = 0.999;
  std::int64_t warmup_steps = -1;
  bool as_recorded = false;

  void add_to(CLI::App& cmd) {
    cmd.add_option("--lambda", lambda, "decay factor of the annealing momentum, in [0, 1]")
        ->capture_default_str();
    cmd.add_option("--warmup-steps", warmup_steps,
                   "steps 0..W count at the peak LR in S1/S2 (-1: detect the first peak)")
        ->capture_default_str();
    cmd.add_flag("--warmup-as-recorded", as_recorded,
                 "use the LR curve as it is instead of counting warm-up at the peak LR");
  }
  [[nodiscard]] lrs::area_options options() const {
    lrs::area_options o;
    o.lambda = lambda;
    o.warmup_steps = warmup_steps;
    o.warmup = as_recorded ? lrs::warmup_convention::as_recorded : lrs::warmup_convention::at_peak;
    o.validate("area_options");
    return o;
  }
};

/// An LR curve file (`step,lr`, steps 0, 1, 2, ... without gaps, LRs finite and >= 0).
struct lr_curve {
  std::string source;
  std::vector<double> lr;
};

inline lr_curve read_lr_curve(const std::string& path) {
  const auto s = lrs::io::read_step_series_file(path, "step", "lr");
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.steps[i] != static_cast<lrs::step_t>(i))
      s.fail(i, "LR curve steps must be 0, 1, 2, ... without gaps: expected step " +
                    std::to_string(i) + ", got " + std::to_string(s.steps[i]));
    if (s.values[i] < 0)
      s.fail(i, "lr must be >= 0, got " + lrs::detail::format_value(s.values[i]));
  }
  return {path, s.values};
}

/// A schedule spec evaluated at steps 0..steps-1.
inline lr_curve schedule_curve(const std::string& spec, double lr, std::int64_t steps) {
  if (steps <= 0) throw usage_error("--steps must be > 0, got " + std::to_string(steps));
  lrs::spec_context ctx;
  ctx.lr = lr;
  ctx.steps = steps;
  const auto sched = lrs::parse_schedule(spec, ctx);
  lr_curve out{spec, std::vector<double>(static_cast<std::size_t>(steps))};
  for (std::int64_t t = 0; t < steps; ++t) out.lr[static_cast<std::size_t>(t)] = sched(t);
  return out;
}

/// A loss file (`step,loss`) checked against the LR curve it goes with.
inline lrs::io::step_series read_losses(const std::string& path, const lr_curve& curve) {
  auto s = lrs::io::read_step_series_file(path, "step", "loss");
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!(s.values[i] > 0))
      s.fail(i, "loss must be > 0, got " + lrs::detail::format_value(s.values[i]));
    if (s.steps[i] >= static_cast<lrs::step_t>(curve.lr.size()))
      s.fail(i, "step " + std::to_string(s.steps[i]) + " is beyond the LR curve (" + curve.source +
                    " has steps 0.." + std::to_string(curve.lr.size() - 1) + ")");
  }
  return s;
}

/// Parses `L0=...,A=...,alpha=...,C=...` (any order, each exactly once).
inline lrs::annealing_law parse_law(const std::string& text) {
  const char* names[4] = {"L0", "A", "alpha", "C"};
  double v[4] = {0, 0, 0, 0};
  bool seen[4] = {false, false, false, false};
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw usage_error("--law: expected NAME=VALUE, got '" + item + "' in '" + text + "'");
    const std::string name = item.substr(0, eq), value = item.substr(eq + 1);
    int k = -1;
    for (int j = 0; j < 4; ++j)
      if (name == names[j]) k = j;
    if (k < 0) throw usage_error("--law: unknown parameter '" + name + "' (use L0, A, alpha, C)");
    if (seen[k]) throw usage_error("--law: " + name + " given twice");
    char* end = nullptr;
    v[k] = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size())
      throw usage_error("--law: " + name + " is not a number: '" + value + "'");
    seen[k] = true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  for (int j = 0; j < 4; ++j)
    if (!seen[j])
      throw usage_error("--law: missing " + std::string(names[j]) + " in '" + text + "'");
  return lrs::annealing_law(v[0], v[1], v[2], v[3]);
}

/// A double as JSON (17 significant digits).
inline std::string json_number(double v) {
  return std::isfinite(v) ? lrs::io::format_csv_number(v) : std::string("null");
}

}  // namespace lrs_tool

#endif  // LRS_TOOLS_SCALING_LAW_IO_HPP
