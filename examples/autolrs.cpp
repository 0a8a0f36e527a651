// SPDX-License-Identifier: MIT
// AutoLRS on the Fashion-MNIST MLP against cosine and REX, at equal kept and equal total steps.
//
// Usage: autolrs [--tau N] [--stages N] [--data DIR] [--svg FILE]
//   --tau     first-stage tau (default 200; tau' = tau / 10, tau_max = 4 tau)
//   --stages  AutoLRS stages to run (default 4: tau, 2 tau, 4 tau, then 4 tau on validation loss)
//   --data    Fashion-MNIST directory (default the Debian package's; synthetic data if absent)
//   --svg     where to write the LR schedules (default autolrs_schedule.svg)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <lrs/controllers/autolrs.hpp>
#include <lrs/io/svg.hpp>
#include <lrs/schedules/budgeted.hpp>

#include "common/fashion_mnist.hpp"
#include "common/mlp.hpp"
#include "common/random.hpp"
#include "common/sweep.hpp"  // example_optimizer: lrs::sgd with momentum

namespace {

using lrs_example::dataset;

// One training run of the MLP: parameters, optimizer state and batch order, all copyable, so a
// checkpoint is a copy of the whole state.
struct run_state {
  Eigen::VectorXf params;
  lrs_example::example_optimizer opt{"sgd", 0.9f};
  lrs_example::rng batches{0};
};

class mlp_trainer : public lrs::autolrs_trainer {
 public:
  mlp_trainer(const dataset& train, const dataset& val, int hidden, int batch, std::uint64_t seed)
      : train_(train), val_(val), net_(train.features(), hidden, train.classes), batch_(batch) {
    now_.params = net_.initial_params(seed);
    now_.batches = lrs_example::rng(seed + 1);
    xb_.resize(train.features(), batch);
    yb_.resize(static_cast<std::size_t>(batch));
  }
  void save_checkpoint() override { saved_ = now_; }
  void restore_checkpoint() override { now_ = saved_; }
  std::vector<double> train(lrs::step_t steps, double lr) override {
    std::vector<double> losses;
    for (lrs::step_t t = 0; t < steps; ++t) losses.push_back(step(lr));
    return losses;
  }
  bool has_validation() const override { return true; }
  double validation_loss() override {
    return net_.evaluate(now_.params, val_.images, val_.labels.data()).loss;
  }
  // One SGD step on a random minibatch; returns its loss before the update.
  double step(double lr) {
    for (int j = 0; j < batch_; ++j) {
      const auto i =
          static_cast<Eigen::Index>(now_.batches.below(static_cast<std::size_t>(train_.size())));
      xb_.col(j) = train_.images.col(i);
      yb_[static_cast<std::size_t>(j)] = train_.labels[static_cast<std::size_t>(i)];
    }
    const float loss = net_.loss_and_gradient(now_.params, xb_, yb_.data(), grad_);
    if (!std::isfinite(loss)) return static_cast<double>(loss);
    now_.opt.step(now_.params, grad_, static_cast<float>(lr));
    return static_cast<double>(loss);
  }
  lrs_example::mlp::evaluation test(const dataset& d) {
    return net_.evaluate(now_.params, d.images, d.labels.data());
  }

 private:
  const dataset& train_;
  const dataset& val_;
  lrs_example::mlp net_;
  int batch_;
  run_state now_, saved_;
  Eigen::MatrixXf xb_;
  std::vector<int> yb_;
  Eigen::VectorXf grad_;
};

struct row {
  std::string method;
  lrs::step_t kept = 0, total = 0;
  double test_loss = 0, test_accuracy = 0;
};

// Trains a fresh model for `steps` steps with `lr(t)` and evaluates it on the test set.
template <class Schedule>
row run_schedule(const std::string& name, Schedule lr, lrs::step_t steps, const dataset& train,
                 const dataset& val, const dataset& test, int hidden, int batch) {
  mlp_trainer tr(train, val, hidden, batch, 1);
  for (lrs::step_t t = 0; t < steps; ++t) tr.step(lr(t));
  const auto e = tr.test(test);
  return {name, steps, steps, e.loss, e.accuracy};
}

struct options {
  lrs::step_t tau = 200;
  int stages = 4;
  std::string data_dir = lrs_example::default_fashion_mnist_dir();
  std::string svg = "autolrs_schedule.svg";
};

options parse_options(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--tau")
      o.tau = std::atoll(v.c_str());
    else if (k == "--stages")
      o.stages = std::atoi(v.c_str());
    else if (k == "--data")
      o.data_dir = v;
    else if (k == "--svg")
      o.svg = v;
    else
      throw std::invalid_argument("unknown option " + k);
  }
  return o;
}

