// SPDX-License-Identifier: MIT
// lrs_compiled (the compiled mode, include/lrs/config.hpp): fit_annealing_law,
// fit_multi_power_law and optimize_schedule with their objectives and L-BFGS-B searches, compiled
// once here instead of in every unit that fits a law or optimises a schedule.
#include <lrs/analysis/multi_power_law_impl.hpp>
#include <lrs/analysis/optimize_schedule_impl.hpp>
#include <lrs/analysis/scaling_law/fit_impl.hpp>

namespace lrs {

template fit_result fit_annealing_law<>(const std::vector<loss_run>&, const fit_options&);
template mpl_fit_result fit_multi_power_law<>(const std::vector<loss_run>&, const mpl_fit_options&);
template optimized_schedule optimize_schedule<>(const annealing_law&, step_t, double,
                                                const area_options&, const optimize_options&);
template optimized_schedule optimize_schedule<>(const multi_power_law&, step_t, double,
                                                const optimize_options&);

}  // namespace lrs
