// SPDX-License-Identifier: MIT
// timm's scheduler calls pasted as spec strings, against the values timm's own classes print
// (tests/data/schedules/timm/reference.txt, made by tests/data/schedules/timm/generate.py).
#include <cmath>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/io/parse_schedule.hpp>

#include "../data/schedules/timm/timm_reference.hpp"
#include "catch.hpp"
#include "tolerance.hpp"

// A namespace of its own: its using-directives and helpers stay out of the other test files
// when several are compiled as one unit.
namespace timm_spec_test {

namespace {

using timm_reference::load_reference;
using timm_reference::reference;

lrs::spec_context timm_ctx(double lr) {
  lrs::spec_context c;
  c.lr = lr;
  return c;
}

}  // namespace

TEST_CASE("timm calls pasted as specs give timm's values", "[timm][spec]") {
  const std::vector<reference> refs = load_reference();
  REQUIRE(refs.size() >= 30);
  std::size_t compared = 0;
  for (const reference& r : refs) {
    INFO(r.name << ": " << r.call);
    const lrs::any_schedule<double> s = lrs::parse_schedule(r.call, timm_ctx(r.lr));
    for (std::size_t t = 0; t < r.values.size(); ++t) {
      INFO("t = " << t);
      CHECK(lrs_test::rel_error(s(static_cast<lrs::step_t>(t)), r.values[t]) <= 1e-12);
      ++compared;
    }
  }
  CHECK(compared > 3000);
}

TEST_CASE("timm specs: positional arguments in timm's order, harmless keywords", "[timm][spec]") {
  const auto a = lrs::parse_schedule(
      "CosineLRScheduler(30, 0.001, 1.0, 0.5, 4, t_in_epochs=False, noise_pct=0.5, "
      "noise_std=2.0, noise_seed=7, initialize=True)",
      timm_ctx(0.1));
  const auto b = lrs::parse_schedule(
      "CosineLRScheduler(t_initial=30, lr_min=0.001, cycle_decay=0.5, cycle_limit=4)",
      timm_ctx(0.1));
  for (lrs::step_t t = 0; t < 140; ++t) CHECK(a(t) == b(t));
  const auto m = lrs::parse_schedule("MultiStepLRScheduler([30, 60, 90], 0.1)", timm_ctx(0.1));
  CHECK(m(28) == 0.1);
  CHECK(m(29) == Approx(0.01).epsilon(1e-15));
}

TEST_CASE("timm specs: module paths and the optimizer argument as in Python source",
          "[timm][spec]") {
  const auto ref =
      lrs::parse_schedule("CosineLRScheduler(t_initial=100, warmup_t=5)", timm_ctx(0.1));
  for (const char* text : {"timm.scheduler.CosineLRScheduler(optimizer, t_initial=100, warmup_t=5)",
                           "timm.scheduler.cosine_lr.CosineLRScheduler(optimizer, 100, warmup_t=5)",
                           "scheduler.CosineLRScheduler(optimizer=opt, t_initial=100, warmup_t=5)",
                           "CosineLRScheduler(optimizer, t_initial=100, warmup_t=5)"}) {
    INFO(text);
    const auto s = lrs::parse_schedule(text, timm_ctx(0.1));
    for (lrs::step_t t = 0; t < 110; ++t) CHECK(s(t) == ref(t));
  }
  const auto m = lrs::parse_schedule(
      "timm.scheduler.MultiStepLRScheduler(optimizer, [30, 60, 90], 0.1, t_in_epochs=False)",
      timm_ctx(0.1));
  CHECK(m(29) == Approx(0.01).epsilon(1e-15));
  const auto st =
      lrs::parse_schedule("timm.scheduler.step_lr.StepLRScheduler(opt, 2.4, 0.97)", timm_ctx(0.1));
  CHECK(st(5) == Approx(0.1 * 0.97 * 0.97).epsilon(1e-15));
}

TEST_CASE("timm specs: bad values and unsupported options name the parameter", "[timm][spec]") {
  using Catch::Matchers::Contains;
  const auto parse = [](const std::string& s) { return lrs::parse_schedule(s, timm_ctx(0.1)); };
  CHECK_THROWS_WITH(parse("CosineLRScheduler(t_initial=0)"), Contains("t_initial"));
  CHECK_THROWS_WITH(parse("CosineLRScheduler(t_initial=10, cycle_mul=0.5)"), Contains("cycle_mul"));
  CHECK_THROWS_WITH(parse("CosineLRScheduler(t_initial=10, noise_range_t=[1, 5, 8])"),
                    Contains("noise_range_t"));
  CHECK_THROWS_WITH(parse("CosineLRScheduler(t_initial=10, noise_range_t=5, noise_pct=0)"),
                    Contains("noise_pct"));
  CHECK_THROWS_WITH(parse("CosineLRScheduler(t_initial=10, noise_range_t=5, noise_seed=-1)"),
                    Contains("noise_seed"));
  CHECK_THROWS_WITH(parse("CosineLRScheduler(t_initial=10, initialize=False)"),
                    Contains("initialize"));
  CHECK_THROWS_WITH(parse("CosineLRScheduler(t_initial=10, noise_type='uniform')"),
                    Contains("noise_type"));
  CHECK_THROWS_WITH(parse("TanhLRScheduler(t_initial=10, lb=4.0, ub=3.0)"), Contains("lb"));
  CHECK_THROWS_WITH(parse("PolyLRScheduler(t_initial=10, power=-1.0)"), Contains("power"));
  CHECK_THROWS_WITH(parse("StepLRScheduler(decay_t=0)"), Contains("decay_t"));
  CHECK_THROWS_WITH(parse("MultiStepLRScheduler(decay_t=[20, 10])"), Contains("sorted"));
  CHECK_THROWS_WITH(parse("MultiStepLRScheduler(decay_t=[10.5])"), Contains("decay_t"));
  CHECK_THROWS_WITH(parse("timm.scheduler.PlateauLRScheduler(optimizer, decay_rate=0.5)"),
                    Contains("controller") && Contains("plateau_scaled"));
}

}  // namespace timm_spec_test
