// SPDX-License-Identifier: MIT
// Curvature-set LR on a Fashion-MNIST MLP: lrs::lanczos_lr_controller (Granziol et al.'s SSGD and
// heavy-ball learners, re-estimated during training) next to a fixed LR and cosine with the same
// number of steps, then the batch-size sweep of the Lanczos top eigenvalue.
//
// Usage: curvature_lr [epochs] [interval]   (defaults 3 and 234 steps; the dataset is read from
// /usr/share/datasets/fashion-mnist, or a synthetic task is used when it is missing)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include <lrs/analysis/batch_size.hpp>
#include <lrs/analysis/lanczos.hpp>
#include <lrs/controllers/curvature_lr.hpp>
#include <lrs/optim.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>

#include "common/fashion_mnist.hpp"
#include "common/mlp.hpp"

namespace ex = lrs_example;
using vec = Eigen::VectorXd;

namespace {

// Processor time of this (single-threaded) program: unlike wall time, it does not grow when
// other programs share the cores.
double cpu_seconds() {
  return double(std::clock()) / CLOCKS_PER_SEC;
}

struct run_result {
  std::string name;
  double final_lr = 0, final_momentum = 0, train_loss = 0, test_loss = 0, test_acc = 0;
  long long hvps = 0;
  double seconds = 0;
  vec params;
};

// The controller's estimate at one step, and one controlled run's settings and estimates.
struct estimate_row {
  lrs::step_t step;
  double l, median, mu, lr, momentum;
};
struct controlled_run {
  std::string name;
  lrs::curvature_learner learner;
  lrs::mu_rule mu;
  lrs::momentum_formula formula;
  std::vector<estimate_row> rows;
};

// The task: the data in double (finite-difference Hessian-vector products need the precision),
// the network, its initial parameters, the batch and the number of steps.
struct task {
  Eigen::MatrixXd train_x, test_x;
  const int* train_y;
  const int* test_y;
  ex::basic_mlp<double> net{784, 64, 10};
  vec p0;
  Eigen::Index batch = 128, steps_per_epoch = 0;
  lrs::step_t total = 0;
  long long hvp_count = 0;

  task(const ex::train_test& data, int epochs)
      : train_x(data.train.images.cast<double>()),
        test_x(data.test.images.cast<double>()),
        train_y(data.train.labels.data()),
        test_y(data.test.labels.data()),
        p0(net.initial_params(42)),
        steps_per_epoch(train_x.cols() / batch),
        total(steps_per_epoch * epochs) {}

  // Hessian-vector product of the mean loss over columns [first, first + count) at `at`, by
  // central differences of the gradient. ReLU makes the gradient piecewise smooth: a tiny
  // difference step that crosses a kink returns jump / h, a spurious spike; a step of 1e-2
  // averages over many kinks.
  auto batch_hvp(Eigen::Index first, Eigen::Index count) {
    return [this, first, count](const vec& at, const vec& v) {
      const auto grad = [&](const vec& q) {
        vec g;
        net.loss_and_gradient(q, train_x.middleCols(first, count), train_y + first, g);
        return g;
      };
      ++hvp_count;
      return vec(lrs::finite_difference_hvp(grad, at, 1e-2)(v));
    };
  }

