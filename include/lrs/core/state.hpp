// SPDX-License-Identifier: MIT
// The one byte format of every stateful lrs object: lrs::state_writer, lrs::state_reader and
// lrs::state_error. Standard library only.
#ifndef LRS_CORE_STATE_HPP
#define LRS_CORE_STATE_HPP

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/config.hpp>
#include <lrs/core/bytes.hpp>
#include <lrs/core/error.hpp>

namespace lrs {

/// Thrown when a saved state cannot be loaded: truncated, corrupt, from another kind of object,
/// another scalar type, other hyper-parameters or a newer format. Derived from
/// lrs::invalid_argument (the bytes are a bad argument of load_state), so code that catches
/// lrs::invalid_argument or std::invalid_argument also catches it. The message says what is wrong
/// in the user's terms, e.g. `lrs::sgd: load_state: checkpoint was written by adam, this is sgd`
/// or `lrs::adam: load_state: truncated at byte 1204 of 4096`.
class state_error : public invalid_argument {
 public:
  using invalid_argument::invalid_argument;
};

/// Scalar type of the floating-point values a state holds.
enum class state_scalar : std::uint8_t {
  none = 0,  ///< the object has no scalar type parameter
  f32 = 1,   ///< float (IEEE-754 binary32)
  f64 = 2    ///< double (IEEE-754 binary64)
};

/// The state_scalar of T (float or double).
template <class T>
constexpr state_scalar state_scalar_of() noexcept {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "lrs state: the scalar type must be float or double");
  return std::is_same_v<T, float> ? state_scalar::f32 : state_scalar::f64;
}

/// "float", "double" or "no scalar type", for messages.
inline const char* state_scalar_name(state_scalar s) noexcept {
  switch (s) {
    case state_scalar::none:
      return "no scalar type";
    case state_scalar::f32:
      return "float";
    case state_scalar::f64:
      return "double";
  }
  return "an unknown scalar type";
}

/// Format version written by this library; a reader accepts versions 1..state_format_version.
inline constexpr std::uint32_t state_format_version = 1;

namespace detail {

/// "LRSS": the first four bytes of every state.
inline constexpr std::array<unsigned char, 4> state_magic{{'L', 'R', 'S', 'S'}};
/// magic (4) + format version (4) + total length (8).
inline constexpr std::size_t state_prefix_size = 16;
/// CRC-32 at the end.
inline constexpr std::size_t state_crc_size = 4;

/// Type tags of hyper-parameters.
enum class state_value_type : std::uint8_t { f64 = 1, i64 = 2, boolean = 3, string = 4 };

/// A printable excerpt of a string read from untrusted bytes: at most 40 characters, bytes
/// outside printable ASCII as \xNN.
inline std::string state_quote(std::string_view s) {
  std::string out = "'";
  const std::size_t n = s.size() < 40 ? s.size() : 40;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      static const char hex[] = "0123456789abcdef";
      out.append("\\x").push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  if (s.size() > n) out.append("...");
  return out.append("'");
}

/// s itself when it looks like a name (letters, digits, '_', ':', '.', '-', at most 64), else
/// state_quote(s).
inline std::string state_name(std::string_view s) {
  bool plain = !s.empty() && s.size() <= 64;
  for (const char c : s)
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == ':' || c == '.' || c == '-');
  return plain ? std::string(s) : state_quote(s);
}

}  // namespace detail

/// Builds one state in the lrs state format (see docs/state.md for the layout):
///
///   "LRSS" | u32 format version | u64 total length | string kind | u32 kind version |
///   u8 scalar type | u32 count, named hyper-parameters | u64 length, payload | u32 CRC-32
///
/// Every integer is little-endian, every float its IEEE-754 bit pattern stored little-endian, so
/// the bytes are the same on every platform. Hyper-parameters (hyper()) may be added at any time
/// before finish(); payload fields (u8() ... f64s()) are appended in call order and read back in
/// the same order by lrs::state_reader.
class state_writer {
 public:
  /// @param kind what object this is, e.g. "adam" (checked on load); @pre 1..255 bytes.
  /// @param scalar its floating-point type.
  /// @param kind_version version of the kind's own payload layout, >= 1.
  /// @throws lrs::invalid_argument if kind is empty or longer than 255 bytes, or kind_version 0.
  explicit state_writer(std::string_view kind, state_scalar scalar = state_scalar::none,
                        std::uint32_t kind_version = 1)
      : kind_(kind), scalar_(scalar), kind_version_(kind_version) {
    detail::require(!kind.empty() && kind.size() <= 255, "state_writer", "kind",
                    "1 to 255 bytes long", std::string(kind));
    detail::require(kind_version >= 1, "state_writer", "kind_version", ">= 1", kind_version);
  }

