// SPDX-License-Identifier: MIT
// lrs::hf against the values of transformers' own schedule functions
// (tests/data/schedules/hf/reference.txt, made by tests/data/schedules/hf/generate.py).
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/schedules/hf.hpp>

#include "../data/schedules/hf/hf_reference.hpp"
#include "catch.hpp"
#include "tolerance.hpp"

// A namespace of its own: its using-directives and helpers stay out of the other test files
// when several are compiled as one unit.
namespace hf_test {

namespace {

using hf_reference::load_reference;
using hf_reference::reference;

using namespace lrs::hf;
using hf_sched = schedule<double>;
constexpr std::nullopt_t none = std::nullopt;

// The C++ call for each reference configuration (same arguments as its Python call).
std::map<std::string, std::function<hf_sched(double)>> cxx_calls() {
  return {
      {"constant", [](double lr) { return get_constant_schedule(lr); }},
      {"constant_warmup", [](double lr) { return get_constant_schedule_with_warmup(lr, 7); }},
      {"constant_warmup0", [](double lr) { return get_constant_schedule_with_warmup(lr, 0); }},
      {"linear", [](double lr) { return get_linear_schedule_with_warmup(lr, 10, 100); }},
      {"linear_warmup0", [](double lr) { return get_linear_schedule_with_warmup(lr, 0, 50); }},
      {"linear_warmup_eq_total",
       [](double lr) { return get_linear_schedule_with_warmup(lr, 30, 30); }},
      {"linear_odd", [](double lr) { return get_linear_schedule_with_warmup(lr, 7, 97); }},
      {"cosine", [](double lr) { return get_cosine_schedule_with_warmup(lr, 10, 110); }},
      {"cosine_warmup0", [](double lr) { return get_cosine_schedule_with_warmup(lr, 0, 37); }},
      {"cosine_cycles2", [](double lr) { return get_cosine_schedule_with_warmup(lr, 5, 105, 2); }},
      {"cosine_cycles_0_3",
       [](double lr) { return get_cosine_schedule_with_warmup(lr, 3, 63, 0.3); }},
      {"cosine_warmup_eq_total",
       [](double lr) { return get_cosine_schedule_with_warmup(lr, 20, 20); }},
      {"restarts",
       [](double lr) { return get_cosine_with_hard_restarts_schedule_with_warmup(lr, 10, 100); }},
      {"restarts3",
       [](double lr) {
         return get_cosine_with_hard_restarts_schedule_with_warmup(lr, 10, 100, 3);
       }},
      {"restarts7",
       [](double lr) { return get_cosine_with_hard_restarts_schedule_with_warmup(lr, 0, 91, 7); }},
      {"poly", [](double lr) { return get_polynomial_decay_schedule_with_warmup(lr, 10, 100); }},
      {"poly_pow2",
       [](double lr) { return get_polynomial_decay_schedule_with_warmup(lr, 5, 60, 1e-4, 2.0); }},
      {"poly_pow05",
       [](double lr) { return get_polynomial_decay_schedule_with_warmup(lr, 0, 61, 0.01, 0.5); }},
      {"poly_end0",
       [](double lr) { return get_polynomial_decay_schedule_with_warmup(lr, 4, 33, 0.0, 3.0); }},
      {"poly_warmup_eq_total",
       [](double lr) { return get_polynomial_decay_schedule_with_warmup(lr, 20, 20, 0.001); }},
      {"inv_sqrt", [](double lr) { return get_inverse_sqrt_schedule(lr, 16); }},
      {"inv_sqrt_timescale", [](double lr) { return get_inverse_sqrt_schedule(lr, 10, 37); }},
      {"inv_sqrt_warmup0", [](double lr) { return get_inverse_sqrt_schedule(lr, 0); }},
      {"inv_sqrt_timescale_lt_warmup",
       [](double lr) { return get_inverse_sqrt_schedule(lr, 20, 5); }},
      {"min_lr",
       [](double lr) {
         return get_cosine_with_min_lr_schedule_with_warmup(lr, 10, 100, 0.5, 1e-5);
       }},
      {"min_lr_rate",
       [](double lr) {
         return get_cosine_with_min_lr_schedule_with_warmup(lr, 10, 100, 0.5, none, 0.1);
       }},
      {"min_lr_cycles",
       [](double lr) {
         return get_cosine_with_min_lr_schedule_with_warmup(lr, 0, 80, 1.5, none, 0.25);
       }},
      {"lr_rate",
       [](double lr) {
         return get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr, 10, 100, 0.5, none, 0.1);
       }},
      {"lr_rate_warmup",
       [](double lr) {
         return get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr, 10, 100, 0.5, 0.002, none,
                                                                    0.05);
       }},
      {"lr_rate_warmup0",
       [](double lr) {
         return get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr, 0, 45, 0.75, none, 0.0);
       }},
      {"lr_rate_warmup1",
       [](double lr) {
         return get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr, 1, 20, 0.5, none, 0.05,
                                                                    0.3);
       }},
      {"wsd", [](double lr) { return get_wsd_schedule(lr, 10, 20, 100); }},
      {"wsd_stable",
       [](double lr) {
         return get_wsd_schedule(lr, 10, 20, none, 50, wsd_type::cosine, wsd_type::linear, 0.1);
       }},
      {"wsd_sqrt",
       [](double lr) {
         return get_wsd_schedule(lr, 8, 30, 80, none, wsd_type::one_minus_sqrt,
                                 wsd_type::one_minus_sqrt, 0.05);
       }},
      {"wsd_cycles",
       [](double lr) {
         return get_wsd_schedule(lr, 0, 40, 60, none, wsd_type::linear, wsd_type::cosine, 0.2, 1.0);
       }},
      {"wsd_both",
       [](double lr) {
         return get_wsd_schedule(lr, 5, 10, 100, 20, wsd_type::linear, wsd_type::linear);
       }},
      // get_scheduler(name, ...) forwards to the functions above.
      {"sched_linear", [](double lr) { return get_linear_schedule_with_warmup(lr, 5, 50); }},
      {"sched_cosine", [](double lr) { return get_cosine_schedule_with_warmup(lr, 10, 100, 2); }},
      {"sched_restarts",
       [](double lr) {
         return get_cosine_with_hard_restarts_schedule_with_warmup(lr, 10, 100, 4);
       }},
      {"sched_poly",
       [](double lr) { return get_polynomial_decay_schedule_with_warmup(lr, 10, 100, 1e-5, 2.0); }},
      {"sched_constant", [](double lr) { return get_constant_schedule(lr); }},
      {"sched_constant_warmup", [](double lr) { return get_constant_schedule_with_warmup(lr, 5); }},
      {"sched_inv_sqrt", [](double lr) { return get_inverse_sqrt_schedule(lr, 6); }},
      {"sched_min_lr",
       [](double lr) {
         return get_cosine_with_min_lr_schedule_with_warmup(lr, 10, 100, 0.5, 1e-3);
       }},
      {"sched_warmup_min_lr",
       [](double lr) {
         return get_cosine_with_min_lr_schedule_with_warmup_lr_rate(lr, 10, 100, 0.5, none, 0.1,
                                                                    0.01);
       }},
      {"sched_wsd",
       [](double lr) {
         return get_wsd_schedule(lr, 10, 30, 100, none, wsd_type::linear, wsd_type::linear);
       }},
      {"sched_wsd_stable", [](double lr) { return get_wsd_schedule(lr, 10, 30, none, 40); }},
      {"sched_enum", [](double lr) { return get_cosine_schedule_with_warmup(lr, 10, 100); }},
  };
}

}  // namespace

