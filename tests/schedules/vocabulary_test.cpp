// SPDX-License-Identifier: MIT
// One vocabulary: each concept has one spelling (warmup_shape, past_end, rex(peak, T, d, opts),
// sequential schedules-first); the pre-1.0 spellings are gone (checked at compile time here), and
// the forms that remain give the numbers of their definitions.
#include <array>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/controllers/reduce_lr_on_plateau.hpp>
#include <lrs/core/vocabulary.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/sequential.hpp>
#include <lrs/schedules/step_lr.hpp>

#include "catch.hpp"

namespace {
using lrs::step_t;

template <class A, class B>
void check_same(const A& a, const B& b, step_t n) {
  for (step_t t = 0; t < n; ++t) {
    INFO("step " << t);
    REQUIRE(a(t) == b(t));
  }
}
}  // namespace

// Detectors for the removed spellings: each is true only if the old form still compiles.
template <class O, class = void>
struct has_old_warmup_field : std::false_type {};
template <class O>
struct has_old_warmup_field<O, std::void_t<decltype(std::declval<O&>().warmup)>> : std::true_type {
};
template <class O, class = void>
struct has_old_after_end_field : std::false_type {};
template <class O>
struct has_old_after_end_field<O, std::void_t<decltype(std::declval<O&>().after_end)>>
    : std::true_type {};
template <class B, class = void>
struct has_old_accessors : std::false_type {};
template <class B>
struct has_old_accessors<B, std::void_t<decltype(std::declval<const B&>().warmup()),
                                        decltype(std::declval<const B&>().after_end())>>
    : std::true_type {};
template <class O, class = void>
struct rex_takes_options_before_d : std::false_type {};
template <class O>
struct rex_takes_options_before_d<
    O, std::void_t<decltype(lrs::rex(0.1, step_t(10), std::declval<const O&>(), 0.9))>>
    : std::true_type {};

TEST_CASE("the pre-1.0 spellings are gone", "[vocabulary][budgeted][sequential]") {
  using opts = lrs::budget_options<double>;
  STATIC_REQUIRE_FALSE(has_old_warmup_field<opts>::value);
  STATIC_REQUIRE_FALSE(has_old_after_end_field<opts>::value);
  STATIC_REQUIRE_FALSE(has_old_accessors<decltype(lrs::cosine_decay(0.5, 200))>::value);
  STATIC_REQUIRE_FALSE(rex_takes_options_before_d<opts>::value);
  using seq = lrs::sequential<lrs::constant<double>, lrs::constant<double>>;
  STATIC_REQUIRE_FALSE(std::is_constructible_v<seq, std::array<step_t, 1>, lrs::constant<double>,
                                               lrs::constant<double>>);
  STATIC_REQUIRE(
      std::is_constructible_v<seq, std::tuple<lrs::constant<double>, lrs::constant<double>>,
                              std::array<step_t, 1>>);
  // The detectors are not vacuous: the current spellings pass them.
  STATIC_REQUIRE(std::is_same_v<decltype(std::declval<opts&>().warmup_shape), lrs::warmup_shape>);
  STATIC_REQUIRE(std::is_same_v<decltype(std::declval<opts&>().past_end), lrs::past_end>);
}

TEST_CASE("budget_options: warmup_shape and past_end set the warm-up and what follows T",
          "[vocabulary][budgeted]") {
  // Cosine decay 0.5 -> 0.01 over T = 200 with a 20-step warm-up from 1e-3: by hand at the warm-up
  // midpoint (linear: 1e-3 + (0.5 - 1e-3) * 10/20) and past the end (hold: 0.01, cycle: lr(t - T)).
  lrs::budget_options<double> o;
  o.min_lr = 0.01;
  o.warmup_steps = 20;
  o.warmup_start = 1e-3;
  o.warmup_shape = lrs::warmup_shape::linear;
  o.past_end = lrs::past_end::cycle;
  const auto s = lrs::cosine_decay(0.5, 200, o);
  CHECK(s.warmup_shape() == lrs::warmup_shape::linear);
  CHECK(s.past_end() == lrs::past_end::cycle);
  CHECK(s(10) == Approx(1e-3 + (0.5 - 1e-3) * 0.5).epsilon(1e-14));
  CHECK(s(210) == s(10));
  o.past_end = lrs::past_end::hold;
  CHECK(lrs::cosine_decay(0.5, 200, o)(1000) == Approx(0.01).epsilon(1e-14));
}

TEST_CASE("rex: the numbers before the options", "[vocabulary][budgeted]") {
  // REX at z = 0.5 with d = 0.9: (1 - z) / (1 - d z) = 0.5 / 0.55.
  lrs::budget_options<double> o;
  o.min_lr = 0.0;
  CHECK(lrs::rex(0.1, 300, 0.9, o)(150) == Approx(0.1 * 0.5 / 0.55).epsilon(1e-14));
  check_same(lrs::rex(0.1, 300, 0.5), lrs::rex(0.1, 300), 400);
  check_same(lrs::rex(0.1, 300, o), lrs::rex(0.1, 300, 0.5, o), 400);
}

TEST_CASE("linear_decay and cosine_decay take min_lr as a number too", "[vocabulary][budgeted]") {
  lrs::budget_options<double> o;
  o.min_lr = 0.003;
  check_same(lrs::cosine_decay(0.03, 190, 0.003), lrs::cosine_decay(0.03, 190, o), 300);
  check_same(lrs::linear_decay(0.03, 190, 0.003), lrs::linear_decay(0.03, 190, o), 300);
  check_same(lrs::cosine_decay(0.03, 190, 0.0), lrs::cosine_decay(0.03, 190), 300);
  CHECK(lrs::cosine_decay(0.03, 190, 0.003)(1000) == 0.003);
}

TEST_CASE("sequential: schedules first, then the milestones", "[vocabulary][sequential]") {
  const lrs::sequential s(
      std::tuple{lrs::constant(0.5), lrs::step_lr(1.0, 2, 0.5), lrs::constant(0.1)}, {4, 9});
  // Child 1 starts at step 4 with its own step 0: 1, 1, 0.5, 0.5, 0.25 at steps 4..8.
  const double expected[] = {0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 0.5, 0.5, 0.25, 0.1, 0.1};
  for (step_t t = 0; t < 11; ++t) CHECK(s(t) == expected[t]);
}

TEST_CASE("reduce_lr_on_plateau takes plateau_options: the same controller as nine positionals",
          "[vocabulary][controller]") {
  lrs::plateau_options<double> o;
  o.mode = lrs::plateau_mode::max;
  o.factor = 0.3;
  o.patience = 1;
  o.threshold = 0.01;
  o.threshold_mode = lrs::threshold_mode::abs;
  o.cooldown = 2;
  o.min_lr = 0.004;
  o.eps = 1e-6;
  lrs::reduce_lr_on_plateau<double> named(0.1, o);
  lrs::reduce_lr_on_plateau<double> positional(0.1, lrs::plateau_mode::max, 0.3, 1, 0.01,
                                               lrs::threshold_mode::abs, 2, 0.004, 1e-6);
  const std::vector<double> accuracy = {0.5,  0.6,  0.6,  0.605, 0.61, 0.7,  0.69, 0.69,
                                        0.69, 0.69, 0.69, 0.69,  0.69, 0.69, 0.69, 0.69};
  for (const double m : accuracy) CHECK(named.observe(m) == positional.observe(m));
  CHECK(named.state() == positional.state());
  CHECK(named.lr() == 0.004);  // reached the floor
}
