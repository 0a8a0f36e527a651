// SPDX-License-Identifier: MIT
// The spec language on hostile input: deep nesting, NUL bytes, non-ASCII text, extreme numbers.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <lrs/io/parse_schedule.hpp>
#include <lrs/schedules/cyclic_lr.hpp>
#include <lrs/schedules/one_cycle_lr.hpp>
#include <lrs/schedules/step_lr.hpp>

#include "catch.hpp"

namespace {

struct failure {
  std::string message;
  std::size_t column = 0;
};

failure failure_of(std::string_view spec, lrs::spec_context ctx = {}) {
  try {
    (void)lrs::parse_schedule(spec, ctx);
  } catch (const lrs::spec_error& e) {
    return {e.what(), e.column()};
  }
  return {"<no error>", 0};
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out.append(s);
  return out;
}

/// True when `s` is well-formed UTF-8 without control characters (what a terminal shows as is).
bool clean_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7F) return false;
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

/// `n` SequentialLRs, each holding the next one as its only scheduler, around StepLR(1).
std::string nested_sequential(std::size_t n) {
  return repeat("SequentialLR(schedulers=[", n) + "StepLR(1)" + repeat("], milestones=[])", n);
}

}  // namespace

TEST_CASE("spec: 7000 nested SequentialLRs are rejected with the depth, the limit and the column",
          "[spec][error][hardening]") {
  // Each SequentialLR opens a call and a list: depth 2k-1 and 2k for the k-th. Depth 257 is the
  // call of the 129th, which starts after 128 prefixes of 25 characters.
  REQUIRE(std::string_view("SequentialLR(schedulers=[").size() == 25);
  const failure f = failure_of(nested_sequential(7000));
  CHECK(f.message ==
        "spec nested too deeply: depth 257 at column 3201 exceeds the limit of 256 nested lists "
        "and calls");
  CHECK(f.column == 3201);
}

TEST_CASE("spec: 30000 opening brackets are rejected at depth 257", "[spec][error][hardening]") {
  const failure top = failure_of(repeat("[", 30000));
  CHECK(top.message ==
        "spec nested too deeply: depth 257 at column 257 exceeds the limit of 256 nested lists "
        "and calls");
  CHECK(top.column == 257);
  // Inside an argument, and with tuples: the call counts as one level.
  const failure arg = failure_of("StepLR(step_size=" + repeat("(", 30000));
  CHECK(arg.column == 18 + 255);
  CHECK(arg.message.find("depth 257") != std::string::npos);
}

TEST_CASE("spec: nesting up to the limit parses, builds and evaluates", "[spec][hardening]") {
  // 127 SequentialLRs are 254 levels and the innermost StepLR(1) the 255th; it is the whole
  // schedule. One more SequentialLR puts the StepLR at 257.
  lrs::spec_context ctx;
  ctx.lr = 0.5;
  const auto s = lrs::parse_schedule(nested_sequential(127), ctx);
  const lrs::step_lr<double> direct(0.5, 1);
  for (lrs::step_t t : {0, 1, 2, 7}) CHECK(s(t) == direct(t));
  const failure f = failure_of(nested_sequential(128));
  CHECK(f.message.find("depth 257 at column 3201") != std::string::npos);
  // A call holding 255 nested lists is 256 levels.
  const lrs::spec_call c = lrs::parse_spec("F(" + repeat("[", 255) + repeat("]", 255) + ")");
  CHECK(c.args.size() == 1);
  CHECK_THROWS_AS(lrs::parse_spec("F(" + repeat("[", 256) + repeat("]", 256) + ")"),
                  lrs::spec_error);
}

TEST_CASE("spec: a NUL byte is quoted escaped, not cut off", "[spec][error][hardening]") {
  using namespace std::string_literals;
  const failure trailing = failure_of("StepLR(step_size=3)\0junk"s);
  CHECK(trailing.message == "unexpected '\\0' after the schedule");
  CHECK(trailing.column == 20);
  const failure inside = failure_of("StepLR(step_size=3,\0gamma=0.5)"s);
  CHECK(inside.message == "unexpected '\\0' at column 20");
  const failure in_string = failure_of("CyclicLR(0.1, 1, mode='tri\0\x01')"s);
  CHECK(in_string.message ==
        "CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range', got 'tri\\0\\x01' at "
        "column 18");
  // std::string(what()) stops at the first NUL: the whole message must survive it.
  CHECK(std::string(in_string.message.c_str()) == in_string.message);
}

