// SPDX-License-Identifier: MIT
// `lrs plot` output and status lines, `lrs predict --law` forms, and the step limit of the
// scaling-law commands, run as a user would (needs LRS_BUILD_TOOLS).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"

#include "../tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)

using tool_test::csv_rows;
using tool_test::run_tool;
using tool_test::temp_file;

namespace {

bool file_exists(const std::string& path) {
  return std::ifstream(path).good();
}

std::string temp_path(const std::string& suffix) {
  const std::string base = temp_file("");
  std::remove(base.c_str());
  return base + suffix;
}

/// The loss column of `lrs predict` output.
std::vector<double> losses(const std::string& out) {
  std::vector<double> v;
  const auto rows = csv_rows(out);
  for (std::size_t r = 1; r < rows.size(); ++r) v.push_back(std::stod(rows[r].at(1)));
  return v;
}

}  // namespace

TEST_CASE("lrs plot --out - writes the SVG to stdout, the status line to stderr", "[tool][plot]") {
  const auto r = run_tool("plot --lr 0.1 --steps 50 --out - \"StepLR(step_size=10)\"");
  CHECK(r.status == 0);
  CHECK(r.out.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0) == 0);
  CHECK(r.out.size() > 1000);
  CHECK(r.out.substr(r.out.size() - 7) == "</svg>\n");
  CHECK(r.err == "wrote stdout (1 schedule, steps 0..49)\n");

  const std::string svg = temp_path(".svg");
  const auto f = run_tool("plot --lr 0.1 --steps 50 --out " + svg + " \"StepLR(step_size=10)\"");
  CHECK(f.status == 0);
  CHECK(f.out.empty());  // status lines are not data
  CHECK(f.err == "wrote " + svg + " (1 schedule, steps 0..49)\n");
  CHECK(file_exists(svg));
  std::remove(svg.c_str());
}

TEST_CASE("lrs plot --out with another extension is an error, nothing is written",
          "[tool][plot][error]") {
  for (const std::string ext : {".png", ".pdf", ".svg.png", ""}) {
    const std::string out = temp_path(ext);
    const auto r = run_tool("plot --lr 0.1 --steps 50 --out " + out + " \"StepLR(3)\"");
    INFO(out);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "lrs: plot: --out must name a .svg file (or be - for stdout), got '" + out +
                       "': only SVG is written\n");
    CHECK_FALSE(file_exists(out));
  }
}

TEST_CASE("lrs plot --log-y leaves out LR <= 0 with a note", "[tool][plot]") {
  // StepLR(step_size=10, gamma=0): lr 0.1 for steps 0..9, then 0.
  const auto r = run_tool(
      "plot --lr 0.1 --steps 20 --log-y --out - \"StepLR(step_size=10, gamma=0)\" "
      "\"CosineAnnealingLR(T_max=19)\"");
  CHECK(r.status == 0);
  CHECK(r.out.find("</svg>") != std::string::npos);
  // CosineAnnealingLR(T_max=19) reaches eta_min = 0 at step 19: one point left out.
  CHECK(r.err ==
        "lrs: note: 'StepLR(step_size=10, gamma=0)': 10 of 20 steps have LR <= 0 (the first at "
        "step 10) and are left out of the log-y plot\n"
        "lrs: note: 'CosineAnnealingLR(T_max=19)': 1 of 20 steps have LR <= 0 (the first at step "
        "19) and are left out of the log-y plot\n"
        "wrote stdout (2 schedules, steps 0..19)\n");
  const auto z = run_tool(
      "plot --lr 0.1 --steps 20 --log-y --out - \"ConstantLR(factor=0, total_iters=100)\"");
  CHECK(z.status == 2);
  CHECK(z.out.empty());
  CHECK(z.err ==
        "lrs: plot: cannot plot 'ConstantLR(factor=0, total_iters=100)' on a log y axis: its LR "
        "is <= 0 at every step\n");
}

