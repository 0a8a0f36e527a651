// SPDX-License-Identifier: MIT
// Every stateful object declares its hyper-parameters once (visit_hyper, used by state() and
// load_state()). Checked here: (1) the state bytes of each kind are those the code wrote before
// that change (tests/data/state/hyper_golden.txt, see make_hyper_golden.cpp), and (2) a state
// whose value of any one hyper-parameter differs is refused with a message naming that
// hyper-parameter, the saved value and the current one. The hyper-parameters are found by
// decoding the bytes with the layout of docs/state.md (written out below, independently of
// lrs::state_reader), so every one the object writes is tried, and the CRC is recomputed here.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/hyper_state_objects.hpp"

namespace {

using hyper_state::bytes_t;

std::uint64_t get_le(const bytes_t& b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | b.at(at + static_cast<std::size_t>(i));
  return v;
}

// CRC-32 (IEEE 802.3, reflected, as zlib.crc32), bit by bit.
std::uint32_t crc32(const unsigned char* p, std::size_t n) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

enum hyper_type : unsigned char { f64 = 1, i64 = 2, boolean = 3, string = 4 };

struct hyper {
  std::string name;
  hyper_type type;
  std::size_t at;    // offset of the value (for a string: of its u32 length)
  std::size_t size;  // bytes of the value (for a string: 4 + length)
};

struct decoded {
  std::string kind;
  std::vector<hyper> hypers;
  std::size_t payload_at = 0;
};

// docs/state.md: "LRSS", u32 format version, u64 total size, kind (u32 length + bytes), u32 kind
// version, u8 scalar, u32 hyper-parameter count, each (u32 length + name, u8 type, value), u64
// payload size, payload, u32 CRC-32 of everything before it.
decoded decode(const bytes_t& b) {
  REQUIRE(b.size() >= 20);
  REQUIRE(std::string(b.begin(), b.begin() + 4) == "LRSS");
  REQUIRE(get_le(b, 8, 8) == b.size());
  REQUIRE(get_le(b, b.size() - 4, 4) == crc32(b.data(), b.size() - 4));
  decoded d;
  std::size_t at = 16;
  auto str = [&] {
    const auto n = static_cast<std::size_t>(get_le(b, at, 4));
    std::string s(b.begin() + static_cast<std::ptrdiff_t>(at + 4),
                  b.begin() + static_cast<std::ptrdiff_t>(at + 4 + n));
    at += 4 + n;
    return s;
  };
  d.kind = str();
  at += 4 + 1;
  const auto count = get_le(b, at, 4);
  at += 4;
  for (std::uint64_t i = 0; i < count; ++i) {
    hyper h;
    h.name = str();
    h.type = static_cast<hyper_type>(b.at(at++));
    h.at = at;
    switch (h.type) {
      case f64:
      case i64:
        h.size = 8;
        break;
      case boolean:
        h.size = 1;
        break;
      case string:
        h.size = 4 + static_cast<std::size_t>(get_le(b, at, 4));
        break;
      default:
        FAIL("unknown hyper-parameter type " << int(h.type));
    }
    at += h.size;
    d.hypers.push_back(h);
  }
  d.payload_at = at;
  REQUIRE(at + 8 + get_le(b, at, 8) + 4 == b.size());
  return d;
}

std::map<std::string, bytes_t> golden() {
  std::ifstream in(LRS_TEST_DATA_DIR "/state/hyper_golden.txt");
  REQUIRE(in.good());
  std::map<std::string, bytes_t> out;
  std::string name, hex;
  while (in >> name >> hex) {
    bytes_t b;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
      b.push_back(static_cast<unsigned char>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    out[name] = b;
  }
  return out;
}

// The state without the value of string hyper-parameter `skip` (and without the sizes and CRC
// that depend on its length).
bytes_t without_value(const bytes_t& b, const std::string& skip) {
  const decoded d = decode(b);
  bytes_t out(b.begin() + 16, b.end() - 4);
  for (const hyper& h : d.hypers)
    if (h.name == skip) {
      bytes_t cut(b.begin() + 16, b.begin() + static_cast<std::ptrdiff_t>(h.at));
      cut.insert(cut.end(), b.begin() + static_cast<std::ptrdiff_t>(h.at + h.size), b.end() - 4);
      return cut;
    }
  return out;
}

std::string format_i64(const bytes_t& b, std::size_t at) {
  return std::to_string(static_cast<std::int64_t>(get_le(b, at, 8)));
}

}  // namespace

TEST_CASE("every stateful object writes the bytes it wrote before visit_hyper", "[state][hyper]") {
  const auto gold = golden();
  const auto states = hyper_state::all_states();
  CHECK(states.size() == gold.size());
  for (const auto& e : states) {
    INFO(e.name);
    const auto it = gold.find(e.name);
    REQUIRE(it != gold.end());
    if (e.name.rfind("plateau_scaled", 0) == 0) {
      // The schedule's type name is spelled by the compiler: everything else must be equal.
      CHECK(without_value(e.bytes, "schedule") == without_value(it->second, "schedule"));
    } else {
      CHECK(e.bytes == it->second);
    }
    // and the object loads its own state and the golden one
    CHECK_NOTHROW(e.load(e.bytes));
    CHECK_NOTHROW(e.load(it->second));
  }
}

TEST_CASE("a state with any one hyper-parameter changed is refused, naming it and both values",
          "[state][hyper]") {
  int tried = 0;
  for (const auto& e : hyper_state::all_states()) {
    const decoded d = decode(e.bytes);
    REQUIRE_FALSE(d.hypers.empty());
    for (const hyper& h : d.hypers) {
      INFO(e.name << ": hyper-parameter " << h.name);
      bytes_t b = e.bytes;
      std::string saved, here;  // as the message must show them (empty: not checked)
      switch (h.type) {
        case f64: {
          double v;
          const std::uint64_t bits = get_le(b, h.at, 8);
          std::memcpy(&v, &bits, 8);
          const double w = (std::isnan(v) || v == 0) ? 1.0 : -v;
          std::uint64_t wb;
          std::memcpy(&wb, &w, 8);
          for (int i = 0; i < 8; ++i) b[h.at + i] = static_cast<unsigned char>(wb >> (8 * i));
          break;
        }
        case i64: {
          here = format_i64(b, h.at);
          b[h.at] = static_cast<unsigned char>(b[h.at] ^ 1u);  // +-1
          saved = format_i64(b, h.at);
          break;
        }
        case boolean:
          here = b[h.at] ? "true" : "false";
          b[h.at] = static_cast<unsigned char>(b[h.at] ^ 1u);
          saved = b[h.at] ? "true" : "false";
          break;
        case string: {
          REQUIRE(h.size > 4);  // every string hyper-parameter here is non-empty
          const std::size_t last = h.at + h.size - 1;
          here = "'" + std::string(b.begin() + h.at + 4, b.begin() + h.at + h.size) + "'";
          b[last] = b[last] == 'x' ? 'y' : 'x';
          saved = "'" + std::string(b.begin() + h.at + 4, b.begin() + h.at + h.size) + "'";
          break;
        }
      }
      const std::uint32_t c = crc32(b.data(), b.size() - 4);
      for (int i = 0; i < 4; ++i) b[b.size() - 4 + i] = static_cast<unsigned char>(c >> (8 * i));

      if (e.name.rfind("plateau_scaled", 0) == 0 && h.name == "schedule") {
        CHECK_NOTHROW(e.load(b));  // the type name is for the message only
        continue;
      }
      std::string msg;
      try {
        e.load(b);
      } catch (const lrs::state_error& x) {
        msg = x.what();
      }
      INFO(msg);
      REQUIRE_FALSE(msg.empty());
      CHECK(msg.rfind("lrs::" + d.kind + ": load_state: ", 0) == 0);
      ++tried;
      if (h.name.rfind("schedule", 0) == 0) {
        // plateau_scaled's fingerprint of its schedule: refused as another schedule
        CHECK(msg.find("the state was saved around another schedule") != std::string::npos);
        if (h.name == "schedule.max_value")
          CHECK(msg.find("its max_value() is ") != std::string::npos);
        else
          CHECK(msg.find("at step " + h.name.substr(9, h.name.size() - 10) + " it gives ") !=
                std::string::npos);
        continue;
      }
      CHECK(msg.find("hyper-parameter '" + h.name + "' ") != std::string::npos);
      if (!saved.empty())
        CHECK(msg.find("hyper-parameter '" + h.name + "' is " + saved + " in the checkpoint, " +
                       here + " here") != std::string::npos);
      else
        CHECK(msg.find(" in the checkpoint, ") != std::string::npos);
    }
  }
  CHECK(tried > 150);
}
