// SPDX-License-Identifier: MIT
// Relative tolerances per floating-point type for tests.
#pragma once

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
