// SPDX-License-Identifier: MIT
// Property: every schedule, built with any parameters its constructor accepts, returns a finite
// value (and momentum) at every step from 0 to 2^63 - 1, inside the bounds its formula implies.
// Sweeps each schedule kind over extreme parameters (tiny and huge LRs, huge lengths, gamma at its
// limits) and extreme steps; run under UBSan, it also proves the integer arithmetic safe.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <lrs/lrs.hpp>
#include <lrs/schedules/budgeted.hpp>

#include "catch.hpp"

namespace {

using lrs::step_t;
constexpr step_t step_max = std::numeric_limits<step_t>::max();

template <class T>
std::vector<T> lrs_values() {
  const T mx = std::numeric_limits<T>::max();
  return {T(0),
          std::numeric_limits<T>::denorm_min(),
          std::numeric_limits<T>::min(),
          T(1e-30),
          T(1e-3),
          T(1),
          T(1e30),
          mx / T(3),
          mx};
}

// Lengths (T_max, step_size, total_steps, ...), all >= 1.
std::vector<step_t> lengths() {
  return {1,
          2,
          3,
          1000,
          step_t(1) << 31,
          step_t(1) << 53,
          step_max / 3,
          step_max / 2,
          step_max / 2 + 1,
          step_max - 1,
          step_max};
}

template <class T>
std::vector<T> gammas() {
  const T mx = std::numeric_limits<T>::max();
  return {T(0), std::numeric_limits<T>::denorm_min(), T(1e-30), T(0.5), std::nextafter(T(1), T(0)),
          T(1), std::nextafter(T(1), T(2)),           T(1.5),   T(5.1), T(1e30),
          mx};
}

// The steps to probe for a schedule whose own length is n: 0, 1, 2, n - 1, n, n + 1, 2^31,
// 2^53, 2^63 - 2, 2^63 - 1.
std::vector<step_t> steps_around(step_t n) {
  std::vector<step_t> s{0, 1, 2, step_t(1) << 31, step_t(1) << 53, step_max - 1, step_max};
  for (step_t d : {-1, 0, 1}) {
    if (d < 0 && n < 1) continue;
    if (d > 0 && n == step_max) continue;
    s.push_back(n + d);
  }
  return s;
}

/// Counts what the sweep saw, so that a test cannot pass by rejecting everything.
struct sweep {
  long built = 0, rejected = 0, values = 0;
};

/// Checks `lr(t)` finite, not -0 and in [lo, hi] (give or take a few ulps) at every step in
/// `ts`.
template <class T, class F>
void check_finite_values(const std::string& what, const F& lr, const std::vector<step_t>& ts, T lo,
                         T hi, sweep& sw) {
  // a + (b - a) h rounds to within a few ulps of max(|a|, |b|) of the band.
  const T slack = T(8) * std::numeric_limits<T>::epsilon() * std::max(std::fabs(lo), std::fabs(hi));
  for (const step_t t : ts) {
    const T v = lr(t);
    ++sw.values;
    // -0 is refused too: an LR is printed and compared as +0.
    if (!std::isfinite(v) || v < lo - slack || v > hi + slack || std::signbit(v)) {
      FAIL_CHECK(what << " at step " << t << ": " << v << " not finite in [" << lo << ", " << hi
                      << "]");
      return;
    }
  }
}

/// Builds with `make`; a rejection must be lrs::invalid_argument (never another exception).
template <class Make, class Check>
void try_build(const Make& make, const Check& check, sweep& sw) {
  try {
    const auto s = make();
    ++sw.built;
    check(s);
  } catch (const lrs::invalid_argument&) {
    ++sw.rejected;
  }
}

template <class T>
std::string str(T v) {
  std::ostringstream o;
  o.precision(17);
  o << v;
  return o.str();
}

}  // namespace