  // One training run of `total` SGD steps (batch 128, data in file order); `lr_at(t, p, opt)`
  // gives the LR of step t and may set the momentum.
  template <class LrAt>
  run_result train(const std::string& name, LrAt&& lr_at) {
    run_result r;
    r.name = name;
    const double cpu0 = cpu_seconds();
    const long long hvp_before = hvp_count;
    lrs::sgd<double> opt;
    vec p = p0, g;
    for (lrs::step_t t = 0; t < total; ++t) {
      const double lr = lr_at(t, p, opt);
      const Eigen::Index s = t % steps_per_epoch;
      net.loss_and_gradient(p, train_x.middleCols(s * batch, batch), train_y + s * batch, g);
      opt.step(p, g, lr);
      r.final_lr = lr;
      r.final_momentum = opt.momentum();
    }
    const auto train_eval = net.evaluate(p, train_x, train_y);
    const auto test_eval = net.evaluate(p, test_x, test_y);
    r.train_loss = train_eval.loss;
    r.test_loss = test_eval.loss;
    r.test_acc = 100.0 * test_eval.accuracy;
    r.hvps = hvp_count - hvp_before;
    r.seconds = cpu_seconds() - cpu0;
    r.params = p;
    return r;
  }
};

// The four controlled runs: SSGD, and heavy ball with the minimum or median mu and either
// momentum formula.
std::vector<controlled_run> controlled_runs() {
  using learner = lrs::curvature_learner;
  using formula = lrs::momentum_formula;
  return {{"SSGD", learner::ssgd, lrs::mu_rule::minimum, formula::polyak, {}},
          {"heavy ball, mu min", learner::heavy_ball, lrs::mu_rule::minimum, formula::polyak, {}},
          {"HB, mu min, code mom",
           learner::heavy_ball,
           lrs::mu_rule::minimum,
           formula::granziol_code,
           {}},
          {"heavy ball, mu med", learner::heavy_ball, lrs::mu_rule::median, formula::polyak, {}}};
}

// Trains under the controller: every `interval` steps, Lanczos on `curvature_batch` fixed
// samples at the current parameters (20 steps, the authors' setting), then the learner. Records
// each estimate in run.rows.
run_result train_controlled(task& t, controlled_run& run, Eigen::Index curvature_batch,
                            lrs::step_t interval) {
  const auto o = lrs::lanczos_lr_options<double>{}
                     .with_lanczos_steps(20)
                     .with_learner(run.learner)
                     .with_mu(run.mu)
                     .with_formula(run.formula)
                     .with_seed(7);
  lrs::lanczos_lr_controller<double> ctl(t.batch_hvp(0, curvature_batch), interval, o);
  return t.train(run.name, [&](lrs::step_t s, const vec& p, lrs::sgd<double>& opt) {
    ctl.update(p);
    if (ctl.last_estimate_step() == s)
      run.rows.push_back(
          {s, ctl.bounds().l, ctl.bounds().median, ctl.bounds().mu, ctl.lr(), ctl.momentum()});
    opt.set_momentum(ctl.momentum());
    return ctl.lr();
  });
}

// The LR trajectory: one column per estimate step (each value holds until the next).
void print_trajectory(const std::vector<controlled_run>& runs,
                      const lrs::cosine_annealing_lr<double>& cosine) {
  std::printf("\nLR trajectory (values set at these steps hold until the next)\n%-31s", "step");
  for (const auto& row : runs[0].rows) std::printf("  %8lld", (long long)row.step);
  std::printf("\n%-31s", "cosine 0.1 -> 0: lr");
  for (const auto& row : runs[0].rows) std::printf("  %8.4f", cosine(row.step));
  std::printf("\n");
  for (const auto& run : runs) {
    const auto line = [&](const char* what, auto&& value) {
      std::printf("%-31s", (run.name + ": " + what).c_str());
      for (const auto& row : run.rows) std::printf("  %8.4f", value(row));
      std::printf("\n");
    };
    line("L", [](const estimate_row& r) { return r.l; });
    const bool ssgd = run.learner == lrs::curvature_learner::ssgd;
    line(ssgd                             ? "median"
         : run.mu == lrs::mu_rule::median ? "mu = median"
                                          : "mu",
         [&](const estimate_row& r) { return ssgd ? r.median : r.mu; });
    line("lr", [](const estimate_row& r) { return r.lr; });
    if (!ssgd) line("momentum", [](const estimate_row& r) { return r.momentum; });
  }
}

void print_results(const std::vector<run_result>& results) {
  std::printf(
      "\nrun                   final_lr  momentum  train_loss  test_loss  test_acc  HVPs  "
      "cpu_s\n");
  for (const auto& r : results)
    std::printf("%-20s  %8.4f  %8.4f  %10.4f  %9.4f  %7.2f%%  %4lld  %6.1f\n", r.name.c_str(),
                r.final_lr, r.final_momentum, r.train_loss, r.test_loss, r.test_acc, r.hvps,
                r.seconds);
}

// Batch Hessians of smaller batches have larger top eigenvalues, so the stable LR 2/lambda_max
// grows with the batch size, up to a saturation point. Mean over 3 disjoint batches each, at
// `p`, 12 Lanczos steps.
void batch_size_sweep(task& t, const vec& p) {
  std::printf(
      "\nbatch  lambda_max(B)  2/lambda_max  linear rule  sqrt rule   (rules from B0 = 16)\n");
  const Eigen::Index sizes[] = {4, 16, 64, 256, 1024};
  double top[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < 5; ++i) {
    for (int rep = 0; rep < 3; ++rep) {
      const auto hvp = t.batch_hvp(rep * sizes[i], sizes[i]);
      const auto r =
          lrs::lanczos<double>([&](const vec& v) { return hvp(p, v); }, p.size(), 12, 7u);
      top[i] += r.ritz_values.maxCoeff() / 3.0;
    }
  }
  const double lr16 = 2.0 / top[1];
  for (int i = 0; i < 5; ++i)
    std::printf("%5lld  %13.4f  %12.4f  %11.4f  %9.4f\n", (long long)sizes[i], top[i], 2.0 / top[i],
                lrs::linear_scaled_lr(lr16, 16, sizes[i]), lrs::sqrt_scaled_lr(lr16, 16, sizes[i]));
}

}  // namespace

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const lrs::step_t interval = argc > 2 ? std::max(1, std::atoi(argv[2])) : 234;
  std::string note;
  const ex::train_test data = ex::load_or_synthesize(ex::default_fashion_mnist_dir(), 0, 0, &note);
  if (!note.empty()) std::printf("%s\n", note.c_str());
  task t(data, epochs);
  const Eigen::Index curvature_batch = std::min<Eigen::Index>(1024, t.train_x.cols());
  std::printf(
      "%d parameters, %lld training samples, batch %lld, %d epochs = %lld steps; curvature: 20 "
      "Lanczos steps on %lld fixed samples every %lld steps\n",
      int(t.p0.size()), (long long)t.train_x.cols(), (long long)t.batch, epochs, (long long)t.total,
      (long long)curvature_batch, (long long)interval);

  std::vector<run_result> results;
  results.push_back(
      t.train("fixed lr 0.1", [](lrs::step_t, const vec&, lrs::sgd<double>&) { return 0.1; }));
  const lrs::cosine_annealing_lr<double> cosine(0.1, t.total);
  results.push_back(t.train(
      "cosine 0.1 -> 0", [&](lrs::step_t s, const vec&, lrs::sgd<double>&) { return cosine(s); }));
  auto runs = controlled_runs();
  for (auto& run : runs) results.push_back(train_controlled(t, run, curvature_batch, interval));

  print_trajectory(runs, cosine);
  print_results(results);
  batch_size_sweep(t, results[2].params);  // at the end of the SSGD run
  std::printf("\nCPU time %.1f s in all\n", cpu_seconds());
  return 0;
}
