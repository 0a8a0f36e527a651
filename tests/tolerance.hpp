// SPDX-License-Identifier: MIT
// Relative tolerances per floating-point type for tests, and the relative error the reference
// comparisons use.
#pragma once

#include <cmath>

template <class T>
struct tolerance;
template <>
struct tolerance<float> {
  static constexpr float rel = 1e-6f;
};
template <>
struct tolerance<double> {
  static constexpr double rel = 1e-14;
};

namespace lrs_test {

/// |got - want| / |want|, or |got| when want is 0 (the comparison of a value with a reference
/// library's).
inline double rel_error(double got, double want) {
  return want == 0.0 ? std::fabs(got) : std::fabs(got - want) / std::fabs(want);
}

}  // namespace lrs_test
