// SPDX-License-Identifier: MIT
// The refinement median filter against a brute-force sort and against SciPy's median_filter.
#include <algorithm>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <lrs/analysis/detail/median_filter.hpp>

#include "catch.hpp"

namespace {

// Independent definition: the padded sequence built explicitly (start: copies of g[0]; end: the
// mirror image, repeated), then every window sorted.
std::vector<double> brute_force(const std::vector<double>& g, std::size_t width) {
  const std::size_t n = g.size(), h = width / 2;
  std::vector<double> padded(h, g[0]);
  padded.insert(padded.end(), g.begin(), g.end());
  // Mirror without repeating the edge: ... g[n-2], g[n-3], ..., g[0], g[1], ... (bounce).
  std::ptrdiff_t idx = static_cast<std::ptrdiff_t>(n) - 1, dir = -1;
  while (padded.size() < n + 2 * h) {
    if (n == 1) {
      padded.push_back(g[0]);
      continue;
    }
    idx += dir;
    if (idx < 0) {
      idx = 1;
      dir = 1;
    } else if (idx >= static_cast<std::ptrdiff_t>(n)) {
      idx = static_cast<std::ptrdiff_t>(n) - 2;
      dir = -1;
    }
    padded.push_back(g[static_cast<std::size_t>(idx)]);
  }
  std::vector<double> out(n), window(width);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy(padded.begin() + static_cast<std::ptrdiff_t>(i),
              padded.begin() + static_cast<std::ptrdiff_t>(i + width), window.begin());
    std::sort(window.begin(), window.end());
    out[i] = window[h];
  }
  return out;
}

std::vector<double> read_filter_values(std::istream& is, std::size_t n) {
  std::vector<double> v(n);
  for (double& x : v) is >> x;
  return v;
}

}  // namespace

TEST_CASE("refinement filter width follows the authors' formula", "[analysis][refinement]") {
  using lrs::detail::refinement_filter_width;
  CHECK(refinement_filter_width(0.1, 10000) == 1001);
  CHECK(refinement_filter_width(0.1, 10) == 1);  // floor(1) = 1 -> 2*0+1
  CHECK(refinement_filter_width(0.1, 20) == 3);
  CHECK(refinement_filter_width(0.1, 39) == 3);  // floor(3.9) = 3 -> 3
  CHECK(refinement_filter_width(0.1, 40) == 5);
  CHECK(refinement_filter_width(0.0, 1000) == 1);
  CHECK(refinement_filter_width(1.0, 6) == 7);
  CHECK(refinement_filter_width(0.1, 10'000'000) == 1'000'001);
}

TEST_CASE("refinement median filter on hand-worked sequences", "[analysis][refinement]") {
  using lrs::detail::refinement_median_filter;
  // width 3, h = 1: start padded with g[0], end mirrored (g[3] -> g[2]).
  // windows: [5,5,1] [5,1,4] [1,4,2] [4,2,4] -> medians 5, 4, 2, 4
  const std::vector<double> g{5, 1, 4, 2};
  CHECK(refinement_median_filter(g.data(), g.size(), 3) == std::vector<double>{5, 4, 2, 4});
  // width 5, h = 2: padded = 5 5 | 5 1 4 2 | 4 1 ; windows [5,5,5,1,4] [5,5,1,4,2] [5,1,4,2,4]
  // [1,4,2,4,1] -> 5, 4, 4, 2
  CHECK(refinement_median_filter(g.data(), g.size(), 5) == std::vector<double>{5, 4, 4, 2});
  // width 1 is the identity.
  CHECK(refinement_median_filter(g.data(), g.size(), 1) == g);
  // A single value stays itself whatever the width.
  const std::vector<double> one{7};
  CHECK(refinement_median_filter(one.data(), 1, 9) == one);
}

