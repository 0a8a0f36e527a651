// SPDX-License-Identifier: MIT
// lrs optimizer layer on Eigen (umbrella header): sgd, adam, adamw, lion, schedule-free SGD
// and AdamW.
#ifndef LRS_OPTIM_HPP
#define LRS_OPTIM_HPP

#include <lrs/optim/adam.hpp>
#include <lrs/optim/adamw_schedule_free.hpp>
#include <lrs/optim/common.hpp>
#include <lrs/optim/lion.hpp>
#include <lrs/optim/norm_reduction.hpp>
#include <lrs/optim/optimizer_base.hpp>
#include <lrs/optim/schedule_free.hpp>
#include <lrs/optim/schedule_free_base.hpp>
#include <lrs/optim/scheduled.hpp>
#include <lrs/optim/sgd.hpp>
#include <lrs/optim/sgd_schedule_free.hpp>

#endif  // LRS_OPTIM_HPP
