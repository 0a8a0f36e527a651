// SPDX-License-Identifier: MIT
// `lrs curve` with optax calls pasted as Python source: the printed values against optax's
// formulas (tests/data/schedules/optax/golden.txt). Needs LRS_BUILD_TOOLS.
#include <cstddef>
#include <string>
#include <vector>

#include "../data/schedules/optax/optax_golden.hpp"
#include "catch.hpp"

#include "tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)

using tool_test::csv_rows;
using tool_test::run_tool;

namespace {

const optax_golden::config& golden(const std::string& name) {
  static const auto all = optax_golden::load();
  for (const auto& c : all)
    if (c.name == name) return c;
  throw std::runtime_error("no configuration " + name);
}

}  // namespace

TEST_CASE("lrs curve prints optax's values for pasted optax calls", "[tool][optax]") {
  // Calls without single quotes, so that the shell's single quotes can hold them.
  for (const std::string name :
       {"warmup_cosine_end_exp", "piecewise_constant_unsorted", "sgdr", "join",
        "exponential_staircase_begin", "onecycle_linear_trunc", "warmup_constant_w0"}) {
    const auto& c = golden(name);
    lrs::step_t n = 0;
    while (n < static_cast<lrs::step_t>(c.values.size()) && c.values[n].first == n) ++n;
    INFO(c.name << ": " << c.call);
    // --lr has no effect on optax's absolute values.
    const auto r = run_tool("curve --lr 7 --steps " + std::to_string(n) + " '" + c.call + "'");
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    const auto rows = csv_rows(r.out);
    REQUIRE(rows.size() == static_cast<std::size_t>(n) + 1);
    CHECK(rows[0] == std::vector<std::string>{"step", "lr"});
    for (lrs::step_t t = 0; t < n; ++t) {
      const auto& row = rows[static_cast<std::size_t>(t) + 1];
      REQUIRE(row.size() == 2);
      CHECK(row[0] == std::to_string(t));
      CHECK(optax_golden::rel_error(std::stod(row[1]),
                                    c.values[static_cast<std::size_t>(t)].second) <= 1e-12);
    }
  }
}

TEST_CASE("lrs curve: the optax.schedules. path, 17 digits, and an error", "[tool][optax]") {
  const auto r = run_tool(
      "curve --steps 3 'optax.schedules.piecewise_interpolate_schedule(\"linear\", 1.0, "
      "{4: 0.1, 8: 0.01})'");
  CHECK(r.status == 0);
  CHECK(r.out == "step,lr\n0,1\n1,0.77500000000000002\n2,0.55000000000000004\n");
  const auto e = run_tool("curve --steps 3 'optax.cosine_decay_schedule(0.1, decay_steps=0)'");
  CHECK(e.status == 2);
  CHECK(e.out.empty());
  CHECK(e.err.find("decay_steps") != std::string::npos);
}

#endif
