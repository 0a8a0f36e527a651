// SPDX-License-Identifier: MIT
// The PyTorch names in the spec parser: defaults, positional order, nesting and errors.
#include <cmath>
#include <string>

#include <lrs/io/parse_schedule.hpp>
#include <lrs/lrs.hpp>

#include "catch.hpp"
#include "support/spec.hpp"

namespace {

using lrs_test::spec_error_of;
using lrs_test::with_lr;
}  // namespace

TEST_CASE("spec: PyTorch defaults are used when a parameter is left out", "[spec][pytorch]") {
  const auto ctx = with_lr(0.3);
  // ConstantLR: factor 1/3 for 5 steps.
  const auto c = lrs::parse_schedule("ConstantLR()", ctx);
  CHECK_THAT(c(4), WithinRel(0.1, 1e-15));
  CHECK(c(5) == 0.3);
  // LinearLR: 1/3 -> 1 over 5 steps.
  const auto l = lrs::parse_schedule("LinearLR()", ctx);
  CHECK_THAT(l(0), WithinRel(0.1, 1e-15));
  CHECK_THAT(l(5), WithinRel(0.3, 1e-15));
  // PolynomialLR: linear to 0 over 5 steps.
  const auto p = lrs::parse_schedule("PolynomialLR()", ctx);
  CHECK_THAT(p(1), WithinRel(0.24, 1e-14));
  CHECK(p(5) == 0.0);
  // MultiStepLR gamma 0.1; CosineAnnealingWarmRestarts T_mult 1, eta_min 0.
  CHECK_THAT(lrs::parse_schedule("MultiStepLR([2])", ctx)(2), WithinRel(0.03, 1e-15));
  CHECK(lrs::parse_schedule("CosineAnnealingWarmRestarts(4)", ctx)(4) == 0.3);
  // CyclicLR: step_size_up 2000, momentum 0.9 -> 0.8.
  const auto y = lrs::parse_schedule("CyclicLR(0.01, 0.1)", ctx);
  CHECK_THAT(y(2000), WithinRel(0.1, 1e-15));
  CHECK_THAT(y.momentum(0), WithinRel(0.9, 1e-15));
  CHECK_THAT(y.momentum(2000), WithinRel(0.8, 1e-15));
  // OneCycleLR: starts at max_lr / 25 with momentum 0.95, peaks at 30% with 0.85.
  const auto o = lrs::parse_schedule("OneCycleLR(max_lr=1.0, total_steps=101)", ctx);
  CHECK_THAT(o(0), WithinRel(0.04, 1e-15));
  CHECK_THAT(o.momentum(0), WithinRel(0.95, 1e-15));
}

TEST_CASE("spec: positional arguments follow PyTorch's order", "[spec][pytorch]") {
  const auto ctx = with_lr(1.0);
  const auto a = lrs::parse_schedule("LinearLR(0.5, 0.25, 4)", ctx);
  const auto b =
      lrs::parse_schedule("LinearLR(start_factor=0.5, end_factor=0.25, total_iters=4)", ctx);
  const auto c = lrs::parse_schedule("CosineAnnealingWarmRestarts(5, 2, 0.01)", ctx);
  const auto d =
      lrs::parse_schedule("CosineAnnealingWarmRestarts(T_0=5, T_mult=2, eta_min=0.01)", ctx);
  const auto e = lrs::parse_schedule("OneCycleLR(0.1, 50, None, None, 0.2, 'linear')", ctx);
  const auto f = lrs::parse_schedule(
      "OneCycleLR(max_lr=0.1, total_steps=50, pct_start=0.2, anneal_strategy=linear)", ctx);
  for (lrs::step_t t = 0; t < 60; ++t) {
    CHECK(a(t) == b(t));
    CHECK(c(t) == d(t));
    CHECK(e(t) == f(t));
  }
}

TEST_CASE("spec: OneCycleLR takes total_steps, epochs x steps_per_epoch or the budget",
          "[spec][pytorch]") {
  lrs::spec_context ctx = with_lr(1.0);
  const auto a = lrs::parse_schedule("OneCycleLR(max_lr=0.1, total_steps=60)", ctx);
  const auto b = lrs::parse_schedule("OneCycleLR(max_lr=0.1, epochs=6, steps_per_epoch=10)", ctx);
  ctx.steps = 60;
  const auto c = lrs::parse_schedule("OneCycleLR(max_lr=0.1)", ctx);
  for (lrs::step_t t = 0; t < 60; ++t) {
    CHECK(a(t) == b(t));
    CHECK(a(t) == c(t));
  }
  const auto* typed = a.target<lrs::one_cycle_lr<double>>();
  REQUIRE(typed != nullptr);
  CHECK(typed->total_steps() == 60);
  CHECK(typed->past_end() == lrs::past_end::hold);
  const auto r =
      lrs::parse_schedule("OneCycleLR(max_lr=0.1, total_steps=60, past_end='cycle')", with_lr(1.0));
  CHECK(r(61) == a(1));
}

