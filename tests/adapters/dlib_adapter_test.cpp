// SPDX-License-Identifier: MIT
// The dlib adapter: the LR a dnn_trainer uses at each update.
#include <cmath>
#include <vector>

#include <dlib/dnn.h>

#include <lrs/adapters/dlib.hpp>
#include <lrs/lrs.hpp>

#include "catch.hpp"

namespace {

constexpr double pi = 3.14159265358979323846;

// One weight w, one sample x = 1 with target 0, dlib's squared loss: its gradient is out - y = w
// (loss.h gives the output gradient without the factor 2), so a plain SGD update (no momentum,
// no weight decay) gives w' = w (1 - lr). The LR the trainer used is read back from the weight:
// lr = 1 - w'/w.
using net_type = dlib::loss_mean_squared<dlib::fc_no_bias<1, dlib::input<dlib::matrix<float>>>>;

struct rig {
  net_type net;
  dlib::dnn_trainer<net_type> trainer{net, dlib::sgd(0, 0)};
  std::vector<dlib::matrix<float>> x{dlib::matrix<float>(1, 1)};
  std::vector<float> y{0.0f};

  rig() {
    x[0](0, 0) = 1.0f;
    net(x[0]);  // allocates the weight
    weight() = 1.0f;
  }
  float& weight() { return dlib::layer<1>(net).layer_details().get_layer_params().host()[0]; }
  // One update; returns the LR it used.
  double step() {
    trainer.get_net();  // waits for the worker thread: the previous update is done
    const double before = weight();
    trainer.train_one_step(x, y);
    trainer.get_net();
    return 1.0 - double(weight()) / before;
  }
};

template <class Schedule>
void check_trainer_follows(const Schedule& schedule, const std::vector<double>& expected) {
  rig r;
  lrs::adapters::dlib_scheduler sched(r.trainer, schedule);
  for (std::size_t k = 0; k < expected.size(); ++k) {
    INFO("step " << k);
    CHECK(sched.current_step() == static_cast<lrs::step_t>(k));
    CHECK_THAT(r.trainer.get_learning_rate(), WithinRel(expected[k], 1e-12));
    CHECK_THAT(r.step(), WithinRel(expected[k], 1e-4));  // float weights
    sched.step();
  }
}

}  // namespace

TEST_CASE("dlib_scheduler: each update uses the schedule's value", "[adapter][dlib]") {
  SECTION("StepLR(step_size=3, gamma=0.5)") {
    std::vector<double> expected;
    for (int k = 0; k < 8; ++k) expected.push_back(0.1 * std::pow(0.5, k / 3));
    check_trainer_follows(lrs::step_lr(0.1, 3, 0.5), expected);
  }
  SECTION("SequentialLR: linear warmup over 3 steps, then CosineAnnealingLR(T_max=6, 0.001)") {
    const auto warmup = [](lrs::step_t t) { return 0.1 * double(t + 1) / 3.0; };
    const lrs::sequential schedule(std::tuple{warmup, lrs::cosine_annealing_lr(0.1, 6, 0.001)},
                                   {3});
    std::vector<double> expected;
    for (int k = 0; k < 9; ++k)
      expected.push_back(k < 3 ? 0.1 * (k + 1) / 3.0
                               : 0.001 + 0.099 * (1 + std::cos(pi * (k - 3) / 6)) / 2);
    check_trainer_follows(schedule, expected);
  }
  SECTION("REX over 8 steps with a floor") {
    lrs::budget_options<double> opts;
    opts.min_lr = 0.002;
    std::vector<double> expected;
    for (int k = 0; k < 8; ++k) {
      const double p = k / 8.0;
      expected.push_back(0.002 + 0.098 * (1 - p) / (1 - p / 2));
    }
    check_trainer_follows(lrs::rex(0.1, 8, opts), expected);
  }
}

