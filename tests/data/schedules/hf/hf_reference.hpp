// SPDX-License-Identifier: MIT
// The reader of tests/data/schedules/hf/reference.txt (made by generate.py from transformers'
// functions), shared by tests/schedules/hf_test.cpp and tests/io/hf_spec_test.cpp.
#ifndef LRS_TESTS_DATA_SCHEDULES_HF_REFERENCE_HPP
#define LRS_TESTS_DATA_SCHEDULES_HF_REFERENCE_HPP

#include <cstddef>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/core/types.hpp>

namespace hf_reference {

struct reference {
  std::string id, call;
  double lr = 0;
  std::vector<std::optional<double>> values;  ///< nullopt where transformers raises
};

inline std::vector<reference> load_reference() {
  std::ifstream file(LRS_TEST_DATA_DIR "/schedules/hf/reference.txt");
  if (!file) throw std::runtime_error("cannot open schedules/hf/reference.txt");
  std::vector<reference> out;
  for (std::string line; std::getline(file, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string tag;
    in >> tag;
    if (tag == "C") {
      reference r;
      std::size_t steps = 0;
      in >> r.id >> r.lr >> steps;
      r.call = line.substr(line.find('|') + 2);
      out.push_back(std::move(r));
    } else {
      for (std::string tok; in >> tok;)
        out.back().values.push_back(tok == "E" ? std::nullopt
                                               : std::optional<double>(std::stod(tok)));
    }
  }
  return out;
}

}  // namespace hf_reference

#endif  // LRS_TESTS_DATA_SCHEDULES_HF_REFERENCE_HPP
