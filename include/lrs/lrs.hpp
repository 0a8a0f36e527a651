// SPDX-License-Identifier: MIT
// lrs: learning-rate schedules and budget-aware training utilities (umbrella header).
#ifndef LRS_LRS_HPP
#define LRS_LRS_HPP

#include <lrs/config.hpp>
#include <lrs/version.hpp>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/sample.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>

#include <lrs/controllers/autolrs.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>

#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/chained.hpp>
#include <lrs/schedules/constant.hpp>
#include <lrs/schedules/constant_lr.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>
#include <lrs/schedules/cosine_annealing_warm_restarts.hpp>
#include <lrs/schedules/cyclic_lr.hpp>
#include <lrs/schedules/exponential_lr.hpp>
#include <lrs/schedules/lambda_lr.hpp>
#include <lrs/schedules/linear_lr.hpp>
#include <lrs/schedules/multi_step_lr.hpp>
#include <lrs/schedules/multiplicative_lr.hpp>
#include <lrs/schedules/one_cycle_lr.hpp>
#include <lrs/schedules/polynomial_lr.hpp>
#include <lrs/schedules/profiles.hpp>
#include <lrs/schedules/sequential.hpp>
#include <lrs/schedules/step_lr.hpp>

#endif  // LRS_LRS_HPP