TEST_CASE("hf: every schedule matches transformers' own values", "[hf]") {
  const auto refs = load_reference();
  const auto calls = cxx_calls();
  REQUIRE(refs.size() >= 40);
  double worst = 0;
  std::size_t compared = 0;
  for (const reference& r : refs) {
    INFO(r.id << ": " << r.call);
    const auto it = calls.find(r.id);
    REQUIRE(it != calls.end());
    const hf_sched s = it->second(r.lr);
    for (std::size_t t = 0; t < r.values.size(); ++t) {
      if (!r.values[t]) continue;
      INFO("step " << t);
      const double e = lrs_test::rel_error(s(static_cast<lrs::step_t>(t)), *r.values[t]);
      CHECK(e <= 1e-12);
      worst = std::max(worst, e);
      ++compared;
    }
  }
  CHECK(compared >= 4000);
  CHECK(worst <= 1e-12);
}

TEST_CASE("hf: quirks at the steps where they show", "[hf]") {
  SECTION("cosine rises again past num_training_steps") {
    const auto s = get_cosine_schedule_with_warmup(1.0, 10, 110);
    CHECK(s(110) == 0.0);  // 0.5 (1 + cos(pi)) is exactly 0
    CHECK(s(111) > s(110));
    CHECK(s(210) == Approx(1.0).margin(1e-15));  // p = 2: a full period
    const auto m = get_cosine_with_min_lr_schedule_with_warmup(1.0, 0, 100, 0.5, none, 0.1);
    CHECK(m(100) == Approx(0.1).margin(1e-15));
    CHECK(m(150) == Approx(0.55).margin(1e-15));
  }
  SECTION("hard restarts: back to the peak at each restart, 0 from num_training_steps on") {
    const auto s = get_cosine_with_hard_restarts_schedule_with_warmup(1.0, 10, 100, 3);
    CHECK(s(10) == 1.0);
    CHECK(s(39) < 0.01);
    CHECK(s(40) == 1.0);  // (3 * 30/90) mod 1 = 0
    CHECK(s(70) == 1.0);
    CHECK(s(99) > 0.0);
    CHECK(s(100) == 0.0);
    CHECK(s(1000) == 0.0);
  }
  SECTION("polynomial: lr_end is absolute, held past the end; warm-up = total ends at lr_end") {
    const auto s = get_polynomial_decay_schedule_with_warmup(0.5, 10, 100, 0.01, 2.0);
    CHECK(s(10) == Approx(0.5).epsilon(1e-15));
    CHECK(s(100) == Approx(0.01).epsilon(1e-15));
    CHECK(s(101) == Approx(0.01).epsilon(1e-15));
    CHECK(s(1000000) == Approx(0.01).epsilon(1e-15));
    const auto e = get_polynomial_decay_schedule_with_warmup(0.1, 20, 20, 0.001);
    CHECK(e(19) == Approx(0.1 * 19 / 20).epsilon(1e-15));
    CHECK(e(20) == Approx(0.001).epsilon(1e-15));  // transformers: ZeroDivisionError
  }
  SECTION("inverse_sqrt: timescale defaults to num_warmup_steps, else 10000") {
    CHECK(get_inverse_sqrt_schedule(1.0, 16).params().timescale == 16);
    CHECK(get_inverse_sqrt_schedule(1.0, 0).params().timescale == 10000);
    const auto s = get_inverse_sqrt_schedule(1.0, 16);
    CHECK(s(16) == 1.0);
    CHECK(s(64) == Approx(0.5).epsilon(1e-15));  // 1 / sqrt(64 / 16)
  }
  SECTION("the _lr_rate variant peaks at w - 1 and reaches its floor at N - 1") {
    const auto s =
        get_cosine_with_min_lr_schedule_with_warmup_lr_rate(1.0, 10, 100, 0.5, none, 0.1);
    CHECK(s(0) == Approx(0.1).epsilon(1e-15));  // (0 + 1) / 10
    CHECK(s(9) == 1.0);
    CHECK(s(99) == Approx(0.1).epsilon(1e-14));
    CHECK(s(100) > s(99));
    const auto w =
        get_cosine_with_min_lr_schedule_with_warmup_lr_rate(1.0, 10, 100, 0.5, none, 0.1, 0.05);
    CHECK(w(0) == 0.05);
    CHECK(w(9) == Approx(1.0).epsilon(1e-15));  // 0.05 + 0.95 * 9 / 9
  }
  SECTION("wsd warms up from min_lr_ratio, not 0, and ends at min_lr_ratio") {
    const auto s =
        get_wsd_schedule(1.0, 10, 20, 100, none, wsd_type::linear, wsd_type::linear, 0.1);
    CHECK(s(0) == 0.1);
    CHECK(s(10) == 1.0);
    CHECK(s(79) == 1.0);
    CHECK(s(80) == 1.0);  // decay progress 0
    CHECK(s(90) == Approx(0.55).epsilon(1e-15));
    CHECK(s(100) == 0.1);
    CHECK(s(5000) == 0.1);
  }
  SECTION("integer warm-up: step / max(1, w), so w = 0 starts at the peak") {
    CHECK(get_linear_schedule_with_warmup(0.3, 0, 10)(0) == 0.3);
    CHECK(get_constant_schedule_with_warmup(0.3, 1)(0) == 0.0);
    CHECK(get_constant_schedule_with_warmup(0.3, 1)(1) == 0.3);
  }
}

