// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::join with a plateau_scaled segment. tests/compile_fail/CMakeLists.txt
// passes only on the message "lrs::sequential (join): the argument is a controller".
#include <lrs/lrs.hpp>

lrs::plateau_scaled<lrs::cosine_annealing_lr<double>> ctrl() {
  return lrs::plateau_scaled(lrs::cosine_annealing_lr<double>(0.1, 100));
}

int main() {
  auto s = lrs::join(std::make_tuple(lrs::constant(0.1), ctrl()), {10});
  return s(5) > 0 ? 0 : 1;
}
