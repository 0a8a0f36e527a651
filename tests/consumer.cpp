// SPDX-License-Identifier: MIT
// A tiny program that uses lrs as an outside project would; exits non-zero on a wrong value.
#include <cmath>
#include <cstdio>

#include <lrs/lrs.hpp>

int main() {
  const lrs::cosine_annealing_lr<double> s(0.1, 10);
  // cos(pi/2) = 0, so step 5 of 10 is halfway: 0.05.
  const double got = s(5);
  if (std::fabs(got - 0.05) > 1e-15) {
    std::printf("consumer: expected 0.05 at step 5, got %.17g\n", got);
    return 1;
  }
  std::printf("consumer: lrs %d.%d.%d ok\n", LRS_VERSION_MAJOR, LRS_VERSION_MINOR,
              LRS_VERSION_PATCH);
  return 0;
}
