// SPDX-License-Identifier: MIT
// transformers' calls pasted as spec strings (with and without the optimizer and the module
// path) against the values of transformers' own functions
// (tests/data/schedules/hf/reference.txt, made by tests/data/schedules/hf/generate.py).
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/io/parse_schedule.hpp>

#include "../data/schedules/hf/hf_reference.hpp"
#include "catch.hpp"
#include "support/spec.hpp"
#include "tolerance.hpp"

// A namespace of its own: its using-directives and helpers stay out of the other test files
// when several are compiled as one unit.
namespace hf_spec_test {

namespace {

using lrs_test::spec_error_of;
using lrs_test::with_lr;

using hf_reference::load_reference;
using hf_reference::reference;

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

}  // namespace

TEST_CASE("hf specs: every reference call, pasted, gives transformers' values", "[hf][spec]") {
  const auto refs = load_reference();
  REQUIRE(refs.size() >= 40);
  double worst = 0;
  std::size_t compared = 0;
  for (const reference& r : refs) {
    // As pasted; without the optimizer; with the module path (and optimizer=optimizer).
    const std::string without = replace(replace(r.call, "(optimizer, ", "("), ", optimizer,", ",");
    const std::string with_module = "transformers." + r.call;
    for (const std::string& spec : {r.call, without, with_module}) {
      INFO(r.id << ": " << spec);
      const lrs::spec_context ctx{r.lr, std::nullopt};
      const auto s = lrs::parse_schedule(spec, ctx);
      for (std::size_t t = 0; t < r.values.size(); ++t) {
        if (!r.values[t]) continue;
        INFO("step " << t);
        const double e = lrs_test::rel_error(s(static_cast<lrs::step_t>(t)), *r.values[t]);
        CHECK(e <= 1e-12);
        worst = std::max(worst, e);
        ++compared;
      }
    }
  }
  CHECK(compared >= 3 * 4000);
  CHECK(worst <= 1e-12);
}

TEST_CASE("hf specs: get_scheduler names and module paths", "[hf][spec]") {
  const lrs::spec_context ctx{0.1, std::nullopt};
  const auto a = lrs::parse_schedule(
      "transformers.optimization.get_scheduler(transformers.SchedulerType.COSINE_WITH_RESTARTS, "
      "optimizer, 10, 100, dict(num_cycles=4))",
      ctx);
  const auto b = lrs::parse_schedule(
      "get_cosine_with_hard_restarts_schedule_with_warmup(optimizer, 10, 100, 4)", ctx);
  for (lrs::step_t t : {0, 5, 10, 32, 33, 55, 99, 100, 120}) CHECK(a(t) == b(t));
  // 'constant' ignores everything else, as in transformers.
  const auto c = lrs::parse_schedule("get_scheduler('constant', optimizer)", ctx);
  CHECK(c(0) == 0.1);
  CHECK(c(1000) == 0.1);
  // The optimizer as a keyword argument.
  const auto e = lrs::parse_schedule(
      "transformers.get_linear_schedule_with_warmup(optimizer=opt, num_warmup_steps=2, "
      "num_training_steps=4)",
      ctx);
  CHECK(e(0) == 0.0);
  CHECK(e(2) == 0.1);
  CHECK(e(4) == 0.0);
  // last_epoch at its Python position.
  const auto d = lrs::parse_schedule(
      "get_cosine_with_min_lr_schedule_with_warmup(optimizer, 10, 100, 0.5, -1, None, 0.1)", ctx);
  CHECK(d(100) == Approx(0.01).epsilon(1e-14));
}

TEST_CASE("hf specs: errors name the parameter", "[hf][spec][error]") {
  using Catch::Matchers::Contains;
  CHECK_THAT(spec_error_of("get_scheduler('reduce_lr_on_plateau', optimizer)", with_lr(0.1)),
             Contains("controller") && Contains("lrs::reduce_lr_on_plateau") &&
                 Contains("plateau_scaled"));
  CHECK_THAT(spec_error_of("get_reduce_on_plateau_schedule(optimizer)", with_lr(0.1)),
             Contains("controller"));
  CHECK_THAT(
      spec_error_of("get_scheduler('cosine', optimizer, num_training_steps=100)", with_lr(0.1)),
      Contains("'cosine' requires `num_warmup_steps`"));
  CHECK_THAT(spec_error_of("get_scheduler('linear', optimizer, num_warmup_steps=10)", with_lr(0.1)),
             Contains("'linear' requires `num_training_steps`"));
  CHECK_THAT(spec_error_of("get_scheduler('cosine_annealing', optimizer, 1, 10)", with_lr(0.1)),
             Contains("'cosine_annealing' is not a valid SchedulerType") &&
                 Contains("'warmup_stable_decay'"));
  CHECK_THAT(
      spec_error_of("get_scheduler('cosine', optimizer, 10, 100, {'num_cycle': 2})", with_lr(0.1)),
      Contains("unknown parameter 'num_cycle'") && Contains("did you mean 'num_cycles'"));
  CHECK_THAT(spec_error_of("get_scheduler('cosine', optimizer, 10, 100, 2)", with_lr(0.1)),
             Contains("scheduler_specific_kwargs") && Contains("dict"));
  CHECK_THAT(spec_error_of("get_scheduler('cosine', optimizer, 10, 100, {'num_warmup_steps': 2})",
                           with_lr(0.1)),
             Contains("'num_warmup_steps'") && Contains("multiple values"));
  CHECK_THAT(spec_error_of("get_cosine_schedule_with_warmup(optimizer, 10, 100, last_epoch=5)",
                           with_lr(0.1)),
             Contains("last_epoch"));
  CHECK_THAT(
      spec_error_of("get_polynomial_decay_schedule_with_warmup(optimizer, 0, 10, lr_end=0.5)",
                    with_lr(0.1)),
      Contains("lr_end") && Contains("smaller than the initial lr (0.1)"));
  CHECK_THAT(
      spec_error_of("get_wsd_schedule(optimizer, 10, 20, 100, warmup_type='sqrt')", with_lr(0.1)),
      Contains("warmup_type must be 'linear', 'cosine' or '1-sqrt', got 'sqrt'"));
  CHECK_THAT(spec_error_of("get_wsd_schedule(optimizer, 10, 20)", with_lr(0.1)),
             Contains("num_training_steps or num_stable_steps"));
  CHECK_THAT(spec_error_of("get_cosine_with_min_lr_schedule_with_warmup(optimizer, 10, 100)",
                           with_lr(0.1)),
             Contains("one of min_lr or min_lr_rate"));
  CHECK_THAT(spec_error_of("get_linear_schedule_with_warmup(optimizer, 10, 100.5)", with_lr(0.1)),
             Contains("num_training_steps") && Contains("whole number"));
}

}  // namespace hf_spec_test
