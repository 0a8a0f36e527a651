// SPDX-License-Identifier: MIT
// `lrs curve` with Keras calls pasted as Python source (needs LRS_BUILD_TOOLS): the values of
// tests/data/schedules/keras/reference.txt, and --lr has no effect on them.
#include <cstddef>
#include <string>
#include <vector>

#include "../keras_reference.hpp"
#include "catch.hpp"

#include "tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)

using tool_test::csv_rows;
using tool_test::run_tool;

namespace {
const keras_reference& keras_reference_of(const std::vector<keras_reference>& refs,
                                          const std::string& name) {
  for (const auto& r : refs)
    if (r.name == name) return r;
  FAIL("no reference configuration " << name);
  return refs.front();
}

void check_curve(const keras_reference& r, const std::string& call) {
  // The steps 0..n-1 at the start of the configuration's list.
  std::size_t n = 0;
  while (n < r.steps.size() && r.steps[n] == static_cast<lrs::step_t>(n)) ++n;
  REQUIRE(n >= 20);
  const auto out = run_tool("curve --lr 5 --steps " + std::to_string(n) + " \"" + call + "\"");
  INFO(call);
  REQUIRE(out.status == 0);
  CHECK(out.err.empty());
  const auto rows = csv_rows(out.out);
  REQUIRE(rows.size() == n + 1);
  CHECK(rows[0] == std::vector<std::string>{"step", "lr"});
  for (std::size_t t = 0; t < n; ++t) {
    INFO("step " << t);
    REQUIRE(rows[t + 1].size() == 2);
    CHECK(keras_error(std::stod(rows[t + 1][1]), r.values[t]) <= 1e-12);
  }
}
}  // namespace

TEST_CASE("lrs curve prints Keras schedules pasted as Python calls", "[tool][keras]") {
  const auto refs = load_keras_reference();
  for (const char* name : {"exp_staircase", "pw_boundary_zero", "poly_cycle", "inv_staircase",
                           "cos_warmup_alpha", "cos_positional_all", "sgdr_tmul3_step_one"}) {
    const auto& r = keras_reference_of(refs, name);
    check_curve(r, r.call);
  }
}

TEST_CASE("lrs curve reads Keras calls with their module paths", "[tool][keras][paste]") {
  const auto refs = load_keras_reference();
  const auto& a = keras_reference_of(refs, "sgdr_tmul10");
  check_curve(a, "tf.keras.optimizers.schedules." + a.call);
  const auto& b = keras_reference_of(refs, "poly_cycle_power3");
  check_curve(b, "lr_schedule = keras.optimizers.schedules." + b.call);
}

TEST_CASE("lrs curve: a bad Keras argument names the parameter", "[tool][keras][error]") {
  const auto r = run_tool("curve --steps 3 \"CosineDecayRestarts(0.1, 10, t_mul=0.5)\"");
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("t_mul must be >= 1, got 0.5") != std::string::npos);
}

#endif  // LRS_HAVE_TOOL
