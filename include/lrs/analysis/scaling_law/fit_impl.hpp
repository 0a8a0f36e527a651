// SPDX-License-Identifier: MIT
// The definition of fit_annealing_law (<lrs/analysis/scaling_law/fit.hpp>) and its steps.
// Included by fit.hpp in header-only mode; compiled once into lrs_compiled in the compiled mode
// (config.hpp), where a user's unit must not include it.
#ifndef LRS_ANALYSIS_SCALING_LAW_FIT_IMPL_HPP
#define LRS_ANALYSIS_SCALING_LAW_FIT_IMPL_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <exception>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <LBFGSB.h>
#include <Eigen/Core>

#include <lrs/analysis/scaling_law/areas.hpp>
#include <lrs/analysis/scaling_law/fit.hpp>
#include <lrs/analysis/scaling_law/law.hpp>
#include <lrs/analysis/scaling_law/objective.hpp>
#include <lrs/config.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/thread_pool.hpp>
#include <lrs/core/types.hpp>

#if !LRS_DEFINITIONS
#error "LRS_COMPILED: lrs_compiled defines this; include <lrs/analysis/scaling_law.hpp>"
#endif

namespace lrs {

namespace detail {

/// The data-scaled starting points, in the rescaled parametrisation of fit_annealing_law
/// (losses divided by their largest value, S1 by its largest value at a loss point, S2 by its
/// largest magnitude): L0' in {0.5, 0.9} * min y', alpha in {0.3, 0.8}, A' such that
/// the curve passes through max y' at the smallest S1', C' in {0, 0.3 * (max y' - min y')}.
template <class = void>
std::vector<std::array<double, 4>> scaled_grid(double y_min, double y_max, double x_min) {
  std::vector<std::array<double, 4>> g;
  for (double l0f : {0.5, 0.9})
    for (double alpha : {0.3, 0.8})
      for (double cf : {0.0, 0.3}) {
        const double l0 = l0f * y_min;
        const double a = std::max(y_max - l0, 1e-3 * y_max) * std::pow(x_min, alpha);
        g.push_back({l0, a, alpha, cf * (y_max - y_min)});
      }
  return g;
}

template <class = void>
std::vector<std::array<double, 4>> authors_grid() {
  std::vector<std::array<double, 4>> g;
  // The authors' itertools.product order: L0, A, C, alpha.
  for (double l0 : {0.1, 2.1})
    for (double a : {1.0, 11.5, 22.0})
      for (double c : {1.0, 11.5, 22.0})
        for (double alpha : {0.0, 0.4, 0.8}) g.push_back({l0, a, alpha, c});
  return g;
}

/// One bounded L-BFGS-B run of a fit (the annealing law's or the Multi-Power Law's): the best
/// point it evaluated and how it ended.
struct law_run {
  bool valid = false;  ///< the objective is defined at the start (a positive prediction everywhere)
  double f = std::numeric_limits<double>::infinity();
  Eigen::VectorXd x;
  fit_status status = fit_status::no_valid_start;
  int iterations = 0;
  long evaluations = 0;
  long long point_evaluations = 0;  ///< annealing law only: loss points evaluated
};

/// How a bounded L-BFGS-B run with restarts ended: its status (converged, line_search or
/// max_iterations) and the iterations it took over all its restarts.
struct restarted_run {
  fit_status status = fit_status::converged;  ///< how the run ended
  int iterations = 0;                         ///< iterations over every restart
};

/// Minimises `fun` from `x` with bounded L-BFGS-B within [lb, ub]. `fun` is an objective of the
/// fitters (law_objective, mpl_objective): it keeps `last_valid` (the last point was inside the
/// domain) and `best_x` (the best point evaluated). On return `x` is the solver's last iterate;
/// the caller reads the best point from `fun`.
template <class Objective>
restarted_run minimize_with_restarts(Objective& fun, Eigen::VectorXd& x, const Eigen::VectorXd& lb,
                                     const Eigen::VectorXd& ub,
                                     const LBFGSpp::LBFGSBParam<double>& param) {
  restarted_run r;
  LBFGSpp::LBFGSBSolver<double> solver(param);
  double fx = 0;
  try {
    // A line search that ends at its largest step may stop on a point outside the domain,
    // where the gradient reads 0 and the solver believes it has converged: start again from
    // the best point (a few times at most).
    for (int attempt = 0; attempt < 4; ++attempt) {
      r.iterations += solver.minimize(fun, x, fx, lb, ub);
      if (fun.last_valid || r.iterations >= param.max_iterations) break;
      x = fun.best_x;
    }
    if (!fun.last_valid) r.status = fit_status::line_search;
    if (r.iterations >= param.max_iterations) r.status = fit_status::max_iterations;
  } catch (const std::exception&) {
    r.status = fit_status::line_search;  // keep the best point evaluated so far
  }
  return r;
}

/// Runs a fit's objective from `start` (inside [lb, ub]): evaluates it there and, when it
/// is defined, minimises it with minimize_with_restarts. The run's point and value are the best
/// the objective evaluated; an undefined start gives an invalid run (status no_valid_start).
template <class Objective>
law_run minimize_from(Objective& fun, const Eigen::VectorXd& start, const Eigen::VectorXd& lb,
                      const Eigen::VectorXd& ub, const LBFGSpp::LBFGSBParam<double>& param) {
  law_run r;
  Eigen::VectorXd x = start, g(start.size());
  (void)fun(x, g);
  if (fun.last_valid) {
    r.valid = true;
    const restarted_run run = minimize_with_restarts(fun, x, lb, ub, param);
    r.status = run.status;
    r.iterations = run.iterations;
    r.f = fun.best_f;
    r.x = fun.best_x;
  }
  r.evaluations = fun.evaluations;
  return r;
}

/// Minimises `fun` with bounded L-BFGS-B (every parameter >= 0) from `start`.
template <class = void>
law_run minimize_law(law_objective& fun, const std::array<double, 4>& start,
                     const LBFGSpp::LBFGSBParam<double>& param) {
  Eigen::VectorXd x(4);
  x << start[0], start[1], start[2], start[3];
  const Eigen::VectorXd lb = Eigen::VectorXd::Zero(4);
  const Eigen::VectorXd ub = Eigen::VectorXd::Constant(4, std::numeric_limits<double>::infinity());
  law_run r = minimize_from(fun, x, lb, ub, param);
  r.point_evaluations = fun.point_evaluations;
  return r;
}

/// The coarse optima to finish on all points: those within `margin` (relative) of the lowest
/// objective, lowest first, without duplicates (every parameter within 1e-3 relative of one
/// already chosen).
template <class = void>
std::vector<std::array<double, 4>> polish_starts(const std::vector<law_run>& runs, double margin) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (runs[i].valid && std::isfinite(runs[i].f)) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return runs[i].f < runs[j].f; });
  std::vector<std::array<double, 4>> out;
  for (const std::size_t i : order) {
    if (runs[i].f > runs[order.front()].f * (1 + margin)) break;
    const Eigen::VectorXd& x = runs[i].x;
    const auto same = [&](const std::array<double, 4>& c) {
      for (int k = 0; k < 4; ++k)
        if (std::abs(x[k] - c[std::size_t(k)]) >
            1e-3 * std::max(std::abs(x[k]), std::abs(c[std::size_t(k)])))
          return false;
      return true;
    };
    if (std::none_of(out.begin(), out.end(), same)) out.push_back({x[0], x[1], x[2], x[3]});
  }
  return out;
}

