// SPDX-License-Identifier: MIT
// Budgeted schedules: the warm-up is with_warmup's (same default start), wsd(peak, T, decay,
// opts), the re-budget history as a state (resume after rebudget / cooldown bit for bit), and the
// chainable setters of every options struct in lrs/schedules.
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/combinators.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>
#include <lrs/schedules/hf.hpp>
#include <lrs/schedules/one_cycle_lr.hpp>
#include <lrs/schedules/optax.hpp>
#include <lrs/schedules/timm.hpp>
#include <lrs/schedules/warmup.hpp>

#include <vector>

#include "catch.hpp"
#include "tolerance.hpp"

using Catch::Matchers::Contains;

namespace {
namespace p = lrs::profiles;
using lrs::step_t;

// The same profile over T - W steps without a warm-up, behind with_warmup's warm-up of W steps.
template <class Profile>
auto by_hand(double peak, Profile profile, step_t total, lrs::budget_options<double> o) {
  lrs::warmup_options<double> w;
  w.warmup_shape = o.warmup_shape;
  w.warmup_start = o.warmup_start;
  const step_t warm = o.warmup_steps;
  o.warmup_steps = 0;
  o.warmup_start.reset();
  return lrs::with_warmup(lrs::budgeted<Profile, double>(peak, profile, total - warm, o), warm, w);
}
}  // namespace

TEST_CASE("a budgeted warm-up is with_warmup's, default start included, bit for bit",
          "[schedule][budgeted][warmup]") {
  for (const auto shape :
       {lrs::warmup_shape::linear, lrs::warmup_shape::cosine, lrs::warmup_shape::exponential}) {
    for (const bool from_zero : {false, true}) {
      if (from_zero && shape == lrs::warmup_shape::exponential) continue;
      auto o =
          lrs::budget_options<double>{}.with_min_lr(1e-4).with_warmup_steps(40).with_warmup_shape(
              shape);
      if (from_zero) o.warmup_start = 0.0;
      const auto mine = lrs::budgeted(3e-3, p::rex(0.9), 400, o);
      const auto theirs = by_hand(3e-3, p::rex(0.9), 400, o);
      INFO("shape " << static_cast<int>(shape) << ", from zero " << from_zero);
      for (step_t t = 0; t < 450; ++t) {
        INFO("t = " << t);
        REQUIRE(mine(t) == theirs(t));
      }
    }
  }
  // The one rule by hand: the default start is peak / (W + 1), the first step rises by as much.
  const auto w = lrs::wsd(0.1, 1000, 0.2, lrs::budget_options<double>{}.with_warmup_steps(50));
  CHECK(w.warmup_start() == 0.1 / 51);
  CHECK(w(0) == 0.1 / 51);
  CHECK_THAT(w(1), WithinRel(2 * 0.1 / 51, 1e-15));
  CHECK(w(50) == 0.1);
  // warmup_start = 0: from zero, as optax / Hugging Face / timm.
  const auto z = lrs::wsd(
      0.1, 1000, 0.2, lrs::budget_options<double>{}.with_warmup_steps(50).with_warmup_start(0.0));
  CHECK(z(0) == 0.0);
  CHECK_THAT(z(25), WithinRel(0.05, 1e-15));
}

TEST_CASE("wsd(peak, T, decay, opts) is the linear-decay WSD with options",
          "[schedule][budgeted][wsd]") {
  const auto o = lrs::budget_options<double>{}.with_min_lr(0.01);
  const auto s = lrs::wsd(1.0, 100, 0.5, o);
  // Stable for z < 0.5, then 1 - u from 1 to 0.01: at t = 75, u = 0.5: 0.01 + 0.99 * 0.5.
  CHECK(s(49) == 1.0);
  CHECK_THAT(s(75), WithinRel(0.505, 1e-14));
  CHECK(s(100) == 0.01);
  const auto same = lrs::wsd(1.0, 100, 0.5, p::decay_shape::linear, o);
  for (step_t t = 0; t <= 100; ++t) CHECK(s(t) == same(t));
}

TEST_CASE("a schedule without a budget has no rebudget, also through a combinator",
          "[schedule][budgeted][rebudget]") {
  using warm_cos = decltype(lrs::with_warmup(lrs::cosine_annealing_lr(0.1, 100), 10));
  using warm_wsd = decltype(lrs::with_warmup(lrs::wsd(0.1, 100), 10));
  static_assert(!lrs::detail::has_rebudget_v<warm_cos>);
  static_assert(lrs::detail::has_rebudget_v<warm_wsd>);
  static_assert(!lrs::detail::has_rebudget_v<lrs::scaled<lrs::cosine_annealing_lr<double>>>);
  SUCCEED("checked at compile time");
}

