// SPDX-License-Identifier: MIT
// A one-dimensional quadratic model as an AutoLRS trainer, and the small AutoLRS options, for
// controller, state, resume and fuzz tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <lrs/controllers/autolrs.hpp>

namespace lrs_test {

/// The AutoLRS options the state, resume and fuzz tests share: LRs in [1e-3, 0.5], tau 160 growing
/// to 640, 3 candidates and a 64-point acquisition grid, so that a test runs several searches in
/// a few hundred steps.
inline lrs::autolrs_options small_autolrs_options(std::uint64_t seed) {
  lrs::autolrs_options o;
  o.min_lr = 1e-3;
  o.max_lr = 0.5;
  o.tau = 160;
  o.tau_max = 640;
  o.candidates = 3;
  o.seed = seed;
  o.acquisition_grid = 64;
  return o;
}

/// The model w <- w - lr w from w = 4, with training loss 0.5 w^2 + 0.01 + wobble sin(1000 w)
/// and validation loss 0.5 w^2 + 0.02 (offered when `validation`). At most `max_steps` losses
/// per train() call (a fuzzer bounds its work with it).
struct quadratic_trainer : lrs::autolrs_trainer {
  double w = 4.0, saved = 4.0;
  double wobble = 0.0;
  bool validation = false;
  lrs::step_t max_steps = std::numeric_limits<lrs::step_t>::max();

  void save_checkpoint() override { saved = w; }
  void restore_checkpoint() override { w = saved; }
  std::vector<double> train(lrs::step_t steps, double lr) override {
    std::vector<double> out;
    for (lrs::step_t i = 0; i < steps && i < max_steps; ++i) {
      w -= lr * w;
      out.push_back(0.5 * w * w + 0.01 + (wobble != 0.0 ? wobble * std::sin(w * 1e3) : 0.0));
    }
    return out;
  }
  bool has_validation() const override { return validation; }
  double validation_loss() override {
    return validation ? 0.5 * w * w + 0.02 : std::numeric_limits<double>::quiet_NaN();
  }
  /// The model and its checkpoint, for comparing two trainers.
  std::vector<double> values() const { return {w, saved}; }
};

}  // namespace lrs_test