TEST_CASE("hf: bad parameters throw, naming the parameter", "[hf]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(get_constant_schedule(-1.0), Contains("lr") && Contains("-1"));
  CHECK_THROWS_WITH(get_linear_schedule_with_warmup(0.1, -1, 10), Contains("num_warmup_steps"));
  CHECK_THROWS_WITH(get_linear_schedule_with_warmup(0.1, 20, 10),
                    Contains("num_training_steps") && Contains(">= num_warmup_steps (20)"));
  CHECK_THROWS_WITH(get_cosine_schedule_with_warmup(0.1, 0, 10, -0.5), Contains("num_cycles"));
  CHECK_THROWS_WITH(get_polynomial_decay_schedule_with_warmup(0.1, 0, 10, 0.1),
                    Contains("lr_end") && Contains("smaller than the initial lr (0.1)"));
  CHECK_THROWS_WITH(get_polynomial_decay_schedule_with_warmup(0.1, 0, 10, -1e-3),
                    Contains("lr_end"));
  CHECK_THROWS_WITH(get_polynomial_decay_schedule_with_warmup(0.1, 0, 10, 1e-7, -1.0),
                    Contains("power"));
  CHECK_THROWS_WITH(get_inverse_sqrt_schedule(0.1, 5, lrs::step_t{0}), Contains("timescale"));
  CHECK_THROWS_WITH(get_cosine_with_min_lr_schedule_with_warmup(0.1, 0, 10),
                    Contains("one of min_lr or min_lr_rate"));
  CHECK_THROWS_WITH(get_cosine_with_min_lr_schedule_with_warmup(0.1, 0, 10, 0.5, 1e-3, 0.1),
                    Contains("only one of min_lr or min_lr_rate"));
  CHECK_THROWS_WITH(get_cosine_with_min_lr_schedule_with_warmup(0.1, 0, 10, 0.5, 0.2),
                    Contains("min_lr must be in [0, 0.1]"));
  CHECK_THROWS_WITH(
      get_cosine_with_min_lr_schedule_with_warmup_lr_rate(0.1, 0, 10, 0.5, none, 0.1, 1.5),
      Contains("warmup_lr_rate"));
  CHECK_THROWS_WITH(get_wsd_schedule(0.1, 10, 20), Contains("num_training_steps or num_stable"));
  CHECK_THROWS_WITH(get_wsd_schedule(0.1, 10, 20, 25),
                    Contains("num_training_steps") && Contains("(30)"));
  CHECK_THROWS_WITH(
      get_wsd_schedule(0.1, 10, 20, 100, none, wsd_type::linear, wsd_type::cosine, 1.5),
      Contains("min_lr_ratio"));
  CHECK_THROWS_AS(get_wsd_schedule(0.1, 10, -1, 100), lrs::invalid_argument);
}

