// SPDX-License-Identifier: MIT
// The budget sweep behind examples/budget_sweep: every schedule x every budget x every seed of an
// MLP on Fashion-MNIST (the task), on the generic engine of sweep_engine.hpp.
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
#include <lrs/io/parse_schedule.hpp>
#include <lrs/optim/adam.hpp>
#include <lrs/optim/schedule_free.hpp>
#include <lrs/optim/sgd.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/lambda_lr.hpp>
#include <lrs/schedules/one_cycle_lr.hpp>
#include <lrs/schedules/profiles.hpp>

#include "fashion_mnist.hpp"
#include "mlp.hpp"
#include "progress.hpp"
#include "random.hpp"
#include "sweep_engine.hpp"

namespace lrs_example {

/// The row of the schedule-free optimizer: one run with the authors' warm-up and a constant LR,
/// evaluated at every budget.
inline const std::string& schedule_free_name() {
  static const std::string name = "schedule-free";
  return name;
}

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
/// All but onecycle are lrs::budgeted schedules with the lrs::profiles of the same name; onecycle
/// is lrs::one_cycle_lr, whose cycled momentum (0.95 -> 0.85 -> 0.95) train_one applies to SGD's
/// momentum or Adam's beta1 at every step, as PyTorch does.
/// Any other string is a spec (`"wsd(decay=0.1, shape='1-sqrt')"`,
/// `"CosineAnnealingLR(T_max=500)"`, `lrs list` shows every name) read by lrs::parse_schedule with
/// lr = peak and the run's length as the budget of budget-native schedules.
/// @throws std::invalid_argument (lrs::invalid_argument from the parser) for a spec that does
/// not parse or total_steps < 1.
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
  if (name == "onecycle") return lrs::one_cycle_lr<double>(peak, total_steps);
  lrs::spec_context ctx;
  ctx.lr = peak;
  ctx.steps = total_steps;
  return lrs::parse_schedule(name, ctx);
}

/// The schedules of a --schedules list: "rex;wsd(decay=0.1, shape='1-sqrt'),cosine" -> {"rex",
/// "wsd(decay=0.1, shape='1-sqrt')", "cosine"}: split at ';' and at ',' outside brackets and
/// quotes, spaces around each trimmed.
inline std::vector<std::string> split_schedule_list(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    std::string cur;
    int depth = 0;
    char quote = 0;
    const auto flush = [&] {
      const auto b = cur.find_first_not_of(" \t"), e = cur.find_last_not_of(" \t");
      if (b != std::string::npos)
        out.push_back(cur.substr(b, e - b + 1));
      else
        out.emplace_back();
      cur.clear();
    };
    for (const char c : a) {
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        ++depth;
      } else if (c == ')' || c == ']' || c == '}') {
        --depth;
      } else if (c == ';' || (c == ',' && depth == 0)) {
        flush();
        continue;
      }
      cur += c;
    }
    flush();
  }
  return out;
}

/// The sweep's optimizer: lrs::sgd with momentum (torch.optim.SGD) or lrs::adam (torch.optim.Adam
/// defaults: betas 0.9, 0.999, eps 1e-8), or their schedule-free counterparts
/// lrs::sgd_schedule_free (with the same momentum) and lrs::adamw_schedule_free (the authors'
/// defaults), stepping the MLP's one flat parameter vector.
class example_optimizer {
 public:
  /// @throws std::invalid_argument for a kind other than "sgd", "adam", "sgd_schedule_free" or
  /// "adamw_schedule_free", or a bad momentum.
  example_optimizer(const std::string& kind, float momentum) : kind_(kind), momentum_(momentum) {
    make();
  }
  /// A copy goes through the library's state format (state() / load_state()): a run branched off
  /// a saved state continues exactly as the run it was saved from.
  example_optimizer(const example_optimizer& other)
      : kind_(other.kind_), momentum_(other.momentum_) {
    make();
    load_state(other.state());
  }
  example_optimizer& operator=(const example_optimizer& other) {
    if (this != &other) *this = example_optimizer(other);
    return *this;
  }
  example_optimizer(example_optimizer&&) noexcept = default;
  example_optimizer& operator=(example_optimizer&&) noexcept = default;
  ~example_optimizer() = default;

