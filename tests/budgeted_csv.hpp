// SPDX-License-Identifier: MIT
// Reads the expected-value tables under tests/data/budgeted/ (written by make_expected.py).
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

struct budgeted_row {
  std::string name;
  double x;      // z for profiles.csv, the step for schedules.csv
  double value;  // expected value
};

inline std::vector<budgeted_row> read_budgeted_csv(const std::string& file) {
  const std::string path = std::string(LRS_TEST_DATA_DIR) + "/budgeted/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<budgeted_row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream ss(line);
    std::string name, x, v;
    std::getline(ss, name, ',');
    std::getline(ss, x, ',');
    std::getline(ss, v, ',');
    rows.push_back({name, std::stod(x), std::stod(v)});
  }
  return rows;
}

inline std::vector<budgeted_row> rows_named(const std::vector<budgeted_row>& all,
                                            const std::string& name) {
  std::vector<budgeted_row> out;
  for (const auto& r : all)
    if (r.name == name) out.push_back(r);
  return out;
}
