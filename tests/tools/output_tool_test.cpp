// SPDX-License-Identifier: MIT
// Every write of the `lrs` tool is checked: stdout that cannot be written (/dev/full) and files
// on a full disk (a file size limit) give a non-zero exit and a message, and leave no partial
// file; `plot --csv` reads a pipe once; `choose` refuses what it cannot predict.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"

#include "../tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

using tool_test::run_tool;

namespace {

/// A fresh empty directory, removed with everything in it when the object goes.
struct output_temp_dir {
  std::string path;
  output_temp_dir() {
    char p[] = "/tmp/lrs_output_test_XXXXXX";
    REQUIRE(mkdtemp(p) != nullptr);
    path = p;
  }
  ~output_temp_dir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
  output_temp_dir(const output_temp_dir&) = delete;
  output_temp_dir& operator=(const output_temp_dir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return path + "/" + name; }
  /// The names in the directory, sorted, space-separated.
  [[nodiscard]] std::string names() const {
    std::vector<std::string> all;
    DIR* d = opendir(path.c_str());
    REQUIRE(d != nullptr);
    for (dirent* e; (e = readdir(d)) != nullptr;) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") all.push_back(n);
    }
    closedir(d);
    std::sort(all.begin(), all.end());
    std::string out;
    for (const auto& n : all) out += (out.empty() ? "" : " ") + n;
    return out;
  }
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs `script` with bash, where $LRS is the tool; its exit status and stderr.
tool_test::result run_bash(const std::string& script, const output_temp_dir& dir) {
  const std::string err = dir.file("stderr.txt");
  const std::string cmd = "LRS=\"" + std::string(LRS_TOOL_PATH) + "\" bash -c '" + script +
                          "' >/dev/null 2>'" + err + "'";
  const int st = std::system(cmd.c_str());
  tool_test::result r;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = read_text(err);
  std::remove(err.c_str());
  return r;
}

const char* const law = "L0=2,A=1,alpha=0.5,C=3";

}  // namespace

TEST_CASE("lrs: stdout that cannot be written is an error", "[tool][output]") {
  output_temp_dir dir;
  const std::string loss = dir.file("loss.csv");
  std::ofstream(loss) << "step,loss\n9,3.662277660168379\n24,2.5\n49,1.9142135623730951\n99,1.5\n";
  const std::string norms = dir.file("norms.csv");
  std::ofstream(norms) << "step,grad_norm\n0,4\n1,2\n2,1\n3,1\n4,1\n5,1\n";
  const std::string commands[] = {
      "list",
      "list StepLR",
      "--help",
      "--version",
      "choose --help",
      "curve --lr 0.1 --steps 10 constant",
      std::string("predict --law ") + law + " --lr 0.01 --steps 4 constant",
      "refine --grad-norms " + norms,
      std::string("choose --law ") + law + " --family wsd --lr 0.001 --steps 100",
      "fit --schedule constant --lr 0.01 --steps 100 --loss " + loss,
      "plot --lr 0.1 --steps 10 --out - constant",
  };
  for (const auto& c : commands) {
    CAPTURE(c);
    const auto ok = run_tool(c);
    REQUIRE(ok.status == 0);
    REQUIRE(!ok.out.empty());
    const auto full = run_tool(c + " >/dev/full");
    CHECK(full.status == 2);
    CHECK(full.err.find("No space left on device") != std::string::npos);
    CHECK(full.err.rfind("lrs: ", 0) == 0);
  }
  // A reader that has gone is not an error (`lrs curve | head`, SIGPIPE ignored: EPIPE).
  const auto head = run_bash(
      "trap \"\" PIPE; set -o pipefail; \"$LRS\" curve --lr 0.1 --steps "
      "1000000 constant | head -n 2",
      dir);
  CHECK(head.status == 0);
  CHECK(head.err.empty());
}

TEST_CASE("lrs choose --curve and plot --out write a whole file or none", "[tool][output]") {
  output_temp_dir dir;
  const std::string curve = dir.file("curve.csv"), svg = dir.file("plot.svg");
  std::ofstream(curve) << "old\n";
  const std::string choose = std::string("\"$LRS\" choose --law ") + law +
                             " --family wsd --lr 0.001 --steps 1000 --curve " + curve;
  const std::string plot = "\"$LRS\" plot --lr 0.1 --steps 1000 --out " + svg + " cosine";
  // A file size limit of 1 KiB stands for a full disk: writes past it fail (EFBIG).
  const std::string limit = "trap \"\" XFSZ; ulimit -f 1; ";
  const auto c = run_bash(limit + choose, dir);
  CHECK(c.status == 2);
  CHECK(c.err.rfind("lrs: choose: --curve: cannot write " + curve + ": ", 0) == 0);
  CHECK(read_text(curve) == "old\n");  // the file as it was
  const auto p = run_bash(limit + plot, dir);
  CHECK(p.status == 2);
  CHECK(p.err.rfind("lrs: plot: --out: cannot write " + svg + ": ", 0) == 0);
  CHECK(dir.names() == "curve.csv");  // no SVG, no temporary file left behind
  // Without the limit both are written whole, over the old file.
  REQUIRE(run_bash(choose, dir).status == 0);
  CHECK(read_text(curve).rfind("step,lr,loss\n0,0.001,", 0) == 0);
  CHECK(read_text(curve).size() > 1024);
  REQUIRE(run_bash(plot, dir).status == 0);
  CHECK(read_text(svg).find("</svg>") != std::string::npos);
  CHECK(dir.names() == "curve.csv plot.svg");
  // A device is written in place, and its failure is reported.
  const auto dev = run_tool(std::string("choose --law ") + law +
                            " --family wsd --lr 0.001 --steps 100 --curve /dev/full");
  CHECK(dev.status == 2);
  CHECK(dev.err == "lrs: choose: --curve: cannot write /dev/full: No space left on device\n");
}

TEST_CASE("lrs plot --csv reads a pipe once", "[tool][output][plot]") {
  output_temp_dir dir;
  const std::string svg = dir.file("pipe.svg");
  // Without :COLUMN the header names the column; the pipe cannot be read a second time.
  const auto r = run_bash(
      "\"$LRS\" plot --csv <(printf \"step,lr\\n0,1\\n1,0.5\\n2,0.25\\n\") "
      "--out " +
          svg,
      dir);
  INFO(r.err);
  CHECK(r.status == 0);
  const std::string doc = read_text(svg);
  CHECK(doc.find("</svg>") != std::string::npos);
  CHECK(doc.find(":lr") != std::string::npos);  // the series is named FILE:lr
}

TEST_CASE("lrs choose refuses non-finite predictions and budgets it cannot search",
          "[tool][output][scaling_law]") {
  const auto r =
      run_tool(std::string("choose --law ") + law + " --family wsd --lr 1e308 --steps 100");
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("lrs: lrs::choose_schedule: the predicted final loss must be finite", 0) == 0);
  const auto big =
      run_tool(std::string("choose --law ") + law + " --family warmup --lr 0.001 --steps 1e8");
  CHECK(big.status == 2);
  CHECK(big.out.empty());
  CHECK(big.err.rfind("lrs: choose: --steps must be <= 10000000 (", 0) == 0);
  CHECK(big.err.find("got 100000000\n") != std::string::npos);
}

#endif  // LRS_HAVE_TOOL