TEMPLATE_TEST_CASE("every PyTorch-style schedule is finite at every step or rejected",
                   "[schedule][property][overflow]", float, double) {
  using T = TestType;
  sweep sw;
  const auto lr_vals = lrs_values<T>();

  SECTION("constant, ConstantLR, LinearLR, PolynomialLR") {
    for (const T b : lr_vals)
      for (const step_t n : lengths()) {
        const auto ts = steps_around(n);
        try_build([&] { return lrs::constant<T>(b); },
                  [&](const auto& s) { check_finite_values<T>("constant", s, ts, b, b, sw); }, sw);
        for (const T f : {T(0), T(1e-30), T(1) / T(3), T(1)}) {
          try_build(
              [&] { return lrs::constant_lr<T>(b, f, n); },
              [&](const auto& s) { check_finite_values<T>("ConstantLR", s, ts, T(0), b, sw); }, sw);
          try_build([&] { return lrs::linear_lr<T>(b, std::max(f, T(1e-30)), T(1) - f, n); },
                    [&](const auto& s) { check_finite_values<T>("LinearLR", s, ts, T(0), b, sw); },
                    sw);
          try_build(
              [&] { return lrs::polynomial_lr<T>(b, n, f * T(3)); },
              [&](const auto& s) { check_finite_values<T>("PolynomialLR", s, ts, T(0), b, sw); },
              sw);
        }
      }
    CHECK(sw.values > 0);  // (each section asserts: ctest warns on none)
  }

  SECTION("ExponentialLR, StepLR, MultiStepLR") {
    for (const T b : lr_vals)
      for (const T g : gammas<T>()) {
        // A decaying schedule stays in [0, base_lr]; a growing one is only asked to be finite.
        const T hi = g <= T(1) ? b : std::numeric_limits<T>::max();
        const std::string tag = " base_lr " + str(b) + " gamma " + str(g);
        try_build([&] { return lrs::exponential_lr<T>(b, g); },
                  [&](const auto& s) {
                    check_finite_values<T>("ExponentialLR" + tag, s, steps_around(1000), T(0), hi,
                                           sw);
                  },
                  sw);
        for (const step_t n : lengths())
          try_build([&] { return lrs::step_lr<T>(b, n, g); },
                    [&](const auto& s) {
                      check_finite_values<T>("StepLR step_size " + std::to_string(n) + tag, s,
                                             steps_around(n), T(0), hi, sw);
                    },
                    sw);
        for (const std::vector<step_t>& ms :
             {std::vector<step_t>{}, std::vector<step_t>{0}, std::vector<step_t>{step_max},
              std::vector<step_t>{1, 1, step_max / 2, step_max - 1, step_max},
              std::vector<step_t>(64, 7)})
          try_build([&] { return lrs::multi_step_lr<T>(b, ms, g); },
                    [&](const auto& s) {
                      check_finite_values<T>("MultiStepLR" + tag, s, steps_around(step_max / 2),
                                             T(0), hi, sw);
                    },
                    sw);
      }
    CHECK(sw.values > 0);  // (each section asserts: ctest warns on none)
  }

  SECTION("CosineAnnealingLR and CosineAnnealingWarmRestarts") {
    for (const T b : lr_vals)
      for (const T e : lr_vals)
        for (const step_t n : lengths()) {
          const std::string tag =
              " base_lr " + str(b) + " eta_min " + str(e) + " T " + std::to_string(n);
          const auto ts = steps_around(n);
          const T lo = std::min(b, e), hi = std::max(b, e);
          try_build([&] { return lrs::cosine_annealing_lr<T>(b, n, e); },
                    [&](const auto& s) {
                      check_finite_values<T>("CosineAnnealingLR" + tag, s, ts, lo, hi, sw);
                      check_finite_values<T>("CosineAnnealingLR" + tag, s,
                                             steps_around(2 * (n / 2)), lo, hi, sw);
                    },
                    sw);
          for (const step_t m :
               {step_t(1), step_t(2), step_t(3), step_t(1) << 31, step_t(1) << 62, step_max})
            try_build([&] { return lrs::cosine_annealing_warm_restarts<T>(b, n, m, e); },
                      [&](const auto& s) {
                        check_finite_values<T>(
                            "CosineAnnealingWarmRestarts T_mult " + std::to_string(m) + tag, s, ts,
                            lo, hi, sw);
                      },
                      sw);
        }
    CHECK(sw.values > 0);  // (each section asserts: ctest warns on none)
  }

  SECTION("CyclicLR, its momentum included") {
    const std::vector<T> bounds{T(0), std::numeric_limits<T>::denorm_min(), T(1e-3), T(1),
                                std::numeric_limits<T>::max()};
    const std::vector<step_t> halves{1, 3, step_t(1) << 53, step_max / 2 + 1, step_max};
    for (const T lo : bounds)
      for (const T hi : bounds)
        for (const step_t up : halves)
          for (const step_t down : halves)
            for (const auto mode : {lrs::cyclic_mode::triangular, lrs::cyclic_mode::triangular2,
                                    lrs::cyclic_mode::exp_range})
              for (const T g : gammas<T>()) {
                if (mode != lrs::cyclic_mode::exp_range && g != T(1)) continue;
                const std::string tag = " " + str(lo) + ".." + str(hi) + " up " +
                                        std::to_string(up) + " down " + std::to_string(down) +
                                        " gamma " + str(g);
                const auto ts = steps_around(lrs::detail::add_sat(up, down));
                try_build(
                    [&] { return lrs::cyclic_lr<T>(lo, hi, up, down, mode, g, true, T(0), T(1)); },
                    [&](const auto& s) {
                      check_finite_values<T>("CyclicLR" + tag, s, ts, std::min(lo, hi),
                                             std::max(lo, hi), sw);
                      check_finite_values<T>(
                          "CyclicLR momentum" + tag, [&](step_t t) { return s.momentum(t); }, ts,
                          T(0), T(1), sw);
                    },
                    sw);
              }
    CHECK(sw.values > 0);  // (each section asserts: ctest warns on none)
  }

  SECTION("OneCycleLR, its momentum included") {
    const std::vector<T> factors{
        std::numeric_limits<T>::denorm_min(), T(1e-30), T(1), T(25), T(1e4),
        std::numeric_limits<T>::max()};
    for (const T mx : lr_vals)
      for (const step_t n : lengths())
        for (const T div : factors)
          for (const T fin : factors)
            for (const T pct : {T(0), T(0.3), T(1)})
              for (const bool three : {false, true})
                for (const auto strat : {lrs::anneal_strategy::cos, lrs::anneal_strategy::linear})
                  for (const auto pe : {lrs::past_end::hold, lrs::past_end::cycle}) {
                    const std::string tag = " max_lr " + str(mx) + " N " + std::to_string(n) +
                                            " div " + str(div) + " final " + str(fin);
                    try_build(
                        [&] {
                          return lrs::one_cycle_lr<T>(mx, n, pct, strat, true, T(0.85), T(0.95),
                                                      div, fin, three, pe);
                        },
                        [&](const auto& s) {
                          const T top = std::max({mx, s.initial_lr(), s.min_lr()});
                          const auto ts = steps_around(n);
                          check_finite_values<T>("OneCycleLR" + tag, s, ts, T(0), top, sw);
                          check_finite_values<T>(
                              "OneCycleLR momentum" + tag, [&](step_t t) { return s.momentum(t); },
                              ts, T(0.85), T(0.95), sw);
                        },
                        sw);
                  }
    CHECK(sw.values > 0);
  }

  INFO("built " << sw.built << ", rejected " << sw.rejected << ", values " << sw.values);
  CHECK(sw.built > 0);
  CHECK(sw.values > 0);
}