  /// The optimizer's state in the lrs state format (docs/state.md).
  [[nodiscard]] std::vector<unsigned char> state() const {
    if (sgd_) return sgd_->state();
    if (adam_) return adam_->state();
    if (sgd_sf_) return sgd_sf_->state();
    return adamw_sf_->state();
  }
  /// @throws lrs::state_error for a state of another optimizer or other options.
  void load_state(const std::vector<unsigned char>& bytes) {
    if (sgd_)
      sgd_->load_state(bytes);
    else if (adam_)
      adam_->load_state(bytes);
    else if (sgd_sf_)
      sgd_sf_->load_state(bytes);
    else
      adamw_sf_->load_state(bytes);
  }
  /// True for the schedule-free optimizers, whose model is evaluated at eval_point().
  [[nodiscard]] bool schedule_free() const { return sgd_sf_ || adamw_sf_; }
  /// The point to evaluate the model at: `p` itself, or for a schedule-free optimizer the
  /// average x (opt.eval on a copy; this optimizer stays in train mode).
  [[nodiscard]] Eigen::VectorXf eval_point(const Eigen::VectorXf& p) const {
    Eigen::VectorXf x = p;
    if (!schedule_free()) return x;
    example_optimizer copy(*this);
    if (copy.sgd_sf_)
      copy.sgd_sf_->eval(x);
    else
      copy.adamw_sf_->eval(x);
    return x;
  }

 private:
  void make() {
    if (kind_ == "sgd") {
      lrs::sgd_options<float> o;
      o.momentum = momentum_;
      sgd_.emplace(o);
    } else if (kind_ == "adam") {
      adam_.emplace();
    } else if (kind_ == "sgd_schedule_free") {
      lrs::sgd_schedule_free_options<float> o;
      o.momentum = momentum_;
      sgd_sf_.emplace(o);
    } else if (kind_ == "adamw_schedule_free") {
      adamw_sf_.emplace();
    } else {
      throw std::invalid_argument("unknown optimizer '" + kind_ +
                                  "' (choose from sgd, adam, sgd_schedule_free, "
                                  "adamw_schedule_free)");
    }
  }

 public:
  /// SGD's momentum or Adam's beta1, for schedules that cycle it (the schedule-free optimizers
  /// keep theirs).
  void set_momentum(float m) {
    if (sgd_)
      sgd_->set_momentum(m);
    else if (adam_)
      adam_->set_beta1(m);
  }
  void step(Eigen::VectorXf& p, const Eigen::VectorXf& g, float lr) {
    if (sgd_)
      sgd_->step(p, g, lr);
    else if (adam_)
      adam_->step(p, g, lr);
    else if (sgd_sf_)
      sgd_sf_->step(p, g, lr);
    else
      adamw_sf_->step(p, g, lr);
  }

 private:
  std::string kind_;
  float momentum_;
  std::optional<lrs::sgd<float>> sgd_;
  std::optional<lrs::adam<float>> adam_;
  std::optional<lrs::sgd_schedule_free<float>> sgd_sf_;
  std::optional<lrs::adamw_schedule_free<float>> adamw_sf_;
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
  std::uint64_t seed = 1;  ///< the first seed
  int seeds = 1;           ///< seeds seed, seed + 1, ..., seed + seeds - 1
  int threads = 2;
  Eigen::Index train_eval = 10000;  ///< training examples used for the final training loss

  [[nodiscard]] double lr() const {
    return peak_lr > 0 ? peak_lr : (optimizer == "adam" ? 0.002 : 0.05);
  }
  [[nodiscard]] std::vector<std::uint64_t> seed_list() const {
    std::vector<std::uint64_t> v;
    for (int i = 0; i < seeds; ++i) v.push_back(seed + static_cast<std::uint64_t>(i));
    return v;
  }
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

/// The sweep's task (see sweep_engine.hpp): the MLP trained with example_optimizer on minibatches
/// of `data`. A run of seed s starts from the initialisation drawn from s and sees the batches in
/// the order fixed by s (a fresh shuffle per epoch), whatever its schedule and budget: shorter
/// budgets see a prefix.
class mlp_task {
 public:
  mlp_task(const train_test& data, const sweep_options& o) : data_(data), o_(o) {}

  struct state {
    Eigen::VectorXf params;
    example_optimizer opt;
    std::uint64_t seed = 0;
    mlp net;  // scratch buffers only
    std::vector<Eigen::Index> order;
    lrs::step_t epoch = -1;  // of `order`
    Eigen::VectorXf grad;
    Eigen::MatrixXf xb;
    std::vector<int> yb;
  };

  /// A run of `c` for `seed`: sgd or adam, or for a schedule-free row their schedule-free
  /// counterparts (sgd_schedule_free with the same momentum, adamw_schedule_free).
  state init(const candidate& c, std::uint64_t seed) const {
    const std::string kind =
        c.schedule_free ? (o_.optimizer == "sgd" ? "sgd_schedule_free" : "adamw_schedule_free")
                        : o_.optimizer;
    mlp net(data_.train.features(), o_.hidden, data_.train.classes);
    state s{net.initial_params(derive_seed(seed, 0)),
            example_optimizer(kind, o_.momentum),
            seed,
            net,
            {},
            -1,
            {},
            {},
            {}};
    s.order.resize(static_cast<std::size_t>(data_.train.size()));
    s.xb.resize(data_.train.features(), o_.batch);
    s.yb.resize(static_cast<std::size_t>(o_.batch));
    return s;
  }

