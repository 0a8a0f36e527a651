// SPDX-License-Identifier: MIT
// lrs analysis layer (umbrella header; Eigen, LBFGSpp): tools that turn data about a run into a
// schedule or a prediction: the annealing scaling law and schedule choice, refinement from gradient
// norms, batch-size rules, curvature (Lanczos, regularised Newton), and the GP and forecaster
// behind AutoLRS.
#ifndef LRS_ANALYSIS_HPP
#define LRS_ANALYSIS_HPP

#include <lrs/analysis/batch_size.hpp>
#include <lrs/analysis/choose_schedule.hpp>
#include <lrs/analysis/exp_forecast.hpp>
#include <lrs/analysis/gaussian_process.hpp>
#include <lrs/analysis/lanczos.hpp>
#include <lrs/analysis/law_selection.hpp>
#include <lrs/analysis/multi_power_law.hpp>
#include <lrs/analysis/optimize_schedule.hpp>
#include <lrs/analysis/refinement.hpp>
#include <lrs/analysis/regularized_newton.hpp>
#include <lrs/analysis/scaling_law.hpp>

#endif  // LRS_ANALYSIS_HPP
