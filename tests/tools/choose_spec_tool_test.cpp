// SPDX-License-Identifier: MIT
// `lrs choose` prints the winner's spec string; `lrs curve` on it gives the winner's LRs.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"

#include "../tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)

namespace {

std::string json_spec(const std::string& json) {
  const std::string key = "\"spec\": \"";
  const auto at = json.find(key);
  if (at == std::string::npos) return {};
  const auto end = json.find('"', at + key.size());
  return json.substr(at + key.size(), end - at - key.size());
}

// Column `col` of CSV text with a header line, read with strtod.
std::vector<double> column(const std::string& text, std::size_t col) {
  std::vector<double> v;
  const auto rows = tool_test::csv_rows(text);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() > col);
    v.push_back(std::strtod(rows[r][col].c_str(), nullptr));
  }
  return v;
}

}  // namespace

TEST_CASE("lrs choose prints a spec that lrs curve turns into the winner's LRs",
          "[tool][scaling_law][choose]") {
  const std::string law = "--law L0=2.6278,A=0.42967,alpha=0.54985,C=0.41077";
  for (const std::string family_args :
       {"--family wsd --min-lr 1e-5 --warmup 100", "--family cosine-floor --warmup 50",
        "--family rex", "--family warmup --min-lr 2e-5"}) {
    INFO(family_args);
    char path[] = "/tmp/lrs_choose_curve_XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    const auto c = tool_test::run_tool("choose " + law + " " + family_args +
                                       " --lr 2e-4 --steps 2001 --curve " + path);
    INFO(c.err);
    REQUIRE(c.status == 0);
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::remove(path);
    const auto winner = column(ss.str(), 1);
    REQUIRE(winner.size() == 2001);
    const std::string spec = json_spec(c.out);
    INFO(c.out);
    REQUIRE(!spec.empty());
    const auto curve = tool_test::run_tool("curve --steps 2001 '" + spec + "'");
    INFO(curve.err);
    REQUIRE(curve.status == 0);
    CHECK(column(curve.out, 1) == winner);
  }
}

#endif