TEST_CASE("refinement median filter equals a brute-force sort on random data",
          "[analysis][refinement][property]") {
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> small(0, 3);
  for (const std::size_t n : std::vector<std::size_t>{1, 2, 3, 6, 17, 64, 301}) {
    for (const std::size_t width : std::vector<std::size_t>{1, 3, 5, 9, 31, 2 * n + 1, 4 * n + 1}) {
      for (int ties = 0; ties < 2; ++ties) {
        std::vector<double> g(n);
        for (double& x : g) x = ties ? double(small(rng)) : normal(rng);
        INFO("n = " << n << ", width = " << width << ", ties = " << ties);
        CHECK(lrs::detail::refinement_median_filter(g.data(), n, width) == brute_force(g, width));
      }
    }
  }
}

TEST_CASE("refinement median filter matches scipy.ndimage.median_filter",
          "[analysis][refinement]") {
  // tests/data/refinement/median_filter.txt from make_reference.py (SciPy 1.10, NumPy 1.24).
  std::ifstream f(LRS_TEST_DATA_DIR "/refinement/median_filter.txt");
  REQUIRE(f);
  int cases = 0;
  std::size_t n = 0, width = 0;
  while (f >> n >> width) {
    const std::vector<double> g = read_filter_values(f, n);
    const std::vector<double> expected = read_filter_values(f, n);
    REQUIRE(f);
    INFO("case " << cases << ": n = " << n << ", width = " << width);
    CHECK(lrs::detail::refinement_median_filter(g.data(), n, width) == expected);
    ++cases;
  }
  CHECK(cases == 124);
}

TEST_CASE("the 64-bit-rank filter (past 4e9 points) equals a brute-force sort",
          "[analysis][refinement][property]") {
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<int> small(0, 5);
  for (const std::size_t n : std::vector<std::size_t>{1, 4, 50, 333}) {
    for (const std::size_t width : std::vector<std::size_t>{3, 7, 2 * n + 1}) {
      std::vector<double> g(n);
      for (double& x : g) x = small(rng) * 0.5;
      INFO("n = " << n << ", width = " << width);
      CHECK(lrs::detail::refinement_median_filter_ranks<std::uint64_t>(g.data(), n, width) ==
            brute_force(g, width));
    }
  }
}

TEST_CASE("bit_tree finds neighbouring members like std::set", "[analysis][refinement][property]") {
  std::mt19937_64 rng(3);
  for (const std::size_t n : std::vector<std::size_t>{1, 63, 64, 65, 5000, 300000}) {
    lrs::detail::bit_tree tree(n);
    std::set<std::size_t> ref;
    std::uniform_int_distribution<std::size_t> pick(0, n - 1);
    for (int op = 0; op < 3000; ++op) {
      const std::size_t i = pick(rng);
      if (op % 3 == 2 && !ref.empty()) {
        const std::size_t gone = ref.count(i) ? i : *ref.begin();
        ref.erase(gone);
        tree.reset(gone);
      } else {
        ref.insert(i);
        tree.set(i);
      }
      const std::size_t q = pick(rng);
      const auto up = ref.lower_bound(q);
      const std::size_t want_next = up == ref.end() ? lrs::detail::bit_tree::npos : *up;
      const auto down = ref.upper_bound(q);
      const std::size_t want_prev =
          down == ref.begin() ? lrs::detail::bit_tree::npos : *std::prev(down);
      REQUIRE(tree.next(q) == want_next);
      REQUIRE(tree.prev(q) == want_prev);
    }
  }
}

TEST_CASE("refinement median filter orders values that differ in the last bits",
          "[analysis][refinement][property]") {
  // Values 1 + k ulp (and their negatives) share the upper 32 bits of their keys: the radix
  // passes leave them tied and the run sort must order them.
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> k(0, 40);
  std::vector<double> g(500);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double v = 1.0 + k(rng) * std::numeric_limits<double>::epsilon();
    g[i] = (i % 7 == 0) ? -v : v;
  }
  for (const std::size_t width : std::vector<std::size_t>{3, 51, 1001})
    CHECK(lrs::detail::refinement_median_filter(g.data(), g.size(), width) ==
          brute_force(g, width));
  std::vector<std::uint32_t> order = lrs::detail::refinement_sort_indices(g.data(), g.size());
  for (std::size_t r = 1; r < order.size(); ++r) REQUIRE(g[order[r - 1]] <= g[order[r]]);
}
