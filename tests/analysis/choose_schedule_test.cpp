// SPDX-License-Identifier: MIT
// choose_schedule's families are the library's schedules: the winner, rebuilt from its parameter
// by the factory or from its spec string, gives choose's curve bit for bit.
#include <lrs/analysis/choose_schedule.hpp>

#include <string>
#include <vector>

#include <lrs/io/parse_schedule.hpp>
#include <lrs/schedules/budgeted.hpp>

#include "catch.hpp"

namespace {

// The authors' example data fitted by SciPy (tests/data/scaling_law/authors_fit_scipy.csv).
const lrs::annealing_law authors_law(2.6277947500862919, 0.42966732917561273, 0.54984394676470938,
                                     0.41077147803665665);

template <class S>
std::vector<double> values(const S& s, lrs::step_t n) {
  std::vector<double> v;
  for (lrs::step_t t = 0; t < n; ++t) v.push_back(static_cast<double>(s(t)));
  return v;
}

// The winner rebuilt by hand from the factories of schedules/budgeted.hpp.
std::vector<double> factory_lr(lrs::schedule_family f, const lrs::family_setup& s, double p) {
  lrs::budget_options<double> o;
  o.min_lr = s.min_lr;
  o.warmup_steps = s.warmup_steps;
  o.warmup_start = s.min_lr;  // the families warm up from min_lr
  switch (f) {
    case lrs::schedule_family::wsd_decay_fraction:
      if (p == 0.0)
        return values(lrs::budgeted<lrs::profiles::constant>(s.peak_lr, {}, s.steps, o), s.steps);
      return values(lrs::wsd(s.peak_lr, s.steps, p, lrs::profiles::decay_shape::linear, o),
                    s.steps);
    case lrs::schedule_family::cosine_floor:
      o.warmup_start = s.min_lr;
      o.min_lr = p * s.peak_lr;
      return values(lrs::cosine_decay(s.peak_lr, s.steps, o), s.steps);
    case lrs::schedule_family::rex_shape:
      return values(lrs::rex(s.peak_lr, s.steps, p, o), s.steps);
    case lrs::schedule_family::warmup_steps:
      o.warmup_steps = static_cast<lrs::step_t>(p);
      return values(lrs::cosine_decay(s.peak_lr, s.steps, o), s.steps);
  }
  return {};
}

}  // namespace

TEST_CASE("the chosen parameter rebuilds choose's curve bit for bit, by factory and by spec",
          "[analysis][scaling_law][choose]") {
  using F = lrs::schedule_family;
  struct row {
    F family;
    double min_lr;
    lrs::step_t warmup;
  };
  // With and without a warm-up and a floor, so every budget option reaches the spec string.
  const std::vector<row> rows{{F::wsd_decay_fraction, 0.0, 0}, {F::wsd_decay_fraction, 2e-5, 150},
                              {F::cosine_floor, 0.0, 0},       {F::cosine_floor, 1e-5, 150},
                              {F::rex_shape, 0.0, 0},          {F::rex_shape, 2e-5, 150},
                              {F::warmup_steps, 0.0, 0},       {F::warmup_steps, 3e-5, 0}};
  for (const auto& r : rows) {
    lrs::family_setup s;
    s.steps = 3001;
    s.peak_lr = 2e-4;
    s.min_lr = r.min_lr;
    s.warmup_steps = r.warmup;
    lrs::choose_options opt;
    opt.grid = 21;
    const auto c = lrs::choose_schedule(authors_law, r.family, s, opt);
    INFO(lrs::to_string(r.family) << " min_lr " << r.min_lr << " warmup " << r.warmup << ": "
                                  << c.spec);
    REQUIRE(c.lr.size() == 3001);
    // The factory.
    const auto lr = factory_lr(r.family, s, c.parameter);
    CHECK(lr == c.lr);
    CHECK(authors_law.predict(lr, opt.areas) == c.loss);
    CHECK(c.loss.back() == c.final_loss);
    // The spec string, through the parser (no context: everything is in the string).
    const auto parsed = values(lrs::parse_schedule(c.spec), s.steps);
    CHECK(parsed == c.lr);
    CHECK(authors_law.predict(parsed, opt.areas) == c.loss);
    CHECK(c.spec == lrs::family_spec(r.family, s, c.parameter));
    CHECK(values(lrs::family_schedule(r.family, s, c.parameter), s.steps) == c.lr);
  }
}

