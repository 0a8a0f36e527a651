// SPDX-License-Identifier: MIT
// CSV readers on hostile input: long lines, endless input, directories, BOMs, huge numbers.
#include <lrs/io/csv.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <string>

#include <unistd.h>

#include "catch.hpp"
#include "support/errors.hpp"

namespace {

using lrs_test::message_of;

lrs::step_series series(const std::string& text, const lrs::csv_limits& limits = {}) {
  std::istringstream in(text);
  return lrs::read_step_series(in, "step", "loss", "loss.csv", limits);
}

/// A header, then the same row for ever (like `yes 1,2` after a header line), counting the bytes
/// handed out.
class endless_buf : public std::streambuf {
 public:
  endless_buf(std::string header, std::string row)
      : header_(std::move(header)), row_(std::move(row)) {}
  std::size_t served = 0;

 protected:
  int_type underflow() override {
    std::string& next = served == 0 ? header_ : row_;
    setg(next.data(), next.data(), next.data() + next.size());
    served += next.size();
    return traits_type::to_int_type(next[0]);
  }

 private:
  std::string header_, row_;
};

}  // namespace

TEST_CASE("csv: a line longer than the limit is an error that does not quote it",
          "[io][csv][error]") {
  const std::string huge(1'000'000, '7');
  const std::string m = message_of<lrs::csv_error>([&] { series("step,loss\n0," + huge + "\n"); });
  CHECK(m == "loss.csv:2: line is longer than 65536 bytes (is this a CSV file?)");
  // Exactly at the limit is accepted.
  lrs::csv_limits small;
  small.max_line_bytes = 14;
  CHECK(series("step,loss\n0,1.2345678901\n", small).values.size() == 1);  // 14 bytes
  CHECK(message_of<lrs::csv_error>([&] { series("step,loss\n0,1.23456789012\n", small); }) ==
        "loss.csv:2: line is longer than 14 bytes (is this a CSV file?)");
  // A last line without a newline is measured the same way.
  CHECK(message_of<lrs::csv_error>([&] { series("step,loss\n0,1.23456789012", small); }) ==
        "loss.csv:2: line is longer than 14 bytes (is this a CSV file?)");
}

TEST_CASE("csv: limits out of range are rejected", "[io][csv][error]") {
  lrs::csv_limits none;
  none.max_line_bytes = 0;
  CHECK_THROWS_AS(series("step,loss\n0,1\n", none), lrs::invalid_argument);
  lrs::csv_limits huge;
  huge.max_line_bytes = static_cast<std::size_t>(-1);  // would overflow the line buffer's size
  CHECK_THROWS_WITH(series("step,loss\n0,1\n", huge),
                    "lrs::read_csv: limits.max_line_bytes must be in [1, 1073741824], got " +
                        std::to_string(static_cast<std::size_t>(-1)));
}

TEST_CASE("csv: /dev/zero ends in an error after one line's worth of bytes", "[io][csv][error]") {
  if (access("/dev/zero", R_OK) != 0) return;
  CHECK(message_of<lrs::csv_error>([] { (void)lrs::read_csv_file("/dev/zero", {"step"}); }) ==
        "/dev/zero:1: line is longer than 65536 bytes (is this a CSV file?)");
}

TEST_CASE("csv: an endless input stops at the size limit", "[io][csv][error]") {
  endless_buf buf("step,loss\n", "1,2\n");
  std::istream in(&buf);
  lrs::csv_limits limits;
  limits.max_total_bytes = 1'000'000;
  const std::string m =
      message_of<lrs::csv_error>([&] { (void)lrs::read_csv(in, {"step"}, "pipe", limits); });
  CHECK(m.find("pipe:") == 0);
  CHECK(m.find(": input is larger than 1000000 bytes, the limit of a CSV file here") !=
        std::string::npos);
  CHECK(buf.served <= 1'000'000 + 2 * 65536);
}