  /// Named hyper-parameters: configuration the loading object must have too (checked with
  /// state_reader::hyper). Names are unique, 1..255 bytes.
  /// @throws lrs::invalid_argument on an empty, too long or repeated name.
  state_writer& hyper(std::string_view name, double v) {
    begin_hyper(name, detail::state_value_type::f64);
    detail::put_le(hyper_, detail::float_bits(v), 8);
    return *this;
  }
  /// A float hyper-parameter, stored as f64 (widened exactly).
  /// @throws lrs::invalid_argument on an empty, too long or repeated name.
  state_writer& hyper(std::string_view name, float v) { return hyper(name, double(v)); }
  /// An integer hyper-parameter, stored as i64.
  /// @throws lrs::invalid_argument on an empty, too long or repeated name.
  state_writer& hyper(std::string_view name, std::int64_t v) {
    begin_hyper(name, detail::state_value_type::i64);
    detail::put_le(hyper_, static_cast<std::uint64_t>(v), 8);
    return *this;
  }
  /// Any other integer type, stored as i64.
  /// @throws lrs::invalid_argument if an unsigned value exceeds 2^63 - 1.
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool> &&
                                          !std::is_same_v<I, std::int64_t>,
                                      int> = 0>
  state_writer& hyper(std::string_view name, I v) {
    if constexpr (std::is_unsigned_v<I>)
      detail::require(std::uint64_t(v) <= std::uint64_t(std::numeric_limits<std::int64_t>::max()),
                      "state_writer", "hyper-parameter " + std::string(name), "<= 2^63 - 1",
                      std::uint64_t(v));
    return hyper(name, static_cast<std::int64_t>(v));
  }
  /// A boolean hyper-parameter, stored as one byte 0 or 1.
  /// @throws lrs::invalid_argument on an empty, too long or repeated name.
  state_writer& hyper(std::string_view name, bool v) {
    begin_hyper(name, detail::state_value_type::boolean);
    hyper_.push_back(v ? 1 : 0);
    return *this;
  }
  /// A string hyper-parameter (u32 length, then the bytes), e.g. an enum's name.
  /// @throws lrs::invalid_argument on an empty, too long or repeated name, or a value of 4 GiB or
  /// more.
  state_writer& hyper(std::string_view name, std::string_view v) {
    begin_hyper(name, detail::state_value_type::string);
    put_string(hyper_, v);
    return *this;
  }
  /// A string hyper-parameter given as a C string (not a bool, which a pointer would convert to).
  /// @throws lrs::invalid_argument on an empty, too long or repeated name.
  state_writer& hyper(std::string_view name, const char* v) {
    return hyper(name, std::string_view(v));
  }

