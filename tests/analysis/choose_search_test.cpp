// SPDX-License-Identifier: MIT
// The cost of choose_parameter's whole-step search, its agreement with a search of every whole
// step, and its refusal of non-finite predictions.
#include <lrs/analysis/choose_schedule.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "catch.hpp"

namespace {

// The authors' example data fitted by SciPy (tests/data/scaling_law/authors_fit_scipy.csv).
const lrs::annealing_law authors_law_search(2.6277947500862919, 0.42966732917561273,
                                            0.54984394676470938, 0.41077147803665665);

}  // namespace

TEST_CASE("the whole-step search costs O(grid log T) members, not O(T)",
          "[analysis][scaling_law][choose]") {
  // With L = -S2 (L0 = A = alpha = 0, C = 1) and LRs {1, 1 - g(p)}, S2(1) = g(p): the final loss
  // is -g(p), smallest at p = 700001 for g(p) = 1 / (1 + ((p - 700001) / 1000)^2).
  const lrs::annealing_law law(0, 0, 0, 1);
  long calls = 0;
  const auto make = [&calls](double p) {
    ++calls;
    const double u = (p - 700001.0) / 1000.0;
    return std::vector<double>{1.0, 1.0 - 1.0 / (1.0 + u * u)};
  };
  const auto c = lrs::choose_parameter(law, make, 0.0, 999999.0, {}, true);
  CHECK(c.parameter == 700001.0);
  CHECK(c.final_loss == -1.0);
  // A search of every whole step between the best grid point's neighbours made some 20 000
  // calls; the grid-then-narrow search makes a few hundred.
  CHECK(calls < 600);
}

TEST_CASE("the narrowed whole-step search finds what a search of every whole step finds",
          "[analysis][scaling_law][choose]") {
  lrs::family_setup s;
  s.steps = 300;
  s.peak_lr = 1e-3;
  for (const auto convention :
       {lrs::warmup_convention::at_peak, lrs::warmup_convention::as_recorded}) {
    lrs::choose_options opt;
    opt.grid = 5;  // a bracket of 150 whole steps: narrowed several times before the last scan
    opt.areas.warmup = convention;
    const auto c =
        lrs::choose_schedule(authors_law_search, lrs::schedule_family::warmup_steps, s, opt);
    double best = 0, best_loss = HUGE_VAL;
    for (int w = 0; w < s.steps; ++w) {
      const double f =
          authors_law_search
              .predict(lrs::family_lr(lrs::schedule_family::warmup_steps, s, w), opt.areas)
              .back();
      if (f < best_loss) {
        best_loss = f;
        best = w;
      }
    }
    CHECK(c.parameter == best);
    CHECK(c.final_loss == best_loss);
  }
}

TEST_CASE("choose_schedule gives what choose_parameter over family_lr gives",
          "[analysis][scaling_law][choose]") {
  using F = lrs::schedule_family;
  lrs::family_setup s;
  s.steps = 3001;
  s.peak_lr = 2e-4;
  s.min_lr = 1e-5;
  s.warmup_steps = 20;
  for (const F f : {F::wsd_decay_fraction, F::cosine_floor, F::rex_shape, F::warmup_steps}) {
    CAPTURE(lrs::to_string(f));
    const auto range = lrs::family_range(f, s);
    const auto c = lrs::choose_schedule(authors_law_search, f, s);
    const auto r = lrs::choose_parameter(
        authors_law_search, [&](double p) { return lrs::family_lr(f, s, p); }, range.first,
        range.second, {}, f == F::warmup_steps);
    CHECK(c.parameter == r.parameter);
    CHECK(c.final_loss == r.final_loss);
    CHECK(c.grid_final_loss == r.grid_final_loss);
    CHECK(c.lr == r.lr);
    CHECK(c.loss == r.loss);
  }
}

TEST_CASE("choose refuses a law whose prediction is not finite", "[analysis][scaling_law][error]") {
  lrs::family_setup s;
  s.steps = 1000;
  s.peak_lr = 1e308;  // S1 = 1000 * 1e308 overflows: L = L0 + A*0 - C*S2 with S2 = inf - inf
  CHECK_THROWS_WITH(
      lrs::choose_schedule(authors_law_search, lrs::schedule_family::wsd_decay_fraction, s),
      Catch::Matchers::StartsWith("lrs::choose_schedule: the predicted final loss must be finite"));
  // S2 = 1e308 + 0.999e308 overflows: L = -inf.
  const auto make = [](double) { return std::vector<double>{1e308, 0.0, 0.0}; };
  CHECK_THROWS_AS(lrs::choose_parameter(authors_law_search, make, 0.0, 1.0), lrs::invalid_argument);
}
