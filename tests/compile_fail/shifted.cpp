// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::shifted around a plateau_scaled. tests/compile_fail/CMakeLists.txt passes
// only on the message "lrs::shifted: the argument is a controller".
#include <lrs/lrs.hpp>

lrs::plateau_scaled<lrs::cosine_annealing_lr<double>> ctrl() {
  return lrs::plateau_scaled(lrs::cosine_annealing_lr<double>(0.1, 100));
}

int main() {
  return lrs::shifted(ctrl(), 5)(5) > 0 ? 0 : 1;
}
