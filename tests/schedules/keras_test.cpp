// SPDX-License-Identifier: MIT
// lrs::keras against Keras 3's schedules transcribed into float64
// (tests/data/schedules/keras/reference.txt, made by generate.py there), and Keras's quirks at the
// steps where they show.
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/lrs.hpp>

#include "../keras_reference.hpp"
#include "catch.hpp"

namespace {

using lrs::step_t;

double num(const keras_reference& r, const std::string& key, double fallback) {
  const auto it = r.params.find(key);
  return it == r.params.end() ? fallback : std::stod(it->second);
}
bool flag(const keras_reference& r, const std::string& key) {
  const auto it = r.params.find(key);
  return it != r.params.end() && it->second == "True";
}
template <class V>
std::vector<V> list(const keras_reference& r, const std::string& key) {
  std::vector<V> out;
  std::istringstream in(r.params.at(key));
  for (std::string tok; std::getline(in, tok, ',');) out.push_back(static_cast<V>(std::stod(tok)));
  return out;
}

lrs::any_schedule<double> build(const keras_reference& r) {
  namespace k = lrs::keras;
  const double lr = num(r, "initial_learning_rate", 0.0);
  if (r.kind == "ExponentialDecay")
    return k::exponential_decay<>(lr, num(r, "decay_steps", 0), num(r, "decay_rate", 0),
                                  flag(r, "staircase"));
  if (r.kind == "PiecewiseConstantDecay")
    return k::piecewise_constant_decay<>(list<step_t>(r, "boundaries"), list<double>(r, "values"));
  if (r.kind == "PolynomialDecay")
    return k::polynomial_decay<>(lr, num(r, "decay_steps", 0), num(r, "end_learning_rate", 1e-4),
                                 num(r, "power", 1.0), flag(r, "cycle"));
  if (r.kind == "InverseTimeDecay")
    return k::inverse_time_decay<>(lr, num(r, "decay_steps", 0), num(r, "decay_rate", 0),
                                   flag(r, "staircase"));
  if (r.kind == "CosineDecay") {
    std::optional<double> target;
    if (r.params.count("warmup_target") && r.params.at("warmup_target") != "None")
      target = num(r, "warmup_target", 0);
    return k::cosine_decay<>(lr, num(r, "decay_steps", 0), num(r, "alpha", 0.0), target,
                             num(r, "warmup_steps", 0.0));
  }
  if (r.kind == "CosineDecayRestarts")
    return k::cosine_decay_restarts<>(lr, num(r, "first_decay_steps", 0), num(r, "t_mul", 2.0),
                                      num(r, "m_mul", 1.0), num(r, "alpha", 0.0));
  throw std::runtime_error("unknown kind " + r.kind);
}

}  // namespace

TEST_CASE("keras: every reference configuration within 1e-12", "[keras]") {
  const auto refs = load_keras_reference();
  REQUIRE(refs.size() >= 30);
  std::size_t compared = 0;
  double worst = 0.0;
  for (const auto& r : refs) {
    INFO(r.name);
    REQUIRE(r.steps.size() == r.values.size());
    const auto s = build(r);
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
      INFO("step " << r.steps[i]);
      const double got = s(r.steps[i]);
      const double err = keras_error(got, r.values[i]);
      CHECK(err <= 1e-12);
      worst = std::max(worst, err);
      ++compared;
    }
  }
  CHECK(compared > 3000);
  CHECK(worst <= 1e-12);
}

TEST_CASE("keras: PiecewiseConstantDecay keeps the old value at the boundary", "[keras]") {
  const lrs::keras::piecewise_constant_decay<> s({10, 20}, {0.1, 0.01, 0.001});
  CHECK(s(10) == 0.1);  // step > boundary is false at the boundary itself
  CHECK(s(11) == 0.01);
  CHECK(s(20) == 0.01);
  CHECK(s(21) == 0.001);
  CHECK(s.max_value() == 0.1);
}

TEST_CASE("keras: PolynomialDecay cycle, step 0 and the multiples of decay_steps", "[keras]") {
  const lrs::keras::polynomial_decay<> s(0.1, 10, 0.001, 1.0, true);
  CHECK(s(0) == 0.1);     // ceil(0 / 10) = 0 is replaced by 1
  CHECK(s(10) == 0.001);  // ceil(10 / 10) = 1: the end of the first cycle
  CHECK(s(20) == 0.001);
  // step 11: D = 20, (0.1 - 0.001) * (1 - 11/20) + 0.001
  CHECK(s(11) == Approx((0.1 - 0.001) * (1.0 - 11.0 / 20.0) + 0.001).epsilon(1e-15));
  const lrs::keras::polynomial_decay<> flat(0.1, 10, 0.01, 0.0);
  CHECK(flat(10) == 0.1);  // power 0: 0^0 = 1 keeps the initial value past the end
  CHECK(flat(1000) == 0.1);
}

