// SPDX-License-Identifier: MIT
// Reader of tests/data/multi_power_law (NumPy reference values of the Multi-Power Law written by
// generate.py there): the parameter sets, the synthetic schedules and the predictions.
#ifndef LRS_TESTS_MULTI_POWER_LAW_VECTORS_HPP
#define LRS_TESTS_MULTI_POWER_LAW_VECTORS_HPP

#include <array>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/core/types.hpp>

namespace mpl_vectors {

struct params {
  std::array<double, 7> p;  // L0, A, alpha, B, C, beta, gamma
  lrs::step_t warmup;       // W of the paper convention
};

/// One run's reference predictions in one convention.
struct series {
  std::vector<lrs::step_t> steps;
  std::vector<double> pred;
};

inline std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, ',')) out.push_back(f);
  return out;
}

inline std::ifstream open(const std::string& name) {
  std::ifstream in(std::string(LRS_TEST_DATA_DIR) + "/multi_power_law/" + name);
  if (!in) throw std::runtime_error("cannot read tests/data/multi_power_law/" + name);
  std::string header;
  std::getline(in, header);
  return in;
}

/// set -> parameters (mpl_params.csv).
inline std::map<std::string, params> load_params() {
  std::map<std::string, params> out;
  auto in = open("mpl_params.csv");
  for (std::string line; std::getline(in, line);) {
    const auto f = split(line);
    params p{};
    for (std::size_t k = 0; k < 7; ++k) p.p[k] = std::stod(f[k + 1]);
    p.warmup = std::stoll(f[8]);
    out[f[0]] = p;
  }
  return out;
}

/// run -> every step's LR (mpl_synthetic_lrs.csv).
inline std::map<std::string, std::vector<double>> load_synthetic_lrs() {
  std::map<std::string, std::vector<double>> out;
  auto in = open("mpl_synthetic_lrs.csv");
  for (std::string line; std::getline(in, line);) {
    const auto f = split(line);
    out[f[0]].push_back(std::stod(f[2]));
  }
  return out;
}

/// "size/run/convention" -> predictions (mpl_vectors.csv).
inline std::map<std::string, series> load_vectors() {
  std::map<std::string, series> out;
  auto in = open("mpl_vectors.csv");
  for (std::string line; std::getline(in, line);) {
    const auto f = split(line);
    series& s = out[f[0] + "/" + f[1] + "/" + f[3]];
    s.steps.push_back(std::stoll(f[2]));
    s.pred.push_back(std::stod(f[4]));
  }
  return out;
}

}  // namespace mpl_vectors

#endif  // LRS_TESTS_MULTI_POWER_LAW_VECTORS_HPP