TEMPLATE_TEST_CASE("chained and sequential of extreme children stay finite",
                   "[schedule][property][overflow]", float, double) {
  using T = TestType;
  sweep sw;
  const T mx = std::numeric_limits<T>::max();
  for (const T b : lrs_values<T>())
    for (const step_t n : lengths()) {
      // PyTorch's ChainedScheduler: the base LR times factors in [0, 1].
      const lrs::dynamic_chained<T> c(
          {lrs::constant<T>(b), lrs::step_lr<T>(T(1), n, T(0.5)),
           lrs::cosine_annealing_lr<T>(T(1), n, T(1e-30)), lrs::exponential_lr<T>(T(1), T(0.99)),
           lrs::multi_step_lr<T>(T(1), {n - 1, n}, std::numeric_limits<T>::denorm_min())});
      check_finite_values<T>("chained", c, steps_around(n), T(0), b, sw);
      // Factors beyond the range of T that cancel: mx^(1/2) each way (b small enough that the
      // rounded factors' product, 1 within a few ulps, cannot take it past the largest T).
      if (b > mx / T(4)) continue;
      const T root = std::sqrt(mx);
      // (Built only where the largest values multiply to a finite product: the check is
      // conservative, these factors peak together.)
      try_build(
          [&] {
            return lrs::chained(lrs::constant<T>(b), lrs::multi_step_lr<T>(T(1), {n}, root),
                                lrs::multi_step_lr<T>(T(1), {n}, T(1) / root),
                                lrs::multi_step_lr<T>(T(1), {n}, root),
                                lrs::multi_step_lr<T>(T(1), {n}, T(1) / root));
          },
          [&](const auto& s) {
            check_finite_values<T>("chained, cancelling factors", s, steps_around(n), T(0),
                                   std::max(b, T(1)) * T(4), sw);
          },
          sw);
      // Factors that would overflow together are refused.
      try_build(
          [&] {
            return lrs::dynamic_chained<T>({lrs::constant<T>(b), lrs::constant<T>(mx),
                                            lrs::multi_step_lr<T>(T(1), {n}, T(4))});
          },
          [&](const auto& s) {
            check_finite_values<T>("chained, x max x 4", s, steps_around(n), T(0), mx, sw);
          },
          sw);
      for (const step_t m : {step_t(0), n, step_max})
        try_build(
            [&] {
              return lrs::dynamic_sequential<T>(
                  {lrs::linear_lr<T>(b, T(1e-30), T(1), n), lrs::cosine_annealing_lr<T>(b, n),
                   lrs::one_cycle_lr<T>(b, n)},
                  {m, m});
            },
            [&](const auto& s) {
              check_finite_values<T>("sequential", s, steps_around(n), T(0), std::max(b, b / T(25)),
                                     sw);
              check_finite_values<T>("sequential", s, steps_around(m), T(0), std::max(b, b / T(25)),
                                     sw);
            },
            sw);
    }
  INFO("built " << sw.built << ", rejected " << sw.rejected << ", values " << sw.values);
  CHECK(sw.values > 0);
}

