// SPDX-License-Identifier: MIT
// Regression tests for schedules that overflowed (signed integers or floating point) at extreme
// parameters or steps. Expected values: tests/data/schedules/extreme_reference.py (the formulas in
// 400-digit arithmetic), or identities stated next to them.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <lrs/lrs.hpp>
#include <lrs/schedules/budgeted.hpp>

#include "catch.hpp"
#include "support/errors.hpp"

namespace {

using lrs_test::message_of;

constexpr lrs::step_t max_step = std::numeric_limits<lrs::step_t>::max();
constexpr double big = std::numeric_limits<double>::max();

}  // namespace

TEST_CASE("cosine_annealing_lr with T_max beyond 2^62: no overflow of the period",
          "[schedule][overflow]") {
  // 2 * T_max overflowed (UBSan abort) for T_max > (2^63 - 1) / 2.
  const lrs::cosine_annealing_lr<double> s(0.1, 5000000000000000000);
  CHECK(s(0) == 0.1);
  CHECK_THAT(s(lrs::step_t(1) << 53), WithinRel(0.099999199284700804, 1e-14));
  CHECK_THAT(s(max_step - 1), WithinRel(0.094164326603250718, 1e-14));
  CHECK_THAT(s(max_step), WithinRel(0.094164326603250718, 1e-14));
  const lrs::cosine_annealing_lr<double> edge(0.1, max_step);  // period 2^64 - 2
  CHECK(std::isfinite(edge(max_step)));
  CHECK(edge(max_step) == 0.0);  // t = T_max: the floor, cos(pi) = -1
}

TEST_CASE("cosine_annealing_warm_restarts: a run longer than any step lasts to the end",
          "[schedule][overflow]") {
  // T_0 = 2, T_mult = 2^62: the second run is 2^63 steps long. The overflow guard used to keep
  // T_i = 2, cycling 0.1, 0.05, 0, 0.05 forever.
  const lrs::cosine_annealing_warm_restarts<double> s(0.1, 2, lrs::step_t(1) << 62);
  CHECK(s(0) == 0.1);
  CHECK_THAT(s(1), WithinRel(0.05, 1e-15));
  for (lrs::step_t t = 2; t < 1000; ++t) {
    INFO("t = " << t);
    REQUIRE(s(t) > 0.0999999);
  }
  CHECK_THAT(s(lrs::step_t(1) << 31), WithinRel(0.1, 1e-15));
  CHECK_THAT(s(lrs::step_t(1) << 53), WithinRel(0.099999764690478809, 1e-14));
  // Near the end of the second run: 2.6e-38, i.e. 0 within 1e-15 * base_lr.
  CHECK_THAT(s(max_step), WithinAbs(2.6103744491245486e-38, 1e-16));
  // T_mult = 2^63 - 1: every step after the first run is in the second.
  const lrs::cosine_annealing_warm_restarts<double> t(1.0, 3, max_step);
  CHECK(t(2) < 1.0);
  CHECK(t(3) == 1.0);
  CHECK(t(max_step) > 0.0);
  CHECK(t(max_step) < 1.0);
}

TEST_CASE("cosine schedules with eta_min far above base_lr: exact ends, no overflow",
          "[schedule][overflow]") {
  // eta_min = 1e308 gave -inf at t = 0 ((base_lr - eta_min) * 2 overflows).
  const lrs::cosine_annealing_lr<double> s(0.1, 10, 1e308);
  CHECK(s(0) == 0.1);
  CHECK(s(20) == 0.1);
  CHECK_THAT(s(3), WithinRel(2.0610737385376344e+307, 1e-14));
  CHECK_THAT(s(5), WithinRel(5.0e+307, 1e-14));
  CHECK(s(10) == 1e308);
  CHECK_THAT(s(17), WithinRel(2.0610737385376344e+307, 1e-14));
  const lrs::cosine_annealing_warm_restarts<double> w(0.1, 10, 1, 1e308);
  CHECK(w(0) == 0.1);
  CHECK(w(10) == 0.1);
  CHECK_THAT(w(3), WithinRel(2.0610737385376344e+307, 1e-14));
  CHECK_THAT(w(15), WithinRel(5.0e+307, 1e-14));
  const lrs::cosine_annealing_warm_restarts<double> w2(0.1, 10, 2, 1e308);
  CHECK(w2(0) == 0.1);
  CHECK(w2(10) == 0.1);  // restart
  // base_lr near the largest double: (base_lr - eta_min) * (1 + cos) overflowed too.
  const lrs::cosine_annealing_lr<double> b(1.5e308, 10);
  CHECK(b(0) == 1.5e308);
  CHECK_THAT(b(1), WithinRel(1.4632923872213652e+308, 1e-14));
  CHECK_THAT(b(5), WithinRel(7.5e+307, 1e-14));
  const lrs::cosine_annealing_lr<double> top(big, 10);
  for (lrs::step_t t = 0; t < 20; ++t) CHECK(std::isfinite(top(t)));
}

