// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::scaled around an autolrs. tests/compile_fail/CMakeLists.txt passes only on
// the message "lrs::scaled: the argument is a controller".
#include <lrs/controllers.hpp>
#include <lrs/lrs.hpp>

int main() {
  lrs::autolrs a(lrs::autolrs_options{});
  return lrs::scaled(a, 0.5)(5) > 0 ? 0 : 1;
}
