// SPDX-License-Identifier: MIT
// lrs: learning-rate schedules (umbrella header): core, every schedule and the two plateau
// controllers (reduce_lr_on_plateau, plateau_scaled). Standard library only: no Eigen, no file
// I/O. The other layers have their own umbrellas: <lrs/controllers.hpp>, <lrs/optim.hpp>,
// <lrs/analysis.hpp> and <lrs/io.hpp> (docs/architecture.md).
#ifndef LRS_LRS_HPP
#define LRS_LRS_HPP

#include <lrs/config.hpp>
#include <lrs/version.hpp>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/sample.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>
#include <lrs/core/vocabulary.hpp>

#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/chained.hpp>
#include <lrs/schedules/combinators.hpp>
#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/constant_lr.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>
#include <lrs/schedules/cosine_annealing_warm_restarts.hpp>
#include <lrs/schedules/cyclic_lr.hpp>
#include <lrs/schedules/exponential_lr.hpp>
#include <lrs/schedules/hf.hpp>
#include <lrs/schedules/keras.hpp>
#include <lrs/schedules/lambda_lr.hpp>
#include <lrs/schedules/linear_lr.hpp>
#include <lrs/schedules/multi_step_lr.hpp>
#include <lrs/schedules/multiplicative_lr.hpp>
#include <lrs/schedules/one_cycle_lr.hpp>
#include <lrs/schedules/optax.hpp>
#include <lrs/schedules/polynomial_lr.hpp>
#include <lrs/schedules/profiles.hpp>
#include <lrs/schedules/sequential.hpp>
#include <lrs/schedules/step_lr.hpp>
#include <lrs/schedules/timm.hpp>
#include <lrs/schedules/warmup.hpp>

#include <lrs/controllers/plateau_scaled.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>

#endif  // LRS_LRS_HPP
