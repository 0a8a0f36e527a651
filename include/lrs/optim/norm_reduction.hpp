// SPDX-License-Identifier: MIT
// lrs::norm_reduction: the hook through which data-parallel ranks reduce a step's gradient-norm
// partial sums, and the exact, order-independent accumulator that makes those partial sums add up
// to the same bits however the elements are split between ranks.
#ifndef LRS_OPTIM_NORM_REDUCTION_HPP
#define LRS_OPTIM_NORM_REDUCTION_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>

#include <lrs/core/error.hpp>

namespace lrs {

/// Number of 64-bit words a norm_reduction receives: two exact accumulators (sum of g^2 and sum
/// of |g|), each 68 limbs of 32 bits plus an infinity count and a NaN count.
inline constexpr std::size_t norm_partials_size = 2 * (68 + 2);

/// Cross-rank reduction of a step's gradient-norm partial sums, for data-parallel training with
/// sharded optimizer state (rank r steps only its own slice of the parameters).
///
/// The optimizer calls it once per step, before any parameter changes, with `count ==
/// norm_partials_size` signed 64-bit integers holding this rank's partial sums; it must replace
/// each word by the SUM of that word over all ranks, e.g.
/// `MPI_Allreduce(MPI_IN_PLACE, words, int(count), MPI_INT64_T, MPI_SUM, comm)`. Integer addition
/// is exact and associative, so the reduced sums, and the clip coefficient and step_info norms
/// computed from them, are bit-identical on every rank and equal to those of one process stepping
/// all the elements with a norm_reduction set (any non-empty one: on one process a no-op).
/// @pre called collectively: every rank's optimizer steps the same number of times; fewer than
///      2^31 ranks.
using norm_reduction = std::function<void(std::int64_t* words, std::size_t count)>;

namespace detail {

/// Exact sum of doubles in a fixed-point accumulator spanning every finite double: limb i holds
/// the bits 2^(32 i - 1074) .. 2^(32 i - 1043). The result depends only on the multiset of values
/// added (not on their order or grouping) and is rounded to double once, to nearest (ties to even)
/// except for subnormal results. Infinities and NaNs are counted, not added.
class exact_sum {
 public:
  static constexpr int limbs = 68;
  static constexpr std::size_t words = limbs + 2;

  /// Adds x (any sign; +-inf and NaN are counted).
  void add(double x) noexcept {
    std::uint64_t b;
    std::memcpy(&b, &x, sizeof b);
    const bool neg = (b >> 63) != 0;
    int e = int((b >> 52) & 0x7FF);
    std::uint64_t m = b & ((std::uint64_t(1) << 52) - 1);
    if (e == 0x7FF) {
      ++limb_[m != 0 ? limbs + 1 : limbs];
      return;
    }
    if (m == 0 && e == 0) return;
    if (e != 0) {  // normal: x = m * 2^(e - 1 - 1074) with the implicit bit set
      m |= std::uint64_t(1) << 52;
      e -= 1;
    }
    const int i = e >> 5, off = e & 31;
    const std::uint64_t mask = 0xFFFFFFFFu;
    const std::uint64_t lo = (m << off) & mask;
    const std::uint64_t mid = (m >> (32 - off)) & mask;
    const std::uint64_t hi = off != 0 ? m >> (64 - off) : 0;
    if (neg) {
      limb_[i] -= lo;
      limb_[i + 1] -= mid;
      limb_[i + 2] -= hi;
    } else {
      limb_[i] += lo;
      limb_[i + 1] += mid;
      limb_[i + 2] += hi;
    }
    // Every add moves a limb by less than 2^32: carry before a limb could pass 2^63.
    if (++pending_ == (std::uint32_t(1) << 30)) normalize();
  }

  /// Adds v * 2^(pos - 1074), v < 2^64, 0 <= pos <= 2048 + 31 - 64 (a non-negative integer
  /// at a bit position inside the accumulator).
  void add_scaled(std::uint64_t v, int pos) noexcept {
    const int i = pos >> 5, off = pos & 31;
    const std::uint64_t mask = 0xFFFFFFFFu;
    limb_[i] += (v << off) & mask;
    limb_[i + 1] += off != 0 ? ((v >> (32 - off)) & mask) : ((v >> 32) & mask);
    limb_[i + 2] += off != 0 ? v >> (64 - off) : 0;
    if (++pending_ == (std::uint32_t(1) << 30)) normalize();
  }

