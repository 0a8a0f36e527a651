// SPDX-License-Identifier: MIT
// The definition of fit_multi_power_law (<lrs/analysis/multi_power_law.hpp>): its data, objective
// and starts. Included by multi_power_law.hpp in header-only mode; compiled once into lrs_compiled
// in the compiled mode (config.hpp), where a user's unit must not include it.
#ifndef LRS_ANALYSIS_MULTI_POWER_LAW_IMPL_HPP
#define LRS_ANALYSIS_MULTI_POWER_LAW_IMPL_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <LBFGSB.h>
#include <Eigen/Core>
#include <Eigen/Dense>

#include <lrs/analysis/multi_power_law.hpp>
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/analysis/scaling_law/fit_impl.hpp>
#include <lrs/config.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/thread_pool.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>

#if !LRS_DEFINITIONS
#error "LRS_COMPILED: lrs_compiled defines this; include <lrs/analysis/multi_power_law.hpp>"
#endif

namespace lrs {

namespace detail {

/// The fit's data: for each loss point ln S1, ln y, the saturated changes, and its grouped
/// LR-change terms (w, area, ln eta) in one array, point by point.
struct mpl_fit_data {
  std::vector<double> ln_s1, ln_y, y, saturated;
  std::vector<Eigen::Index> offset{0};  ///< terms of point i: [offset[i], offset[i + 1])
  std::vector<double> w, area, ln_lr;
  std::vector<std::size_t> run_end;  ///< points of run r end at run_end[r]

  /// Adds the points of `run`, their LR changes grouped within `tol`; none when `terms` is
  /// false (the power law alone).
  void add_run(const mpl_sequence& seq, const loss_run& run, double tol, bool terms = true) {
    for (std::size_t i = 0; i < run.steps.size(); ++i) {
      const auto s = static_cast<std::size_t>(run.steps[i]);
      ln_s1.push_back(std::log(seq.cum()[s]));
      ln_y.push_back(std::log(run.losses[i]));
      y.push_back(run.losses[i]);
      if (!terms) {
        saturated.push_back(0);
        offset.push_back(static_cast<Eigen::Index>(w.size()));
        continue;
      }
      double sat = 0;
      seq.for_each_term(s, tol, [&](const mpl_term& t) {
        if (!(t.area > 0)) return;
        if (std::isinf(t.ln_lr)) {
          sat += t.w;
          return;
        }
        w.push_back(t.w);
        area.push_back(t.area);
        ln_lr.push_back(t.ln_lr);
      });
      saturated.push_back(sat);
      offset.push_back(static_cast<Eigen::Index>(w.size()));
    }
    run_end.push_back(y.size());
  }
  [[nodiscard]] Eigen::Index points() const noexcept { return static_cast<Eigen::Index>(y.size()); }
};

/// The fit's objective in x = (L0, ln A, alpha, ln B, ln C, beta, gamma): sum of
/// Huber(ln y - ln L) and its analytic gradient. Outside the domain (a prediction <= 0) it
/// returns 2 max_f + 1 with a zero gradient, so a line search backtracks (as law_objective).
/// A class template (used as mpl_objective) only so that it compiles where it is used (config.hpp).
template <class = void>
class mpl_objective_impl {
 public:
  mpl_objective_impl(const mpl_fit_data& d, double delta, double prior = 0, double center = 0.5)
      : d_(d), delta_(delta), prior_(prior), center_(center) {
    const Eigen::Index n = d.points();
    point_of_.resize(static_cast<Eigen::Index>(d.w.size()));
    for (Eigen::Index i = 0; i < n; ++i)
      point_of_
          .segment(d.offset[std::size_t(i)],
                   d.offset[std::size_t(i) + 1] - d.offset[std::size_t(i)])
          .setConstant(i);
  }

