// SPDX-License-Identifier: MIT
// timm's scheduler calls pasted into `lrs curve` (needs LRS_BUILD_TOOLS). Expected values: timm's
// own classes, tests/data/schedules/timm/reference.txt (tests/data/schedules/timm/generate.py).
#include <cstddef>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"

#include "tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)

using tool_test::csv_rows;
using tool_test::run_tool;

namespace {

// The reference values of one configuration of reference.txt.
std::vector<double> timm_values(const std::string& name) {
  std::ifstream file(LRS_TEST_DATA_DIR "/schedules/timm/reference.txt");
  if (!file) throw std::runtime_error("cannot open schedules/timm/reference.txt");
  bool found = false;
  for (std::string line; std::getline(file, line);) {
    if (line.rfind("C " + name + " ", 0) == 0) found = true;
    if (found && line.rfind("V ", 0) == 0) {
      std::istringstream in(line.substr(2));
      std::vector<double> out;
      for (std::string tok; in >> tok;) out.push_back(std::stod(tok));
      return out;
    }
  }
  throw std::runtime_error("no reference " + name);
}

void check_timm_curve(const std::string& args, const std::string& name, std::size_t steps) {
  INFO(args);
  const std::vector<double> want = timm_values(name);
  const auto r = run_tool(args);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  const auto rows = csv_rows(r.out);
  REQUIRE(rows.size() == steps + 1);
  for (std::size_t t = 0; t < steps; ++t) {
    REQUIRE(rows[t + 1].size() == 2);
    CHECK_THAT(std::stod(rows[t + 1][1]), WithinRel(want[t], 1e-12));
  }
}

}  // namespace

TEST_CASE("lrs curve prints timm's schedulers pasted from Python source", "[tool][timm]") {
  check_timm_curve(
      "curve --lr 3e-4 --steps 125 \"timm.scheduler.CosineLRScheduler("
      "optimizer, t_initial=100, lr_min=1e-5, warmup_t=10, warmup_lr_init=1e-6, "
      "t_in_epochs=False)\"",
      "cos_warmup", 125);
  check_timm_curve(
      "curve --lr 1 --steps 250 \"CosineLRScheduler(optimizer, t_initial=2, cycle_mul=3.0, "
      "cycle_limit=10, t_in_epochs=False)\"",
      "cos_mul3_quirk", 250);
  check_timm_curve(
      "curve --lr 0.1 --steps 100 \"timm.scheduler.MultiStepLRScheduler(opt, "
      "decay_t=[30, 60, 90], decay_rate=0.1, t_in_epochs=False)\"",
      "multistep_basic", 100);
  check_timm_curve(
      "curve --lr 0.01 --steps 130 \"PolyLRScheduler(t_initial=100, power=2.0, "
      "lr_min=1e-4, warmup_t=10, warmup_lr_init=1e-5, warmup_prefix=True, k_decay=1.5, "
      "t_in_epochs=False)\"",
      "poly_power2_warmup", 130);
  check_timm_curve(
      "curve --lr 0.1 --steps 80 \"timm.scheduler.tanh_lr.TanhLRScheduler(optimizer, 20, "
      "cycle_decay=0.8, cycle_limit=3, warmup_t=5, warmup_lr_init=0.01, "
      "warmup_prefix=True, t_in_epochs=False)\"",
      "tanh_warmup_prefix_cycles", 80);
}

TEST_CASE("lrs curve --steps-per-epoch expands timm's epoch-indexed default", "[tool][timm]") {
  // StepLRScheduler(decay_t=3, decay_rate=0.5), t_in_epochs=True: epoch e has timm's value at e.
  const std::vector<double> epochs = timm_values("step_epochs");
  const auto r = run_tool(
      "curve --lr 0.1 --steps 24 --steps-per-epoch 2 \"StepLRScheduler(optimizer, 3, 0.5)\"");
  CHECK(r.status == 0);
  const auto rows = csv_rows(r.out);
  REQUIRE(rows.size() == 25);
  for (std::size_t t = 0; t < 24; ++t)
    CHECK_THAT(std::stod(rows[t + 1][1]), WithinRel(epochs[t / 2], 1e-12));
}

TEST_CASE("lrs curve refuses bad timm noise and the plateau scheduler", "[tool][timm][error]") {
  const auto a = run_tool(
      "curve --lr 0.1 --steps 3 \"CosineLRScheduler(t_initial=10, noise_range_t=[1, 2, 3])\"");
  CHECK(a.status == 2);
  CHECK(a.out.empty());
  CHECK(a.err.find("noise_range_t") != std::string::npos);
  const auto b = run_tool("curve --lr 0.1 --steps 3 \"PlateauLRScheduler(optimizer)\"");
  CHECK(b.status == 2);
  CHECK(b.err.find("controller") != std::string::npos);
}

#endif  // LRS_HAVE_TOOL