TEST_CASE("cyclic_lr exp_range with gamma > 1 is rejected", "[schedule][overflow]") {
  // gamma = 1.5 gave LR 1.2e16 and momentum -1.4e16, then NaN at t = 1e6 (PyTorch raises
  // OverflowError from gamma ** t).
  CHECK(message_of([] {
          (void)lrs::cyclic_lr<double>(0.1, 1.0, 2000, 0, lrs::cyclic_mode::exp_range, 1.5);
        }) == "lrs::cyclic_lr: gamma must be in (0, 1], got 1.5");
  // gamma is not used by the other modes (as in PyTorch).
  const lrs::cyclic_lr<double> tri(0.1, 1.0, 10, 0, lrs::cyclic_mode::triangular, 1.5);
  CHECK(tri(10) == 1.0);
  // gamma = 1 is triangular; gamma < 1 decays toward base_lr and momentum toward max_momentum.
  const lrs::cyclic_lr<double> e(0.1, 1.0, 10, 0, lrs::cyclic_mode::exp_range, 0.999);
  for (lrs::step_t t :
       {lrs::step_t(0), lrs::step_t(10), lrs::step_t(1000000), max_step - 1, max_step}) {
    CHECK(e(t) >= 0.1);
    CHECK(e(t) <= 1.0);
    CHECK(e.momentum(t) >= 0.8);
    CHECK(e.momentum(t) <= 0.9);
  }
  CHECK(e(1000005) == 0.1);  // mid-cycle, but 0.999^1000005 = 5e-435 is 0 in double
}

TEST_CASE("growing geometric schedules are accepted only while finite to step 2^63 - 1",
          "[schedule][overflow]") {
  // ExponentialLR(gamma=1e300) and StepLR with gamma > 1 printed inf.
  CHECK(message_of([] { (void)lrs::exponential_lr<double>(0.1, 1e300); }) ==
        "lrs::exponential_lr: gamma must be <= 1 (base_lr * gamma^k must stay finite for k up "
        "to 9223372036854775807, k = t <= 2^63 - 1), got 1e+300");
  CHECK_THROWS_AS(lrs::exponential_lr<double>(0.1, std::nextafter(1.0, 2.0)),
                  lrs::invalid_argument);
  const lrs::exponential_lr<double> one(0.1, 1.0);
  CHECK(one(max_step) == 0.1);
  CHECK(lrs::exponential_lr<double>(0.1, 0.5)(max_step) == 0.0);
  // StepLR: k = floor(t / step_size) <= floor((2^63 - 1) / step_size).
  CHECK(message_of([] { (void)lrs::step_lr<double>(0.1, 3, 5.1); }) ==
        "lrs::step_lr: gamma must be <= 1.0000000000000002 (base_lr * gamma^k must stay finite "
        "for k up to 3074457345618258602, k = floor(t / step_size) for t <= 2^63 - 1), got 5.1");
  // step_size = 2^62: k <= 1, so base_lr * gamma <= the largest double is the whole rule.
  const lrs::step_t half = lrs::step_t(1) << 62;
  const lrs::step_lr<double> up(1.0, half, big);
  CHECK(up(half - 1) == 1.0);
  CHECK(up(max_step) == big);
  // base_lr 2: gamma <= max / 2 (exact: a power of two).
  CHECK(message_of([] {
          (void)lrs::step_lr<double>(2.0, lrs::step_t(1) << 62, std::numeric_limits<double>::max());
        }) ==
        "lrs::step_lr: gamma must be <= 8.988465674311579e+307 (base_lr * gamma^k must "
        "stay finite for k up to 1, k = floor(t / step_size) for t <= 2^63 - 1), got "
        "1.7976931348623157e+308");
  CHECK(lrs::step_lr<double>(2.0, half, big / 2)(max_step) == big);
  // MultiStepLR: k <= the number of milestones. 1e154^2 = 1e308 is finite, 1e155^2 is not.
  CHECK(lrs::multi_step_lr<double>(1.0, {5, 9}, 1e154)(max_step) == 1e154 * 1e154);
  CHECK_THROWS_WITH(lrs::multi_step_lr<double>(1.0, {5, 9}, 1e155),
                    Catch::Matchers::Contains("gamma must be <= 1.3407807929942596e+154") &&
                        Catch::Matchers::Contains("k = the number of milestones"));
  // float: the same rule against the largest float.
  CHECK_THROWS_AS(lrs::step_lr<float>(1e9f, half, 1e30f), lrs::invalid_argument);
  CHECK(lrs::step_lr<float>(1e8f, half, 1e30f)(max_step) == 1e8f * 1e30f);
  CHECK(std::isfinite(lrs::multi_step_lr<float>(1.0f, {1}, 1e38f)(max_step)));
  CHECK_THROWS_AS(lrs::multi_step_lr<float>(10.0f, {1}, 1e38f), lrs::invalid_argument);
}