  /// Propagates carries: limbs 0 .. limbs-2 end in [0, 2^32), the top limb keeps the sign.
  void normalize() noexcept {
    const std::uint64_t mask = 0xFFFFFFFFu;
    for (int i = 0; i + 1 < limbs; ++i) {
      const std::uint64_t low = limb_[i] & mask;
      // limb - low is a multiple of 2^32; as a two's complement value it divides exactly.
      const std::int64_t carry = to_signed(limb_[i] - low) / (std::int64_t(1) << 32);
      limb_[i] = low;
      limb_[i + 1] += std::uint64_t(carry);
    }
    pending_ = 0;
  }

  /// Writes the normalized accumulator as `words` signed integers (limbs, +-inf count, NaN count).
  void store(std::int64_t* out) noexcept {
    normalize();
    for (std::size_t i = 0; i < words; ++i) out[i] = to_signed(limb_[i]);
  }

  /// Loads `words` integers, e.g. the sum over ranks of what store wrote.
  /// @throws lrs::invalid_argument if a word is negative (a sum of stored words never is).
  void load(const std::int64_t* in, std::size_t first_word) {
    for (std::size_t i = 0; i < words; ++i) {
      require(in[i] >= 0, "norm_reduction", "reduced word " + std::to_string(first_word + i),
              ">= 0 (the sum over ranks of non-negative words)", in[i]);
      limb_[i] = std::uint64_t(in[i]);
    }
    pending_ = 0;
  }

  /// The sum rounded to double: NaN if a NaN was added, else +inf if an infinity was (the sums
  /// this accumulator serves are of non-negative values) or the sum reaches 2^1024.
  double value() noexcept {
    const std::uint64_t infs = limb_[limbs], nans = limb_[limbs + 1];
    normalize();
    if (nans != 0) return std::numeric_limits<double>::quiet_NaN();
    if (infs != 0) return std::numeric_limits<double>::infinity();
    if (to_signed(limb_[limbs - 1]) < 0) {  // negative: round the magnitude
      exact_sum neg;
      for (int i = 0; i < limbs; ++i) neg.limb_[i] = std::uint64_t(0) - limb_[i];
      return -neg.value();
    }
    int t = limbs - 1;
    while (t >= 0 && limb_[t] == 0) --t;
    if (t < 0) return 0.0;
    if (t >= 64) return std::numeric_limits<double>::infinity();  // >= 2^1024
    const std::uint64_t a = limb_[t], b = t >= 1 ? limb_[t - 1] : 0, c = t >= 2 ? limb_[t - 2] : 0;
    int lz = 0;
    while ((a << lz & 0x80000000u) == 0) ++lz;
    // The 64 bits from the leading one down; below them only a sticky bit matters.
    const std::uint64_t top = (a << (32 + lz)) | (b << lz) | (lz != 0 ? c >> (32 - lz) : 0);
    bool sticky = (c & ((std::uint64_t(1) << (32 - lz)) - 1)) != 0;
    for (int j = 0; j + 2 < t && !sticky; ++j) sticky = limb_[j] != 0;
    std::uint64_t mant = top >> 11;
    const std::uint64_t rest = top & 0x7FF;
    int exp = 32 * t + 31 - lz - 63 + 11 - 1074;
    if (rest > 0x400 || (rest == 0x400 && (sticky || (mant & 1) != 0))) ++mant;
    if (mant == (std::uint64_t(1) << 53)) {
      mant >>= 1;
      ++exp;
    }
    return std::ldexp(double(mant), exp);
  }

 private:
  static std::int64_t to_signed(std::uint64_t u) noexcept {
    std::int64_t s;
    std::memcpy(&s, &u, sizeof s);
    return s;
  }

