// SPDX-License-Identifier: MIT
// The schedule algebra: with_warmup, join, scaled, clamped, cycled, shifted, per_epoch,
// from_values, interpolated. Expected values: closed forms by hand, or optax / Hugging Face /
// timm formulas evaluated in tests/data/schedules/combinators_reference.py.
#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/combinators.hpp>
#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>
#include <lrs/schedules/one_cycle_lr.hpp>
#include <lrs/schedules/step_lr.hpp>
#include <lrs/schedules/warmup.hpp>

#include "catch.hpp"
#include "support/errors.hpp"

namespace {

using lrs::step_t;
using lrs_test::message_of;
using pair_list = std::vector<std::pair<step_t, double>>;

// |a - b| <= 1e-14 max(|b|, scale): relative to the schedule's scale, since near the end of a
// cosine 1 + cos(pi z) loses digits in any implementation.
template <class S>
void check_values(const S& s, const pair_list& expected, double scale) {
  for (const auto& [t, v] : expected) {
    INFO("step " << t);
    CHECK_THAT(s(t), WithinAbs(v, 1e-14 * std::max(std::abs(v), scale)));
  }
}

template <class S>
long double brute(const S& s, step_t a, step_t b) {
  long double sum = 0;
  for (step_t t = a; t < b; ++t) sum += s(t);
  return sum;
}

}  // namespace

TEST_CASE("with_warmup in front of a cosine is optax's warmup_cosine_decay_schedule",
          "[combinator][with_warmup]") {
  // optax.warmup_cosine_decay_schedule(init_value=1e-5, peak_value=3e-4, warmup_steps=100,
  // decay_steps=10000, end_value=3e-5): a cosine over decay_steps - warmup_steps = 9900 steps.
  lrs::budget_options<double> c;
  c.min_lr = 3e-5;
  lrs::warmup_options<double> w;
  w.warmup_start = 1e-5;
  const lrs::with_warmup s(lrs::cosine_decay(3e-4, 9900, c), 100, w);
  check_values(s,
               {{0, 1.0000000000000026e-05},
                {1, 1.2900000000000043e-05},
                {2, 1.5800000000000005e-05},
                {99, 0.00029709999999999996},
                {100, 0.0003},
                {101, 0.0002999999932027518},
                {500, 0.0002989138997321573},
                {5000, 0.00016714190511769907},
                {9999, 3.0000006797248146e-05},
                {10000, 2.9999999999999997e-05},
                {12000, 2.9999999999999997e-05}},
               3e-4);
  CHECK(s.total_steps() == 10000);
}

TEST_CASE("with_warmup from 0 is Hugging Face's cosine and linear schedules with warmup",
          "[combinator][with_warmup]") {
  lrs::warmup_options<double> w;
  w.warmup_start = 0.0;
  // get_cosine_schedule_with_warmup(num_warmup_steps=100, num_training_steps=10000), lr 0.1.
  check_values(lrs::with_warmup(lrs::cosine_decay(0.1, 9900), 100, w),
               {{0, 0.0},
                {1, 0.001},
                {2, 0.002},
                {99, 0.099},
                {100, 0.1},
                {101, 0.09999999748250069},
                {500, 0.09959774064153976},
                {5000, 0.0507932981917404},
                {9999, 2.5174993201204643e-09},
                {10000, 0.0}},
               0.1);
  // get_linear_schedule_with_warmup(100, 10000), lr 0.1.
  check_values(lrs::with_warmup(lrs::linear_decay(0.1, 9900), 100, w),
               {{0, 0.0},
                {1, 0.001},
                {2, 0.002},
                {99, 0.099},
                {100, 0.1},
                {101, 0.099989898989899},
                {500, 0.09595959595959597},
                {5000, 0.05050505050505051},
                {9999, 1.0101010101010101e-05},
                {10000, 0.0},
                {12000, 0.0}},
               0.1);
}

