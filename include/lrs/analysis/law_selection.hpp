// SPDX-License-Identifier: MIT
// Choosing how to fit a loss-curve law by what predicts: leave-one-run-out error over the fit
// runs, across the laws (momentum, Multi-Power) and their fitting choices; a prediction interval
// from the same held-out errors.
#ifndef LRS_ANALYSIS_LAW_SELECTION_HPP
#define LRS_ANALYSIS_LAW_SELECTION_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/analysis/multi_power_law.hpp>
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// A fitted loss-curve law of either kind, with the options it predicts with.
struct loss_law {
  /// Which law is held: momentum (annealing_law, the momentum-area law of Tissue et al.) or mpl
  /// (multi_power_law).
  enum class kind { momentum, mpl };
  /// Which of `momentum` and `mpl` is the fitted law (the other is default-constructed).
  kind law = kind::momentum;
  annealing_law momentum;  ///< the law when `law` is momentum
  area_options areas;      ///< its lambda and warm-up rule
  multi_power_law mpl;     ///< the law when `law` is mpl
  mpl_eval_options eval;   ///< its warm-up length (paper convention) and tolerance

  /// The predicted loss at `steps` of the LR sequence `lr`.
  /// @pre as annealing_law::predict / multi_power_law::predict. @throws as they do.
  [[nodiscard]] std::vector<double> predict(const std::vector<double>& lr,
                                            const std::vector<step_t>& steps) const {
    if (law == kind::mpl) return mpl.predict(lr, steps, eval);
    const annealing_areas a = compute_areas(lr, areas);
    std::vector<double> out(steps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const step_t s = steps[i];
      if (s < 0 || s >= static_cast<step_t>(lr.size()))
        detail::throw_invalid("loss_law::predict", "steps[" + std::to_string(i) + "]",
                              "in [0, " + std::to_string(lr.size()) + ")", s);
      const auto k = static_cast<std::size_t>(s);
      out[i] = momentum(a.s1[k], a.s2[k]);
    }
    return out;
  }
};

/// One way of fitting a law, as select_loss_law tries it.
struct law_candidate {
  std::string name;                          ///< e.g. "mpl", "momentum/as_recorded/0.999"
  loss_law::kind law = loss_law::kind::mpl;  ///< which law
  fit_options momentum;                      ///< the momentum law's fit options
  mpl_fit_options mpl;                       ///< the Multi-Power Law's fit options
};

/// The candidates select_loss_law tries by default (`threads` for each fit):
/// - "mpl": fit_multi_power_law with its defaults (code convention, prior 10);
/// - "mpl/prior=0": the same without the pull of beta and gamma toward 1/2;
/// - "momentum/<warm-up rule>/<lambda>": fit_annealing_law with the warm-up rule at_peak (the
///   authors') or as_recorded, and lambda 0.999 (the authors') or 0.99.
[[nodiscard]] inline std::vector<law_candidate> default_law_candidates(std::size_t threads = 1) {
  std::vector<law_candidate> out;
  law_candidate m;
  m.name = "mpl";
  m.law = loss_law::kind::mpl;
  m.mpl.threads = threads;
  out.push_back(m);
  m.name = "mpl/prior=0";
  m.mpl.prior = 0;
  out.push_back(m);
  for (const auto rule : {warmup_convention::as_recorded, warmup_convention::at_peak})
    for (const double lambda : {0.999, 0.99}) {
      law_candidate c;
      c.law = loss_law::kind::momentum;
      c.momentum.areas.warmup = rule;
      c.momentum.areas.lambda = lambda;
      c.momentum.threads = threads;
      c.name =
          std::string("momentum/") + name_of(rule) + "/" + (lambda == 0.999 ? "0.999" : "0.99");
      out.push_back(c);
    }
  return out;
}

/// How one candidate predicted the runs it was not fitted on.
struct candidate_score {
  /// The name of the law_candidate scored (law_candidate::name, e.g. "mpl/prior=0").
  std::string name;
  bool valid = false;                                     ///< every fold's fit found a valid start
  double mae = std::numeric_limits<double>::infinity();   ///< mean over folds of each held-out
                                                          ///< run's mean |error|
  double rmse = std::numeric_limits<double>::infinity();  ///< mean over folds of the RMSE
  std::vector<double> fold_mae;  ///< held-out MAE of each fold (run r left out)
};

/// The outcome of select_loss_law.
struct law_selection {
  loss_law law;                         ///< the chosen candidate, fitted on every run
  std::string chosen;                   ///< its name
  std::vector<candidate_score> scores;  ///< every candidate, in the order given
  /// The absolute held-out errors of the chosen candidate at every point of every fold, sorted:
  /// what a prediction of a run it has not seen is off by, measured.
  std::vector<double> held_out_errors;
  /// The `coverage` quantile of held_out_errors: the half-width of the prediction interval
  /// prediction +- interval (select_options::coverage of held-out points inside it, on the fit
  /// runs' own folds; tests measure it on runs outside them).
  double interval = 0;
};

