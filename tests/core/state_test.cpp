// SPDX-License-Identifier: MIT
// lrs::state_writer / lrs::state_reader: the golden bytes of tests/data/state/make_golden.py
// (Python struct, explicit little-endian, zlib.crc32), every truncation and bit flip, and the
// messages of each kind of mismatch.
#include <lrs/core/state.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "support/errors.hpp"
#include "support/state_corruption.hpp"

namespace {

using lrs_test::message_of;

std::vector<unsigned char> read_golden(const std::string& name) {
  const std::string path = std::string(LRS_TEST_DATA_DIR) + "/state/" + name;
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(f),
                                    std::istreambuf_iterator<char>());
}

// The same state as make_golden.py's `generic`, through the C++ writer.
std::vector<unsigned char> write_generic() {
  lrs::state_writer w("golden", lrs::state_scalar::f64);
  w.hyper("alpha", 0.1).hyper("count", -3).hyper("flag", true).hyper("mode", "min");
  w.u8(7).u32(0xDEADBEEFu).i64(-2).f64(-1.5).f32(0.25f).string("plateau");
  w.reals(std::vector<double>{1.0, 0.1, -0.0, std::numeric_limits<double>::infinity(), 5e-324});
  w.reals(std::vector<float>{0.5f, -3.0f});
  w.i64s({1, -1, std::int64_t(1) << 62});
  w.bytes(std::vector<unsigned char>{0xAB, 0xCD});
  return w.finish();
}

void read_generic(const std::vector<unsigned char>& bytes) {
  lrs::state_reader r(bytes, "golden", lrs::state_scalar::f64);
  CHECK(r.kind_version() == 1);
  r.hyper("alpha", 0.1);
  r.hyper("count", -3);
  r.hyper("flag", true);
  r.hyper("mode", "min");
  CHECK(r.u8("u8") == 7);
  CHECK(r.u32("u32") == 0xDEADBEEFu);
  CHECK(r.i64("i64") == -2);
  CHECK(r.f64("f64") == -1.5);
  CHECK(r.f32("f32") == 0.25f);
  CHECK(r.string("string") == "plateau");
  const auto d = r.reals<double>("doubles");
  REQUIRE(d.size() == 5);
  CHECK(d[0] == 1.0);
  CHECK(d[1] == 0.1);
  CHECK((d[2] == 0.0 && std::signbit(d[2])));
  CHECK(d[3] == std::numeric_limits<double>::infinity());
  CHECK(d[4] == std::numeric_limits<double>::denorm_min());
  CHECK(r.reals<float>("floats") == std::vector<float>{0.5f, -3.0f});
  CHECK(r.i64s("ints") == std::vector<std::int64_t>{1, -1, std::int64_t(1) << 62});
  CHECK(r.bytes("bytes") == std::vector<unsigned char>{0xAB, 0xCD});
  r.finish();
}

}  // namespace

TEST_CASE("a golden state written by Python's struct decodes to its values", "[core][state]") {
  const auto golden = read_golden("generic.bin");
  REQUIRE(golden.size() == 251);
  read_generic(golden);
}

TEST_CASE("the C++ writer produces the golden bytes exactly", "[core][state]") {
  CHECK(write_generic() == read_golden("generic.bin"));
}

TEST_CASE("CRC-32 is zlib's", "[core][state]") {
  // zlib.crc32(b"123456789") == 0xCBF43926, the CRC-32 check value.
  const char* s = "123456789";
  CHECK(lrs::detail::crc32(reinterpret_cast<const unsigned char*>(s), 9) == 0xCBF43926u);
  CHECK(lrs::detail::crc32(nullptr, 0) == 0u);
  // Lengths around the 8-byte steps; expected values from Python's zlib.crc32 on
  // bytes(((i*31+7)*(i//251+1))%256 for i in range(n)).
  std::vector<unsigned char> d(100003);
  for (std::size_t i = 0; i < d.size(); ++i)
    d[i] = static_cast<unsigned char>(((i * 31 + 7) * (i / 251 + 1)) % 256);
  const std::pair<std::size_t, std::uint32_t> expected[] = {
      {1, 0x4c667a2eu},  {7, 0x3e483922u},     {8, 0xa7560428u},  {9, 0xca12fefeu},
      {15, 0x8f77fabbu}, {16, 0x0636a895u},    {17, 0x71b8d951u}, {63, 0x794b269du},
      {64, 0x84c86088u}, {100003, 0x55f0967cu}};
  for (const auto& [n, crc] : expected) {
    INFO("n = " << n);
    CHECK(lrs::detail::crc32(d.data(), n) == crc);
  }
  // Continuing a CRC over two pieces gives the CRC of the whole.
  CHECK(lrs::detail::crc32(d.data() + 13, 100003 - 13, lrs::detail::crc32(d.data(), 13)) ==
        0x55f0967cu);
}

