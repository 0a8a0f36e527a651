// SPDX-License-Identifier: MIT
// Text from the user in SVG documents and in error messages: control bytes and malformed UTF-8
// never reach an SVG (which must stay well-formed XML 1.0) or a terminal, long names are cut in
// messages, and messages name what the user gave (last_epoch as a string; an exponential warm-up
// without warmup_start).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <lrs/io/parse_schedule.hpp>
#include <lrs/io/svg.hpp>

#include "catch.hpp"
#include "support/spec.hpp"

using Catch::Matchers::Contains;

namespace {

using lrs_test::spec_error_of;

/// True when `s` is well-formed UTF-8 holding only characters XML 1.0 allows (no control
/// characters but tab, line feed and carriage return; no U+FFFE, U+FFFF), checked byte by byte
/// against the XML 1.0 Char production.
bool xml_text(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') return false;
      ++i;
      continue;
    }
    const std::size_t n = (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    unsigned long cp = b & (n == 2 ? 0x1Fu : n == 3 ? 0x0Fu : 0x07u);
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    const unsigned long min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
      return false;
    i += n;
  }
  return true;
}

/// True when no byte of `s` is a control character (what a terminal would act on).
bool printable(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
  return true;
}

}  // namespace

TEST_CASE("svg: control bytes and malformed UTF-8 in titles, labels and names are escaped",
          "[io][svg][hardening]") {
  using namespace std::string_literals;
  lrs::svg_plot_options o;
  o.title = "run\x01 \x1b[31mred\x1b[0m"s + '\0' + "end";
  o.x_label = "step\x7f";
  o.y_label = "lr \xff\xfe half \xe2\x82";  // two bad bytes, then a cut-off euro sign
  lrs::svg_plot plot(o);
  plot.add_series(
      "a\x0b"
      "b \xef\xbf\xbe \xc3\xa9t\xc3\xa9 \xf0\x9f\x93\x88 <&>",
      {0, 1}, {1, 2});
  const std::string doc = plot.str();
  CHECK(xml_text(doc));
  CHECK_THAT(doc, Contains(">run\\x01 \\x1b[31mred\\x1b[0m\\x00end</text>"));
  CHECK_THAT(doc, Contains(">step\\x7f</text>"));
  CHECK_THAT(doc, Contains(">lr \\xff\\xfe half \\xe2\\x82</text>"));
  // Well-formed characters are kept whole (é, the chart emoji); U+FFFE is not an XML character.
  CHECK_THAT(doc, Contains("<title>a\\x0bb \\xef\\xbf\\xbe \xc3\xa9t\xc3\xa9 \xf0\x9f\x93\x88 "
                           "&lt;&amp;&gt;</title>"));
  // Tab, line feed and carriage return are XML characters: kept.
  CHECK(lrs::detail::svg_escape("a\tb\nc\rd") == "a\tb\nc\rd");
  CHECK(lrs::detail::svg_escape("\xc2\x85") == "\\xc2\\x85");           // C1 control NEL
  CHECK(lrs::detail::svg_escape("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a UTF-16 surrogate
  CHECK(lrs::detail::svg_escape("\xc0\xaf") == "\\xc0\\xaf");           // overlong '/'
}

TEST_CASE("spec: get_scheduler's name is escaped and cut in messages",
          "[spec][hf][error][hardening]") {
  const std::string long_name(100000, 'x');
  const std::string msg = spec_error_of("get_scheduler('" + long_name + "', optimizer)");
  CHECK(msg.size() < 1000);
  CHECK_THAT(msg, Contains("'" + std::string(48, 'x') + "...' is not a valid SchedulerType"));
  const std::string red = spec_error_of("get_scheduler('\x1b[31mred\x07', optimizer)");
  CHECK(printable(red));
  CHECK_THAT(red, Contains("'\\x1b[31mred\\x07' is not a valid SchedulerType"));
  CHECK(printable(spec_error_of("get_wsd_schedule(optimizer, 1, 2, 3, warmup_type='\x1b[2J')")));
  // Names of calls and keywords in parser messages are cut too.
  const std::string big(100000, 'A');
  CHECK(spec_error_of(big + "(a=1, a=2)").size() < 1000);
  CHECK(spec_error_of("F(" + big + "=1, 2)").size() < 1000);
}

TEST_CASE("spec: last_epoch given as a string is asked for as the integer -1",
          "[spec][error][hardening]") {
  CHECK(spec_error_of("StepLR(optimizer, 2, last_epoch=\"-1\")") ==
        "last_epoch at column 22 of StepLR must be the integer -1 (what a fresh scheduler has; "
        "or leave it out), got a string '-1'");
  CHECK(spec_error_of("StepLR(optimizer, 2, last_epoch=None)") ==
        "last_epoch at column 22 of StepLR must be the integer -1 (what a fresh scheduler has; "
        "or leave it out), got None");
  CHECK_THAT(spec_error_of("StepLR(optimizer, 2, last_epoch=5)"),
             Contains("Only last_epoch=-1 is accepted"));
  CHECK(spec_error_of("StepLR(optimizer, 2, last_epoch=-1)") == "<no error>");
}

TEST_CASE("spec: an exponential warm-up without warmup_start names what the user gave",
          "[spec][combinators][error][hardening]") {
  // s(0) = 0: the warm-up would start at 0 / 11.
  CHECK(spec_error_of("with_warmup(constant(peak=0, total_steps=100), 10, "
                      "warmup_shape='exponential')") ==
        "with_warmup: an exponential warm-up needs the LR it hands over to, s(0), to be > 0, got "
        "0 at column 52");
  CHECK(spec_error_of("with_warmup(StepLR(1, gamma=0), 3, warmup_shape='exponential', "
                      "mode='overlay')") ==
        "with_warmup: an exponential warm-up needs the LR it hands over to, s(warmup_steps), to "
        "be > 0, got 0 at column 36");
  // s(0) > 0, but s(0) / (W + 1) underflows to 0.
  CHECK_THAT(spec_error_of("with_warmup(constant(peak=1e-310, total_steps=100), "
                           "1000000000000000, warmup_shape='exponential')"),
             Contains("which is 0 in floating point: give warmup_start > 0"));
  // Given, the user's own warmup_start is the one named.
  CHECK_THAT(spec_error_of("with_warmup(constant(total_steps=100), 10, "
                           "warmup_shape='exponential', warmup_start=0)"),
             Contains("warmup_start must be > 0, got 0"));
  CHECK(spec_error_of("with_warmup(constant(total_steps=100), 10, warmup_shape='exponential')") ==
        "<no error>");
  // Budget-native schedules start the warm-up as with_warmup, at peak / (W + 1) > 0 by default.
  CHECK(spec_error_of("cosine(total_steps=100, warmup_steps=10, warmup_shape='exponential')") ==
        "<no error>");
  CHECK_THAT(spec_error_of("cosine(total_steps=100, warmup_steps=10, warmup_shape='exponential', "
                           "warmup_start=0)"),
             Contains("warmup_start must be > 0, got 0"));
  CHECK(spec_error_of("cosine(total_steps=100, warmup_steps=10, warmup_shape='exponential', "
                      "min_lr=1e-4)") == "<no error>");
}
