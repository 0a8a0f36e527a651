// SPDX-License-Identifier: MIT
// Must NOT compile: a plateau_scaled around a reduce_lr_on_plateau.
// tests/compile_fail/CMakeLists.txt passes only on the message "lrs::plateau_scaled: the argument
// is a controller".
#include <lrs/lrs.hpp>

int main() {
  lrs::reduce_lr_on_plateau<double> p(0.1);
  return lrs::plateau_scaled(p).lr(5) > 0 ? 0 : 1;
}
