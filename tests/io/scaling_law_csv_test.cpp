// SPDX-License-Identifier: MIT
// Tests for lrs/io/csv.hpp: reading columns by name, file:line errors, 17-digit writing.
#include <lrs/io/csv.hpp>

#include <sstream>
#include <string>

#include "catch.hpp"
#include "support/errors.hpp"

namespace {

using lrs_test::message_of;

lrs::step_series law_series(const std::string& text) {
  std::istringstream in(text);
  return lrs::read_step_series(in, "step", "loss", "loss.csv");
}

}  // namespace

TEST_CASE("read_csv selects columns by name in the requested order", "[io][csv]") {
  std::istringstream in("# comment\nstep, lr ,extra\r\n0,0.1,x\n\n1,  2.5e-1 ,y\n");
  // The extra column is not numeric but is never read.
  const auto cols = lrs::read_csv(in, {"lr", "step"}, "a.csv");
  REQUIRE(cols.rows() == 2);
  CHECK(cols["lr"] == std::vector<double>{0.1, 0.25});
  CHECK(cols["step"] == std::vector<double>{0, 1});
  CHECK(cols.lines == std::vector<std::size_t>{3, 5});
  CHECK_THROWS_AS(cols["loss"], std::out_of_range);
}

TEST_CASE("read_step_series returns integer steps and values", "[io][csv]") {
  const auto s = law_series("step,loss\n0,3.5\n10,3.25\n20,3\n");
  CHECK(s.steps == std::vector<lrs::step_t>{0, 10, 20});
  CHECK(s.values == std::vector<double>{3.5, 3.25, 3.0});
  CHECK(s.source == "loss.csv");
}

TEST_CASE("csv errors name the file and the line", "[io][csv][error]") {
  CHECK(message_of<lrs::csv_error>([] { law_series(""); }) ==
        "loss.csv: empty file: no header line");
  CHECK(message_of<lrs::csv_error>([] { law_series("\n# only a comment\n"); }) ==
        "loss.csv: empty file: no header line");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n"); }) ==
        "loss.csv:1: no data rows after the header");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,lr\n0,1\n"); }) ==
        "loss.csv:1: missing column 'loss' in header 'step,lr'");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss,loss\n0,1,1\n"); }) ==
        "loss.csv:1: column 'loss' appears twice in header");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n0,1\n1\n"); }) ==
        "loss.csv:3: expected 2 fields, got 1");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n0,abc\n"); }) ==
        "loss.csv:2: column 'loss' is not a number: 'abc'");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n0,1.5x\n"); }) ==
        "loss.csv:2: column 'loss' is not a number: '1.5x'");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n0,\n"); }) ==
        "loss.csv:2: column 'loss' is empty");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n0,1\n1,nan\n"); }) ==
        "loss.csv:3: column 'loss' is NaN");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n0,inf\n"); }) ==
        "loss.csv:2: column 'loss' is not finite: 'inf'");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n0,1\n5,1\n5,1\n"); }) ==
        "loss.csv:4: duplicate step 5");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n0,1\n5,1\n3,1\n"); }) ==
        "loss.csv:4: steps not sorted: 3 after 5");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n-1,1\n"); }) ==
        "loss.csv:2: column 'step' must be >= 0, got -1");
  CHECK(message_of<lrs::csv_error>([] { law_series("step,loss\n1.5,1\n"); }) ==
        "loss.csv:2: column 'step' must be a whole number, got 1.5");
  CHECK(message_of<lrs::csv_error>([] { (void)lrs::read_csv_file("/nonexistent/x.csv", {"a"}); }) ==
        "/nonexistent/x.csv: cannot open file");
}

TEST_CASE("csv_error carries source and line", "[io][csv][error]") {
  try {
    law_series("step,loss\n0,1\n0,1\n");
    FAIL("no throw");
  } catch (const lrs::csv_error& e) {
    CHECK(e.source() == "loss.csv");
    CHECK(e.line() == 3);
  }
}

TEST_CASE("write_csv prints 17 significant digits that read back exactly", "[io][csv]") {
  CHECK(lrs::format_csv_number(0.1) == "0.10000000000000001");
  CHECK(lrs::format_csv_number(1000.0) == "1000");
  std::ostringstream out;
  const std::vector<double> v{0.1, 1.0 / 3.0, 2e-4};
  lrs::write_step_series(out, "step", "lr", {0, 1, 2}, v);
  CHECK(out.str() ==
        "step,lr\n0,0.10000000000000001\n1,0.33333333333333331\n2,0.00020000000000000001\n");
  std::istringstream in(out.str());
  const auto back = lrs::read_step_series(in, "step", "lr");
  CHECK(back.values == v);  // exact round trip
  std::ostringstream out2;
  lrs::write_csv(out2, {"a", "b"}, {{1, 2}, {0.5, 0.25}});
  CHECK(out2.str() == "a,b\n1,0.5\n2,0.25\n");
  CHECK_THROWS_AS(lrs::write_csv(out2, {"a"}, {{1}, {2}}), std::invalid_argument);
  CHECK_THROWS_AS(lrs::write_step_series(out2, "s", "v", {0}, {}), std::invalid_argument);
}
