// SPDX-License-Identifier: MIT
// Mean, spread and the "is the lead larger than the noise?" rule of the budget sweep's table.
#ifndef LRS_EXAMPLES_COMMON_STATS_HPP
#define LRS_EXAMPLES_COMMON_STATS_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace lrs_example {

/// Arithmetic mean; NaN for an empty vector.
inline double mean(const std::vector<double>& v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  double s = 0;
  for (const double x : v) s += x;
  return s / static_cast<double>(v.size());
}

/// Sample standard deviation (n - 1 in the denominator); 0 for fewer than two values.
inline double sample_sd(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = mean(v);
  double s = 0;
  for (const double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

/// One-sided 95 % quantile of Student's t with `df` degrees of freedom: scipy.stats.t.ppf(0.95,
/// df) for df <= 30 (tests/data/examples/student_t.py), above that the Cornish-Fisher expansion
/// z + (z^3 + z) / (4 df) + (5 z^5 + 16 z^3 + 3 z) / (96 df^2), within 4e-5 of SciPy there.
/// @throws std::invalid_argument if df < 1.
inline double student_t_95(int df) {
  static const double table[30] = {6.313752, 2.919986, 2.353363, 2.131847, 2.015048, 1.943180,
                                   1.894579, 1.859548, 1.833113, 1.812461, 1.795885, 1.782288,
                                   1.770933, 1.761310, 1.753050, 1.745884, 1.739607, 1.734064,
                                   1.729133, 1.724718, 1.720743, 1.717144, 1.713872, 1.710882,
                                   1.708141, 1.705618, 1.703288, 1.701131, 1.699127, 1.697261};
  if (df < 1)
    throw std::invalid_argument("student_t_95: df must be >= 1, got " + std::to_string(df));
  if (df <= 30) return table[df - 1];
  const double z = 1.6448536269514722, n = df;
  return z + (z * z * z + z) / (4 * n) +
         (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

/// Is `a` better than `b` beyond the seed-to-seed noise? a[i] and b[i] come from the same seed
/// (same initialisation and data order), so the test is on the paired differences d = a - b: a
/// one-sided paired t-test at the 5 % level, mean(d) > t_95(n - 1) * sd(d) / sqrt(n). With zero
/// spread (sd(d) = 0) any positive mean difference counts. With one seed there is no estimate of
/// the noise and nothing is significant.
/// @throws std::invalid_argument if the sizes differ.
inline bool significantly_greater(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size())
    throw std::invalid_argument("significantly_greater: " + std::to_string(a.size()) + " vs " +
                                std::to_string(b.size()) + " values");
  const std::size_t n = a.size();
  if (n < 2) return false;
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = a[i] - b[i];
  const double m = mean(d), sd = sample_sd(d);
  if (!(m > 0)) return false;
  return m > student_t_95(static_cast<int>(n) - 1) * sd / std::sqrt(static_cast<double>(n));
}

/// The best rows of one column: rows[i] holds one value per seed (higher is better). The row with
/// the highest mean is best; every other row the best one does not beat significantly
/// (significantly_greater) is tied with it and marked too. Returns one flag per row.
inline std::vector<bool> best_rows(const std::vector<std::vector<double>>& rows) {
  std::vector<bool> best(rows.size(), false);
  if (rows.empty()) return best;
  std::size_t lead = 0;
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (mean(rows[i]) > mean(rows[lead])) lead = i;
  for (std::size_t i = 0; i < rows.size(); ++i)
    best[i] = i == lead || !significantly_greater(rows[lead], rows[i]);
  return best;
}

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_COMMON_STATS_HPP
