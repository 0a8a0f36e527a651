// SPDX-License-Identifier: MIT
// Sliding-window median with the edge handling of the refinement authors (rank bit tree, O(n log
// n)).
#ifndef LRS_ANALYSIS_DETAIL_MEDIAN_FILTER_HPP
#define LRS_ANALYSIS_DETAIL_MEDIAN_FILTER_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include <lrs/config.hpp>

namespace lrs::detail {

/// Odd filter width for smoothing parameter tau over n points, as the refinement authors compute
/// it: `2 * floor(floor(tau * n) / 2) + 1` (1 means no smoothing).
/// @pre tau finite and >= 0.
inline std::size_t refinement_filter_width(double tau, std::size_t n) noexcept {
  const auto k = static_cast<std::size_t>(tau * static_cast<double>(n));
  return 2 * (k / 2) + 1;
}

/// A set of indices in [0, n) with next/previous-member search in O(log_64 n): a 64-ary tree of
/// bit words whose level L+1 has a bit for every non-zero word of level L.
class bit_tree {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  explicit bit_tree(std::size_t n) {
    std::size_t words = n;
    do {
      words = (words + 63) / 64;
      levels_.emplace_back(words, std::uint64_t{0});
    } while (words > 1);
  }

  void set(std::size_t i) noexcept {
    for (auto& level : levels_) {
      std::uint64_t& w = level[i >> 6];
      const bool had = w != 0;
      w |= std::uint64_t{1} << (i & 63);
      if (had) return;
      i >>= 6;
    }
  }

  void reset(std::size_t i) noexcept {
    for (auto& level : levels_) {
      std::uint64_t& w = level[i >> 6];
      w &= ~(std::uint64_t{1} << (i & 63));
      if (w != 0) return;
      i >>= 6;
    }
  }

  /// Smallest member >= i, or npos.
  [[nodiscard]] std::size_t next(std::size_t i) const noexcept {
    std::size_t level = 0;
    for (;; ++level) {
      if (level == levels_.size()) return npos;
      const std::size_t wi = i >> 6;
      if (wi >= levels_[level].size()) return npos;
      const std::uint64_t w = levels_[level][wi] & (~std::uint64_t{0} << (i & 63));
      if (w != 0) {
        i = (wi << 6) | lowest_bit(w);
        break;
      }
      i = wi + 1;
    }
    while (level-- > 0) i = (i << 6) | lowest_bit(levels_[level][i]);
    return i;
  }

  /// Largest member <= i, or npos.
  [[nodiscard]] std::size_t prev(std::size_t i) const noexcept {
    std::size_t level = 0;
    for (;; ++level) {
      if (level == levels_.size()) return npos;
      const std::size_t wi = i >> 6;
      const std::uint64_t w = levels_[level][wi] & (~std::uint64_t{0} >> (63 - (i & 63)));
      if (w != 0) {
        i = (wi << 6) | highest_bit(w);
        break;
      }
      if (wi == 0) return npos;
      i = wi - 1;
    }
    while (level-- > 0) i = (i << 6) | highest_bit(levels_[level][i]);
    return i;
  }

 private:
  static std::size_t lowest_bit(std::uint64_t w) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<std::size_t>(__builtin_ctzll(w));
#else
    std::size_t b = 0;
    while (!(w & 1)) w >>= 1, ++b;
    return b;
#endif
  }
  static std::size_t highest_bit(std::uint64_t w) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<std::size_t>(63 - __builtin_clzll(w));
#else
    std::size_t b = 0;
    while (w >>= 1) ++b;
    return b;
#endif
  }

  std::vector<std::vector<std::uint64_t>> levels_;
};

/// Indices 0..n-1 ordered by g (ascending; equal values in index order). Each value becomes an
/// order-preserving 64-bit key; an LSD radix sort orders the upper 32 bits (3 passes of 11 bits,
/// passes with one digit skipped), then each run of equal upper halves (values within about 1e-6
/// relative of each other) is sorted on the whole key. Index is std::uint32_t, or std::uint64_t
/// for n >= 2^32.
template <class T, class Index = std::uint32_t>
std::vector<Index> refinement_sort_indices(const T* g, std::size_t n) {
  std::vector<std::uint64_t> key(n), key2(n);
  std::vector<Index> idx(n), idx2(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(g[i]);
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    // Negative: flip everything (larger magnitude sorts first); positive: set the sign bit.
    key[i] = (bits >> 63) ? ~bits : (bits | (std::uint64_t{1} << 63));
    idx[i] = static_cast<Index>(i);
  }
  constexpr unsigned digit_bits = 11;
  constexpr std::size_t buckets = std::size_t{1} << digit_bits;
  std::vector<std::size_t> count(buckets);
  for (unsigned shift = 32; shift < 64; shift += digit_bits) {
    std::fill(count.begin(), count.end(), std::size_t{0});
    for (std::size_t i = 0; i < n; ++i) ++count[(key[i] >> shift) & (buckets - 1)];
    if (std::find(count.begin(), count.end(), n) != count.end()) continue;  // one digit only
    std::size_t sum = 0;
    for (std::size_t& c : count) sum += std::exchange(c, sum);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = count[(key[i] >> shift) & (buckets - 1)]++;
      key2[at] = key[i];
      idx2[at] = idx[i];
    }
    key.swap(key2);
    idx.swap(idx2);
  }
  std::vector<std::pair<std::uint64_t, Index>> run;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && (key[j] >> 32) == (key[i] >> 32)) ++j;
    if (j - i > 1) {
      run.clear();
      for (std::size_t k = i; k < j; ++k) run.emplace_back(key[k], idx[k]);
      std::sort(run.begin(), run.end());
      for (std::size_t k = i; k < j; ++k) idx[k] = run[k - i].second;
    }
    i = j;
  }
  return idx;
}

