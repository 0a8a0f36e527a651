// SPDX-License-Identifier: MIT
// Every truncation and every single-bit flip of a good state, and the check that each is refused.
#pragma once

#include <cstddef>
#include <vector>

#include <lrs/core/state.hpp>

#include "catch.hpp"

namespace lrs_test {

/// The byte type of every state.
using bytes_t = std::vector<unsigned char>;

/// Calls `visit(bad)` with every proper prefix of `good` (lengths 0 to size - 1), then with every
/// copy of `good` that has exactly one bit flipped (all size * 8 of them).
template <class Visit>
void for_each_corruption(const bytes_t& good, Visit&& visit) {
  for (std::size_t n = 0; n < good.size(); ++n)
    visit(bytes_t(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)));
  for (std::size_t i = 0; i < good.size() * 8; ++i) {
    bytes_t bad = good;
    bad[i / 8] ^= static_cast<unsigned char>(1u << (i % 8));
    visit(bad);
  }
}

/// How many corruptions of `good` `load(bad)` accepts, i.e. returns without lrs::state_error.
template <class Load>
int accepted_corruptions(const bytes_t& good, Load&& load) {
  int accepted = 0;
  for_each_corruption(good, [&](const bytes_t& bad) {
    try {
      load(bad);
      ++accepted;
    } catch (const lrs::state_error&) {
    }
  });
  return accepted;
}

/// Loads every corruption of `good` into `target` (any type with state() and load_state()):
/// each must throw lrs::state_error and leave target.state() byte for byte as it was.
template <class Object>
void check_every_corruption(Object& target, const bytes_t& good) {
  const bytes_t before = target.state();
  int loaded = 0, unchanged = 0, cases = 0;
  for_each_corruption(good, [&](const bytes_t& bad) {
    ++cases;
    try {
      target.load_state(bad);
      ++loaded;
    } catch (const lrs::state_error&) {
    }
    if (target.state() == before) ++unchanged;
  });
  CHECK(cases == static_cast<int>(good.size() * 9));
  CHECK(loaded == 0);
  CHECK(unchanged == cases);
}

}  // namespace lrs_test
