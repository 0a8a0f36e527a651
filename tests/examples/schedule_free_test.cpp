// SPDX-License-Identifier: MIT
// The schedule-free run behind examples/schedule_free: checkpoints at the sweep's budget steps,
// evaluation on the way that changes nothing, determinism, training that learns.
#include <cmath>
#include <stdexcept>
#include <vector>

#include "../examples/common/schedule_free_run.hpp"
#include "catch.hpp"

// A namespace of its own: its using-directives and helpers stay out of the other test files
// when several are compiled as one unit.
namespace example_schedule_free_test {

using namespace lrs_example;

namespace {

sweep_options tiny() {
  sweep_options o;
  o.epochs = 2;
  o.hidden = 16;
  o.batch = 32;
  o.budgets = {100, 25, 50};
  return o;
}

}  // namespace

TEST_CASE("train_schedule_free: checkpoints, exact eval round trips, determinism",
          "[example][schedule_free]") {
  const train_test data = synthetic_classification(640, 200);
  const sweep_options o = tiny();
  for (const char* kind : {"sgd", "adamw"}) {
    INFO(kind);
    schedule_free_config c;
    c.optimizer = kind;
    c.lr = std::string(kind) == "sgd" ? 0.2 : 0.01;
    const auto pts = train_schedule_free(data, o, c);
    REQUIRE(pts.size() == 3);
    // Sorted by steps; each at the steps a scheduled run of that budget gets.
    CHECK(pts[0].budget == 25);
    CHECK(pts[1].budget == 50);
    CHECK(pts[2].budget == 100);
    for (const auto& p : pts) CHECK(p.steps == budget_steps(o, data, p.budget));
    CHECK(pts[2].steps == 40);
    // It learns: below the loss of a uniform guess, ln 10.
    CHECK(pts[2].train_loss < std::log(10.0) - 0.1);
    // Same numbers again.
    const auto again = train_schedule_free(data, o, c);
    CHECK(again[2].test_accuracy == pts[2].test_accuracy);
    CHECK(again[2].train_loss == pts[2].train_loss);
    // Evaluating at x on the way (eval, then train) changes nothing: one checkpoint only gives
    // the same final numbers bit for bit.
    sweep_options only_end = o;
    only_end.budgets = {100};
    const auto end = train_schedule_free(data, only_end, c);
    REQUIRE(end.size() == 1);
    CHECK(end[0].test_loss == pts[2].test_loss);
    CHECK(end[0].train_loss == pts[2].train_loss);
  }
  schedule_free_config bad;
  bad.optimizer = "lamb";
  CHECK_THROWS_AS(train_schedule_free(data, o, bad), std::invalid_argument);
}

}  // namespace example_schedule_free_test
