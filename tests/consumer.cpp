// SPDX-License-Identifier: MIT
// A tiny program that uses lrs as an outside project would: a schedule from <lrs/lrs.hpp> and the
// analysis layer's annealing-law fit (<lrs/analysis/scaling_law.hpp>: Eigen and LBFGSpp, found
// through find_package(lrs) alone).
// Exits non-zero on a wrong value.
#include <cmath>
#include <cstdio>
#include <vector>

#include <lrs/analysis/scaling_law.hpp>
#include <lrs/lrs.hpp>

namespace {

bool near(const char* what, double got, double want, double tol) {
  if (std::fabs(got - want) <= tol) return true;
  std::printf("consumer: %s: expected %.17g, got %.17g\n", what, want, got);
  return false;
}

}  // namespace

int main() {
  bool ok = true;

  // cos(pi/2) = 0, so step 5 of 10 is halfway: 0.05.
  const lrs::cosine_annealing_lr<double> cosine(0.1, 10);
  ok &= near("cosine_annealing_lr(0.1, 10) at step 5", cosine(5), 0.05, 1e-15);

  // Annealing areas by hand for lr = {1, 1, 0.5, 0.25}, lambda = 0.5 (Tissue et al. 2024):
  // S1 = 1, 2, 2.5, 2.75; m = 0, 0, 0.5, 0.5*0.5 + 0.25 = 0.5; S2 = 0, 0, 0.5, 1.
  lrs::area_options area;
  area.lambda = 0.5;
  area.warmup = lrs::warmup_convention::as_recorded;
  const lrs::annealing_areas a = lrs::compute_areas(std::vector<double>{1, 1, 0.5, 0.25}, area);
  ok &= near("S1(3)", a.s1[3], 2.75, 1e-15) && near("S2(3)", a.s2[3], 1.0, 1e-15);

  // The L-BFGS-B fit recovers the law that generated its data: L = 2 + 3 S1^-0.4 - 0.5 S2, sampled
  // every 25 steps of a constant and a cosine run of 400 steps at peak 0.01.
  const lrs::annealing_law truth(2.0, 3.0, 0.4, 0.5);
  std::vector<lrs::loss_run> runs(2);
  for (int t = 0; t < 400; ++t) {
    runs[0].lr.push_back(0.01);
    runs[1].lr.push_back(lrs::cosine_annealing_lr<double>(0.01, 400)(t));
  }
  for (lrs::loss_run& run : runs) {
    const std::vector<double> loss = truth.predict(run.lr);
    for (lrs::step_t s = 24; s < 400; s += 25) {
      run.steps.push_back(s);
      run.losses.push_back(loss[static_cast<std::size_t>(s)]);
    }
  }
  const lrs::fit_result fit = lrs::fit_annealing_law(runs);
  ok &= near("fitted L0", fit.law.l0(), 2.0, 1e-4) && near("fitted A", fit.law.a(), 3.0, 1e-4) &&
        near("fitted alpha", fit.law.alpha(), 0.4, 1e-4) &&
        near("fitted C", fit.law.c(), 0.5, 1e-4);

  if (!ok) return 1;
  std::printf("consumer: lrs %d.%d.%d ok (fit: %s, rmse %.3g)\n", LRS_VERSION_MAJOR,
              LRS_VERSION_MINOR, LRS_VERSION_PATCH, lrs::to_string(fit.status), fit.rmse);
  return 0;
}
