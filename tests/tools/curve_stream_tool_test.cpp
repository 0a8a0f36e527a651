// SPDX-License-Identifier: MIT
// `lrs curve` streams, never buffers unboundedly, rejects out-of-range integers, and prints only
// finite values; `lrs` suggests the closest subcommand (needs LRS_BUILD_TOOLS).
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "catch.hpp"

#include "../tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)

using tool_test::csv_rows;
using tool_test::run_tool;

namespace {

/// Every data row of `out` has `cols` fields, the step first and finite numbers after it.
void check_finite_rows(const std::string& out, std::size_t cols) {
  const auto rows = csv_rows(out);
  REQUIRE(!rows.empty());
  for (std::size_t r = 1; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() == cols);
    for (std::size_t c = 1; c < cols; ++c) CHECK(std::isfinite(std::stod(rows[r][c])));
  }
}

}  // namespace

TEST_CASE("lrs curve streams: a huge --steps piped into head returns at once", "[tool][curve]") {
  // Buffering all of the 2^63 - 1 rows would print nothing until timeout kills lrs after 60 s;
  // head then sees no line at all.
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_tool(
      "curve --steps 9223372036854775807 \"CosineAnnealingLR(T_max=100)\" | timeout 60 head -n 3 "
      "; exit 0");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.status == 0);
  // (1 + cos(pi / 100)) / 2, Python 3 float.
  CHECK(r.out == "step,lr\n0,1\n1,0.9997532801828658\n");
  CHECK(r.err.empty());  // SIGPIPE (or EPIPE) ends lrs quietly
  CHECK(seconds < 30);
}

TEST_CASE("lrs curve: out-of-range and non-integer numbers are rejected, not clamped",
          "[tool][curve][error]") {
  const auto a = run_tool("curve --steps 99999999999999999999 \"StepLR(3)\"");
  CHECK(a.status == 2);
  CHECK(a.out.empty());
  CHECK(a.err.find("--steps: '99999999999999999999' is out of range: whole numbers go from "
                   "-9223372036854775808 to 9223372036854775807") != std::string::npos);
  const auto b = run_tool("curve --steps 1e19 \"StepLR(3)\"");
  CHECK(b.status == 2);
  CHECK(b.out.empty());
  CHECK(b.err.find("'1e19' is out of range") != std::string::npos);
  const auto c = run_tool("curve --steps 2.5 \"StepLR(3)\"");
  CHECK(c.status == 2);
  CHECK(c.out.empty());
  CHECK(c.err.find("'2.5' is not a whole number") != std::string::npos);
  // Whole numbers in any notation are read as decimal: 1e1 is 10, 010 is ten (not octal 8).
  const auto d = run_tool("curve --steps 1e1 \"StepLR(3)\"");
  const auto e = run_tool("curve --steps 010 \"StepLR(3)\"");
  CHECK(d.status == 0);
  CHECK(csv_rows(d.out).size() == 11);
  CHECK(e.out == d.out);
}

