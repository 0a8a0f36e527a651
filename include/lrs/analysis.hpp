// SPDX-License-Identifier: MIT
// lrs analysis layer (Eigen): tools that turn data about a run into a schedule or a prediction.
#ifndef LRS_ANALYSIS_HPP
#define LRS_ANALYSIS_HPP

#include <lrs/analysis/choose_schedule.hpp>
#include <lrs/analysis/exp_forecast.hpp>
#include <lrs/analysis/gaussian_process.hpp>
#include <lrs/analysis/scaling_law.hpp>

#endif  // LRS_ANALYSIS_HPP
