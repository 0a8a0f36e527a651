// SPDX-License-Identifier: MIT
// Refinement on real training: linear decay with warmup records gradient norms, refine, retrain.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <lrs/analysis/refinement.hpp>
#include <lrs/core/any_schedule.hpp>
#include <lrs/io/grad_norms.hpp>
#include <lrs/io/svg.hpp>
#include <lrs/optim.hpp>

#include "common/cli.hpp"
#include "common/fashion_mnist.hpp"
#include "common/mlp.hpp"
#include "common/random.hpp"

namespace {

struct config {
  std::string data_dir = lrs_example::default_fashion_mnist_dir();
  Eigen::Index max_train = 20000, hidden = 128, batch = 128;
  int epochs = 3;
  double sgd_lr = 0.1, adam_lr = 2e-3, warmup = 0.05, tau = 0.1;
  std::uint64_t seed = 1;
  std::string out = "refine_schedule";
};

struct run_result {
  double train_loss = 0, test_accuracy = 0;
  lrs::grad_norm_recorder norms;
};

// One training run: same initialisation and batch order for every call; records one gradient
// norm per step (L2 for SGD, L1 for Adam) from the optimizer's step result.
template <class Optimizer, class Schedule>
run_result train(Optimizer opt, const Schedule& lr, lrs::grad_norm_kind kind,
                 const lrs_example::train_test& data, const config& c) {
  lrs_example::mlp net(data.train.images.rows(), c.hidden, 10);
  lrs_example::mlp::vector params = net.initial_params(c.seed), grad;
  lrs_example::rng order_rng(lrs_example::derive_seed(c.seed, 1));
  std::vector<Eigen::Index> order(static_cast<std::size_t>(data.train.images.cols()));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<Eigen::Index>(i);
  Eigen::MatrixXf x(data.train.images.rows(), c.batch);
  std::vector<int> y(static_cast<std::size_t>(c.batch));
  run_result r{0, 0, lrs::grad_norm_recorder(kind)};
  lrs::step_t t = 0;
  for (int epoch = 0; epoch < c.epochs; ++epoch) {
    order_rng.shuffle(order);
    for (std::size_t start = 0; start + std::size_t(c.batch) <= order.size();
         start += std::size_t(c.batch)) {
      for (Eigen::Index j = 0; j < c.batch; ++j) {
        const Eigen::Index k = order[start + std::size_t(j)];
        x.col(j) = data.train.images.col(k);
        y[std::size_t(j)] = data.train.labels[std::size_t(k)];
      }
      net.loss_and_gradient(params, x, y.data(), grad);
      r.norms.record(opt.step(params, grad, static_cast<float>(lr(t++))));
    }
  }
  r.train_loss = net.evaluate(params, data.train.images, data.train.labels.data()).loss;
  r.test_accuracy = net.evaluate(params, data.test.images, data.test.labels.data()).accuracy;
  return r;
}

std::vector<double> sampled(const lrs::any_schedule<double>& s, lrs::step_t n, double peak) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (lrs::step_t t = 0; t < n; ++t) v[std::size_t(t)] = s(t) / peak;
  return v;
}

/// Reads the command line into `c`; returns the exit code if the program should stop here
/// (--help, a parse error).
std::optional<int> parse_options(int argc, char** argv, config& c) {
  CLI::App app{"Refined schedules from gradient norms on Fashion-MNIST (Defazio et al.)"};
  app.add_option("--data", c.data_dir, "Fashion-MNIST directory")->capture_default_str();
  app.add_option("--train", c.max_train, "training examples used (0: all)")->capture_default_str();
  app.add_option("--epochs", c.epochs, "epochs per run")->capture_default_str();
  app.add_option("--seed", c.seed, "initialisation and batch-order seed")->capture_default_str();
  app.add_option("--out", c.out, "prefix of the CSV and SVG files written")->capture_default_str();
  return lrs_example::parse(app, argc, argv);
}