TEST_CASE("with_warmup prefix is timm's warmup_prefix=True; the floor after the end too",
          "[combinator][with_warmup]") {
  // CosineLRScheduler(t_initial=1000, lr_min=1e-4, warmup_t=20, warmup_lr_init=1e-6,
  // warmup_prefix=True), base 0.05: lr_min after the single cycle.
  lrs::budget_options<double> c;
  c.min_lr = 1e-4;
  c.past_end = lrs::past_end::floor;
  lrs::warmup_options<double> w;
  w.warmup_start = 1e-6;
  check_values(lrs::with_warmup(lrs::cosine_decay(0.05, 1000, c), 20, w),
               {{0, 1e-06},
                {1, 0.00250095},
                {19, 0.04750005},
                {20, 0.05},
                {21, 0.04999987687678637},
                {500, 0.02661662346225637},
                {1019, 0.00010012312321364036},
                {1020, 0.0001},
                {3000, 0.0001}},
               0.05);
}

TEST_CASE("with_warmup's default start does not waste the first update",
          "[combinator][with_warmup]") {
  // end (t + 1) / (W + 1) for a linear warm-up of W = 4 into a constant 0.2: 0.04 ... 0.16.
  const auto flat = [](step_t) { return 0.2; };
  const lrs::with_warmup s(flat, 4);
  CHECK(s(0) > 0.0);
  CHECK_THAT(s(0), WithinRel(0.04, 1e-15));
  CHECK_THAT(s(1), WithinRel(0.08, 1e-15));
  CHECK_THAT(s(3), WithinRel(0.16, 1e-15));
  CHECK(s(4) == 0.2);
  CHECK(s(1000) == 0.2);
  CHECK(s.warmup_start() == 0.2 / 5);
  // W = 0 is the schedule itself.
  const lrs::with_warmup id(lrs::cosine_decay(0.1, 50), 0);
  for (step_t t : {0, 1, 25, 49, 50, 80}) CHECK(id(t) == lrs::cosine_decay(0.1, 50)(t));
}

TEST_CASE("with_warmup cosine and exponential shapes by hand", "[combinator][with_warmup]") {
  const auto flat = [](step_t) { return 1.0; };
  lrs::warmup_options<double> o;
  o.warmup_start = 0.01;
  o.warmup_shape = lrs::warmup_shape::cosine;
  const lrs::with_warmup c(flat, 10, o);
  // 0.01 + 0.99 (1 - cos(pi t / 10)) / 2.
  for (step_t t = 0; t < 10; ++t)
    CHECK_THAT(c(t), WithinRel(0.01 + 0.99 * (1 - std::cos(M_PI * t / 10.0)) / 2, 1e-14));
  o.warmup_shape = lrs::warmup_shape::exponential;
  const lrs::with_warmup e(flat, 10, o);
  // 0.01 * 100^(t / 10) = 10^(t / 5 - 2).
  for (step_t t = 0; t < 10; ++t) CHECK_THAT(e(t), WithinRel(std::pow(10.0, t / 5.0 - 2.0), 1e-14));
  CHECK(e(10) == 1.0);
}

TEST_CASE("with_warmup overlay replaces the schedule's first steps and rises to s(W)",
          "[combinator][with_warmup]") {
  const auto lin = [](step_t t) { return 1.0 - static_cast<double>(t) / 100.0; };
  lrs::warmup_options<double> o;
  o.mode = lrs::warmup_mode::overlay;
  o.warmup_start = 0.0;
  const lrs::with_warmup s(lin, 10, o);
  // 0.9 t / 10 during the warm-up, then the line itself (no shift).
  for (step_t t = 0; t < 10; ++t) CHECK_THAT(s(t), WithinAbs(0.09 * t, 1e-15));
  for (step_t t : {10, 11, 50, 99}) CHECK(s(t) == lin(t));
  CHECK(s.warmup_end() == lin(10));
}