TEST_CASE("spec: non-ASCII text is reported whole, never split", "[spec][error][hardening]") {
  // U+00A0 no-break space (C2 A0), as pasted from a web page.
  const failure nbsp = failure_of("StepLR(step_size=3,\xC2\xA0gamma=0.5)");
  CHECK(nbsp.message == "unexpected '\xC2\xA0' (U+00A0) at column 20");
  CHECK(nbsp.column == 20);
  CHECK(clean_utf8(failure_of("StepLR(\xC2\xA0 3)").message));
  // A misspelt name with an accent: the whole word, and the suggestion.
  CHECK(failure_of("St\xC3\xA9pLR(step_size=3)").message ==
        "unknown schedule 'St\xC3\xA9pLR' at column 1; did you mean 'StepLR'?");
  CHECK(failure_of("St\xC3\xA9pLR").message ==
        "unknown schedule 'St\xC3\xA9pLR' at column 1; did you mean 'StepLR'?");
  CHECK(failure_of("StepLR(st\xC3\xA9p_size=3)").message ==
        "unknown parameter 'st\xC3\xA9p_size' for StepLR at column 8; did you mean 'step_size'?");
  // A three-byte character after the schedule, and a byte that is not UTF-8.
  CHECK(failure_of("StepLR(1)\xE2\x82\xAC").message ==
        "unexpected '\xE2\x82\xAC' (U+20AC) after the schedule");
  CHECK(failure_of("StepLR(\xFF)").message == "unexpected '\\xff' at column 8");
  // A lone lead byte at the end (truncated sequence) is one escaped byte.
  CHECK(failure_of("StepLR(1)\xC3").message == "unexpected '\\xc3' after the schedule");
}

TEST_CASE("spec: long text is quoted as a short excerpt on a character boundary",
          "[spec][error][hardening]") {
  const failure ascii = failure_of("CyclicLR(0.1, 1, mode='" + repeat("a", 100000) + "')");
  CHECK(ascii.message ==
        "CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range', got '" +
            repeat("a", 48) + "...' at column 18");
  // 100 two-byte characters: 48 whole ones, then "...".
  const failure accents = failure_of("CyclicLR(0.1, 1, mode='" + repeat("\xC3\xA9", 100) + "')");
  CHECK(accents.message.find("got '" + repeat("\xC3\xA9", 48) + "...'") != std::string::npos);
  CHECK(clean_utf8(accents.message));
  // An unknown name of 100000 characters: a short message, and no quadratic search.
  const failure name = failure_of(repeat("x", 100000) + "(1)");
  CHECK(name.message == "unknown schedule '" + repeat("x", 48) + "...' at column 1");
}

TEST_CASE("spec: every finite number strtod reads is accepted", "[spec][hardening]") {
  const auto gamma_of = [](const std::string& g) {
    return lrs::parse_schedule("StepLR(step_size=1, gamma=" + g + ")")(1);
  };
  // Subnormal: below DBL_MIN = 2.2250738585072014e-308.
  CHECK(gamma_of("1e-308") == 1e-308);
  CHECK(gamma_of("1e-320") == 1e-320);
  CHECK(gamma_of("4.9406564584124654e-324") == std::numeric_limits<double>::denorm_min());
  CHECK(gamma_of("2.2250738585072014e-308") == std::numeric_limits<double>::min());
  // Underflow to zero, as Python's float('1e-400') and strtod give.
  CHECK(gamma_of("1e-400") == 0.0);
  // Hexadecimal floating point (C's strtod, Python's float.fromhex): 0x1.8p-1 = 1.5 / 2 = 0.75.
  CHECK(gamma_of("0x1p-2") == 0.25);
  CHECK(gamma_of("0x1.8p-1") == 0.75);
  const lrs::spec_call c = lrs::parse_spec("F(a=1.7976931348623157e308, b=-inf, c=+inf, d=0x10)");
  CHECK(c.args[0].val.number == std::numeric_limits<double>::max());
  CHECK(c.args[1].val.number == -std::numeric_limits<double>::infinity());
  CHECK(c.args[2].val.number == std::numeric_limits<double>::infinity());
  CHECK((c.args[3].val.number == 16 && c.args[3].val.integral));
}

TEST_CASE("spec: numbers that overflow to infinity are rejected", "[spec][error][hardening]") {
  CHECK(failure_of("StepLR(step_size=1, gamma=1e309)").message ==
        "number '1e309' at column 27 is too large (the largest finite number is "
        "1.7976931348623157e308)");
  CHECK(failure_of("StepLR(step_size=1, gamma=-1.8e308)").column == 27);
  const failure digits = failure_of("StepLR(step_size=1, gamma=" + repeat("9", 400) + ")");
  CHECK(digits.message == "number '" + repeat("9", 48) +
                              "...' at column 27 is too large (the largest finite number is "
                              "1.7976931348623157e308)");
  // Syntax errors stay syntax errors.
  CHECK(failure_of("StepLR(step_size=1e)").message == "bad number '1e' at column 18");
  CHECK(failure_of("StepLR(step_size=0x)").message == "bad number '0x' at column 18");
  CHECK(failure_of("StepLR(step_size=-nan)").message == "bad number '-nan' at column 18");
  CHECK(failure_of("StepLR(step_size=1.2.3)").message == "bad number '1.2.3' at column 18");
}

