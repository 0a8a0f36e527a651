// SPDX-License-Identifier: MIT
// `lrs optimize`: the non-increasing schedule after a fixed warm-up that minimises a law's
// predicted final loss (momentum law or Multi-Power Law), its nearest closed form; JSON out.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/analysis/optimize_schedule.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/io/csv.hpp>

#include "commands.hpp"
#include "scaling_law_io.hpp"

namespace lrs_tool {

namespace {

/// Parses `L0,A,alpha,B,C,beta,gamma` (seven numbers) for --mpl.
lrs::multi_power_law parse_mpl(const std::string& text, const std::string& convention) {
  std::vector<double> v;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char* end = nullptr;
    const double x = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size())
      throw usage_error("optimize: --mpl: " + lrs::detail::csv_quote(item) +
                        " is not a number (give L0,A,alpha,B,C,beta,gamma)");
    v.push_back(x);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (v.size() != 7)
    throw usage_error("optimize: --mpl needs 7 numbers L0,A,alpha,B,C,beta,gamma, got " +
                      std::to_string(v.size()));
  return lrs::multi_power_law(v[0], v[1], v[2], v[3], v[4], v[5], v[6],
                              *lrs::parse_enum<lrs::mpl_convention>(convention));
}

}  // namespace

void add_optimize_command(CLI::App& app) {
  struct options {
    std::string law, mpl, convention = "code", curve_out;
    double lr = 0, min_lr = 0, lambda = 0.999;
    std::int64_t steps = 0, warmup = 0;
    bool as_recorded = false;
    int max_iterations = lrs::optimize_options{}.max_iterations;
    double tolerance = lrs::optimize_options{}.tolerance;
    CLI::Option* lambda_option = nullptr;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "optimize",
      "The non-increasing schedule after a warm-up with the lowest predicted final loss under a "
      "law, and its nearest warm-up-stable-power-decay form; JSON out");
  auto* law_opt =
      cmd->add_option("--law", o->law,
                      "the law: `lrs fit` JSON, momentum or mpl (inline, a file, or - for stdin), "
                      "or momentum L0=...,A=...,alpha=...,C=...");
  auto* mpl_opt =
      cmd->add_option("--mpl", o->mpl, "Multi-Power Law parameters L0,A,alpha,B,C,beta,gamma");
  law_opt->excludes(mpl_opt);
  std::vector<std::string> conventions;
  for (const auto& c : lrs::enum_names<lrs::mpl_convention>::table)
    conventions.emplace_back(c.name);
  cmd->add_option("--convention", o->convention,
                  "the MPL's convention: code (the authors' published parameters) or paper")
      ->check(CLI::IsMember(conventions))
      ->capture_default_str();
  cmd->add_option("--steps", o->steps, "budget T: number of steps")
      ->required()
      ->transform(whole_number());
  cmd->add_option("--lr", o->lr, "peak LR")->required();
  cmd->add_option("--warmup-steps", o->warmup,
                  "linear warm-up W, lr[t] = peak t / (W - 1) for t < W (fixed)")
      ->capture_default_str()
      ->transform(whole_number());
  cmd->add_option("--min-lr", o->min_lr, "lower bound of the LRs after the warm-up")
      ->capture_default_str();
  o->lambda_option =
      cmd->add_option("--lambda", o->lambda,
                      "momentum law: decay factor of the annealing momentum (default: the "
                      "lambda of `lrs fit` JSON, else 0.999)");
  cmd->add_flag("--warmup-as-recorded", o->as_recorded,
                "momentum law: count the warm-up as it is instead of at the peak LR");
  cmd->add_option("--max-iterations", o->max_iterations, "iterations of the optimiser")
      ->capture_default_str();
  cmd->add_option("--tolerance", o->tolerance,
                  "stop when the loss falls by less than this (relative) over 10 iterations")
      ->capture_default_str();
  cmd->add_option("--curve", o->curve_out, "write the optimised step,lr to this CSV file");
  cmd->callback([o] {
    check_curve_steps("optimize: ", o->steps);
    lrs::optimize_options opt;
    opt.warmup_steps = o->warmup;
    opt.min_lr = o->min_lr;
    opt.max_iterations = o->max_iterations;
    opt.tolerance = o->tolerance;
    lrs::optimized_schedule r;
    std::string law_fields;
    if (o->mpl.empty() && o->law.empty())
      throw usage_error(
          "optimize: give the law: --law (`lrs fit` JSON) or --mpl (Multi-Power Law)");
    const law_input law = o->mpl.empty() ? read_law(o->law) : law_input{};
    if (!o->mpl.empty() || law.mpl) {  // --mpl numbers, or `lrs fit --law mpl` JSON
      const lrs::multi_power_law p = law.mpl ? *law.mpl : parse_mpl(o->mpl, o->convention);
      r = lrs::optimize_schedule(p, o->steps, o->lr, opt);
      law_fields =
          fmt::format("\"law\": \"mpl\", \"convention\": \"{}\"", lrs::to_string(p.convention()));
    } else {
      lrs::area_options areas;
      areas.lambda = law.lambda && o->lambda_option->count() == 0 ? *law.lambda : o->lambda;
      areas.warmup =
          o->as_recorded ? lrs::warmup_convention::as_recorded : lrs::warmup_convention::at_peak;
      areas.validate("area_options");
      r = lrs::optimize_schedule(law.law, o->steps, o->lr, areas, opt);
      law_fields = fmt::format("\"law\": \"momentum\", \"lambda\": {}", json_number(areas.lambda));
    }
    if (!o->curve_out.empty()) {
      std::ofstream out(o->curve_out);
      if (!out) throw usage_error("optimize: cannot write " + o->curve_out);
      std::vector<double> steps(r.lr.size());
      for (std::size_t i = 0; i < steps.size(); ++i) steps[i] = static_cast<double>(i);
      lrs::write_csv(out, {"step", "lr"}, {steps, r.lr});
    }
    const auto& cf = r.closed_form;
    // "spec" builds the closed form (paste it into `lrs curve --steps T`); it has no quotes.
    fmt::print(
        "{{{}, \"steps\": {}, \"peak\": {}, \"warmup_steps\": {}, \"min_lr\": {}, "
        "\"final_loss\": {}, \"constant_final_loss\": {}, \"status\": \"{}\", \"iterations\": {}, "
        "\"evaluations\": {}, \"closed_form\": {{\"decay_steps\": {}, \"decay_fraction\": {}, "
        "\"power\": {}, \"closed_form_loss\": {}, \"rmse\": {}, \"spec\": \"{}\"}}}}\n",
        law_fields, o->steps, json_number(o->lr), o->warmup, json_number(o->min_lr),
        json_number(r.final_loss), json_number(r.constant_final_loss), lrs::name_of(r.status),
        r.iterations, r.evaluations, cf.decay_steps, json_number(cf.decay_fraction),
        json_number(cf.power), json_number(cf.final_loss), json_number(cf.rmse), cf.spec);
  });
}

}  // namespace lrs_tool
