// SPDX-License-Identifier: MIT
// Choosing a schedule with the annealing law: the families' LRs and the search.
#include <lrs/analysis/choose_schedule.hpp>

#include <cmath>
#include <vector>

#include <lrs/schedules/budgeted.hpp>

#include "catch.hpp"

namespace {

lrs::family_setup setup10() {
  lrs::family_setup s;
  s.steps = 10;  // z = t / 10, as lrs::budgeted
  s.peak_lr = 1.0;
  return s;
}

// The authors' example data fitted by SciPy (tests/data/scaling_law/authors_fit_scipy.csv).
const lrs::annealing_law authors_law_choose(2.6277947500862919, 0.42966732917561273,
                                            0.54984394676470938, 0.41077147803665665);

lrs::family_setup authors_setup() {
  lrs::family_setup s;
  s.steps = 20001;
  s.peak_lr = 2e-4;
  return s;
}

}  // namespace

TEST_CASE("family LRs at hand-computed steps", "[analysis][scaling_law][choose]") {
  // The members are lrs::budgeted schedules: z = (t - W) / (T - W), so the last step has
  // z = 1 - 1/(T - W) and decays end one step above min_lr (papers.md's REX vectors).
  using F = lrs::schedule_family;
  const double pi = 3.14159265358979323846;
  const auto wsd = lrs::family_lr(F::wsd_decay_fraction, setup10(), 0.2);
  CHECK(wsd[0] == 1.0);
  CHECK_THAT(wsd[8], WithinAbs(1.0, 1e-14));  // z = 0.8 = 1 - f: the decay starts here, u = 0
  CHECK_THAT(wsd[9], WithinAbs(0.5, 1e-14));  // u = 0.5
  CHECK(lrs::family_lr(F::wsd_decay_fraction, setup10(), 0.0) == std::vector<double>(10, 1.0));
  const auto cf = lrs::family_lr(F::cosine_floor, setup10(), 0.1);
  CHECK_THAT(cf[5], WithinRel(0.55, 1e-15));
  CHECK_THAT(cf[9], WithinRel(0.1 + 0.9 * (1 + std::cos(0.9 * pi)) / 2, 1e-15));
  // papers.md, REX d = 0.5, T = 10 (pytorch_optimizer semantics): 1, 0.9473684211, ..., 0.1818.
  const std::vector<double> rex_ref{1,
                                    0.9473684211,
                                    0.8888888889,
                                    0.8235294118,
                                    0.75,
                                    0.6666666667,
                                    0.5714285714,
                                    0.4615384615,
                                    0.3333333333,
                                    0.1818181818};
  const auto rex = lrs::family_lr(F::rex_shape, setup10(), 0.5);
  for (std::size_t t = 0; t < 10; ++t) CHECK_THAT(rex[t], WithinAbs(rex_ref[t], 1e-10));
  CHECK(rex[9] == lrs::rex(1.0, 10)(9));
  CHECK(lrs::family_lr(F::rex_shape, setup10(), 1.0)[9] == 1.0);  // d = 1: a step at the end
  auto s = setup10();
  s.steps = 12;
  s.min_lr = 0.5;
  const auto wu = lrs::family_lr(F::warmup_steps, s, 2.0);  // warm-up 0.5, 0.75, then cosine
  CHECK(wu[0] == 0.5);
  CHECK_THAT(wu[1], WithinRel(0.75, 1e-15));
  CHECK(wu[2] == 1.0);
  CHECK_THAT(wu[11], WithinRel(0.5 + 0.5 * (1 + std::cos(0.9 * pi)) / 2, 1e-15));
  CHECK_THROWS_WITH(lrs::family_lr(F::wsd_decay_fraction, setup10(), 1.5),
                    "lrs::family_lr: parameter must be in [0, 1], got 1.5");
  s.min_lr = 2.0;
  CHECK_THROWS_WITH(lrs::family_lr(F::rex_shape, s, 0.5),
                    "lrs::family_lr: min_lr must be in [0, 1], got 2");
  CHECK_THROWS_AS(lrs::choose_schedule(authors_law_choose, F::rex_shape, lrs::family_setup{}),
                  lrs::invalid_argument);
}