TEST_CASE("csv: a directory is reported as one", "[io][csv][error]") {
  char tmpl[] = "/tmp/lrs_csv_dir_XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  CHECK(message_of<lrs::csv_error>([&] { (void)lrs::read_csv_file(dir, {"step"}); }) ==
        dir + ": is a directory, not a CSV file");
  CHECK(message_of<lrs::csv_error>([&] {
          (void)lrs::read_step_series_file(dir, "step", "loss");
        }) == dir + ": is a directory, not a CSV file");
  rmdir(tmpl);
}

TEST_CASE("csv: a UTF-8 byte-order mark is accepted and stripped", "[io][csv]") {
  const auto s = series("\xEF\xBB\xBFstep,loss\n0,2.5\n");
  CHECK(s.steps == std::vector<lrs::step_t>{0});
  CHECK(s.values == std::vector<double>{2.5});
  // The mark is not part of the header quoted in a message either.
  CHECK(message_of<lrs::csv_error>([] { series("\xEF\xBB\xBFstep,lr\n0,1\n"); }) ==
        "loss.csv:1: missing column 'loss' in header 'step,lr'");
  // Only at the very start: elsewhere it is text (and a bad number).
  CHECK(message_of<lrs::csv_error>([] {
          series(
              "step,loss\n0,\xEF\xBB\xBF"
              "1\n");
        }) ==
        "loss.csv:2: column 'loss' is not a number: '\xEF\xBB\xBF"
        "1'");
}

TEST_CASE("csv: messages quote a short excerpt with control characters made visible",
          "[io][csv][error]") {
  const std::string long_field(5000, 'x');
  CHECK(message_of<lrs::csv_error>([&] { series("step,loss\n0," + long_field + "\n"); }) ==
        "loss.csv:2: column 'loss' is not a number: '" + std::string(48, 'x') +
            "...' (5000 bytes)");
  CHECK(message_of<lrs::csv_error>([] {
          series(
              std::string("step,loss\n0,1\0"
                          "2\n",
                          16));
        }) == "loss.csv:2: column 'loss' is not a number: '1\\x002'");
  CHECK(message_of<lrs::csv_error>([] { series("step,loss\n0,1\x1b[31m\n"); }) ==
        "loss.csv:2: column 'loss' is not a number: '1\\x1b[31m'");
  // A cut never splits a UTF-8 character: 47 'a' then 'é' (2 bytes) at bytes 48-49.
  const std::string accented = std::string(47, 'a') + "\xC3\xA9" + "zzz";
  CHECK(message_of<lrs::csv_error>([&] { series("step,loss\n0," + accented + "\n"); }) ==
        "loss.csv:2: column 'loss' is not a number: '" + std::string(47, 'a') + "...' (52 bytes)");
  const std::string header(300, 'h');
  const std::string m = message_of<lrs::csv_error>([&] { series(header + "\n0\n"); });
  CHECK(m == "loss.csv:1: missing column 'step' in header '" + std::string(200, 'h') +
                 "...' (300 bytes)");
}

TEST_CASE("csv: step numbers in messages are short", "[io][csv][error]") {
  CHECK(message_of<lrs::csv_error>([] { series("step,loss\n1e300,1\n"); }) ==
        "loss.csv:2: column 'step' must be <= 9223372036854775807, got 1e300");
  CHECK(message_of<lrs::csv_error>([] { series("step,loss\n9223372036854775808,1\n"); }) ==
        "loss.csv:2: column 'step' must be <= 9223372036854775807, got 9223372036854775808");
  CHECK(message_of<lrs::csv_error>([] { series("step,loss\n-1e300,1\n"); }) ==
        "loss.csv:2: column 'step' must be >= 0, got -1e300");
  CHECK(message_of<lrs::csv_error>([] { series("step,loss\n0.1,1\n"); }) ==
        "loss.csv:2: column 'step' must be a whole number, got 0.1");
  // The largest double below 2^63 is a valid step.
  const auto s = series("step,loss\n9223372036854774784,1\n");
  CHECK(s.steps == std::vector<lrs::step_t>{9223372036854774784});
}
