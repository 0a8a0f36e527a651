// SPDX-License-Identifier: MIT
// lrs refine: the schedule refined from a recorded gradient-norm CSV, printed as step,lr.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/core.h>
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <lrs/analysis/refinement.hpp>
#include <lrs/core/format.hpp>
#include <lrs/io/grad_norms.hpp>

#include "commands.hpp"

namespace lrs_tool {
namespace {

struct refine_args {
  std::string grad_norms;
  double tau = 0.1;
  std::string weighting = "sgd";
  lrs::step_t steps = 0;
  double lr = 1.0;
  CLI::Option* steps_option = nullptr;
};

void run_refine(const refine_args& a) {
  lrs::grad_norm_recorder recorded;
  lrs::load_grad_norms(a.grad_norms,
                       recorded);  // throws naming the file and line of the first bad row
  if (recorded.steps() < 2) {
    throw usage_error(fmt::format("{}:2: refine needs at least 2 recorded steps, got {}",
                                  a.grad_norms, recorded.steps()));
  }
  if (a.steps_option->count() > 0 && a.steps < 1)
    throw usage_error(fmt::format("refine: --steps must be >= 1, got {}", a.steps));
  lrs::refine_options<double> options;
  options.tau = a.tau;
  options.weighting =
      a.weighting == "adam" ? lrs::refine_weighting::adam : lrs::refine_weighting::sgd;
  options.peak = a.lr;
  options.budget = a.steps;
  const lrs::refined_schedule<double> schedule = lrs::refine(recorded.norms(), options);

  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "step,lr\n");
  for (lrs::step_t t = 0; t < schedule.total_steps(); ++t) {
    fmt::format_to(std::back_inserter(out), "{},{}\n", t,
                   lrs::detail::format_number(schedule(t), 17));
    if (out.size() > (1u << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace

void add_refine_command(CLI::App& app) {
  auto args = std::make_shared<refine_args>();
  CLI::App* cmd = app.add_subcommand(
      "refine",
      "Schedule refined from the gradient norms of a previous run (Defazio et al., "
      "arXiv:2310.07831), printed as CSV step,lr");
  cmd->add_option("--grad-norms", args->grad_norms,
                  "CSV with header step,grad_norm and one row per step (0, 1, 2, ...)")
      ->required();
  cmd->add_option("--tau", args->tau, "median-filter width as a fraction of the steps, in [0, 1]")
      ->capture_default_str();
  cmd->add_option("--weighting", args->weighting,
                  "sgd: weights g^-2 (L2 norms); adam: weights g^-1 (L1 norms)")
      ->check(CLI::IsMember({"sgd", "adam"}))
      ->capture_default_str();
  args->steps_option =
      cmd->add_option("--steps", args->steps,
                      "steps of the new schedule (default: the recorded number of steps)")
          ->transform(whole_number());
  cmd->add_option("--lr", args->lr, "peak learning rate")->capture_default_str();
  cmd->callback([args] { run_refine(*args); });
}

}  // namespace lrs_tool
