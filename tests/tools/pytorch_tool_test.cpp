// SPDX-License-Identifier: MIT
// The `lrs curve` and `lrs list` subcommands, run as a user would (needs LRS_BUILD_TOOLS).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <lrs/io/parse_schedule.hpp>

#include "catch.hpp"

#include "tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)

using tool_test::csv_rows;
using tool_test::run_tool;

TEST_CASE("lrs curve prints PyTorch's OneCycleLR with momentum", "[tool][pytorch]") {
  // PyTorch 1.13, OneCycleLR(max_lr=0.1, total_steps=5) on SGD(momentum=0.9): get_last_lr() and
  // param_groups[0]['momentum'] after t steps.
  const double lr[] = {0.0040000000000000036, 0.095048463201347383, 0.06112620219362893,
                       0.018825834605023701, 3.9999999999999998e-07};
  const double mom[] = {0.94999999999999996, 0.85495155660487898, 0.88887395330218422,
                        0.93117449009293662, 0.94999999999999996};
  const auto r = run_tool("curve --lr 0.1 --steps 5 \"OneCycleLR(max_lr=0.1, total_steps=5)\"");
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  const auto rows = csv_rows(r.out);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0] == std::vector<std::string>{"step", "lr", "momentum"});
  for (std::size_t t = 0; t < 5; ++t) {
    REQUIRE(rows[t + 1].size() == 3);
    CHECK(rows[t + 1][0] == std::to_string(t));
    CHECK_THAT(std::stod(rows[t + 1][1]), WithinRel(lr[t], 1e-9));
    CHECK_THAT(std::stod(rows[t + 1][2]), WithinRel(mom[t], 1e-9));
    // 17 significant digits: the printed text reads back as the exact double.
    CHECK(std::stod(rows[t + 1][1]) == lrs::parse_schedule("OneCycleLR(max_lr=0.1, total_steps=5)")(
                                           static_cast<lrs::step_t>(t)));
  }
}

TEST_CASE("lrs curve uses --lr as the base LR and prints two columns", "[tool][pytorch]") {
  const auto r = run_tool("curve --lr 0.5 --steps 4 \"StepLR(step_size=2, gamma=0.5)\"");
  CHECK(r.status == 0);
  CHECK(r.out == "step,lr\n0,0.5\n1,0.5\n2,0.25\n3,0.25\n");
}

TEST_CASE("lrs curve errors: exit status 2, message on stderr, nothing on stdout",
          "[tool][pytorch][error]") {
  const auto a = run_tool("curve --lr 0.1 --steps 3 \"CosineAnnealingLR(tmax=3)\"");
  CHECK(a.status == 2);
  CHECK(a.out.empty());
  CHECK(a.err ==
        "lrs: unknown parameter 'tmax' for CosineAnnealingLR at column 19; did you mean "
        "'T_max'?\n");
  const auto b = run_tool("curve --lr 0.1 --steps 0 \"StepLR(3)\"");
  CHECK(b.status == 2);
  CHECK(b.out.empty());
  CHECK(b.err == "lrs: --steps must be >= 1, got 0\n");
  const auto c = run_tool("curve --lr -1 --steps 3 \"StepLR(3)\"");
  CHECK(c.status == 2);
  CHECK(c.out.empty());
  const auto d = run_tool("curve --steps 3");
  CHECK(d.status == 2);
  CHECK(d.out.empty());
  CHECK_FALSE(d.err.empty());
  const auto e = run_tool("curve --lr 0.1 --steps 3 \"LinearLR(start_factor=2)\"");
  CHECK(e.status == 2);
  CHECK(e.out.empty());
  CHECK(e.err.find("start_factor must be in (0, 1], got 2") != std::string::npos);
}

TEST_CASE("lrs list shows every registered schedule, one line each, grouped by library",
          "[tool][pytorch]") {
  const auto r = run_tool("list");
  CHECK(r.status == 0);
  std::size_t names = 0;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("  ", 0) == 0) ++names;
  CHECK(names == lrs::default_spec_registry().entries().size());
  for (const auto& entry : lrs::default_spec_registry().entries()) {
    INFO(entry.first);
    CHECK(r.out.find("\n  " + entry.first + " ") != std::string::npos);
  }
  // PyTorch's names come first, under their heading; lrs's own names after them.
  CHECK(r.out.rfind("PyTorch, torch.optim.lr_scheduler", 0) == 0);
  CHECK(r.out.find("\n  StepLR ") < r.out.find("\nlrs ("));
  CHECK(r.out.find("\nlrs (") < r.out.find("\n  rex "));
}