TEMPLATE_TEST_CASE("every budgeted schedule is finite at every step or rejected",
                   "[schedule][property][overflow][budgeted]", float, double) {
  using T = TestType;
  sweep sw;
  using any = std::function<T(step_t)>;
  struct made {
    any f;
    T top;
  };
  // One budgeted schedule per profile, all with the same options.
  const auto each_profile = [](T peak, step_t n, const lrs::budget_options<T>& o,
                               const std::function<void(const std::string&, const made&)>& use,
                               sweep& s) {
    const auto one = [&](const std::string& name, auto profile) {
      try_build([&] { return lrs::budgeted<decltype(profile), T>(peak, profile, n, o); },
                [&](const auto& b) {
                  use(name, made{b, std::max({b.peak(), b.warmup_start(), b.min_lr()})});
                  // Re-budgeting and cooling down keep the rule.
                  if (b.past_end() != lrs::past_end::cycle) {
                    const step_t mid = b.warmup_steps() + (n - b.warmup_steps()) / 2;
                    for (const step_t nt : {mid + 1, lrs::detail::add_sat(n, n), step_max}) {
                      const auto r = b.rebudget(mid, nt);
                      use(name + " rebudget " + std::to_string(nt),
                          made{r, std::max({b.peak(), b.warmup_start(), b.min_lr()})});
                    }
                    const auto c = b.cooldown(mid, step_max - mid);
                    use(name + " cooldown", made{c, std::max({b.peak(), b.warmup_start()})});
                  }
                },
                s);
    };
    one("constant", lrs::profiles::constant{});
    one("linear", lrs::profiles::linear{});
    one("cosine", lrs::profiles::cosine{});
    one("rex", lrs::profiles::rex(0.5));
    one("rex d=1", lrs::profiles::rex(1.0));
    one("exponential", lrs::profiles::exponential(1e300));
    one("step", lrs::profiles::step(0.0, {1e-300, 0.5, 1.0}));
    one("polynomial", lrs::profiles::polynomial(1e-300));
    one("inverse_sqrt", lrs::profiles::inverse_sqrt(1e-320));
    one("wsd", lrs::profiles::wsd(1e-300, lrs::profiles::decay_shape::one_sqrt));
  };
  const auto lr_vals = lrs_values<T>();
  for (std::size_t i = 0; i < lr_vals.size(); ++i)
    for (const step_t n : lengths())
      for (const step_t w : {step_t(0), step_t(1), n / 2, n - 1})
        for (const auto shape :
             {lrs::warmup_shape::linear, lrs::warmup_shape::cosine, lrs::warmup_shape::exponential})
          for (const auto after :
               {lrs::past_end::hold, lrs::past_end::floor, lrs::past_end::cycle}) {
            const T peak = lr_vals[i];
            lrs::budget_options<T> o;
            o.warmup_steps = w;
            o.warmup_shape = shape;
            o.past_end = after;
            o.min_lr = i % 3 == 0 ? T(0) : i % 3 == 1 ? peak / T(2) : peak;
            o.warmup_start = lr_vals[(i + 3) % lr_vals.size()];
            const step_t every[] = {1, 3, step_t(1) << 62, step_max};
            o.sample_every = every[(i + static_cast<std::size_t>(shape)) % 4];
            each_profile(
                peak, n, o,
                [&](const std::string& name, const made& m) {
                  const std::string tag = " peak " + str(peak) + " T " + std::to_string(n) + " W " +
                                          std::to_string(w) + " every " +
                                          std::to_string(o.sample_every);
                  check_finite_values<T>("budgeted " + name + tag, m.f, steps_around(n), T(0),
                                         m.top, sw);
                  check_finite_values<T>("budgeted " + name + tag, m.f, steps_around(w), T(0),
                                         m.top, sw);
                },
                sw);
          }
  INFO("built " << sw.built << ", rejected " << sw.rejected << ", values " << sw.values);
  CHECK(sw.built > 0);
}