TEST_CASE("budget_options' warm-up is with_warmup in front of the rest of the budget",
          "[combinator][with_warmup][budgeted]") {
  // budgeted(peak, p, T, {W, start, shape, k}) == with_warmup(budgeted(peak, p, T - W, {k}), W,
  // {start, shape}) at every step, bit for bit, for hold and floor.
  for (const auto shape :
       {lrs::warmup_shape::linear, lrs::warmup_shape::cosine, lrs::warmup_shape::exponential}) {
    for (const auto after : {lrs::past_end::hold, lrs::past_end::floor}) {
      for (const step_t every : {step_t(1), step_t(7)}) {
        lrs::budget_options<double> b;
        b.min_lr = 0.002;
        b.warmup_steps = 37;
        b.warmup_shape = shape;
        b.warmup_start = 1e-4;
        b.sample_every = every;
        b.past_end = after;
        const auto old = lrs::rex(0.3, 500, b);
        lrs::budget_options<double> r = b;
        r.warmup_steps = 0;
        r.warmup_start.reset();
        lrs::warmup_options<double> w;
        w.warmup_shape = shape;
        w.warmup_start = 1e-4;
        const lrs::with_warmup now(lrs::rex(0.3, 463, r), 37, w);
        for (step_t t = 0; t < 1200; ++t) {
          INFO("shape " << lrs::to_string(shape) << ", every " << every << ", step " << t);
          REQUIRE(now(t) == old(t));
        }
        CHECK(now.total_steps() == old.total_steps());
      }
    }
  }
}

TEST_CASE("with_warmup keeps momentum, max_value, area and rebudget of its child",
          "[combinator][with_warmup]") {
  const lrs::one_cycle_lr<double> oc(0.1, 100);
  const lrs::with_warmup w(oc, 10);
  STATIC_REQUIRE(lrs::has_momentum_v<decltype(w)>);
  CHECK(w.momentum(3) == oc.momentum(0));  // held during a prefix warm-up
  CHECK(w.momentum(15) == oc.momentum(5));
  const lrs::any_schedule<double> erased = w;
  CHECK(erased.has_momentum());
  CHECK(erased(15) == oc(5));
  // A lambda child has no momentum, and the erased warm-up says so.
  const lrs::any_schedule<double> plain = lrs::with_warmup([](step_t) { return 0.1; }, 5);
  CHECK_FALSE(plain.has_momentum());

  const lrs::with_warmup c(lrs::cosine_decay(0.2, 900), 100);
  CHECK(c.max_value() == 0.2);
  for (const auto& [a, b] : std::vector<std::pair<step_t, step_t>>{
           {0, 1000}, {0, 50}, {37, 100}, {99, 101}, {150, 2000}, {1000, 1000}}) {
    INFO("[" << a << ", " << b << ")");
    const double exact = static_cast<double>(brute(c, a, b));
    CHECK_THAT(lrs::area(c, a, b), WithinAbs(exact, 1e-12 * (1 + exact)));
  }
  // Linear warm-up and linear decay have closed forms: Σ_{t<4} 0.2 (t + 1) / 5 = 0.4, plus
  // Σ_{t<10} 0.2 (1 - t / 10) = 1.1.
  CHECK_THAT(lrs::area(lrs::with_warmup(lrs::linear_decay(0.2, 10), 4), 0, 14),
             WithinRel(1.5, 1e-14));

  // Re-budgeting inside the warm-up is the same warm-up in front of the longer cosine.
  const auto r = c.rebudget(50, 2100);
  const lrs::with_warmup longer(lrs::cosine_decay(0.2, 2000), 100);
  for (step_t t = 0; t < 2500; t += 7) CHECK(r(t) == longer(t));
  // After the warm-up: equal before s, continuous at s, ends at the final value.
  const auto r2 = c.rebudget(400, 1500);
  for (step_t t = 0; t < 400; ++t) REQUIRE(r2(t) == c(t));
  CHECK(r2(400) == c(400));
  CHECK(r2.total_steps() == 1500);
  CHECK(r2(1500) == 0.0);
  CHECK(r2(1499) > 0.0);
}

