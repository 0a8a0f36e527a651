// SPDX-License-Identifier: MIT
// fit_annealing_law on several threads: the same bits as on one; a bad thread count is refused.
#include <cmath>
#include <cstring>
#include <vector>

#include <lrs/analysis/scaling_law.hpp>

#include "catch.hpp"
#include "support/bits.hpp"

namespace {

using lrs_test::same_bits;
// One cosine run of 20001 steps (2e-4 to 0), a loss every 2 steps from the law (2.5, 0.6, 0.45,
// 1.5) times 1 + 0.002 sin(0.7 k): 10 000 points, past the threading threshold of 8192.
std::vector<lrs::loss_run> runs_1e4() {
  std::vector<lrs::loss_run> runs(1);
  auto& r = runs[0];
  const double pi = 3.14159265358979323846;
  for (int i = 0; i <= 20000; ++i) r.lr.push_back(1e-4 * (1 + std::cos(pi * i / 20000.0)));
  const auto a = lrs::compute_areas(r.lr);
  const lrs::annealing_law law(2.5, 0.6, 0.45, 1.5);
  for (int s = 2, k = 0; s <= 20000; s += 2, ++k) {
    r.steps.push_back(s);
    r.losses.push_back(law(a.s1[std::size_t(s)], a.s2[std::size_t(s)]) *
                       (1 + 0.002 * std::sin(0.7 * k)));
  }
  return runs;
}
void check_same_bits(const lrs::fit_result& one, const lrs::fit_result& many) {
  CHECK(same_bits(one.objective, many.objective));
  CHECK(same_bits(one.law.l0(), many.law.l0()));
  CHECK(same_bits(one.law.a(), many.law.a()));
  CHECK(same_bits(one.law.alpha(), many.law.alpha()));
  CHECK(same_bits(one.law.c(), many.law.c()));
  CHECK(one.iterations == many.iterations);
  CHECK(one.evaluations == many.evaluations);
  CHECK(one.polished == many.polished);
  CHECK(one.starts_converged == many.starts_converged);
}
// The fit of `runs` with `o` on 1 thread, checked against 2 and 3 threads.
lrs::fit_result fit_on_1_2_3_threads(const std::vector<lrs::loss_run>& runs, lrs::fit_options o) {
  o.threads = 1;
  const lrs::fit_result one = lrs::fit_annealing_law(runs, o);
  CHECK(one.status == lrs::fit_status::converged);
  for (std::size_t threads : {2u, 3u}) {
    o.threads = threads;
    INFO(threads << " threads");
    check_same_bits(one, lrs::fit_annealing_law(runs, o));
  }
  return one;
}
}  // namespace

TEST_CASE("fit_annealing_law gives the same bits on 1, 2 and 3 threads", "[analysis][threads]") {
  const auto runs = runs_1e4();
  lrs::fit_options o;
  o.starts = {{2.1, 1.0, 0.4, 1.0}, {0.1, 11.5, 0.8, 22.0}};
  o.data_scaled_starts = false;
  const lrs::fit_result one = fit_on_1_2_3_threads(runs, o);
  // The generating law is near the optimum: the noise is 0.2 %.
  CHECK_THAT(one.law.l0(), Catch::Matchers::WithinRel(2.5, 0.05));
}

TEST_CASE("a two-pass fit gives the same bits on 1, 2 and 3 threads", "[analysis][threads]") {
  // coarse_points 512: 12 starts (4 + 8 data-scaled) on ~512 thinned points, spread over the pool
  // one start per task, then the chosen ones finished on all 10 000 points (the objective's blocks
  // on the pool).
  const auto runs = runs_1e4();
  lrs::fit_options o;
  o.starts = {
      {2.1, 1.0, 0.4, 1.0}, {0.1, 11.5, 0.8, 22.0}, {2.1, 22.0, 0.0, 11.5}, {0.1, 1.0, 0.0, 1.0}};
  o.coarse_points = 512;
  const lrs::fit_result one = fit_on_1_2_3_threads(runs, o);
  CHECK(one.polished >= 1);
  CHECK_THAT(one.law.l0(), Catch::Matchers::WithinRel(2.5, 0.05));
}

TEST_CASE("fit_annealing_law refuses 0 threads", "[analysis][threads]") {
  lrs::fit_options o;
  o.threads = 0;
  CHECK_THROWS_WITH(lrs::fit_annealing_law(runs_1e4(), o),
                    Catch::Contains("fit_annealing_law") && Catch::Contains("threads") &&
                        Catch::Contains("[1, 4096]") && Catch::Contains("got 0"));
}
