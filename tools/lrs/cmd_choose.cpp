// SPDX-License-Identifier: MIT
// `lrs choose`: the best member of a schedule family under a fitted annealing law; JSON out.
#include <cmath>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/analysis/choose_schedule.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/io/csv.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "scaling_law_io.hpp"

namespace lrs_tool {

/// Largest budget `lrs choose` searches: its cost grows as T log T.
constexpr std::int64_t max_choose_steps = 10'000'000;

void add_choose_command(CLI::App& app) {
  struct options {
    std::string law, curve_out;
    std::string family;
    double lr = 0, min_lr = 0, margin = 0;
    std::int64_t steps = 0, warmup = 0;
    area_flags areas;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "choose", "Best parameter of a schedule family by the law's predicted final loss; JSON out");
  cmd->add_option("--law", o->law, "L0=...,A=...,alpha=...,C=... (as `lrs fit` prints them)")
      ->required();
  std::vector<std::string> families;  // the names of lrs::schedule_family's table
  for (const auto& f : lrs::enum_names<lrs::schedule_family>::table) families.emplace_back(f.name);
  cmd->add_option("--family", o->family,
                  "wsd (decay fraction), cosine-floor (floor/peak), rex (shape d), warmup "
                  "(warm-up steps, cosine after)")
      ->required()
      ->check(CLI::IsMember(families));
  cmd->add_option("--lr", o->lr, "peak LR")->required();
  cmd->add_option("--steps", o->steps, "budget: number of steps")
      ->required()
      ->transform(whole_number());
  cmd->add_option("--min-lr", o->min_lr, "LR at the end of the decay (not for cosine-floor)")
      ->capture_default_str();
  cmd->add_option("--warmup", o->warmup, "linear warm-up steps (fixed unless --family warmup)")
      ->capture_default_str()
      ->transform(whole_number());
  cmd->add_option("--curve", o->curve_out, "write the winner's step,lr,loss to this CSV file");
  cmd->add_option("--margin", o->margin,
                  "final losses within this of the best are not told apart: report the range of "
                  "members within it (e.g. the run-to-run noise, or the interval of the law)")
      ->capture_default_str();
  o->areas.add_to(*cmd);
  cmd->callback([o] {
    const law_input law = read_law(o->law);
    if (law.mpl)
      throw usage_error(
          "choose: the families are searched under the momentum law; for the "
          "Multi-Power Law, `lrs optimize --law` gives the best schedule");
    if (!(o->margin >= 0 && std::isfinite(o->margin)))
      throw usage_error("choose: --margin must be finite and >= 0, got " +
                        lrs::detail::format_number(o->margin));
    check_curve_steps("choose: ", o->steps);
    if (o->steps > max_choose_steps)
      throw usage_error("choose: --steps must be <= " + std::to_string(max_choose_steps) +
                        " (the search evaluates a few hundred members of the family at every "
                        "step, about a minute at this limit), got " +
                        std::to_string(o->steps));
    lrs::family_setup setup;
    setup.steps = o->steps;
    setup.peak_lr = o->lr;
    setup.min_lr = o->min_lr;
    setup.warmup_steps = o->warmup;
    lrs::choose_options co;
    co.areas = areas_for(o->areas, law);
    co.margin = o->margin;
    const auto c =
        lrs::choose_schedule(law.law, *lrs::parse_enum<lrs::schedule_family>(o->family), setup, co);
    if (!o->curve_out.empty()) {
      std::ostringstream out;
      std::vector<double> steps(c.lr.size());
      for (std::size_t i = 0; i < steps.size(); ++i) steps[i] = static_cast<double>(i);
      lrs::write_csv(out, {"step", "lr", "loss"}, {steps, c.lr, c.loss});
      write_file("choose: --curve: ", o->curve_out, out.str());
    }
    // "spec" builds the winner (paste it into `lrs curve --steps T`); it has no quotes to escape.
    fmt::print(
        "{{\"family\": \"{}\", \"parameter\": {}, \"final_loss\": {}, \"steps\": {}, "
        "\"spec\": \"{}\", \"within\": {{\"margin\": {}, \"lo\": {}, \"hi\": {}, \"members\": {}, "
        "\"scanned\": {}}}}}\n",
        o->family, json_number(c.parameter), json_number(c.final_loss), o->steps, c.spec,
        json_number(o->margin), json_number(c.within_lo), json_number(c.within_hi), c.within_count,
        c.grid.size());
  });
}

}  // namespace lrs_tool