TEST_CASE("lrs predict --law reads lrs fit's JSON inline, from a file and from stdin",
          "[tool][scaling_law]") {
  const std::string lr = temp_file("step,lr\n0,1\n1,1\n2,0.5\n3,0.5\n4,0\n");
  // papers.md: S1 = [1, 2, 2.5, 3, 3], S2 (lambda 0.5) = [0, 0, 0.5, 0.75, 1.375]; the JSON's
  // lambda (0.5) is used unless --lambda is given.
  const double s1[] = {1, 2, 2.5, 3, 3}, s2[] = {0, 0, 0.5, 0.75, 1.375};
  const std::string json =
      "{\"L0\": 1, \"A\": 2, \"alpha\": 0.5, \"C\": 3, \"lambda\": 0.5, \"r2\": null, \"rmse\": "
      "0.25, \"status\": \"converged\", \"runs\": [{\"loss\": \"a,b}.csv\", \"rmse\": null}]}";
  const std::string law_file = temp_file(json + "\n");
  const auto inline_json = run_tool("predict --law '" + json + "' --lr-curve " + lr);
  const auto from_file = run_tool("predict --law " + law_file + " --lr-curve " + lr);
  const auto from_stdin = run_tool("predict --law - --lr-curve " + lr + " < " + law_file);
  const auto pairs = run_tool("predict --law L0=1,A=2,alpha=0.5,C=3 --lambda 0.5 --lr-curve " + lr);
  for (const auto* r : {&inline_json, &from_file, &from_stdin, &pairs}) {
    INFO(r->err);
    REQUIRE(r->status == 0);
    CHECK(r->err.empty());
    const auto v = losses(r->out);
    REQUIRE(v.size() == 5);
    for (std::size_t t = 0; t < 5; ++t)
      CHECK_THAT(v[t], WithinRel(1.0 + 2.0 / std::sqrt(s1[t]) - 3.0 * s2[t], 1e-15));
  }
  CHECK(inline_json.out == pairs.out);
  // A file whose name has '=' in it is still read as a file.
  const std::string eq_file = temp_path("_lambda=0.5.json");
  std::ofstream(eq_file) << json;
  const auto from_eq_file = run_tool("predict --law " + eq_file + " --lr-curve " + lr);
  CHECK(from_eq_file.status == 0);
  CHECK(from_eq_file.out == pairs.out);
  std::remove(eq_file.c_str());
  // --lambda overrides the JSON's: lambda 0 gives S2 = [0, 0, 0.5, 0.5, 1].
  const auto over = run_tool("predict --law " + law_file + " --lambda 0 --lr-curve " + lr);
  REQUIRE(over.status == 0);
  CHECK_THAT(losses(over.out).at(4), WithinRel(1.0 + 2.0 / std::sqrt(3.0) - 3.0 * 1.0, 1e-15));

  // JSON without a usable law, and other unreadable --law values.
  const auto null_law = run_tool(
      "predict --law '{\"L0\": null, \"A\": 1, \"alpha\": 1, \"C\": 1}' "
      "--lr-curve " +
      lr);
  CHECK(null_law.status == 2);
  CHECK(null_law.out.empty());
  CHECK(null_law.err ==
        "lrs: --law: the JSON has no number \"L0\" (null or missing: did the fit fail?)\n");
  const auto cut = run_tool("predict --law '{\"L0\": 1' --lr-curve " + lr);
  CHECK(cut.status == 2);
  CHECK(cut.err ==
        "lrs: --law: not the JSON that `lrs fit` prints: expected ',' or '}' at byte 9\n");
  const auto missing = run_tool("predict --law /nonexistent/law.json --lr-curve " + lr);
  CHECK(missing.status == 2);
  CHECK(missing.err ==
        "lrs: --law: '/nonexistent/law.json' is neither L0=...,A=...,alpha=...,C=... nor `lrs "
        "fit` JSON nor a readable file\n");
  const auto dir = run_tool("predict --law /tmp --lr-curve " + lr);
  CHECK(dir.err == "lrs: --law: /tmp is a directory, not a law\n");
  std::remove(lr.c_str());
  std::remove(law_file.c_str());
}

TEST_CASE("lrs predict and lrs fit agree on LR curves with S1 = 0", "[tool][scaling_law][error]") {
  const std::string zero = temp_file("step,lr\n0,0\n1,0\n2,0\n3,0\n4,0\n");
  const std::string loss = temp_file("step,loss\n1,3\n2,2.5\n3,2.25\n4,2\n");
  const auto p = run_tool("predict --law L0=1,A=2,alpha=0.5,C=3 --lr-curve " + zero);
  CHECK(p.status == 2);
  CHECK(p.out.empty());
  CHECK(p.err == "lrs: predict: the LR is 0 at every step of " + zero +
                     ", so S1 = 0 and the law predicts no loss (lrs fit rejects such runs too)\n");
  const auto f = run_tool("fit --lr-curve " + zero + " --loss " + loss);
  CHECK(f.status == 2);
  CHECK(f.out.empty());
  CHECK(f.err.find("S1 > 0") != std::string::npos);
  // Leading zeros (taken as recorded): those steps are left out with a note; S1 = [0, 0, 1, 2].
  const std::string lead = temp_file("step,lr\n0,0\n1,0\n2,1\n3,1\n");
  const auto l =
      run_tool("predict --law L0=1,A=2,alpha=0.5,C=0 --warmup-as-recorded --lr-curve " + lead);
  CHECK(l.status == 0);
  CHECK(l.err ==
        "lrs: note: predict: S1 = 0 (no LR yet) at steps 0..1 of " + lead + ": left out\n");
  const auto rows = csv_rows(l.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1][0] == "2");
  CHECK_THAT(std::stod(rows[1][1]), WithinRel(3.0, 1e-15));
  CHECK_THAT(std::stod(rows[2][1]), WithinRel(1.0 + 2.0 / std::sqrt(2.0), 1e-15));
  for (const auto& f2 : {zero, loss, lead}) std::remove(f2.c_str());
}

TEST_CASE("fit, predict and choose state the step limit before allocating",
          "[tool][scaling_law][error]") {
  const std::string limit =
      "--steps must be <= 100000000 (the curve is held in memory, some 32 bytes a step), got "
      "9000000000000000000\n";
  const std::string loss = temp_file("step,loss\n1,3\n2,2.5\n3,2.25\n4,2\n");
  const auto p = run_tool("predict --law L0=1,A=2,alpha=0.5,C=3 --lr 0.1 --steps 9e18 constant");
  CHECK(p.status == 2);
  CHECK(p.out.empty());
  CHECK(p.err == "lrs: " + limit);
  const auto f =
      run_tool("fit --schedule constant --lr 0.1 --steps 9000000000000000000 --loss " + loss);
  CHECK(f.status == 2);
  CHECK(f.out.empty());
  CHECK(f.err == "lrs: " + limit);
  const auto c = run_tool("choose --law L0=1,A=1,alpha=1,C=1 --family wsd --lr 0.1 --steps 9e18");
  CHECK(c.status == 2);
  CHECK(c.out.empty());
  CHECK(c.err == "lrs: choose: " + limit);
  std::remove(loss.c_str());
}

#endif