TEST_CASE("with_warmup rejects bad input with the parameter's name", "[combinator][with_warmup]") {
  const auto flat = [](step_t) { return 0.1; };
  CHECK(message_of([&] { (void)lrs::with_warmup(flat, -1); }) ==
        "lrs::with_warmup: warmup_steps must be >= 0, got -1");
  lrs::warmup_options<double> o;
  o.warmup_start = -0.5;
  CHECK(message_of([&] { (void)lrs::with_warmup(flat, 5, o); }) ==
        "lrs::with_warmup: warmup_start must be >= 0, got -0.5");
  o.warmup_start = 0.0;
  o.warmup_shape = lrs::warmup_shape::exponential;
  CHECK(message_of([&] { (void)lrs::with_warmup(flat, 5, o); }) ==
        "lrs::with_warmup: warmup_start must be > 0, got 0");
  const auto nan = [](step_t) { return std::nan(""); };
  CHECK(message_of([&] { (void)lrs::with_warmup(nan, 5); }) ==
        "lrs::with_warmup: s(0) must be finite, got nan");
}

TEST_CASE("join is optax join_schedules and lrs::sequential, static and dynamic",
          "[combinator][join]") {
  const auto warm = [](step_t t) { return 0.01 * static_cast<double>(t + 1); };
  const lrs::cosine_annealing_lr<double> cos(0.1, 50);
  const auto j = lrs::join(std::tuple{warm, cos}, {10});
  const lrs::sequential<decltype(warm), lrs::cosine_annealing_lr<double>> old(std::tuple{warm, cos},
                                                                              {10});
  std::vector<lrs::any_schedule<double>> kids{warm, cos};
  const auto d = lrs::join(kids, {10});
  for (step_t t = 0; t < 200; ++t) {
    // optax: schedules[0](t) for t < 10, else schedules[1](t - 10).
    const double expected = t < 10 ? warm(t) : cos(t - 10);
    REQUIRE(j(t) == expected);
    REQUIRE(old(t) == expected);
    REQUIRE(d(t) == expected);
  }
  // area from the children's own areas.
  const auto k = lrs::join(std::tuple{lrs::linear_decay(1.0, 4), lrs::constant(0.5)}, {4});
  CHECK_THAT(lrs::area(k, 0, 10), WithinRel(1.0 + 0.75 + 0.5 + 0.25 + 6 * 0.5, 1e-15));
  CHECK_THAT(lrs::area(k, 2, 5), WithinRel(0.5 + 0.25 + 0.5, 1e-15));
}

TEST_CASE("scaled, clamped, cycled, shifted by hand", "[combinator]") {
  const lrs::step_lr<double> st(1.0, 3, 0.5);  // 1, 1, 1, 0.5, 0.5, 0.5, 0.25, ...
  const lrs::scaled sc(st, 0.2);
  CHECK(sc(0) == 0.2);
  CHECK(sc(3) == 0.1);
  CHECK(sc(6) == 0.2 * 0.25);
  const lrs::clamped cl(st, 0.3, 0.8);
  CHECK(cl(0) == 0.8);
  CHECK(cl(3) == 0.5);
  CHECK(cl(6) == 0.3);
  const lrs::cycled cy(st, 5);
  for (step_t t = 0; t < 30; ++t) REQUIRE(cy(t) == st(t % 5));
  const lrs::shifted sh(st, 4);
  for (step_t t = 0; t < 4; ++t) CHECK(sh(t) == 1.0);
  CHECK(sh(7) == 0.5);  // st(3)
  CHECK(sh(10) == 0.25);

  const auto lin = lrs::linear_decay(1.0, 10);  // 1, 0.9, ..., 0.1, then 0
  CHECK_THAT(lrs::area(lrs::scaled(lin, 2.0), 0, 10), WithinRel(11.0, 1e-14));
  // Three full cycles of 5 (1 + .9 + .8 + .7 + .6 = 4) and two steps (1.9).
  CHECK_THAT(lrs::area(lrs::cycled(lin, 5), 0, 17), WithinRel(13.9, 1e-14));
  CHECK_THAT(lrs::area(lrs::cycled(lin, 5), 3, 12), WithinRel(1.3 + 4 + 1.9, 1e-14));
  // Four held steps of 1, then the whole line (5.5).
  CHECK_THAT(lrs::area(lrs::shifted(lin, 4), 0, 20), WithinRel(9.5, 1e-14));
  CHECK(lrs::shifted(lin, 4).total_steps() == 14);

  CHECK(message_of([&] { (void)lrs::scaled(st, -1.0); }) == "lrs::scaled: k must be >= 0, got -1");
  CHECK(message_of([&] { (void)lrs::clamped(st, 0.5, 0.1); }) ==
        "lrs::clamped: hi must be >= lo (0.5), got 0.1");
  CHECK(message_of([&] { (void)lrs::cycled(st, 0); }) == "lrs::cycled: period must be > 0, got 0");
  CHECK(message_of([&] { (void)lrs::shifted(st, -2); }) == "lrs::shifted: k must be >= 0, got -2");
}