/// Checks the options of fit_annealing_law that come before its data (the areas, tolerances
/// and `runs` being non-empty).
/// @throws lrs::invalid_argument naming the option and its value.
template <class = void>
void require_fit_tolerances(std::string_view who, const std::vector<loss_run>& runs,
                            const fit_options& opt) {
  opt.areas.validate(who);
  require_positive(who, "huber_delta", opt.huber_delta);
  require_positive(who, "max_iterations", opt.max_iterations);
  require_non_negative(who, "ftol", opt.ftol);
  require_non_negative(who, "gtol", opt.gtol);
  require(!runs.empty(), who, "runs", "non-empty", std::string("empty"));
}

/// The fitting data of all runs, run after run: the objective's points, the raw losses and
/// where each run's points end.
struct law_data {
  law_points points;                 ///< ln S1, S2 and ln y at every loss point
  std::vector<double> y;             ///< the raw loss at every point
  std::vector<std::size_t> run_end;  ///< one past the last point of each run
};

/// Checks run `r` of fit_annealing_law (its LRs, steps and losses, S1 > 0 at each loss step)
/// and appends its points to `data`.
/// @throws lrs::invalid_argument naming the run, the entry and the value.
template <class = void>
void add_loss_run(std::string_view who, std::size_t r, const loss_run& run,
                  const area_options& areas, law_data& data) {
  const std::string rn = "runs[" + std::to_string(r) + "].";
  require(run.steps.size() == run.losses.size(), who, rn + "losses",
          "as many as steps (" + std::to_string(run.steps.size()) + ")", run.losses.size());
  require(!run.steps.empty(), who, rn + "steps", "non-empty", std::string("empty"));
  for (std::size_t i = 0; i < run.lr.size(); ++i)
    if (!(std::isfinite(run.lr[i]) && run.lr[i] >= 0))
      throw_invalid(who, rn + "lr[" + std::to_string(i) + "]", "finite and >= 0", run.lr[i]);
  const auto t = static_cast<step_t>(run.lr.size());
  const auto name = [&](const char* what, std::size_t i) {
    return rn + what + "[" + std::to_string(i) + "]";
  };
  for (std::size_t i = 0; i < run.steps.size(); ++i) {
    // Messages are built only on failure: runs may hold 1e5 points.
    if (run.steps[i] < 0 || run.steps[i] >= t)
      throw_invalid(who, name("steps", i),
                    "in [0, " + std::to_string(t) + ") (the LR sequence's length)", run.steps[i]);
    if (i > 0 && run.steps[i] <= run.steps[i - 1])
      throw_invalid(who, name("steps", i),
                    "> the previous step " + std::to_string(run.steps[i - 1]), run.steps[i]);
    if (!(std::isfinite(run.losses[i]) && run.losses[i] > 0))
      throw_invalid(who, name("losses", i), "finite and > 0", run.losses[i]);
  }
  if (areas.warmup == warmup_convention::at_peak && areas.warmup_steps >= t)
    throw_invalid(who, "areas.warmup_steps",
                  "< the length of " + rn + "lr (" + std::to_string(t) + ")", areas.warmup_steps);
  const annealing_areas ar = compute_areas(run.lr, areas);
  for (std::size_t i = 0; i < run.steps.size(); ++i) {
    const auto s = static_cast<std::size_t>(run.steps[i]);
    if (!(ar.s1[s] > 0))
      throw_invalid(who, name("steps", i), "a step with S1 > 0 (some earlier LR non-zero)",
                    run.steps[i]);
    data.points.ln_s1.push_back(std::log(ar.s1[s]));
    data.points.s2.push_back(ar.s2[s]);
    data.points.ln_y.push_back(std::log(run.losses[i]));
    data.y.push_back(run.losses[i]);
  }
  data.run_end.push_back(data.y.size());
}

