// SPDX-License-Identifier: MIT
// lrs::optax against optax's schedule functions transcribed into NumPy float64
// (tests/data/schedules/optax/generate.py -> golden.txt; optax commit 2edbcbe), and optax's
// quirks at the steps where they show.
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <lrs/lrs.hpp>

#include "../data/schedules/optax/optax_golden.hpp"
#include "catch.hpp"

namespace {

namespace ox = lrs::optax;
using sched = lrs::any_schedule<double>;
using lrs::interpolation;

// The C++ calls of the configurations in generate.py, by name.
std::map<std::string, std::function<sched()>> builders() {
  std::map<std::string, std::function<sched()>> b;
  b["constant"] = [] { return sched(ox::constant_schedule(0.003)); };
  b["polynomial_p2"] = [] { return sched(ox::polynomial_schedule(1.0, 0.01, 2.0, 100)); };
  b["polynomial_begin"] = [] { return sched(ox::polynomial_schedule(1.0, 0.01, 2.0, 100, 5)); };
  b["polynomial_frac_power"] = [] {
    return sched(ox::polynomial_schedule(0.1, 0.001, 0.5, 37, 3));
  };
  b["polynomial_rising"] = [] { return sched(ox::polynomial_schedule(0.0, 0.5, 3.0, 20)); };
  b["polynomial_steps0"] = [] { return sched(ox::polynomial_schedule(0.2, 0.01, 2.0, 0)); };
  b["polynomial_steps_neg"] = [] { return sched(ox::polynomial_schedule(0.2, 0.01, 2.0, -4)); };
  b["polynomial_begin_neg"] = [] { return sched(ox::polynomial_schedule(0.2, 0.01, 2.0, 10, -3)); };
  b["linear"] = [] { return sched(ox::linear_schedule(1.0, 0.01, 100)); };
  b["linear_begin"] = [] { return sched(ox::linear_schedule(0.0, 3e-4, 7, 11)); };
  b["linear_steps0"] = [] { return sched(ox::linear_schedule(0.5, 0.1, 0)); };
  b["piecewise_constant"] = [] {
    return sched(ox::piecewise_constant_schedule(1.0, {{100, 0.1}, {200, 0.01}}));
  };
  b["piecewise_constant_unsorted"] = [] {
    return sched(ox::piecewise_constant_schedule(0.1, {{30, 0.5}, {10, 0.2}, {0, 3.0}, {20, 0.0}}));
  };
  b["piecewise_constant_none"] = [] { return sched(ox::piecewise_constant_schedule(0.25)); };
  b["piecewise_constant_empty"] = [] {
    return sched(ox::piecewise_constant_schedule(0.25, std::map<lrs::step_t, double>{}));
  };
  b["exponential"] = [] { return sched(ox::exponential_decay(0.1, 10, 0.5)); };
  b["exponential_staircase"] = [] { return sched(ox::exponential_decay(0.1, 10, 0.5, 0, true)); };
  b["exponential_begin_end"] = [] {
    return sched(ox::exponential_decay<double>(0.1, 7, 0.3, 5, false, 0.002));
  };
  b["exponential_growth_end"] = [] {
    return sched(ox::exponential_decay<double>(0.01, 4, 2.0, 0, false, 0.5));
  };
  b["exponential_end_above_init"] = [] {
    return sched(ox::exponential_decay<double>(0.01, 4, 0.5, 0, false, 0.02));
  };
  b["exponential_rate1_end_below"] = [] {
    return sched(ox::exponential_decay<double>(0.01, 4, 1.0, 0, false, 0.005));
  };
  b["exponential_rate0"] = [] { return sched(ox::exponential_decay(0.01, 4, 0.0)); };
  b["exponential_steps0"] = [] { return sched(ox::exponential_decay(0.01, 0, 0.5)); };
  b["exponential_staircase_begin"] = [] {
    return sched(ox::exponential_decay<double>(0.2, 3, 0.9, 4, true, 0.1));
  };
  b["exponential_begin_neg"] = [] { return sched(ox::exponential_decay(0.2, 3, 0.9, -6)); };
  b["cosine"] = [] { return sched(ox::cosine_decay_schedule(1e-3, 100)); };
  b["cosine_alpha_exponent"] = [] { return sched(ox::cosine_decay_schedule(0.5, 33, 0.1, 2.0)); };
  b["cosine_alpha_above1"] = [] { return sched(ox::cosine_decay_schedule(0.1, 10, 2.5, 0.5)); };
  b["cosine_one_step"] = [] { return sched(ox::cosine_decay_schedule(0.1, 1)); };
  b["warmup_constant"] = [] { return sched(ox::warmup_constant_schedule(0.0, 0.01, 10)); };
  b["warmup_constant_w0"] = [] { return sched(ox::warmup_constant_schedule(0.0, 0.01, 0)); };
  b["warmup_cosine"] = [] {
    return sched(ox::warmup_cosine_decay_schedule(0.0, 1.0, 50, 1000, 0.0));
  };
  b["warmup_cosine_end_exp"] = [] {
    return sched(ox::warmup_cosine_decay_schedule(1e-5, 3e-4, 7, 60, 3e-5, 1.5));
  };
  b["warmup_cosine_w0"] = [] {
    return sched(ox::warmup_cosine_decay_schedule(0.5, 1.0, 0, 20, 0.1));
  };
  b["warmup_cosine_peak0"] = [] {
    return sched(ox::warmup_cosine_decay_schedule(0.1, 0.0, 5, 20, 0.3));
  };
  b["warmup_cosine_end_above_peak"] = [] {
    return sched(ox::warmup_cosine_decay_schedule(0.0, 0.1, 4, 14, 0.4));
  };
  b["warmup_cosine_decay_is_warmup_plus1"] = [] {
    return sched(ox::warmup_cosine_decay_schedule(0.0, 0.1, 9, 10));
  };
  b["warmup_exponential"] = [] {
    return sched(ox::warmup_exponential_decay_schedule(0.0, 0.1, 10, 5, 0.5));
  };
  b["warmup_exponential_all"] = [] {
    return sched(
        ox::warmup_exponential_decay_schedule<double>(0.001, 0.1, 6, 4, 0.8, 3, true, 0.03));
  };
  b["warmup_exponential_w0"] = [] {
    return sched(ox::warmup_exponential_decay_schedule(0.5, 0.1, 0, 4, 0.8));
  };
  b["warmup_exponential_growth"] = [] {
    return sched(
        ox::warmup_exponential_decay_schedule<double>(0.0, 0.01, 3, 2, 3.0, 0, false, 0.2));
  };
  b["sgdr"] = [] {
    std::vector<ox::sgdr_cycle<double>> c(3);
    c[0].peak_value = 0.1;
    c[0].warmup_steps = 5;
    c[0].decay_steps = 20;
    c[1].init_value = 0.01;
    c[1].peak_value = 0.05;
    c[1].warmup_steps = 2;
    c[1].decay_steps = 15;
    c[1].end_value = 0.001;
    c[2].peak_value = 0.02;
    c[2].decay_steps = 10;
    c[2].exponent = 2.0;
    return sched(ox::sgdr_schedule(c));
  };
  b["sgdr_one"] = [] {
    ox::sgdr_cycle<double> c;
    c.peak_value = 1.0;
    c.warmup_steps = 3;
    c.decay_steps = 8;
    return sched(ox::sgdr_schedule<double>({c}));
  };
  b["join"] = [] {
    return sched(ox::join_schedules<double>(
        {sched(ox::linear_schedule(0.0, 0.1, 10)), sched(ox::cosine_decay_schedule(0.1, 30)),
         sched(ox::constant_schedule(0.005))},
        {10, 40}));
  };
  b["join_equal_boundaries"] = [] {
    return sched(ox::join_schedules<double>(
        {sched(ox::constant_schedule(0.1)), sched(ox::constant_schedule(0.2)),
         sched(ox::exponential_decay(0.3, 2, 0.5))},
        {5, 5}));
  };
  b["join_boundary0"] = [] {
    return sched(ox::join_schedules<double>(
        {sched(ox::constant_schedule(0.1)), sched(ox::linear_schedule(0.2, 0.0, 4))}, {0}));
  };
  b["interp_linear"] = [] {
    return sched(
        ox::piecewise_interpolate_schedule(interpolation::linear, 1.0, {{4, 0.1}, {8, 0.01}}));
  };
  b["interp_cosine"] = [] {
    return sched(ox::piecewise_interpolate_schedule(interpolation::cosine, 0.05,
                                                    {{25, 4.0}, {10, 2.0}, {60, 0.001}}));
  };
  b["interp_key0"] = [] {
    return sched(
        ox::piecewise_interpolate_schedule(interpolation::linear, 0.2, {{0, 0.5}, {6, 3.0}}));
  };
  b["interp_key0_only"] = [] {
    return sched(ox::piecewise_interpolate_schedule(interpolation::cosine, 0.2, {{0, 0.5}}));
  };
  b["interp_none"] = [] {
    return sched(ox::piecewise_interpolate_schedule(interpolation::cosine, 0.2));
  };
  b["interp_zero_scale"] = [] {
    return sched(
        ox::piecewise_interpolate_schedule(interpolation::linear, 0.2, {{5, 0.0}, {9, 7.0}}));
  };
  b["onecycle_linear"] = [] { return sched(ox::linear_onecycle_schedule(100, 0.1)); };
  b["onecycle_linear_opts"] = [] {
    return sched(ox::linear_onecycle_schedule(57, 0.3, 0.25, 0.6, 10.0, 100.0));
  };
  b["onecycle_linear_trunc"] = [] {
    return sched(ox::linear_onecycle_schedule(100, 1.0, 0.29, 0.57));
  };
  b["onecycle_linear_tiny"] = [] { return sched(ox::linear_onecycle_schedule(1, 0.1)); };
  b["onecycle_linear_final_at_end"] = [] {
    return sched(ox::linear_onecycle_schedule(10, 0.1, 0.3, 1.0));
  };
  b["onecycle_cosine"] = [] { return sched(ox::cosine_onecycle_schedule(100, 0.1)); };
  b["onecycle_cosine_opts"] = [] {
    return sched(ox::cosine_onecycle_schedule(33, 2e-3, 0.45, 5.0, 50.0));
  };
  b["onecycle_cosine_start0"] = [] { return sched(ox::cosine_onecycle_schedule(10, 0.1, 0.0)); };
  b["onecycle_cosine_start1"] = [] { return sched(ox::cosine_onecycle_schedule(10, 0.1, 1.0)); };
  return b;
}

double value_at(const optax_golden::config& c, lrs::step_t step) {
  for (const auto& [s, v] : c.values)
    if (s == step) return v;
  FAIL("step " << step << " not in " << c.name);
  return 0;
}

}  // namespace