  /// The predictions at x (and the terms' q = (1 + u)^-beta, u, ln(1 + u) for the gradient).
  void predict(const Eigen::VectorXd& x, Eigen::ArrayXd& pred) {
    const Eigen::Index n = d_.points();
    const auto m = static_cast<Eigen::Index>(d_.w.size());
    const Eigen::Map<const Eigen::ArrayXd> w(d_.w.data(), m), area(d_.area.data(), m),
        ln_lr(d_.ln_lr.data(), m), ln_s1(d_.ln_s1.data(), n), sat(d_.saturated.data(), n);
    u_ = std::exp(x[4]) * (-x[6] * ln_lr).exp() * area;
    lg_ = u_.log1p();
    q_ = (-x[5] * lg_).exp();
    const Eigen::ArrayXd wg = w * (1.0 - q_);
    ld_ = sat;
    for (Eigen::Index i = 0; i < n; ++i) {
      const Eigen::Index b = d_.offset[std::size_t(i)], e = d_.offset[std::size_t(i) + 1];
      ld_[i] += wg.segment(b, e - b).sum();
    }
    pw_ = (-x[2] * ln_s1).exp();
    pred = x[0] + std::exp(x[1]) * pw_ + std::exp(x[3]) * ld_;
  }

  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    ++evaluations;
    const Eigen::Index n = d_.points();
    Eigen::ArrayXd pred;
    predict(x, pred);
    if (!(pred > 0.0 && pred < std::numeric_limits<double>::infinity()).all()) {
      last_valid = false;
      g.setZero();
      return 2 * max_f + 1;
    }
    const Eigen::Map<const Eigen::ArrayXd> ln_y(d_.ln_y.data(), n), ln_s1(d_.ln_s1.data(), n);
    const Eigen::ArrayXd r = ln_y - pred.log();
    const Eigen::ArrayXd dr = r.max(-delta_).min(delta_);
    const double db = x[5] - center_, dgm = x[6] - center_;
    const double f = (dr * (r - 0.5 * dr)).sum() + prior_ * (db * db + dgm * dgm);
    const Eigen::ArrayXd wp = -dr / pred;  // d f / d pred
    const double a = std::exp(x[1]), b = std::exp(x[3]), beta = x[5];
    g[0] = wp.sum();
    g[1] = a * (wp * pw_).sum();
    g[2] = -a * (wp * pw_ * ln_s1).sum();
    g[3] = b * (wp * ld_).sum();
    const auto m = static_cast<Eigen::Index>(d_.w.size());
    const Eigen::Map<const Eigen::ArrayXd> w(d_.w.data(), m), ln_lr(d_.ln_lr.data(), m);
    Eigen::ArrayXd coef(m);
    for (Eigen::Index t = 0; t < m; ++t) coef[t] = wp[point_of_[t]];
    coef *= b * w;
    const Eigen::ArrayXd dgdu_u = beta * q_ * u_ / (1.0 + u_);  // u dG/du
    g[4] = (coef * dgdu_u).sum();
    g[5] = (coef * q_ * lg_).sum();
    g[6] = -(coef * dgdu_u * ln_lr).sum();
    g[5] += 2 * prior_ * db;
    g[6] += 2 * prior_ * dgm;
    last_valid = true;
    max_f = std::max(max_f, f);
    if (f < best_f) {
      best_f = f;
      best_x = x;
    }
    return f;
  }

  bool last_valid = false;
  double max_f = 0;
  double best_f = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_x;
  long evaluations = 0;

 private:
  const mpl_fit_data& d_;
  double delta_;
  double prior_;
  double center_;
  Eigen::Array<Eigen::Index, Eigen::Dynamic, 1> point_of_;
  Eigen::ArrayXd u_, lg_, q_, ld_, pw_;
};
using mpl_objective = mpl_objective_impl<>;

/// x = (L0, ln A, alpha, ln B, ln C, beta, gamma) of a law's parameters.
template <class = void>
[[nodiscard]] Eigen::VectorXd mpl_to_x(const std::array<double, 7>& p) {
  Eigen::VectorXd x(7);
  const auto lg = [](double v) { return std::log(std::max(v, 1e-300)); };
  x << p[0], lg(p[1]), p[2], lg(p[3]), lg(p[4]), p[5], p[6];
  return x;
}
template <class = void>
[[nodiscard]] std::array<double, 7> mpl_from_x(const Eigen::VectorXd& x) {
  return {x[0], std::exp(x[1]), x[2], std::exp(x[3]), std::exp(x[4]), x[5], x[6]};
}

}  // namespace detail

