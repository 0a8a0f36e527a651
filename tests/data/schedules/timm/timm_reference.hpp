// SPDX-License-Identifier: MIT
// The reader of tests/data/schedules/timm/reference.txt (made by generate.py from timm's classes),
// shared by tests/schedules/timm_test.cpp and tests/io/timm_spec_test.cpp.
#ifndef LRS_TESTS_DATA_SCHEDULES_TIMM_REFERENCE_HPP
#define LRS_TESTS_DATA_SCHEDULES_TIMM_REFERENCE_HPP

#include <cstddef>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/core/types.hpp>

namespace timm_reference {

struct reference {
  std::string name, call;
  double lr = 0;
  lrs::step_t steps = 0;
  std::vector<double> values;
};

inline std::vector<reference> load_reference() {
  std::ifstream file(LRS_TEST_DATA_DIR "/schedules/timm/reference.txt");
  if (!file) throw std::runtime_error("cannot open schedules/timm/reference.txt");
  std::vector<reference> out;
  for (std::string line; std::getline(file, line);) {
    if (line.size() < 2 || line[0] == '#') continue;
    if (line[0] == 'C') {
      reference r;
      std::istringstream in(line.substr(2));
      in >> r.name >> r.lr >> r.steps;
      out.push_back(std::move(r));
    } else if (line[0] == 'P') {
      out.back().call = line.substr(2);
    } else if (line[0] == 'V') {
      std::istringstream in(line.substr(2));
      for (std::string tok; in >> tok;) out.back().values.push_back(std::stod(tok));
    }
  }
  return out;
}

}  // namespace timm_reference

#endif  // LRS_TESTS_DATA_SCHEDULES_TIMM_REFERENCE_HPP
