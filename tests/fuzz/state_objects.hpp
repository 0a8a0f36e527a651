// SPDX-License-Identifier: MIT
// The stateful objects of fuzz_state, built the same way by the fuzz target and by the program
// that writes its seed states (make_state_seeds.cpp), so that seeds match their hyper-parameters.
#pragma once

#include <vector>

#include <lrs/analysis/refinement.hpp>
#include <lrs/controllers/autolrs.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>
#include <lrs/optim.hpp>

#include "../support/trainers.hpp"

namespace fuzz {

/// Selector values (input byte 0, modulo 10) of fuzz_state.
enum kind : unsigned {
  sgd_f64 = 0,
  sgd_f32_nesterov = 1,
  adam_f64 = 2,
  adam_f32_amsgrad = 3,
  adamw_f64 = 4,
  plateau_f32 = 5,
  plateau_f64 = 6,
  autolrs_load = 7,
  autolrs_step = 8,
  grad_norms = 9,
  kinds = 10
};

inline lrs::sgd<double> make_sgd_f64() {
  lrs::sgd_options<double> o;
  o.momentum = 0.9;
  return lrs::sgd<double>(o);
}
inline lrs::sgd<float> make_sgd_f32() {
  lrs::sgd_options<float> o;
  o.momentum = 0.5f;
  o.nesterov = true;
  return lrs::sgd<float>(o);
}
inline lrs::adam<double> make_adam_f64() {
  return lrs::adam<double>();
}
inline lrs::adam<float> make_adam_f32() {
  lrs::adam_options<float> o;
  o.amsgrad = true;
  return lrs::adam<float>(o);
}
inline lrs::adamw<double> make_adamw_f64() {
  return lrs::adamw<double>();
}

template <class T>
lrs::reduce_lr_on_plateau<T> make_plateau() {
  return lrs::reduce_lr_on_plateau<T>({T(0.1), T(0.2)}, lrs::plateau_mode::max, T(0.5), 3, T(0.01),
                                      lrs::threshold_mode::abs, 2, {T(0.001), T(0)}, T(1e-8));
}

inline lrs::autolrs make_autolrs() {
  return lrs::autolrs(lrs_test::small_autolrs_options(7));
}

inline lrs::grad_norm_recorder make_grad_norms() {
  return lrs::grad_norm_recorder();
}

/// The tests' quadratic model (loss 0.5 w^2 + 0.01), at most 1e5 losses per train() call.
struct quadratic_trainer : lrs_test::quadratic_trainer {
  quadratic_trainer() { max_steps = 100000; }
};

}  // namespace fuzz
