// SPDX-License-Identifier: MIT
// Reads tests/data/schedules/optax/golden.txt (made by generate.py): one configuration a line,
// "<name> TAB <python call> TAB <step>:<value> ...".
#ifndef LRS_TESTS_DATA_SCHEDULES_OPTAX_GOLDEN_HPP
#define LRS_TESTS_DATA_SCHEDULES_OPTAX_GOLDEN_HPP

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <lrs/core/types.hpp>

namespace optax_golden {

struct config {
  std::string name, call;
  std::vector<std::pair<lrs::step_t, double>> values;
};

inline std::vector<config> load() {
  std::ifstream file(LRS_TEST_DATA_DIR "/schedules/optax/golden.txt");
  if (!file) throw std::runtime_error("cannot open schedules/optax/golden.txt");
  std::vector<config> out;
  for (std::string line; std::getline(file, line);) {
    if (line.empty()) continue;
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    if (t1 == std::string::npos || t2 == std::string::npos)
      throw std::runtime_error("bad line in golden.txt: " + line);
    config c;
    c.name = line.substr(0, t1);
    c.call = line.substr(t1 + 1, t2 - t1 - 1);
    std::istringstream in(line.substr(t2 + 1));
    for (std::string cell; in >> cell;) {
      const auto colon = cell.find(':');
      c.values.emplace_back(std::stoll(cell.substr(0, colon)), std::stod(cell.substr(colon + 1)));
    }
    out.push_back(std::move(c));
  }
  return out;
}

/// |got - want| / |want|, or |got| when want is 0.
inline double rel_error(double got, double want) {
  return want == 0.0 ? std::fabs(got) : std::fabs(got - want) / std::fabs(want);
}

}  // namespace optax_golden

#endif  // LRS_TESTS_DATA_SCHEDULES_OPTAX_GOLDEN_HPP
