// SPDX-License-Identifier: MIT
// Batch-size scaling rules and the schedule rescaler, against hand-computed values.
#include <cmath>
#include <limits>
#include <string>

#include <lrs/analysis/batch_size.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>
#include <lrs/schedules/step_lr.hpp>

#include "catch.hpp"
#include "tolerance.hpp"

TEMPLATE_TEST_CASE("linear rule scales the LR with B/B0", "[analysis][batch_size]", float, double) {
  using T = TestType;
  const T tol = tolerance<T>::rel;
  // lr0 = 0.1 at B0 = 128: 0.1 * 512/128 = 0.4, 0.1 * 32/128 = 0.025.
  CHECK_THAT(lrs::linear_scaled_lr(T(0.1), 128, 512), WithinRel(T(0.4), tol));
  CHECK_THAT(lrs::linear_scaled_lr(T(0.1), 128, 32), WithinRel(T(0.025), tol));
  CHECK_THAT(lrs::linear_scaled_lr(T(0.1), 128, 128), WithinRel(T(0.1), tol));
  CHECK_THAT(lrs::batch_scale_factor<T>(lrs::batch_rule::linear, 100, 300), WithinRel(T(3), tol));
}

TEMPLATE_TEST_CASE("square-root rule scales the LR with sqrt(B/B0)", "[analysis][batch_size]",
                   float, double) {
  using T = TestType;
  const T tol = tolerance<T>::rel;
  // lr0 = 1e-3 at B0 = 128: sqrt(4) = 2, sqrt(1/4) = 1/2, sqrt(8) = 2.8284271247461903.
  CHECK_THAT(lrs::sqrt_scaled_lr(T(1e-3), 128, 512), WithinRel(T(0.002), tol));
  CHECK_THAT(lrs::sqrt_scaled_lr(T(1e-3), 128, 32), WithinRel(T(0.0005), tol));
  CHECK_THAT(lrs::sqrt_scaled_lr(T(1e-3), 128, 1024), WithinRel(T(0.0028284271247461905), 4 * tol));
}

TEST_CASE("the cap bounds the scaled LR and leaves smaller values alone",
          "[analysis][batch_size]") {
  CHECK(lrs::linear_scaled_lr(0.1, 128, 4096, 1.0) == 1.0);  // 3.2 capped at 1
  CHECK_THAT(lrs::linear_scaled_lr(0.1, 128, 1024, 1.0), WithinRel(0.8, 1e-15));
  CHECK(lrs::sqrt_scaled_lr(1e-3, 128, 128 * 100, 5e-3) == 5e-3);  // 1e-2 capped
  CHECK_THAT(lrs::batch_scaled_lr(lrs::batch_rule::square_root, 1e-3, 128, 512, 5e-3),
             WithinRel(0.002, 1e-15));
}

TEST_CASE("batch scaling rejects bad batch sizes, LRs and caps", "[analysis][batch_size][error]") {
  CHECK_THROWS_AS(lrs::linear_scaled_lr(0.1, 0, 512), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::linear_scaled_lr(0.1, 128, -4), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::sqrt_scaled_lr(0.0, 128, 512), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::sqrt_scaled_lr(std::nan(""), 128, 512), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::linear_scaled_lr(0.1, 128, 512, 0.0), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::linear_scaled_lr(0.1, 128, 512, std::nan("")), lrs::invalid_argument);
  try {
    (void)lrs::linear_scaled_lr(0.1, 128, 0);
    FAIL("no exception");
  } catch (const lrs::invalid_argument& e) {
    CHECK(std::string(e.what()) == "lrs::batch_scale_factor: batch must be > 0, got 0");
  }
}

TEST_CASE("rescale_for_batch multiplies the whole schedule", "[analysis][batch_size][schedule]") {
  const lrs::cosine_annealing_lr<double> base(0.1, 90);
  const auto s = lrs::rescale_for_batch(base, lrs::batch_rule::linear, 128, 512);
  static_assert(lrs::is_schedule_v<decltype(s)>);
  CHECK(s.factor() == 4.0);
  // Cosine annealing: 0.1 at t=0, 0.05 at t=45, 0 at t=90; all times 4.
  CHECK_THAT(s(0), WithinRel(0.4, 1e-15));
  CHECK_THAT(s(45), WithinRel(0.2, 1e-14));
  CHECK_THAT(s(90), WithinAbs(0.0, 1e-16));
  const auto t = GENERATE(range(0, 90, 7));
  CHECK_THAT(s(t), WithinRel(4.0 * base(t), 1e-15));
}

TEST_CASE("rescale_for_batch caps every step and accepts lambdas", "[analysis][batch_size]") {
  const auto warm = [](lrs::step_t t) { return 0.01 * double(t + 1); };  // 0.01, 0.02, ...
  const auto s = lrs::rescale_for_batch(warm, lrs::batch_rule::square_root, 64, 256, 0.05);
  // factor sqrt(4) = 2: 0.02, 0.04, then 0.06 -> capped at 0.05.
  CHECK_THAT(s(0), WithinRel(0.02, 1e-15));
  CHECK_THAT(s(1), WithinRel(0.04, 1e-15));
  CHECK(s(2) == 0.05);
  CHECK(s(50) == 0.05);
  const auto staircase =
      lrs::rescale_for_batch(lrs::step_lr<float>(0.1f, 10), lrs::batch_rule::linear, 256, 64);
  CHECK_THAT(staircase(0), WithinRel(0.025f, 1e-6f));
  CHECK_THAT(staircase(10), WithinRel(0.0025f, 1e-6f));
  CHECK_THROWS_AS(lrs::rescale_for_batch(warm, lrs::batch_rule::linear, 64, 0),
                  lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::rescale_for_batch(warm, lrs::batch_rule::linear, 64, 128, -1.0),
                  lrs::invalid_argument);
}

TEST_CASE("rescale_for_batch keeps a cycled momentum", "[analysis][batch_size]") {
  struct cycled {
    double operator()(lrs::step_t t) const { return 0.1 / double(t + 1); }
    double momentum(lrs::step_t t) const { return t % 2 == 0 ? 0.85 : 0.95; }
  };
  const auto s = lrs::rescale_for_batch(cycled{}, lrs::batch_rule::linear, 32, 64);
  static_assert(lrs::has_momentum_v<decltype(s)>);
  CHECK(s.momentum(0) == 0.85);
  CHECK(s.momentum(1) == 0.95);
  CHECK_THAT(s(1), WithinRel(0.1, 1e-15));
  const auto plain =
      lrs::rescale_for_batch(lrs::step_lr<double>(0.1, 10), lrs::batch_rule::linear, 32, 64);
  static_assert(!lrs::has_momentum_v<decltype(plain)>);
}
