// SPDX-License-Identifier: MIT
// The `lrs refine` subcommand, run as a user would (needs LRS_BUILD_TOOLS).
#include <cstdio>
#include <string>
#include <vector>

#include "catch.hpp"
#include "tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)

using tool_test::csv_rows;
using tool_test::run_tool;
using tool_test::temp_file;

namespace {
// Gradient norms 4, 2, 1, 1, 1, 1: with tau = 0.1 the filter width is 1 (no smoothing).
const char* const warmup_norms = "step,grad_norm\n0,4\n1,2\n2,1\n3,1\n4,1\n5,1\n";

std::vector<double> lr_column(const std::string& out) {
  const auto rows = csv_rows(out);
  REQUIRE(!rows.empty());
  CHECK(rows[0] == std::vector<std::string>{"step", "lr"});
  std::vector<double> lr;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == 2);
    CHECK(rows[i][0] == std::to_string(i - 1));
    lr.push_back(std::stod(rows[i][1]));
  }
  return lr;
}
}  // namespace

TEST_CASE("lrs refine: SGD weights give the hand-worked warm-up", "[tool][refine]") {
  // w = g^-2 = 1/16, 1/4, 1, 1, 1, 1; eta_t = w_t * sum_{p>t} w_p = 0.265625, 1, 3, 2, 1, 0;
  // divided by the peak 3.
  const double expected[] = {0.265625 / 3, 1.0 / 3, 1.0, 2.0 / 3, 1.0 / 3, 0.0};
  const std::string path = temp_file(warmup_norms);
  const auto r = run_tool("refine --grad-norms " + path + " --tau 0.1 --lr 0.5");
  std::remove(path.c_str());
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  const auto lr = lr_column(r.out);
  REQUIRE(lr.size() == 6);
  for (std::size_t t = 0; t < 6; ++t) CHECK_THAT(lr[t], WithinAbs(0.5 * expected[t], 1e-15));
}

TEST_CASE("lrs refine: Adam weights are the inverse norms", "[tool][refine]") {
  // w = 1/g = 1/4, 1/2, 1, 1, 1, 1; eta = 1.125, 2, 3, 2, 1, 0; divided by 3.
  const double expected[] = {0.375, 2.0 / 3, 1.0, 2.0 / 3, 1.0 / 3, 0.0};
  const std::string path = temp_file(warmup_norms);
  const auto r = run_tool("refine --grad-norms " + path + " --weighting adam");
  std::remove(path.c_str());
  CHECK(r.status == 0);
  const auto lr = lr_column(r.out);
  REQUIRE(lr.size() == 6);
  for (std::size_t t = 0; t < 6; ++t) CHECK_THAT(lr[t], WithinAbs(expected[t], 1e-15));
}

TEST_CASE("lrs refine: constant norms give linear decay", "[tool][refine]") {
  const std::string path = temp_file("step,grad_norm\n0,3\n1,3\n2,3\n3,3\n4,3\n");
  const auto r = run_tool("refine --grad-norms " + path);
  std::remove(path.c_str());
  CHECK(r.status == 0);
  const auto lr = lr_column(r.out);
  REQUIRE(lr.size() == 5);
  const double expected[] = {1.0, 0.75, 0.5, 0.25, 0.0};
  for (std::size_t t = 0; t < 5; ++t) CHECK_THAT(lr[t], WithinAbs(expected[t], 1e-15));
}

TEST_CASE("lrs refine: bad input exits 2 naming the file and line", "[tool][refine][error]") {
  struct bad_case {
    const char* text;
    const char* message_part;
  };
  const bad_case cases[] = {
      {"step,grad_norm\n0,1\n1,nan\n", ":3: column 'grad_norm' is NaN"},
      {"step,grad_norm\n0,1\n1,-3\n", ":3: grad_norm must be >= 0, got -3"},
      {"step,grad_norm\n0,1\n", ":2: refine needs at least 2 recorded steps, got 1"},
      {"", ": empty file"},
  };
  for (const bad_case& c : cases) {
    const std::string path = temp_file(c.text);
    const auto r = run_tool("refine --grad-norms " + path);
    std::remove(path.c_str());
    INFO(c.text);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(path + c.message_part) != std::string::npos);
  }
  const auto missing = run_tool("refine --grad-norms /nonexistent/norms.csv");
  CHECK(missing.status == 2);
  CHECK(missing.out.empty());
  CHECK(missing.err.find("/nonexistent/norms.csv") != std::string::npos);
}

#endif
