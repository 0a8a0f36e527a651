// SPDX-License-Identifier: MIT
// lrs::plateau_scaled: ReduceLROnPlateau's cuts on top of any schedule, one state, resumed bit
// for bit.
#include <lrs/controllers/plateau_scaled.hpp>

#include <cstring>
#include <string>
#include <vector>

#include <lrs/controllers/reduce_lr_on_plateau.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/warmup.hpp>

#include "catch.hpp"
#include "support/errors.hpp"
#include "support/state_corruption.hpp"

namespace {

using lrs::step_t;
using lrs_test::message_of;
using bytes_t = std::vector<unsigned char>;

// A validation loss with plateaus: falls, stalls, falls again.
double metric_at(int epoch) {
  if (epoch < 5) return 2.0 - 0.2 * epoch;
  if (epoch < 12) return 1.0;
  if (epoch < 15) return 0.9 - 0.1 * (epoch - 12);
  return 0.7;
}

lrs::plateau_options<double> opts() {
  lrs::plateau_options<double> o;
  o.factor = 0.5;
  o.patience = 2;
  o.cooldown = 1;
  return o;
}

auto make() {
  lrs::budget_options<double> c;
  c.min_lr = 1e-3;
  return lrs::plateau_scaled(lrs::with_warmup(lrs::cosine_decay(0.1, 3000, c), 200), opts());
}
}  // namespace

TEST_CASE("plateau_scaled cuts the factor by ReduceLROnPlateau's rule", "[controller][plateau]") {
  auto p = make();
  const auto& s = p.schedule();
  CHECK(p.factor() == 1.0);
  CHECK(p.lr(250) == s(250));
  // patience 2, cooldown 1, by hand: epochs 0-4 improve; 5 (1.0 = 1.2 - 0.2) improves; 6, 7, 8
  // are bad, the third bad one (> patience) cuts to 0.5 and starts a cooldown of one epoch; 9
  // is not counted (cooldown); 10, 11 bad (2, not > 2); 12 (0.9) improves; 13, 14 improve;
  // 15, 16, 17 bad -> second cut to 0.25 at epoch 17.
  std::vector<double> factors;
  for (int e = 0; e < 20; ++e) factors.push_back(p.observe(metric_at(e)));
  const std::vector<double> expected = {1,   1,   1,   1,   1,   1,   1,   1,    0.5,  0.5,
                                        0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25};
  CHECK(factors == expected);
  CHECK(p.lr(1000) == 0.25 * s(1000));
  // The same cuts as PyTorch's ReduceLROnPlateau on an LR of 1 (reduce_lr_on_plateau).
  lrs::reduce_lr_on_plateau<double> torch_rule(1.0, opts());
  for (int e = 0; e < 20; ++e) CHECK(torch_rule.observe(metric_at(e)) == expected[std::size_t(e)]);
}

TEST_CASE("plateau_scaled resumes bit for bit from its state", "[controller][plateau][state]") {
  // Run A: 3000 updates, a metric every 100. Run B: stops at update 1300, saves, and a fresh
  // object loads the state and continues. Every LR must be the same bits.
  auto a = make();
  std::vector<double> lr_a;
  for (step_t t = 0; t < 3000; ++t) {
    lr_a.push_back(a.lr(t));
    if (t % 100 == 99) a.observe(metric_at(int(t / 100)));
  }
  auto b = make();
  std::vector<double> lr_b;
  bytes_t saved;
  for (step_t t = 0; t < 1300; ++t) {
    lr_b.push_back(b.lr(t));
    if (t % 100 == 99) b.observe(metric_at(int(t / 100)));
  }
  saved = b.state();
  auto c = make();
  c.load_state(saved);
  CHECK(c.state() == saved);
  for (step_t t = 1300; t < 3000; ++t) {
    lr_b.push_back(c.lr(t));
    if (t % 100 == 99) c.observe(metric_at(int(t / 100)));
  }
  REQUIRE(lr_a.size() == lr_b.size());
  CHECK(std::memcmp(lr_a.data(), lr_b.data(), lr_a.size() * sizeof(double)) == 0);
  CHECK(a.state() == c.state());
  CHECK(a.factor() < 1.0);  // the run did cut
}