TEST_CASE("keras: CosineDecay warm-up rules", "[keras]") {
  using lrs::keras::cosine_decay;
  // warmup_steps without warmup_target: ignored, the decay starts at step 0.
  const cosine_decay<> no_target(0.1, 30, 0.0, std::nullopt, 10);
  CHECK(no_target(0) == 0.1);
  CHECK(no_target(30) == 0.0);
  CHECK(no_target(40) == 0.0);
  // warmup_target with warmup_steps = 0: starts at warmup_target.
  const cosine_decay<> zero_warmup(0.01, 30, 0.0, 0.2, 0);
  CHECK(zero_warmup(0) == 0.2);
  CHECK(zero_warmup.max_value() == 0.2);
  // warm-up then decay: the target at step warmup_steps, alpha * target from
  // warmup_steps + decay_steps on.
  const cosine_decay<> both(0.0, 1000, 0.1, 0.1, 1000);
  CHECK(both(0) == 0.0);
  CHECK(both(500) == Approx(0.05).epsilon(1e-15));
  CHECK(both(1000) == 0.1);
  CHECK(both(2000) == Approx(0.1 * 0.1).epsilon(1e-15));
  CHECK(both(5000) == both(2000));
}

TEST_CASE("keras: CosineDecayRestarts restart index lands on the previous run", "[keras]") {
  using lrs::keras::cosine_decay_restarts;
  // t_mul = 3: runs 1, 3, 9, 27, 81 steps start at 0, 1, 4, 13, 40, 121. At 121 the rounded
  // log gives index 4 (not 5): the value is the end of run 4, 0, not the restart peak.
  const cosine_decay_restarts<> s3(1.0, 1, 3.0);
  CHECK(s3.restart(40) == 4.0);
  CHECK(s3(40) == 1.0);
  CHECK(s3.restart(121) == 4.0);
  CHECK(s3(121) == 0.0);
  CHECK(s3.restart(122) == 5.0);
  CHECK(s3.restart(29524) == 9.0);  // run 10 starts at (3^10 - 1) / 2 = 29524
  // The same with first_decay_steps = 4 and alpha = 0.01: 0.1 * 0.01 at 4 * 121 = 484.
  const cosine_decay_restarts<> s3b(0.1, 4, 3.0, 1.0, 0.01);
  CHECK(s3b(484) == Approx(0.001).epsilon(1e-14));
  CHECK(s3b.restart(485) == 5.0);
  CHECK(s3b(485) > 0.09);
  // t_mul = 10 at 111 (runs 1, 10, 100).
  const cosine_decay_restarts<> s10(0.05, 2, 10.0, 1.0, 0.1);
  CHECK(s10.restart(222) == 2.0);
  CHECK(s10(222) == Approx(0.005).epsilon(1e-14));
  // t_mul = 2: every restart 10 * (2^n - 1) up to n = 45 gets its own index in double.
  const cosine_decay_restarts<> s2(0.1, 10);
  for (int n = 1; n <= 45; ++n) {
    const step_t at = 10 * ((step_t{1} << n) - 1);
    INFO("n = " << n);
    CHECK(s2.restart(at) == static_cast<double>(n));
    CHECK(s2(at) == 0.1);
  }
  // ... but at very large steps the step before a restart already restarts: 10 (2^45 - 1) - 1.
  CHECK(s2.restart(351843720888309) == 45.0);
  CHECK(s2(351843720888309) == 0.1);
  CHECK(s2(351843720888308) == 0.0);
  // t_mul = 1: plain periodic restarts, m_mul^i at each.
  const cosine_decay_restarts<> s1(0.1, 10, 1.0, 0.5);
  CHECK(s1(10) == Approx(0.05).epsilon(1e-15));
  CHECK(s1(20) == Approx(0.025).epsilon(1e-15));
}

