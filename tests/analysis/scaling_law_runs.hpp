// SPDX-License-Identifier: MIT
// LR sequences the scaling-law tests fit, built as the authors' script builds them.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace law_test {

inline constexpr double pi = 3.14159265358979323846;

/// Cosine from `peak` to 0 over (w, t], steps 0..w at the peak (the authors' S1/S2 rule): t + 1
/// LRs, as scipy_reference.py's cosine_lr(t, w, peak, 0).
inline std::vector<double> cosine_lr(std::size_t t, std::size_t w, double peak) {
  std::vector<double> lr(t + 1);
  for (std::size_t i = 0; i <= t; ++i)
    lr[i] =
        i <= w
            ? peak
            : 0.5 * (1.0 + std::cos(pi * static_cast<double>(i - w) / static_cast<double>(t - w))) *
                  peak;
  return lr;
}

}  // namespace law_test
