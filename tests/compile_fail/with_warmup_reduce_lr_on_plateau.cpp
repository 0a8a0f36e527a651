// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::with_warmup around a reduce_lr_on_plateau.
// tests/compile_fail/CMakeLists.txt passes only on the message "lrs::with_warmup: the argument is a
// controller".
#include <lrs/lrs.hpp>

int main() {
  lrs::reduce_lr_on_plateau<double> p(0.1);
  return lrs::with_warmup(p, 10)(5) > 0 ? 0 : 1;
}
