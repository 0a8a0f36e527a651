// SPDX-License-Identifier: MIT
// `lrs curve` with transformers' calls pasted as Python source, against the values of
// transformers' own functions (tests/data/schedules/hf/reference.txt).
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"

#include "tool_runner.hpp"

// A namespace of its own: its using-directives and helpers stay out of the other test files
// when several are compiled as one unit.
namespace hf_tool_test {

#if defined(LRS_HAVE_TOOL)

using tool_test::csv_rows;
using tool_test::run_tool;

namespace {

struct reference {
  std::string call;
  double lr = 0;
  std::vector<double> values;
};

// One configuration of reference.txt (none of those used here has a step where transformers
// raises).
reference load(const std::string& id) {
  std::ifstream file(LRS_TEST_DATA_DIR "/schedules/hf/reference.txt");
  if (!file) throw std::runtime_error("cannot open schedules/hf/reference.txt");
  reference r;
  bool found = false;
  for (std::string line; std::getline(file, line);) {
    std::istringstream in(line);
    std::string tag, name;
    in >> tag;
    if (tag == "C") {
      std::size_t steps = 0;
      in >> name >> r.lr >> steps;
      found = name == id;
      if (found) r.call = line.substr(line.find('|') + 2);
    } else if (tag == "V" && found) {
      for (std::string tok; in >> tok;) r.values.push_back(std::stod(tok));
      return r;
    }
  }
  throw std::runtime_error("no configuration " + id);
}

}  // namespace

TEST_CASE("lrs curve prints transformers' schedules pasted as Python calls", "[tool][hf]") {
  for (const char* id : {"cosine", "sched_restarts", "wsd_stable", "poly_pow2"}) {
    const reference r = load(id);
    for (const std::string prefix : {"", "transformers."}) {
      std::ostringstream args;
      args.precision(17);
      args << "curve --lr " << r.lr << " --steps " << r.values.size() << " \"" << prefix << r.call
           << "\"";
      INFO(args.str());
      const auto out = run_tool(args.str());
      CHECK(out.status == 0);
      CHECK(out.err.empty());
      const auto rows = csv_rows(out.out);
      REQUIRE(rows.size() == r.values.size() + 1);
      for (std::size_t t = 0; t < r.values.size(); ++t) {
        REQUIRE(rows[t + 1].size() >= 2);
        const double got = std::stod(rows[t + 1][1]);
        const double want = r.values[t];
        CHECK(std::fabs(got - want) <= 1e-12 * std::fabs(want));
      }
    }
  }
}

TEST_CASE("lrs curve: get_scheduler('reduce_lr_on_plateau') says it is a controller",
          "[tool][hf][error]") {
  const auto r =
      run_tool("curve --lr 0.1 --steps 3 \"get_scheduler('reduce_lr_on_plateau', optimizer)\"");
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("controller") != std::string::npos);
  CHECK(r.err.find("lrs::plateau_scaled") != std::string::npos);
}

#else
TEST_CASE("lrs hf tool tests need the tool (LRS_BUILD_TOOLS) on a POSIX system", "[tool][hf]") {
  WARN("lrs tool not built: its tests were skipped");
  SUCCEED("skipped: no lrs tool");
}
#endif

}  // namespace hf_tool_test
