// SPDX-License-Identifier: MIT
// One schedule-free run of the demo's MLP, evaluated at x at several budgets
// (examples/schedule_free).
#ifndef LRS_EXAMPLES_COMMON_SCHEDULE_FREE_RUN_HPP
#define LRS_EXAMPLES_COMMON_SCHEDULE_FREE_RUN_HPP

#include <algorithm>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <lrs/core/types.hpp>
#include <lrs/optim/schedule_free.hpp>

#include "fashion_mnist.hpp"
#include "mlp.hpp"
#include "random.hpp"
#include "sweep.hpp"

namespace lrs_example {

/// A schedule-free run: the optimizer, its LR after the warm-up, and the warm-up length.
struct schedule_free_config {
  std::string optimizer = "sgd";  ///< "sgd" (lrs::sgd_schedule_free) or "adamw"
  double lr = 1.0;            ///< after the warm-up (the authors' defaults: 1.0 SGD, 0.0025 AdamW)
  double warmup_percent = 5;  ///< linear warm-up (k+1)/W over this % of the full budget
};

/// Where a run was evaluated: at x, the averaged point (opt.eval), after `steps` updates.
struct schedule_free_point {
  double budget = 0;  ///< percent of the full run
  lrs::step_t steps = 0;
  double test_accuracy = 0, test_loss = 0, train_loss = 0;
};

/// Trains the sweep's MLP once for the full budget of `o` (same initialisation, same batches in the
/// same order as every run of the sweep) with a schedule-free optimizer, and evaluates x when the
/// run has done as many updates as each budget of `o.budgets` gives a scheduled run. The LR per
/// step is the authors' warm-up, peak * min(1, (t+1) / W), passed as `opt.step(p, g, lr(t))`:
/// no budget is known to the optimizer.
/// @throws std::invalid_argument for an unknown optimizer or a bad lr / warm-up.
inline std::vector<schedule_free_point> train_schedule_free(
    const train_test& data, const sweep_options& o, const schedule_free_config& c,
    const std::function<void(double)>& on_progress = {}) {
  if (c.optimizer != "sgd" && c.optimizer != "adamw")
    throw std::invalid_argument("unknown schedule-free optimizer '" + c.optimizer +
                                "' (choose from sgd, adamw)");
  if (!(c.lr > 0) || !(c.warmup_percent >= 0 && c.warmup_percent < 100))
    throw std::invalid_argument("schedule-free lr must be > 0 and warm-up in [0, 100) %");
  const lrs::step_t total = full_budget_steps(o, data);
  const lrs::step_t warmup =
      static_cast<lrs::step_t>(std::llround(c.warmup_percent / 100.0 * static_cast<double>(total)));
  const auto lr_at = [&](lrs::step_t t) {
    return warmup > 0 ? c.lr * std::min(1.0, double(t + 1) / double(warmup)) : c.lr;
  };

  std::vector<schedule_free_point> points;
  for (const double b : o.budgets) points.push_back({b, budget_steps(o, data, b)});
  std::sort(points.begin(), points.end(),
            [](const auto& a, const auto& b) { return a.steps < b.steps; });

  lrs::sgd_schedule_free_options<float> so;
  so.momentum = o.momentum;
  lrs::sgd_schedule_free<float> sgd(so);
  lrs::adamw_schedule_free<float> adamw;
  const bool use_sgd = c.optimizer == "sgd";

  mlp net(data.train.features(), o.hidden, data.train.classes);
  Eigen::VectorXf params = net.initial_params(derive_seed(o.seed, 0));
  Eigen::VectorXf grad;
  const lrs::step_t spe = steps_per_epoch(o, data);
  std::vector<Eigen::Index> order(static_cast<std::size_t>(data.train.size()));
  Eigen::MatrixXf xb(data.train.features(), o.batch);
  std::vector<int> yb(static_cast<std::size_t>(o.batch));
  const Eigen::Index ne = std::min<Eigen::Index>(o.train_eval, data.train.size());
  std::size_t next = 0;
  const lrs::step_t last = points.empty() ? 0 : points.back().steps;
  for (lrs::step_t t = 0; t < last; ++t) {
    const lrs::step_t in_epoch = t % spe;
    if (in_epoch == 0) {
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<Eigen::Index>(i);
      rng shuffle_rng(derive_seed(o.seed, 1000 + static_cast<std::uint64_t>(t / spe)));
      shuffle_rng.shuffle(order);
    }
    for (int j = 0; j < o.batch; ++j) {
      const Eigen::Index i = order[static_cast<std::size_t>(in_epoch * o.batch + j)];
      xb.col(j) = data.train.images.col(i);
      yb[static_cast<std::size_t>(j)] = data.train.labels[static_cast<std::size_t>(i)];
    }
    net.loss_and_gradient(params, xb, yb.data(), grad);  // at y, the params in train mode
    const auto lr = static_cast<float>(lr_at(t));
    if (use_sgd)
      sgd.step(params, grad, lr);
    else
      adamw.step(params, grad, lr);
    for (; next < points.size() && points[next].steps == t + 1; ++next) {
      // Evaluate at x, then back to y to go on training: an exact round trip.
      if (use_sgd)
        sgd.eval(params);
      else
        adamw.eval(params);
      auto& pt = points[next];
      const auto test = net.evaluate(params, data.test.images, data.test.labels.data());
      pt.test_accuracy = test.accuracy;
      pt.test_loss = test.loss;
      pt.train_loss =
          net.evaluate(params, data.train.images.leftCols(ne), data.train.labels.data()).loss;
      if (use_sgd)
        sgd.train(params);
      else
        adamw.train(params);
    }
    if (on_progress) on_progress(1.0);
  }
  return points;
}

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_COMMON_SCHEDULE_FREE_RUN_HPP