TEST_CASE("plateau_scaled refuses another object's state and stays unchanged",
          "[controller][plateau][state]") {
  auto p = make();
  for (int e = 0; e < 9; ++e) p.observe(metric_at(e));
  const bytes_t before = p.state();
  auto o = opts();
  o.patience = 3;
  auto other = lrs::plateau_scaled(lrs::cosine_decay(0.1, 3000), o);
  CHECK(message_of([&] { p.load_state(other.state()); }).find("patience") != std::string::npos);
  CHECK(p.state() == before);
  // The plain controller's state is another kind.
  lrs::reduce_lr_on_plateau<double> plain(1.0, opts());
  CHECK(message_of([&] { p.load_state(plain.state()); }).find("written by reduce_lr_on_plateau") !=
        std::string::npos);
  // Every truncation and every bit flip is refused, leaving the object as it was.
  lrs_test::check_every_corruption(p, before);
  CHECK(p.state() == before);
}

TEST_CASE("plateau_scaled names its bad parameters", "[controller][plateau]") {
  auto o = opts();
  o.min_lr = 1e-5;
  CHECK(message_of([&] { (void)lrs::plateau_scaled(lrs::cosine_decay(0.1, 100), o); }) ==
        "lrs::plateau_scaled: min_lr must be 0 (the floor of plateau_scaled is min_factor, on the "
        "factor), got 1e-05");
  o.min_lr = 0;
  o.factor = 1.5;
  CHECK(message_of([&] { (void)lrs::plateau_scaled(lrs::cosine_decay(0.1, 100), o); }) ==
        "lrs::reduce_lr_on_plateau: factor must be in [0, 1), got 1.5");
}

TEST_CASE("plateau_scaled refuses a state saved around another schedule, naming both",
          "[controller][plateau][state]") {
  auto p = make();  // with_warmup(cosine_decay(0.1, 3000, min 1e-3), 200)
  for (int e = 0; e < 9; ++e) p.observe(metric_at(e));  // factor 0.5 (the first test)
  REQUIRE(p.factor() == 0.5);
  const bytes_t before = p.state();

  // Another type of child: a cosine without warm-up, same options.
  lrs::budget_options<double> c;
  c.min_lr = 1e-3;
  auto bare = lrs::plateau_scaled(lrs::cosine_decay(0.1, 3000, c), opts());
  const std::string m1 = message_of([&] { p.load_state(bare.state()); });
  CHECK(m1.find("saved around another schedule") != std::string::npos);
  CHECK(m1.find("with_warmup") != std::string::npos);  // this object's child
  CHECK(m1.find("budgeted") != std::string::npos);     // both name the cosine
  // The checkpoint's child (no warm-up) is named first, without "with_warmup".
  const std::size_t in_ckpt = m1.find("' in the checkpoint");
  REQUIRE(in_ckpt != std::string::npos);
  CHECK(m1.substr(0, in_ckpt).find("with_warmup") == std::string::npos);
  // Step 0: the bare cosine is at its peak 0.1, the warm-up at 0.1 / (200 + 1).
  CHECK(m1.find("at step 0 it gives 0.1, this one 0.000497") != std::string::npos);
  CHECK(p.state() == before);

  // The same type with another peak: the values differ, the message names the type twice.
  auto other_peak =
      lrs::plateau_scaled(lrs::with_warmup(lrs::cosine_decay(0.2, 3000, c), 200), opts());
  const std::string m2 = message_of([&] { p.load_state(other_peak.state()); });
  CHECK(m2.find("saved around another schedule") != std::string::npos);
  CHECK(m2.find("at step 0 it gives 0.000995") != std::string::npos);  // 0.2 / 201
  CHECK(p.state() == before);

  // The same child round-trips bit for bit, into a fresh object.
  auto fresh = make();
  fresh.load_state(before);
  CHECK(fresh.state() == before);
  CHECK(fresh.factor() == 0.5);
  for (step_t t : {0, 1, 199, 200, 1500, 2999, 5000}) {
    const double x = fresh.lr(t), y = p.lr(t);
    CHECK(std::memcmp(&x, &y, sizeof x) == 0);
  }
}

TEST_CASE("plateau_scaled loads a kind-version-1 state (no fingerprint) unchecked",
          "[controller][plateau][state]") {
  // A version-1 state written by hand with the format of docs/state.md before the fingerprint.
  lrs::state_writer w("plateau_scaled", lrs::state_scalar_of<double>(), 1);
  const auto o = opts();
  w.hyper("mode", "min")
      .hyper("threshold_mode", "rel")
      .hyper("factor", o.factor)
      .hyper("patience", o.patience)
      .hyper("threshold", o.threshold)
      .hyper("cooldown", o.cooldown)
      .hyper("eps", o.eps)
      .hyper("min_factor", o.min_factor);
  w.real(0.25).real(0.75);
  w.i64(1).i64(0).i64(17);
  auto p = make();
  p.load_state(w.finish());
  CHECK(p.factor() == 0.25);
  CHECK(p.lr(1000) == 0.25 * p.schedule()(1000));
}
