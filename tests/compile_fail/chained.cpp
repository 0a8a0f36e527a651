// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::chained with a plateau_scaled child. tests/compile_fail/CMakeLists.txt
// passes only on the message "lrs::chained: the argument is a controller".
#include <lrs/lrs.hpp>

lrs::plateau_scaled<lrs::cosine_annealing_lr<double>> ctrl() {
  return lrs::plateau_scaled(lrs::cosine_annealing_lr<double>(0.1, 100));
}

int main() {
  return lrs::chained(ctrl(), lrs::constant(0.5))(5) > 0 ? 0 : 1;
}
