// SPDX-License-Identifier: MIT
// The budget sweep with your own model: write a task (init, step, evaluate) and hand it to
// lrs_example::run_sweep with the schedules (names or spec strings) and budgets you want. Here the
// task is logistic regression on a synthetic two-class problem, trained with lrs::sgd.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <lrs/optim/sgd.hpp>

#include "common/random.hpp"
#include "common/stats.hpp"
#include "common/sweep.hpp"  // make_budget_schedule; the engine itself is common/sweep_engine.hpp

namespace {

/// Your model and training step. The sweep needs three member functions and a copyable state.
class logistic_task {
 public:
  static constexpr int features = 20, batch = 32;

  explicit logistic_task(std::uint64_t data_seed) {
    lrs_example::rng r(data_seed);
    truth_.resize(features);
    for (int i = 0; i < features; ++i) truth_(i) = static_cast<float>(r.normal());
    const auto draw = [&](Eigen::MatrixXf& x, std::vector<int>& y, int n) {
      x.resize(features, n);
      y.resize(static_cast<std::size_t>(n));
      for (int j = 0; j < n; ++j) {
        for (int i = 0; i < features; ++i) x(i, j) = static_cast<float>(r.normal());
        const double logit = x.col(j).dot(truth_) + r.normal();  // label noise
        y[static_cast<std::size_t>(j)] = logit > 0 ? 1 : 0;
      }
    };
    draw(train_x_, train_y_, 4096);
    draw(test_x_, test_y_, 2048);
  }

  /// What a run carries from step to step. Copying it must copy everything (the sweep branches
  /// runs off copies): the weights and the optimizer, whose state lrs copies with it.
  struct state {
    Eigen::VectorXf w;
    lrs::sgd<float> opt;
    std::uint64_t seed;
  };

  /// A fresh run of candidate `c` (its name, its spec, whether it is schedule-free) for `seed`.
  state init(const lrs_example::candidate& c, std::uint64_t seed) const {
    if (c.schedule_free) throw std::invalid_argument("this task has no schedule-free optimizer");
    lrs::sgd_options<float> o;
    o.momentum = 0.9f;
    lrs_example::rng r(lrs_example::derive_seed(seed, 0));
    Eigen::VectorXf w(features);
    for (int i = 0; i < features; ++i) w(i) = static_cast<float>(0.01 * r.normal());
    return {w, lrs::sgd<float>(o), seed};
  }

  /// Update t with learning rate lr: the batch depends on the seed and t only (never on the
  /// budget), so runs of every budget see the same data and can share their first steps.
  float step(state& s, lrs::step_t t, double lr, std::optional<double> momentum) const {
    if (momentum) s.opt.set_momentum(static_cast<float>(*momentum));  // OneCycleLR cycles it
    lrs_example::rng r(lrs_example::derive_seed(s.seed, 1 + static_cast<std::uint64_t>(t)));
    Eigen::VectorXf grad = Eigen::VectorXf::Zero(features);
    double loss = 0;
    for (int k = 0; k < batch; ++k) {
      const auto j = static_cast<Eigen::Index>(r.below(static_cast<std::size_t>(train_x_.cols())));
      const float z = s.w.dot(train_x_.col(j));
      const float p = 1.0f / (1.0f + std::exp(-z));
      const int y = train_y_[static_cast<std::size_t>(j)];
      loss -= std::log(std::max(y == 1 ? p : 1 - p, 1e-7f));
      grad += (p - static_cast<float>(y)) / batch * train_x_.col(j);
    }
    s.opt.step(s.w, grad, static_cast<float>(lr));
    return static_cast<float>(loss / batch);
  }

  /// The numbers of the table at the end of a run.
  lrs_example::run_metrics evaluate(const state& s) const {
    lrs_example::run_metrics m;
    int correct = 0;
    for (Eigen::Index j = 0; j < test_x_.cols(); ++j) {
      const float z = s.w.dot(test_x_.col(j));
      correct += (z > 0) == (test_y_[static_cast<std::size_t>(j)] == 1) ? 1 : 0;
      const float p = 1.0f / (1.0f + std::exp(-z));
      m.test_loss -=
          std::log(std::max(test_y_[static_cast<std::size_t>(j)] == 1 ? p : 1 - p, 1e-7f));
    }
    m.test_loss /= static_cast<double>(test_x_.cols());
    m.test_accuracy = static_cast<double>(correct) / static_cast<double>(test_x_.cols());
    return m;
  }

 private:
  Eigen::VectorXf truth_;
  Eigen::MatrixXf train_x_, test_x_;
  std::vector<int> train_y_, test_y_;
};

}  // namespace

int main() {
  const logistic_task task(42);
  // The rows: short names of the demo, or any spec the library parses.
  const std::vector<std::string> specs = {"linear", "wsd", "rex", "wsd(decay=0.1, shape='1-sqrt')",
                                          "CosineAnnealingLR(T_max=1000)"};
  std::vector<lrs_example::candidate> rows;
  for (const auto& s : specs) rows.push_back({s, s, false});
  lrs_example::sweep_layout layout;
  layout.budgets = {10, 25, 50, 100};  // percent of 1000 steps
  for (const double b : layout.budgets) layout.steps.push_back(std::llround(10 * b));
  layout.seeds = {1, 2, 3};
  layout.threads = 2;
  const auto make = [](const std::string& spec, lrs::step_t steps) {
    return lrs_example::make_budget_schedule(spec, 0.5, steps);  // peak LR 0.5
  };
  const auto results = lrs_example::run_sweep(task, rows, layout, make);

  std::printf("Test accuracy %%, mean ± sd over 3 seeds; compute in runs of 1000 steps\n\n");
  std::printf("%-32s", "schedule");
  for (const double b : layout.budgets) std::printf(" %12.0f%%", b);
  std::printf(" %8s\n", "compute");
  for (const auto& row : rows) {
    std::printf("%-32s", row.name.c_str());
    for (const double b : layout.budgets) {
      std::vector<double> acc;
      for (const auto& r : results)
        if (r.schedule == row.name && r.budget == b) acc.push_back(100 * r.metrics.test_accuracy);
      std::printf("  %6.2f ± %4.2f", lrs_example::mean(acc), lrs_example::sample_sd(acc));
    }
    std::printf(" %8.2f\n", lrs_example::compute_in_runs(results, row.name, 1, 1000));
  }
  return 0;
}
