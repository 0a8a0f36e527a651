// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::cycled around a plateau_scaled. tests/compile_fail/CMakeLists.txt passes
// only on the message "lrs::cycled: the argument is a controller".
#include <lrs/lrs.hpp>

lrs::plateau_scaled<lrs::cosine_annealing_lr<double>> ctrl() {
  return lrs::plateau_scaled(lrs::cosine_annealing_lr<double>(0.1, 100));
}

int main() {
  return lrs::cycled(ctrl(), 50)(5) > 0 ? 0 : 1;
}
