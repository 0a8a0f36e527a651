// SPDX-License-Identifier: MIT
// The annealing scaling law L = L0 + A*S1^-alpha - C*S2. One include for its three parts:
//   <lrs/analysis/scaling_law/areas.hpp>  the areas S1, S2 (compute_areas, area_options)
//   <lrs/analysis/scaling_law/law.hpp>    the law as a value (annealing_law) and its predictions
//   <lrs/analysis/scaling_law/fit.hpp>    fit_annealing_law, fit_options, fit_result (defined
//                                         in fit_impl.hpp, its objective in objective.hpp)
#ifndef LRS_ANALYSIS_SCALING_LAW_HPP
#define LRS_ANALYSIS_SCALING_LAW_HPP

#include <lrs/analysis/scaling_law/areas.hpp>
#include <lrs/analysis/scaling_law/fit.hpp>
#include <lrs/analysis/scaling_law/law.hpp>

#endif  // LRS_ANALYSIS_SCALING_LAW_HPP
