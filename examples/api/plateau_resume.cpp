// SPDX-License-Identifier: MIT
// A plateau-scaled cosine with checkpoint/resume, written from the README alone: a 200-step warm-up
// then a cosine from 0.1 down to 1e-3 over 2800 steps, whose LR is also halved each time a
// (toy) validation loss stops improving. The run is interrupted half way: the controller's state
// goes into an lrs checkpoint (bytes, here in memory; save_checkpoint writes the same bytes to a
// file), a fresh controller built the same way loads it, and the rest of the run must give the
// same learning rates as an uninterrupted run, bit for bit. Exit code 0 when they do.
#include <cstdio>
#include <cstring>
#include <vector>

#include <lrs/io/checkpoint.hpp>
#include <lrs/lrs.hpp>

namespace {

constexpr lrs::step_t total_steps = 3000;
constexpr lrs::step_t eval_every = 100;  // one validation loss every 100 updates

// The controller, built the same way for the first run and for the resumed one: the schedule
// goes inside plateau_scaled (a controller cannot go inside a schedule).
lrs::plateau_scaled<lrs::with_warmup<lrs::budgeted<lrs::profiles::cosine>>> make_controller() {
  const auto schedule = lrs::with_warmup(lrs::cosine_decay(0.1, total_steps - 200, 1e-3), 200);
  const auto opts =
      lrs::plateau_options<double>{}.with_factor(0.5).with_patience(2).with_cooldown(1);
  return lrs::plateau_scaled(schedule, opts);
}

// A toy validation loss: falls, stalls for a while, falls again, stalls.
double validation_loss(lrs::step_t eval) {
  if (eval < 5) return 2.0 - 0.2 * double(eval);
  if (eval < 12) return 1.0;
  if (eval < 15) return 0.9 - 0.1 * double(eval - 12);
  return 0.7;
}

// Updates [first, last) of a run: the LR of each update, then a validation loss every
// eval_every updates, reported to the controller.
void run(lrs::plateau_scaled<lrs::with_warmup<lrs::budgeted<lrs::profiles::cosine>>>& ctrl,
         lrs::step_t first, lrs::step_t last, std::vector<double>& lrs_out) {
  for (lrs::step_t t = first; t < last; ++t) {
    lrs_out.push_back(ctrl.lr(t));  // opt.step(..., ctrl.lr(t)) in a real loop
    if ((t + 1) % eval_every == 0) ctrl.observe(validation_loss(t / eval_every));
  }
}

}  // namespace

int main() {
  // The uninterrupted run.
  auto whole = make_controller();
  std::vector<double> expected;
  run(whole, 0, total_steps, expected);

  // The same run, stopped at update 1500 and checkpointed.
  const lrs::step_t stop = total_steps / 2;
  auto first = make_controller();
  std::vector<double> got;
  run(first, 0, stop, got);
  lrs::checkpoint c;
  c.add("lr", first);
  const auto saved = c.bytes();  // lrs::save_checkpoint("run.ckpt", c) writes these bytes

  // Resume: a fresh controller around the same schedule loads the state and goes on.
  auto resumed = make_controller();
  resumed.load_state(lrs::checkpoint::from_bytes(saved).at("lr"));
  run(resumed, stop, total_steps, got);

  const bool same = got.size() == expected.size() &&
                    std::memcmp(got.data(), expected.data(), got.size() * sizeof(double)) == 0;
  std::printf("factor at the end %g (%s), LR at update %lld: %.17g; resumed run %s\n",
              whole.factor(), whole.factor() < 1 ? "cut on plateaus" : "never cut",
              static_cast<long long>(total_steps - 1), expected.back(),
              same ? "identical bit for bit" : "DIFFERS");
  return same && whole.factor() < 1 ? 0 : 1;
}