TEST_CASE("optax: every configuration matches optax's formulas to 1e-12", "[optax]") {
  const auto golden = optax_golden::load();
  const auto b = builders();
  REQUIRE(golden.size() >= 20);
  REQUIRE(golden.size() == b.size());
  std::size_t compared = 0;
  double worst = 0;
  for (const auto& c : golden) {
    INFO(c.name << ": " << c.call);
    const auto it = b.find(c.name);
    REQUIRE(it != b.end());
    const sched s = it->second();
    for (const auto& [step, want] : c.values) {
      INFO("step " << step);
      const double got = s(step);
      const double err = optax_golden::rel_error(got, want);
      worst = std::max(worst, err);
      ++compared;
      CHECK(err <= 1e-12);
    }
  }
  CHECK(compared > 3000);
  CHECK(worst <= 1e-12);
}

TEST_CASE("optax: quirks at the steps where they show", "[optax]") {
  const auto golden = optax_golden::load();
  auto cfg = [&](const std::string& name) -> const optax_golden::config& {
    for (const auto& c : golden)
      if (c.name == name) return c;
    throw std::runtime_error("no configuration " + name);
  };

  SECTION("warmup_steps = 0 in warmup_constant_schedule holds init_value, never peak_value") {
    const auto s = ox::warmup_constant_schedule(0.0, 0.01, 0);
    CHECK(s(0) == 0.0);
    CHECK(s(1000000) == 0.0);
    CHECK(value_at(cfg("warmup_constant_w0"), 1000000) == 0.0);
  }
  SECTION("warmup_steps = 0 in warmup_cosine_decay_schedule starts at peak_value") {
    const auto s = ox::warmup_cosine_decay_schedule(0.5, 1.0, 0, 20, 0.1);
    CHECK(s(0) == 1.0);
    CHECK(value_at(cfg("warmup_cosine_w0"), 0) == 1.0);
  }
  SECTION("transition_steps <= 0 gives the constant init_value") {
    CHECK(ox::polynomial_schedule(0.2, 0.01, 2.0, 0)(100) == 0.2);
    CHECK(ox::polynomial_schedule(0.2, 0.01, 2.0, -4)(100) == 0.2);
    CHECK(ox::exponential_decay(0.01, 0, 0.5)(100) == 0.01);
    CHECK(ox::exponential_decay<double>(0.01, 0, 0.5, 0, false, 0.001)(100) == 0.01);
    CHECK(ox::exponential_decay<double>(0.01, 4, 0.0, 0, false, 0.001)(100) == 0.01);
  }
  SECTION("a negative transition_begin counts as 0") {
    const auto s = ox::polynomial_schedule(0.2, 0.01, 2.0, 10, -3);
    CHECK(s.transition_begin() == 0);
    CHECK(s(10) == 0.01);
    CHECK(s(9) > 0.01);
  }
  SECTION(
      "exponential end_value is a floor below decay_rate 1 and a cap from 1 on, at every step") {
    // decay_rate < 1 with end_value above init_value: end_value from step 0.
    CHECK(ox::exponential_decay<double>(0.01, 4, 0.5, 0, false, 0.02)(0) == 0.02);
    // decay_rate = 1 with end_value below init_value: end_value from step 0.
    CHECK(ox::exponential_decay<double>(0.01, 4, 1.0, 0, false, 0.005)(0) == 0.005);
    // decay_rate > 1: capped, first at step 20 (0.01 * 2^5 = 0.32, 2^(21/4) > 50).
    const auto g = ox::exponential_decay<double>(0.01, 4, 2.0, 0, false, 0.5);
    CHECK(g(20) == Approx(0.32).epsilon(1e-15));
    CHECK(g(23) == 0.5);
    CHECK(g(1000000) == 0.5);
    // ... and clips before transition_begin too.
    CHECK(ox::exponential_decay<double>(0.2, 3, 0.9, 4, true, 0.3)(0) == 0.3);
    CHECK(ox::exponential_decay<double>(0.2, 3, 1.5, 4, true, 0.1)(0) == 0.1);
  }
  SECTION("staircase holds for transition_steps steps, counted from transition_begin") {
    const auto s = ox::exponential_decay<double>(0.2, 3, 0.9, 4, true);
    CHECK(s(4) == 0.2);
    CHECK(s(6) == 0.2);
    CHECK(s(7) == 0.2 * 0.9);
  }
  SECTION("piecewise constant: a scale applies from its boundary step on, boundary 0 at once") {
    const auto s = ox::piecewise_constant_schedule(1.0, {{100, 0.1}, {200, 0.01}});
    CHECK(s(99) == 1.0);
    CHECK(s(100) == 0.1);
    CHECK(s(199) == 0.1);
    CHECK(s(200) == 0.1 * 0.01);
    CHECK(ox::piecewise_constant_schedule(0.5, {{0, 0.5}})(0) == 0.25);
  }
  SECTION("join_schedules: boundaries are absolute, each later schedule sees step - boundary") {
    const auto j = ox::join_schedules<double>(
        {sched(ox::constant_schedule(0.1)), sched(ox::linear_schedule(0.2, 0.0, 4))}, {3});
    CHECK(j(2) == 0.1);
    CHECK(j(3) == 0.2);  // the linear schedule at its own step 0
    CHECK(j(5) == Approx(0.1).epsilon(1e-15));
    CHECK(j(7) == 0.0);
    // Equal boundaries: the later schedule wins at once.
    CHECK(value_at(cfg("join_equal_boundaries"), 5) == 0.3);
  }
  SECTION("one-cycle boundaries are truncated and coinciding boundaries keep the later scale") {
    // 0.29 * 100 = 28.999999999999996 -> 28: the peak is at step 28, not 29.
    const auto s = ox::linear_onecycle_schedule(100, 1.0, 0.29, 0.57);
    CHECK(s(28) == Approx(1.0).epsilon(1e-15));
    CHECK(value_at(cfg("onecycle_linear_trunc"), 28) == Approx(1.0).epsilon(1e-15));
    CHECK(s(29) < 1.0);
    // transition_steps = 1: {0: 25, 0: 1/25, 1: 1e-4} keeps {0: 1/25, 1: 1e-4}: the schedule
    // never reaches peak_value and starts at peak / 625.
    const auto t = ox::linear_onecycle_schedule(1, 0.1);
    CHECK(t(0) == Approx(0.1 / 625).epsilon(1e-15));
    CHECK(t.max_value() < 0.1);
    // cosine with pct_start = 1: {10: 25} replaced by {10: 1/(25 * 1e4)}.
    const auto c = ox::cosine_onecycle_schedule(10, 0.1, 1.0);
    CHECK(c(0) == Approx(0.1 / 25).epsilon(1e-15));
    CHECK(c.max_value() == Approx(0.1 / 25).epsilon(1e-15));
  }
  SECTION("linear one-cycle ends at peak / (div_factor * final_div_factor)") {
    const auto s = ox::linear_onecycle_schedule(100, 0.1);
    CHECK(s(100) == Approx(0.1 / 25 / 1e4).epsilon(1e-12));
    CHECK(s(1000000) == s(100));
  }
  SECTION("sgdr: each cycle restarts at the sum of the decay_steps before it") {
    const auto& c = cfg("sgdr");
    CHECK(value_at(c, 19) < value_at(c, 20));               // the restart
    CHECK(value_at(c, 20) == Approx(0.01).epsilon(1e-15));  // cycle 1's init_value
    CHECK(value_at(c, 35) == 0.02);  // cycle 2 has warmup_steps = 0: its peak at once
    CHECK(value_at(c, 1000) == Approx(0.0).margin(1e-300));
  }
  SECTION("decay past the end is held (no rise, unlike PyTorch's CosineAnnealingLR)") {
    const auto s = ox::cosine_decay_schedule(1e-3, 100, 0.1);
    CHECK(s(100) == s(150));
    CHECK(s(100) == Approx(1e-4).epsilon(1e-14));
  }
}

