// SPDX-License-Identifier: MIT
// `lrs fit`: fit a loss-curve law (the annealing "momentum" law or the Multi-Power Law) to one
// or more runs; prints JSON.
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/analysis/law_selection.hpp>
#include <lrs/analysis/multi_power_law.hpp>
#include <lrs/analysis/scaling_law.hpp>

#include "commands.hpp"
#include "scaling_law_io.hpp"

namespace lrs_tool {

void add_fit_command(CLI::App& app) {
  struct options {
    std::vector<std::string> lr_curves, losses, schedules, run_files;
    std::string law = "momentum", convention = "code", loss_column = "loss";
    double prior = lrs::mpl_fit_options{}.prior;
    std::vector<double> lr;
    std::vector<std::int64_t> steps;
    area_flags areas;
    std::size_t threads = 1;
    std::size_t coarse_points = lrs::fit_options{}.coarse_points;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "fit",
      "Fit a loss-curve law to runs: momentum, L = L0 + A*S1^-alpha - C*S2 (Tissue et al. 2024), "
      "or mpl, the Multi-Power Law (Luo et al. 2025); JSON out");
  cmd->add_option("--law", o->law,
                  "momentum, mpl, or auto: the law and fitting choices whose leave-one-run-out "
                  "error is lowest (needs 2+ runs), with a prediction interval")
      ->check(CLI::IsMember({"momentum", "mpl", "auto"}))
      ->capture_default_str();
  cmd->add_option("--convention", o->convention,
                  "mpl: code (the authors' code: the warm-up's rise in the sum) or paper")
      ->check(CLI::IsMember({"code", "paper"}))
      ->capture_default_str();
  cmd->add_option("--prior", o->prior,
                  "mpl: pull of beta and gamma toward 1/2, in units of every point off by the "
                  "Huber delta (0: none)")
      ->capture_default_str();
  cmd->add_option("--run", o->run_files,
                  "CSV step,lr,loss of a run (repeat per run; instead of --lr-curve/--loss); an "
                  "lr logged every k steps needs the run's --schedule");
  cmd->add_option("--loss-column", o->loss_column,
                  "the --run files' loss column (e.g. val_loss for a validation loss)")
      ->capture_default_str();
  cmd->add_option("--lr-curve", o->lr_curves, "CSV step,lr of a run (repeat per run)");
  cmd->add_option("--schedule", o->schedules,
                  "schedule SPEC of a run, with --lr and --steps (instead of --lr-curve)");
  cmd->add_option("--lr", o->lr, "base LR of each --schedule (once for all, or once each)");
  cmd->add_option("--steps", o->steps, "steps of each --schedule (once for all, or once each)")
      ->transform(whole_number());
  cmd->add_option("--loss", o->losses, "CSV step,loss of a run, in the order of the LR curves");
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
    if (!o->run_files.empty() && (!o->lr_curves.empty() || !o->losses.empty()))
      throw usage_error("fit: give either --run files or --lr-curve/--loss pairs, not both");
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
    std::vector<lrs::loss_run> runs;
    std::vector<std::string> names;
    if (!o->run_files.empty()) {
      if (!curves.empty() && curves.size() != o->run_files.size())
        throw usage_error("fit: " + std::to_string(curves.size()) + " --schedule for " +
                          std::to_string(o->run_files.size()) +
                          " --run files; give one per run, or none");
      for (std::size_t i = 0; i < o->run_files.size(); ++i) {
        runs.push_back(read_run(o->run_files[i],
                                curves.empty() ? std::nullopt : std::optional(curves[i]),
                                o->loss_column));
        names.push_back(o->run_files[i]);
      }
    } else {
      if (o->losses.empty()) throw usage_error("fit: give --run files, or --loss files");
      if (curves.empty()) throw usage_error("fit: give an --lr-curve (or --schedule) per --loss");
      if (curves.size() != o->losses.size())
        throw usage_error("fit: " + std::to_string(o->losses.size()) + " --loss files for " +
                          std::to_string(curves.size()) + " LR curves; give one of each per run");
      for (std::size_t i = 0; i < curves.size(); ++i) {
        const auto loss = read_losses(o->losses[i], curves[i]);
        runs.push_back({curves[i].lr, loss.steps, loss.values});
        names.push_back(o->losses[i]);
      }
    }
    const auto per_run = [&](const std::vector<double>& rmse, const std::vector<double>& rel) {
      std::string out;
      for (std::size_t i = 0; i < rmse.size(); ++i)
        out += fmt::format("{}{{\"loss\": \"{}\", \"rmse\": {}, \"max_rel_error\": {}}}",
                           i ? ", " : "", json_escape(names[i]), json_number(rmse[i]),
                           json_number(rel[i]));
      return out;
    };
    if (o->law == "auto") {
      lrs::select_options so;
      so.threads = o->threads;
      const auto s = lrs::select_loss_law(runs, so);
      std::string scores;
      for (const auto& sc : s.scores)
        scores += fmt::format("{}{{\"candidate\": \"{}\", \"mae\": {}, \"rmse\": {}}}",
                              scores.empty() ? "" : ", ", sc.name, json_number(sc.mae),
                              json_number(sc.rmse));
      const std::string selection = fmt::format(
          "\"selected\": \"{}\", \"interval\": {}, \"coverage\": {}, "
          "\"leave_one_run_out\": [{}]",
          s.chosen, json_number(s.interval), json_number(so.coverage), scores);
      if (s.law.law == lrs::loss_law::kind::mpl) {
        const auto& p = s.law.mpl.parameters();
        fmt::print(
            "{{\"law\": \"mpl\", \"convention\": \"{}\", \"L0\": {}, \"A\": {}, "
            "\"alpha\": {}, \"B\": {}, \"C\": {}, \"beta\": {}, \"gamma\": {}, {}}}\n",
            lrs::to_string(s.law.mpl.convention()), json_number(p[0]), json_number(p[1]),
            json_number(p[2]), json_number(p[3]), json_number(p[4]), json_number(p[5]),
            json_number(p[6]), selection);
      } else {
        const auto& m = s.law.momentum;
        fmt::print(
            "{{\"law\": \"momentum\", \"L0\": {}, \"A\": {}, \"alpha\": {}, \"C\": {}, "
            "\"lambda\": {}, \"warmup\": \"{}\", {}}}\n",
            json_number(m.l0()), json_number(m.a()), json_number(m.alpha()), json_number(m.c()),
            json_number(s.law.areas.lambda), lrs::name_of(s.law.areas.warmup), selection);
      }
      return;
    }
    if (o->law == "mpl") {
      lrs::mpl_fit_options mo;
      mo.convention =
          o->convention == "paper" ? lrs::mpl_convention::paper : lrs::mpl_convention::code;
      mo.warmup_steps = o->areas.warmup_steps;
      mo.prior = o->prior;
      mo.threads = o->threads;
      const auto r = lrs::fit_multi_power_law(runs, mo);
      if (r.status == lrs::fit_status::no_valid_start)
        throw usage_error("fit: no starting point gives a positive predicted loss at every point");
      std::string undetermined, se;
      for (const auto& u : r.undetermined)
        undetermined += fmt::format("{}\"{}\"", undetermined.empty() ? "" : ", ", u);
      const char* se_names[7] = {"L0", "ln_A", "alpha", "ln_B", "ln_C", "beta", "gamma"};
      for (std::size_t k = 0; k < 7; ++k)
        se += fmt::format("{}\"{}\": {}", k ? ", " : "", se_names[k], json_number(r.std_error[k]));
      const auto& p = r.law.parameters();
      fmt::print(
          "{{\"law\": \"mpl\", \"convention\": \"{}\", \"L0\": {}, \"A\": {}, \"alpha\": {}, "
          "\"B\": {}, \"C\": {}, \"beta\": {}, \"gamma\": {}, \"r2\": {}, \"rmse\": {}, "
          "\"objective\": {}, \"status\": \"{}\", \"iterations\": {}, \"starts_tried\": {}, "
          "\"evaluations\": {}, \"prior\": {}, \"std_error\": {{{}}}, \"undetermined\": [{}], "
          "\"runs\": [{}]}}\n",
          lrs::to_string(mo.convention), json_number(p[0]), json_number(p[1]), json_number(p[2]),
          json_number(p[3]), json_number(p[4]), json_number(p[5]), json_number(p[6]),
          json_number(r.r2), json_number(r.rmse), json_number(r.objective),
          lrs::to_string(r.status), r.iterations, r.starts_tried, r.evaluations,
          json_number(mo.prior), se, undetermined, per_run(r.run_rmse, r.run_max_rel_error));
      return;
    }
    lrs::fit_options fo;
    fo.areas = o->areas.options();
    fo.threads = o->threads;
    fo.coarse_points = o->coarse_points;
    const auto r = lrs::fit_annealing_law(runs, fo);
    if (r.status == lrs::fit_status::no_valid_start)  // an error: nothing on stdout
      throw usage_error("fit: no starting point gives a positive predicted loss at every point");
    fmt::print(
        "{{\"law\": \"momentum\", \"L0\": {}, \"A\": {}, \"alpha\": {}, \"C\": {}, "
        "\"lambda\": {}, \"warmup\": \"{}\", \"r2\": {}, "
        "\"rmse\": {}, \"objective\": {}, \"status\": \"{}\", \"iterations\": {}, "
        "\"starts_tried\": {}, \"starts_converged\": {}, \"polished\": {}, \"evaluations\": {}, "
        "\"point_evaluations\": {}, \"runs\": [{}]}}\n",
        json_number(r.law.l0()), json_number(r.law.a()), json_number(r.law.alpha()),
        json_number(r.law.c()), json_number(fo.areas.lambda), lrs::name_of(fo.areas.warmup),
        json_number(r.r2), json_number(r.rmse), json_number(r.objective), lrs::to_string(r.status),
        r.iterations, r.starts_tried, r.starts_converged, r.polished, r.evaluations,
        r.point_evaluations, per_run(r.run_rmse, r.run_max_rel_error));
  });
}

}  // namespace lrs_tool
