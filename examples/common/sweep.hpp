// SPDX-License-Identifier: MIT
// The budget sweep behind examples/budget_sweep: every schedule x every budget, same init and data.
#ifndef LRS_EXAMPLES_COMMON_SWEEP_HPP
#define LRS_EXAMPLES_COMMON_SWEEP_HPP

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <Eigen/Core>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/types.hpp>
#include <lrs/optim/adam.hpp>
#include <lrs/optim/sgd.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/profiles.hpp>

#include "fashion_mnist.hpp"
#include "mlp.hpp"
#include "progress.hpp"
#include "random.hpp"

namespace lrs_example {

/// The schedules of the sweep, in table order (the REX paper's baselines plus WSD and REX).
inline const std::vector<std::string>& sweep_schedule_names() {
  static const std::vector<std::string> names = {"constant", "step",     "exponential", "linear",
                                                 "cosine",   "onecycle", "wsd",         "rex"};
  return names;
}

/// Schedule `name` with peak LR `peak`, rescaled to a run of `total_steps` updates as in the REX
/// paper: the same profile p(z) of the fraction z = t / total_steps used, whatever the budget.
///
/// | name        | lr(t), z = t / T                                                   |
/// | ----------- | ------------------------------------------------------------------ |
/// | constant    | peak                                                               |
/// | step        | peak * 0.1^(number of 0.3, 0.6, 0.9 that z has reached) (30-60-90) |
/// | exponential | peak * exp(-4 z)                                                   |
/// | linear      | peak * (1 - z)                                                     |
/// | cosine      | peak * (1 + cos(pi z)) / 2                                         |
/// | onecycle    | PyTorch OneCycleLR(max_lr=peak, total_steps=T), default arguments  |
/// | wsd         | peak until 0.8 T, then linear to 0 at T (no warmup)                |
/// | rex         | peak * (1 - z) / (1 - z / 2)                                       |
///
/// All but onecycle are lrs::budgeted schedules with the lrs::profiles of the same name.
/// STAND-IN: onecycle is a local lambda with PyTorch's formula until lrs::one_cycle_lr lands.
/// @throws std::invalid_argument for an unknown name or total_steps < 1.
inline lrs::any_schedule<double> make_budget_schedule(const std::string& name, double peak,
                                                      lrs::step_t total_steps) {
  if (total_steps < 1)
    throw std::invalid_argument("total_steps must be >= 1, got " + std::to_string(total_steps));
  namespace p = lrs::profiles;
  if (name == "constant") return lrs::budgeted(peak, p::constant{}, total_steps);
  if (name == "step") return lrs::budgeted(peak, p::step{}, total_steps);
  if (name == "exponential") return lrs::budgeted(peak, p::exponential{}, total_steps);
  if (name == "linear") return lrs::linear_decay(peak, total_steps);
  if (name == "cosine") return lrs::cosine_decay(peak, total_steps);
  if (name == "wsd") return lrs::wsd(peak, total_steps);
  if (name == "rex") return lrs::rex(peak, total_steps);
  if (name == "onecycle") {
    // torch.optim.lr_scheduler.OneCycleLR, pct_start=0.3, anneal_strategy='cos',
    // div_factor=25, final_div_factor=1e4, three_phase=False.
    constexpr double pi = 3.14159265358979323846;
    const double T = static_cast<double>(total_steps);
    const double initial = peak / 25.0, min_lr = initial / 1e4;
    const double end1 = 0.3 * T - 1.0, end2 = T - 1.0;
    const auto anneal = [](double a, double b, double pct) {
      return b + (a - b) / 2.0 * (std::cos(pi * pct) + 1.0);
    };
    return [=](lrs::step_t step) {
      const double t = static_cast<double>(step);
      if (t <= end1 || end2 <= end1)
        return anneal(initial, peak, end1 > 0.0 ? std::clamp(t / end1, 0.0, 1.0) : 1.0);
      return anneal(peak, min_lr, std::min(1.0, (t - end1) / (end2 - end1)));
    };
  }
  std::string allowed;
  for (const auto& n : sweep_schedule_names()) allowed += (allowed.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown schedule '" + name + "' (choose from " + allowed + ")");
}

/// The sweep's optimizer: lrs::sgd with momentum (torch.optim.SGD) or lrs::adam (torch.optim.Adam
/// defaults: betas 0.9, 0.999, eps 1e-8), stepping the MLP's one flat parameter vector.
class example_optimizer {
 public:
  /// @throws std::invalid_argument for a kind other than "sgd" or "adam", or a bad momentum.
  example_optimizer(const std::string& kind, float momentum) {
    if (kind == "sgd") {
      lrs::sgd_options<float> o;
      o.momentum = momentum;
      sgd_.emplace(o);
    } else if (kind == "adam") {
      adam_.emplace();
    } else {
      throw std::invalid_argument("unknown optimizer '" + kind + "' (choose from sgd, adam)");
    }
  }
  void step(Eigen::VectorXf& p, const Eigen::VectorXf& g, float lr) {
    if (sgd_)
      sgd_->step(p, g, lr);
    else
      adam_->step(p, g, lr);
  }

 private:
  std::optional<lrs::sgd<float>> sgd_;
  std::optional<lrs::adam<float>> adam_;
};

/// Everything a sweep depends on. Budgets are percentages of the full run, in (0, 100].
struct sweep_options {
  double epochs = 3;   ///< epochs of the full (100 %) budget
  int hidden = 128;    ///< hidden units
  int batch = 128;     ///< examples per update
  double peak_lr = 0;  ///< peak LR; 0 picks the optimizer's default (0.05 SGD, 0.002 Adam)
  float momentum = 0.9f;
  std::string optimizer = "sgd";
  std::vector<double> budgets = {10, 25, 50, 100};
  std::vector<std::string> schedules = sweep_schedule_names();
  std::uint64_t seed = 1;
  int threads = 2;
  Eigen::Index train_eval = 10000;  ///< training examples used for the final training loss

  [[nodiscard]] double lr() const {
    return peak_lr > 0 ? peak_lr : (optimizer == "adam" ? 0.002 : 0.05);
  }
};

/// The outcome of one (schedule, budget) run.
struct run_result {
  std::string schedule;
  double budget = 0;  ///< percent of the full run
  lrs::step_t steps = 0;
  double test_accuracy = 0, test_loss = 0;
  double train_loss = 0;    ///< on the first train_eval training examples, after training
  std::vector<double> lr;   ///< per step
  std::vector<float> loss;  ///< per step, minibatch loss before the update
};

/// Updates per epoch: whole batches only.
inline lrs::step_t steps_per_epoch(const sweep_options& o, const train_test& data) {
  return std::max<lrs::step_t>(1, static_cast<lrs::step_t>(data.train.size()) / o.batch);
}

/// Updates of the full (100 %) budget.
inline lrs::step_t full_budget_steps(const sweep_options& o, const train_test& data) {
  return std::max<lrs::step_t>(1, static_cast<lrs::step_t>(std::llround(
                                      o.epochs * static_cast<double>(steps_per_epoch(o, data)))));
}

/// Updates of a run at `budget` percent.
inline lrs::step_t budget_steps(const sweep_options& o, const train_test& data, double budget) {
  return std::max<lrs::step_t>(
      1, static_cast<lrs::step_t>(
             std::llround(budget / 100.0 * static_cast<double>(full_budget_steps(o, data)))));
}

/// One run: initialisation from `seed`, batches in the order fixed by `seed` (a fresh shuffle per
/// epoch), so every run sees the same data in the same order; shorter budgets see a prefix.
inline run_result train_one(const train_test& data, const sweep_options& o,
                            const std::string& schedule, double budget) {
  run_result r;
  r.schedule = schedule;
  r.budget = budget;
  r.steps = budget_steps(o, data, budget);
  const auto sched = make_budget_schedule(schedule, o.lr(), r.steps);
  mlp net(data.train.features(), o.hidden, data.train.classes);
  Eigen::VectorXf params = net.initial_params(derive_seed(o.seed, 0));
  Eigen::VectorXf grad;
  example_optimizer opt(o.optimizer, o.momentum);
  const lrs::step_t spe = steps_per_epoch(o, data);
  std::vector<Eigen::Index> order(static_cast<std::size_t>(data.train.size()));
  Eigen::MatrixXf xb(data.train.features(), o.batch);
  std::vector<int> yb(static_cast<std::size_t>(o.batch));
  r.lr.reserve(static_cast<std::size_t>(r.steps));
  r.loss.reserve(static_cast<std::size_t>(r.steps));
  for (lrs::step_t t = 0; t < r.steps; ++t) {
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
    const double lr = sched(t);
    const float loss = net.loss_and_gradient(params, xb, yb.data(), grad);
    opt.step(params, grad, static_cast<float>(lr));
    r.lr.push_back(lr);
    r.loss.push_back(loss);
  }
  const auto test = net.evaluate(params, data.test.images, data.test.labels.data());
  r.test_accuracy = test.accuracy;
  r.test_loss = test.loss;
  const Eigen::Index ne = std::min<Eigen::Index>(o.train_eval, data.train.size());
  r.train_loss =
      net.evaluate(params, data.train.images.leftCols(ne), data.train.labels.data()).loss;
  return r;
}

/// Every schedule x every budget, on `threads` threads. Results are in schedule-major order
/// (schedules[0] at every budget, then schedules[1], ...) and do not depend on the thread count.
/// @throws the first exception a run threw.
inline std::vector<run_result> run_sweep(const train_test& data, const sweep_options& o,
                                         progress* bar = nullptr) {
  const std::size_t nb = o.budgets.size(), n = o.schedules.size() * nb;
  std::vector<run_result> results(n);
  // Longest runs first, for a better balance between threads.
  std::vector<std::size_t> queue(n);
  for (std::size_t i = 0; i < n; ++i) queue[i] = i;
  std::stable_sort(queue.begin(), queue.end(), [&](std::size_t a, std::size_t b) {
    return o.budgets[a % nb] > o.budgets[b % nb];
  });
  if (bar != nullptr) {
    double work = 0;
    for (std::size_t i = 0; i < n; ++i)
      work += static_cast<double>(budget_steps(o, data, o.budgets[i % nb]));
    bar->set_total_work(work);
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto worker = [&] {
    for (std::size_t k; (k = next.fetch_add(1)) < n;) {
      const std::size_t i = queue[k];
      try {
        results[i] = train_one(data, o, o.schedules[i / nb], o.budgets[i % nb]);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
      if (bar != nullptr)
        bar->advance(1, static_cast<double>(budget_steps(o, data, o.budgets[i % nb])));
    }
  };
  const int nt = std::max(1, std::min<int>(o.threads, static_cast<int>(n)));
  std::vector<std::thread> pool;
  for (int i = 1; i < nt; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  return results;
}

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_COMMON_SWEEP_HPP
