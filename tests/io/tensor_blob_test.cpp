// SPDX-License-Identifier: MIT
// lrs::tensor_blob / lrs::load_tensor_blob: bit-exact round trips (NaN payloads, -0, subnormals),
// the byte layout against IEEE-754, and every refused blob (size, scalar type, truncation, a
// flipped bit, another kind of state) leaving the target unchanged.
#include <lrs/io/checkpoint.hpp>
#include <lrs/io/tensor_blob.hpp>
#include <lrs/optim.hpp>

#include <Eigen/Core>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "catch.hpp"
#include "support/errors.hpp"

namespace {

using lrs_test::message_of;

using bytes_t = std::vector<unsigned char>;

double from_bits(std::uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}
float from_bits32(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}
template <class T>
bytes_t raw_bytes(const T* p, std::size_t n) {
  bytes_t b(n * sizeof(T));
  if (n) std::memcpy(b.data(), p, b.size());
  return b;
}

// Bit patterns chosen by hand from IEEE-754 binary64: quiet NaNs with payloads (both signs), a
// signalling NaN, -0, +0, the smallest and largest subnormals, the smallest normal, +-inf, max.
const std::vector<std::uint64_t> special64 = {
    0x7ff8000000000123ULL, 0xfff80000deadbeefULL, 0x7ff0000000000001ULL, 0x8000000000000000ULL,
    0x0000000000000000ULL, 0x0000000000000001ULL, 0x000fffffffffffffULL, 0x0010000000000000ULL,
    0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7fefffffffffffffULL, 0x3ff0000000000000ULL};
const std::vector<std::uint32_t> special32 = {0x7fc00123U, 0xffc0beefU, 0x7f800001U, 0x80000000U,
                                              0x00000001U, 0x007fffffU, 0x7f800000U, 0x3f800000U};

}  // namespace

TEST_CASE("tensor_blob round trips doubles bit for bit, NaN payloads, -0 and subnormals included",
          "[io][tensor_blob]") {
  Eigen::VectorXd w(static_cast<Eigen::Index>(special64.size()));
  for (std::size_t i = 0; i < special64.size(); ++i)
    w[static_cast<Eigen::Index>(i)] = from_bits(special64[i]);
  const bytes_t blob = lrs::tensor_blob(w);
  Eigen::VectorXd back = Eigen::VectorXd::Zero(w.size());
  lrs::load_tensor_blob(blob, back);
  CHECK(raw_bytes(back.data(), static_cast<std::size_t>(back.size())) ==
        raw_bytes(w.data(), static_cast<std::size_t>(w.size())));

  // The same bytes from a pointer and a count, and from a std::vector.
  CHECK(lrs::tensor_blob(w.data(), static_cast<std::size_t>(w.size())) == blob);
  const std::vector<double> v(w.data(), w.data() + w.size());
  CHECK(lrs::tensor_blob(v) == blob);
  std::vector<double> v_back(v.size(), 0.0);
  lrs::load_tensor_blob(blob, v_back);
  CHECK(raw_bytes(v_back.data(), v_back.size()) == raw_bytes(v.data(), v.size()));
}

TEST_CASE("tensor_blob round trips floats bit for bit", "[io][tensor_blob]") {
  Eigen::VectorXf w(static_cast<Eigen::Index>(special32.size()));
  for (std::size_t i = 0; i < special32.size(); ++i)
    w[static_cast<Eigen::Index>(i)] = from_bits32(special32[i]);
  Eigen::VectorXf back = Eigen::VectorXf::Zero(w.size());
  lrs::load_tensor_blob(lrs::tensor_blob(w), back);
  CHECK(raw_bytes(back.data(), static_cast<std::size_t>(back.size())) ==
        raw_bytes(w.data(), static_cast<std::size_t>(w.size())));
}

TEST_CASE("tensor_blob: views, maps and empty arrays", "[io][tensor_blob]") {
  Eigen::VectorXd w = Eigen::VectorXd::LinSpaced(6, -1.0, 1.5);
  Eigen::VectorXd target = Eigen::VectorXd::Constant(6, 7.0);
  lrs::load_tensor_blob(lrs::tensor_blob(w.head(3)), target.tail(3));  // a block, written into
  CHECK(target[0] == 7.0);
  CHECK(target[2] == 7.0);
  CHECK(target[3] == -1.0);
  CHECK(target[4] == -0.5);
  CHECK(target[5] == 0.0);

  double raw[2] = {0.0, 0.0};
  lrs::load_tensor_blob(lrs::tensor_blob(w.segment(1, 2)), Eigen::Map<Eigen::VectorXd>(raw, 2));
  CHECK(raw[0] == -0.5);
  CHECK(raw[1] == 0.0);

  const std::vector<double> none;
  std::vector<double> none_back;
  lrs::load_tensor_blob(lrs::tensor_blob(none), none_back);
  CHECK(none_back.empty());
  lrs::load_tensor_blob(lrs::tensor_blob(static_cast<const double*>(nullptr), 0),
                        static_cast<double*>(nullptr), 0);
}