TEST_CASE("budgeted areas over extreme ranges are finite", "[schedule][property][overflow]") {
  // Closed forms (linear profile, linear warmup) and window sums at the end of a 2^63 - 1 budget.
  for (const step_t every : {step_t(1), step_t(3), step_t(1) << 62, step_max}) {
    lrs::budget_options<double> o;
    o.sample_every = every;
    o.warmup_steps = step_max / 2;
    for (const auto& s :
         {lrs::linear_decay(1.0, step_max, o), lrs::linear_decay(1e300, step_max, o)}) {
      for (const step_t a : {step_max / 2 - 2, step_max - 5}) {
        const double v = s.area(a, std::min(a + 4, step_max));
        CHECK(std::isfinite(v));
        CHECK(v >= 0.0);
      }
      CHECK(std::isfinite(s.area(step_max - 3, step_max)));
    }
    const auto c = lrs::cosine_decay(1.0, step_max, o);
    CHECK(std::isfinite(c.area(step_max - 5, step_max)));
    CHECK(std::isfinite(c.area(step_max / 2 - 2, step_max / 2 + 2)));
  }
}

namespace {

/// The largest value a schedule says it takes, or the largest T when it says nothing.
template <class T, class S>
T top_of(const S& s) {
  if constexpr (lrs::detail::has_max_value_v<S>) {
    const T m = static_cast<T>(s.max_value());
    return std::isnan(m) ? std::numeric_limits<T>::max() : m;
  } else {
    return std::numeric_limits<T>::max();
  }
}

/// Builds `make()` and, if it constructs, checks it finite and in [0, max_value()] at `ts`.
template <class T, class Make>
void sweep_one(const std::string& what, const Make& make, const std::vector<step_t>& ts,
               sweep& sw) {
  try_build(
      make, [&](const auto& s) { check_finite_values<T>(what, s, ts, T(0), top_of<T>(s), sw); },
      sw);
}

// Fractional lengths for Keras's float decay_steps.
template <class T>
std::vector<T> float_lengths() {
  return {
      std::numeric_limits<T>::denorm_min(), T(1e-30), T(0.5), T(1), T(3), T(1e4), T(1e18), T(1e30),
      std::numeric_limits<T>::max()};
}

}  // namespace

TEST_CASE("every Hugging Face schedule is finite at every step or rejected",
          "[schedule][property][overflow][hf]") {
  using T = double;
  sweep sw;
  namespace hf = lrs::hf;
  const std::vector<step_t> counts{0,       1, 3, 1000, step_t(1) << 53, step_max / 2, step_max - 1,
                                   step_max};
  for (const T lr : lrs_values<T>())
    for (const step_t w : counts)
      for (const step_t n : counts) {
        const std::string tag =
            " lr " + str(lr) + " w " + std::to_string(w) + " n " + std::to_string(n);
        auto ts = steps_around(n);
        for (const step_t t : steps_around(w)) ts.push_back(t);
        sweep_one<T>(
            "hf constant_with_warmup" + tag,
            [&] { return hf::get_constant_schedule_with_warmup(lr, w); }, ts, sw);
        sweep_one<T>(
            "hf linear" + tag, [&] { return hf::get_linear_schedule_with_warmup(lr, w, n); }, ts,
            sw);
        for (const double c : {0.0, 0.5, 1.0, 7.25, 1e300}) {
          sweep_one<T>(
              "hf cosine" + tag, [&] { return hf::get_cosine_schedule_with_warmup(lr, w, n, c); },
              ts, sw);
          sweep_one<T>(
              "hf hard restarts" + tag,
              [&] { return hf::get_cosine_with_hard_restarts_schedule_with_warmup(lr, w, n, c); },
              ts, sw);
          for (const double r : {0.0, 0.5, 1.0}) {
            sweep_one<T>(
                "hf cosine min_lr" + tag,
                [&] {
                  return hf::get_cosine_with_min_lr_schedule_with_warmup(lr, w, n, c, std::nullopt,
                                                                         r);
                },
                ts, sw);
            sweep_one<T>(
                "hf cosine lr_rate" + tag,
                [&] {
                  return hf::get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
                      lr, w, n, c, std::nullopt, r, 0.5);
                },
                ts, sw);
          }
        }
        for (const double p : {0.0, 0.5, 1.0, 1e300})
          for (const double e : {0.0, 1e-300, lr / 2})
            sweep_one<T>(
                "hf polynomial" + tag,
                [&] { return hf::get_polynomial_decay_schedule_with_warmup(lr, w, n, e, p); }, ts,
                sw);
        sweep_one<T>(
            "hf inverse_sqrt" + tag, [&] { return hf::get_inverse_sqrt_schedule(lr, w); }, ts, sw);
        if (n > 0)
          sweep_one<T>(
              "hf inverse_sqrt timescale" + tag,
              [&] { return hf::get_inverse_sqrt_schedule(lr, w, n); }, ts, sw);
        for (const auto shape :
             {hf::wsd_type::linear, hf::wsd_type::cosine, hf::wsd_type::one_minus_sqrt})
          for (const double r : {0.0, 0.25, 1.0}) {
            const auto ts2 = steps_around(lrs::detail::add_sat(w, n));
            sweep_one<T>(
                "hf wsd stable" + tag,
                [&] { return hf::get_wsd_schedule(lr, w, n, std::nullopt, n, shape, shape, r); },
                ts2, sw);
            sweep_one<T>(
                "hf wsd total" + tag,
                [&] {
                  return hf::get_wsd_schedule(lr, w, n, step_max, std::nullopt, shape, shape, r);
                },
                ts2, sw);
          }
      }
  INFO("built " << sw.built << ", rejected " << sw.rejected << ", values " << sw.values);
  CHECK(sw.built > 0);
  CHECK(sw.values > 0);
}

