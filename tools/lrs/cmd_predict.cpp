// SPDX-License-Identifier: MIT
// `lrs predict`: a fitted law's predicted loss at every step of an LR curve; CSV out.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/analysis/scaling_law.hpp>
#include <lrs/core/format.hpp>
#include <lrs/io/csv.hpp>

#include "commands.hpp"
#include "scaling_law_io.hpp"

namespace lrs_tool {

namespace {

/// step,loss, and loss_lo,loss_hi = loss -+ the interval when the law has one (`lrs fit --law
/// auto`).
void write_prediction(const std::vector<lrs::step_t>& idx, const std::vector<double>& loss,
                      const std::optional<double>& interval) {
  if (!interval) {
    lrs::write_step_series(std::cout, "step", "loss", idx, loss);
    return;
  }
  std::vector<double> steps(idx.begin(), idx.end()), lo(loss), hi(loss);
  for (std::size_t i = 0; i < loss.size(); ++i) {
    lo[i] -= *interval;
    hi[i] += *interval;
  }
  lrs::write_csv(std::cout, {"step", "loss", "loss_lo", "loss_hi"}, {steps, loss, lo, hi});
}

}  // namespace

void add_predict_command(CLI::App& app) {
  struct options {
    std::string law, lr_curve, spec;
    double lr = 0;
    std::int64_t steps = 0;
    area_flags areas;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "predict", "Predicted loss (CSV step,loss) of every step of an LR curve or schedule");
  cmd->add_option("--law", o->law,
                  "the law: L0=...,A=...,alpha=...,C=..., or the JSON `lrs fit` prints, either "
                  "law (the text, a file with it, or - for stdin)")
      ->required();
  auto* curve = cmd->add_option("--lr-curve", o->lr_curve, "CSV step,lr");
  auto* spec = cmd->add_option("spec", o->spec, "schedule SPEC (with --lr and --steps)");
  auto* lr = cmd->add_option("--lr", o->lr, "base LR of SPEC");
  auto* steps =
      cmd->add_option("--steps", o->steps, "number of steps of SPEC")->transform(whole_number());
  curve->excludes(spec);
  spec->needs(lr)->needs(steps);
  o->areas.add_to(*cmd);
  cmd->footer(
      "The law predicts a loss where S1 > 0 (after some non-zero LR), as `lrs fit` requires: "
      "steps before that are left out, with a note on stderr.");
  cmd->callback([o, curve, spec] {
    const law_input law = read_law(o->law);
    if (curve->count() == 0 && spec->count() == 0)
      throw usage_error("predict: give --lr-curve FILE or a schedule SPEC with --lr and --steps");
    const lr_curve c =
        curve->count() ? read_lr_curve(o->lr_curve) : schedule_curve(o->spec, o->lr, o->steps);
    if (law.mpl) {  // the Multi-Power Law of `lrs fit --law mpl`
      std::vector<lrs::step_t> idx;
      double s1 = 0;
      for (std::size_t i = 0; i < c.lr.size(); ++i)
        if ((s1 += c.lr[i]) > 0) idx.push_back(static_cast<lrs::step_t>(i));
      if (idx.empty())
        throw usage_error("predict: the LR is 0 at every step of " + c.source +
                          ", so S1 = 0 and the law predicts no loss");
      lrs::mpl_eval_options eo;
      eo.warmup_steps = o->areas.warmup_steps;
      const auto loss = law.mpl->predict(c.lr, idx, eo);
      for (std::size_t i = 0; i < loss.size(); ++i)
        if (!std::isfinite(loss[i]))
          throw usage_error("predict: the law gives a loss of " +
                            lrs::detail::format_number(loss[i]) + " at step " +
                            std::to_string(idx[i]) + " of " + c.source);
      if (idx.front() > 0)
        fmt::print(stderr,
                   "lrs: note: predict: S1 = 0 (no LR yet) at steps 0..{} of {}: left out\n",
                   idx.front() - 1, c.source);
      write_prediction(idx, loss, law.interval);
      return;
    }
    const lrs::annealing_areas areas = lrs::compute_areas(c.lr, areas_for(o->areas, law));
    std::size_t first = 0;
    while (first < areas.size() && !(areas.s1[first] > 0)) ++first;
    if (first == areas.size())
      throw usage_error("predict: the LR is 0 at every step of " + c.source +
                        ", so S1 = 0 and the law predicts no loss (lrs fit rejects such runs too)");
    const auto loss = law.law.predict(areas);
    std::vector<lrs::step_t> idx;
    std::vector<double> values;
    idx.reserve(loss.size() - first);
    values.reserve(loss.size() - first);
    for (std::size_t i = first; i < loss.size(); ++i) {
      if (!std::isfinite(loss[i]))
        throw usage_error("predict: the law gives a loss of " +
                          lrs::detail::format_number(loss[i]) + " at step " + std::to_string(i) +
                          " of " + c.source);
      idx.push_back(static_cast<lrs::step_t>(i));
      values.push_back(loss[i]);
    }
    if (first > 0)
      fmt::print(stderr, "lrs: note: predict: S1 = 0 (no LR yet) at {} of {}: left out\n",
                 first == 1 ? std::string("step 0") : fmt::format("steps 0..{}", first - 1),
                 c.source);
    write_prediction(idx, values, law.interval);
  });
}

}  // namespace lrs_tool