/// Checks the options of fit_annealing_law that come after its data: at least 4 points in
/// total, the starts, the margins, threads and coarse_points.
/// @throws lrs::invalid_argument naming the option and its value.
template <class = void>
void require_search_options(std::string_view who, const fit_options& opt, std::size_t points) {
  require(points >= 4, who, "runs", "at least 4 loss points in total", points);
  for (const auto& s : opt.starts)
    for (double v : s)
      require(std::isfinite(v) && v >= 0, who, "starts", "entries finite and >= 0", v);
  require_non_negative(who, "scaled_margin", opt.scaled_margin);
  require(opt.threads >= 1 && opt.threads <= 4096, who, "threads", "in [1, 4096]", opt.threads);
  require(opt.coarse_points == 0 || opt.coarse_points >= 16, who, "coarse_points",
          "0 (one pass) or >= 16", opt.coarse_points);
  require_non_negative(who, "polish_margin", opt.polish_margin);
}

/// The L-BFGS-B settings of a fit (the annealing law's or the Multi-Power Law's): stop at an
/// absolute projected-gradient norm `gtol` or a relative decrease of at most `ftol` over one
/// iteration, after `max_iterations`, or when a line search takes more than `max_linesearch`.
template <class = void>
LBFGSpp::LBFGSBParam<double> lbfgsb_param(double gtol, double ftol, int max_iterations,
                                          int max_linesearch) {
  LBFGSpp::LBFGSBParam<double> param;
  param.epsilon = gtol;
  param.epsilon_rel = 0;
  param.past = 1;
  param.delta = ftol;
  param.max_iterations = max_iterations;
  param.max_linesearch = max_linesearch;
  return param;
}

/// The L-BFGS-B settings of the annealing-law fit from its options (scipy's L-BFGS-B line search
/// gives up after 20 evaluations too).
template <class = void>
LBFGSpp::LBFGSBParam<double> law_lbfgsb_param(const fit_options& opt) {
  return lbfgsb_param(opt.gtol, opt.ftol, opt.max_iterations, 20);
}

