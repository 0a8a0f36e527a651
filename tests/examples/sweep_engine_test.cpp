// SPDX-License-Identifier: MIT
// Tests of the budget sweep's engine (examples/common/sweep_engine.hpp) and statistics
// (examples/common/stats.hpp): WSD branches equal separately trained runs bit for bit, the
// numbers do not depend on the thread count, and the "best beyond the noise" rule.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../examples/common/schedule_free_run.hpp"
#include "../examples/common/stats.hpp"
#include "../examples/common/sweep.hpp"
#include "catch.hpp"

// A namespace of its own: its using-directives and helpers stay out of the other test files
// when several are compiled as one unit.
namespace sweep_engine_test {

using namespace lrs_example;

namespace {

// 512 examples of 10x10 pixels, batch 32: 16 steps per epoch; 4 epochs = 64 steps at 100 %.
sweep_options small_sweep_options() {
  sweep_options o;
  o.epochs = 4;
  o.hidden = 8;
  o.batch = 32;
  o.budgets = {10, 25, 50, 100};  // 6, 16, 32 and 64 steps
  o.schedules = {"wsd"};
  o.seed = 5;
  o.seeds = 2;
  o.threads = 1;
  return o;
}

void check_same_run(const run_result& a, const run_result& b) {
  CHECK(a.steps == b.steps);
  CHECK(a.lr == b.lr);
  CHECK(a.loss == b.loss);
  CHECK(a.metrics.test_accuracy == b.metrics.test_accuracy);
  CHECK(a.metrics.test_loss == b.metrics.test_loss);
  CHECK(a.metrics.train_loss == b.metrics.train_loss);
}

}  // namespace

TEST_CASE("sweep: WSD cool-downs branched off one run equal separately trained WSD runs",
          "[example][sweep][wsd]") {
  const auto data = synthetic_classification(512, 128, 9, 10);
  const auto o = small_sweep_options();
  const auto branched = run_sweep(data, o);
  REQUIRE(branched.size() == 8);  // 4 budgets x 2 seeds
  // WSD (decay 0.2) is at its peak while t / T < 0.8: the first ceil(0.8 T) steps of a budget of
  // T steps are the longest run's, and only its cool-down is trained: 5 of 6, 13 of 16, 26 of 32.
  const lrs::step_t shared[] = {5, 13, 26, 0};
  for (std::size_t b = 0; b < 4; ++b)
    for (std::size_t s = 0; s < 2; ++s) {
      const auto& r = branched[b * 2 + s];
      CHECK(r.budget == o.budgets[b]);
      CHECK(r.seed == o.seed + s);
      CHECK(r.shared_steps == shared[b]);
      // The same run trained from scratch: a sweep of this budget alone has nothing to share.
      auto alone = o;
      alone.budgets = {o.budgets[b]};
      alone.seed = o.seed + s;
      alone.seeds = 1;
      const auto separate = run_sweep(data, alone);
      REQUIRE(separate.size() == 1);
      CHECK(separate[0].shared_steps == 0);
      check_same_run(r, separate[0]);
    }
  // 64 + (6 - 5) + (16 - 13) + (32 - 26) = 74 steps for the four budgets, not 6 + 16 + 32 + 64.
  CHECK(compute_in_runs(branched, "wsd", 5, 64) == 74.0 / 64.0);
  CHECK(compute_in_runs(branched, "wsd", 6, 64) == 74.0 / 64.0);
}

TEST_CASE("sweep: a constant LR trains once for every budget, step 30-60-90 shares 30 %",
          "[example][sweep]") {
  const auto data = synthetic_classification(512, 128, 9, 10);
  auto o = small_sweep_options();
  o.schedules = {"constant", "step", "linear"};
  o.seeds = 1;
  const auto r = run_sweep(data, o);
  REQUIRE(r.size() == 12);
  CHECK(compute_in_runs(r, "constant", 5, 64) == 1.0);
  // step is at its peak while t / T < 0.3: the first 2 of 6, 5 of 16 and 10 of 32 steps.
  CHECK(r[4].shared_steps == 2);
  CHECK(r[5].shared_steps == 5);
  CHECK(r[6].shared_steps == 10);
  CHECK(compute_in_runs(r, "step", 5, 64) == (64.0 + 4 + 11 + 22) / 64.0);
  // linear decays from step 1 on: only step 0 agrees, too little to share.
  CHECK(compute_in_runs(r, "linear", 5, 64) == (6.0 + 16 + 32 + 64) / 64.0);
  for (std::size_t b = 0; b < 4; ++b) {
    auto alone = o;
    alone.budgets = {o.budgets[b]};
    alone.schedules = {"step"};
    check_same_run(r[4 + b], run_sweep(data, alone).at(0));
    alone.schedules = {"constant"};
    check_same_run(r[b], run_sweep(data, alone).at(0));
  }
}

TEST_CASE("sweep: results do not depend on the thread count", "[example][sweep]") {
  const auto data = synthetic_classification(512, 128, 9, 10);
  auto o = small_sweep_options();
  o.schedules = {"wsd", "rex", "onecycle", "wsd(decay=0.5, shape='cosine')"};
  o.seeds = 3;
  const auto one = run_sweep(data, o);
  REQUIRE(one.size() == 4 * 4 * 3);
  for (const int threads : {2, 3, 8}) {
    o.threads = threads;
    const auto many = run_sweep(data, o);
    REQUIRE(many.size() == one.size());
    for (std::size_t i = 0; i < one.size(); ++i) {
      CHECK(many[i].schedule == one[i].schedule);
      CHECK(many[i].seed == one[i].seed);
      CHECK(many[i].shared_steps == one[i].shared_steps);
      check_same_run(many[i], one[i]);
    }
  }
  // Seeds differ from each other.
  CHECK(one[0].loss != one[1].loss);
}

TEST_CASE("sweep: the schedule-free row is one run, evaluated at x at every budget",
          "[example][sweep][schedule_free]") {
  const auto data = synthetic_classification(512, 128, 9, 10);
  auto o = small_sweep_options();
  o.schedules = {schedule_free_name()};
  o.seeds = 1;
  const auto r = run_sweep(data, o);
  REQUIRE(r.size() == 4);
  CHECK(compute_in_runs(r, schedule_free_name(), 5, 64) == 1.0);
  // The same numbers from examples/common/schedule_free_run.hpp, written separately: one run
  // with schedule-free SGD (lr 1, warm-up over 5 % of the full run), x evaluated at each budget.
  schedule_free_config c;
  c.optimizer = "sgd";
  c.lr = 1.0;
  c.warmup_percent = 5;
  const auto points = train_schedule_free(data, o, c);
  REQUIRE(points.size() == 4);
  for (std::size_t b = 0; b < 4; ++b) {
    CHECK(r[b].steps == points[b].steps);
    CHECK(r[b].metrics.test_accuracy == points[b].test_accuracy);
    CHECK(r[b].metrics.test_loss == points[b].test_loss);
    CHECK(r[b].metrics.train_loss == points[b].train_loss);
  }
  // With Adam: schedule-free AdamW at 0.0025; a budget alone gives the same numbers.
  o.optimizer = "adam";
  const auto a = run_sweep(data, o);
  auto alone = o;
  alone.budgets = {50};
  const auto half = run_sweep(data, alone);
  CHECK(half[0].shared_steps == 0);
  check_same_run(a[2], half[0]);
  CHECK(a[2].lr[10] == 0.0025);
}

namespace {

// A task of one's own, as a user writes it: least squares on a scalar, y = w x, with a
// per-step "batch" drawn from the seed and the step.
struct toy_task {
  struct state {
    double w = 0, velocity = 0;
    std::uint64_t seed = 0;
  };
  state init(const candidate& c, std::uint64_t seed) const {
    if (c.schedule_free) throw std::invalid_argument("no schedule-free optimizer here");
    return {0.0, 0.0, seed};
  }
  float step(state& s, lrs::step_t t, double lr, std::optional<double> momentum) const {
    rng r(derive_seed(s.seed, static_cast<std::uint64_t>(t)));
    const double x = r.normal(), y = 3 * x + 0.1 * r.normal();
    const double err = s.w * x - y;
    s.velocity = momentum.value_or(0.9) * s.velocity + err * x;
    s.w -= lr * s.velocity;
    return static_cast<float>(0.5 * err * err);
  }
  run_metrics evaluate(const state& s) const {
    run_metrics m;
    m.test_loss = (s.w - 3) * (s.w - 3);
    m.test_accuracy = -m.test_loss;
    return m;
  }
};

}  // namespace

TEST_CASE("sweep engine: any task; layout errors", "[example][sweep]") {
  sweep_layout l;
  l.budgets = {50, 100};
  l.steps = {100, 200};
  l.seeds = {1, 2};
  const auto make = [](const std::string& spec, lrs::step_t steps) {
    return make_budget_schedule(spec, 0.05, steps);
  };
  const toy_task task;
  const auto r = run_sweep(task, {{"wsd", "wsd", false}, {"cos", "cosine", false}}, l, make);
  REQUIRE(r.size() == 8);
  // WSD over 100 steps is at its peak for t <= 80 (at t = 80, z = 0.8, the decay starts at 1).
  CHECK(r[0].shared_steps == 81);
  CHECK(r[0].metrics.test_loss < 0.05);  // it learns w = 3 (from 0)
  // Branched equals from scratch here too.
  sweep_layout half = l;
  half.budgets = {50};
  half.steps = {100};
  const auto alone = run_sweep(task, {{"wsd", "wsd", false}}, half, make);
  CHECK(alone[0].loss == r[0].loss);
  CHECK(alone[1].metrics.test_loss == r[1].metrics.test_loss);
  CHECK(count_jobs({{"wsd", "wsd", false}, {"cos", "cosine", false}}, l, make) == 2 + 4);

  CHECK_THROWS_WITH(run_sweep(task, {{"sf", "constant", true}}, l, make),
                    "no schedule-free optimizer here");
  l.budgets = {100, 100};
  CHECK_THROWS_WITH(run_sweep(task, {{"wsd", "wsd", false}}, l, make),
                    "run_sweep: budgets must be distinct");
  l.budgets = {50, 100};
  l.steps = {0, 200};
  CHECK_THROWS_WITH(run_sweep(task, {{"wsd", "wsd", false}}, l, make),
                    "run_sweep: steps must be >= 1, got 0");
  l.steps = {100, 200};
  l.seeds.clear();
  CHECK_THROWS_WITH(run_sweep(task, {{"wsd", "wsd", false}}, l, make),
                    "run_sweep: need at least one seed");
}

TEST_CASE("stats: mean, sample sd, Student t quantiles from SciPy", "[example][stats]") {
  CHECK(mean({1, 2, 3, 4}) == 2.5);
  CHECK_THAT(sample_sd({1, 2, 3, 4}), WithinRel(std::sqrt(5.0 / 3.0), 1e-15));
  CHECK(sample_sd({7}) == 0);
  CHECK(std::isnan(mean({})));
  // scipy.stats.t.ppf(0.95, df), tests/data/examples/student_t.txt
  CHECK(student_t_95(1) == 6.313752);
  CHECK(student_t_95(2) == 2.919986);
  CHECK(student_t_95(30) == 1.697261);
  CHECK_THAT(student_t_95(31), WithinAbs(1.695519, 4e-5));
  CHECK_THAT(student_t_95(40), WithinAbs(1.683851, 4e-5));
  CHECK_THAT(student_t_95(60), WithinAbs(1.670649, 1e-5));
  CHECK_THAT(student_t_95(120), WithinAbs(1.657651, 1e-5));
  CHECK_THAT(student_t_95(1000), WithinAbs(1.646379, 1e-6));
  CHECK_THROWS_WITH(student_t_95(0), "student_t_95: df must be >= 1, got 0");
}

TEST_CASE("stats: the lead counts only beyond the noise (paired one-sided t-test)",
          "[example][stats]") {
  // scipy.stats.ttest_rel(a, b, alternative='greater'), tests/data/examples/student_t.txt
  CHECK(significantly_greater({83.1, 84.0, 83.5}, {82.0, 83.1, 82.2}));        // p = 0.0054
  CHECK_FALSE(significantly_greater({80.0, 81.0, 82.0}, {79.5, 81.2, 81.4}));  // p = 0.18
  CHECK(significantly_greater({1.0, 2.0, 3.0}, {0.3, 1.0, 2.55}));             // p = 0.023
  CHECK_FALSE(significantly_greater({87.1, 87.3, 86.9, 87.6}, {86.8, 87.4, 86.5, 87.2}));  // 0.063
  CHECK(significantly_greater({2, 3, 4}, {1, 2, 3}));        // no spread, positive lead
  CHECK_FALSE(significantly_greater({1, 2, 3}, {1, 2, 3}));  // equal
  CHECK_FALSE(significantly_greater({5}, {1}));              // one seed: no noise estimate
  CHECK_THROWS_AS(significantly_greater({1, 2}, {1}), std::invalid_argument);
  // best_rows: the leader and every row it does not beat significantly.
  const std::vector<std::vector<double>> rows = {{83.1, 84.0, 83.5},   // lead, mean 83.53
                                                 {82.0, 83.1, 82.2},   // beaten (p = 0.0054)
                                                 {83.0, 83.3, 83.6}};  // tied
  CHECK(best_rows(rows) == std::vector<bool>{true, false, true});
  CHECK(best_rows({{1}, {2}, {0}}) == std::vector<bool>{true, true, true});  // one seed: all tied
  CHECK(best_rows({}).empty());
}

}  // namespace sweep_engine_test
