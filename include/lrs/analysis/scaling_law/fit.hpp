// SPDX-License-Identifier: MIT
// Fitting the annealing scaling law to loss curves: fit_annealing_law, its options and result.
// The fit's definition is in fit_impl.hpp (in lrs_compiled in the compiled mode, config.hpp).
#ifndef LRS_ANALYSIS_SCALING_LAW_FIT_HPP
#define LRS_ANALYSIS_SCALING_LAW_FIT_HPP

#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <lrs/analysis/scaling_law/areas.hpp>
#include <lrs/analysis/scaling_law/law.hpp>
#include <lrs/config.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// One training run to fit: its LR at every step and its losses at some of them.
struct loss_run {
  std::vector<double> lr;      ///< LR of steps 0..T-1; finite, >= 0
  std::vector<step_t> steps;   ///< steps of the loss points; strictly increasing, in [0, T)
  std::vector<double> losses;  ///< loss at each of `steps`; finite, > 0
};

/// Options of fit_annealing_law. Defaults are the authors' settings.
struct fit_options {
  area_options areas;           ///< lambda and the warm-up convention
  double huber_delta = 1e-3;    ///< Huber threshold on log residuals. @pre > 0
  int max_iterations = 100000;  ///< per start. @pre > 0
  double ftol =
      1e-9;  ///< stop when the objective decreases by less than ftol*max(1,|f|). @pre >= 0
  double gtol = 1e-6;  ///< stop when the projected gradient's largest entry is <= gtol. @pre >= 0
  /// Starting points (L0, A, alpha, C), each entry >= 0. Empty (default): the authors' grid of 54,
  /// L0 in {0.1, 2.1}, A in {1, 11.5, 22}, C in {1, 11.5, 22}, alpha in {0, 0.4, 0.8}.
  std::vector<std::array<double, 4>> starts;
  /// Also run the data-scaled starts (see fit_annealing_law): a grid of 8 starts placed from the
  /// data's loss range and areas, minimised in a rescaled parametrisation where every term is of
  /// order one. They make the fit work at any scale of losses and LRs (the authors' grid suits
  /// losses ~3 and LRs ~2e-4); their answer replaces the authors' only when its objective is
  /// lower by more than `scaled_margin` relative. Default true.
  bool data_scaled_starts = true;
  /// Relative objective margin by which a data-scaled start must beat the `starts` to win.
  /// @pre >= 0. Default 1e-6: where the authors' grid reaches the optimum, its answer stands.
  double scaled_margin = 1e-6;
  /// Threads the fit runs on (a pool started by the fit and joined at its end): the starts of a
  /// coarse pass are spread over them, and the objective on all points is, for fits of at least
  /// 4 law blocks (8192 points); smaller fits run on the caller. The result is bit-identical for
  /// every value. @pre in [1, 4096]. Default 1.
  std::size_t threads = 1;
  /// Fits of at least 4 * coarse_points loss points (16 384 by default) run in two passes: every
  /// start first on about coarse_points of them (each run's points evenly thinned, its first and
  /// last kept, each kept point weighted by the points it stands for), then the distinct coarse
  /// optima whose objective is within `polish_margin` of the best are finished from there on all
  /// points. The starts' answers land on the same optimum as the one-pass fit (to its
  /// tolerances) at a fraction of the cost. 0: every start on every point, as the authors do.
  /// @pre 0 or >= 16. Default 4096.
  std::size_t coarse_points = 4096;
  /// Relative margin of the coarse pass: a coarse optimum is finished on all points when its
  /// objective is at most (1 + polish_margin) x the best coarse one (duplicates of one already
  /// chosen, every parameter within 1e-3 relative, are not). @pre >= 0. Default 0.05.
  double polish_margin = 0.05;

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = fit_options{}.with_areas(...)`); they do not validate, the function taking the
  // options does.
  /// Sets `areas` (see the field); returns *this for chaining.
  fit_options& with_areas(area_options v) noexcept {
    areas = v;
    return *this;
  }
  /// Sets `huber_delta` (see the field); returns *this for chaining.
  fit_options& with_huber_delta(double v) noexcept {
    huber_delta = v;
    return *this;
  }
  /// Sets `max_iterations` (see the field); returns *this for chaining.
  fit_options& with_max_iterations(int v) noexcept {
    max_iterations = v;
    return *this;
  }
  /// Sets `ftol` (see the field); returns *this for chaining.
  fit_options& with_ftol(double v) noexcept {
    ftol = v;
    return *this;
  }
  /// Sets `gtol` (see the field); returns *this for chaining.
  fit_options& with_gtol(double v) noexcept {
    gtol = v;
    return *this;
  }
  /// Sets `starts` (see the field); returns *this for chaining.
  fit_options& with_starts(std::vector<std::array<double, 4>> v) {
    starts = std::move(v);
    return *this;
  }
  /// Sets `data_scaled_starts` (see the field); returns *this for chaining.
  fit_options& with_data_scaled_starts(bool v) noexcept {
    data_scaled_starts = v;
    return *this;
  }
  /// Sets `scaled_margin` (see the field); returns *this for chaining.
  fit_options& with_scaled_margin(double v) noexcept {
    scaled_margin = v;
    return *this;
  }
  /// Sets `threads` (see the field); returns *this for chaining.
  fit_options& with_threads(std::size_t v) noexcept {
    threads = v;
    return *this;
  }
  /// Sets `coarse_points` (see the field); returns *this for chaining.
  fit_options& with_coarse_points(std::size_t v) noexcept {
    coarse_points = v;
    return *this;
  }
  /// Sets `polish_margin` (see the field); returns *this for chaining.
  fit_options& with_polish_margin(double v) noexcept {
    polish_margin = v;
    return *this;
  }
};

/// How the fit ended.
enum class fit_status {
  converged,       ///< the best start met the gradient or objective tolerance
  max_iterations,  ///< the best start ran out of iterations
  line_search,     ///< the best start stopped in a failed line search (the best point is kept)
  no_valid_start   ///< no starting point gives a positive prediction at every loss point
};

/// The names of the fit statuses.
template <>
struct enum_names<fit_status> {
  /// The table read by name_of and parse_enum.
  static constexpr enum_name<fit_status> table[] = {{fit_status::converged, "converged"},
                                                    {fit_status::max_iterations, "max_iterations"},
                                                    {fit_status::line_search, "line_search"},
                                                    {fit_status::no_valid_start, "no_valid_start"}};
};

/// The name of a fit_status ("converged", "max_iterations", "line_search", "no_valid_start").
[[nodiscard]] inline const char* to_string(fit_status s) noexcept {
  return name_of(s);
}

/// The outcome of fit_annealing_law.
struct fit_result {
  annealing_law law;             ///< the fitted parameters
  double objective = 0;          ///< sum of Huber(log y - log prediction) at the optimum
  double r2 = 0;                 ///< R^2 on raw losses, all runs together
  double rmse = 0;               ///< root-mean-square error on raw losses, all runs together
  std::vector<double> run_rmse;  ///< RMSE of each run
  std::vector<double> run_max_rel_error;  ///< largest |prediction - y| / y of each run
  /// How the fit ended (no_valid_start: `law` is the default, all zeros).
  fit_status status = fit_status::no_valid_start;
  int iterations = 0;        ///< iterations of the best start
  int starts_tried = 0;      ///< starting points run
  int starts_converged = 0;  ///< starting points that met a tolerance
  /// Evaluations of the objective and its gradient over every start, on all points or on the
  /// coarse subsample (fit_options::coarse_points).
  long evaluations = 0;
  /// Loss points evaluated over all `evaluations` (each costs one exp and one log): the fit's
  /// work, whose time is this times the cost of one point.
  long long point_evaluations = 0;
  /// Starts finished on all points after a coarse pass (0 for a one-pass fit).
  int polished = 0;
};

/// Fits the annealing scaling law to one or more runs jointly, by the authors' procedure:
/// minimise sum over all points of Huber_delta(ln y - ln L(s)) with bounded L-BFGS-B (all four
/// parameters >= 0) from every starting point, keep the lowest objective; report R^2 and RMSE
/// on raw losses. The gradient is analytic. Loss points may be sparse and noisy.
///
/// Tissue, Wang, Wang, arXiv:2408.11029; Huber delta 1e-3, lambda 0.999, 54-point grid and
/// L-BFGS-B tolerances as in the authors' script.
///
/// The authors' grid suits LLM-scale data (losses ~3, LRs ~2e-4); on a small model (loss ~0.3,
/// LR ~0.05, S2 in the tens) none of its starts converges. Unless `data_scaled_starts` is off,
/// 8 more starts are run on the same objective in a rescaled parametrisation: losses divided
/// by their largest value ys, S1 by its largest value s1r at a loss point, S2 by its largest
/// magnitude s2r, and the result mapped back (L0 = ys L0', A = ys s1r^alpha A', C = ys C'/s2r).
/// Their answer replaces the authors' only if its objective is lower by more than
/// `scaled_margin` relative, so where the authors' procedure works its answer stands.
/// @pre runs non-empty; each run: lr as for compute_areas; steps strictly increasing in
///   [0, lr.size()); losses finite and > 0, as many as steps, at least one; S1 > 0 at each loss
///   step (some LR before it is non-zero). At least 4 points in total.
/// @throws lrs::invalid_argument naming the run, the entry and the value for any violation.
/// @return the best fit; `status` says whether it converged (never throws on non-convergence).
template <class = void>
[[nodiscard]] fit_result fit_annealing_law(const std::vector<loss_run>& runs,
                                           const fit_options& opt = {});

#if defined(LRS_COMPILED)
// Compiled once, in lrs_compiled (src/laws.cpp).
extern template fit_result fit_annealing_law<>(const std::vector<loss_run>&, const fit_options&);
#endif

}  // namespace lrs

#if LRS_DEFINITIONS
#include <lrs/analysis/scaling_law/fit_impl.hpp>
#endif

#endif  // LRS_ANALYSIS_SCALING_LAW_FIT_HPP