/// Options of select_loss_law.
struct select_options {
  /// The candidates, in order; empty (default): default_law_candidates(threads).
  std::vector<law_candidate> candidates;
  /// Fraction of held-out points the interval is to hold. @pre in (0, 1].
  double coverage = 0.9;
  /// Threads of each fit (default candidates only). @pre in [1, 4096].
  std::size_t threads = 1;

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = select_options{}.with_candidates(...)`); they do not validate, the function
  // taking the options does.
  /// Sets `candidates` (see the field); returns *this for chaining.
  select_options& with_candidates(std::vector<law_candidate> v) {
    candidates = std::move(v);
    return *this;
  }
  /// Sets `coverage` (see the field); returns *this for chaining.
  select_options& with_coverage(double v) noexcept {
    coverage = v;
    return *this;
  }
  /// Sets `threads` (see the field); returns *this for chaining.
  select_options& with_threads(std::size_t v) noexcept {
    threads = v;
    return *this;
  }
};

namespace detail {

/// Fits `c` to `runs`; false when the fit found no valid start.
template <class = void>
bool fit_candidate(const law_candidate& c, const std::vector<loss_run>& runs, loss_law& out) {
  out = loss_law{};
  out.law = c.law;
  if (c.law == loss_law::kind::mpl) {
    const mpl_fit_result r = fit_multi_power_law(runs, c.mpl);
    if (r.status == fit_status::no_valid_start) return false;
    out.mpl = r.law;
    out.eval.warmup_steps = c.mpl.warmup_steps;
    return true;
  }
  const fit_result r = fit_annealing_law(runs, c.momentum);
  if (r.status == fit_status::no_valid_start) return false;
  out.momentum = r.law;
  out.areas = c.momentum.areas;
  return true;
}

}  // namespace detail

/// Chooses how to fit a loss-curve law by leave-one-run-out error: for every candidate and
/// every run r, fit on the other runs and predict run r; the candidate whose held-out MAE,
/// averaged over the folds, is lowest is fitted on every run and returned, with the interval
/// its held-out errors give. This is what a user with two or three runs can measure of how
/// well a fit predicts a schedule it has not seen; the training objective cannot say it (a
/// better-fitting law can predict worse: docs/loss_curves.md).
/// @pre runs: at least 2, each valid for both fitters (see fit_annealing_law and
///   fit_multi_power_law), each fold's runs with enough points for the candidates' fits.
/// @throws lrs::invalid_argument naming the parameter, or as the fitters; when no candidate
///   fits every fold.
template <class = void>
[[nodiscard]] law_selection select_loss_law(const std::vector<loss_run>& runs,
                                            const select_options& opt = {}) {
  constexpr std::string_view who = "select_loss_law";
  detail::require(runs.size() >= 2, who, "runs", "at least 2 (one is left out at a time)",
                  runs.size());
  detail::require_in_range(who, "coverage", opt.coverage, 0.0, 1.0, true, false);
  detail::require(opt.threads >= 1 && opt.threads <= 4096, who, "threads", "in [1, 4096]",
                  opt.threads);
  const std::vector<law_candidate> candidates =
      opt.candidates.empty() ? default_law_candidates(opt.threads) : opt.candidates;
  law_selection out;
  std::vector<std::vector<double>> errors(candidates.size());
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    candidate_score sc;
    sc.name = candidates[c].name;
    sc.valid = true;
    double mae = 0, rmse = 0;
    for (std::size_t r = 0; r < runs.size() && sc.valid; ++r) {
      std::vector<loss_run> train;
      for (std::size_t k = 0; k < runs.size(); ++k)
        if (k != r) train.push_back(runs[k]);
      loss_law law;
      if (!detail::fit_candidate(candidates[c], train, law)) {
        sc.valid = false;
        break;
      }
      const std::vector<double> pred = law.predict(runs[r].lr, runs[r].steps);
      double a = 0, s = 0;
      for (std::size_t i = 0; i < pred.size(); ++i) {
        const double e = std::abs(pred[i] - runs[r].losses[i]);
        if (!std::isfinite(e)) {
          sc.valid = false;
          break;
        }
        a += e;
        s += e * e;
        errors[c].push_back(e);
      }
      const auto n = static_cast<double>(pred.size());
      sc.fold_mae.push_back(a / n);
      mae += a / n;
      rmse += std::sqrt(s / n);
    }
    if (sc.valid) {
      sc.mae = mae / static_cast<double>(runs.size());
      sc.rmse = rmse / static_cast<double>(runs.size());
    } else {
      sc.mae = sc.rmse = std::numeric_limits<double>::infinity();
    }
    out.scores.push_back(sc);
  }
  std::size_t best = candidates.size();
  for (std::size_t c = 0; c < candidates.size(); ++c)
    if (out.scores[c].valid &&
        (best == candidates.size() || out.scores[c].mae < out.scores[best].mae))
      best = c;
  if (best == candidates.size())
    detail::throw_invalid(who, "runs", "runs on which some candidate fits every fold",
                          std::string("no candidate's fit found a valid start on every fold"));
  if (!detail::fit_candidate(candidates[best], runs, out.law))
    detail::throw_invalid(who, "runs", "runs on which the chosen candidate fits",
                          std::string("no valid start on all runs"));
  out.chosen = candidates[best].name;
  out.held_out_errors = std::move(errors[best]);
  std::sort(out.held_out_errors.begin(), out.held_out_errors.end());
  const std::size_t n = out.held_out_errors.size();
  const auto k = static_cast<std::size_t>(std::ceil(opt.coverage * static_cast<double>(n)));
  out.interval = n == 0 ? 0.0 : out.held_out_errors[std::min(n, std::max<std::size_t>(k, 1)) - 1];
  return out;
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_LAW_SELECTION_HPP