TEST_CASE("dlib_scheduler: resuming at step k gives the values of an uninterrupted run",
          "[adapter][dlib]") {
  const auto schedule = lrs::cosine_annealing_lr(0.1, 10, 0.01);
  rig a;
  lrs::adapters::dlib_scheduler sa(a.trainer, schedule);
  std::vector<double> used_a;
  for (int k = 0; k < 10; ++k) {
    used_a.push_back(a.step());
    sa.step();
  }
  rig b;
  std::vector<double> used_b;
  {
    lrs::adapters::dlib_scheduler sb(b.trainer, schedule);
    for (int k = 0; k < 4; ++k) {
      used_b.push_back(b.step());
      sb.step();
    }
  }
  lrs::adapters::dlib_scheduler resumed(b.trainer, schedule, 4);
  for (int k = 4; k < 10; ++k) {
    used_b.push_back(b.step());
    resumed.step();
  }
  for (int k = 0; k < 10; ++k) {
    INFO("step " << k);
    CHECK(used_b[k] == used_a[k]);
    CHECK_THAT(used_a[k], WithinRel(0.01 + 0.09 * (1 + std::cos(pi * k / 10)) / 2, 1e-4));
  }
  CHECK(a.weight() == b.weight());
}

TEST_CASE("dlib_learning_rates: the matrix for set_learning_rate_schedule, and dlib's lag",
          "[adapter][dlib]") {
  const auto m = lrs::adapters::dlib_learning_rates(lrs::step_lr(0.1, 2, 0.5), 6);
  REQUIRE(m.size() == 6);
  for (long j = 0; j < 6; ++j) CHECK_THAT(m(j), WithinRel(0.1 * std::pow(0.5, j / 2), 1e-15));
  const auto shifted = lrs::adapters::dlib_learning_rates(lrs::step_lr(0.1, 2, 0.5), 2, 3);
  CHECK_THAT(shifted(0), WithinRel(0.05, 1e-15));
  CHECK_THAT(shifted(1), WithinRel(0.025, 1e-15));

  // dlib 19.24 applies m(0) to its first two updates and m(j - 1) to update j.
  rig r;
  r.trainer.set_learning_rate_schedule(m);
  std::vector<double> used;
  for (int k = 0; k < 6; ++k) used.push_back(r.step());
  CHECK_THAT(used[0], WithinRel(m(0), 1e-4));
  for (int j = 1; j < 6; ++j) {
    INFO("update " << j);
    CHECK_THAT(used[j], WithinRel(m(j - 1), 1e-4));
  }
}

TEST_CASE("dlib adapter: bad input is rejected and changes nothing", "[adapter][dlib][error]") {
  CHECK_THROWS_WITH(lrs::adapters::dlib_learning_rates(lrs::cosine_annealing_lr(0.1, 4), 6),
                    "lrs::dlib_learning_rates: lr at step 4 must be > 0 (dlib's trainer rejects "
                    "0), got 0");
  CHECK_THROWS_WITH(lrs::adapters::dlib_learning_rates(lrs::step_lr(0.1, 2), 0),
                    "lrs::dlib_learning_rates: count must be > 0, got 0");
  CHECK_THROWS_AS(lrs::adapters::dlib_learning_rates(lrs::step_lr(0.1, 2), 3, -1),
                  lrs::invalid_argument);
  rig r;
  r.trainer.set_learning_rate(0.5);
  CHECK_THROWS_WITH(lrs::adapters::set_dlib_learning_rate(r.trainer, 0.0),
                    "lrs::set_dlib_learning_rate: lr must be > 0 (dlib's trainer rejects 0), "
                    "got 0");
  CHECK_THROWS_AS(lrs::adapters::set_dlib_learning_rate(r.trainer, std::nan("")),
                  lrs::invalid_argument);
  CHECK(r.trainer.get_learning_rate() == 0.5);
  lrs::adapters::set_dlib_learning_rate(r.trainer, 0.25);
  CHECK(r.trainer.get_learning_rate() == 0.25);

  // Cosine to 0 at step 2: the scheduler refuses to step onto it and stays at step 1.
  lrs::adapters::dlib_scheduler sched(r.trainer, lrs::cosine_annealing_lr(0.1, 2));
  sched.step();
  CHECK_THROWS_WITH(sched.step(),
                    "lrs::dlib_scheduler: lr at step 2 must be > 0 (dlib's trainer rejects 0), "
                    "got 0");
  CHECK(sched.current_step() == 1);
  CHECK_THAT(r.trainer.get_learning_rate(), WithinRel(0.05, 1e-12));
  CHECK_THROWS_AS(lrs::adapters::dlib_scheduler(r.trainer, lrs::step_lr(0.1, 2), -1),
                  lrs::invalid_argument);
}