TEST_CASE("spec: PyTorch schedules nest in SequentialLR and ChainedScheduler", "[spec][pytorch]") {
  const auto ctx = with_lr(0.1);
  const auto s = lrs::parse_schedule(
      "SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=10), "
      "ExponentialLR(gamma=0.9)], milestones=[10])",
      ctx);
  CHECK_THAT(s(0), WithinRel(0.01, 1e-15));
  CHECK_THAT(s(10), WithinRel(0.1, 1e-15));
  CHECK_THAT(s(12), WithinRel(0.1 * 0.81, 1e-15));
  const auto c = lrs::parse_schedule(
      "ChainedScheduler([ConstantLR(factor=0.1, total_iters=2), ExponentialLR(gamma=0.9)])", ctx);
  // What PyTorch 1.13 prints for lr = 0.1 (its docstring's table is one step ahead):
  // 0.01, 0.009, 0.081, 0.0729.
  CHECK_THAT(c(0), WithinRel(0.01, 1e-14));
  CHECK_THAT(c(1), WithinRel(0.009, 1e-14));
  CHECK_THAT(c(2), WithinRel(0.081, 1e-14));
  CHECK_THAT(c(3), WithinRel(0.0729, 1e-14));
}

TEST_CASE("spec: errors name the parameter and the column", "[spec][pytorch][error]") {
  CHECK(spec_error_of("CosineAnnealingWarmRestarts(T0=10)", with_lr(0.1)) ==
        "unknown parameter 'T0' for CosineAnnealingWarmRestarts at column 29; did you mean "
        "'T_0'?");
  CHECK(spec_error_of("ExponentialLR()", with_lr(0.1)).find("gamma") != std::string::npos);
  CHECK(spec_error_of("MultiStepLR(milestones='a')", with_lr(0.1)).find("milestones") !=
        std::string::npos);
  CHECK(spec_error_of("LinearLR(start_factor=0)", with_lr(0.1)) ==
        "lrs::linear_lr: start_factor must be in (0, 1], got 0 (in LinearLR at column 1)");
  CHECK(spec_error_of("ConstantLR(factor=1.5)", with_lr(0.1)) ==
        "lrs::constant_lr: factor must be in [0, 1], got 1.5 (in ConstantLR at column 1)");
  CHECK(spec_error_of("CyclicLR(0.1, 1.0, mode='triangle')", with_lr(0.1)) ==
        "CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range', got 'triangle' at "
        "column 20");
  CHECK(spec_error_of("CyclicLR(0.1, 1.0, scale_fn='f')", with_lr(0.1))
            .find("scale_fn must be None") != std::string::npos);
  CHECK(spec_error_of("OneCycleLR(max_lr=0.1)", with_lr(0.1)) ==
        "OneCycleLR: total_steps or (epochs and steps_per_epoch) is required at column 1");
  CHECK(spec_error_of("OneCycleLR(max_lr=0.1, epochs=3)", with_lr(0.1)).find("steps_per_epoch") !=
        std::string::npos);
  CHECK(spec_error_of("OneCycleLR(0.1, 10, anneal_strategy='cosine')", with_lr(0.1)) ==
        "OneCycleLR: anneal_strategy must be 'cos' or 'linear', got 'cosine' at column 21");
  CHECK(spec_error_of("OneCycleLR(0.1, 10, three_phase=1)", with_lr(0.1)).find("True or False") !=
        std::string::npos);
  CHECK(spec_error_of("OneCycleLr(0.1, 10)", with_lr(0.1)).find("did you mean 'OneCycleLR'?") !=
        std::string::npos);
  CHECK(spec_error_of("OneCycleLR(0.1, 0)", with_lr(0.1)) ==
        "lrs::one_cycle_lr: total_steps must be > 0, got 0 (in OneCycleLR at column 1)");
}

TEST_CASE("spec: every PyTorch schedule is registered with its parameters", "[spec][pytorch]") {
  const auto& reg = lrs::default_spec_registry();
  for (const char* name : {"StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
                           "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
                           "CyclicLR", "OneCycleLR", "SequentialLR", "ChainedScheduler"}) {
    INFO(name);
    const auto* e = reg.find(name);
    REQUIRE(e != nullptr);
    CHECK_FALSE(e->params.empty());
  }
  CHECK(reg.find("OneCycleLR")->params.size() == 13);  // PyTorch's 12 + past_end
  CHECK(reg.find("CyclicLR")->params.size() == 11);
}