TEST_CASE("lrs curve --every, --from and --to select the printed steps", "[tool][curve]") {
  // StepLR(step_size=3, gamma=0.5) at lr 1: 0.5^floor(t/3).
  const auto a = run_tool("curve --steps 10 --every 4 \"StepLR(step_size=3, gamma=0.5)\"");
  CHECK(a.status == 0);
  CHECK(a.out == "step,lr\n0,1\n4,0.5\n8,0.25\n9,0.125\n");  // every 4th, and the last step
  const auto b = run_tool("curve --steps 10 --from 5 --to 7 \"StepLR(step_size=3, gamma=0.5)\"");
  CHECK(b.out == "step,lr\n5,0.5\n6,0.25\n7,0.25\n");
  // --to may pass the budget; the steps at the top of the range do not overflow.
  const auto c = run_tool(
      "curve --steps 10 --from 9223372036854775800 --to 9223372036854775807 --every 3 "
      "\"StepLR(step_size=3, gamma=0.5)\"");
  CHECK(c.status == 0);
  const auto rows = csv_rows(c.out);
  REQUIRE(rows.size() == 5);
  CHECK(rows[1][0] == "9223372036854775800");
  CHECK(rows[2][0] == "9223372036854775803");
  CHECK(rows[3][0] == "9223372036854775806");
  CHECK(rows[4][0] == "9223372036854775807");
  const auto d = run_tool("curve --steps 10 --every 0 \"StepLR(3)\"");
  CHECK(d.status == 2);
  CHECK(d.out.empty());
  CHECK(d.err == "lrs: --every must be >= 1, got 0\n");
  const auto e = run_tool("curve --steps 10 --from 5 --to 3 \"StepLR(3)\"");
  CHECK(e.status == 2);
  CHECK(e.out.empty());
  CHECK(e.err == "lrs: --to must be >= --from (5), got 3\n");
  const auto f = run_tool("curve --steps 10 --from -1 \"StepLR(3)\"");
  CHECK(f.status == 2);
  CHECK(f.err == "lrs: --from must be >= 0, got -1\n");
}

TEST_CASE("lrs curve never prints inf or NaN", "[tool][curve][error]") {
  // Schedules that overflow: either the schedule is finite (or rejected) or lrs curve stops at
  // the first non-finite value with exit 2, naming the step.
  for (const std::string spec : {"ExponentialLR(gamma=1e300)", "StepLR(step_size=2, gamma=5.1)",
                                 "ExponentialLR(gamma=1.001)"}) {
    INFO(spec);
    const auto r = run_tool("curve --steps 1000000 \"" + spec + "\"");
    CHECK((r.status == 0 || r.status == 2));
    if (r.status == 2) {
      CHECK(r.err.rfind("lrs: ", 0) == 0);
      const auto at = r.err.find(" at step ");
      if (r.err.find("lrs curve prints finite values only") != std::string::npos) {
        REQUIRE(at != std::string::npos);
        const long long step = std::stoll(r.err.substr(at + 9));
        // What was printed before the error (nothing within the first 64 KiB) is complete
        // rows of finite values ending just before the bad step.
        if (!r.out.empty()) {
          check_finite_rows(r.out, 2);
          const auto rows = csv_rows(r.out);
          CHECK(std::stoll(rows.back()[0]) < step);
          CHECK(r.out.back() == '\n');
          CHECK(r.err.find("(the rows before it were written)") != std::string::npos);
        }
      } else {
        CHECK(r.out.empty());  // the schedule rejected its parameters
      }
    } else {
      check_finite_rows(r.out, 2);
    }
  }
  // Within the first 64 KiB the error leaves stdout empty.
  const auto s = run_tool("curve --steps 100 \"ExponentialLR(gamma=1e300)\"");
  if (s.status == 2) CHECK(s.out.empty());
}

TEST_CASE("lrs suggests the closest subcommand", "[tool][error]") {
  const auto a = run_tool("cuve --steps 3 \"StepLR(3)\"");
  CHECK(a.status == 2);
  CHECK(a.out.empty());
  CHECK(a.err == "lrs: unknown command 'cuve'; did you mean 'curve'?\n");
  const auto b = run_tool("predic");
  CHECK(b.err == "lrs: unknown command 'predic'; did you mean 'predict'?\n");
  const auto c = run_tool("plto");
  CHECK(c.err == "lrs: unknown command 'plto'; did you mean 'plot'?\n");
  const auto d = run_tool("frobnicate");
  CHECK(d.status == 2);
  CHECK(d.out.empty());
  CHECK(d.err ==
        "lrs: unknown command 'frobnicate'; the commands are choose, curve, fit, list, "
        "optimize, plot, predict, refine\n");
  const auto v = run_tool("--version");
  CHECK(v.status == 0);
  CHECK(v.out == "lrs 1.0.0\n");  // the release this tree is (version.hpp, CMake, CHANGELOG.md)
}

#endif
