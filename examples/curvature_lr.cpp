// SPDX-License-Identifier: MIT
// Curvature-set LR on a Fashion-MNIST MLP: Lanczos top eigenvalue, learners, batch-size sweep.
//
// Usage: curvature_lr [epochs]   (default 3; the dataset is read from
// /usr/share/datasets/fashion-mnist, or a synthetic task is used when it is missing)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <lrs/analysis/batch_size.hpp>
#include <lrs/analysis/lanczos.hpp>
#include <lrs/optim.hpp>

#include "common/fashion_mnist.hpp"
#include "common/mlp.hpp"

namespace ex = lrs_example;
using vec = Eigen::VectorXd;

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  std::string note;
  const ex::train_test data = ex::load_or_synthesize(ex::default_fashion_mnist_dir(), 0, 0, &note);
  if (!note.empty()) std::printf("%s\n", note.c_str());
  // The analysis runs in double: finite-difference Hessian-vector products need the precision.
  const Eigen::MatrixXd train_x = data.train.images.cast<double>();
  const Eigen::MatrixXd test_x = data.test.images.cast<double>();
  const int* train_y = data.train.labels.data();
  ex::basic_mlp<double> net(784, 64, 10);
  vec p = net.initial_params(42);
  const auto t0 = std::chrono::steady_clock::now();

  // Top of the Hessian spectrum of the mean loss over columns [first, first + count), by a few
  // Lanczos steps on finite-difference Hessian-vector products.
  const auto spectrum = [&](const vec& at, Eigen::Index first, Eigen::Index count, int steps) {
    const auto grad = [&](const vec& q) {
      vec g;
      net.loss_and_gradient(q, train_x.middleCols(first, count), train_y + first, g);
      return g;
    };
    // ReLU makes the gradient piecewise smooth: a tiny difference step that crosses a kink
    // returns jump / h, a spurious spike. A step of 1e-2 averages over many kinks.
    return lrs::lanczos(lrs::finite_difference_hvp(grad, at, 1e-2), at.size(), steps, 7u);
  };
  const auto evaluate = [&](const vec& at) {
    return 100.0 * net.evaluate(at, test_x, data.test.labels.data()).accuracy;
  };

  // On-the-fly learner (Granziol et al.): every epoch, 20 Lanczos steps on a fixed curvature
  // batch of 1024 samples, then SSGD lr = 2 / (L + median) for the next epoch.
  const Eigen::Index curvature_batch = std::min<Eigen::Index>(1024, train_x.cols());
  const Eigen::Index batch = 128, steps_per_epoch = train_x.cols() / batch;
  std::printf("%d parameters, %lld training samples, batch %lld\n\n", int(p.size()),
              (long long)train_x.cols(), (long long)batch);
  std::printf(
      "epoch  lambda_max  median    mu       2/lambda_max  ssgd_lr  hb_lr    hb_mom  "
      "train_loss  test_acc\n");
  lrs::sgd<double> sgd;  // plain SGD; the learner sets its LR each epoch
  for (int epoch = 0; epoch <= epochs; ++epoch) {
    const auto r = spectrum(p, 0, curvature_batch, 20);
    const auto b = lrs::curvature_bounds(r);
    const double lr = lrs::ssgd_lr(b);
    const auto hb = lrs::heavy_ball(b);
    const double loss = net.evaluate(p, train_x, train_y).loss;
    std::printf("%5d  %10.4f  %8.4f  %7.4f  %12.4f  %7.4f  %7.4f  %6.4f  %10.4f  %7.2f%%\n", epoch,
                b.l, b.median, b.mu, 2.0 / b.l, lr, hb.lr, hb.momentum, loss, evaluate(p));
    if (epoch == epochs) break;
    vec g;
    for (Eigen::Index s = 0; s < steps_per_epoch; ++s) {
      net.loss_and_gradient(p, train_x.middleCols(s * batch, batch), train_y + s * batch, g);
      sgd.step(p, g, lr);
    }
  }

  // Batch Hessians of smaller batches have larger top eigenvalues, so the stable LR 2/lambda_max
  // grows with the batch size, up to a saturation point. Mean over 3 disjoint batches each.
  std::printf(
      "\nbatch  lambda_max(B)  2/lambda_max  linear rule  sqrt rule   (rules from B0 = 16)\n");
  const Eigen::Index sizes[] = {4, 16, 64, 256, 1024};
  double top[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < 5; ++i) {
    for (int rep = 0; rep < 3; ++rep)
      top[i] += spectrum(p, rep * sizes[i], sizes[i], 12).ritz_values.maxCoeff() / 3.0;
  }
  const double lr16 = 2.0 / top[1];
  for (int i = 0; i < 5; ++i)
    std::printf("%5lld  %13.4f  %12.4f  %11.4f  %9.4f\n", (long long)sizes[i], top[i], 2.0 / top[i],
                lrs::linear_scaled_lr(lr16, 16, sizes[i]), lrs::sqrt_scaled_lr(lr16, 16, sizes[i]));
  std::printf("\nwall time %.1f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return 0;
}