  float step(state& s, lrs::step_t t, double lr, std::optional<double> momentum) const {
    const lrs::step_t spe = steps_per_epoch(o_, data_), epoch = t / spe, in_epoch = t % spe;
    if (epoch != s.epoch) {
      for (std::size_t i = 0; i < s.order.size(); ++i) s.order[i] = static_cast<Eigen::Index>(i);
      rng shuffle_rng(derive_seed(s.seed, 1000 + static_cast<std::uint64_t>(epoch)));
      shuffle_rng.shuffle(s.order);
      s.epoch = epoch;
    }
    for (int j = 0; j < o_.batch; ++j) {
      const Eigen::Index i = s.order[static_cast<std::size_t>(in_epoch * o_.batch + j)];
      s.xb.col(j) = data_.train.images.col(i);
      s.yb[static_cast<std::size_t>(j)] = data_.train.labels[static_cast<std::size_t>(i)];
    }
    if (momentum) s.opt.set_momentum(static_cast<float>(*momentum));
    const float loss = s.net.loss_and_gradient(s.params, s.xb, s.yb.data(), s.grad);
    s.opt.step(s.params, s.grad, static_cast<float>(lr));
    return loss;
  }

  run_metrics evaluate(const state& s) const {
    mlp net(data_.train.features(), o_.hidden, data_.train.classes);
    run_metrics m;
    const Eigen::VectorXf p = s.opt.eval_point(s.params);  // x for a schedule-free run
    const auto test = net.evaluate(p, data_.test.images, data_.test.labels.data());
    m.test_accuracy = test.accuracy;
    m.test_loss = test.loss;
    const Eigen::Index ne = std::min<Eigen::Index>(o_.train_eval, data_.train.size());
    m.train_loss = net.evaluate(p, data_.train.images.leftCols(ne), data_.train.labels.data()).loss;
    return m;
  }

 private:
  const train_test& data_;
  sweep_options o_;
};

/// The rows of the table for `o.schedules`: each name or spec as given; the name
/// schedule_free_name() is the schedule-free row.
inline std::vector<candidate> sweep_candidates(const sweep_options& o) {
  std::vector<candidate> c;
  for (const auto& s : o.schedules) c.push_back({s, s, s == schedule_free_name()});
  return c;
}

/// The layout of `o` on `data`: budgets in steps, seeds, threads.
inline sweep_layout sweep_layout_of(const sweep_options& o, const train_test& data) {
  sweep_layout l;
  l.budgets = o.budgets;
  for (const double b : o.budgets) l.steps.push_back(budget_steps(o, data, b));
  l.seeds = o.seed_list();
  l.threads = o.threads;
  return l;
}

/// The LR of the schedule-free row, the same at every budget (so that one run serves them all):
/// the authors' linear warm-up (t + 1) / W over the first 5 % of the full run, then constant at
/// their default LR, 1.0 for SGD and 0.0025 for AdamW (facebookresearch/schedule_free).
inline lrs::any_schedule<double> schedule_free_lr(const sweep_options& o, lrs::step_t full_steps) {
  const double lr = o.optimizer == "sgd" ? 1.0 : 0.0025;
  const auto warmup = static_cast<double>(
      std::max<lrs::step_t>(1, std::llround(0.05 * static_cast<double>(full_steps))));
  return lrs::lambda_lr(
      lr, [warmup](lrs::step_t t) { return std::min(1.0, static_cast<double>(t + 1) / warmup); });
}

/// The schedules of `o`: make_budget_schedule at peak o.lr(), and schedule_free_lr for the
/// schedule-free row.
inline schedule_factory sweep_schedules(const sweep_options& o, lrs::step_t full_steps) {
  const double peak = o.lr();
  const auto sf = schedule_free_lr(o, full_steps);
  return [peak, sf](const std::string& spec, lrs::step_t steps) {
    if (spec == schedule_free_name()) return sf;
    return make_budget_schedule(spec, peak, steps);
  };
}

/// Every schedule x every budget x every seed of `o` on the MLP (run_sweep of sweep_engine.hpp):
/// results in the order schedule, budget, seed; independent of the thread count.
inline std::vector<run_result> run_sweep(const train_test& data, const sweep_options& o,
                                         progress* bar = nullptr) {
  const mlp_task task(data, o);
  return run_sweep(task, sweep_candidates(o), sweep_layout_of(o, data),
                   sweep_schedules(o, full_budget_steps(o, data)), bar);
}

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_COMMON_SWEEP_HPP