// The training images but the last 2000, and those 2000 as the validation set.
struct split {
  dataset train, val;
};
split hold_out_validation(const dataset& all) {
  const Eigen::Index n_val = 2000, n_train = all.size() - n_val;
  return {{all.images.leftCols(n_train),
           std::vector<int>(all.labels.begin(), all.labels.begin() + n_train), all.classes},
          {all.images.rightCols(n_val),
           std::vector<int>(all.labels.begin() + n_train, all.labels.end()), all.classes}};
}

// Runs `stages` AutoLRS stages on `tr`, printing one line per stage.
void run_stages(lrs::autolrs& ctl, mlp_trainer& tr, const lrs::autolrs_options& o, int stages) {
  std::printf("AutoLRS: tau %lld, tau' %lld, k %d, LR range [%g, %g], %d stages\n",
              static_cast<long long>(o.tau), static_cast<long long>(ctl.tau_prime()), o.candidates,
              o.min_lr, o.max_lr, stages);
  std::printf("%5s %6s %6s %4s %10s %12s\n", "stage", "tau'", "tau", "val", "chosen LR",
              "forecast");
  while (static_cast<int>(ctl.history().size()) < stages) {
    if (!ctl.step(tr)) continue;
    const auto& s = ctl.history().back();
    std::printf("%5d %6lld %6lld %4s %10.4g %12.5g\n", s.index, static_cast<long long>(s.tau_prime),
                static_cast<long long>(s.tau), s.validation ? "yes" : "no", s.lr, s.forecast);
  }
}

void print_rows(const std::vector<row>& rows) {
  std::printf("\n%-9s %10s %11s %10s %9s\n", "method", "kept", "trained", "test loss", "test acc");
  for (const auto& r : rows)
    std::printf("%-9s %10lld %11lld %10.4f %8.2f%%\n", r.method.c_str(),
                static_cast<long long>(r.kept), static_cast<long long>(r.total), r.test_loss,
                100 * r.test_accuracy);
}

// The AutoLRS schedule over its kept steps beside cosine and REX of the same length.
void write_schedule_plot(const std::string& path, const lrs::autolrs& ctl, double peak) {
  const lrs::step_t kept = ctl.kept_steps();
  lrs::svg_plot plot({"AutoLRS schedule vs cosine and REX (equal kept steps)", "kept step",
                      "learning rate", true});
  std::vector<double> x, a, c, r;
  const auto cos_k = lrs::cosine_decay(peak, kept);
  const auto rex_k = lrs::rex(peak, kept);
  for (lrs::step_t t = 0; t < kept; t += std::max<lrs::step_t>(1, kept / 400)) {
    x.push_back(double(t));
    a.push_back(ctl.lr_at_kept_step(t));
    c.push_back(std::max(cos_k(t), 1e-5));
    r.push_back(std::max(rex_k(t), 1e-5));
  }
  plot.add_series("autolrs", x, a);
  plot.add_series("cosine", x, c);
  plot.add_series("rex", x, r);
  plot.write(path);
}

}  // namespace

int main(int argc, char** argv) try {
  const options opt = parse_options(argc, argv);
  const int hidden = 128, batch = 128;
  const double peak = 0.05;  // baselines' peak LR (SGD, momentum 0.9)
  std::string note;
  auto data = lrs_example::load_or_synthesize(opt.data_dir, 0, 10000, &note);
  if (!note.empty()) std::printf("%s\n", note.c_str());
  const split sets = hold_out_validation(data.train);
  const auto& train = sets.train;
  const auto& val = sets.val;

  const auto o = lrs::autolrs_options{}
                     .with_min_lr(1e-3)  // the authors' example range
                     .with_max_lr(1e-1)
                     .with_tau(opt.tau)
                     .with_tau_max(4 * opt.tau);
  lrs::autolrs ctl(o);
  mlp_trainer tr(train, val, hidden, batch, 1);
  run_stages(ctl, tr, o, opt.stages);
  const auto e = tr.test(data.test);
  const lrs::step_t kept = ctl.kept_steps(), total = ctl.total_steps();
  std::vector<row> rows{{"autolrs", kept, total, e.loss, e.accuracy}};
  for (lrs::step_t steps : {kept, total}) {
    rows.push_back(run_schedule("cosine", lrs::cosine_decay(peak, steps), steps, train, val,
                                data.test, hidden, batch));
    rows.push_back(
        run_schedule("rex", lrs::rex(peak, steps), steps, train, val, data.test, hidden, batch));
  }
  print_rows(rows);
  write_schedule_plot(opt.svg, ctl, peak);
  std::printf("\nschedule plot: %s\n", opt.svg.c_str());
  return 0;
} catch (const std::exception& ex) {
  std::fprintf(stderr, "autolrs: %s\n", ex.what());
  return 1;
}