TEST_CASE("without an annealing term the largest area wins", "[analysis][scaling_law][choose]") {
  // C = 0: the predicted loss falls with S1 alone, so the member with the most area wins.
  const lrs::annealing_law law(2.0, 1.0, 0.5, 0.0);
  using F = lrs::schedule_family;
  auto s = authors_setup();
  s.steps = 2001;
  const auto wsd = lrs::choose_schedule(law, F::wsd_decay_fraction, s);
  CHECK(wsd.parameter == 0.0);
  CHECK_THAT(wsd.final_loss, WithinRel(2.0 + 1.0 / std::sqrt(2001 * 2e-4), 1e-12));
  CHECK(lrs::choose_schedule(law, F::cosine_floor, s).parameter == 1.0);
  CHECK_THAT(lrs::choose_schedule(law, F::rex_shape, s).parameter, WithinAbs(1.0, 1e-5));
}

TEST_CASE("on the authors' law a short anneal wins", "[analysis][scaling_law][choose][property]") {
  using F = lrs::schedule_family;
  const auto s = authors_setup();
  lrs::choose_options opt;
  opt.grid = 26;  // a coarser grid than the default 101 keeps the test cheap
  const auto wsd = lrs::choose_schedule(authors_law_choose, F::wsd_decay_fraction, s, opt);
  // papers.md: WSD with a short anneal beats a full cosine to 0, and the best fraction is
  // interior.
  CHECK(wsd.parameter > 0.0);
  CHECK(wsd.parameter < 1.0);
  const double cosine0 = authors_law_choose.predict(lrs::family_lr(F::cosine_floor, s, 0.0)).back();
  const double constant =
      authors_law_choose.predict(lrs::family_lr(F::cosine_floor, s, 1.0)).back();
  CHECK(wsd.final_loss < cosine0);
  CHECK(wsd.final_loss < constant);
  // The winner's curve: every step, ending at the reported loss.
  REQUIRE(wsd.loss.size() == 20001);
  REQUIRE(wsd.lr.size() == 20001);
  CHECK(wsd.loss.back() == wsd.final_loss);
  // The refined optimum is no worse than a fine scan, and lies next to its best point.
  double best = 1e9, best_p = -1;
  for (int i = 0; i <= 50; ++i) {
    const double p = i / 50.0;
    const auto a = lrs::compute_final_areas(lrs::family_lr(F::wsd_decay_fraction, s, p));
    const double f = authors_law_choose(a.first, a.second);
    if (f < best) best = f, best_p = p;
  }
  CHECK(wsd.final_loss <= best + 1e-12);
  CHECK_THAT(wsd.parameter, WithinAbs(best_p, 1.0 / 50));
  REQUIRE(wsd.grid.size() == 26);
  CHECK(wsd.grid_final_loss.size() == 26);
}

TEST_CASE("warm-up length is searched over whole steps", "[analysis][scaling_law][choose]") {
  lrs::family_setup s;
  s.steps = 400;
  s.peak_lr = 1e-3;
  lrs::choose_options opt;
  opt.areas.warmup = lrs::warmup_convention::as_recorded;
  const auto w =
      lrs::choose_schedule(authors_law_choose, lrs::schedule_family::warmup_steps, s, opt);
  CHECK(w.parameter == std::round(w.parameter));
  CHECK(w.parameter >= 0);
  CHECK(w.parameter <= 399);
  // No whole step does better.
  for (int p = 0; p < 400; ++p) {
    const auto lr = lrs::family_lr(lrs::schedule_family::warmup_steps, s, p);
    CHECK(authors_law_choose.predict(lr, opt.areas).back() >= w.final_loss - 1e-15);
  }
}

TEST_CASE("choose_parameter rejects bad ranges and options", "[analysis][scaling_law][error]") {
  const auto make = [](double) { return std::vector<double>{1.0, 0.5}; };
  CHECK_THROWS_WITH(lrs::choose_parameter(authors_law_choose, make, 1.0, 0.0),
                    "lrs::choose_parameter: hi must be >= lo (1), got 0");
  lrs::choose_options opt;
  opt.grid = 2;
  CHECK_THROWS_AS(lrs::choose_parameter(authors_law_choose, make, 0.0, 1.0, opt),
                  lrs::invalid_argument);
}
