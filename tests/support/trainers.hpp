// SPDX-License-Identifier: MIT
// A one-dimensional quadratic model as an AutoLRS trainer, for controller, state and resume tests.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include <lrs/controllers/autolrs.hpp>

namespace lrs_test {

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
