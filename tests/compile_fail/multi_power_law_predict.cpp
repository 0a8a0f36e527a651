// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::multi_power_law::predict of a plateau_scaled.
// tests/compile_fail/CMakeLists.txt passes only on the message "lrs::multi_power_law::predict: the
// argument is a controller".
#include <lrs/analysis/multi_power_law.hpp>
#include <lrs/lrs.hpp>

lrs::plateau_scaled<lrs::cosine_annealing_lr<double>> ctrl() {
  return lrs::plateau_scaled(lrs::cosine_annealing_lr<double>(0.1, 100));
}

int main() {
  const lrs::multi_power_law law{};
  return law.predict(ctrl(), 100, {10}).size() == 1 ? 0 : 1;
}
