// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::sample of a reduce_lr_on_plateau. tests/compile_fail/CMakeLists.txt passes
// only on the message "lrs::sample: the argument is a controller".
#include <lrs/lrs.hpp>

int main() {
  lrs::reduce_lr_on_plateau<double> p(0.1);
  return lrs::sample(p, 10).size() == 10 ? 0 : 1;
}
