// SPDX-License-Identifier: MIT
// `lrs fit`: fit the annealing scaling law to one or more (LR curve, loss) runs; prints JSON.
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/analysis/scaling_law.hpp>

#include "commands.hpp"
#include "scaling_law_io.hpp"

namespace lrs_tool {

void add_fit_command(CLI::App& app) {
  struct options {
    std::vector<std::string> lr_curves, losses, schedules;
    std::vector<double> lr;
    std::vector<std::int64_t> steps;
    area_flags areas;
    std::size_t threads = 1;
    std::size_t coarse_points = lrs::fit_options{}.coarse_points;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "fit", "Fit L = L0 + A*S1^-alpha - C*S2 (Tissue et al. 2024) to loss curves; JSON out");
  cmd->add_option("--lr-curve", o->lr_curves, "CSV step,lr of a run (repeat per run)");
  cmd->add_option("--schedule", o->schedules,
                  "schedule SPEC of a run, with --lr and --steps (instead of --lr-curve)");
  cmd->add_option("--lr", o->lr, "base LR of each --schedule (once for all, or once each)");
  cmd->add_option("--steps", o->steps, "steps of each --schedule (once for all, or once each)")
      ->transform(whole_number());
  cmd->add_option("--loss", o->losses, "CSV step,loss of a run, in the order of the LR curves")
      ->required();
  o->areas.add_to(*cmd);
  cmd->add_option("--threads", o->threads, "threads of the fit (the result is the same for any)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  cmd->add_option("--coarse-points", o->coarse_points,
                  "fits of at least 4x this many loss points start on this many (0: every start "
                  "on every point)")
      ->capture_default_str();
  cmd->callback([o] {
    std::vector<lr_curve> curves;
    if (!o->lr_curves.empty() && !o->schedules.empty())
      throw usage_error("fit: give either --lr-curve or --schedule runs, not both");
    for (const auto& f : o->lr_curves) curves.push_back(read_lr_curve(f));
    const std::size_t ns = o->schedules.size();
    if (ns > 0) {
      if (o->lr.size() != 1 && o->lr.size() != ns)
        throw usage_error("fit: --lr must be given once or once per --schedule (" +
                          std::to_string(ns) + "), got " + std::to_string(o->lr.size()));
      if (o->steps.size() != 1 && o->steps.size() != ns)
        throw usage_error("fit: --steps must be given once or once per --schedule (" +
                          std::to_string(ns) + "), got " + std::to_string(o->steps.size()));
      for (std::size_t i = 0; i < ns; ++i)
        curves.push_back(schedule_curve(o->schedules[i], o->lr[o->lr.size() == 1 ? 0 : i],
                                        o->steps[o->steps.size() == 1 ? 0 : i]));
    }
    if (curves.empty()) throw usage_error("fit: give an --lr-curve (or --schedule) per --loss");
    if (curves.size() != o->losses.size())
      throw usage_error("fit: " + std::to_string(o->losses.size()) + " --loss files for " +
                        std::to_string(curves.size()) + " LR curves; give one of each per run");
    lrs::fit_options fo;
    fo.areas = o->areas.options();
    fo.threads = o->threads;
    fo.coarse_points = o->coarse_points;
    std::vector<lrs::loss_run> runs;
    for (std::size_t i = 0; i < curves.size(); ++i) {
      const auto loss = read_losses(o->losses[i], curves[i]);
      runs.push_back({curves[i].lr, loss.steps, loss.values});
    }
    const auto r = lrs::fit_annealing_law(runs, fo);
    if (r.status == lrs::fit_status::no_valid_start)  // an error: nothing on stdout
      throw usage_error("fit: no starting point gives a positive predicted loss at every point");
    std::string per_run;
    for (std::size_t i = 0; i < r.run_rmse.size(); ++i)
      per_run += fmt::format("{}{{\"loss\": \"{}\", \"rmse\": {}, \"max_rel_error\": {}}}",
                             i ? ", " : "", o->losses[i], json_number(r.run_rmse[i]),
                             json_number(r.run_max_rel_error[i]));
    fmt::print(
        "{{\"L0\": {}, \"A\": {}, \"alpha\": {}, \"C\": {}, \"lambda\": {}, \"r2\": {}, "
        "\"rmse\": {}, \"objective\": {}, \"status\": \"{}\", \"iterations\": {}, "
        "\"starts_tried\": {}, \"starts_converged\": {}, \"polished\": {}, \"evaluations\": {}, "
        "\"point_evaluations\": {}, \"runs\": [{}]}}\n",
        json_number(r.law.l0()), json_number(r.law.a()), json_number(r.law.alpha()),
        json_number(r.law.c()), json_number(fo.areas.lambda), json_number(r.r2),
        json_number(r.rmse), json_number(r.objective), lrs::to_string(r.status), r.iterations,
        r.starts_tried, r.starts_converged, r.polished, r.evaluations, r.point_evaluations,
        per_run);
  });
}

}  // namespace lrs_tool
