// SPDX-License-Identifier: MIT
// lrs::grad_norm_recorder and lrs/io/grad_norms.hpp: recording, CSV round trip, resumed runs and
// malformed files.
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <lrs/analysis/refinement.hpp>
#include <lrs/io/grad_norms.hpp>

#include "catch.hpp"

namespace {

// The shape of an optimizer's step result (lrs::sgd/adam::step returns grad_l2 and grad_l1).
struct fake_step_info {
  double grad_l2;
  double grad_l1;
};

std::string load_error(const std::string& csv) {
  lrs::grad_norm_recorder r;
  std::istringstream is(csv);
  try {
    lrs::load_grad_norms(is, r, "norms.csv");
  } catch (const lrs::csv_error& e) {
    return e.what();
  }
  return "<no exception>";
}

}  // namespace

TEST_CASE("grad_norm_recorder records by hand or from a step result", "[analysis][recorder]") {
  lrs::grad_norm_recorder l2;  // default: L2, for SGD
  CHECK(l2.kind() == lrs::grad_norm_kind::l2);
  l2.record(3.0);
  l2.record(fake_step_info{4.0, 10.0});
  CHECK(l2.steps() == 2);
  CHECK(l2.norms() == std::vector<double>{3.0, 4.0});

  lrs::grad_norm_recorder l1(lrs::grad_norm_kind::l1);
  l1.record(fake_step_info{4.0, 10.0});
  l1.record(0.0);  // zero is a valid norm; refine floors it
  CHECK(l1.norms() == std::vector<double>{10.0, 0.0});

  CHECK_THROWS_AS(l1.record(-1.0), lrs::invalid_argument);
  CHECK_THROWS_AS(l1.record(std::nan("")), lrs::invalid_argument);
  CHECK_THROWS_AS(l1.record(fake_step_info{1.0, INFINITY}), lrs::invalid_argument);
  CHECK(l1.steps() == 2);  // failed records leave it unchanged
  l1.clear();
  CHECK(l1.steps() == 0);
}

TEST_CASE("grad_norm_recorder CSV round trip is exact", "[analysis][recorder]") {
  lrs::grad_norm_recorder r;
  const std::vector<double> norms{0.1, 1.0 / 3.0, 2.5e-300, 12345.678901234567, 0.0};
  for (const double g : norms) r.record(g);
  std::ostringstream os;
  lrs::save_grad_norms(os, r);
  const std::string text = os.str();
  CHECK(text.rfind("step,grad_norm\n0,0.10000000000000001\n1,0.33333333333333331\n", 0) == 0);
  lrs::grad_norm_recorder back;
  std::istringstream is(text);
  lrs::load_grad_norms(is, back);
  CHECK(back.norms() == norms);
}

TEST_CASE("grad_norm_recorder resumes a run from its file", "[analysis][recorder]") {
  const std::string path = "refinement_recorder_test_resume.csv";
  {
    lrs::grad_norm_recorder first;
    for (int t = 0; t < 3; ++t) first.record(1.0 + t);
    lrs::save_grad_norms(path, first);
  }
  lrs::grad_norm_recorder resumed;
  lrs::load_grad_norms(path, resumed);
  CHECK(resumed.steps() == 3);  // the next record is step 3
  resumed.record(fake_step_info{9.0, 0.0});
  lrs::save_grad_norms(path, resumed);
  lrs::grad_norm_recorder again;
  lrs::load_grad_norms(path, again);
  CHECK(again.norms() == std::vector<double>{1, 2, 3, 9});
  std::ostringstream os;
  lrs::save_grad_norms(os, again);
  CHECK(os.str() == "step,grad_norm\n0,1\n1,2\n2,3\n3,9\n");
  std::remove(path.c_str());
}

TEST_CASE("grad_norm_recorder accepts CRLF, blank lines and extra columns",
          "[analysis][recorder]") {
  lrs::grad_norm_recorder r;
  std::istringstream is("step,lr,grad_norm\r\n0,0.1, 1.5\r\n\r\n1,0.1,2\r\n");
  lrs::load_grad_norms(is, r);
  CHECK(r.norms() == std::vector<double>{1.5, 2.0});
}

TEST_CASE("grad_norm_recorder rejects malformed files naming file and line",
          "[analysis][recorder][error]") {
  CHECK(load_error("") == "norms.csv: empty file: no header line");
  CHECK(load_error("step,grad_norm\n") == "norms.csv:1: no data rows after the header");
  CHECK(load_error("step,loss\n0,1\n") ==
        "norms.csv:1: missing column 'grad_norm' in header 'step,loss'");
  CHECK(load_error("step,grad_norm\n0,1\n1,nan\n") == "norms.csv:3: column 'grad_norm' is NaN");
  CHECK(load_error("step,grad_norm\n0,1\n1,-2\n") == "norms.csv:3: grad_norm must be >= 0, got -2");
  CHECK(load_error("step,grad_norm\n0,1\n2,1\n") == "norms.csv:3: step must be 1, got 2");
  CHECK(load_error("step,grad_norm\n1,1\n2,1\n") == "norms.csv:2: step must be 0, got 1");
  CHECK(load_error("step,grad_norm\n0,1x\n") ==
        "norms.csv:2: column 'grad_norm' is not a number: '1x'");
  CHECK(load_error("step,grad_norm\n0 1\n") == "norms.csv:2: expected 2 fields, got 1");

  // A failed load leaves the recorded norms intact.
  lrs::grad_norm_recorder r;
  r.record(5.0);
  std::istringstream bad("step,grad_norm\n0,1\n1,inf\n");
  CHECK_THROWS_AS(lrs::load_grad_norms(bad, r, "bad.csv"), lrs::csv_error);
  CHECK(r.norms() == std::vector<double>{5.0});
  CHECK_THROWS_AS(lrs::load_grad_norms("/nonexistent/dir/norms.csv", r), lrs::csv_error);
  CHECK(r.norms() == std::vector<double>{5.0});
}