TEMPLATE_TEST_CASE("every timm schedule is finite at every step or rejected",
                   "[schedule][property][overflow][timm]", float, double) {
  using T = TestType;
  sweep sw;
  namespace timm = lrs::timm;
  const std::vector<T> lrs_small{T(0), std::numeric_limits<T>::denorm_min(), T(1e-3), T(1),
                                 std::numeric_limits<T>::max() / T(3)};
  const std::vector<step_t> lens{1, 3, 1000, step_t(1) << 53, step_max};
  for (const T b : lrs_small)
    for (const step_t n : lens)
      for (const step_t w : {step_t(0), step_t(1), n}) {
        const std::string tag = " base_lr " + str(b) + " t_initial " + std::to_string(n) +
                                " warmup " + std::to_string(w);
        auto ts = steps_around(n);
        for (const step_t t : steps_around(w)) ts.push_back(t);
        for (const T mul : {T(1), T(1.5), T(2), T(1e30), std::numeric_limits<T>::max()})
          for (const T dec : {T(0), T(0.5), T(1), T(2), T(1e30)})
            for (const step_t lim : {step_t(0), step_t(1), step_t(2), step_t(1000), step_max})
              for (const bool prefix : {false, true}) {
                const std::string t2 = tag + " cycle_mul " + str(mul) + " cycle_decay " + str(dec) +
                                       " cycle_limit " + std::to_string(lim);
                for (const T k : {T(1e-30), T(0.5), T(1), T(60), T(1e30)}) {
                  sweep_one<T>(
                      "timm cosine" + t2 + " k " + str(k),
                      [&] {
                        return timm::cosine_lr_scheduler<T>(b, n, b / T(7), mul, dec, lim, w,
                                                            b / T(3), prefix, false, k);
                      },
                      ts, sw);
                  sweep_one<T>(
                      "timm poly" + t2 + " k " + str(k),
                      [&] {
                        return timm::poly_lr_scheduler<T>(b, n, T(0.5), T(0), mul, dec, lim, w,
                                                          T(0), prefix, false, k);
                      },
                      ts, sw);
                }
                sweep_one<T>(
                    "timm tanh" + t2,
                    [&] {
                      return timm::tanh_lr_scheduler<T>(b, n, T(-7), T(3), T(0), mul, dec, lim, w,
                                                        T(0), prefix, false);
                    },
                    ts, sw);
              }
        // (A tiny noise_pct costs ~0.1 s a step: timm_test.cpp checks it.)
        for (const T pct : {T(1e-3), T(0.67), T(1)}) {
          timm::noise_options o;
          o.enabled = true;
          o.pct = static_cast<double>(pct);
          for (const T rate : {T(0), T(0.5), T(1)}) {
            sweep_one<T>(
                "timm step noisy" + tag,
                [&] {
                  return timm::step_lr_scheduler<T>(b, static_cast<T>(n), rate, w, T(0), true,
                                                    false, o);
                },
                ts, sw);
            sweep_one<T>(
                "timm multistep noisy" + tag,
                [&] {
                  return timm::multi_step_lr_scheduler<T>(b, {1, n, step_max}, rate, w, T(0), false,
                                                          false, o);
                },
                ts, sw);
          }
        }
      }
  INFO("built " << sw.built << ", rejected " << sw.rejected << ", values " << sw.values);
  CHECK(sw.built > 0);
  CHECK(sw.values > 0);
}

