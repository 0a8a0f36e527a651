// SPDX-License-Identifier: MIT
// Must NOT compile: lrs::rescale_for_batch of a plateau_scaled. tests/compile_fail/CMakeLists.txt
// passes only on the message "lrs::batch_scaled_schedule: the argument is a controller".
#include <lrs/analysis/batch_size.hpp>
#include <lrs/lrs.hpp>

lrs::plateau_scaled<lrs::cosine_annealing_lr<double>> ctrl() {
  return lrs::plateau_scaled(lrs::cosine_annealing_lr<double>(0.1, 100));
}

int main() {
  return lrs::rescale_for_batch(ctrl(), lrs::batch_rule::linear, 256, 512)(5) > 0 ? 0 : 1;
}
