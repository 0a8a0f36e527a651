// SPDX-License-Identifier: MIT
// Golden-section search for the minimum of a one-dimensional function on an interval.
#ifndef LRS_ANALYSIS_DETAIL_GOLDEN_SECTION_HPP
#define LRS_ANALYSIS_DETAIL_GOLDEN_SECTION_HPP

#include <cmath>
#include <limits>

namespace lrs::detail {

struct golden_section_result {
  double x;  ///< the better of the two final probes
  double f;  ///< f(x)
};

/// Shrinks [a, b] by the golden ratio until b - a <= tolerance or max_iter shrinks were made,
/// keeping the probe with the smaller value. Finds the minimum of a unimodal f; on other functions,
/// a local minimum. @pre a <= b.
template <class F>
golden_section_result golden_section_min(F&& f, double a, double b, double tolerance,
                                         int max_iter = std::numeric_limits<int>::max()) {
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = f(c), fd = f(d);
  for (int it = 0; it < max_iter && b - a > tolerance; ++it) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return fc < fd ? golden_section_result{c, fc} : golden_section_result{d, fd};
}

}  // namespace lrs::detail

#endif  // LRS_ANALYSIS_DETAIL_GOLDEN_SECTION_HPP
