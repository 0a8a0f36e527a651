// SPDX-License-Identifier: MIT
// Must NOT compile: an any_schedule holding a plateau_scaled. tests/compile_fail/CMakeLists.txt
// passes only on the message "lrs::any_schedule: the argument is a controller".
#include <lrs/lrs.hpp>

lrs::plateau_scaled<lrs::cosine_annealing_lr<double>> ctrl() {
  return lrs::plateau_scaled(lrs::cosine_annealing_lr<double>(0.1, 100));
}

int main() {
  const lrs::any_schedule<double> s = ctrl();
  return s(5) > 0 ? 0 : 1;
}