TEMPLATE_TEST_CASE("every optax schedule is finite at every step or rejected",
                   "[schedule][property][overflow][optax]", float, double) {
  using T = TestType;
  sweep sw;
  namespace optax = lrs::optax;
  const T mx = std::numeric_limits<T>::max();
  const std::vector<step_t> lens{-1, 0, 1, 3, 1000, step_t(1) << 53, step_max};
  for (const T v : lrs_values<T>())
    for (const step_t n : lens) {
      const std::string tag = " value " + str(v) + " steps " + std::to_string(n);
      const auto ts = steps_around(std::max<step_t>(n, 0));
      for (const step_t begin : {step_t(-5), step_t(0), step_t(7), step_max}) {
        for (const T p : {T(0), T(0.5), T(1), T(1e30), mx})
          sweep_one<T>(
              "optax polynomial" + tag,
              [&] { return optax::polynomial_schedule<T>(v, v / T(3), p, n, begin); }, ts, sw);
        for (const T g : gammas<T>())
          for (const bool stair : {false, true})
            for (const std::optional<T> e : {std::optional<T>{}, std::optional<T>{T(0)},
                                             std::optional<T>{v}, std::optional<T>{mx}})
              sweep_one<T>(
                  "optax exponential_decay rate " + str(g) + tag,
                  [&] { return optax::exponential_decay<T>(v, n, g, begin, stair, e); }, ts, sw);
      }
      if (n > 0) {
        for (const T a : {T(0), T(0.5), T(1), T(2), T(1e30), mx})
          for (const T e : {T(0), T(1), T(1e30)})
            sweep_one<T>(
                "optax cosine_decay alpha " + str(a) + tag,
                [&] { return optax::cosine_decay_schedule<T>(v, n, a, e); }, ts, sw);
        for (const T f : {std::numeric_limits<T>::denorm_min(), T(1), T(25), mx})
          sweep_one<T>(
              "optax linear_onecycle div " + str(f) + tag,
              [&] { return optax::linear_onecycle_schedule<T>(n, v, T(0.3), T(0.85), f, f); }, ts,
              sw);
        for (const step_t w : {step_t(0), step_t(1), n - 1})
          sweep_one<T>(
              "optax warmup_cosine_decay" + tag,
              [&] { return optax::warmup_cosine_decay_schedule<T>(v / T(2), v, w, n, v * T(2)); },
              ts, sw);
      }
      // Scales whose running product leaves the range of T.
      for (const auto& scales :
           {std::map<step_t, T>{{1, mx}, {2, mx}}, std::map<step_t, T>{{0, T(2)}, {5, mx}},
            std::map<step_t, T>{{1, T(1e30)}, {2, T(1e30)}, {3, T(1e-30)}},
            std::map<step_t, T>{{1, std::numeric_limits<T>::denorm_min()}, {2, mx}},
            std::map<step_t, T>{{3, T(0.5)}, {step_max, T(0.1)}}}) {
        sweep_one<T>(
            "optax piecewise_constant" + tag,
            [&] { return optax::piecewise_constant_schedule<T>(v, scales); }, steps_around(5), sw);
        sweep_one<T>(
            "optax piecewise_interpolate" + tag,
            [&] {
              return optax::piecewise_interpolate_schedule<T>(lrs::interpolation::linear, v,
                                                              scales);
            },
            steps_around(5), sw);
      }
    }
  INFO("built " << sw.built << ", rejected " << sw.rejected << ", values " << sw.values);
  CHECK(sw.built > 0);
  CHECK(sw.values > 0);
}

