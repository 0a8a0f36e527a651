// SPDX-License-Identifier: MIT
// Optimizers: AdamW driven by a schedule on a least-squares problem, two parameter groups,
// gradient clipping, cycled beta1, and a checkpoint saved and restored.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include <lrs/lrs.hpp>
#include <lrs/optim.hpp>

int main() {
  // Minimise 0.5 ||A w - y||^2 + 0.5 ||b - 1||^2 over the weights w (group 0) and a bias b
  // (group 1: half the lr, no weight decay).
  const Eigen::Index n = 8;
  const Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n) * 2.0;
  const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(n, -1.0, 1.0);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(n), b = Eigen::VectorXd::Zero(2);
  Eigen::VectorXd gw(n), gb(2);

  lrs::adamw_options<double> o;
  o.max_grad_norm = 5.0;
  lrs::adamw<double> opt(o);
  const auto bias_group = opt.add_group({0.5, 0.0});
  const lrs::cosine_annealing_lr<double> schedule(0.05, 200);
  std::vector<unsigned char> checkpoint;

  std::printf("step        lr   |grad|_2   loss\n");
  for (lrs::step_t t = 0; t < 200; ++t) {
    const Eigen::VectorXd r = a * w - y;
    gw = a.transpose() * r;
    gb = b.array() - 1.0;
    opt.set_beta1(t % 2 ? 0.85 : 0.95);  // e.g. OneCycleLR's cycled momentum
    const auto info =
        opt.step({lrs::param_tensor<double>(w, gw), lrs::param_tensor<double>(b, gb, bias_group)},
                 schedule(t));
    if (t == 100) checkpoint = opt.state();
    if (t % 40 == 0)
      std::printf("%4lld  %.6f  %9.6f  %.6f\n", (long long)t, schedule(t), info.grad_l2,
                  0.5 * r.squaredNorm() + 0.5 * gb.squaredNorm());
  }
  std::printf("w[0] = %.6f (least-squares optimum %.6f), b[0] = %.6f\n", w[0], y[0] / 2.0, b[0]);

  lrs::adamw<double> restored(o);
  restored.add_group({0.5, 0.0});
  restored.load_state(checkpoint);
  std::printf("restored after %lld steps\n", (long long)restored.step_count());
  return 0;
}
