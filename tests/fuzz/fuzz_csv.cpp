// SPDX-License-Identifier: MIT
// libFuzzer target: the CSV readers of <lrs/io/csv.hpp>. The first input byte picks the reader
// (read_csv from memory, read_step_series from memory, or the _file variants on a temporary
// file); the rest is the file's text. Bad input must be refused with lrs::csv_error; whatever
// is read must be finite and, for a step series, strictly increasing whole steps.
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <lrs/io/csv.hpp>

namespace {

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_csv: %s\n", what);
  std::abort();
}

void check(const lrs::csv_columns& c, std::size_t n_columns) {
  if (c.values.size() != n_columns) finding("wrong number of columns");
  for (const auto& col : c.values) {
    if (col.size() != c.lines.size()) finding("column length differs from the row count");
    for (const double v : col)
      if (!std::isfinite(v)) finding("non-finite value accepted");
  }
}

void check(const lrs::step_series& s) {
  if (s.steps.size() != s.values.size()) finding("steps and values differ in length");
  for (std::size_t i = 0; i < s.steps.size(); ++i) {
    if (s.steps[i] < 0) finding("negative step accepted");
    if (i > 0 && s.steps[i] <= s.steps[i - 1]) finding("steps not strictly increasing");
    if (!std::isfinite(s.values[i])) finding("non-finite value accepted");
  }
}

std::string temp_file(const std::string& text) {
  static const std::string path = [] {
    std::string p = "/tmp/lrs_fuzz_csv_" + std::to_string(::getpid()) + ".csv";
    return p;
  }();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 4;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (mode) {
      case 0: {
        std::istringstream in(text);
        check(lrs::read_csv(in, {"step", "loss"}, "fuzz"), 2);
        break;
      }
      case 1: {
        std::istringstream in(text);
        check(lrs::read_step_series(in, "step", "grad_norm", "fuzz"));
        break;
      }
      case 2:
        check(lrs::read_csv_file(temp_file(text), {"lr"}), 1);
        break;
      default:
        check(lrs::read_step_series_file(temp_file(text), "step", "loss"));
        break;
    }
  } catch (const lrs::csv_error&) {
    // refused with the library's error: fine
  }
  return 0;
}