  /// Payload fields.
  state_writer& u8(std::uint8_t v) {
    payload_.push_back(v);
    return *this;
  }
  /// A bool, as one byte 0 or 1 (read back by state_reader::boolean).
  state_writer& boolean(bool v) { return u8(v ? 1 : 0); }
  /// A 32-bit unsigned integer, 4 bytes little-endian.
  state_writer& u32(std::uint32_t v) {
    detail::put_le(payload_, v, 4);
    return *this;
  }
  /// A 64-bit unsigned integer, 8 bytes little-endian.
  state_writer& u64(std::uint64_t v) {
    detail::put_le(payload_, v, 8);
    return *this;
  }
  /// A 64-bit signed integer, 8 bytes little-endian two's complement.
  state_writer& i64(std::int64_t v) { return u64(static_cast<std::uint64_t>(v)); }
  /// A double, its IEEE-754 bit pattern in 8 bytes little-endian (NaN and infinities included).
  state_writer& f64(double v) { return u64(detail::float_bits(v)); }
  /// A float, its IEEE-754 bit pattern in 4 bytes little-endian (NaN and infinities included).
  state_writer& f32(float v) { return u32(detail::float_bits(v)); }
  /// f32 or f64 by the type of v.
  template <class F>
  state_writer& real(F v) {
    static_assert(std::is_same_v<F, float> || std::is_same_v<F, double>);
    if constexpr (std::is_same_v<F, float>)
      return f32(v);
    else
      return f64(v);
  }
  /// u32 length, then the bytes.
  state_writer& string(std::string_view s) {
    put_string(payload_, s);
    return *this;
  }
  /// u64 count, then the values (f32 or f64 by the type, little-endian bit patterns).
  template <class F>
  state_writer& reals(const F* p, std::size_t n) {
    static_assert(std::is_same_v<F, float> || std::is_same_v<F, double>);
    u64(n);
    detail::put_le_array(payload_, p, n);
    return *this;
  }
  template <class F>
  /// The elements of v, as reals(v.data(), v.size()).
  state_writer& reals(const std::vector<F>& v) {
    return reals(v.data(), v.size());
  }
  /// u64 count, then the values.
  state_writer& i64s(const std::vector<std::int64_t>& v) {
    u64(v.size());
    detail::put_le_array(payload_, v.data(), v.size());
    return *this;
  }
  /// u64 length, then the bytes (e.g. another object's state()).
  state_writer& bytes(const unsigned char* p, std::size_t n) {
    u64(n);
    payload_.insert(payload_.end(), p, p + n);
    return *this;
  }
  /// The bytes of b, as bytes(b.data(), b.size()).
  state_writer& bytes(const std::vector<unsigned char>& b) { return bytes(b.data(), b.size()); }

  /// Reserves room for n more payload bytes (optional, saves reallocations; finish() then also
  /// fits the header and checksum without a new allocation).
  void reserve_payload(std::size_t n) { payload_.reserve(payload_.size() + n + reserve_slack); }

  /// The finished state. The writer is empty afterwards.
  [[nodiscard]] std::vector<unsigned char> finish() {
    std::vector<unsigned char> head;
    const std::size_t head_size =
        detail::state_prefix_size + 4 + kind_.size() + 4 + 1 + 4 + hyper_.size() + 8;
    const std::size_t total = head_size + payload_.size() + detail::state_crc_size;
    head.reserve(head_size);
    head.insert(head.end(), detail::state_magic.begin(), detail::state_magic.end());
    detail::put_le(head, state_format_version, 4);
    detail::put_le(head, total, 8);
    put_string(head, kind_);
    detail::put_le(head, kind_version_, 4);
    head.push_back(static_cast<unsigned char>(scalar_));
    detail::put_le(head, hyper_count_, 4);
    head.insert(head.end(), hyper_.begin(), hyper_.end());
    detail::put_le(head, payload_.size(), 8);
    // The payload is the bulk: move it back in its own buffer rather than copying it.
    std::vector<unsigned char> out = std::move(payload_);
    out.reserve(total);
    out.insert(out.begin(), head.begin(), head.end());
    detail::put_le(out, detail::crc32(out.data(), out.size()), 4);
    hyper_.clear();
    payload_.clear();
    names_.clear();
    hyper_count_ = 0;
    return out;
  }

 private:
  static void put_string(std::vector<unsigned char>& out, std::string_view s) {
    detail::require(s.size() <= 0xFFFFFFFFu, "state_writer", "string length", "< 4 GiB", s.size());
    detail::put_le(out, s.size(), 4);
    out.insert(out.end(), s.begin(), s.end());
  }
  void begin_hyper(std::string_view name, detail::state_value_type type) {
    detail::require(!name.empty() && name.size() <= 255, "state_writer", "hyper-parameter name",
                    "1 to 255 bytes long", std::string(name));
    for (const auto& n : names_)
      detail::require(n != name, "state_writer", "hyper-parameter name", "unique",
                      std::string(name));
    names_.emplace_back(name);
    put_string(hyper_, name);
    hyper_.push_back(static_cast<unsigned char>(type));
    ++hyper_count_;
  }

