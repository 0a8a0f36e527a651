// SPDX-License-Identifier: MIT
// The controllers' options structs: one chainable with_<field> setter per field (the C++17 form of
// designated initializers); each chain below sets every field to a value other than its default
// and reads each back.
#include <lrs/controllers.hpp>

#include "catch.hpp"

TEST_CASE("plateau_options: with_ setters set every field and chain", "[controller][options]") {
  const auto o = lrs::plateau_options<double>{}
                     .with_mode(lrs::plateau_mode::max)
                     .with_factor(0.5)
                     .with_patience(3)
                     .with_threshold(0.01)
                     .with_threshold_mode(lrs::threshold_mode::abs)
                     .with_cooldown(2)
                     .with_min_lr(1e-5)
                     .with_min_factor(0.125)
                     .with_eps(1e-9);
  CHECK(o.mode == lrs::plateau_mode::max);
  CHECK(o.factor == 0.5);
  CHECK(o.patience == 3);
  CHECK(o.threshold == 0.01);
  CHECK(o.threshold_mode == lrs::threshold_mode::abs);
  CHECK(o.cooldown == 2);
  CHECK(o.min_lr == 1e-5);
  CHECK(o.min_factor == 0.125);
  CHECK(o.eps == 1e-9);
  // A constant expression, and the defaults stay those of PyTorch's ReduceLROnPlateau.
  constexpr auto c = lrs::plateau_options<float>{}.with_patience(7);
  static_assert(c.patience == 7 && c.factor == 0.1f && c.cooldown == 0);
  // The controllers take the chain as they take a filled struct.
  lrs::reduce_lr_on_plateau<double> p(
      1.0, lrs::plateau_options<double>{}.with_factor(0.5).with_patience(0));
  CHECK(p.observe(1.0) == 1.0);
  CHECK(p.observe(1.0) == 0.5);  // patience 0: the first bad epoch cuts by the factor
}

TEST_CASE("autolrs_options: with_ setters set every field and chain", "[controller][options]") {
  const auto o = lrs::autolrs_options{}
                     .with_min_lr(1e-4)
                     .with_max_lr(1e-1)
                     .with_tau(200)
                     .with_tau_prime(20)
                     .with_candidates(4)
                     .with_tau_max(1600)
                     .with_kappa(2.0)
                     .with_seed(42)
                     .with_acquisition_grid(64)
                     .with_max_reasks(3)
                     .with_normalization(lrs::gp_normalization::mean);
  CHECK(o.min_lr == 1e-4);
  CHECK(o.max_lr == 1e-1);
  CHECK(o.tau == 200);
  CHECK(o.tau_prime == 20);
  CHECK(o.candidates == 4);
  CHECK(o.tau_max == 1600);
  CHECK(o.kappa == 2.0);
  CHECK(o.seed == 42);
  CHECK(o.acquisition_grid == 64);
  CHECK(o.max_reasks == 3);
  CHECK(o.normalization == lrs::gp_normalization::mean);
}

TEST_CASE("lanczos_lr_options: with_ setters set every field and chain", "[controller][options]") {
  const auto o = lrs::lanczos_lr_options<double>{}
                     .with_first_step(10)
                     .with_lanczos_steps(5)
                     .with_learner(lrs::curvature_learner::heavy_ball)
                     .with_mu(lrs::mu_rule::median)
                     .with_formula(lrs::momentum_formula::granziol_code)
                     .with_initial_lr(0.01)
                     .with_initial_momentum(0.9)
                     .with_seed(7)
                     .with_on_failure(lrs::curvature_failure::keep_previous);
  CHECK(o.first_step == 10);
  CHECK(o.lanczos_steps == 5);
  CHECK(o.learner == lrs::curvature_learner::heavy_ball);
  CHECK(o.mu == lrs::mu_rule::median);
  CHECK(o.formula == lrs::momentum_formula::granziol_code);
  CHECK(o.initial_lr == 0.01);
  CHECK(o.initial_momentum == 0.9);
  CHECK(o.seed == 7);
  CHECK(o.on_failure == lrs::curvature_failure::keep_previous);
}