  std::uint64_t limb_[words] = {};  // limbs, then the +-inf and NaN counts
  std::uint32_t pending_ = 0;
};

/// This rank's exact sums of g^2 (each square rounded to double first; exact for float
/// gradients) and |g| over `n` values.
template <class T>
void exact_grad_norms(const T* g, std::ptrdiff_t n, exact_sum& l2, exact_sum& l1) noexcept {
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const double x = double(g[i]);
    l2.add(x * x);
    l1.add(std::fabs(x));
  }
}

/// Float gradients: |g| = m 2^(e - 149) with a 24-bit m, so g^2 = m^2 2^(2e - 298) with m^2 < 2^48.
/// The integers m and m^2 are summed per float exponent in 64-bit bins (four interleaved sets, so
/// that equal exponents in a row do not wait on each other), which are added to the accumulators
/// every 2^15 values per set, long before a bin of squares could overflow (2^16). The same exact
/// sums as the general loop, at a fraction of its cost; a NaN or infinity sends the tensor to the
/// general loop.
inline void exact_grad_norms(const float* g, std::ptrdiff_t n, exact_sum& l2, exact_sum& l1) {
  constexpr int sets = 4, bins = 256;
  constexpr std::ptrdiff_t chunk = std::ptrdiff_t(sets) << 15;
  std::uint64_t b2[sets][bins] = {}, b1[sets][bins] = {};
  bool nonfinite = false;
  auto flush = [&] {
    for (int e = 0; e < bins - 1; ++e) {
      std::uint64_t s1 = 0;
      for (int k = 0; k < sets; ++k) {
        const std::uint64_t v2 = b2[k][e], v1 = b1[k][e];
        b2[k][e] = b1[k][e] = 0;
        // Bins of squares hold < 2^16 * 2^48 each: add them one by one.
        if (v2 != 0) l2.add_scaled(v2, 2 * (e > 0 ? e - 1 : 0) + 776);
        s1 += v1;  // < 2^17 * 2^24 in all
      }
      if (s1 != 0) l1.add_scaled(s1, (e > 0 ? e - 1 : 0) + 925);
    }
    for (int k = 0; k < sets; ++k) {
      nonfinite = nonfinite || b1[k][bins - 1] != 0;
      b2[k][bins - 1] = b1[k][bins - 1] = 0;
    }
  };
  exact_sum keep2 = l2, keep1 = l1;
  for (std::ptrdiff_t base = 0; base < n; base += chunk) {
    const std::ptrdiff_t end = n - base < chunk ? n : base + chunk;
    std::ptrdiff_t i = base;
    auto one = [&](int k, float x) {
      std::uint32_t u;
      std::memcpy(&u, &x, sizeof u);
      const std::uint32_t e = (u >> 23) & 0xFF;
      const std::uint64_t m = (u & 0x7FFFFFu) | (e != 0 ? 0x800000u : 0u);
      b2[k][e] += m * m;
      b1[k][e] += m;
    };
    for (; i + sets <= end; i += sets)
      for (int k = 0; k < sets; ++k) one(k, g[i + k]);
    for (; i < end; ++i) one(0, g[i]);
    flush();
  }
  if (nonfinite) {
    l2 = keep2;
    l1 = keep1;
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const double x = double(g[i]);
      l2.add(x * x);
      l1.add(std::fabs(x));
    }
  }
}

/// Throws unless `reduced`, the sum over ranks of the non-negative sums `local` is one term of,
/// is finite and >= `local`. Allocates only to throw.
inline void check_reduced_sum(const char* what, double reduced, double local) {
  if (std::isfinite(reduced) && reduced >= local) return;
  LRS_THROW(::lrs::invalid_argument(
      std::string("lrs::norm_reduction: the reduced ") + what + " must be finite and >= this " +
      "rank's own (" + format_value(local) + "), got " + format_value(reduced) +
      ": the reduction must add up the words of every rank, and every rank's gradients must be "
      "finite; no parameter was changed"));
}

/// Exact local sums of g^2 and |g| over `count` tensors (anything with grads() and size()),
/// reduced across ranks by `reduce`, then rounded: l2 is the sum of squares, l1 the sum of |g|.
/// What a sum over ranks must give is checked before anything is changed: every word >= 0, and
/// each reduced sum finite and not below this rank's own (a reduction that overwrites, scales
/// down or fills the words with garbage is caught when it breaks either rule; a NaN or infinite
/// gradient on any rank makes the reduced sums non-finite on every rank, which is refused there
/// rather than turning every parameter into NaN).
/// @throws lrs::invalid_argument naming the word or the sum.
template <class Tensor>
void reduce_grad_norms(const Tensor* tensors, std::size_t count, const norm_reduction& reduce,
                       double& l2, double& l1) {
  exact_sum s2, s1;
  for (std::size_t i = 0; i < count; ++i)
    exact_grad_norms(tensors[i].grads(), std::ptrdiff_t(tensors[i].size()), s2, s1);
  std::int64_t words[norm_partials_size];
  s2.store(words);
  s1.store(words + exact_sum::words);
  const double local_l2 = s2.value(), local_l1 = s1.value();
  reduce(words, norm_partials_size);
  s2.load(words, 0);
  s1.load(words + exact_sum::words, exact_sum::words);
  const double reduced_l2 = s2.value(), reduced_l1 = s1.value();
  check_reduced_sum("sum of squared gradients", reduced_l2, local_l2);
  check_reduced_sum("sum of absolute gradients", reduced_l1, local_l1);
  l2 = reduced_l2;
  l1 = reduced_l1;
}

}  // namespace detail
}  // namespace lrs

#endif  // LRS_OPTIM_NORM_REDUCTION_HPP