TEST_CASE("keras: bad parameters name the parameter", "[keras]") {
  namespace k = lrs::keras;
  auto message = [](auto f) {
    try {
      f();
    } catch (const lrs::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no throw");
  };
  using Catch::Matchers::Contains;
  CHECK_THAT(message([] { (void)k::exponential_decay<>(0.1, 0, 0.9); }),
             Contains("decay_steps must be > 0, got 0"));
  CHECK_THAT(message([] { (void)k::exponential_decay<>(0.1, 10, 1.5); }),
             Contains("decay_rate must be in [0, 1], got 1.5"));
  CHECK_THAT(message([] {
               (void)k::piecewise_constant_decay<>({10, 5}, {1, 0.5, 0.1});
             }),
             Contains("boundaries must be strictly increasing"));
  CHECK_THAT(message([] {
               (void)k::piecewise_constant_decay<>({10}, {1, 0.5, 0.1});
             }),
             Contains("values must be a list one longer than boundaries (2 values), got 3"));
  CHECK_THAT(message([] { (void)k::piecewise_constant_decay<>({}, {1}); }),
             Contains("boundaries must be a non-empty list"));
  CHECK_THAT(message([] { (void)k::polynomial_decay<>(0.1, 10, 0.0, -1.0); }),
             Contains("power must be >= 0, got -1"));
  CHECK_THAT(message([] { (void)k::inverse_time_decay<>(0.1, 10, -0.5); }),
             Contains("decay_rate must be >= 0, got -0.5"));
  CHECK_THAT(message([] { (void)k::cosine_decay<>(0.1, 10, 0.0, 0.5, -1); }),
             Contains("warmup_steps must be >= 0, got -1"));
  CHECK_THAT(message([] { (void)k::cosine_decay<>(-0.1, 10); }),
             Contains("initial_learning_rate must be >= 0, got -0.1"));
  CHECK_THAT(message([] { (void)k::cosine_decay_restarts<>(0.1, 10, 0.5); }),
             Contains("t_mul must be >= 1, got 0.5"));
  CHECK_THAT(message([] { (void)k::cosine_decay_restarts<>(0.1, 10, 2.0, 1.5); }),
             Contains("m_mul must be in [0, 1], got 1.5"));
  CHECK_THAT(message([] { (void)k::cosine_decay_restarts<>(0.1, 0); }),
             Contains("first_decay_steps must be > 0, got 0"));
}

TEST_CASE("keras: parameters that would give inf or NaN are refused naming them", "[keras]") {
  using Catch::Matchers::Contains;
  namespace kk = lrs::keras;
  constexpr step_t M = std::numeric_limits<step_t>::max();
  // InverseTimeDecay(0.1, 1e-300, 0.0): step / decay_steps = inf from step 1, and Keras's
  // 1 + 0 * inf is NaN. The bound is 2^63 / the largest double = 5.13e-290.
  CHECK_THROWS_WITH(kk::inverse_time_decay<>(0.1, 1e-300, 0.0),
                    Contains("decay_steps must be >= 5.13") && Contains("1e-300"));
  // Just above it the values stay finite: Python 0.1 / (1 + 0.5 * (float(2**63 - 1) / 1e-280)).
  CHECK_THAT(kk::inverse_time_decay<>(0.1, 1e-280, 0.5)(M),
             WithinRel(2.168404344971009e-300, 1e-12));
  // CosineDecayRestarts(1.0, 1.0, t_mul=1e300): 1 - f (1 - t_mul) overflows (Keras: NaN).
  CHECK_THROWS_WITH(kk::cosine_decay_restarts<>(1.0, 1.0, 1e300),
                    Contains("t_mul must be <= ") && Contains("1e+300"));
  CHECK_THROWS_WITH(kk::cosine_decay_restarts<>(1.0, 1e-300), Contains("first_decay_steps"));
  // t_mul = 1e280 is allowed; at step 2^63 - 1 the run is 1 and the value 1.0 (Keras's formula
  // in Python float64).
  CHECK(kk::cosine_decay_restarts<>(1.0, 1.0, 1e280)(M) == 1.0);
  // CosineDecay(1e10, 10, alpha=1e300): 1e10 * 1e300 = inf from step 10.
  CHECK_THROWS_WITH(kk::cosine_decay<>(1e10, 10, 1e300), Contains("alpha"));
  CHECK_THROWS_WITH(kk::cosine_decay<>(1.0, 10, 1e300, 1e10, 5), Contains("alpha"));
  CHECK(kk::cosine_decay<>(1.0, 10, 1e300)(10) == 1e300);
}
