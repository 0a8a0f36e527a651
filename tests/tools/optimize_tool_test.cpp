// SPDX-License-Identifier: MIT
// `lrs optimize`, run as a user would (LRS_BUILD_TOOLS): the Multi-Power Law and the momentum law.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <lrs/analysis/optimize_schedule.hpp>
#include <lrs/io/parse_schedule.hpp>

#include "catch.hpp"

#include "tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)
#include <unistd.h>

namespace {

using tool_test::json_number;
using tool_test::json_string;
using tool_test::run_tool;

const char* mpl_400m =
    "2.37474466,0.65421216,0.42878731,523.42464371,2.02462735,0.59350493,0.63472457";

}  // namespace

TEST_CASE("lrs optimize --mpl with the published 400M parameters", "[tool][optimize]") {
  char path[] = "/tmp/lrs_optimize_curve_XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  const auto r =
      run_tool(std::string("optimize --mpl ") + mpl_400m +
               " --convention code --steps 24000 --lr 3e-4 --warmup-steps 2160 --curve " + path);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find('\n') == r.out.size() - 1);  // one line
  CHECK(json_string(r.out, "law") == "mpl");
  CHECK(json_string(r.out, "convention") == "code");
  const double f = json_number(r.out, "final_loss");
  CHECK(f <= 2.6891);  // the authors' optimised schedule (paper section 6.1)
  // The same numbers as the library's.
  const lrs::multi_power_law p(2.37474466, 0.65421216, 0.42878731, 523.42464371, 2.02462735,
                               0.59350493, 0.63472457, lrs::mpl_convention::code);
  lrs::optimize_options o;
  o.warmup_steps = 2160;
  const auto lib = lrs::optimize_schedule(p, 24000, 3e-4, o);
  CHECK_THAT(f, WithinRel(lib.final_loss, 1e-15));
  CHECK_THAT(json_number(r.out, "closed_form_loss"), WithinRel(lib.closed_form.final_loss, 1e-15));
  CHECK(json_number(r.out, "decay_steps") == double(lib.closed_form.decay_steps));
  CHECK(json_string(r.out, "spec") == lib.closed_form.spec);
  // The spec builds a schedule of the closed form's loss.
  const auto s = lrs::parse_schedule(json_string(r.out, "spec"));
  std::vector<double> lr(24000);
  for (int t = 0; t < 24000; ++t) lr[std::size_t(t)] = s(t);
  CHECK_THAT(lrs::mpl_final_loss(p, lr, 2160),
             WithinRel(json_number(r.out, "closed_form_loss"), 1e-12));
  // --curve: step,lr of every step, the optimised LRs.
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  CHECK(line == "step,lr");
  std::size_t rows = 0;
  double max_err = 0;
  while (std::getline(in, line)) {
    const auto c = line.find(',');
    const double v = std::stod(line.substr(c + 1));
    max_err = std::max(max_err, std::abs(v - lib.lr[rows]) / lib.lr[rows]);
    ++rows;
  }
  CHECK(rows == 24000);
  CHECK(max_err < 1e-12);
  std::remove(path);
}

TEST_CASE("lrs optimize --law with a momentum law", "[tool][optimize]") {
  const std::string law =
      "L0=2.6277947500862919,A=0.42966732917561273,alpha=0.54984394676470938,"
      "C=0.41077147803665665";
  const auto r = run_tool("optimize --law " + law + " --steps 4000 --lr 2e-4 --lambda 0.99");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(json_string(r.out, "law") == "momentum");
  CHECK(json_number(r.out, "lambda") == 0.99);
  lrs::area_options a;
  a.lambda = 0.99;
  const auto lib =
      lrs::optimize_schedule(lrs::annealing_law(2.6277947500862919, 0.42966732917561273,
                                                0.54984394676470938, 0.41077147803665665),
                             4000, 2e-4, a);
  CHECK_THAT(json_number(r.out, "final_loss"), WithinRel(lib.final_loss, 1e-15));
  CHECK(json_number(r.out, "final_loss") < json_number(r.out, "constant_final_loss"));
}

TEST_CASE("lrs optimize: bad input", "[tool][optimize]") {
  const auto check_error = [](const tool_test::result& r, const std::string& text) {
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(text) != std::string::npos);
  };
  check_error(run_tool("optimize --steps 100 --lr 1e-3"), "give the law");
  check_error(run_tool("optimize --mpl 1,2,3 --steps 100 --lr 1e-3"), "7 numbers");
  check_error(run_tool("optimize --mpl 1,2,x,4,5,6,7 --steps 100 --lr 1e-3"), "not a number");
  check_error(run_tool(std::string("optimize --mpl ") + mpl_400m + " --steps 100 --lr 0"),
              "peak must be > 0, got 0");
  check_error(run_tool(std::string("optimize --mpl ") + mpl_400m +
                       " --steps 100 --lr 1e-3 --warmup-steps 100"),
              "warmup_steps must be in [0, steps), got 100");
  check_error(run_tool(std::string("optimize --mpl ") + mpl_400m +
                       " --steps 100 --lr 1e-3 --convention other"),
              "--convention");
}

#else
TEST_CASE("lrs optimize tool tests need the tool (LRS_BUILD_TOOLS) on POSIX", "[tool]") {
  WARN("lrs tool not built: its tests were skipped");
  SUCCEED("skipped: no lrs tool");
}
#endif