TEST_CASE("hf: step sums past 2^63 - 1 give transformers' values", "[hf]") {
  // tests/data/schedules/hf/big_steps.py: transformers' lambdas on Python's unbounded ints.
  using lrs::step_t;
  constexpr step_t M = std::numeric_limits<step_t>::max();
  struct row {
    step_t w, timescale, t;
    double want;
  };
  const row rows[] = {
      {0, 10000, M - 10000, 3.2927225399135964e-08},
      {0, 10000, M - 9999, 3.2927225399135964e-08},
      {0, 10000, M, 3.2927225399135944e-08},
      {0, 10000, 9007199254740993, 1.0536712127717657e-06},
      {0, 10000, 1152921504606859321, 9.313225746154694e-08},
      {0, 3, M, 5.703162734357589e-10},
      {0, 3, 9007199254740995, 1.825012074994428e-08},
      {0, 3, 1152921504606859321, 1.613098017469857e-09},
      {5, 7, M - 10000, 8.711724976948331e-10},
      {5, 7, M, 8.711724976948326e-10},
      {5, 7, 9007199254740993, 2.7877519926234636e-08},
      {5, 7, 1152921504606859321, 2.464047922812939e-09},
  };
  for (const row& r : rows) {
    CAPTURE(r.w, r.timescale, r.t);
    const auto s = r.timescale == 10000 ? get_inverse_sqrt_schedule(1.0, r.w)
                                        : get_inverse_sqrt_schedule(1.0, r.w, r.timescale);
    CHECK(s.factor(r.t) == r.want);
    CHECK(s(r.t) == r.want);
  }
  // get_wsd_schedule with num_warmup_steps + num_stable_steps + num_decay_steps past 2^63 - 1.
  constexpr step_t q = step_t{1} << 62;
  const auto wsd = [](step_t w, step_t s, step_t d, wsd_type decay) {
    return get_wsd_schedule(1.0, w, d, std::nullopt, s, wsd_type::linear, decay, 0.1);
  };
  for (const step_t t : {M - 1, M}) {
    CAPTURE(t);
    CHECK(wsd(q, q, q, wsd_type::cosine)(t) == 1.0);
    CHECK(wsd(10, q, M, wsd_type::cosine)(t) == 0.55);
    CHECK(wsd(10, q, M, wsd_type::linear)(t) == 0.55);
    CHECK(wsd(1, M, M, wsd_type::one_minus_sqrt)(t) == 1.0);
  }
  // num_training_steps below num_warmup_steps + num_decay_steps = 2^63 is refused with the sum.
  CHECK_THROWS_WITH(get_wsd_schedule(1.0, q, q, M),
                    Catch::Matchers::Contains("num_training_steps") &&
                        Catch::Matchers::Contains("9223372036854775808"));
  CHECK(get_wsd_schedule(1.0, q, q - 1, M)(M) == 0.0);
}

}  // namespace hf_test