TEST_CASE("chained: a product finite where the true value is", "[schedule][overflow]") {
  // ChainedScheduler([StepLR(2, gamma=0.5), StepLR(3, gamma=5.1)]) gave inf at t = 1309 and NaN
  // at 2198: the gamma = 5.1 factor alone overflows, so it is rejected now (see above).
  // Children that are each finite but whose partial products overflow or underflow:
  const lrs::chained c(lrs::constant(1e200), lrs::constant(1e200), lrs::constant(1e-250));
  CHECK_THAT(c(0), WithinRel(1e150, 1e-15));  // plain product: inf
  const lrs::chained d(lrs::constant(1e-200), lrs::constant(1e-200), lrs::constant(1e300));
  CHECK_THAT(d(0), WithinRel(1e-100, 1e-15));  // plain product: 0
  // PyTorch-style factors: lr 1e10, MultiStepLR x1e300 at t = 1, a constant factor 1e-300.
  const lrs::dynamic_chained<double> e(
      {lrs::constant(1e10), lrs::multi_step_lr<double>(1.0, {1}, 1e300), lrs::constant(1e-300)});
  CHECK_THAT(e(0), WithinRel(1e-290, 1e-14));
  CHECK_THAT(e(1), WithinRel(1e10, 1e-14));  // plain product: inf
  CHECK_THAT(e(lrs::detail::step_max), WithinRel(1e10, 1e-14));
  // Children whose largest values multiply past the largest double could overflow at some step:
  // rejected when built (lr 10 x 1e300 x 1e300).
  CHECK(message_of([] {
          (void)lrs::dynamic_chained<double>({lrs::constant(10.0),
                                              lrs::multi_step_lr<double>(1.0, {1}, 1e300),
                                              lrs::multi_step_lr<double>(1.0, {2}, 1e300)});
        }) ==
        "lrs::chained: the product of the schedulers' largest values (10, 1e+300, 1e+300) "
        "must be <= 1.7976931348623157e+308, got inf");
  CHECK_THROWS_AS(lrs::chained(lrs::constant(1e200), lrs::step_lr<double>(1e200, 5)),
                  lrs::invalid_argument);
  // Without max_value() (a lambda) nothing is checked: the caller's precondition.
  CHECK(lrs::chained(lrs::constant(2.0), [](lrs::step_t) { return 0.5; })(7) == 1.0);
  CHECK(
      std::isnan(lrs::dynamic_chained<double>({lrs::constant(2.0), [](lrs::step_t) { return 0.5; }})
                     .max_value()));
  const lrs::any_schedule<double> half([](lrs::step_t) { return 0.5; });
  CHECK(lrs::chained(lrs::constant(1e300), half)(0) == 5e299);
  CHECK(std::isnan(lrs::chained(lrs::constant(2.0), half).max_value()));
  CHECK(lrs::sequential(std::tuple{lrs::constant(2.0), lrs::constant(5.0)}, {3}).max_value() ==
        5.0);
  CHECK(std::isnan(lrs::sequential(std::tuple{lrs::constant(2.0), half}, {3}).max_value()));
  // Ordinary products are unchanged bit for bit.
  const lrs::chained f(lrs::constant(0.1), lrs::step_lr<double>(1.0, 7, 0.5),
                       lrs::exponential_lr<double>(1.0, 0.99));
  for (lrs::step_t t = 0; t < 200; ++t)
    CHECK(f(t) == 0.1 * (std::pow(0.5, double(t / 7)) * std::pow(0.99, double(t))));
}

