// SPDX-License-Identifier: MIT
// Bit-for-bit equality of floating-point numbers and vectors (runs that must be reproducible).
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>

namespace lrs_test {

/// True when `a` and `b` have the same object representation (NaN payloads and -0 included).
template <class T>
std::enable_if_t<std::is_arithmetic_v<T>, bool> same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

/// True when the vectors have the same size and the same bits in every element (any contiguous
/// container with data() and size(), e.g. an Eigen vector).
template <class V>
auto same_bits(const V& a, const V& b) -> decltype(a.data(), a.size(), bool()) {
  const auto n = static_cast<std::size_t>(a.size());
  return a.size() == b.size() &&
         (n == 0 || std::memcmp(a.data(), b.data(), sizeof(*a.data()) * n) == 0);
}

}  // namespace lrs_test
