// SPDX-License-Identifier: MIT
// lrs analysis tools: turn data about a run into a schedule or a prediction (umbrella header).
#ifndef LRS_ANALYSIS_HPP
#define LRS_ANALYSIS_HPP

#include <lrs/analysis/refinement.hpp>

#endif  // LRS_ANALYSIS_HPP
