// SPDX-License-Identifier: MIT
// lrs::budgeted::rebudget: unchanged history, continuity at the re-budget step, the new end.
#include <lrs/schedules/budgeted.hpp>

#include <algorithm>

#include "catch.hpp"
#include "tolerance.hpp"

namespace {
namespace p = lrs::profiles;
using lrs::step_t;
}  // namespace

TEST_CASE("a WSD run extended in its stable phase decays over the new budget's last 20%",
          "[schedule][budgeted][rebudget]") {
  lrs::budget_options<double> o;
  o.warmup_steps = 50;
  o.min_lr = 1e-5;
  const auto run = lrs::wsd(1e-3, 1000, 0.2, p::decay_shape::one_sqrt, o);
  const auto longer = run.rebudget(600, 3000);
  const auto fresh = lrs::wsd(1e-3, 3000, 0.2, p::decay_shape::one_sqrt, o);
  for (step_t t = 0; t < 600; ++t) CHECK(longer(t) == run(t));
  for (step_t t = 600; t <= 3100; t += 7) CHECK(longer(t) == fresh(t));
  CHECK(longer(2409) == 1e-3);  // stable while (t - 50) / 2950 < 0.8, i.e. t < 2410
  CHECK(longer(2410) == 1e-3);  // u = 0: 1 - sqrt(0)
  CHECK(longer(2411) < 1e-3);
  CHECK(longer.total_steps() == 3000);
  CHECK(longer(3000) == 1e-5);
}

TEMPLATE_TEST_CASE("re-budgeting mid-decay is continuous at s and ends at the new total",
                   "[schedule][budgeted][rebudget][property]", float, double) {
  using T = TestType;
  const step_t s = GENERATE(0, 10, 30, 217, 399);
  const step_t new_total = GENERATE(410, 1000);
  const step_t k = GENERATE(1, 8);
  lrs::budget_options<T> o;
  o.warmup_steps = 20;
  o.min_lr = T(0.001);
  o.sample_every = k;
  const auto run = lrs::rex(T(0.1), 400, o);
  const auto re = run.rebudget(s, new_total);
  INFO("s = " << s << ", new total = " << new_total << ", k = " << k);
  for (step_t t = 0; t <= s; ++t) CHECK(re(t) == run(t));
  // The rest decays monotonically from there to min_lr at new_total.
  for (step_t t = std::max<step_t>(s, 20) + 1; t < new_total; ++t) CHECK(re(t) <= re(t - 1));
  CHECK(re(new_total - 1) > T(0.001));
  CHECK(re(new_total) == T(0.001));
  CHECK(re(new_total + 5) == T(0.001));
}

TEST_CASE("re-budgeted REX stretches the unused part of the profile",
          "[schedule][budgeted][rebudget]") {
  // z(s) = 0.5 at s = 50 of T = 100; new total 200: z(t) = 0.5 + 0.5 (t - 50) / 150.
  const auto re = lrs::rex(1.0, 100).rebudget(50, 200);
  const auto rex = [](double z) { return (1 - z) / (1 - z / 2); };
  for (step_t t : {50, 51, 80, 125, 199}) {
    const double z = 0.5 + 0.5 * static_cast<double>(t - 50) / 150.0;
    CHECK_THAT(re(t), WithinAbs(rex(z), 1e-15));
  }
  CHECK(re(49) == lrs::rex(1.0, 100)(49));
  // Shortening works too ("finish within the next 10 steps"), and re-budgeting again.
  const auto shorter = re.rebudget(120, 130);
  CHECK(shorter(120) == re(120));
  CHECK(shorter(130) == 0.0);
  CHECK(shorter(60) == re(60));
  CHECK(shorter(30) == lrs::rex(1.0, 100)(30));
}

TEST_CASE("re-budgeting during the warmup keeps the warmup and moves the end",
          "[schedule][budgeted][rebudget]") {
  lrs::budget_options<double> o;
  o.warmup_steps = 10;
  o.warmup_start = 0.0;
  const auto re = lrs::cosine_decay(1.0, 100, o).rebudget(4, 210);
  const auto fresh = lrs::cosine_decay(1.0, 210, o);
  for (step_t t = 0; t < 220; ++t) CHECK(re(t) == fresh(t));
}

TEST_CASE("rebudget rejects bad arguments", "[schedule][budgeted][rebudget][error]") {
  const auto s = lrs::rex(0.1, 100);
  CHECK_THROWS_AS(s.rebudget(-1, 200), lrs::invalid_argument);
  CHECK_THROWS_WITH(s.rebudget(100, 200),
                    "lrs::budgeted::rebudget: s must be < total_steps (100), got 100");
  CHECK_THROWS_AS(s.rebudget(50, 50), lrs::invalid_argument);
  lrs::budget_options<double> o;
  o.past_end = lrs::past_end::cycle;
  CHECK_THROWS_AS(lrs::rex(0.1, 100, o).rebudget(10, 200), lrs::invalid_argument);
}

TEST_CASE("cooldown starts a WSD decay now and ends it after the given steps",
          "[schedule][budgeted][cooldown]") {
  lrs::budget_options<double> o;
  o.min_lr = 0.01;
  const auto run = lrs::wsd(1.0, 10000, 0.2, p::decay_shape::linear, o);
  const auto c = run.cooldown(3000, 100);
  CHECK(c.total_steps() == 3100);
  for (step_t t = 0; t <= 3000; ++t) CHECK(c(t) == run(t));
  // Linear decay 1 -> 0.01 over steps 3000..3100: lr = 0.01 + 0.99 (1 - (t - 3000) / 100).
  CHECK_THAT(c(3050), WithinRel(0.01 + 0.99 * 0.5, 1e-12));
  CHECK_THAT(c(3099), WithinRel(0.01 + 0.99 * 0.01, 1e-10));
  CHECK(c(3100) == 0.01);
  CHECK(c(5000) == 0.01);
}

TEST_CASE("cooldown of a decaying profile finishes the rest of it",
          "[schedule][budgeted][cooldown]") {
  // REX at s = 25 of 100 has z = 0.25; over the next 50 steps z runs 0.25 -> 1.
  const auto run = lrs::rex(1.0, 100);
  const auto c = run.cooldown(25, 50);
  const auto rex = [](double z) { return (1 - z) / (1 - z / 2); };
  CHECK(c(25) == run(25));
  CHECK_THAT(c(50), WithinAbs(rex(0.25 + 0.75 * 0.5), 1e-15));
  CHECK(c(75) == 0.0);
  CHECK_THROWS_AS(run.cooldown(25, 0), lrs::invalid_argument);
  CHECK_THROWS_AS(run.cooldown(100, 10), lrs::invalid_argument);
  lrs::budget_options<double> o;
  o.warmup_steps = 10;
  CHECK_THROWS_WITH(lrs::rex(1.0, 100, o).cooldown(5, 10),
                    "lrs::budgeted::cooldown: s must be >= warmup_steps (10), got 5");
}
