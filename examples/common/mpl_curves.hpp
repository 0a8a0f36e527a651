// SPDX-License-Identifier: MIT
// The 27 LLM loss curves published with the Multi-Power Law paper (Luo et al., ICLR 2025;
// github.com/thu-yao-01-luo/MultiPowerLaw, folder loss_curve_repo, MIT licence), read from a
// copy of their CSVs (docs/loss_curves.md says where to get them): each run's per-step LR
// rebuilt from its name as the authors do, and its logged losses.
#ifndef LRS_EXAMPLES_MPL_CURVES_HPP
#define LRS_EXAMPLES_MPL_CURVES_HPP

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/analysis/scaling_law.hpp>

namespace mpl_data {

/// The data folder: $LRS_MPL_DATA, else ../shared/data/loss_curves/multi_power_law beside the
/// source tree (LRS_SOURCE_DIR when defined, else the working directory). Empty when absent.
inline std::string folder() {
  if (const char* env = std::getenv("LRS_MPL_DATA")) return env;
#ifdef LRS_SOURCE_DIR
  const std::filesystem::path root = LRS_SOURCE_DIR;
#else
  const std::filesystem::path root = std::filesystem::current_path();
#endif
  const std::filesystem::path p =
      root / ".." / "shared" / "data" / "loss_curves" / "multi_power_law";
  return std::filesystem::exists(p / "400M" / "cosine_24000.csv") ? p.string() : std::string();
}

inline constexpr double peak = 3e-4, end_lr = 3e-5;
inline constexpr int warmup = 2160;

/// The LR of every step of the named run (data README, "The schedules").
inline std::vector<double> schedule(const std::string& name) {
  int total = 24000;
  if (name == "constant_72000" || name == "cosine_72000") total = 72000;
  if (name.rfind("wsdcon_", 0) == 0) total = 16000;
  std::vector<double> lr(static_cast<std::size_t>(total), peak);
  for (int t = 0; t < warmup; ++t) lr[std::size_t(t)] = peak * t / (warmup - 1);
  const double pi = std::acos(-1.0);
  for (int t = warmup; t < total; ++t) {
    double& v = lr[std::size_t(t)];
    if (name.rfind("cosine_", 0) == 0) {
      v = end_lr + 0.5 * (peak - end_lr) * (1 + std::cos(pi * (t - warmup) / (total - warmup)));
    } else if (name == "wsd_20000_24000" && t >= 20000) {
      v = std::pow(peak, (24000.0 - t) / 4000) * std::pow(end_lr, (t - 20000.0) / 4000);
    } else if (name == "wsdld_20000_24000" && t >= 20000) {
      const double x = (t - 20000.0) / 4000;
      v = peak * (1 - x) + end_lr * x;
    } else if (name.rfind("wsdcon_", 0) == 0 && t >= 8000) {
      v = std::stoi(name.substr(7)) * 1e-5;
    }
  }
  return lr;
}

/// The run `size`/`name` (e.g. "400M", "cosine_24000"): every step's LR and the logged losses
/// before its last step (the authors drop logged steps >= the run's length).
inline lrs::loss_run load(const std::string& dir, const std::string& size,
                          const std::string& name) {
  lrs::loss_run run;
  run.lr = schedule(name);
  std::ifstream in(dir + "/" + size + "/" + name + ".csv");
  if (!in) throw std::runtime_error("cannot read " + dir + "/" + size + "/" + name + ".csv");
  std::string line;
  std::getline(in, line);  // step,lr,loss
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string step, lr, loss;
    std::getline(ss, step, ',');
    std::getline(ss, lr, ',');
    std::getline(ss, loss, ',');
    const long long s = std::stoll(step);
    if (s >= static_cast<long long>(run.lr.size())) continue;
    run.steps.push_back(s);
    run.losses.push_back(std::stod(loss));
  }
  return run;
}

inline const std::vector<std::string>& sizes() {
  static const std::vector<std::string> s{"25M", "100M", "400M"};
  return s;
}
/// The paper's split: fit on these three, predict the other six.
inline const std::vector<std::string>& fit_runs() {
  static const std::vector<std::string> r{"cosine_24000", "constant_24000", "wsdcon_9"};
  return r;
}
inline const std::vector<std::string>& held_out_runs() {
  static const std::vector<std::string> r{"constant_72000",    "cosine_72000", "wsd_20000_24000",
                                          "wsdld_20000_24000", "wsdcon_3",     "wsdcon_18"};
  return r;
}

}  // namespace mpl_data

#endif  // LRS_EXAMPLES_MPL_CURVES_HPP
