// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::scheduled_lr with a plateau_scaled. tests/compile_fail/CMakeLists.txt
// passes only on the message "lrs::scheduled_lr: the argument is a controller".
#include <lrs/lrs.hpp>
#include <lrs/optim.hpp>

lrs::plateau_scaled<lrs::cosine_annealing_lr<double>> ctrl() {
  return lrs::plateau_scaled(lrs::cosine_annealing_lr<double>(0.1, 100));
}

int main() {
  lrs::sgd<double> opt;
  return lrs::scheduled_lr(opt, ctrl(), 5) > 0 ? 0 : 1;
}