  static constexpr std::size_t reserve_slack = 1024;

  std::string kind_;
  state_scalar scalar_;
  std::uint32_t kind_version_;
  std::uint32_t hyper_count_ = 0;
  std::vector<std::string> names_;
  std::vector<unsigned char> hyper_;
  std::vector<unsigned char> payload_;
};

/// Reads and checks a state written by lrs::state_writer.
///
/// The constructor checks, in this order, and throws lrs::state_error naming the first problem:
/// the magic, the format version (a newer one is refused), the length (truncated or trailing
/// bytes), the CRC-32, the kind, the kind version, the scalar type, and the structure of the
/// hyper-parameters. Payload reads are bounds-checked against the bytes left before anything is
/// allocated. Use it as: construct, hyper(...) for every hyper-parameter, read the payload into
/// temporaries, finish(), then commit the temporaries — so a failed load changes nothing.
/// The reader keeps a pointer into the bytes: they must outlive it.
class state_reader {
 public:
  /// @param data, size the bytes of a state.
  /// @param kind the kind this object writes, e.g. "adam".
  /// @param scalar the scalar type this object has.
  /// @param max_kind_version the newest kind version this object reads.
  /// @throws lrs::state_error as described above.
  state_reader(const unsigned char* data, std::size_t size, std::string_view kind,
               state_scalar scalar = state_scalar::none, std::uint32_t max_kind_version = 1)
      : data_(data), size_(size), kind_(kind) {
    using namespace detail;
    if (size < state_prefix_size) {
      if (size >= 4 && std::memcmp(data, state_magic.data(), 4) != 0) fail_not_state();
      fail("truncated at byte " + std::to_string(size) + " of at least " +
           std::to_string(state_prefix_size + state_crc_size) + " (the header is incomplete)");
    }
    if (std::memcmp(data, state_magic.data(), 4) != 0) fail_not_state();
    const auto version = static_cast<std::uint32_t>(get_le(data + 4, 4));
    if (version > state_format_version)
      fail("checkpoint uses state format version " + std::to_string(version) +
           ", newer than the versions this library reads (1 to " +
           std::to_string(state_format_version) + ")");
    if (version == 0) fail("checkpoint has state format version 0, which does not exist");
    const std::uint64_t total = get_le(data + 8, 8);
    if (size < total)
      fail("truncated at byte " + std::to_string(size) + " of " + std::to_string(total));
    if (size > total)
      fail("the header says " + std::to_string(total) + " bytes, but there are " +
           std::to_string(size) + " (trailing bytes or a corrupt header)");
    if (total < state_prefix_size + state_crc_size + 4 + 4 + 1 + 4 + 8)
      fail("the header says " + std::to_string(total) + " bytes, too short for a state");
    const std::size_t body = size - state_crc_size;
    const auto stored = static_cast<std::uint32_t>(get_le(data + body, 4));
    const std::uint32_t actual = crc32(data, body);
    if (stored != actual)
      fail("checksum mismatch (the bytes were corrupted after they were written)");
    pos_ = state_prefix_size;
    end_ = body;
    const std::string written_by = read_string("kind");
    if (written_by != kind)
      fail("checkpoint was written by " + state_name(written_by) + ", this is " +
           std::string(kind));
    kind_version_ = static_cast<std::uint32_t>(get_le(take(4, "kind version"), 4));
    if (kind_version_ == 0 || kind_version_ > max_kind_version)
      fail("checkpoint has " + std::string(kind) + " state version " +
           std::to_string(kind_version_) + ", this library reads 1 to " +
           std::to_string(max_kind_version));
    const auto sc = static_cast<state_scalar>(*take(1, "scalar type"));
    if (sc != scalar)
      fail(std::string("checkpoint holds ") + scalar_desc(sc) + ", this is " + std::string(kind) +
           " with " + scalar_desc(scalar));
    const auto count = static_cast<std::uint32_t>(get_le(take(4, "hyper-parameter count"), 4));
    // Each hyper-parameter takes at least 4 (name length) + 1 (name) + 1 (type) + 1 bytes.
    if (count > (end_ - pos_) / 7)
      fail("the hyper-parameter count " + std::to_string(count) +
           " is larger than the state can hold");
    hypers_.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) hypers_.push_back(read_hyper());
    const std::uint64_t payload = get_le(take(8, "payload length"), 8);
    hypers_done_ = true;
    if (payload != end_ - pos_)
      fail("the payload length " + std::to_string(payload) + " does not match the " +
           std::to_string(end_ - pos_) + " bytes left");
  }
  /// Reads the state held in `bytes`, which must outlive the reader.
  /// @param bytes the bytes of a state.
  /// @param kind the kind this object writes, e.g. "adam".
  /// @param scalar the scalar type this object has.
  /// @param max_kind_version the newest kind version this object reads.
  /// @throws lrs::state_error as the pointer-and-size constructor.
  state_reader(const std::vector<unsigned char>& bytes, std::string_view kind,
               state_scalar scalar = state_scalar::none, std::uint32_t max_kind_version = 1)
      : state_reader(bytes.data(), bytes.size(), kind, scalar, max_kind_version) {}

  /// Version of the kind's payload layout found in the state.
  [[nodiscard]] std::uint32_t kind_version() const noexcept { return kind_version_; }

  /// Checks that hyper-parameter `name` is in the state with the value `here` (same type):
  /// "hyper-parameter 'momentum' is 0.9 in the checkpoint, 0.95 here". Floats compare as
  /// doubles; NaN equals NaN.
  state_reader& hyper(std::string_view name, double here) {
    const entry& e = find(name, detail::state_value_type::f64);
    const bool same = e.f == here || (std::isnan(e.f) && std::isnan(here));
    if (!same) mismatch(name, detail::format_value(e.f), detail::format_value(here));
    return *this;
  }
  /// As the double overload: `here` is widened to double before the comparison.
  /// @throws lrs::state_error if `name` is missing, not an f64, or holds another value.
  state_reader& hyper(std::string_view name, float here) { return hyper(name, double(here)); }
  /// Checks that integer hyper-parameter `name` is `here`.
  /// @throws lrs::state_error if `name` is missing, not an i64, or holds another value.
  state_reader& hyper(std::string_view name, std::int64_t here) {
    const entry& e = find(name, detail::state_value_type::i64);
    if (e.i != here) mismatch(name, std::to_string(e.i), std::to_string(here));
    return *this;
  }
  /// Any other integer type, compared as i64 (an unsigned value above 2^63 - 1 never matches).
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool> &&
                                          !std::is_same_v<I, std::int64_t>,
                                      int> = 0>
  state_reader& hyper(std::string_view name, I here) {
    if constexpr (std::is_unsigned_v<I>) {
      if (std::uint64_t(here) > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
        const entry& e = find(name, detail::state_value_type::i64);
        mismatch(name, std::to_string(e.i), std::to_string(here));
      }
    }
    return hyper(name, static_cast<std::int64_t>(here));
  }
  /// Checks that boolean hyper-parameter `name` is `here`.
  /// @throws lrs::state_error if `name` is missing, not a bool, or holds another value.
  state_reader& hyper(std::string_view name, bool here) {
    const entry& e = find(name, detail::state_value_type::boolean);
    if (e.b != here) mismatch(name, e.b ? "true" : "false", here ? "true" : "false");
    return *this;
  }
  /// Checks that string hyper-parameter `name` is `here` (byte for byte).
  /// @throws lrs::state_error if `name` is missing, not a string, or holds another value.
  state_reader& hyper(std::string_view name, std::string_view here) {
    const entry& e = find(name, detail::state_value_type::string);
    if (e.s != here) mismatch(name, detail::state_quote(e.s), detail::state_quote(here));
    return *this;
  }
  /// As the std::string_view overload, for a C string.
  /// @throws lrs::state_error if `name` is missing, not a string, or holds another value.
  state_reader& hyper(std::string_view name, const char* here) {
    return hyper(name, std::string_view(here));
  }

  /// The value of a hyper-parameter, for objects that adopt it instead of checking it.
  [[nodiscard]] double hyper_f64(std::string_view name) {
    return find(name, detail::state_value_type::f64).f;
  }
  /// The value of integer hyper-parameter `name`.
  /// @throws lrs::state_error if `name` is missing or not an i64.
  [[nodiscard]] std::int64_t hyper_i64(std::string_view name) {
    return find(name, detail::state_value_type::i64).i;
  }
  /// The value of boolean hyper-parameter `name`.
  /// @throws lrs::state_error if `name` is missing or not a bool.
  [[nodiscard]] bool hyper_bool(std::string_view name) {
    return find(name, detail::state_value_type::boolean).b;
  }
  /// The value of string hyper-parameter `name`.
  /// @throws lrs::state_error if `name` is missing or not a string.
  [[nodiscard]] std::string hyper_string(std::string_view name) {
    return find(name, detail::state_value_type::string).s;
  }

  /// Payload fields, in the order written. `what` names the field in messages.
  [[nodiscard]] std::uint8_t u8(std::string_view what) { return *take(1, what); }
  /// A bool written by state_writer::boolean.
  /// @throws lrs::state_error if the payload is exhausted or the byte is neither 0 nor 1.
  [[nodiscard]] bool boolean(std::string_view what) {
    const std::uint8_t v = u8(what);
    if (v > 1) fail_field(what, std::to_string(v), "0 or 1");
    return v == 1;
  }
  /// A 32-bit unsigned integer (4 bytes little-endian).
  /// @throws lrs::state_error if fewer than 4 payload bytes are left.
  [[nodiscard]] std::uint32_t u32(std::string_view what) {
    return static_cast<std::uint32_t>(detail::get_le(take(4, what), 4));
  }
  /// A 64-bit unsigned integer (8 bytes little-endian).
  /// @throws lrs::state_error if fewer than 8 payload bytes are left.
  [[nodiscard]] std::uint64_t u64(std::string_view what) {
    return detail::get_le(take(8, what), 8);
  }
  /// A 64-bit signed integer (8 bytes little-endian two's complement).
  /// @throws lrs::state_error if fewer than 8 payload bytes are left.
  [[nodiscard]] std::int64_t i64(std::string_view what) {
    return static_cast<std::int64_t>(u64(what));
  }
  /// An integer that must lie in [lo, hi].
  [[nodiscard]] std::int64_t i64(std::string_view what, std::int64_t lo, std::int64_t hi) {
    const std::int64_t v = i64(what);
    if (v < lo || v > hi)
      fail_field(what, std::to_string(v),
                 "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return v;
  }
  /// A double from its IEEE-754 bit pattern (may be NaN or infinite; see finite()).
  /// @throws lrs::state_error if fewer than 8 payload bytes are left.
  [[nodiscard]] double f64(std::string_view what) {
    return detail::float_from_bits<double>(u64(what));
  }
  /// A float from its IEEE-754 bit pattern (may be NaN or infinite; see finite()).
  /// @throws lrs::state_error if fewer than 4 payload bytes are left.
  [[nodiscard]] float f32(std::string_view what) {
    return detail::float_from_bits<float>(u32(what));
  }
  /// f32 or f64 by F.
  template <class F>
  [[nodiscard]] F real(std::string_view what) {
    static_assert(std::is_same_v<F, float> || std::is_same_v<F, double>);
    if constexpr (std::is_same_v<F, float>)
      return f32(what);
    else
      return f64(what);
  }
  /// A finite f32/f64.
  template <class F>
  [[nodiscard]] F finite(std::string_view what) {
    const F v = real<F>(what);
    if (!std::isfinite(v)) fail_field(what, detail::format_value(v), "finite");
    return v;
  }
  /// A string written by state_writer::string (u32 length, then the bytes).
  /// @throws lrs::state_error if the length exceeds the payload bytes left.
  [[nodiscard]] std::string string(std::string_view what) { return read_string(what); }

  /// The u64 count of an array of `elem_size`-byte elements, checked against the bytes left
  /// (overflow-safe) before anything is allocated.
  [[nodiscard]] std::size_t count(std::string_view what, std::size_t elem_size) {
    const std::uint64_t n = u64(what);
    const std::size_t left = end_ - pos_;
    if (elem_size == 0 ? n > left : n > left / elem_size)
      fail(std::string("field '") + std::string(what) + "' says " + std::to_string(n) +
           " elements of " + std::to_string(elem_size) + " bytes, but only " +
           std::to_string(left) + " bytes are left (at byte " + std::to_string(pos_) + " of " +
           std::to_string(size_) + ")");
    return static_cast<std::size_t>(n);
  }
  /// n reals of type F (after a count()) into out.
  template <class F>
  void reals_into(std::string_view what, F* out, std::size_t n) {
    static_assert(std::is_same_v<F, float> || std::is_same_v<F, double>);
    const unsigned char* p = take_array(n, sizeof(F), what);
    detail::get_le_array(p, out, n);
  }
  /// A u64 count and that many reals (as written by state_writer::reals).
  template <class F>
  [[nodiscard]] std::vector<F> reals(std::string_view what) {
    const std::size_t n = count(what, sizeof(F));
    std::vector<F> v(n);
    reals_into(what, v.data(), n);
    return v;
  }
  /// A u64 count and that many 64-bit signed integers (as written by state_writer::i64s).
  /// @throws lrs::state_error if the count exceeds what the payload bytes left can hold.
  [[nodiscard]] std::vector<std::int64_t> i64s(std::string_view what) {
    const std::size_t n = count(what, 8);
    std::vector<std::int64_t> v(n);
    const unsigned char* p = take_array(n, 8, what);
    detail::get_le_array(p, v.data(), n);
    return v;
  }
  /// A u64 length and that many bytes (as written by state_writer::bytes).
  [[nodiscard]] std::vector<unsigned char> bytes(std::string_view what) {
    const std::size_t n = count(what, 1);
    const unsigned char* p = take(n, what);
    return std::vector<unsigned char>(p, p + n);
  }

  /// Payload bytes not read yet.
  [[nodiscard]] std::size_t remaining() const noexcept { return end_ - pos_; }
  /// Offset of the next payload byte in the state.
  [[nodiscard]] std::size_t position() const noexcept { return pos_; }

  /// Checks that the payload was read to its end and every hyper-parameter was checked.
  void finish() const {
    if (pos_ != end_)
      fail(std::to_string(end_ - pos_) + " unread bytes at the end of the payload (byte " +
           std::to_string(pos_) + " of " + std::to_string(size_) + ")");
    for (const auto& e : hypers_)
      if (!e.used)
        fail("checkpoint has hyper-parameter " + detail::state_quote(e.name) + ", which " +
             std::string(kind_) + " does not have");
  }

  /// Throws lrs::state_error "lrs::<kind>: load_state: <what>".
  [[noreturn]] void fail(const std::string& what) const {
    std::string msg = "lrs::";
    msg.append(kind_).append(": load_state: ").append(what);
    LRS_THROW(state_error(msg));
  }
  /// Throws "field '<what>' is <value> in the checkpoint; it must be <rule>".
  [[noreturn]] void fail_field(std::string_view what, const std::string& value,
                               const std::string& rule) const {
    fail("field '" + std::string(what) + "' is " + value + " in the checkpoint; it must be " +
         rule);
  }

 private:
  struct entry {
    std::string name;
    detail::state_value_type type{};
    double f = 0;
    std::int64_t i = 0;
    bool b = false;
    std::string s;
    bool used = false;
  };

  static const char* type_desc(detail::state_value_type t) {
    switch (t) {
      case detail::state_value_type::f64:
        return "a number";
      case detail::state_value_type::i64:
        return "an integer";
      case detail::state_value_type::boolean:
        return "true/false";
      case detail::state_value_type::string:
        return "a name";
    }
    return "of an unknown type";
  }
  static std::string scalar_desc(state_scalar s) {
    switch (s) {
      case state_scalar::none:
        return "no scalar type";
      case state_scalar::f32:
        return "float values";
      case state_scalar::f64:
        return "double values";
    }
    return "an unknown scalar type (" + std::to_string(int(s)) + ")";
  }

  [[noreturn]] void fail_not_state() const {
    fail("not an lrs state (it does not start with \"LRSS\")");
  }

  const unsigned char* take(std::size_t n, std::string_view what) {
    if (n > end_ - pos_)
      fail("field '" + std::string(what) + "' needs " + std::to_string(n) + " bytes at byte " +
           std::to_string(pos_) + ", but the " + (payload_started() ? "payload" : "header") +
           " ends at byte " + std::to_string(end_));
    const unsigned char* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  const unsigned char* take_array(std::size_t n, std::size_t elem, std::string_view what) {
    if (n > (end_ - pos_) / elem)
      fail("field '" + std::string(what) + "' needs " + std::to_string(n) + " elements of " +
           std::to_string(elem) + " bytes at byte " + std::to_string(pos_) +
           ", but the payload ends at byte " + std::to_string(end_));
    return take(n * elem, what);
  }
  bool payload_started() const noexcept { return hypers_done_; }

  std::string read_string(std::string_view what) {
    const auto n = static_cast<std::uint32_t>(detail::get_le(take(4, what), 4));
    if (n > end_ - pos_)
      fail("field '" + std::string(what) + "' says " + std::to_string(n) + " bytes at byte " +
           std::to_string(pos_) + ", but only " + std::to_string(end_ - pos_) + " are left");
    const auto* p = reinterpret_cast<const char*>(take(n, what));
    return std::string(p, n);
  }

  entry read_hyper() {
    entry e;
    e.name = read_string("hyper-parameter name");
    if (e.name.empty()) fail("a hyper-parameter has an empty name");
    for (const auto& h : hypers_)
      if (h.name == e.name)
        fail("hyper-parameter " + detail::state_quote(e.name) + " appears twice");
    const std::uint8_t t = *take(1, "hyper-parameter type");
    e.type = static_cast<detail::state_value_type>(t);
    switch (e.type) {
      case detail::state_value_type::f64:
        e.f = detail::float_from_bits<double>(detail::get_le(take(8, e.name), 8));
        break;
      case detail::state_value_type::i64:
        e.i = static_cast<std::int64_t>(detail::get_le(take(8, e.name), 8));
        break;
      case detail::state_value_type::boolean: {
        const std::uint8_t b = *take(1, e.name);
        if (b > 1) fail("hyper-parameter " + detail::state_quote(e.name) + " is not true/false");
        e.b = b == 1;
        break;
      }
      case detail::state_value_type::string:
        e.s = read_string(e.name);
        break;
      default:
        fail("hyper-parameter " + detail::state_quote(e.name) + " has an unknown type (" +
             std::to_string(t) + ")");
    }
    return e;
  }

  const entry& find(std::string_view name, detail::state_value_type type) {
    for (auto& e : hypers_) {
      if (e.name != name) continue;
      if (e.type != type)
        fail("hyper-parameter '" + std::string(name) + "' is " + type_desc(e.type) +
             " in the checkpoint, " + type_desc(type) + " here");
      e.used = true;
      return e;
    }
    fail("checkpoint has no hyper-parameter '" + std::string(name) + "'");
  }

  [[noreturn]] void mismatch(std::string_view name, const std::string& there,
                             const std::string& here) const {
    fail("hyper-parameter '" + std::string(name) + "' is " + there + " in the checkpoint, " + here +
         " here");
  }

  const unsigned char* data_;
  std::size_t size_;
  std::string_view kind_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint32_t kind_version_ = 0;
  bool hypers_done_ = false;
  std::vector<entry> hypers_;
};

}  // namespace lrs

#endif  // LRS_CORE_STATE_HPP