TEST_CASE("little-endian helpers do not depend on the host", "[core][state]") {
  const unsigned char b[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  CHECK(lrs::detail::get_le(b, 8) == 0x0807060504030201ull);
  CHECK(lrs::detail::get_le(b, 4) == 0x04030201ull);
  std::vector<unsigned char> out;
  lrs::detail::put_le(out, 0x0807060504030201ull, 8);
  CHECK(out == std::vector<unsigned char>(b, b + 8));
  // 0.1 is 0x3FB999999999999A in IEEE binary64.
  CHECK(lrs::detail::float_bits(0.1) == 0x3FB999999999999Aull);
}

TEST_CASE("every truncation and every single-bit flip of a state throws lrs::state_error",
          "[core][state][error]") {
  const auto good = read_golden("generic.bin");
  CHECK(lrs_test::accepted_corruptions(good, [](const auto& bad) { read_generic(bad); }) == 0);
}

TEST_CASE("state errors say what is wrong in the user's terms", "[core][state][error]") {
  const auto good = read_golden("generic.bin");
  const auto size = std::to_string(good.size());
  CHECK(message_of<lrs::state_error>([&] {
          lrs::state_reader r(good, "adam", lrs::state_scalar::f64);
        }) == "lrs::adam: load_state: checkpoint was written by golden, this is adam");
  CHECK(message_of<lrs::state_error>(
            [&] { lrs::state_reader r(good, "golden", lrs::state_scalar::f32); }) ==
        "lrs::golden: load_state: checkpoint holds double values, this is golden with float "
        "values");
  CHECK(message_of<lrs::state_error>([&] {
          lrs::state_reader r(good.data(), 200, "golden", lrs::state_scalar::f64);
        }) == "lrs::golden: load_state: truncated at byte 200 of " + size);
  CHECK(message_of<lrs::state_error>(
            [&] { lrs::state_reader r(good.data(), 9, "golden", lrs::state_scalar::f64); }) ==
        "lrs::golden: load_state: truncated at byte 9 of at least 20 (the header is "
        "incomplete)");
  auto longer = good;
  longer.push_back(0);
  CHECK(message_of<lrs::state_error>([&] {
          lrs::state_reader r(longer, "golden", lrs::state_scalar::f64);
        }) == "lrs::golden: load_state: the header says " + size + " bytes, but there are " +
                  std::to_string(good.size() + 1) + " (trailing bytes or a corrupt header)");
  auto flipped = good;
  flipped[100] ^= 4;
  CHECK(message_of<lrs::state_error>(
            [&] { lrs::state_reader r(flipped, "golden", lrs::state_scalar::f64); }) ==
        "lrs::golden: load_state: checksum mismatch (the bytes were corrupted after they were "
        "written)");
  const std::vector<unsigned char> text{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l',
                                        'd', '!', '!', '!', '!', '!', '!', '!', '!', '!'};
  CHECK(message_of<lrs::state_error>([&] { lrs::state_reader r(text, "golden"); }) ==
        "lrs::golden: load_state: not an lrs state (it does not start with \"LRSS\")");

  // Version from the future: the format version field (bytes 4..7) says 2.
  auto future = good;
  future[4] = 2;
  CHECK(message_of<lrs::state_error>(
            [&] { lrs::state_reader r(future, "golden", lrs::state_scalar::f64); }) ==
        "lrs::golden: load_state: checkpoint uses state format version 2, newer than the "
        "versions this library reads (1 to 1)");
  lrs::state_writer w2("golden", lrs::state_scalar::f64, 3);
  const auto v3 = w2.finish();
  CHECK(message_of<lrs::state_error>(
            [&] { lrs::state_reader r(v3, "golden", lrs::state_scalar::f64, 2); }) ==
        "lrs::golden: load_state: checkpoint has golden state version 3, this library reads 1 "
        "to 2");

  lrs::state_reader r(good, "golden", lrs::state_scalar::f64);
  CHECK(message_of<lrs::state_error>([&] { r.hyper("alpha", 0.2); }) ==
        "lrs::golden: load_state: hyper-parameter 'alpha' is 0.1 in the checkpoint, 0.2 here");
  CHECK(message_of<lrs::state_error>([&] { r.hyper("mode", "max"); }) ==
        "lrs::golden: load_state: hyper-parameter 'mode' is 'min' in the checkpoint, 'max' here");
  CHECK(message_of<lrs::state_error>([&] { r.hyper("flag", 1.0); }) ==
        "lrs::golden: load_state: hyper-parameter 'flag' is true/false in the checkpoint, a "
        "number here");
  CHECK(message_of<lrs::state_error>([&] { r.hyper("momentum", 0.9); }) ==
        "lrs::golden: load_state: checkpoint has no hyper-parameter 'momentum'");
  r.hyper("alpha", 0.1);
  r.hyper("count", -3);
  r.hyper("flag", true);
  CHECK(message_of<lrs::state_error>([&] { (void)r.i64("u8 as i64", 0, 10); }) ==
        "lrs::golden: load_state: field 'u8 as i64' is -1242625544441 in the checkpoint; "
        "it must be in [0, 10]");
  CHECK(message_of<lrs::state_error>([&] {
          r.finish();
        }).find("unread bytes at the end of the payload") != std::string::npos);
}

TEST_CASE("unknown hyper-parameters and unread payload are errors", "[core][state][error]") {
  const auto good = write_generic();
  lrs::state_reader r(good, "golden", lrs::state_scalar::f64);
  r.hyper("alpha", 0.1);
  r.hyper("count", -3);
  r.hyper("flag", true);
  (void)r.u8("u8");
  (void)r.u32("u32");
  (void)r.i64("i64");
  (void)r.f64("f64");
  (void)r.f32("f32");
  (void)r.string("string");
  (void)r.reals<double>("d");
  (void)r.reals<float>("f");
  (void)r.i64s("i");
  (void)r.bytes("b");
  CHECK(message_of<lrs::state_error>([&] { r.finish(); }) ==
        "lrs::golden: load_state: checkpoint has hyper-parameter 'mode', which golden does not "
        "have");
}

TEST_CASE("a count whose size in bytes wraps is refused before allocating",
          "[core][state][error]") {
  for (const std::uint64_t n : {std::uint64_t(1) << 61, std::uint64_t(1) << 63, ~std::uint64_t(0),
                                (~std::uint64_t(0)) / 8 + 1}) {
    lrs::state_writer w("wrap", lrs::state_scalar::f64);
    w.u64(n).f64(1.0);  // n * 8 wraps (or is absurd); one real follows
    const auto bytes = w.finish();
    lrs::state_reader r(bytes, "wrap", lrs::state_scalar::f64);
    const std::string msg = message_of<lrs::state_error>([&] { (void)r.reals<double>("exp_avg"); });
    INFO(msg);
    CHECK(msg.rfind("lrs::wrap: load_state: field 'exp_avg' says " + std::to_string(n) +
                        " elements of 8 bytes, but only 8 bytes are left",
                    0) == 0);
  }
  lrs::state_writer w("wrap");
  w.u32(0xFFFFFFFFu);  // a string length of 4 GiB with 0 bytes after it
  const auto bytes = w.finish();
  lrs::state_reader r(bytes, "wrap");
  CHECK_THROWS_AS(r.string("name"), lrs::state_error);
}

TEST_CASE("a crafted hyper-parameter count cannot make the reader allocate",
          "[core][state][error]") {
  auto good = write_generic();
  // Hyper-parameter count at 16 + 4 + 6 ("golden") + 4 + 1 = 31; set it to 2^32 - 1 and reseal.
  good[31] = good[32] = good[33] = good[34] = 0xFF;
  const std::size_t body = good.size() - 4;
  const std::uint32_t crc = lrs::detail::crc32(good.data(), body);
  for (int i = 0; i < 4; ++i)
    good[body + std::size_t(i)] = static_cast<unsigned char>(crc >> (8 * i));
  CHECK(message_of<lrs::state_error>(
            [&] { lrs::state_reader r(good, "golden", lrs::state_scalar::f64); }) ==
        "lrs::golden: load_state: the hyper-parameter count 4294967295 is larger than the state "
        "can hold");
}

TEST_CASE("state_writer rejects bad kinds and repeated names", "[core][state][error]") {
  CHECK_THROWS_AS(lrs::state_writer(""), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::state_writer(std::string(256, 'k')), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::state_writer("k", lrs::state_scalar::none, 0), lrs::invalid_argument);
  lrs::state_writer w("k");
  w.hyper("a", 1.0);
  CHECK_THROWS_AS(w.hyper("a", 2.0), lrs::invalid_argument);
  CHECK_THROWS_AS(w.hyper("", 2.0), lrs::invalid_argument);
}

TEST_CASE("lrs::state_error is an lrs::invalid_argument", "[core][state]") {
  const auto good = write_generic();
  CHECK_THROWS_AS(lrs::state_reader(good, "other"), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::state_reader(good, "other"), std::invalid_argument);
}
