// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::compute_areas of a plateau_scaled. tests/compile_fail/CMakeLists.txt
// passes only on the message "lrs::compute_areas: the argument is a controller".
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/lrs.hpp>

lrs::plateau_scaled<lrs::cosine_annealing_lr<double>> ctrl() {
  return lrs::plateau_scaled(lrs::cosine_annealing_lr<double>(0.1, 100));
}

int main() {
  return lrs::compute_areas(ctrl(), 100).s1.size() > 0 ? 0 : 1;
}