/// The paper's baseline: linear warmup (j+1)/W, then linear decay to 0 at the budget.
lrs::any_schedule<double> linear_with_warmup(double peak, lrs::step_t warmup, lrs::step_t steps) {
  return [=](lrs::step_t j) {
    return j < warmup ? peak * double(j + 1) / double(warmup)
                      : peak * (1.0 - double(j - warmup) / double(steps - warmup));
  };
}

/// One optimizer's experiment: trains with `linear` recording gradient norms (saved to a CSV),
/// refines the schedule from them, trains again with it and prints both runs. Returns the
/// refined schedule.
lrs::any_schedule<double> refine_and_retrain(bool adam, double peak,
                                             const lrs::any_schedule<double>& linear,
                                             lrs::step_t steps, const lrs_example::train_test& data,
                                             const config& c) {
  const auto kind = adam ? lrs::grad_norm_kind::l1 : lrs::grad_norm_kind::l2;
  const auto run = [&](const lrs::any_schedule<double>& s) {
    if (adam) return train(lrs::adam<float>(), s, kind, data, c);
    lrs::sgd_options<float> o;
    o.momentum = 0.9f;
    return train(lrs::sgd<float>(o), s, kind, data, c);
  };
  const char* name = adam ? "adam" : "sgd";
  const run_result first = run(linear);
  lrs::save_grad_norms(c.out + "_norms_" + name + ".csv", first.norms);
  lrs::refine_options<double> o;
  o.tau = c.tau;
  o.weighting = adam ? lrs::refine_weighting::adam : lrs::refine_weighting::sgd;
  o.peak = peak;
  const lrs::any_schedule<double> refined = lrs::refine(first.norms.norms(), o);
  const run_result second = run(refined);
  std::printf("%-5s %-26s %16.4f %14.4f\n", name, "linear decay + warmup", first.train_loss,
              first.test_accuracy);
  std::printf("%-5s %-26s %16.4f %14.4f\n", name, "refined from its norms", second.train_loss,
              second.test_accuracy);
  std::printf("      refined lr / peak at 0%%, 10%%, ..., 90%% of the steps:");
  for (int k = 0; k < 10; ++k) std::printf(" %.3f", refined(k * steps / 10) / peak);
  std::printf("\n");
  return refined;
}

int run(int argc, char** argv) {
  config c;
  if (const auto code = parse_options(argc, argv, c)) return *code;
  std::string note;
  const auto data = lrs_example::load_or_synthesize(c.data_dir, c.max_train, 0, &note);
  std::printf("data: %s%s\n", data.description.c_str(),
              note.empty() ? "" : (" (" + note + ")").c_str());
  const lrs::step_t steps = c.epochs * (data.train.images.cols() / c.batch);
  const auto warmup = static_cast<lrs::step_t>(c.warmup * double(steps));

  lrs::svg_plot plot({"Refined schedules (Fashion-MNIST MLP)", "step", "lr / peak"});
  std::vector<double> xs(static_cast<std::size_t>(steps));
  for (lrs::step_t t = 0; t < steps; ++t) xs[std::size_t(t)] = double(t);
  std::printf("\n%-5s %-26s %16s %14s\n", "opt", "schedule", "final train loss", "test accuracy");
  for (const bool adam : {false, true}) {
    const double peak = adam ? c.adam_lr : c.sgd_lr;
    const auto linear = linear_with_warmup(peak, warmup, steps);
    const auto refined = refine_and_retrain(adam, peak, linear, steps, data, c);
    plot.add_series(std::string(adam ? "adam" : "sgd") + " refined", xs,
                    sampled(refined, steps, peak));
    if (!adam) plot.add_series("linear decay + warmup", xs, sampled(linear, steps, peak));
  }
  plot.write(c.out + ".svg");
  std::printf("\nwrote %s.svg and %s_norms_{sgd,adam}.csv\n", c.out.c_str(), c.out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return lrs_example::main_of("refine_schedule", run, argc, argv);
}
