// SPDX-License-Identifier: MIT
// One vocabulary: the new spellings (warmup_shape, past_end, rex(peak, T, d, opts), sequential
// schedules-first, plateau_options) give the same numbers as the older ones they replace.
#include <string>
#include <tuple>
#include <vector>

#include <lrs/controllers/reduce_lr_on_plateau.hpp>
#include <lrs/core/vocabulary.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/sequential.hpp>
#include <lrs/schedules/step_lr.hpp>

#include "catch.hpp"

namespace {
using lrs::step_t;

template <class A, class B>
void check_same(const A& a, const B& b, step_t n) {
  for (step_t t = 0; t < n; ++t) {
    INFO("step " << t);
    REQUIRE(a(t) == b(t));
  }
}
}  // namespace

TEST_CASE("budget_options: warmup_shape and past_end are the older warmup and after_end",
          "[vocabulary][budgeted]") {
  for (const auto shape :
       {lrs::warmup_shape::linear, lrs::warmup_shape::cosine, lrs::warmup_shape::exponential}) {
    for (const auto end : {lrs::past_end::hold, lrs::past_end::floor, lrs::past_end::cycle}) {
      lrs::budget_options<double> older, newer;
      older.min_lr = newer.min_lr = 0.01;
      older.warmup_steps = newer.warmup_steps = 20;
      older.warmup_start = newer.warmup_start = 1e-3;
      older.warmup = shape;
      older.after_end = end;
      newer.warmup_shape = shape;
      newer.past_end = end;
      const auto a = lrs::cosine_decay(0.5, 200, older);
      const auto b = lrs::cosine_decay(0.5, 200, newer);
      check_same(a, b, 700);
      CHECK(b.warmup_shape() == shape);
      CHECK(b.warmup() == shape);
      CHECK(b.past_end() == end);
      CHECK(b.after_end() == end);
    }
  }
  lrs::budget_options<double> both;
  both.warmup_shape = lrs::warmup_shape::cosine;
  both.warmup = lrs::warmup_shape::exponential;
  both.warmup_steps = 5;
  CHECK_THROWS_WITH(lrs::cosine_decay(0.5, 200, both),
                    "lrs::budgeted: warmup (the older name of warmup_shape) must be unset or "
                    "equal to warmup_shape (cosine), got exponential");
}

TEST_CASE("rex: numbers before the options, the older order still reads",
          "[vocabulary][budgeted]") {
  lrs::budget_options<double> o;
  o.min_lr = 0.002;
  o.sample_every = 5;
  check_same(lrs::rex(0.1, 300, 0.9, o), lrs::rex(0.1, 300, o, 0.9), 400);
  check_same(lrs::rex(0.1, 300, 0.5), lrs::rex(0.1, 300), 400);
  check_same(lrs::rex(0.1, 300, o), lrs::rex(0.1, 300, 0.5, o), 400);
}

TEST_CASE("linear_decay and cosine_decay take min_lr as a number too", "[vocabulary][budgeted]") {
  lrs::budget_options<double> o;
  o.min_lr = 0.003;
  check_same(lrs::cosine_decay(0.03, 190, 0.003), lrs::cosine_decay(0.03, 190, o), 300);
  check_same(lrs::linear_decay(0.03, 190, 0.003), lrs::linear_decay(0.03, 190, o), 300);
  check_same(lrs::cosine_decay(0.03, 190, 0.0), lrs::cosine_decay(0.03, 190), 300);
  CHECK(lrs::cosine_decay(0.03, 190, 0.003)(1000) == 0.003);
}

TEST_CASE("sequential: schedules first like dynamic_sequential, milestones-first still reads",
          "[vocabulary][sequential]") {
  const lrs::sequential older({4, 9}, lrs::constant(0.5), lrs::step_lr(1.0, 2, 0.5),
                              lrs::constant(0.1));
  const lrs::sequential newer(
      std::tuple{lrs::constant(0.5), lrs::step_lr(1.0, 2, 0.5), lrs::constant(0.1)}, {4, 9});
  check_same(older, newer, 30);
}

TEST_CASE("reduce_lr_on_plateau takes plateau_options: the same controller as nine positionals",
          "[vocabulary][controller]") {
  lrs::plateau_options<double> o;
  o.mode = lrs::plateau_mode::max;
  o.factor = 0.3;
  o.patience = 1;
  o.threshold = 0.01;
  o.threshold_mode = lrs::threshold_mode::abs;
  o.cooldown = 2;
  o.min_lr = 0.004;
  o.eps = 1e-6;
  lrs::reduce_lr_on_plateau<double> named(0.1, o);
  lrs::reduce_lr_on_plateau<double> positional(0.1, lrs::plateau_mode::max, 0.3, 1, 0.01,
                                               lrs::threshold_mode::abs, 2, 0.004, 1e-6);
  const std::vector<double> accuracy = {0.5,  0.6,  0.6,  0.605, 0.61, 0.7,  0.69, 0.69,
                                        0.69, 0.69, 0.69, 0.69,  0.69, 0.69, 0.69, 0.69};
  for (const double m : accuracy) CHECK(named.observe(m) == positional.observe(m));
  CHECK(named.state() == positional.state());
  CHECK(named.lr() == 0.004);  // reached the floor
}
