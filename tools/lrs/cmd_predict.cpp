// SPDX-License-Identifier: MIT
// `lrs predict`: the annealing law's predicted loss at every step of an LR curve; CSV out.
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include <lrs/analysis/scaling_law.hpp>
#include <lrs/io/csv.hpp>

#include "commands.hpp"
#include "scaling_law_io.hpp"

namespace lrs_tool {

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
  cmd->add_option("--law", o->law, "L0=...,A=...,alpha=...,C=... (as `lrs fit` prints them)")
      ->required();
  auto* curve = cmd->add_option("--lr-curve", o->lr_curve, "CSV step,lr");
  auto* spec = cmd->add_option("spec", o->spec, "schedule SPEC (with --lr and --steps)");
  auto* lr = cmd->add_option("--lr", o->lr, "base LR of SPEC");
  auto* steps = cmd->add_option("--steps", o->steps, "number of steps of SPEC");
  curve->excludes(spec);
  spec->needs(lr)->needs(steps);
  o->areas.add_to(*cmd);
  cmd->callback([o, curve, spec] {
    const lrs::annealing_law law = parse_law(o->law);
    if (curve->count() == 0 && spec->count() == 0)
      throw usage_error("predict: give --lr-curve FILE or a schedule SPEC with --lr and --steps");
    const lr_curve c =
        curve->count() ? read_lr_curve(o->lr_curve) : schedule_curve(o->spec, o->lr, o->steps);
    const auto loss = law.predict(c.lr, o->areas.options());
    std::vector<lrs::step_t> idx(loss.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<lrs::step_t>(i);
    lrs::io::write_step_series(std::cout, "step", "loss", idx, loss);
  });
}

}  // namespace lrs_tool