/// The search of fit_annealing_law: runs sets of starts (one pass, or a coarse pass and a
/// polish, see fit_options::coarse_points) and keeps the best law over all of them in `best_f`
/// and `best_x`, with the counts and the best start's status and iterations in `result`.
/// A class template (used as law_search) only so that it compiles where it is used (config.hpp).
template <class = void>
class law_search_impl {
 public:
  law_search_impl(const fit_options& opt, const law_data& data)
      : opt_(opt),
        run_end_(data.run_end),
        two_pass_(opt.coarse_points > 0 && data.y.size() >= 4 * opt.coarse_points),
        stride_(two_pass_ ? (data.y.size() + opt.coarse_points - 1) / opt.coarse_points : 1),
        param_(law_lbfgsb_param(opt)),
        polish_param_(param_) {
    if (opt.threads > 1 && (two_pass_ || static_cast<Eigen::Index>(data.y.size()) >= 4 * law_block))
      pool_ = std::make_unique<thread_pool>(opt.threads);
    // A polish starts with no curvature memory, so its first steps are short and a small change
    // of the objective does not mean it is near the optimum: it stops at ftol / 1000.
    polish_param_.delta = opt.ftol * 1e-3;
  }

  /// Runs L-BFGS-B from each start on `points` (two passes when the fit is large); keeps every
  /// result on all points, mapped back by `to_law`, whose objective is below best_f / (1 +
  /// margin).
  template <class ToLaw>
  void run_starts(const law_points& points, const std::vector<std::array<double, 4>>& starts,
                  double margin, const ToLaw& to_law) {
    // On all points: the chosen coarse optima, or every start for a one-pass fit (and when no
    // coarse optimum gives a positive prediction at every point).
    if (!two_pass_ || !finish(points, coarse_pass(points, starts), true, margin, to_law))
      finish(points, starts, false, margin, to_law);
  }

  fit_result result;  ///< the counts, and the status and iterations of the best start
  double best_f = std::numeric_limits<double>::infinity();  ///< the best objective
  Eigen::VectorXd best_x = Eigen::VectorXd(4);              ///< the best law (L0, A, alpha, C)

 private:
  void tally(const law_run& r) {
    result.evaluations += r.evaluations;
    result.point_evaluations += r.point_evaluations;
  }

  // Every start on the thinned points, one start per task (its result in its own slot); the
  // coarse optima to finish.
  std::vector<std::array<double, 4>> coarse_pass(const law_points& points,
                                                 const std::vector<std::array<double, 4>>& starts) {
    const law_points coarse = thin_points(points, run_end_, stride_);
    std::vector<law_run> out(starts.size());
    std::vector<std::exception_ptr> errors(starts.size());
    auto task = [&](std::size_t i) {
      try {
        law_objective fun(coarse, opt_.huber_delta);
        out[i] = minimize_law(fun, starts[i], param_);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    };
    if (pool_) {
      pool_->run(starts.size(), task);
    } else {
      for (std::size_t i = 0; i < starts.size(); ++i) task(i);
    }
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
    for (const auto& r : out) {
      tally(r);
      if (!r.valid) continue;
      ++result.starts_tried;
      if (r.status == fit_status::converged) ++result.starts_converged;
    }
    return polish_starts(out, opt_.polish_margin);
  }

  // Runs from each of `from` on all points; whether any gave a valid start.
  template <class ToLaw>
  bool finish(const law_points& points, const std::vector<std::array<double, 4>>& from, bool polish,
              double margin, const ToLaw& to_law) {
    bool any_valid = false;
    for (const auto& s0 : from) {
      law_objective fun(points, opt_.huber_delta, pool_.get());
      const law_run r = minimize_law(fun, s0, polish ? polish_param_ : param_);
      tally(r);
      if (!r.valid) continue;
      any_valid = true;
      if (polish) {
        ++result.polished;
      } else if (!two_pass_) {
        ++result.starts_tried;
        if (r.status == fit_status::converged) ++result.starts_converged;
      }
      const Eigen::VectorXd law_x = to_law(r.x);
      if (r.f * (1 + margin) < best_f && law_x.allFinite()) {
        best_f = r.f;
        best_x = law_x;
        result.status = r.status;
        result.iterations = r.iterations;
      }
    }
    return any_valid;
  }

  const fit_options& opt_;
  const std::vector<std::size_t>& run_end_;
  bool two_pass_;
  std::size_t stride_;
  std::unique_ptr<thread_pool> pool_;
  LBFGSpp::LBFGSBParam<double> param_;
  LBFGSpp::LBFGSBParam<double> polish_param_;
};
using law_search = law_search_impl<>;

/// The fit in the data-scaled parametrisation of fit_annealing_law: with y' = y / ys,
/// S1' = S1 / s1r and S2' = S2 / s2r, L0 + A S1^-alpha - C S2 = ys (L0' + A' S1'^-alpha - C' S2')
/// for L0 = ys L0', A = ys s1r^alpha A', C = ys C' / s2r. Log residuals, hence the objective,
/// are unchanged; every term is of order one, whatever the scale of the losses and LRs.
struct scaled_law_data {
  law_points points;                          ///< the points in the rescaled variables
  std::vector<std::array<double, 4>> starts;  ///< scaled_grid placed from the data
  double ys = 0;                              ///< the largest loss
  double ln_s1r = 0;                          ///< ln of the largest S1 at a loss point
  double s2r = 1;                             ///< the largest |S2| at a loss point (1 if none)