TEST_CASE("lrs list NAME shows one name's parameters and defaults", "[tool][pytorch]") {
  const auto a = run_tool("list CosineAnnealingLR");
  CHECK(a.status == 0);
  CHECK(a.out.rfind("CosineAnnealingLR(T_max, eta_min=0)\n", 0) == 0);
  CHECK(a.out.find("    T_max            (required)") != std::string::npos);
  CHECK(a.out.find("module paths: torch.optim.lr_scheduler., optim.lr_scheduler., "
                   "lr_scheduler.\n") != std::string::npos);
  const auto b = run_tool("list torch.optim.lr_scheduler.OneCycleLR");
  CHECK(b.status == 0);
  CHECK(b.out.rfind("OneCycleLR(max_lr, total_steps=None, epochs=None, steps_per_epoch=None, "
                    "pct_start=0.3, anneal_strategy='cos'",
                    0) == 0);
  const auto c = run_tool("list CosineAnnealingLr");
  CHECK(c.status == 2);
  CHECK(c.out.empty());
  CHECK(c.err ==
        "lrs: list: unknown schedule 'CosineAnnealingLr'; did you mean 'CosineAnnealingLR'?\n");
  const auto d = run_tool("list ReduceLROnPlateau");
  CHECK(d.status == 2);
  CHECK(d.err.rfind("lrs: list: ReduceLROnPlateau is a controller, not a schedule", 0) == 0);
}

TEST_CASE("lrs curve reads a call pasted from PyTorch source", "[tool][pytorch][paste]") {
  const auto r = run_tool(
      "curve --lr 0.5 --steps 4 "
      "\"torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5, last_epoch=-1)\"");
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "step,lr\n0,0.5\n1,0.5\n2,0.25\n3,0.25\n");
  const auto e =
      run_tool("curve --lr 0.5 --steps 4 \"StepLR(optimizer, step_size=len(loader) * 2)\"");
  CHECK(e.status == 2);
  CHECK(e.err ==
        "lrs: argument 'step_size' of StepLR at column 29 is a Python expression "
        "'len(loader) * 2'; a spec cannot evaluate Python: write the value it has\n");
}

TEST_CASE("lrs curve --steps-per-epoch expands an epoch-stepped schedule to updates",
          "[tool][pytorch][paste]") {
  // StepLR(step_size=1, gamma=0.5) stepped after each epoch of 3 updates, at lr 0.5: the LR
  // halves at updates 3 and 6.
  const auto r =
      run_tool("curve --lr 0.5 --steps 7 --steps-per-epoch 3 \"StepLR(optimizer, 1, 0.5)\"");
  CHECK(r.status == 0);
  CHECK(r.out == "step,lr\n0,0.5\n1,0.5\n2,0.5\n3,0.25\n4,0.25\n5,0.25\n6,0.125\n");
  // A budget-native schedule gets the budget in epochs: 7 updates of 3 = 3 epochs (the last
  // partial), linear from 0.5 to 0 over 3 epochs: 0.5, 1/3, 1/6.
  const auto b = run_tool("curve --lr 0.5 --steps 7 --steps-per-epoch 3 --every 3 linear");
  CHECK(b.status == 0);
  const auto rows = csv_rows(b.out);
  REQUIRE(rows.size() == 4);
  CHECK(std::stod(rows[1][1]) == 0.5);
  CHECK_THAT(std::stod(rows[2][1]), WithinRel(1.0 / 3.0, 1e-15));
  CHECK_THAT(std::stod(rows[3][1]), WithinRel(1.0 / 6.0, 1e-15));
  const auto z = run_tool("curve --lr 0.5 --steps 7 --steps-per-epoch 0 linear");
  CHECK(z.status == 2);
  CHECK(z.err == "lrs: --steps-per-epoch must be >= 1, got 0\n");
}

#else
TEST_CASE("lrs tool tests need the tool (LRS_BUILD_TOOLS) on a POSIX system", "[tool]") {
  WARN("lrs tool not built: its tests were skipped");
  SUCCEED("skipped: no lrs tool");
}
#endif
