// SPDX-License-Identifier: MIT
// `lrs plot --csv FILE[:COLUMN]`: CSV series (a recorded LR, `lrs predict` output) next to specs.
#include <cstdio>
#include <string>

#include "../tool_runner.hpp"
#include "catch.hpp"

#if defined(LRS_HAVE_TOOL)
using tool_test::run_tool;
using tool_test::temp_file;

namespace {

std::size_t count_in(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("lrs plot --csv draws a CSV series alone or next to specs", "[tool][plot]") {
  const std::string lr = temp_file("step,lr,momentum\n0,0.1,0.9\n1,0.05,0.9\n2,0.025,0.9\n");
  const std::string loss = temp_file("# lrs predict\nstep,loss\n0,2.5\n10,1.5\n20,1.25\n");
  {
    // Default column: the first one that is not 'step'.
    const auto r = run_tool("plot --out - --csv " + lr);
    CHECK(r.status == 0);
    CHECK(r.err == "wrote stdout (1 CSV series)\n");
    CHECK(count_in(r.out, "<polyline") == 1);
    CHECK(r.out.find("<title>" + lr + ":lr</title>") != std::string::npos);
    CHECK(r.out.find(">" + lr + ":lr</text>") != std::string::npos);  // the title
    // x ends where the data ends: the last tick is 2, there is no tick beyond it.
    CHECK(r.out.find("text-anchor=\"middle\">2</text>") != std::string::npos);
    CHECK(r.out.find("text-anchor=\"middle\">2.5</text>") == std::string::npos);
  }
  {
    const auto r = run_tool("plot --lr 0.1 --steps 30 --out - rex --csv " + loss + ":loss --csv " +
                            lr + ":momentum");
    CHECK(r.status == 0);
    CHECK(r.err == "wrote stdout (1 schedule, steps 0..29, 2 CSV series)\n");
    CHECK(count_in(r.out, "<polyline") == 3);
    CHECK(r.out.find("<title>" + loss + ":loss</title>") != std::string::npos);
    CHECK(r.out.find("<title>" + lr + ":momentum</title>") != std::string::npos);
  }
  std::remove(lr.c_str());
  std::remove(loss.c_str());
}

TEST_CASE("lrs plot --csv: bad files and missing arguments are clear errors",
          "[tool][plot][error]") {
  const std::string f = temp_file("step,lr\n0,0.1\n1,oops\n");
  auto r = run_tool("plot --out - --csv " + f);
  CHECK(r.status == 2);
  CHECK(r.err == "lrs: plot: --csv: " + f + ":3: column 'lr' is not a number: 'oops'\n");
  CHECK(r.out.empty());
  r = run_tool("plot --out - --csv " + f + ":loss");
  CHECK(r.status == 2);
  CHECK(r.err.rfind("lrs: plot: --csv: " + f + ":1: missing column 'loss' in header", 0) == 0);
  r = run_tool("plot --out - --csv /nonexistent/x.csv");
  CHECK(r.status == 2);
  CHECK(r.err == "lrs: plot: --csv: cannot open '/nonexistent/x.csv'\n");
  const std::string only_step = temp_file("step\n0\n");
  r = run_tool("plot --out - --csv " + only_step);
  CHECK(r.err == "lrs: plot: --csv: '" + only_step + "' has no column besides 'step' to plot\n");
  const std::string zero = temp_file("step,lr\n0,0.1\n1,0\n");
  r = run_tool("plot --out - --log-y --csv " + zero);
  CHECK(r.status == 2);
  CHECK(r.err ==
        "lrs: plot: --csv '" + zero + ":lr': cannot plot 0 on a log y axis (values must be > 0)\n");
  r = run_tool("plot --out - --steps 10 rex");
  CHECK(r.err == "lrs: plot: --lr is required to plot a schedule spec\n");
  r = run_tool("plot --out - --lr 0.1 rex");
  CHECK(r.err == "lrs: plot: --steps is required to plot a schedule spec\n");
  r = run_tool("plot --out -");
  CHECK(r.err == "lrs: plot: give at least one schedule spec or --csv FILE[:COLUMN]\n");
  std::remove(f.c_str());
  std::remove(only_step.c_str());
  std::remove(zero.c_str());
}
#else
TEST_CASE("lrs plot --csv tests need the tool (LRS_BUILD_TOOLS) on POSIX", "[tool]") {
  WARN("lrs tool not built: its tests were skipped");
  SUCCEED("skipped: no lrs tool");
}
#endif