TEST_CASE("per_epoch applies an epoch-indexed StepLR at every update", "[combinator][per_epoch]") {
  // PyTorch users step StepLR(step_size=30, gamma=0.1) once per epoch; with 100 updates per
  // epoch, update t uses 0.1 * 0.1^floor(floor(t / 100) / 30).
  const lrs::per_epoch s(lrs::step_lr(0.1, 30, 0.1), 100);
  for (step_t t : {0, 99, 100, 2999, 3000, 5999, 6000, 12345}) {
    INFO("step " << t);
    CHECK_THAT(s(t), WithinRel(0.1 * std::pow(0.1, (t / 100) / 30), 1e-14));
  }
  // Σ over two and a half epochs of 0.5, 0.4, 0.3: 100 (0.5 + 0.4) + 50 0.3.
  const auto three = lrs::from_values(std::vector<double>{0.5, 0.4, 0.3});
  CHECK_THAT(lrs::per_epoch(three, 100).area(0, 250), WithinRel(105.0, 1e-15));
  CHECK_THAT(lrs::per_epoch(three, 100).area(150, 151), WithinRel(0.4, 1e-15));
  CHECK(lrs::per_epoch(three, 100).total_steps() == 300);
  CHECK(message_of([&] { (void)lrs::per_epoch(three, 0); }) ==
        "lrs::per_epoch: steps_per_epoch must be > 0, got 0");
}

TEST_CASE("from_values holds or cycles a recorded sequence", "[combinator][from_values]") {
  const lrs::from_values hold(std::vector<double>{0.1, 0.3, 0.2});
  CHECK(hold(0) == 0.1);
  CHECK(hold(2) == 0.2);
  CHECK(hold(1000) == 0.2);
  CHECK_THAT(hold.area(0, 10), WithinRel(0.6 + 7 * 0.2, 1e-15));
  const lrs::from_values cyc(std::vector<double>{0.1, 0.3, 0.2}, lrs::past_end::cycle);
  for (step_t t = 0; t < 20; ++t) REQUIRE(cyc(t) == hold(t % 3));
  // Steps 1..10: 0.3 + 0.2, two whole cycles, then 0.1 + 0.3.
  CHECK_THAT(cyc.area(1, 11), WithinRel(0.5 + 2 * 0.6 + 0.4, 1e-15));
  CHECK(cyc.max_value() == 0.3);
  CHECK(message_of([] { (void)lrs::from_values(std::vector<double>{}); }) ==
        "lrs::from_values: the number of values must be >= 1, got 0");
  CHECK(message_of([] {
          (void)lrs::from_values(std::vector<double>{0.1, -1.0});
        }) == "lrs::from_values: values[1] must be >= 0, got -1");
  CHECK(message_of([] {
          (void)lrs::from_values(std::vector<double>{0.1}, lrs::past_end::floor);
        }) == "lrs::from_values: past_end must be hold or cycle, got floor");
}