TEST_CASE("family spec strings", "[analysis][scaling_law][choose]") {
  using F = lrs::schedule_family;
  lrs::family_setup s;
  s.steps = 20001;
  s.peak_lr = 2e-4;
  CHECK(lrs::family_spec(F::wsd_decay_fraction, s, 0.25) ==
        "wsd(decay=0.25, shape=linear, peak=0.0002, min_lr=0, total_steps=20001, warmup_steps=0)");
  CHECK(lrs::family_spec(F::wsd_decay_fraction, s, 0.0) ==
        "constant(peak=0.0002, min_lr=0, total_steps=20001, warmup_steps=0)");
  CHECK(lrs::family_spec(F::rex_shape, s, 0.1) ==
        "rex(d=0.1, peak=0.0002, min_lr=0, total_steps=20001, warmup_steps=0)");
  CHECK(lrs::family_spec(F::warmup_steps, s, 499.6) ==
        "cosine(peak=0.0002, min_lr=0, total_steps=20001, warmup_steps=500, warmup_start=0)");
  s.warmup_steps = 10;
  s.min_lr = 1e-6;
  // 0.55 * 2e-4 is 0.00011000000000000002 in binary: written so that it reads back exactly.
  CHECK(lrs::family_spec(F::cosine_floor, s, 0.55) ==
        "cosine(peak=0.0002, min_lr=0.00011000000000000002, total_steps=20001, warmup_steps=10, "
        "warmup_start=1e-06)");
  CHECK_THROWS_WITH(lrs::family_spec(F::rex_shape, s, -0.5),
                    "lrs::family_spec: parameter must be in [0, 1], got -0.5");
}

TEST_CASE("choose_schedule: the members within the margin of the best, by hand from the factories",
          "[choose][margin]") {
  lrs::family_setup s;
  s.steps = 5000;
  s.peak_lr = 2e-4;
  s.min_lr = 0;
  s.warmup_steps = 100;
  lrs::choose_options o;
  o.grid = 21;
  const auto f = lrs::schedule_family::wsd_decay_fraction;
  const auto none = lrs::choose_schedule(authors_law, f, s, o);
  CHECK(none.within_lo == none.parameter);
  CHECK(none.within_hi == none.parameter);
  CHECK(none.within_count == 1);
  // The grid's final losses, each member rebuilt from the factories and its areas computed.
  std::vector<double> loss;
  for (int i = 0; i < o.grid; ++i) {
    const double p = static_cast<double>(i) / (o.grid - 1);
    const auto a = lrs::compute_final_areas(factory_lr(f, s, p));
    loss.push_back(authors_law(a.first, a.second));
  }
  for (const double margin : {1e-4, 1e-3, 1e-2, 1.0}) {
    o.margin = margin;
    const auto c = lrs::choose_schedule(authors_law, f, s, o);
    CHECK(c.parameter == none.parameter);  // the winner does not depend on the margin
    double lo = c.parameter, hi = c.parameter;
    std::size_t n = 1;
    for (int i = 0; i < o.grid; ++i) {
      const double p = static_cast<double>(i) / (o.grid - 1);
      if (p == c.parameter || !(loss[std::size_t(i)] <= c.final_loss + margin)) continue;
      ++n;
      lo = std::min(lo, p);
      hi = std::max(hi, p);
    }
    INFO("margin " << margin);
    CHECK(c.within_count == n);
    CHECK(c.within_lo == lo);
    CHECK(c.within_hi == hi);
  }
  // Margin 1: every scanned member, and the winner (off the grid after the golden section).
  CHECK(lrs::choose_schedule(authors_law, f, s, o).within_count >= 21);
  o.margin = -1;
  CHECK_THROWS_WITH(lrs::choose_schedule(authors_law, f, s, o),
                    Catch::Matchers::Contains("margin must be >= 0"));
}
