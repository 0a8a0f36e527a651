// SPDX-License-Identifier: MIT
// Warm-up + cosine driving AdamW with two parameter groups, as PyTorch users write them:
//
//   torch.optim.AdamW([{"params": backbone, "weight_decay": 0.01},
//                      {"params": head, "lr": 0.02, "weight_decay": 0.0}], lr=peak)
//
// on a small synthetic least-squares problem. The backbone follows the schedule (warm-up, then a
// cosine), the head has its own constant LR and no weight decay. Exits non-zero if a group's LR
// differs from the hand formula or the loss did not fall.
#include <cmath>
#include <cstdio>

#include <lrs/lrs.hpp>
#include <lrs/optim.hpp>

int main() {
  // Data: y = X w_true + 0.5, X a fixed pseudo-random 64 x 8 matrix (no RNG state to seed).
  const Eigen::Index n = 64, d = 8;
  Eigen::MatrixXd x(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < d; ++j) x(i, j) = std::sin(double(1 + i * d + j) * 1.618);
  const Eigen::VectorXd w_true = Eigen::VectorXd::LinSpaced(d, -1.0, 1.0);
  const Eigen::VectorXd y = x * w_true + Eigen::VectorXd::Constant(n, 0.5);

  // Model: prediction = X w + b. w is the "backbone" (group 0), b the "head" (group 1).
  Eigen::VectorXd w = Eigen::VectorXd::Zero(d), b = Eigen::VectorXd::Zero(1);
  Eigen::VectorXd gw(d), gb(1);

  const double peak = 0.05, min_lr = 0.005, head_lr = 0.02;
  const lrs::step_t steps = 300, warmup = 30;
  const auto schedule = lrs::with_warmup(lrs::cosine_decay(peak, steps - warmup, min_lr), warmup);

  lrs::adamw<double> opt(lrs::adamw_options<double>{}.with_weight_decay(0.01));
  const std::size_t head =
      opt.add_group(lrs::param_group<double>{}.with_lr(head_lr).with_weight_decay(0.0));

  auto loss_and_grads = [&] {
    const Eigen::VectorXd r = x * w + Eigen::VectorXd::Constant(n, b[0]) - y;
    gw = x.transpose() * r / double(n);
    gb[0] = r.mean();
    return 0.5 * r.squaredNorm() / double(n);
  };

  // The LR of each group at step t by hand: backbone = the warm-up, then the cosine; head = its
  // own constant LR, whatever the schedule says.
  const double pi = std::acos(-1.0);
  auto backbone_by_hand = [&](lrs::step_t t) {
    if (t < warmup) return peak * double(t + 1) / double(warmup + 1);
    const double u = double(t - warmup) / double(steps - warmup);
    return min_lr + (peak - min_lr) * 0.5 * (1.0 + std::cos(pi * u));
  };

  int failures = 0;
  const double first_loss = loss_and_grads();
  double loss = first_loss;
  for (lrs::step_t t = 0; t < steps; ++t) {
    loss = loss_and_grads();
    const Eigen::VectorXd b_before = b;
    const double lr = schedule(t);
    opt.step({lrs::param_tensor(w, gw), lrs::param_tensor(b, gb, head)}, lr);
    for (const lrs::step_t probe : {lrs::step_t(0), warmup - 1, warmup, steps / 2, steps - 1}) {
      if (t != probe) continue;
      const double backbone = opt.group(0).lr_at(lr), head_now = opt.group(head).lr_at(lr);
      std::printf("step %3lld: backbone lr %.6f (by hand %.6f), head lr %.6f\n",
                  static_cast<long long>(t), backbone, backbone_by_hand(t), head_now);
      if (std::abs(backbone - backbone_by_hand(t)) > 1e-12 * peak || head_now != head_lr)
        ++failures;
    }
    // AdamW's first update moves each parameter by lr * sign(g) (bias correction, eps << |g|)
    // after the decoupled decay, none here for the head: b moves by exactly the head's LR.
    if (t == 0 && std::abs(std::abs(b[0] - b_before[0]) - head_lr) > 1e-6 * head_lr) {
      std::printf("the head's first update was %.8f, not its lr %.8f\n",
                  std::abs(b[0] - b_before[0]), head_lr);
      ++failures;
    }
  }
  loss = loss_and_grads();
  std::printf("loss %.6f -> %.6f\n", first_loss, loss);
  if (!(loss < 0.01 * first_loss)) {
    std::printf("the loss did not fall by 100x\n");
    ++failures;
  }
  return failures == 0 ? 0 : 1;
}
