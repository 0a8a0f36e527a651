// SPDX-License-Identifier: MIT
// Sliding-window median with the edge handling of the refinement authors (two heaps, O(n log w)).
#ifndef LRS_ANALYSIS_DETAIL_MEDIAN_FILTER_HPP
#define LRS_ANALYSIS_DETAIL_MEDIAN_FILTER_HPP

#include <algorithm>
#include <cstddef>
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

/// Value of the padded sequence at index k in [-inf, inf): edge-replicated before 0 (SciPy's
/// `mode='nearest'`), NumPy's `np.pad(..., mode='reflect')` after n-1 (mirror without repeating
/// the edge, periodic with period 2(n-1) when the padding is longer than the sequence).
template <class T>
T refinement_padded_at(const T* g, std::size_t n, std::ptrdiff_t k) noexcept {
  if (k <= 0 || n == 1) return g[0];
  const auto u = static_cast<std::size_t>(k);
  if (u < n) return g[u];
  const std::size_t period = 2 * (n - 1);
  const std::size_t m = u % period;
  return m < n ? g[m] : g[period - m];
}

/// Running median of a window of fixed odd width 2h+1 whose oldest element is replaced at each
/// step. The lower h+1 values sit in a max-heap (its root is the median), the upper h in a
/// min-heap; each window slot knows its heap position, so a replacement is one sift (plus at most
/// one exchange of the two roots): O(log w) per step, with no allocation after construction.
template <class T>
class sliding_median {
 public:
  /// Starts with the window `init` (odd size). @pre init.size() is odd; values are not NaN.
  explicit sliding_median(const std::vector<T>& init) : width_(init.size()), pos_(init.size()) {
    LRS_ASSERT(width_ % 2 == 1, "sliding_median: window width must be odd");
    std::vector<node> all(width_);
    for (std::size_t s = 0; s < width_; ++s) all[s] = node{init[s], s};
    std::sort(all.begin(), all.end(), [](const node& a, const node& b) { return a.v < b.v; });
    const std::size_t h = width_ / 2;
    // A descending array is a max-heap and an ascending one a min-heap.
    low_.assign(all.rend() - static_cast<std::ptrdiff_t>(h + 1), all.rend());
    high_.assign(all.begin() + static_cast<std::ptrdiff_t>(h + 1), all.end());
    for (std::size_t i = 0; i < low_.size(); ++i) pos_[low_[i].slot] = to_low(i);
    for (std::size_t i = 0; i < high_.size(); ++i) pos_[high_[i].slot] = to_high(i);
  }

  [[nodiscard]] T median() const noexcept { return low_[0].v; }

  /// Sets the value held in window slot `slot` (0 <= slot < width) to v.
  void replace(std::size_t slot, T v) noexcept {
    const std::ptrdiff_t p = pos_[slot];
    if (p >= 0) {
      const auto i = static_cast<std::size_t>(p);
      const T old = low_[i].v;
      low_[i].v = v;
      if (old < v) {
        low_up(i);
        balance();
      } else if (v < old) {
        low_down(i);
      }
    } else {
      const auto j = static_cast<std::size_t>(-p - 1);
      const T old = high_[j].v;
      high_[j].v = v;
      if (v < old) {
        high_up(j);
        balance();
      } else if (old < v) {
        high_down(j);
      }
    }
  }

 private:
  struct node {
    T v;
    std::size_t slot;
  };

  static std::ptrdiff_t to_low(std::size_t i) noexcept { return static_cast<std::ptrdiff_t>(i); }
  static std::ptrdiff_t to_high(std::size_t j) noexcept {
    return -static_cast<std::ptrdiff_t>(j) - 1;
  }

  // Restores max(low) <= min(high) after one value moved across: one exchange of the roots.
  void balance() noexcept {
    if (high_.empty() || !(high_[0].v < low_[0].v)) return;
    std::swap(low_[0], high_[0]);
    pos_[low_[0].slot] = to_low(0);
    pos_[high_[0].slot] = to_high(0);
    low_down(0);
    high_down(0);
  }

  void low_up(std::size_t i) noexcept {
    const node x = low_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!(low_[parent].v < x.v)) break;
      low_[i] = low_[parent];
      pos_[low_[i].slot] = to_low(i);
      i = parent;
    }
    low_[i] = x;
    pos_[x.slot] = to_low(i);
  }

  void low_down(std::size_t i) noexcept {
    const std::size_t n = low_.size();
    const node x = low_[i];
    for (;;) {
      std::size_t c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && low_[c].v < low_[c + 1].v) ++c;
      if (!(x.v < low_[c].v)) break;
      low_[i] = low_[c];
      pos_[low_[i].slot] = to_low(i);
      i = c;
    }
    low_[i] = x;
    pos_[x.slot] = to_low(i);
  }

  void high_up(std::size_t j) noexcept {
    const node x = high_[j];
    while (j > 0) {
      const std::size_t parent = (j - 1) / 2;
      if (!(x.v < high_[parent].v)) break;
      high_[j] = high_[parent];
      pos_[high_[j].slot] = to_high(j);
      j = parent;
    }
    high_[j] = x;
    pos_[x.slot] = to_high(j);
  }

  void high_down(std::size_t j) noexcept {
    const std::size_t n = high_.size();
    const node x = high_[j];
    for (;;) {
      std::size_t c = 2 * j + 1;
      if (c >= n) break;
      if (c + 1 < n && high_[c + 1].v < high_[c].v) ++c;
      if (!(high_[c].v < x.v)) break;
      high_[j] = high_[c];
      pos_[high_[j].slot] = to_high(j);
      j = c;
    }
    high_[j] = x;
    pos_[x.slot] = to_high(j);
  }

  std::size_t width_;
  std::vector<std::ptrdiff_t> pos_;  // slot -> i (max-heap) or -j-1 (min-heap)
  std::vector<node> low_;            // max-heap of the lower h+1 values; root = median
  std::vector<node> high_;           // min-heap of the upper h values
};

/// The refinement authors' smoothing of g[0..n) with an odd window `width`:
///
///   out = scipy.ndimage.median_filter(np.pad(g, (0, 2*width), mode='reflect'),
///                                     size=width, mode='nearest')[:n]
///
/// i.e. out[i] = median of g over [i-h, i+h] (h = width/2), values before 0 replaced by g[0] and
/// values past n-1 mirrored (refinement_padded_at). O(n log width) time, O(width) extra memory.
/// @pre n >= 1, width odd, no NaN in g.
template <class T>
std::vector<T> refinement_median_filter(const T* g, std::size_t n, std::size_t width) {
  LRS_ASSERT(n >= 1 && width % 2 == 1, "refinement_median_filter: need n >= 1 and odd width");
  std::vector<T> out(g, g + n);
  if (width == 1) return out;
  const auto h = static_cast<std::ptrdiff_t>(width / 2);
  std::vector<T> window(width);
  for (std::ptrdiff_t k = -h; k <= h; ++k)
    window[static_cast<std::size_t>(k + h)] = refinement_padded_at(g, n, k);
  sliding_median<T> med(window);
  out[0] = med.median();
  // Moving from output i-1 to i drops index i-1-h and takes index i+h; both use slot (i-1) % w.
  std::size_t slot = 0;
  for (std::size_t i = 1; i < n; ++i) {
    med.replace(slot, refinement_padded_at(g, n, static_cast<std::ptrdiff_t>(i) + h));
    out[i] = med.median();
    if (++slot == width) slot = 0;
  }
  return out;
}

}  // namespace lrs::detail

#endif  // LRS_ANALYSIS_DETAIL_MEDIAN_FILTER_HPP
