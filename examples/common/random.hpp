// SPDX-License-Identifier: MIT
// A small portable PRNG (splitmix64) for the examples: same numbers on every compiler and library.
#ifndef LRS_EXAMPLES_COMMON_RANDOM_HPP
#define LRS_EXAMPLES_COMMON_RANDOM_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <lrs/core/random.hpp>

namespace lrs_example {

/// The library's splitmix64 (lrs::detail::splitmix64) with the draws the examples need. Unlike
/// std::*_distribution, whose algorithms differ between standard libraries, every draw here is
/// fully specified, so a seed gives the same data, initialisation and batch order everywhere.
class rng {
 public:
  explicit rng(std::uint64_t seed) : gen_(seed) {}

  std::uint64_t next() { return gen_.next(); }

  /// Uniform in [0, 1), 53 random bits.
  double uniform() { return gen_.uniform(); }

  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  /// Uniform integer in [0, n), n > 0 (multiply-shift; bias below 2^-32 for the n used here).
  std::size_t below(std::size_t n) {
    return static_cast<std::size_t>((next() >> 32) * static_cast<std::uint64_t>(n) >> 32);
  }

  /// Standard normal (Box-Muller, one value per call).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  /// Fisher-Yates shuffle.
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  lrs::detail::splitmix64 gen_;
};

/// A seed derived from a base seed and a stream number, so that streams do not overlap.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  rng r(seed ^ (0xD1B54A32D192ED03ull * (stream + 1)));
  return r.next();
}

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_COMMON_RANDOM_HPP
