// SPDX-License-Identifier: MIT
// Budget-native schedules: REX, cosine and WSD over 1000 steps, a re-budget, and areas.
#include <cstdio>

#include <lrs/lrs.hpp>

int main() {
  // A linear warm-up from 0.1 / 51 (with_warmup's default start) over steps 0..49; the profile
  // runs over steps 50..999, down to min_lr.
  const auto o = lrs::budget_options<double>{}.with_min_lr(1e-3).with_warmup_steps(50);
  const auto rex = lrs::rex(0.1, 1000, o);
  const auto cosine = lrs::cosine_decay(0.1, 1000, o);
  const auto wsd = lrs::wsd(0.1, 1000, 0.2, lrs::profiles::decay_shape::one_sqrt, o);
  // Extend the WSD run to 2000 steps at step 600, still in its stable phase.
  const auto longer = wsd.rebudget(600, 2000);

  std::printf("step       rex    cosine       wsd  wsd->2000\n");
  for (lrs::step_t t = 0; t <= 2000; t += 100)
    std::printf("%4lld  %.6f  %.6f  %.6f  %.6f\n", static_cast<long long>(t), rex(t), cosine(t),
                wsd(t), longer(t));
  std::printf("area over [0, 1000): rex %.4f, cosine %.4f, wsd %.4f\n", lrs::area(rex, 0, 1000),
              lrs::area(cosine, 0, 1000), lrs::area(wsd, 0, 1000));
  return 0;
}
