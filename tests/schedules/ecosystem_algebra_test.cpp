// SPDX-License-Identifier: MIT
// The ecosystems' schedules as compositions of lrs's schedule algebra. The ports in lrs::hf,
// lrs::timm and lrs::keras evaluate each library's own formula, in its order of operations, so
// that they match it to the last bit; here each is checked against the two-line composition that
// says what it is (a warm-up in front of a decay), to rounding. Their numbers against the
// libraries themselves are checked in hf_test, timm_test, keras_test and optax_test.
#include <algorithm>
#include <cmath>
#include <string>

#include <lrs/lrs.hpp>

#include "catch.hpp"

namespace {

/// max over t in [0, n) of |a(t) - b(t)| / max(|b(t)|, floor). Near the end of a cosine,
/// 1 + cos(pi p) cancels: one rounding of p moves a value of 1e-9 of the peak by 1e-7 of itself,
/// so the floor is a small fraction of the peak there.
template <class A, class B>
double max_rel_error(const A& a, const B& b, lrs::step_t n, double floor) {
  double worst = 0;
  for (lrs::step_t t = 0; t < n; ++t) {
    const double x = static_cast<double>(a(t));
    const double y = static_cast<double>(b(t));
    worst = std::max(worst, std::fabs(x - y) / std::max(std::fabs(y), floor));
  }
  return worst;
}

lrs::warmup_options<double> from(double start) {
  lrs::warmup_options<double> o;
  o.warmup_shape = lrs::warmup_shape::linear;
  o.warmup_start = start;
  return o;
}

}  // namespace

TEST_CASE("Hugging Face's warm-up schedules are with_warmup in front of a decay",
          "[ecosystem][algebra][hf]") {
  const double lr = 3e-4;
  for (const auto& [w, n] : {std::pair<lrs::step_t, lrs::step_t>{10, 100}, {1, 50}, {250, 1000}}) {
    INFO("warm-up " << w << ", total " << n);
    // lambda(t) = t / w, then (N - t) / (N - w), 0 from N on.
    const auto linear = lrs::with_warmup(lrs::linear_decay(lr, n - w), w, from(0.0));
    CHECK(max_rel_error(lrs::hf::get_linear_schedule_with_warmup(lr, w, n), linear, 2 * n,
                        1e-4 * lr) < 1e-12);
    // Half a cosine from lr to 0 over N - w steps; transformers' rises again past N, so the
    // comparison stops there.
    const auto cosine = lrs::with_warmup(lrs::cosine_decay(lr, n - w, 0.0), w, from(0.0));
    CHECK(max_rel_error(lrs::hf::get_cosine_schedule_with_warmup(lr, w, n), cosine, n + 1,
                        1e-4 * lr) < 1e-12);
    // Constant after a warm-up from 0.
    const auto constant = lrs::with_warmup(lrs::constant<double>(lr), w, from(0.0));
    CHECK(max_rel_error(lrs::hf::get_constant_schedule_with_warmup(lr, w), constant, 2 * n,
                        1e-4 * lr) < 1e-12);
  }
}

TEST_CASE("timm's CosineLRScheduler with warmup_prefix is with_warmup in front of a cosine",
          "[ecosystem][algebra][timm]") {
  const double lr = 0.1, lr_min = 1e-5, warmup_lr_init = 1e-4;
  const lrs::step_t t_initial = 200, warmup_t = 20;
  const lrs::timm::cosine_lr_scheduler<double> timm(
      lr, t_initial, lr_min, /*cycle_mul=*/1.0, /*cycle_decay=*/1.0, /*cycle_limit=*/1, warmup_t,
      warmup_lr_init, /*warmup_prefix=*/true, /*t_in_epochs=*/false);
  const auto algebra =
      lrs::with_warmup(lrs::cosine_decay(lr, t_initial, lr_min), warmup_t, from(warmup_lr_init));
  // Past the single cycle timm gives lr_min, as the cosine decay holds its floor.
  CHECK(max_rel_error(timm, algebra, 2 * (t_initial + warmup_t), 1e-4 * lr) < 1e-12);
}

TEST_CASE("Keras's CosineDecay with a warm-up target is with_warmup in front of a cosine",
          "[ecosystem][algebra][keras]") {
  const double initial = 0.0, target = 0.1, alpha = 0.05;
  const lrs::step_t warmup = 1000, decay = 5000;
  const lrs::keras::cosine_decay<double> keras(initial, static_cast<double>(decay), alpha, target,
                                               static_cast<double>(warmup));
  const auto algebra =
      lrs::with_warmup(lrs::cosine_decay(target, decay, alpha * target), warmup, from(initial));
  CHECK(max_rel_error(keras, algebra, 2 * (warmup + decay), 1e-4 * target) < 1e-12);
}

TEST_CASE("optax's warm-up schedules are lrs::join of a linear warm-up and a decay",
          "[ecosystem][algebra][optax]") {
  const double peak = 1e-3, end = 1e-5;
  const lrs::step_t warmup = 100, decay = 1000;
  const auto optax = lrs::optax::warmup_cosine_decay_schedule(0.0, peak, warmup, decay, end);
  const auto algebra =
      lrs::with_warmup(lrs::cosine_decay(peak, decay - warmup, end), warmup, from(0.0));
  CHECK(max_rel_error(optax, algebra, 2 * decay, 1e-4 * peak) < 1e-12);
}