TEST_CASE("resume after a cooldown: the original construction and the state give every LR",
          "[schedule][budgeted][state]") {
  const auto opts =
      lrs::budget_options<double>{}.with_min_lr(1e-5).with_warmup_steps(100).with_warmup_start(0.0);
  const auto build = [&] { return lrs::wsd(3e-4, 10000, 0.2, p::decay_shape::one_sqrt, opts); };
  auto run = build();
  run = run.rebudget(2000, 20000);  // extended in the stable phase
  run = run.cooldown(5000, 1000);   // then stopped early: decay over 5000..6000
  REQUIRE(run.rebudget_count() == 2);
  const std::vector<unsigned char> saved = run.state();  // saved at step 5500, mid-cooldown

  auto resumed = build();
  resumed.load_state(saved);
  CHECK(resumed.rebudget_count() == 2);
  CHECK(resumed.total_steps() == 6000);
  for (step_t t = 5500; t < 7000; ++t) {
    INFO("t = " << t);
    REQUIRE(resumed(t) == run(t));
  }
  // By hand: 1 - sqrt(u) over the cooldown, u = (t - 5000) / 1000, from the peak to min_lr.
  CHECK_THAT(resumed(5250), WithinRel(1e-5 + (3e-4 - 1e-5) * 0.5, 1e-12));
  CHECK(resumed(6000) == 1e-5);
  // A schedule never re-budgeted restores to itself; a state can be loaded twice.
  auto fresh = build();
  fresh.load_state(build().state());
  CHECK(fresh(9000) == build()(9000));
  resumed.load_state(saved);
  CHECK(resumed(5999) == run(5999));
}

TEST_CASE("a mismatched or corrupt budget state throws and changes nothing",
          "[schedule][budgeted][state][error]") {
  const auto o = lrs::budget_options<double>{}.with_warmup_steps(10);
  auto s = lrs::wsd(1.0, 1000, 0.2, o).cooldown(300, 100);
  const auto saved = s.state();
  const auto before = s;
  CHECK_THAT(s(350), WithinAbs(0.5, 1e-15));  // linear cooldown 1 -> 0 over 300..400, by hand
  const auto check_unchanged = [&] {
    CHECK(s.total_steps() == 400);
    CHECK(s.rebudget_count() == 1);
    for (step_t t = 0; t < 500; t += 7) CHECK(s(t) == before(t));
  };
  // Another peak, another profile, another budget: named, nothing changed.
  auto other_peak = lrs::wsd(2.0, 1000, 0.2, o).cooldown(300, 100);
  CHECK_THROWS_AS(s.load_state(other_peak.state()), lrs::state_error);
  check_unchanged();
  CHECK_THROWS_WITH(s.load_state(lrs::wsd(1.0, 1000, 0.3, o).state()), Contains("profile"));
  check_unchanged();
  CHECK_THROWS_AS(s.load_state(lrs::wsd(1.0, 999, 0.2, o).state()), lrs::state_error);
  check_unchanged();
  // Truncated.
  auto cut = saved;
  cut.pop_back();
  CHECK_THROWS_AS(s.load_state(cut), lrs::state_error);
  check_unchanged();
  // A history step that does not apply: a cooldown at 500 is past the end 400 of the first.
  auto twice = lrs::wsd(1.0, 1000, 0.2, o).cooldown(300, 100);
  twice = twice.rebudget(350, 800);
  auto bytes = twice.state();
  // Before the CRC (4 bytes) the last 8 are the second entry's new_total (little-endian i64):
  // make it 300, not after its s = 350, and write the CRC again.
  const std::size_t at = bytes.size() - 4 - 8;
  bytes[at] = 44;  // 300 = 0x012C
  bytes[at + 1] = 1;
  for (std::size_t i = at + 2; i < at + 8; ++i) bytes[i] = 0;
  bytes.resize(bytes.size() - 4);
  lrs::detail::put_le(bytes, lrs::detail::crc32(bytes.data(), bytes.size()), 4);
  CHECK_THROWS_WITH(s.load_state(bytes), Contains("step 2 of the re-budget history"));
  check_unchanged();
  // And the saved bytes still load.
  auto again = lrs::wsd(1.0, 1000, 0.2, o);
  again.load_state(saved);
  CHECK(again(350) == before(350));
}

