// SPDX-License-Identifier: MIT
// The byte codec under the lrs state format: CRC-32 and little-endian integers, floats and arrays
// (lrs::detail). Standard library only.
#ifndef LRS_CORE_BYTES_HPP
#define LRS_CORE_BYTES_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include <lrs/config.hpp>

namespace lrs {
namespace detail {

/// Slicing-by-8 tables of CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320): table 0 is the
/// classic byte table, table k advances a byte k more positions.
inline constexpr std::array<std::array<std::uint32_t, 256>, 8> make_crc32_tables() noexcept {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[0][i] = c;
  }
  for (std::size_t k = 1; k < 8; ++k)
    for (std::size_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFu];
  return t;
}
inline constexpr std::array<std::array<std::uint32_t, 256>, 8> crc32_tables = make_crc32_tables();

/// CRC-32 (IEEE 802.3, reflected, as zlib.crc32 and PNG), continuing from `crc`. Eight bytes per
/// step (slicing-by-8), read byte by byte, so the result does not depend on the host's byte order.
inline std::uint32_t crc32(const unsigned char* p, std::size_t n, std::uint32_t crc = 0) noexcept {
  const auto& t = crc32_tables;
  crc = ~crc;
  for (; n >= 8; p += 8, n -= 8) {
    const std::uint32_t lo = (std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 |
                              std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24) ^
                             crc;
    crc = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^ t[4][lo >> 24] ^
          t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
  }
  for (std::size_t i = 0; i < n; ++i) crc = t[0][(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

inline bool host_is_little_endian() noexcept {
  const std::uint16_t one = 1;
  unsigned char b[2];
  std::memcpy(b, &one, 2);
  return b[0] == 1;
}

inline void put_le(std::vector<unsigned char>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

inline std::uint64_t get_le(const unsigned char* p, int bytes) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t(p[i]) << (8 * i);
  return v;
}

template <class F>
using float_bits_t = std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>;

template <class F>
float_bits_t<F> float_bits(F v) noexcept {
  static_assert(std::numeric_limits<F>::is_iec559, "lrs state: IEEE-754 floating point needed");
  float_bits_t<F> b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

template <class F>
F float_from_bits(float_bits_t<F> b) noexcept {
  F v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

/// Appends n numbers (integers or IEEE floats) of type V little-endian. Bulk copy on
/// little-endian hosts, byte by byte elsewhere.
template <class V>
void put_le_array(std::vector<unsigned char>& out, const V* p, std::size_t n) {
  static_assert(std::is_arithmetic_v<V> && (sizeof(V) == 4 || sizeof(V) == 8));
  if (n == 0) return;
  if (host_is_little_endian()) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    out.insert(out.end(), b, b + n * sizeof(V));
    return;
  }
  const std::size_t at = out.size();
  out.resize(at + n * sizeof(V));
  unsigned char* dst = out.data() + at;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t bits;
    if constexpr (std::is_floating_point_v<V>)
      bits = float_bits(p[i]);
    else
      bits = static_cast<std::uint64_t>(p[i]);
    for (std::size_t k = 0; k < sizeof(V); ++k)
      dst[i * sizeof(V) + k] = static_cast<unsigned char>(bits >> (8 * k));
  }
}

/// Reads n little-endian numbers of type V from src.
template <class V>
void get_le_array(const unsigned char* src, V* p, std::size_t n) noexcept {
  static_assert(std::is_arithmetic_v<V> && (sizeof(V) == 4 || sizeof(V) == 8));
  if (n == 0) return;
  if (host_is_little_endian()) {
    std::memcpy(p, src, n * sizeof(V));
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t bits = get_le(src + i * sizeof(V), int(sizeof(V)));
    if constexpr (std::is_floating_point_v<V>)
      p[i] = float_from_bits<V>(static_cast<float_bits_t<V>>(bits));
    else
      p[i] = static_cast<V>(bits);
  }
}

}  // namespace detail
}  // namespace lrs

#endif  // LRS_CORE_BYTES_HPP