TEST_CASE("tensor_blob layout: the lrs state format with the IEEE-754 bits little-endian",
          "[io][tensor_blob]") {
  // One double 1.0 (bits 0x3ff0000000000000): the payload ends with the count 1 and those 8
  // bytes little-endian, then the 4-byte CRC; the header starts with "LRSS" and says "tensor".
  const double one = 1.0;
  const bytes_t b = lrs::tensor_blob(&one, 1);
  REQUIRE(b.size() > 4 + 16);
  CHECK(std::string(b.begin(), b.begin() + 4) == "LRSS");
  const bytes_t count_and_value(b.end() - 4 - 16, b.end() - 4);
  CHECK(count_and_value ==
        bytes_t{1, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f});
  CHECK(std::string(b.begin(), b.end()).find("tensor") != std::string::npos);
}

TEST_CASE("load_tensor_blob refuses a blob that does not fit and leaves the target unchanged",
          "[io][tensor_blob][error]") {
  const Eigen::VectorXd w = Eigen::VectorXd::LinSpaced(4, 0.25, 1.0);
  const bytes_t blob = lrs::tensor_blob(w);
  const Eigen::VectorXd before = Eigen::VectorXd::Constant(5, -3.0);

  SECTION("another number of values") {
    Eigen::VectorXd t = before;
    CHECK(message_of<lrs::state_error>([&] { lrs::load_tensor_blob(blob, t); }) ==
          "lrs::tensor: load_state: the blob holds 4 values, the target has 5");
    CHECK(t == before);
    std::vector<double> three(3, 9.0);
    CHECK(message_of<lrs::state_error>([&] { lrs::load_tensor_blob(blob, three); }) ==
          "lrs::tensor: load_state: the blob holds 4 values, the target has 3");
    CHECK(three == std::vector<double>(3, 9.0));
  }
  SECTION("another scalar type") {
    Eigen::VectorXf t = Eigen::VectorXf::Constant(4, -3.0f);
    const std::string m = message_of<lrs::state_error>([&] { lrs::load_tensor_blob(blob, t); });
    CHECK(m.find("lrs::tensor: load_state:") == 0);
    CHECK(m.find("double") != std::string::npos);
    CHECK(m.find("float") != std::string::npos);
    CHECK(t == Eigen::VectorXf::Constant(4, -3.0f));
  }
  SECTION("truncated, at every length") {
    Eigen::VectorXd t = Eigen::VectorXd::Constant(4, -3.0);
    for (std::size_t n = 0; n < blob.size(); ++n) {
      const bytes_t cut(blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(n));
      const std::string m = message_of<lrs::state_error>([&] { lrs::load_tensor_blob(cut, t); });
      INFO("length " << n << ": " << m);
      CHECK(m.find("lrs::tensor: load_state: truncated at byte " + std::to_string(n)) == 0);
    }
    CHECK(t == Eigen::VectorXd::Constant(4, -3.0));
  }
  SECTION("one bit flipped in the values") {
    Eigen::VectorXd t = Eigen::VectorXd::Constant(4, -3.0);
    for (std::size_t byte = blob.size() - 4 - 32; byte < blob.size() - 4; ++byte)
      for (int bit = 0; bit < 8; ++bit) {
        bytes_t bad = blob;
        bad[byte] = static_cast<unsigned char>(bad[byte] ^ (1u << bit));
        const std::string m = message_of<lrs::state_error>([&] { lrs::load_tensor_blob(bad, t); });
        INFO("byte " << byte << " bit " << bit << ": " << m);
        CHECK(m.find("checksum mismatch") != std::string::npos);
      }
    CHECK(t == Eigen::VectorXd::Constant(4, -3.0));
  }
  SECTION("another kind of state") {
    Eigen::VectorXd t = Eigen::VectorXd::Constant(4, -3.0);
    const lrs::adam<double> opt;
    CHECK(message_of<lrs::state_error>([&] { lrs::load_tensor_blob(opt.state(), t); }) ==
          "lrs::tensor: load_state: checkpoint was written by adam, this is tensor");
    CHECK(t == Eigen::VectorXd::Constant(4, -3.0));
  }
}

TEST_CASE("weights in a checkpoint file with tensor_blob, no memcpy", "[io][tensor_blob]") {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("lrs_tensor_blob_" + std::to_string(std::random_device{}()) + ".ckpt"))
                        .string();
  Eigen::VectorXd w(3);
  w << -0.0, from_bits(0x7ff800000000abcdULL), 5e-324;
  lrs::checkpoint c;
  c.add("weights", lrs::tensor_blob(w));
  lrs::save_checkpoint(path, c);
  Eigen::VectorXd back = Eigen::VectorXd::Ones(3);
  lrs::load_tensor_blob(lrs::load_checkpoint(path).at("weights"), back);
  std::filesystem::remove(path);
  CHECK(raw_bytes(back.data(), 3) == raw_bytes(w.data(), 3));
}
