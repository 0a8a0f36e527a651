// SPDX-License-Identifier: MIT
// lrs::timm against the values timm's own scheduler classes print
// (tests/data/schedules/timm/reference.txt, made by tests/data/schedules/timm/generate.py).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/lrs.hpp>

#include "../data/schedules/timm/timm_reference.hpp"
#include "catch.hpp"
#include "tolerance.hpp"

// A namespace of its own: its using-directives and helpers stay out of the other test files
// when several are compiled as one unit.
namespace timm_test {

namespace {

using timm_reference::load_reference;
using timm_reference::reference;

using lrs::step_t;
using lrs::timm::cosine_lr_scheduler;
using lrs::timm::multi_step_lr_scheduler;
using lrs::timm::poly_lr_scheduler;
using lrs::timm::step_lr_scheduler;
using lrs::timm::tanh_lr_scheduler;
constexpr step_t step_max = lrs::detail::step_max;

lrs::timm::noise_options noise(step_t begin, std::optional<step_t> end, double pct,
                               std::uint64_t seed) {
  lrs::timm::noise_options n;
  n.enabled = true;
  n.begin = begin;
  n.end = end;
  n.pct = pct;
  n.seed = seed;
  return n;
}

using maker = std::function<lrs::any_schedule<double>(double)>;

// The C++ call for each reference configuration (the Python call is in reference.txt).
const std::map<std::string, maker>& makers() {
  static const std::map<std::string, maker> m = {
      {"cos_default",
       [](double lr) { return cosine_lr_scheduler<>(lr, 100, 0, 1, 1, 1, 0, 0, false, false); }},
      {"cos_epochs", [](double lr) { return cosine_lr_scheduler<>(lr, 10); }},
      {"cos_warmup",
       [](double lr) {
         return cosine_lr_scheduler<>(lr, 100, 1e-5, 1, 1, 1, 10, 1e-6, false, false);
       }},
      {"cos_warmup_prefix",
       [](double lr) {
         return cosine_lr_scheduler<>(lr, 100, 1e-5, 1, 1, 1, 10, 1e-6, true, false);
       }},
      {"cos_warmup_eq_total",
       [](double lr) {
         return cosine_lr_scheduler<>(lr, 20, 0, 1, 1, 1, 20, 0.001, false, false);
       }},
      {"cos_warmup_eq_total_prefix",
       [](double lr) { return cosine_lr_scheduler<>(lr, 20, 0, 1, 1, 1, 20, 0.001, true, false); }},
      {"cos_restarts_decay",
       [](double lr) {
         return cosine_lr_scheduler<>(lr, 30, 0.001, 1, 0.5, 4, 0, 0, false, false);
       }},
      {"cos_mul2",
       [](double lr) { return cosine_lr_scheduler<>(lr, 10, 0, 2.0, 1, 5, 0, 0, false, false); }},
      {"cos_mul15_quirk",
       [](double lr) {
         return cosine_lr_scheduler<>(lr, 16, 0.0001, 1.5, 0.9, 6, 0, 0, false, false);
       }},
      {"cos_mul3_quirk",
       [](double lr) { return cosine_lr_scheduler<>(lr, 2, 0, 3.0, 1, 10, 0, 0, false, false); }},
      {"cos_k_decay2",
       [](double lr) {
         return cosine_lr_scheduler<>(lr, 50, 0.002, 1, 1, 1, 0, 0, false, false, 2.0);
       }},
      {"cos_k_decay05_mul",
       [](double lr) {
         return cosine_lr_scheduler<>(lr, 12, 0, 1.5, 1, 4, 4, 0, true, false, 0.5);
       }},
      {"cos_cycle_limit0",
       [](double lr) { return cosine_lr_scheduler<>(lr, 10, 0.01, 1, 1, 0, 5, 0, false, false); }},
      {"cos_lr_min_above",
       [](double lr) { return cosine_lr_scheduler<>(lr, 30, 0.02, 1, 1, 1, 0, 0, false, false); }},
      {"tanh_default",
       [](double lr) {
         return tanh_lr_scheduler<>(lr, 100, -7, 3, 0, 1, 1, 1, 0, 0, false, false);
       }},
      {"tanh_warmup",
       [](double lr) {
         return tanh_lr_scheduler<>(lr, 50, -6, 4, 0.001, 1, 1, 1, 5, 0.0001, false, false);
       }},
      {"tanh_warmup_prefix_cycles",
       [](double lr) {
         return tanh_lr_scheduler<>(lr, 20, -7, 3, 0, 1, 0.8, 3, 5, 0.01, true, false);
       }},
      {"tanh_mul",
       [](double lr) {
         return tanh_lr_scheduler<>(lr, 10, -7, 3, 1e-4, 1.5, 1, 4, 0, 0, false, false);
       }},
      {"tanh_mul3_quirk",
       [](double lr) {
         return tanh_lr_scheduler<>(lr, 2, -7, 3, 0, 3.0, 1, 10, 0, 0, false, false);
       }},
      {"step_default_rate",
       [](double lr) { return step_lr_scheduler<>(lr, 10, 1, 0, 0, true, false); }},
      {"step_basic", [](double lr) { return step_lr_scheduler<>(lr, 30, 0.1, 0, 0, true, false); }},
      {"step_warmup_prefix",
       [](double lr) { return step_lr_scheduler<>(lr, 10, 0.5, 5, 0.001, true, false); }},
      {"step_warmup_noprefix",
       [](double lr) { return step_lr_scheduler<>(lr, 10, 0.5, 5, 0.001, false, false); }},
      {"step_fractional",
       [](double lr) { return step_lr_scheduler<>(lr, 2.4, 0.97, 0, 0, true, false); }},
      {"step_epochs", [](double lr) { return step_lr_scheduler<>(lr, 3, 0.5); }},
      {"multistep_basic",
       [](double lr) {
         return multi_step_lr_scheduler<>(lr, {30, 60, 90}, 0.1, 0, 0, true, false);
       }},
      {"multistep_warmup",
       [](double lr) {
         return multi_step_lr_scheduler<>(lr, {10, 20, 20, 40}, 0.5, 3, 0.01, true, false);
       }},
      {"multistep_noprefix",
       [](double lr) {
         return multi_step_lr_scheduler<>(lr, {10, 20, 40}, 0.5, 3, 0.01, false, false);
       }},
      {"multistep_first_1",
       [](double lr) {
         return multi_step_lr_scheduler<>(lr, {1, 5}, 0.1, 0, 0, true, false);
       }},
      {"poly_default",
       [](double lr) { return poly_lr_scheduler<>(lr, 100, 0.5, 0, 1, 1, 1, 0, 0, false, false); }},
      {"poly_power2_warmup",
       [](double lr) {
         return poly_lr_scheduler<>(lr, 100, 2.0, 1e-4, 1, 1, 1, 10, 1e-5, true, false, 1.5);
       }},
      {"poly_warmup_noprefix",
       [](double lr) { return poly_lr_scheduler<>(lr, 50, 1.0, 0, 1, 1, 1, 10, 0, false, false); }},
      {"poly_cycles",
       [](double lr) {
         return poly_lr_scheduler<>(lr, 10, 1.0, 0.001, 2.0, 0.7, 3, 0, 0, false, false);
       }},
      {"poly_mul3_quirk",
       [](double lr) {
         return poly_lr_scheduler<>(lr, 2, 0.5, 0, 3.0, 1, 10, 0, 0, false, false);
       }},
      {"cos_noise",
       [](double lr) {
         return cosine_lr_scheduler<>(lr, 50, 0, 1, 1, 1, 0, 0, false, false, 1,
                                      noise(10, std::nullopt, 0.67, 42));
       }},
      {"cos_noise_range",
       [](double lr) {
         return cosine_lr_scheduler<>(lr, 30, 0, 1, 1, 1, 3, 0, false, false, 1,
                                      noise(2, 25, 0.2, 7));
       }},
      {"step_noise_small_pct",
       [](double lr) {
         return step_lr_scheduler<>(lr, 10, 0.5, 0, 0, true, false,
                                    noise(0, std::nullopt, 0.05, 42));
       }},
      {"multistep_noise",
       [](double lr) {
         return multi_step_lr_scheduler<>(lr, {10, 30}, 0.1, 0, 0, true, false,
                                          noise(5, 35, 0.5, 1000));
       }},
      {"tanh_noise",
       [](double lr) {
         return tanh_lr_scheduler<>(lr, 30, -7, 3, 0, 1, 1, 1, 0, 0, false, false,
                                    noise(1, std::nullopt, 0.3, 42));
       }},
      {"poly_noise_epochs",
       [](double lr) {
         return poly_lr_scheduler<>(lr, 25, 0.5, 0, 1, 1, 1, 0, 0, false, true, 1,
                                    noise(3, std::nullopt, 0.67, 123));
       }},
  };
  return m;
}

double value_of(const std::string& name, step_t t) {
  for (const reference& r : load_reference())
    if (r.name == name) return r.values.at(static_cast<std::size_t>(t));
  throw std::runtime_error("no reference " + name);
}

}  // namespace

TEST_CASE("timm schedulers match timm's own values to 1e-12", "[timm]") {
  const std::vector<reference> refs = load_reference();
  REQUIRE(refs.size() >= 30);
  double worst = 0;
  std::size_t compared = 0;
  for (const reference& r : refs) {
    INFO(r.name << ": " << r.call);
    const auto it = makers().find(r.name);
    REQUIRE(it != makers().end());
    const lrs::any_schedule<double> s = it->second(r.lr);
    REQUIRE(r.values.size() == static_cast<std::size_t>(r.steps));
    for (std::size_t t = 0; t < r.values.size(); ++t) {
      const double e = lrs_test::rel_error(s(static_cast<step_t>(t)), r.values[t]);
      INFO("t = " << t << " lrs " << s(static_cast<step_t>(t)) << " timm " << r.values[t]);
      CHECK(e <= 1e-12);
      worst = std::max(worst, e);
      ++compared;
    }
  }
  CHECK(compared > 3000);
  CHECK(worst <= 1e-12);
}

TEST_CASE("timm quirk: the restart cycle from floor(log(x)/log(m)) lands on the previous cycle",
          "[timm]") {
  // cycle_mul = 3, t_initial = 2: cycles start at 2 (3^n - 1) / 2 = 2, 8, 26, 80, 242. At 242,
  // log(1 + 242) / log(3) rounds below 5, so timm stays in cycle 4 at its end (t_curr = t_i).
  const cosine_lr_scheduler<> cos(1.0, 2, 0, 3.0, 1, 10, 0, 0, false, false);
  CHECK(cos(80) == 1.0);   // the restart at 80 is found
  CHECK(cos(242) == 0.0);  // lr_min instead of the peak 1.0
  CHECK(cos(242) == value_of("cos_mul3_quirk", 242));
  CHECK(cos(243) > 0.9999);
  const poly_lr_scheduler<> poly(1.0, 2, 0.5, 0, 3.0, 1, 10, 0, 0, false, false);
  CHECK(poly(242) == 0.0);
  const tanh_lr_scheduler<> tanh(1.0, 2, -7, 3, 0, 3.0, 1, 10, 0, 0, false, false);
  CHECK(tanh(242) == Approx(0.5 * (1 - std::tanh(3.0))).epsilon(1e-15));  // end of cycle 4
  // cycle_mul = 1.5, t_initial = 16: the restart at 211 is lr_min = 1e-4.
  const cosine_lr_scheduler<> cos15(0.1, 16, 1e-4, 1.5, 0.9, 6, 0, 0, false, false);
  CHECK(cos15(211) == 1e-4);
  CHECK(cos15(211) == value_of("cos_mul15_quirk", 211));
}

TEST_CASE("timm quirk: MultiStep decays one update before each milestone", "[timm]") {
  const multi_step_lr_scheduler<> s(0.1, {30, 60, 90}, 0.1, 0, 0, true, false);
  CHECK(s(28) == 0.1);
  CHECK(s(29) == Approx(0.01).epsilon(1e-15));  // bisect_right(decay_t, t + 1)
  CHECK(s(29) == value_of("multistep_basic", 29));
  CHECK(s(89) == value_of("multistep_basic", 89));
  // A milestone at 1 would decay update 0, which keeps the constructor's LR.
  const multi_step_lr_scheduler<> first(0.1, {1, 5}, 0.1, 0, 0, true, false);
  CHECK(first(0) == 0.1);
  CHECK(first(1) == Approx(0.01).epsilon(1e-15));
  CHECK(first(4) == Approx(0.001).epsilon(1e-15));
}

TEST_CASE("timm quirk: past cycle_limit the LR is lr_min; cycle_limit 0 is lr_min after warm-up",
          "[timm]") {
  const cosine_lr_scheduler<> s(0.1, 100, 0, 1, 1, 1, 0, 0, false, false);
  CHECK(s(99) > 0.0);
  CHECK(s(100) == 0.0);
  CHECK(s(1000000) == 0.0);
  const cosine_lr_scheduler<> z(0.1, 10, 0.01, 1, 1, 0, 5, 0, false, false);
  CHECK(z(4) == Approx(0.08).epsilon(1e-15));
  CHECK(z(5) == 0.01);
  CHECK(z(5) == value_of("cos_cycle_limit0", 5));
}

TEST_CASE("timm quirk: without warmup_prefix the cosine starts at its value at warmup_t",
          "[timm]") {
  const cosine_lr_scheduler<> s(3e-4, 100, 1e-5, 1, 1, 1, 10, 1e-6, false, false);
  const cosine_lr_scheduler<> p(3e-4, 100, 1e-5, 1, 1, 1, 10, 1e-6, true, false);
  // ramp to 3e-4 (value at 10 would be 3e-4) but t = 10 is already cos(pi * 10 / 100).
  CHECK(s(10) == value_of("cos_warmup", 10));
  CHECK(s(10) ==
        Approx(1e-5 + 0.5 * (3e-4 - 1e-5) * (1 + std::cos(lrs::detail::pi_v<double> * 0.1)))
            .epsilon(1e-14));
  CHECK(p(10) == Approx(3e-4).epsilon(1e-15));
  CHECK(p(110) == 1e-5);  // the prefix shifts the end by warmup_t
  CHECK(s(110) == 1e-5);
  CHECK(p(109) > 1e-5);
  CHECK(s(100) == 1e-5);
}

TEST_CASE("timm quirk: update 0 is the constructor's LR, not _get_lr(0)", "[timm]") {
  const tanh_lr_scheduler<> t(0.1, 100, -7, 3, 0, 1, 1, 1, 0, 0, false, false);
  CHECK(t(0) == 0.1);
  CHECK(t.get_lr(0) == Approx(0.05 * (1 - std::tanh(-7.0))).epsilon(1e-15));
  CHECK(t.get_lr(0) < 0.1);
  CHECK(t(1) == value_of("tanh_default", 1));
}

TEST_CASE("timm noise: PyTorch's CPU generator draws, the resampling and the range", "[timm]") {
  // torch.randn(1, generator=g) after g.manual_seed(42 + t), t = 0..4, as torch 1.13 prints them
  // (all inside noise_pct = 0.67, so no resampling).
  const double want[] = {0.33669036626815796, -0.6484010815620422, 0.058945026248693466,
                         0.031175758689641953, -0.13182371854782104};
  const lrs::timm::noise_options n = noise(0, std::nullopt, 0.67, 42);
  for (step_t t = 0; t < 5; ++t) CHECK(n.draw(t) == want[t]);
  const lrs::timm::step_lr_scheduler<> s(0.1, 10, 0.5, 0, 0, true, false, noise(5, 8, 0.67, 42));
  CHECK(s(4) == 0.1);  // before the range
  CHECK(s(5) == 0.1 + 0.1 * n.draw(5));
  CHECK(s(8) == 0.1);  // the end is exclusive
  CHECK(s(0) == 0.1);  // the constructor's LR is never noisy
  CHECK(s.max_value() == Approx(0.167).epsilon(1e-15));
  // timm's 'uniform' noise: 2 (torch.rand(1, generator=g).item() - 0.5) * 0.3, seeds 42, 43, 44.
  lrs::timm::noise_options u = noise(0, std::nullopt, 0.3, 42);
  u.type = lrs::timm::noise_options::kind::uniform;
  CHECK(u.draw(0) == 0.22936155796051025);
  CHECK(u.draw(1) == -0.027619028091430662);
  CHECK(u.draw(2) == 0.13175425529479981);
}

TEST_CASE("timm schedulers reject bad parameters naming them", "[timm]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(cosine_lr_scheduler<>(0.1, 0), Contains("t_initial") && Contains("> 0"));
  CHECK_THROWS_WITH(cosine_lr_scheduler<>(0.1, 10, -1.0), Contains("lr_min"));
  CHECK_THROWS_WITH(cosine_lr_scheduler<>(0.1, 10, 0, 0.5),
                    Contains("cycle_mul") && Contains("0.5"));
  CHECK_THROWS_WITH(cosine_lr_scheduler<>(0.1, 10, 0, 1, 1, -1), Contains("cycle_limit"));
  CHECK_THROWS_WITH(cosine_lr_scheduler<>(0.1, 10, 0, 1, 1, 1, -2), Contains("warmup_t"));
  CHECK_THROWS_WITH(cosine_lr_scheduler<>(0.1, 10, 0, 1, 1, 1, 0, 0, false, true, 0.0),
                    Contains("k_decay"));
  CHECK_THROWS_WITH(cosine_lr_scheduler<>(0.1, 10, 0, 1, 1e300, 10), Contains("cycle_decay"));
  CHECK_THROWS_WITH(tanh_lr_scheduler<>(0.1, 10, 3, 3), Contains("lb"));
  CHECK_THROWS_WITH(poly_lr_scheduler<>(0.1, 10, -1.0), Contains("power"));
  CHECK_THROWS_WITH(step_lr_scheduler<>(0.1, 0), Contains("decay_t"));
  CHECK_THROWS_WITH(step_lr_scheduler<>(0.1, 10, 1.5), Contains("decay_rate"));
  CHECK_THROWS_WITH(multi_step_lr_scheduler<>(0.1, {20, 10}),
                    Contains("decay_t") && Contains("sorted"));
  CHECK_THROWS_WITH(multi_step_lr_scheduler<>(0.1, {-1}), Contains("decay_t"));
  CHECK_THROWS_AS(cosine_lr_scheduler<>(std::nan(""), 10), lrs::invalid_argument);
  CHECK_THROWS_WITH(
      step_lr_scheduler<>(0.1, 10, 0.5, 0, 0, true, false, noise(0, std::nullopt, 0, 1)),
      Contains("noise_pct"));
}

TEST_CASE("timm noise: a small noise_pct draws timm's values, a tiny one ends", "[timm]") {
  // tests/data/schedules/timm/small_noise.py: timm's rejection loop on PyTorch's generator,
  // noise at t = 1, 2, 3, 1000 with noise_seed 42.
  const std::map<double, std::vector<double>> want = {
      {1e-2,
       {0.0023513385094702244, 0.00649033859372139, -0.0011073230998590589, 0.008671475574374199}},
      {1e-3,
       {-0.00010835713328560814, 0.00025369200739078224, 0.0008248095400631428,
        -0.0006880999426357448}},
      {1e-4,
       {-6.600748747587204e-05, 7.552871102234349e-05, 6.359104008879513e-05,
        -3.5456578189041466e-05}},
  };
  const step_t ts[] = {1, 2, 3, 1000};
  for (const auto& [pct, values] : want) {
    const lrs::timm::noise_options n = noise(0, std::nullopt, pct, 42);
    for (std::size_t k = 0; k < 4; ++k) {
      CAPTURE(pct, ts[k]);
      CHECK(n.draw(ts[k]) == values[k]);
    }
  }
  // CosineLRScheduler(optimizer, 100, noise_range_t=0, noise_pct=1e-8, t_in_epochs=False):
  // timm redraws ~1e8 times per step; lrs stops after noise_options::max_pairs pairs.
  const cosine_lr_scheduler<> c(0.1, 100, 0, 1, 1, 1, 0, 0, false, false, 1,
                                noise(0, std::nullopt, 1e-8, 42));
  for (step_t t = 1; t <= 3; ++t) {
    const double v = c(t);
    CHECK(std::fabs(v - c.get_lr(t)) <= c.get_lr(t) * 1e-8);
  }
  // Below the smallest float32 no draw is ever inside: no noise, and the loop ends.
  for (const double pct : {1e-46, 1e-300}) {
    const lrs::timm::noise_options n = noise(0, std::nullopt, pct, 42);
    CHECK(n.draw(1) == 0.0);
    const step_lr_scheduler<> s(0.1, 10, 1.0, 0, 0, true, false, n);
    CHECK(s(5) == 0.1);
  }
}

TEST_CASE("timm noise: noise_pct above 1 is refused, 1 keeps the LR non-negative", "[timm]") {
  using Catch::Matchers::Contains;
  // timm: noise_pct=1.5 draws noise in (-1.5, 1.5), and lr + lr * noise < 0.
  CHECK_THROWS_WITH(cosine_lr_scheduler<>(0.1, 100, 0, 1, 1, 1, 0, 0, false, false, 1,
                                          noise(0, std::nullopt, 1.5, 42)),
                    Contains("noise_pct") && Contains("(0, 1]") && Contains("1.5"));
  CHECK_THROWS_WITH(
      step_lr_scheduler<>(0.1, 10, 0.5, 0, 0, true, false, noise(0, std::nullopt, 2.0, 42)),
      Contains("noise_pct"));
  const step_lr_scheduler<> s(0.1, 10, 1.0, 0, 0, true, false, noise(0, std::nullopt, 1.0, 42));
  lrs::timm::noise_options u = noise(0, std::nullopt, 1.0, 42);
  u.type = lrs::timm::noise_options::kind::uniform;
  const step_lr_scheduler<> su(0.1, 10, 1.0, 0, 0, true, false, u);
  for (step_t t = 0; t < 2000; ++t) {
    CAPTURE(t);
    CHECK(s(t) >= 0.0);
    CHECK(su(t) >= 0.0);
  }
}

TEST_CASE("timm noise: a scalar noise_range_t has no end, also at step 2^63 - 1", "[timm]") {
  // timm: apply_noise = t >= noise_range_t. small_noise.py: noise(2**63 - 1, 0.67) =
  // -0.6409721970558167 (seed (42 + 2^63 - 1) mod 2^32).
  const step_lr_scheduler<> s(0.1, 10, 1.0, 0, 0, true, false, noise(0, std::nullopt, 0.67, 42));
  CHECK(s(step_max) == 0.1 + 0.1 * -0.6409721970558167);
  // [begin, end) still ends before end.
  const step_lr_scheduler<> r(0.1, 10, 1.0, 0, 0, true, false, noise(0, step_max, 0.67, 42));
  CHECK(r(step_max) == 0.1);
  CHECK(r(step_max - 1) != 0.1);
}

TEST_CASE("timm k_decay: large k_decay gives the formula's value, not NaN or 0", "[timm]") {
  // t_i = 1e6, k_decay = 60: t_i ** k overflows (Python raises OverflowError). The value is
  // the formula's, from Python: 0.5 * 0.1 * (1 + math.cos(math.pi * (t / 1e6) ** 60)) and
  // 0.1 * (1 - (t / 1e6) ** 60) ** 0.5.
  const cosine_lr_scheduler<> c(0.1, 1000000, 0, 1, 1, 1, 0, 0, false, false, 60);
  const poly_lr_scheduler<> p(0.1, 1000000, 0.5, 0, 1, 1, 1, 0, 0, false, false, 60);
  CHECK(c(500000) == Approx(0.1).epsilon(1e-15));
  CHECK(p(500000) == Approx(0.1).epsilon(1e-15));
  CHECK_THAT(c(999999), WithinRel(8.882119872932748e-10, 1e-6));
  CHECK_THAT(p(999999), WithinRel(0.0007745852440887046, 1e-12));
  for (const step_t t : {step_t{1}, step_t{999999}, step_t{1000000}, step_max}) {
    CHECK(std::isfinite(c(t)));
    CHECK(c(t) >= 0);
    CHECK(std::isfinite(p(t)));
  }
}

}  // namespace timm_test
