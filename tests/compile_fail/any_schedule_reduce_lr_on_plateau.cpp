// SPDX-License-Identifier: MIT
// Must NOT compile: an any_schedule holding a reduce_lr_on_plateau.
// tests/compile_fail/CMakeLists.txt passes only on the message "lrs::any_schedule: the argument is
// a controller".
#include <lrs/lrs.hpp>

int main() {
  lrs::reduce_lr_on_plateau<double> p(0.1);
  const lrs::any_schedule<double> s(p);
  return s(5) > 0 ? 0 : 1;
}