TEST_CASE("optax: bad arguments throw naming the parameter", "[optax]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(ox::constant_schedule(-1.0), Contains("value") && Contains("-1"));
  CHECK_THROWS_WITH(ox::polynomial_schedule(1.0, 0.0, -1.0, 10), Contains("power"));
  CHECK_THROWS_WITH(ox::polynomial_schedule(-1.0, 0.0, 1.0, 10), Contains("init_value"));
  CHECK_THROWS_WITH(ox::cosine_decay_schedule(1.0, 0), Contains("decay_steps") && Contains("> 0"));
  CHECK_THROWS_WITH(ox::cosine_decay_schedule(1.0, 10, -0.5), Contains("alpha"));
  CHECK_THROWS_WITH(ox::cosine_decay_schedule(1.0, 10, 0.0, -1.0), Contains("exponent"));
  CHECK_THROWS_WITH(ox::exponential_decay(1.0, 10, -0.5), Contains("decay_rate"));
  CHECK_THROWS_WITH(ox::exponential_decay<double>(1.0, 10, 0.5, 0, false, -1.0),
                    Contains("end_value"));
  CHECK_THROWS_WITH(ox::piecewise_constant_schedule(1.0, {{10, -0.5}}),
                    Contains("boundaries_and_scales[10]"));
  CHECK_THROWS_WITH(ox::piecewise_constant_schedule(1.0, {{-10, 0.5}}),
                    Contains("boundaries_and_scales"));
  CHECK_THROWS_WITH(ox::piecewise_interpolate_schedule(interpolation::linear, 1.0, {{5, -1.0}}),
                    Contains("boundaries_and_scales[5]"));
  CHECK_THROWS_WITH(ox::warmup_cosine_decay_schedule(0.0, 1.0, 10, 10),
                    Contains("decay_steps") && Contains("warmup_steps"));
  CHECK_THROWS_WITH(ox::warmup_cosine_decay_schedule(0.0, 1.0, -1, 10), Contains("warmup_steps"));
  CHECK_THROWS_WITH(ox::warmup_constant_schedule(0.0, 1.0, -1), Contains("warmup_steps"));
  CHECK_THROWS_WITH(ox::warmup_exponential_decay_schedule(0.0, -1.0, 1, 10, 0.5),
                    Contains("peak_value"));
  CHECK_THROWS_WITH(ox::linear_onecycle_schedule(0, 1.0), Contains("transition_steps"));
  CHECK_THROWS_WITH(ox::linear_onecycle_schedule(10, 1.0, 0.3, 0.85, 0.0), Contains("div_factor"));
  CHECK_THROWS_WITH(ox::linear_onecycle_schedule(10, 1.0, -0.3), Contains("pct_start"));
  CHECK_THROWS_WITH(ox::cosine_onecycle_schedule(10, 1.0, 0.3, 25.0, 0.0),
                    Contains("final_div_factor"));
  CHECK_THROWS_WITH(ox::sgdr_schedule<double>({}), Contains("cycles"));
  ox::sgdr_cycle<double> c;
  c.peak_value = 1.0;
  c.warmup_steps = 5;
  c.decay_steps = 5;
  CHECK_THROWS_WITH(ox::sgdr_schedule<double>({c}), Contains("cosine_kwargs[0].decay_steps"));
  CHECK_THROWS_WITH(ox::join_schedules<double>(
                        {sched(ox::constant_schedule(0.1)), sched(ox::constant_schedule(0.2))}, {}),
                    Contains("boundaries"));
  CHECK_THROWS_WITH(ox::join_schedules<double>(
                        {sched(ox::constant_schedule(0.1)), sched(ox::constant_schedule(0.2)),
                         sched(ox::constant_schedule(0.3))},
                        {10, 5}),
                    Contains("boundaries[1]"));
}