TEST_CASE("one_cycle_lr checks its derived learning rates", "[schedule][overflow]") {
  // OneCycleLR(1e300, 10, div_factor=1e-10): initial LR 1e310 = inf, then NaN.
  // Smallest div_factor for max_lr 1e300: 1e300 / max = 5.56e-9.
  CHECK(message_of([] {
          (void)lrs::one_cycle_lr<double>(1e300, 10, 0.3, lrs::anneal_strategy::cos, true, 0.85,
                                          0.95, 1e-10);
        }) ==
        "lrs::one_cycle_lr: div_factor must be >= 5.5626846462680046e-09 (the initial LR max_lr / "
        "div_factor must be finite), got 1e-10");
  CHECK_THROWS_WITH(lrs::one_cycle_lr<double>(1.0, 10, 0.3, lrs::anneal_strategy::cos, true, 0.85,
                                              0.95, 1e-300, 1e-10),
                    Catch::Matchers::Contains("final_div_factor must be >= "));
  // At the bound itself every value is finite.
  const lrs::one_cycle_lr<double> s(1e300, 10, 0.3, lrs::anneal_strategy::cos, true, 0.85, 0.95,
                                    5.5626846462680046e-09, 1.0);
  for (lrs::step_t t : {lrs::step_t(0), lrs::step_t(3), lrs::step_t(9), max_step}) {
    CHECK(std::isfinite(s(t)));
    CHECK(std::isfinite(s.momentum(t)));
  }
  CHECK_THAT(s(0), WithinRel(s.initial_lr(), 1e-15));
  // ... and one double below it is rejected: the bound in the message is exact.
  CHECK_THROWS_AS(lrs::one_cycle_lr<double>(1e300, 10, 0.3, lrs::anneal_strategy::cos, true, 0.85,
                                            0.95, std::nextafter(5.5626846462680046e-09, 0.0)),
                  lrs::invalid_argument);
}

TEST_CASE("budgeted: far-apart warmup ends, huge budgets and windows", "[schedule][overflow]") {
  // Exponential warmup from 1e-300 to 1e300: peak / start overflowed to inf, giving NaN at t = 0.
  lrs::budget_options<double> o;
  o.warmup_steps = 10;
  o.warmup_shape = lrs::warmup_shape::exponential;
  o.warmup_start = 1e-300;
  const auto e = lrs::cosine_decay(1e300, 100, o);
  CHECK(e(0) == 1e-300);
  CHECK_THAT(e(5), WithinRel(1.0, 1e-12));
  CHECK_THAT(e(9), WithinRel(1e240, 1e-12));
  CHECK(e(10) == 1e300);
  // Cosine warmup to the largest double: (peak - start) (1 - cos) overflowed past u = 1/2.
  lrs::budget_options<double> c;
  c.warmup_steps = 10;
  c.warmup_shape = lrs::warmup_shape::cosine;
  c.warmup_start = 0.0;  // from zero: the whole range
  const auto w = lrs::cosine_decay(big, 100, c);
  CHECK_THAT(w(7), WithinRel(1.4271753238409044e+308, 1e-14));
  CHECK_THAT(w(9), WithinRel(1.7537004525360917e+308, 1e-14));
  // Areas over a budget of 2^63 - 1 steps: (a + b - 1) overflowed in the closed forms.
  // 9 - 8.99999999999999999 in the closed form: only the absolute error is small.
  CHECK_THAT(lrs::linear_decay(1.0, max_step).area(max_step - 10, max_step - 1),
             WithinAbs(5.8546917314217239e-18, 1e-14));
  lrs::budget_options<double> lw;
  lw.warmup_steps = max_step - 1;
  CHECK_THAT(
      lrs::budgeted(1.0, lrs::profiles::constant{}, max_step, lw).area(max_step - 5, max_step - 1),
      WithinRel(4.0, 1e-12));
  // Sampling windows of 2^62 steps: window + k overflowed past the last window start.
  lrs::budget_options<double> sw;
  sw.sample_every = lrs::step_t(1) << 62;
  const auto cw = lrs::cosine_decay(1.0, max_step, sw);
  CHECK_THAT(cw.area(max_step - 3, max_step - 1), WithinRel(1.0, 1e-12));
  CHECK_THAT(cw.area(max_step - 3, max_step), WithinRel(1.5, 1e-12));
  // cooldown: s + steps must fit in a step.
  CHECK_THROWS_WITH(lrs::cosine_decay(1.0, 100).cooldown(50, max_step),
                    Catch::Matchers::Contains("steps must be <= 9223372036854775757"));
  CHECK(lrs::cosine_decay(1.0, 100).cooldown(50, max_step - 50)(max_step) == 0.0);
}
