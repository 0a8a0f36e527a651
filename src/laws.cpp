// SPDX-License-Identifier: MIT
// lrs_compiled (the compiled mode, include/lrs/config.hpp): fit_annealing_law,
// fit_multi_power_law and optimize_schedule with their objectives and L-BFGS-B searches, compiled
// once here instead of in every unit that fits a law or optimises a schedule.
#include <lrs/analysis/multi_power_law_impl.hpp>
#include <lrs/analysis/optimize_schedule_impl.hpp>
#include <lrs/analysis/scaling_law/fit_impl.hpp>
