// SPDX-License-Identifier: MIT
// Quick start: build a schedule, read its learning rates, pick one at run time.
#include <cstdio>

#include <lrs/lrs.hpp>

int main() {
  // PyTorch's SequentialLR([warmup, CosineAnnealingLR(T_max=90)], milestones=[10]) with lr=0.1.
  const auto warmup = [](lrs::step_t t) { return 0.1 * double(t + 1) / 10.0; };
  const lrs::sequential schedule({10}, warmup, lrs::cosine_annealing_lr(0.1, 90));

  std::printf("step        lr\n");
  for (lrs::step_t t = 0; t <= 100; t += 10)
    std::printf("%4lld  %.6f\n", (long long)t, schedule(t));

  // Schedules are values: copy them, share them, resume at any step without replaying history.
  const lrs::any_schedule<double> chosen = lrs::step_lr(0.1, 30, 0.1);
  const auto first = lrs::sample(chosen, 31);
  std::printf("step_lr: lr(0) = %g, lr(30) = %g\n", first[0], first[30]);

  // Bad parameters throw lrs::invalid_argument naming the parameter, value and allowed range.
  try {
    lrs::cosine_annealing_lr<double> bad(0.1, 0);
  } catch (const lrs::invalid_argument& e) {
    std::printf("error: %s\n", e.what());
  }
  return 0;
}