template <class>
mpl_fit_result fit_multi_power_law(const std::vector<loss_run>& runs, const mpl_fit_options& opt) {
  constexpr std::string_view who = "fit_multi_power_law";
  opt.validate(who);
  detail::require(!runs.empty(), who, "runs", "non-empty", std::string("empty"));
  // The starts run on LR changes grouped within coarse_tol (fewer terms, within ~1e-4 of the
  // loss), the best one is then finished on `data`; the power law's own fit needs no terms.
  constexpr double coarse_tol = 0.3;
  detail::mpl_fit_data data, coarse, power_only;
  double lr_max = 0;
  mpl_eval_options eo;
  eo.warmup_steps = opt.warmup_steps;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const loss_run& run = runs[r];
    const std::string rn = "runs[" + std::to_string(r) + "].";
    detail::require(!run.lr.empty(), who, rn + "lr", "non-empty", std::string("empty"));
    for (std::size_t i = 0; i < run.lr.size(); ++i) {
      if (!(std::isfinite(run.lr[i]) && run.lr[i] >= 0))
        detail::throw_invalid(who, rn + "lr[" + std::to_string(i) + "]", "finite and >= 0",
                              run.lr[i]);
      lr_max = std::max(lr_max, run.lr[i]);
    }
    detail::require(run.steps.size() == run.losses.size(), who, rn + "losses",
                    "as many as steps (" + std::to_string(run.steps.size()) + ")",
                    run.losses.size());
    detail::require(!run.steps.empty(), who, rn + "steps", "non-empty", std::string("empty"));
    const detail::mpl_sequence seq(run.lr,
                                   detail::mpl_first_change(who, run.lr, opt.convention, eo));
    const auto t = static_cast<step_t>(run.lr.size());
    for (std::size_t i = 0; i < run.steps.size(); ++i) {
      const std::string at = "[" + std::to_string(i) + "]";
      if (run.steps[i] < 0 || run.steps[i] >= t)
        detail::throw_invalid(who, rn + "steps" + at,
                              "in [0, " + std::to_string(t) + ") (the LR sequence's length)",
                              run.steps[i]);
      if (i > 0 && run.steps[i] <= run.steps[i - 1])
        detail::throw_invalid(who, rn + "steps" + at,
                              "> the previous step " + std::to_string(run.steps[i - 1]),
                              run.steps[i]);
      if (!(std::isfinite(run.losses[i]) && run.losses[i] > 0))
        detail::throw_invalid(who, rn + "losses" + at, "finite and > 0", run.losses[i]);
      if (!(seq.cum()[static_cast<std::size_t>(run.steps[i])] > 0))
        detail::throw_invalid(who, rn + "steps" + at,
                              "a step with S1 > 0 (some earlier LR non-zero)", run.steps[i]);
    }
    data.add_run(seq, run, opt.tolerance);
    if (coarse_tol > opt.tolerance) coarse.add_run(seq, run, coarse_tol);
    power_only.add_run(seq, run, opt.tolerance, false);
  }
  detail::require(data.points() >= 8, who, "runs", "at least 8 loss points in total",
                  data.points());
  for (const auto& s : opt.starts)
    for (std::size_t k = 0; k < 7; ++k)
      detail::require(std::isfinite(s[k]) && (k == 0 || s[k] >= 0), who, "starts",
                      "entries finite, all but L0 >= 0", s[k]);

  const double prior_weight =
      opt.prior * static_cast<double>(data.points()) * opt.huber_delta * opt.huber_delta;
  const double y_min = *std::min_element(data.y.begin(), data.y.end());
  const double y_max = *std::max_element(data.y.begin(), data.y.end());
  const double spread = std::max(y_max - y_min, 1e-3 * y_max);

  Eigen::VectorXd lb(7), ub(7);
  const double inf = std::numeric_limits<double>::infinity();
  lb << -inf, -50, 0, -50, -50, opt.beta_min, opt.gamma_min;
  ub << inf, 50, 10, 50, 50, 1, 1;

  const LBFGSpp::LBFGSBParam<double> param =
      detail::lbfgsb_param(opt.gtol, opt.ftol, opt.max_iterations, 30);

  const auto minimize = [&](const detail::mpl_fit_data& on, const Eigen::VectorXd& x0,
                            const Eigen::VectorXd& lo, const Eigen::VectorXd& hi) {
    detail::mpl_objective fun(on, opt.huber_delta, prior_weight);
    return detail::minimize_from(fun, x0.cwiseMax(lo).cwiseMin(hi), lo, hi, param);
  };

  mpl_fit_result res;
  std::vector<Eigen::VectorXd> starts;
  if (!opt.starts.empty()) {
    for (const auto& s : opt.starts) starts.push_back(detail::mpl_to_x(s));
  } else {
    // The power law alone (B fixed at ~0): L0, A, alpha.
    Eigen::VectorXd plo = lb, phi = ub;
    plo[3] = phi[3] = -50;
    plo[4] = phi[4] = 0;
    plo[5] = phi[5] = plo[6] = phi[6] = 0.5;
    detail::law_run best_pl;
    for (const double l0f : {0.5, 0.9})
      for (const double alpha : {0.3, 0.7}) {
        Eigen::VectorXd x0(7);
        const double l0 = y_min - l0f * spread;
        x0 << l0, std::log(std::max(y_max - l0, 1e-12)), alpha, -50, 0, 0.5, 0.5;
        const detail::law_run r = minimize(power_only, x0, plo, phi);
        res.evaluations += r.evaluations;
        if (r.valid && r.f < best_pl.f) best_pl = r;
      }
    Eigen::VectorXd base(7);
    if (best_pl.valid) {
      base = best_pl.x;
    } else {
      base << y_min - 0.5 * spread, std::log(spread), 0.5, 0, 0, 0.5, 0.5;
    }
    const double scale = spread / std::max(lr_max, 1e-300);
    for (const double bet : {0.3, 0.7})
      for (const double gam : {0.3, 0.7})
        for (const std::pair<double, double>& bc : {std::pair{0.5, 1.0}, std::pair{2.0, 4.0}}) {
          Eigen::VectorXd x0 = base;
          x0[3] = std::log(bc.first * scale);
          x0[4] = std::log(bc.second);
          x0[5] = bet;
          x0[6] = gam;
          starts.push_back(x0);
        }
  }
  std::vector<detail::law_run> outs(starts.size());
  std::vector<std::exception_ptr> errors(starts.size());
  auto task = [&](std::size_t i) {
    try {
      outs[i] = minimize(coarse_tol > opt.tolerance ? coarse : data, starts[i], lb, ub);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  if (opt.threads > 1 && starts.size() > 1) {
    thread_pool pool(std::min(opt.threads, starts.size()));
    pool.run(starts.size(), task);
  } else {
    for (std::size_t i = 0; i < starts.size(); ++i) task(i);
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  const detail::law_run* best = nullptr;
  for (const detail::law_run& r : outs) {
    res.evaluations += r.evaluations;
    if (!r.valid) continue;
    ++res.starts_tried;
    if (best == nullptr || r.f < best->f) best = &r;
  }
  if (best == nullptr) return res;
  detail::law_run finished;
  if (coarse_tol > opt.tolerance) {
    finished = minimize(data, best->x, lb, ub);
    res.evaluations += finished.evaluations;
    if (finished.valid) best = &finished;
  }

  const Eigen::VectorXd& x = best->x;
  res.law = multi_power_law(detail::mpl_from_x(x), opt.convention);
  res.objective = best->f;
  res.status = best->status;
  res.iterations = best->iterations;

  // Errors on raw losses, and the Gauss-Newton curvature of the log residuals.
  detail::mpl_objective fun(data, opt.huber_delta);
  Eigen::ArrayXd pred;
  fun.predict(x, pred);
  const Eigen::Index n = data.points();
  const Eigen::Map<const Eigen::ArrayXd> y(data.y.data(), n);
  const Eigen::ArrayXd e = pred - y;
  const double mean = y.mean();
  const double ss_tot = (y - mean).square().sum();
  res.r2 = ss_tot > 0 ? 1.0 - e.square().sum() / ss_tot : 1.0;
  res.rmse = std::sqrt(e.square().mean());
  std::size_t begin = 0;
  for (const std::size_t end : data.run_end) {
    const auto b = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
    res.run_rmse.push_back(std::sqrt(e.segment(b, len).square().mean()));
    res.run_max_rel_error.push_back((e.segment(b, len).abs() / y.segment(b, len)).maxCoeff());
    begin = end;
  }
  // Jacobian of ln pred by central differences of the analytic predictions (7 parameters).
  Eigen::MatrixXd jac(n, 7);
  for (int k = 0; k < 7; ++k) {
    const double h = 1e-6 * std::max(1.0, std::abs(x[k]));
    Eigen::VectorXd xp = x, xm = x;
    xp[k] += h;
    xm[k] -= h;
    Eigen::ArrayXd pp, pm;
    fun.predict(xp, pp);
    fun.predict(xm, pm);
    jac.col(k) = ((pp.log() - pm.log()) / (2 * h)).matrix();
  }
  const Eigen::ArrayXd r = y.log() - pred.log();
  const double sigma2 = r.square().sum() / static_cast<double>(std::max<Eigen::Index>(n - 7, 1));
  const Eigen::MatrixXd jtj = jac.transpose() * jac;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(jtj);
  const Eigen::VectorXd ev = eig.eigenvalues();
  const double ev_max = ev.maxCoeff();
  Eigen::VectorXd var = Eigen::VectorXd::Zero(7);
  for (int k = 0; k < 7; ++k) {
    const Eigen::VectorXd v = eig.eigenvectors().col(k);
    if (ev[k] > 1e-14 * ev_max) {
      var += v.cwiseAbs2() / ev[k];
    } else {  // a direction the data does not see: infinite variance where it has weight
      for (int j = 0; j < 7; ++j)
        if (std::abs(v[j]) > 1e-3) var[j] = inf;
    }
  }
  static constexpr const char* names[7] = {"L0", "A", "alpha", "B", "C", "beta", "gamma"};
  static constexpr double limits[7] = {std::numeric_limits<double>::infinity(),
                                       2.302585092994046,
                                       0.5,
                                       2.302585092994046,
                                       2.302585092994046,
                                       0.5,
                                       0.5};
  for (int k = 0; k < 7; ++k) {
    res.std_error[std::size_t(k)] = std::sqrt(sigma2 * var[k]);
    const bool at_bound = (k == 5 || k == 6) && (x[k] <= lb[k] * (1 + 1e-6) || x[k] >= 1 - 1e-6);
    if (at_bound || res.std_error[std::size_t(k)] > limits[k])
      res.undetermined.emplace_back(names[k]);
  }
  return res;
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_MULTI_POWER_LAW_IMPL_HPP
