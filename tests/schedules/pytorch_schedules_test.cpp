// SPDX-License-Identifier: MIT
// The PyTorch schedules beyond the golden data: argument errors, float, past-the-end policy,
// per-group copies and ReduceLROnPlateau's state.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <lrs/lrs.hpp>

#include "catch.hpp"
#include "support/errors.hpp"
#include "tolerance.hpp"

namespace {

using lrs_test::message_of;
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEST_CASE("PyTorch schedules reject bad parameters, naming parameter and value",
          "[pytorch][error]") {
  using namespace lrs;
  CHECK(message_of([] {
          (void)multi_step_lr<double>(0.1, {5, -1});
        }) == "lrs::multi_step_lr: milestones[1] must be >= 0, got -1");
  CHECK_THROWS_AS(multi_step_lr<double>(0.1, {5}, -0.1), invalid_argument);
  CHECK(message_of([] { (void)constant_lr<double>(0.1, 1.5); }) ==
        "lrs::constant_lr: factor must be in [0, 1], got 1.5");
  CHECK_THROWS_AS(constant_lr<double>(0.1, 0.5, -1), invalid_argument);
  CHECK(message_of([] { (void)linear_lr<double>(0.1, 0.0); }) ==
        "lrs::linear_lr: start_factor must be in (0, 1], got 0");
  CHECK_THROWS_AS(linear_lr<double>(0.1, 0.5, 1.5), invalid_argument);
  CHECK(message_of([] { (void)linear_lr<double>(0.1, 0.5, 1.0, 0); }) ==
        "lrs::linear_lr: total_iters must be > 0, got 0");
  CHECK(message_of([] { (void)exponential_lr<double>(0.1, not_a_number); }) ==
        "lrs::exponential_lr: gamma must be finite, got nan");
  CHECK(message_of([] { (void)polynomial_lr<double>(0.1, 5, -1.0); }) ==
        "lrs::polynomial_lr: power must be >= 0, got -1");
  CHECK_THROWS_AS(polynomial_lr<double>(0.1, 0), invalid_argument);
  CHECK(message_of([] { (void)cosine_annealing_warm_restarts<double>(0.1, 10, 0); }) ==
        "lrs::cosine_annealing_warm_restarts: T_mult must be >= 1, got 0");
  CHECK_THROWS_AS(cosine_annealing_warm_restarts<double>(0.1, 0), invalid_argument);
  CHECK_THROWS_AS(cosine_annealing_warm_restarts<double>(0.1, 5, 1, -1.0), invalid_argument);
  CHECK(message_of([] { (void)cyclic_lr<double>(0.1, 1.0, 0); }) ==
        "lrs::cyclic_lr: step_size_up must be > 0, got 0");
  CHECK_THROWS_AS(cyclic_lr<double>(0.1, 1.0, 10, -1), invalid_argument);
  CHECK_THROWS_AS(cyclic_lr<double>(-0.1, 1.0), invalid_argument);
  CHECK(message_of([] {
          (void)cyclic_lr<double>(0.1, 1.0, 10, 0, lrs::cyclic_mode::exp_range, 0.0);
        }) == "lrs::cyclic_lr: gamma must be > 0, got 0");
  CHECK_THROWS_AS(cyclic_lr<double>(0.1, 1.0, 10, 0, cyclic_mode::triangular, 1.0, true, 1.2),
                  invalid_argument);
  CHECK(message_of([] {
          (void)cyclic_lr<double>(0.1, 1.0, 10, 0, cyclic_lr<double>::scale_fn_type{});
        }) == "lrs::cyclic_lr: scale_fn must be a callable, got an empty function");
  CHECK(message_of([] { (void)one_cycle_lr<double>(0.1, 0); }) ==
        "lrs::one_cycle_lr: total_steps must be > 0, got 0");
  CHECK(message_of([] { (void)one_cycle_lr<double>(0.1, 10, 1.5); }) ==
        "lrs::one_cycle_lr: pct_start must be in [0, 1], got 1.5");
  CHECK_THROWS_AS(one_cycle_lr<double>(inf, 10), invalid_argument);
  CHECK_THROWS_AS(one_cycle_lr<double>(0.1, 10, 0.3, anneal_strategy::cos, true, 0.85, 0.95, 0.0),
                  invalid_argument);
  CHECK(message_of([] { (void)one_cycle_total_steps(0, 10); }) ==
        "lrs::one_cycle_lr: epochs must be > 0, got 0");
  CHECK_THROWS_AS(one_cycle_total_steps(std::numeric_limits<step_t>::max(), 2), invalid_argument);
  CHECK(message_of([] { (void)reduce_lr_on_plateau<double>(0.1, plateau_mode::min, 1.0); }) ==
        "lrs::reduce_lr_on_plateau: factor must be in [0, 1), got 1");
  CHECK_THROWS_AS(reduce_lr_on_plateau<double>(std::vector<double>{}), invalid_argument);
  CHECK_THROWS_AS(reduce_lr_on_plateau<double>(0.1, plateau_mode::min, 0.1, -1), invalid_argument);
  CHECK(message_of([] {
          (void)reduce_lr_on_plateau<double>({0.1, 0.2}, plateau_mode::min, 0.1, 10, 1e-4,
                                             threshold_mode::rel, 0, {0.0, 0.0, 0.0});
        }) ==
        "lrs::reduce_lr_on_plateau: the number of min_lr values must be 1 or the number of "
        "groups (2), got 3");
}

TEMPLATE_TEST_CASE("PyTorch schedules in float agree with double", "[pytorch]", float, double) {
  using T = TestType;
  const T tol = T(1e3) * tolerance<T>::rel;  // a handful of roundings
  const lrs::one_cycle_lr<T> o(T(0.1), 100);
  const lrs::one_cycle_lr<double> od(0.1, 100);
  const lrs::cyclic_lr<T> c(T(0.01), T(0.1), 7, 3, lrs::cyclic_mode::exp_range, T(0.99));
  const lrs::cyclic_lr<double> cd(0.01, 0.1, 7, 3, lrs::cyclic_mode::exp_range, 0.99);
  const lrs::cosine_annealing_warm_restarts<T> w(T(0.1), 5, 2, T(0.001));
  const lrs::cosine_annealing_warm_restarts<double> wd(0.1, 5, 2, 0.001);
  const lrs::polynomial_lr<T> p(T(0.1), 50, T(2));
  const lrs::polynomial_lr<double> pd(0.1, 50, 2.0);
  for (lrs::step_t t = 0; t < 100; t += 3) {
    CHECK_THAT(o(t), WithinRel(T(od(t)), tol));
    CHECK_THAT(o.momentum(t), WithinRel(T(od.momentum(t)), tol));
    CHECK_THAT(c(t), WithinRel(T(cd(t)), tol));
    CHECK_THAT(w(t), WithinRel(T(wd(t)), tol));
    if (t < 50) CHECK_THAT(p(t), WithinRel(T(pd(t)), tol));
  }
}

TEST_CASE("one_cycle_lr past total_steps: hold or cycle, never NaN", "[pytorch][one_cycle]") {
  const lrs::one_cycle_lr<double> hold(0.1, 20);
  const lrs::one_cycle_lr<double> restart(0.1, 20, 0.3, lrs::anneal_strategy::cos, true, 0.85, 0.95,
                                          25.0, 1e4, false, lrs::past_end::cycle);
  // The final value is max_lr / (div_factor * final_div_factor) = 0.1 / 250000 = 4e-7.
  CHECK_THAT(hold(19), WithinRel(4e-7, 1e-12));
  for (lrs::step_t t : {20, 21, 100, 1000000}) {
    CHECK(hold(t) == hold(19));
    CHECK(hold.momentum(t) == hold.momentum(19));
    CHECK(restart(t) == restart(t % 20));
  }
  CHECK_THAT(hold.with_max_lr(1.0)(0), WithinRel(1.0 / 25.0, 1e-15));
  const lrs::one_cycle_lr<double> tiny(0.1, 10, 0.1);  // warm-up phase of zero length
  CHECK(std::isfinite(tiny(0)));
  CHECK(tiny(0) == 0.1);  // the phase's end value, where PyTorch divides by zero
  const lrs::one_cycle_lr<double> off(0.1, 10, 0.3, lrs::anneal_strategy::linear, false);
  CHECK_FALSE(off.has_momentum());
  CHECK(std::isnan(off.momentum(3)));
  const lrs::any_schedule<double> a = off;
  CHECK_FALSE(a.has_momentum());
}

TEST_CASE("warm restarts restart to the base LR at T_0 * (1 + T_mult + ...)",
          "[pytorch][warm_restarts][property]") {
  const lrs::cosine_annealing_warm_restarts<double> s(0.5, 3, 2, 0.0);
  for (lrs::step_t r : {0, 3, 9, 21, 45, 93}) CHECK(s(r) == 0.5);
  // Mid-run of the third run (T_i = 12, starting at 9): half way down at 9 + 6.
  CHECK_THAT(s(15), WithinRel(0.25, 1e-14));
  // Huge steps neither loop forever nor overflow.
  CHECK(std::isfinite(s(std::numeric_limits<lrs::step_t>::max() - 1)));
}

TEST_CASE("with_base_lr gives one schedule per parameter group", "[pytorch]") {
  const std::vector<double> base_lrs{0.1, 0.01};
  const lrs::multi_step_lr<double> s(1.0, {10, 10, 3}, 0.5);
  CHECK(s.milestones() == std::vector<lrs::step_t>{3, 10, 10});
  for (double b : base_lrs) {
    const auto g = s.with_base_lr(b);
    CHECK(g(2) == b);
    CHECK(g(3) == b * 0.5);
    CHECK(g(10) == b * 0.125);  // a repeated milestone counts twice
  }
  const lrs::cyclic_lr<double> c(0.001, 0.1, 5);
  const auto c2 = c.with_lrs(0.01, 1.0);
  CHECK(c2(0) == 0.01);
  CHECK(c2(5) == 1.0);
  CHECK(c2.momentum(5) == c.momentum(5));
}

TEST_CASE("multiplicative_lr multiplies the factors of steps 1..t", "[pytorch]") {
  const lrs::multiplicative_lr s(2.0, [](lrs::step_t k) { return k == 2 ? 0.5 : 0.9; });
  CHECK(s(0) == 2.0);
  CHECK(s(1) == 2.0 * 0.9);
  CHECK(s(2) == 2.0 * 0.9 * 0.5);
  CHECK(s(3) == 2.0 * 0.9 * 0.5 * 0.9);
  const lrs::lambda_lr l(0.1, [](lrs::step_t k) { return 1.0 / double(k + 1); });
  CHECK(l(3) == 0.1 / 4.0);
}

TEST_CASE("reduce_lr_on_plateau: first reduction on the (patience+1)-th bad epoch",
          "[pytorch][plateau]") {
  lrs::reduce_lr_on_plateau<double> p(1.0, lrs::plateau_mode::min, 0.5, 2);
  CHECK(p.observe(1.0) == 1.0);  // first metric: best = 1
  CHECK(p.observe(1.0) == 1.0);  // bad 1
  CHECK(p.observe(1.0) == 1.0);  // bad 2
  CHECK(p.observe(1.0) == 0.5);  // bad 3 > patience
  CHECK(p.state_values().num_bad_epochs == 0);
  CHECK(p.state_values().last_epoch == 4);
}

TEST_CASE("reduce_lr_on_plateau state round trip; a bad state is rejected and changes nothing",
          "[pytorch][plateau][error]") {
  lrs::reduce_lr_on_plateau<double> p({0.1, 0.2}, lrs::plateau_mode::max, 0.5, 0, 0.0,
                                      lrs::threshold_mode::abs, 2);
  for (double m : {1.0, 0.5, 0.5}) p.observe(m);
  const auto saved = p.state_values();
  CHECK(p.lrs() == std::vector<double>{0.05, 0.1});
  CHECK(p.in_cooldown());

  lrs::reduce_lr_on_plateau<double> q({0.1, 0.2}, lrs::plateau_mode::max, 0.5, 0, 0.0,
                                      lrs::threshold_mode::abs, 2);
  q.load_state(saved);
  for (double m : {0.1, 0.1, 0.1, 2.0, 0.3}) CHECK(p.observe(m) == q.observe(m));
  CHECK(p.lrs() == q.lrs());

  auto bad = q.state_values();
  const auto before = q.state_values();
  bad.lrs = {0.1};
  CHECK(message_of([&] { q.load_state(bad); }) ==
        "lrs::reduce_lr_on_plateau: state.lrs size must be the number of groups (2), got 1");
  bad = before;
  bad.lrs[1] = -1.0;
  CHECK_THROWS_AS(q.load_state(bad), lrs::invalid_argument);
  bad = before;
  bad.best = not_a_number;
  CHECK_THROWS_AS(q.load_state(bad), lrs::invalid_argument);
  bad = before;
  bad.cooldown_counter = -3;
  CHECK_THROWS_AS(q.load_state(bad), lrs::invalid_argument);
  CHECK(q.state_values().lrs == before.lrs);
  CHECK(q.state_values().best == before.best);
  CHECK(q.state_values().cooldown_counter == before.cooldown_counter);
  CHECK(q.state_values().num_bad_epochs == before.num_bad_epochs);
}

TEST_CASE("one_cycle_lr from one_cycle_options: hand values, past_end cycle, floor refused",
          "[pytorch][one_cycle]") {
  // max_lr 1, div_factor 4 -> initial 0.25; final_div_factor 2 -> min 0.125. pct_start 0.25 of
  // 8 steps: the rise ends at step 0.25 * 8 - 1 = 1, the linear fall at step 7.
  lrs::one_cycle_options<double> o;
  o.pct_start = 0.25;
  o.anneal_strategy = lrs::anneal_strategy::linear;
  o.base_momentum = 0.8;
  o.max_momentum = 0.9;
  o.div_factor = 4;
  o.final_div_factor = 2;
  o.past_end = lrs::past_end::cycle;
  const lrs::one_cycle_lr<double> s(1.0, 8, o);
  CHECK_THAT(s(0), WithinRel(0.25, 1e-15));
  CHECK_THAT(s(1), WithinRel(1.0, 1e-15));
  CHECK_THAT(s(4), WithinRel(1.0 + (0.125 - 1.0) * 0.5, 1e-15));  // (4 - 1) / (7 - 1) = 0.5
  CHECK_THAT(s(7), WithinRel(0.125, 1e-15));
  CHECK_THAT(s.momentum(0), WithinRel(0.9, 1e-15));
  CHECK_THAT(s.momentum(1), WithinRel(0.8, 1e-15));
  CHECK_THAT(s.momentum(4), WithinRel(0.85, 1e-15));
  CHECK(s(8) == s(0));  // cycle: a new cycle every 8 steps
  CHECK(s(13) == s(5));
  CHECK(s.past_end() == lrs::past_end::cycle);
  // The options' defaults are PyTorch's: the same numbers as the positional defaults.
  const lrs::one_cycle_lr<double> d(0.1, 100, lrs::one_cycle_options<double>{});
  const lrs::one_cycle_lr<double> p(0.1, 100);
  for (lrs::step_t t = 0; t < 120; ++t) {
    CHECK(d(t) == p(t));
    CHECK(d.momentum(t) == p.momentum(t));
  }
  o.past_end = lrs::past_end::floor;
  CHECK_THROWS_WITH((lrs::one_cycle_lr<double>(1.0, 8, o)),
                    "lrs::one_cycle_lr: past_end must be hold or cycle (its final LR is the floor: "
                    "use hold), got floor");
}
