// SPDX-License-Identifier: MIT
// A WSD run whose budget changes mid-run, written from the README: 10000 steps planned, extended
// to 20000 at step 3000 (still in the stable phase), then at step 8000 a cool-down of 1000 steps
// starts (the run ends at 9000). The schedule is saved in the checkpoint with the step at 8500 and
// a fresh process resumes from the original construction and that state: every later LR must
// equal the uninterrupted run's bit for bit, and the values must be the hand-computed ones.
#include <lrs/lrs.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  const auto opts = lrs::budget_options<double>{}.with_warmup_steps(100).with_min_lr(3e-5);
  // The construction, as written at the start of every run (and of the resumed one).
  const auto build = [&] { return lrs::wsd(3e-4, 10000, 0.2, opts); };

  // The uninterrupted run.
  auto schedule = build();
  std::vector<double> lrs_seen;
  std::vector<unsigned char> saved_state;
  lrs::step_t saved_step = 0;
  for (lrs::step_t t = 0; t < 9000; ++t) {
    if (t == 3000) schedule = schedule.rebudget(t, 20000);  // more compute: a longer budget
    if (t == 8000) schedule = schedule.cooldown(t, 1000);   // stop early: decay over 1000 steps
    lrs_seen.push_back(schedule(t));                        // ... opt.step(params, schedule(t)) ...
    if (t + 1 == 8500) {  // checkpoint: the step and the schedule's state
      saved_step = t + 1;
      saved_state = schedule.state();
    }
  }

  // The resumed run: the same construction, then the saved state.
  auto resumed = build();
  resumed.load_state(saved_state);
  int failures = 0;
  for (lrs::step_t t = saved_step; t < 9000; ++t) {
    if (resumed(t) != lrs_seen[static_cast<std::size_t>(t)]) {
      std::printf("step %lld: resumed %.17g, uninterrupted %.17g\n", static_cast<long long>(t),
                  resumed(t), lrs_seen[static_cast<std::size_t>(t)]);
      ++failures;
    }
  }

  // Values by hand. Warm-up from 3e-4 / 101 (with_warmup's default start); the peak until step
  // 3000 and after (the stable phase of the 20000-step budget lasts until 100 + 0.8 * 19900 =
  // 16020, so at 8000 it is still 3e-4); the linear cool-down over 8000..9000 is halfway at 8500;
  // min_lr from 9000 on.
  const double peak = 3e-4, floor = 3e-5;
  const struct {
    lrs::step_t t;
    double want;
  } hand[] = {{0, peak / 101}, {100, peak},   {7999, peak}, {8500, floor + (peak - floor) * 0.5},
              {9000, floor},   {12000, floor}};
  for (const auto& h : hand) {
    if (std::abs(resumed(h.t) - h.want) > 1e-15 * h.want) {
      std::printf("step %lld: %.17g, by hand %.17g\n", static_cast<long long>(h.t), resumed(h.t),
                  h.want);
      ++failures;
    }
  }
  // Without the state the resumed run would be the 10000-step plan: a different LR at 8500.
  if (build()(8500) == resumed(8500)) {
    std::printf("the state changed nothing\n");
    ++failures;
  }
  std::printf("resumed at step %lld after %zu budget changes: %s\n",
              static_cast<long long>(saved_step), resumed.rebudget_count(),
              failures == 0 ? "every LR equal, bit for bit" : "MISMATCH");
  return failures == 0 ? 0 : 1;
}
