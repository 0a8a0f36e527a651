// SPDX-License-Identifier: MIT
// Reads tests/data/schedules/keras/reference.txt (written by generate.py there): Keras 3's
// schedules transcribed into float64.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/core/types.hpp>

struct keras_reference {
  std::string name, kind, call;
  std::map<std::string, std::string> params;  // Python literals; lists comma-separated
  std::vector<lrs::step_t> steps;
  std::vector<double> values;
};

inline std::vector<keras_reference> load_keras_reference() {
  const std::string path = std::string(LRS_TEST_DATA_DIR) + "/schedules/keras/reference.txt";
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::vector<keras_reference> out;
  for (std::string line; std::getline(file, line);) {
    if (line.size() < 2 || line[0] == '#') continue;
    const char tag = line[0];
    std::istringstream in(line.substr(2));
    if (tag == 'C') {
      keras_reference r;
      in >> r.name >> r.kind;
      for (std::string kv; in >> kv;) {
        const auto eq = kv.find('=');
        r.params[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
      out.push_back(std::move(r));
    } else if (tag == 'P') {
      out.back().call = line.substr(2);
    } else if (tag == 'S') {
      for (long long s; in >> s;) out.back().steps.push_back(static_cast<lrs::step_t>(s));
    } else if (tag == 'V') {
      for (std::string v; in >> v;) out.back().values.push_back(std::stod(v));
    }
  }
  return out;
}

/// |got - want| / |want|, or |got| when want is 0.
inline double keras_error(double got, double want) {
  return want == 0.0 ? std::fabs(got) : std::fabs(got - want) / std::fabs(want);
}
