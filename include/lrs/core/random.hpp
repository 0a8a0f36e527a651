// SPDX-License-Identifier: MIT
// splitmix64: the one portable random-number generator of the library, its examples and benches.
#ifndef LRS_CORE_RANDOM_HPP
#define LRS_CORE_RANDOM_HPP

#include <cstdint>

namespace lrs {
namespace detail {

/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
/// a 64-bit generator whose whole state is one integer, so it saves and restores exactly, and
/// whose every draw is fully specified (unlike std::*_distribution), so a seed gives the same
/// numbers on every compiler and standard library.
class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed = 0) noexcept : state_(seed) {}

  /// The next 64 random bits.
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  [[nodiscard]] std::uint64_t state() const noexcept { return state_; }
  void set_state(std::uint64_t s) noexcept { state_ = s; }

 private:
  std::uint64_t state_;
};

}  // namespace detail
}  // namespace lrs

#endif  // LRS_CORE_RANDOM_HPP