TEST_CASE("spec: PyTorch defaults written in the table match the C++ constructors",
          "[spec][pytorch]") {
  // OneCycleLR and CyclicLR defaults that the table writes out (PyTorch's documented defaults),
  // against the C++ constructors' own defaults.
  lrs::spec_context ctx;
  ctx.lr = 0.1;
  const auto oc = lrs::parse_schedule("OneCycleLR(max_lr=0.5, total_steps=100)", ctx);
  const lrs::one_cycle_lr<double> oc_direct(0.5, 100);
  const auto cy = lrs::parse_schedule("CyclicLR(base_lr=0.01, max_lr=0.1)", ctx);
  const lrs::cyclic_lr<double> cy_direct(0.01, 0.1);
  REQUIRE(oc.has_momentum());
  REQUIRE(cy.has_momentum());
  for (lrs::step_t t : {0, 1, 29, 30, 31, 64, 99, 100, 150, 1999, 2000, 3999, 4000, 5001}) {
    CHECK(oc(t) == oc_direct(t));
    CHECK(oc.momentum(t) == oc_direct.momentum(t));
    CHECK(cy(t) == cy_direct(t));
    CHECK(cy.momentum(t) == cy_direct.momentum(t));
  }
}

TEST_CASE("spec: a registry entry's default is bound when the argument is absent",
          "[spec][registry]") {
  lrs::spec_registry reg;
  reg.add({"scaled",
           "lr * factor",
           {{"factor", "0.25", "the factor"}, {"floor", "", "required"}},
           [](const lrs::spec_args& a, const lrs::spec_context& ctx) -> lrs::any_schedule<double> {
             const double v = std::max(ctx.lr * a.number("factor"), a.number("floor"));
             return [v](lrs::step_t) { return v; };
           }});
  CHECK(lrs::parse_schedule("scaled(floor=0)", {}, reg)(0) == 0.25);
  CHECK(lrs::parse_schedule("scaled(0.5, 0)", {}, reg)(0) == 0.5);
  CHECK_THROWS_WITH(lrs::parse_schedule("scaled()", {}, reg),
                    "missing required parameter 'floor' for scaled at column 1");
  // A default that is not one spec value, or a repeated name, is refused when added.
  const auto make = [](const lrs::spec_args&, const lrs::spec_context&) {
    return lrs::any_schedule<double>([](lrs::step_t) { return 1.0; });
  };
  CHECK_THROWS_AS(reg.add({"bad", "", {{"a", "1 2", ""}}, make}), lrs::invalid_argument);
  CHECK_THROWS_AS(reg.add({"bad", "", {{"a", "x=1", ""}}, make}), lrs::invalid_argument);
  CHECK_THROWS_AS(reg.add({"bad", "", {{"a", "1", ""}, {"a", "2", ""}}, make}),
                  lrs::invalid_argument);
  CHECK(reg.find("bad") == nullptr);
  CHECK_NOTHROW(reg.add({"ok", "", {{"a", "--lr", "", true}, {"b", "[1, 2]", ""}}, make}));
}

TEST_CASE("spec: the registry lists each default once, as the binding uses it",
          "[spec][registry]") {
  const auto& reg = lrs::default_spec_registry();
  const auto default_of = [&](const char* entry, const char* param) {
    for (const lrs::spec_param& p : reg.find(entry)->params)
      if (p.name == param) return p.default_text;
    return std::string("<none>");
  };
  // PyTorch's documented defaults (torch/optim/lr_scheduler.py), as spec text.
  CHECK(default_of("StepLR", "gamma") == "0.1");
  CHECK(default_of("ConstantLR", "factor") == "0.3333333333333333");
  CHECK(default_of("ConstantLR", "total_iters") == "5");
  CHECK(default_of("CosineAnnealingLR", "eta_min") == "0");
  CHECK(default_of("CyclicLR", "mode") == "'triangular'");
  CHECK(default_of("CyclicLR", "step_size_up") == "2000");
  CHECK(default_of("OneCycleLR", "anneal_strategy") == "'cos'");
  CHECK(default_of("OneCycleLR", "past_end") == "'hold'");
  // The budget-native ones (REX paper d = 0.5; WSD decay 0.2 linear).
  CHECK(default_of("rex", "d") == "0.5");
  CHECK(default_of("step", "fractions") == "[0.3, 0.6, 0.9]");
  CHECK(default_of("wsd", "shape") == "linear");
  CHECK(default_of("wsd", "past_end") == "hold");
  CHECK(default_of("wsd", "peak") == "--lr");
}