  /// The law (L0, A, alpha, C) of a point u = (L0', A', alpha, C') of the rescaled fit.
  [[nodiscard]] Eigen::VectorXd to_law(const Eigen::VectorXd& u) const {
    Eigen::VectorXd x(4);
    x << ys * u[0], ys * std::exp(u[2] * ln_s1r) * u[1], u[2], ys * u[3] / s2r;
    return x;
  }
};

/// `data` in the data-scaled parametrisation, with its starts.
template <class = void>
scaled_law_data scale_law_data(const law_data& data) {
  const law_points& pts = data.points;
  const std::vector<double>& y = data.y;
  double ys = 0, y_min = std::numeric_limits<double>::infinity(), ln_s1r = -1e300,
         ln_s1_min = 1e300, s2r = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    ys = std::max(ys, y[i]);
    y_min = std::min(y_min, y[i]);
    ln_s1r = std::max(ln_s1r, pts.ln_s1[i]);
    ln_s1_min = std::min(ln_s1_min, pts.ln_s1[i]);
    s2r = std::max(s2r, std::abs(pts.s2[i]));
  }
  if (!(s2r > 0) || !std::isfinite(s2r)) s2r = 1;
  scaled_law_data out;
  out.points = pts;
  const double ln_ys = std::log(ys);
  for (std::size_t i = 0; i < y.size(); ++i) {
    out.points.ln_s1[i] -= ln_s1r;
    out.points.s2[i] /= s2r;
    out.points.ln_y[i] -= ln_ys;
  }
  out.starts = scaled_grid(y_min / ys, 1.0, std::exp(ln_s1_min - ln_s1r));
  out.ys = ys;
  out.ln_s1r = ln_s1r;
  out.s2r = s2r;
  return out;
}

/// Completes `res` with the law (L0, A, alpha, C) = x of objective `f`, and its R^2 and RMSE on
/// the raw losses of `data` (all runs, and each run).
template <class = void>
void set_fitted_law(fit_result& res, const Eigen::VectorXd& x, double f, const law_data& data) {
  const std::vector<double>& y = data.y;
  res.law = annealing_law(x[0], x[1], x[2], x[3]);
  res.objective = f;
  double mean = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(y.size());
  double ss_res = 0, ss_tot = 0;
  std::size_t begin = 0;
  for (std::size_t end : data.run_end) {
    double run_ss = 0, run_max = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const double pred = res.law(std::exp(data.points.ln_s1[i]), data.points.s2[i]);
      const double e = pred - y[i];
      run_ss += e * e;
      run_max = std::max(run_max, std::abs(e) / y[i]);
      ss_tot += (y[i] - mean) * (y[i] - mean);
    }
    ss_res += run_ss;
    res.run_rmse.push_back(std::sqrt(run_ss / static_cast<double>(end - begin)));
    res.run_max_rel_error.push_back(run_max);
    begin = end;
  }
  res.r2 = ss_tot > 0 ? 1.0 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0);
  res.rmse = std::sqrt(ss_res / static_cast<double>(y.size()));
}

}  // namespace detail

template <class>
fit_result fit_annealing_law(const std::vector<loss_run>& runs, const fit_options& opt) {
  constexpr std::string_view who = "fit_annealing_law";
  detail::require_fit_tolerances(who, runs, opt);
  detail::law_data data;
  for (std::size_t r = 0; r < runs.size(); ++r)
    detail::add_loss_run(who, r, runs[r], opt.areas, data);
  detail::require_search_options(who, opt, data.y.size());

  detail::law_search search(opt, data);
  search.run_starts(data.points, opt.starts.empty() ? detail::authors_grid() : opt.starts, 0.0,
                    [](const Eigen::VectorXd& x) { return x; });
  if (opt.data_scaled_starts) {
    const detail::scaled_law_data scaled = detail::scale_law_data(data);
    search.run_starts(scaled.points, scaled.starts, opt.scaled_margin,
                      [&](const Eigen::VectorXd& u) { return scaled.to_law(u); });
  }
  fit_result res = std::move(search.result);
  if (res.status == fit_status::no_valid_start) return res;
  detail::set_fitted_law(res, search.best_x, search.best_f, data);
  return res;
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_SCALING_LAW_FIT_IMPL_HPP