TEST_CASE("interpolated is optax's piecewise_interpolate_schedule", "[combinator][interpolated]") {
  // piecewise_interpolate_schedule('cosine', 0.1, {100: 10, 300: 0.01}).
  check_values(lrs::interpolated({0, 100, 300}, {0.1, 1.0, 0.01}, lrs::interpolation::cosine),
               {{0, 0.09999999999999998},
                {1, 0.10022204783542066},
                {50, 0.55},
                {99, 0.9997779521645793},
                {100, 1.0},
                {101, 0.9999389330784221},
                {250, 0.15498214331265903},
                {299, 0.0100610669215779},
                {300, 0.01},
                {1000, 0.01}},
               1.0);
  // piecewise_interpolate_schedule('linear', 0.5, {10: 0.2, 40: 3, 41: 0.5}).
  check_values(lrs::interpolated({0, 10, 40, 41}, {0.5, 0.1, 0.3, 0.15}),
               {{0, 0.5},
                {3, 0.38},
                {9, 0.13999999999999996},
                {10, 0.1},
                {11, 0.10666666666666667},
                {25, 0.2},
                {39, 0.2933333333333334},
                {40, 0.30000000000000004},
                {41, 0.15000000000000002},
                {100, 0.15000000000000002}},
               0.5);
  // Before the first boundary: the first value.
  const lrs::interpolated late({10, 20}, {0.2, 0.4});
  CHECK(late(0) == 0.2);
  CHECK(late(15) == 0.30000000000000004);
  CHECK(message_of([] {
          (void)lrs::interpolated({0, 10, 10}, {0.1, 0.2, 0.3});
        }) == "lrs::interpolated: boundaries[2] must be > the boundary before it (10), got 10");
  CHECK(message_of([] {
          (void)lrs::interpolated({0, 10}, {0.1});
        }) ==
        "lrs::interpolated: the number of values must be the number of boundaries (2), got 1");
}

TEST_CASE("combinators nest, work on lambdas and any_schedule, and are const values",
          "[combinator]") {
  // Warm-up, then a cosine to 10 % over 10k steps, scaled by 2, each epoch of 10 steps reading
  // one value: all pure values, copyable and callable through const references.
  lrs::budget_options<double> o;
  o.min_lr = 0.1;
  const lrs::any_schedule<double> cos = lrs::cosine_decay(1.0, 10000, o);
  const auto s = lrs::scaled(lrs::with_warmup(cos, 500), 2.0);
  const auto copy = s;
  CHECK(copy(499) == s(499));
  CHECK_THAT(s(500), WithinRel(2.0, 1e-15));
  CHECK_THAT(s(10500), WithinRel(0.2, 1e-15));
  CHECK_THAT(s(0), WithinRel(2.0 / 501, 1e-15));
  CHECK_THAT(s.max_value(), WithinRel(2.0, 1e-15));
  const auto nested = lrs::clamped(lrs::cycled(lrs::shifted(s, 3), 200), 0.5);
  CHECK(nested(0) == 0.5);  // 2 / 501 held, then raised to the floor
  CHECK(nested(203) == nested(3));
}

TEST_CASE("scaled refuses a factor that overflows the child's largest value", "[combinators]") {
  using Catch::Matchers::Contains;
  const lrs::constant<double> one(1.0);
  // scaled(scaled(s, 1e300), 1e300) was inf at every step.
  CHECK_THROWS_WITH(lrs::scaled(lrs::scaled(one, 1e300), 1e300),
                    Contains("k must be <= ") && Contains("1e+300"));
  const auto ok = lrs::scaled(lrs::scaled(one, 1e150), 1e150);
  CHECK(ok(0) == 1e150 * 1e150);
  CHECK(ok.max_value() == 1e150 * 1e150);
  // A child without a bound (a lambda) is taken as given.
  CHECK(lrs::scaled([](step_t) { return 1.0; }, 1e300)(3) == 1e300);
}

TEST_CASE("with_warmup over 2^63 - 1 steps starts at a positive value", "[combinators]") {
  // The default start e / (W + 1) with W = 2^63 - 1: 1 / 2^63 (Python: 1.0 / 2**63), where
  // W + 1 in integers overflowed and made lr(0) negative.
  constexpr step_t M = std::numeric_limits<step_t>::max();
  const lrs::with_warmup w(lrs::constant<double>(1.0), M);
  CHECK(w(0) == 1.0842021724855044e-19);
  CHECK(w(M - 1) >= w(0));
  CHECK(w(M - 1) <= 1.0);
  CHECK(w(M) == 1.0);
  const lrs::with_warmup<lrs::constant<float>> f(lrs::constant<float>(1.0f), M);
  CHECK(f(0) == 1.0842021724855044e-19f);
}