TEMPLATE_TEST_CASE("every Keras schedule is finite at every step or rejected",
                   "[schedule][property][overflow][keras]", float, double) {
  using T = TestType;
  sweep sw;
  namespace keras = lrs::keras;
  const T mx = std::numeric_limits<T>::max();
  const auto ts = steps_around(1000);
  for (const T v : lrs_values<T>())
    for (const T d : float_lengths<T>()) {
      const std::string tag = " lr " + str(v) + " decay_steps " + str(d);
      for (const T r : gammas<T>())
        for (const bool stair : {false, true}) {
          sweep_one<T>(
              "keras ExponentialDecay rate " + str(r) + tag,
              [&] { return keras::exponential_decay<T>(v, d, r, stair); }, ts, sw);
          sweep_one<T>(
              "keras InverseTimeDecay rate " + str(r) + tag,
              [&] { return keras::inverse_time_decay<T>(v, d, r, stair); }, ts, sw);
        }
      for (const T p : {T(0), T(0.5), T(1), T(1e30)})
        for (const bool cyc : {false, true})
          sweep_one<T>(
              "keras PolynomialDecay power " + str(p) + tag,
              [&] { return keras::polynomial_decay<T>(v, d, v / T(3), p, cyc); }, ts, sw);
      for (const T a : {T(0), T(0.5), T(1), T(1e30), mx})
        for (const std::optional<T> target :
             {std::optional<T>{}, std::optional<T>{T(0)}, std::optional<T>{mx}})
          for (const T w : {T(0), T(1), d})
            sweep_one<T>(
                "keras CosineDecay alpha " + str(a) + tag,
                [&] { return keras::cosine_decay<T>(v, d, a, target, w); }, ts, sw);
      for (const T tm : {T(1), std::nextafter(T(1), T(2)), T(2), T(1e30), mx})
        for (const T mm : {T(0), T(0.5), T(1)})
          for (const T a : {T(0), T(1)})
            sweep_one<T>(
                "keras CosineDecayRestarts t_mul " + str(tm) + " m_mul " + str(mm) + tag,
                [&] { return keras::cosine_decay_restarts<T>(v, d, tm, mm, a); }, ts, sw);
    }
  INFO("built " << sw.built << ", rejected " << sw.rejected << ", values " << sw.values);
  CHECK(sw.built > 0);
  CHECK(sw.values > 0);
}

TEMPLATE_TEST_CASE("composed combinators are finite at every step or rejected",
                   "[schedule][property][overflow][combinators]", float, double) {
  using T = TestType;
  sweep sw;
  const T mx = std::numeric_limits<T>::max();
  for (const T b : lrs_values<T>())
    for (const step_t n : lengths()) {
      const std::string tag = " lr " + str(b) + " n " + std::to_string(n);
      const auto ts = steps_around(n);
      for (const T k : {T(0), T(0.5), T(1e30), mx}) {
        sweep_one<T>(
            "scaled(scaled) k " + str(k) + tag,
            [&] { return lrs::scaled(lrs::scaled(lrs::cosine_annealing_lr<T>(b, n), k), k); }, ts,
            sw);
        sweep_one<T>(
            "scaled(with_warmup) k " + str(k) + tag,
            [&] { return lrs::scaled(lrs::with_warmup(lrs::step_lr<T>(b, n), n), k); }, ts, sw);
        sweep_one<T>(
            "clamped(scaled) k " + str(k) + tag,
            [&] { return lrs::clamped(lrs::scaled(lrs::constant<T>(b), k), T(0), mx); }, ts, sw);
      }
      for (const step_t w : {step_t(0), step_t(1), n, step_max - 1, step_max})
        for (const auto shape :
             {lrs::warmup_shape::linear, lrs::warmup_shape::cosine, lrs::warmup_shape::exponential})
          for (const auto mode : {lrs::warmup_mode::prefix, lrs::warmup_mode::overlay}) {
            auto ts2 = ts;
            for (const step_t t : steps_around(w)) ts2.push_back(t);
            lrs::warmup_options<T> o;
            o.warmup_shape = shape;
            o.mode = mode;
            sweep_one<T>(
                "with_warmup w " + std::to_string(w) + tag,
                [&] { return lrs::with_warmup(lrs::cosine_annealing_lr<T>(b, n), w, o); }, ts2, sw);
            sweep_one<T>(
                "with_warmup(shifted(cycled)) w " + std::to_string(w) + tag,
                [&] {
                  return lrs::with_warmup(
                      lrs::shifted(lrs::cycled(lrs::linear_decay<T>(b, n), n), w), w, o);
                },
                ts2, sw);
          }
      sweep_one<T>(
          "per_epoch(with_warmup)" + tag,
          [&] { return lrs::per_epoch(lrs::with_warmup(lrs::exponential_lr<T>(b, T(0.5)), n), n); },
          ts, sw);
    }
  INFO("built " << sw.built << ", rejected " << sw.rejected << ", values " << sw.values);
  CHECK(sw.built > 0);
  CHECK(sw.values > 0);
}