/// Index into g[0..n) of the padded sequence at position k in [-inf, inf): edge-replicated before 0
/// (SciPy's `mode='nearest'`), NumPy's `np.pad(..., mode='reflect')` after n-1 (mirror without
/// repeating the edge, periodic with period 2(n-1) when the padding is longer than the sequence).
inline std::size_t refinement_padded_index(std::size_t n, std::ptrdiff_t k) noexcept {
  if (k <= 0 || n == 1) return 0;
  const auto u = static_cast<std::size_t>(k);
  if (u < n) return u;
  const std::size_t period = 2 * (n - 1);
  const std::size_t m = u % period;
  return m < n ? m : period - m;
}

// refinement_median_filter with ranks (and indices into g) of type Rank.
template <class Rank, class T>
std::vector<T> refinement_median_filter_ranks(const T* g, std::size_t n, std::size_t width) {
  const std::size_t h = width / 2;
  const std::size_t padded = n + 2 * h;  // positions k = -h .. n-1+h, stored at q = k + h
  const auto index_of = [n, h](std::size_t q) {
    return refinement_padded_index(n,
                                   static_cast<std::ptrdiff_t>(q) - static_cast<std::ptrdiff_t>(h));
  };

  // Ranks: index j of g in value order owns a block of mult[j] consecutive ranks, one for each
  // padded position that reads g[j]; next[j] is the next unused rank of that block.
  std::vector<Rank> next(n, 0);
  for (std::size_t q = 0; q < padded; ++q) ++next[index_of(q)];
  std::vector<T> value_of_rank(padded);
  {
    const std::vector<Rank> order = refinement_sort_indices<T, Rank>(g, n);
    Rank rank = 0;
    for (const Rank j : order) {
      const Rank m = next[j];
      next[j] = rank;
      std::fill_n(value_of_rank.begin() + static_cast<std::ptrdiff_t>(rank), m, g[j]);
      rank += m;
    }
  }

  std::vector<Rank> ring(width);  // rank held by each window slot
  bit_tree members(padded);
  for (std::size_t q = 0; q < width; ++q) {
    ring[q] = next[index_of(q)]++;
    members.set(ring[q]);
  }
  std::size_t m = 0;  // rank of the median: exactly h member ranks lie below it
  {
    std::vector<Rank> first(ring);
    std::nth_element(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(h), first.end());
    m = first[h];
  }
  std::vector<T> out(n);
  out[0] = value_of_rank[m];
  std::size_t slot = 0;  // output i drops position q = i-1 and takes q = i-1+width, same slot
  for (std::size_t i = 1; i < n; ++i) {
    const std::size_t a = ring[slot];
    const std::size_t b = next[index_of(i - 1 + width)]++;
    ring[slot] = static_cast<Rank>(b);
    if (++slot == width) slot = 0;
    members.reset(a);
    members.set(b);
    const int below = static_cast<int>(a < m ? -1 : 0) + static_cast<int>(b < m ? 1 : 0);
    if (below > 0) {
      m = members.prev(m - 1);
    } else if (below < 0 || a == m) {
      m = members.next(m + 1);
    }
    out[i] = value_of_rank[m];
  }
  return out;
}

/// The refinement authors' smoothing of g[0..n) with an odd window `width`:
///
///   out = scipy.ndimage.median_filter(np.pad(g, (0, 2*width), mode='reflect'),
///                                     size=width, mode='nearest')[:n]
///
/// i.e. out[i] = median of g over [i-h, i+h] (h = width/2), values before 0 replaced by g[0] and
/// values past n-1 mirrored (refinement_padded_index).
///
/// Method: every position of the padded sequence gets a distinct rank (by value, then by index
/// into g, then by position: a radix sort of g, O(n)); the window is a bit_tree over the ranks and
/// the median a rank that moves to the neighbouring member when an insertion and a removal fall
/// on opposite sides of it. O(n log_64 n) time with small, cache-friendly structures (the bit tree
/// of n + width bits), O(n) memory.
/// @pre n >= 1, width odd, no NaN in g.
template <class T>
std::vector<T> refinement_median_filter(const T* g, std::size_t n, std::size_t width) {
  LRS_ASSERT(n >= 1 && width % 2 == 1, "refinement_median_filter: need n >= 1 and odd width");
  if (width == 1) return std::vector<T>(g, g + n);
  // 32-bit ranks halve the memory traffic; 64-bit ones only past 4e9 padded positions.
  if (n + width < std::numeric_limits<std::uint32_t>::max())
    return refinement_median_filter_ranks<std::uint32_t>(g, n, width);
  return refinement_median_filter_ranks<std::uint64_t>(g, n, width);
}

}  // namespace lrs::detail

#endif  // LRS_ANALYSIS_DETAIL_MEDIAN_FILTER_HPP
