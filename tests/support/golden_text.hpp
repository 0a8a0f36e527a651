// SPDX-License-Identifier: MIT
// Readers of the optimizer reference files (tests/data/optim/golden.txt and
// tests/data/optim/schedule_free/trajectories.txt, written by their Python generators): numbers
// separated by white space, a case's parameter groups and tensors, one line of values per tensor.
#pragma once

#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "catch.hpp"

namespace lrs_test {

/// The next `n` numbers of `in`.
inline std::vector<double> read_values(std::istream& in, long n) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (auto& x : v) in >> x;
  return v;
}

/// A case's parameter groups (lr_scale, weight_decay) and tensors (size, group), written as
/// "groups N s w ... tensors M n g ...".
struct optimizer_layout {
  std::vector<std::pair<double, double>> groups;
  std::vector<std::pair<long, long>> tensors;
};

inline optimizer_layout read_optimizer_layout(std::istream& in) {
  optimizer_layout l;
  std::string word;
  long count = 0;
  in >> word >> count;
  REQUIRE(word == "groups");
  for (long i = 0; i < count; ++i) {
    double s = 0, w = 0;
    in >> s >> w;
    l.groups.emplace_back(s, w);
  }
  in >> word >> count;
  REQUIRE(word == "tensors");
  for (long i = 0; i < count; ++i) {
    long n = 0, g = 0;
    in >> n >> g;
    l.tensors.emplace_back(n, g);
  }
  return l;
}

/// One line of values per tensor of `tensors` (size, group).
inline std::vector<std::vector<double>> read_per_tensor(
    std::istream& in, const std::vector<std::pair<long, long>>& tensors) {
  std::vector<std::vector<double>> out;
  for (const auto& t : tensors) out.push_back(read_values(in, t.first));
  return out;
}

}  // namespace lrs_test