TEST_CASE("optax: float schedules follow the double ones", "[optax]") {
  const auto f = ox::warmup_cosine_decay_schedule(0.0f, 1.0f, 10, 100, 0.1f);
  const auto d = ox::warmup_cosine_decay_schedule(0.0, 1.0, 10, 100, 0.1);
  for (lrs::step_t t : {0, 5, 10, 50, 99, 100, 1000}) CHECK(f(t) == Approx(d(t)).epsilon(1e-6));
}

TEST_CASE("optax: parameters that would give inf or NaN are refused naming them", "[optax]") {
  using Catch::Matchers::Contains;
  // exponential_decay(0.1, 1, 2.0): 0.1 * 2^t is inf from step 1024 in optax.
  CHECK_THROWS_WITH(ox::exponential_decay<double>(0.1, 1, 2.0),
                    Contains("decay_rate") && Contains("end_value") && Contains("2"));
  // With its cap it is fine at every step, and 0 * 2^t stays 0 (optax: 0 * inf = NaN).
  CHECK(ox::exponential_decay<double>(0.1, 1, 2.0, 0, false, 0.5)(lrs::detail::step_max) == 0.5);
  CHECK(ox::exponential_decay<double>(0.0, 1, 2.0)(2000) == 0.0);
  CHECK(ox::exponential_decay<double>(0.0, 1, 2.0, 0, false, 0.5)(2000) == 0.0);
  // Scale products past the largest double.
  CHECK_THROWS_WITH(ox::piecewise_constant_schedule<double>(1.0, {{1, 1e200}, {2, 1e200}}),
                    Contains("boundaries_and_scales[2]"));
  CHECK_THROWS_WITH(ox::piecewise_interpolate_schedule<double>(interpolation::linear, 1.0,
                                                               {{1, 1e200}, {2, 1e200}}),
                    Contains("boundaries_and_scales[2]"));
  CHECK(ox::piecewise_constant_schedule<double>(1.0, {{1, 1e200}, {2, 1e-200}})(5) == 1.0);
  // cosine_decay_schedule(1e10, 10, alpha=1e300): init_value * alpha = inf from step 10.
  CHECK_THROWS_WITH(ox::cosine_decay_schedule<double>(1e10, 10, 1e300), Contains("alpha"));
}