TEST_CASE("every schedule options struct has chainable setters", "[schedule][options]") {
  const auto b = lrs::budget_options<double>{}
                     .with_min_lr(1e-5)
                     .with_warmup_steps(7)
                     .with_warmup_fraction(0.25)
                     .with_warmup_start(0.5)
                     .with_warmup_shape(lrs::warmup_shape::cosine)
                     .with_sample_every(3)
                     .with_steps_per_epoch(11)
                     .with_past_end(lrs::past_end::floor);
  CHECK(b.min_lr == 1e-5);
  CHECK(b.warmup_steps == 7);
  CHECK(b.warmup_fraction == 0.25);
  CHECK(b.warmup_start == 0.5);
  CHECK(b.warmup_shape == lrs::warmup_shape::cosine);
  CHECK(b.sample_every == 3);
  CHECK(b.steps_per_epoch == 11);
  CHECK(b.past_end == lrs::past_end::floor);

  const auto w = lrs::warmup_options<float>{}
                     .with_warmup_shape(lrs::warmup_shape::cosine)
                     .with_warmup_start(0.25f)
                     .with_mode(lrs::warmup_mode::overlay);
  CHECK(w.warmup_shape == lrs::warmup_shape::cosine);
  CHECK(w.warmup_start == 0.25f);
  CHECK(w.mode == lrs::warmup_mode::overlay);

  const auto c = lrs::one_cycle_options<double>{}
                     .with_pct_start(0.25)
                     .with_anneal_strategy(lrs::anneal_strategy::linear)
                     .with_cycle_momentum(false)
                     .with_base_momentum(0.8)
                     .with_max_momentum(0.9)
                     .with_div_factor(10.0)
                     .with_final_div_factor(100.0)
                     .with_three_phase(true)
                     .with_past_end(lrs::past_end::cycle);
  CHECK(c.pct_start == 0.25);
  CHECK(c.anneal_strategy == lrs::anneal_strategy::linear);
  CHECK_FALSE(c.cycle_momentum);
  CHECK(c.base_momentum == 0.8);
  CHECK(c.max_momentum == 0.9);
  CHECK(c.div_factor == 10.0);
  CHECK(c.final_div_factor == 100.0);
  CHECK(c.three_phase);
  CHECK(c.past_end == lrs::past_end::cycle);

  using nk = lrs::timm::noise_options::kind;
  const auto n = lrs::timm::noise_options{}
                     .with_enabled(true)
                     .with_begin(5)
                     .with_end(50)
                     .with_pct(0.1)
                     .with_seed(7)
                     .with_type(nk::uniform);
  CHECK(n.enabled);
  CHECK(n.begin == 5);
  CHECK(n.end == step_t{50});
  CHECK(n.pct == 0.1);
  CHECK(n.seed == 7);
  CHECK(n.type == nk::uniform);

  const auto h = lrs::hf::parameters{}
                     .with_num_warmup_steps(10)
                     .with_num_training_steps(100)
                     .with_num_cycles(2.0)
                     .with_lr_end(1e-6)
                     .with_power(2.0)
                     .with_timescale(50)
                     .with_min_lr_rate(0.1)
                     .with_warmup_lr_rate(0.05)
                     .with_num_stable_steps(30)
                     .with_num_decay_steps(20)
                     .with_warmup_type(lrs::hf::wsd_type::cosine)
                     .with_decay_type(lrs::hf::wsd_type::one_minus_sqrt)
                     .with_min_lr_ratio(0.2);
  CHECK(h.num_warmup_steps == 10);
  CHECK(h.num_training_steps == 100);
  CHECK(h.num_cycles == 2.0);
  CHECK(h.lr_end == 1e-6);
  CHECK(h.power == 2.0);
  CHECK(h.timescale == 50);
  CHECK(h.min_lr_rate == 0.1);
  CHECK(h.warmup_lr_rate == 0.05);
  CHECK(h.num_stable_steps == 30);
  CHECK(h.num_decay_steps == 20);
  CHECK(h.warmup_type == lrs::hf::wsd_type::cosine);
  CHECK(h.decay_type == lrs::hf::wsd_type::one_minus_sqrt);
  CHECK(h.min_lr_ratio == 0.2);

  const auto g = lrs::optax::sgdr_cycle<double>{}
                     .with_init_value(0.0)
                     .with_peak_value(0.1)
                     .with_warmup_steps(10)
                     .with_decay_steps(100)
                     .with_end_value(1e-3)
                     .with_exponent(2.0);
  CHECK(g.init_value == 0.0);
  CHECK(g.peak_value == 0.1);
  CHECK(g.warmup_steps == 10);
  CHECK(g.decay_steps == 100);
  CHECK(g.end_value == 1e-3);
  CHECK(g.exponent == 2.0);
}
