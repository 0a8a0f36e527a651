// SPDX-License-Identifier: MIT
// The best schedule under a loss-curve law: the non-increasing LRs after a fixed warm-up that
// minimise the predicted final loss, and the nearest warm-up-stable-power-decay closed form.
#ifndef LRS_ANALYSIS_OPTIMIZE_SCHEDULE_HPP
#define LRS_ANALYSIS_OPTIMIZE_SCHEDULE_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <LBFGSB.h>
#include <Eigen/Core>

#include <lrs/analysis/choose_schedule.hpp>
#include <lrs/analysis/detail/golden_section.hpp>
#include <lrs/analysis/multi_power_law.hpp>
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>
#include <lrs/schedules/combinators.hpp>

namespace lrs {

namespace detail {

inline void require_final_loss_input(std::string_view who, const std::vector<double>& lr) {
  require_lr_sequence(who, lr);
  double s = 0;
  for (const double v : lr) s += v;
  require(s > 0, who, "lr", "a sequence with a positive sum", s);
}

/// The MPL's predicted loss at the last step of `lr` (length n, s = n - 1), and when `grad` is
/// not null its gradient with respect to every lr[j], in O(n):
///
///   dL/dlr[j] = -alpha A S^(-alpha-1) + B (G_j - G_{j+1}) + B (P_j - gamma g_j G'_j x_j / lr[j])
///
/// with x_k = C lr[k]^-gamma R_k, R_k = lr[k] + ... + lr[s], G_k = 1 - (1 + x_k)^-beta (0 outside
/// the summed range), g_k = lr[k] - lr[k-1], and the prefix sum P_j = sum_{k <= j} g_k G'_k C
/// lr[k]^-gamma. A gap term with lr[k] = 0 is 0 when g_k = 0 and B g_k (G = 1) otherwise.
/// @pre lr valid (require_final_loss_input), warmup < n.
inline double mpl_final_loss_grad(const multi_power_law& p, const std::vector<double>& lr,
                                  std::size_t warmup, double* grad) {
  const std::size_t n = lr.size();
  const std::size_t k0 =
      p.convention() == mpl_convention::code ? 1 : std::max<std::size_t>(warmup, 1);
  double total = 0;
  for (const double v : lr) total += v;
  // Pass 1, backwards: suffix sums R_k, G_k and G'_k (kept for the gradient).
  thread_local std::vector<double> g_val, gp_val;
  g_val.assign(n + 1, 0.0);
  gp_val.assign(n, 0.0);  // C lr[k]^-gamma G'(x_k)
  double ld = 0, r = 0;
  double cached_lr = -1, cg = 0;  // C lr^-gamma of the last distinct LR (schedules hold LRs)
  for (std::size_t k = n; k-- > 0;) {
    r += lr[k];
    if (k < k0) continue;
    const double gap = lr[k] - lr[k - 1];
    if (lr[k] > 0) {
      if (lr[k] != cached_lr) {
        cached_lr = lr[k];
        cg = p.c() * std::exp(-p.gamma() * std::log(lr[k]));
      }
      const double x = cg * r;
      const double q = std::exp(-p.beta() * std::log1p(x));
      g_val[k] = 1.0 - q;
      gp_val[k] = cg * p.beta() * q / (1.0 + x);
    } else {
      g_val[k] = r > 0 ? 1.0 : 0.0;
    }
    ld += gap * g_val[k];
  }
  const double loss = p.l0() + p.a() * std::pow(total, -p.alpha()) + p.b() * ld;
  if (grad == nullptr) return loss;
  const double ds = -p.alpha() * p.a() * std::pow(total, -p.alpha() - 1.0);
  double prefix = 0, rr = total;
  for (std::size_t j = 0; j < n; ++j) {
    double d = ds - p.b() * g_val[j + 1];
    if (j >= k0) {
      const double gap = lr[j] - lr[j - 1];
      prefix += gap * gp_val[j];
      d += p.b() * g_val[j];
      // d x_j / d lr[j] through lr[j]^-gamma: -gamma x_j / lr[j] = -gamma C lr^-gamma R_j / lr.
      if (lr[j] > 0) d -= p.b() * gap * gp_val[j] * p.gamma() * rr / lr[j];
    }
    d += p.b() * prefix;
    grad[j] = d;
    rr -= lr[j];
  }
  return loss;
}

/// The momentum law's predicted loss at the last step of `lr`, and when `grad` is not null its
/// gradient with respect to every lr[j], in O(n). With lr' the sequence after the warm-up rule
/// (steps 0..w-1 at lr[w], w = `warmup_end`), S2(s) = sum_{k=1..s} (lr'[k-1] - lr'[k]) w_k with
/// w_k = 1 + lambda + ... + lambda^(s-k), so dS2/dlr'[j] = w_{j+1} - w_j; the steps held at
/// lr[w] pass their gradient to lr[w].
inline double annealing_final_loss_grad(const annealing_law& law, double lambda,
                                        const std::vector<double>& lr, std::size_t warmup_end,
                                        double* grad) {
  const std::size_t n = lr.size();
  const auto at = [&](std::size_t i) { return i < warmup_end ? lr[warmup_end] : lr[i]; };
  double s1 = 0, s2 = 0, m = 0, prev = at(0);
  for (std::size_t i = 0; i < n; ++i) {
    const double eta = at(i);
    m = lambda * m + (prev - eta);
    prev = eta;
    s1 += eta;
    s2 += m;
  }
  const double loss = law(s1, s2);
  if (grad == nullptr) return loss;
  const double ds1 = -law.alpha() * law.a() * std::pow(s1, -law.alpha() - 1.0);
  // w_k backwards: w_s = 1, w_k = 1 + lambda w_{k+1}; w_0 and w_{s+1} do not enter (0).
  double w_next = 0;  // w_{j+1}
  for (std::size_t j = n; j-- > 0;) {
    const double w_j = j >= 1 ? 1.0 + lambda * w_next : 0.0;
    grad[j] = ds1 - law.c() * (w_next - w_j);
    w_next = w_j;
  }
  if (warmup_end > 0) {
    double held = 0;
    for (std::size_t i = 0; i < warmup_end; ++i) {
      held += grad[i];
      grad[i] = 0;
    }
    grad[warmup_end] += held;
  }
  return loss;
}

}  // namespace detail

/// The MPL's predicted loss at the last step of `lr` (every step's LR, warm-up included), with
/// `warmup_steps` W the length of the warm-up (used by the `paper` convention only).
/// @pre lr non-empty, finite, >= 0, with a positive sum; 0 <= warmup_steps < lr.size().
/// @throws lrs::invalid_argument naming the parameter otherwise.
[[nodiscard]] inline double mpl_final_loss(const multi_power_law& p, const std::vector<double>& lr,
                                           step_t warmup_steps = 0) {
  constexpr std::string_view who = "mpl_final_loss";
  detail::require_final_loss_input(who, lr);
  detail::require(warmup_steps >= 0 && warmup_steps < static_cast<step_t>(lr.size()), who,
                  "warmup_steps", "in [0, lr.size())", warmup_steps);
  return detail::mpl_final_loss_grad(p, lr, static_cast<std::size_t>(warmup_steps), nullptr);
}

/// mpl_final_loss and its gradient with respect to every lr[j] (resized to lr.size()), in
/// O(lr.size()). Where some lr[k] = 0 inside the summed range the gradient of its term is taken
/// as 0. @throws as mpl_final_loss.
[[nodiscard]] inline double mpl_final_loss_gradient(const multi_power_law& p,
                                                    const std::vector<double>& lr,
                                                    step_t warmup_steps,
                                                    std::vector<double>& grad) {
  constexpr std::string_view who = "mpl_final_loss_gradient";
  detail::require_final_loss_input(who, lr);
  detail::require(warmup_steps >= 0 && warmup_steps < static_cast<step_t>(lr.size()), who,
                  "warmup_steps", "in [0, lr.size())", warmup_steps);
  grad.assign(lr.size(), 0.0);
  return detail::mpl_final_loss_grad(p, lr, static_cast<std::size_t>(warmup_steps), grad.data());
}

/// The momentum law's predicted loss at the last step of `lr` (law(compute_final_areas(lr,
/// opt))) and its gradient with respect to every lr[j] (resized to lr.size()), in O(lr.size()).
/// The warm-up end is found as compute_areas finds it and held fixed: the steps counted at the
/// peak pass their gradient to the step they copy.
/// @pre as compute_areas, and a positive sum of lr. @throws lrs::invalid_argument otherwise.
[[nodiscard]] inline double annealing_final_loss_gradient(const annealing_law& law,
                                                          const std::vector<double>& lr,
                                                          const area_options& opt,
                                                          std::vector<double>& grad) {
  constexpr std::string_view who = "annealing_final_loss_gradient";
  opt.validate(who);
  detail::require_final_loss_input(who, lr);
  const std::size_t w = detail::warmup_end(who, lr, opt);
  grad.assign(lr.size(), 0.0);
  return detail::annealing_final_loss_grad(law, opt.lambda, lr, w, grad.data());
}

/// Options of optimize_schedule.
struct optimize_options {
  /// Linear warm-up of W steps, lr[t] = peak t / (W - 1) for t < W (NumPy linspace(0, peak, W):
  /// 0 at step 0, the peak at step W - 1; W = 1 is the single LR 0), as in the Multi-Power Law
  /// paper's runs. 0: no warm-up. Not used when `warmup` is given. @pre 0 <= W < T.
  step_t warmup_steps = 0;
  /// The warm-up LRs as an explicit sequence (steps 0..W-1); empty: the linear one above.
  /// @pre size < T, every value finite and >= 0.
  std::vector<double> warmup;
  /// Lower bound of every LR after the warm-up. @pre 0 <= min_lr <= peak. Under the MPL, whose
  /// gap terms read lr^-gamma, the bound used is at least `mpl_lr_floor` x peak.
  double min_lr = 0;
  /// Relative floor of the LRs after the warm-up under the MPL. @pre in (0, 1). Default 1e-6.
  double mpl_lr_floor = 1e-6;
  /// Iterations of the bounded quasi-Newton method, in each of the two stages (coarse_block).
  /// @pre > 0. Default 500.
  int max_iterations = 500;
  /// Stop when the final loss decreases by less than tolerance x max(1, |loss|) over
  /// `tolerance_window` iterations. @pre tolerance >= 0. Default 1e-8.
  double tolerance = 1e-8;
  /// Iterations over which the decrease is measured. @pre > 0. Default 10.
  int tolerance_window = 10;
  /// Steps that share one factor in the coarse stage, run before the full resolution when the
  /// steps after the warm-up are at least 4 x coarse_block (0 or 1: no coarse stage). Default 16.
  std::size_t coarse_block = 16;
  /// Fit the closed form (power_decay_fit) to the result. Default true.
  bool fit_closed_form = true;

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = optimize_options{}.with_warmup_steps(...)`); they do not validate, the function
  // taking the options does.
  /// Sets `warmup_steps` (see the field); returns *this for chaining.
  optimize_options& with_warmup_steps(step_t v) noexcept {
    warmup_steps = v;
    return *this;
  }
  /// Sets `warmup` (see the field); returns *this for chaining.
  optimize_options& with_warmup(std::vector<double> v) {
    warmup = std::move(v);
    return *this;
  }
  /// Sets `min_lr` (see the field); returns *this for chaining.
  optimize_options& with_min_lr(double v) noexcept {
    min_lr = v;
    return *this;
  }
  /// Sets `mpl_lr_floor` (see the field); returns *this for chaining.
  optimize_options& with_mpl_lr_floor(double v) noexcept {
    mpl_lr_floor = v;
    return *this;
  }
  /// Sets `max_iterations` (see the field); returns *this for chaining.
  optimize_options& with_max_iterations(int v) noexcept {
    max_iterations = v;
    return *this;
  }
  /// Sets `tolerance` (see the field); returns *this for chaining.
  optimize_options& with_tolerance(double v) noexcept {
    tolerance = v;
    return *this;
  }
  /// Sets `tolerance_window` (see the field); returns *this for chaining.
  optimize_options& with_tolerance_window(int v) noexcept {
    tolerance_window = v;
    return *this;
  }
  /// Sets `coarse_block` (see the field); returns *this for chaining.
  optimize_options& with_coarse_block(std::size_t v) noexcept {
    coarse_block = v;
    return *this;
  }
  /// Sets `fit_closed_form` (see the field); returns *this for chaining.
  optimize_options& with_fit_closed_form(bool v) noexcept {
    fit_closed_form = v;
    return *this;
  }
};

/// The warm-up-stable-power-decay schedule nearest (least squares on the LRs after the warm-up)
/// to an optimised one: the warm-up, the peak until step T - D, then
///
///   lr(t) = min_lr + (peak - min_lr) (1 - (t - (T - D)) / D)^power,   T - D <= t < T.
struct power_decay_fit {
  step_t decay_steps = 0;     ///< D, in [1, T - W]
  double decay_fraction = 0;  ///< D / T
  double power = 1;           ///< the exponent p
  double rmse = 0;            ///< root-mean-square LR difference over the steps after the warm-up
  double final_loss = 0;      ///< the law's predicted final loss of this schedule
  /// A spec string (lrs::parse_schedule) that builds this schedule step for step; empty when the
  /// warm-up was given as an explicit sequence.
  std::string spec;
  std::vector<double> lr;  ///< its LR at every step 0..T-1
};

/// How the optimisation ended.
enum class optimize_status {
  converged,       ///< the decrease test (tolerance over tolerance_window iterations) was met
  max_iterations,  ///< stopped at max_iterations (the best point is kept)
  line_search      ///< stopped in a failed line search (the best point is kept)
};

/// The names of the optimisation statuses.
template <>
struct enum_names<optimize_status> {
  /// The table read by name_of and parse_enum.
  static constexpr enum_name<optimize_status> table[] = {
      {optimize_status::converged, "converged"},
      {optimize_status::max_iterations, "max_iterations"},
      {optimize_status::line_search, "line_search"}};
};

/// The result of optimize_schedule.
struct optimized_schedule {
  std::vector<double> lr;          ///< the LR of every step 0..T-1 (warm-up included)
  double final_loss = 0;           ///< the law's predicted loss at step T - 1
  double constant_final_loss = 0;  ///< the same for the start: the warm-up, then the peak
  /// How the full-resolution stage ended (the coarse stage's outcome is not reported).
  optimize_status status = optimize_status::converged;
  /// Iterations of both stages; a stage that ends in a failed line search adds 0 (LBFGSpp does
  /// not report them then).
  int iterations = 0;
  long evaluations = 0;         ///< loss-and-gradient evaluations, both stages
  power_decay_fit closed_form;  ///< the nearest power decay (when fit_closed_form)
  /// The schedule as lrs::from_values (it holds the last LR past step T - 1).
  [[nodiscard]] from_values<double> schedule() const { return from_values<double>(lr); }
};

namespace detail {

/// The warm-up LRs of optimize_options.
inline std::vector<double> optimize_warmup(std::string_view who, step_t steps, double peak,
                                           const optimize_options& opt) {
  require(steps >= 2, who, "steps", ">= 2", steps);
  require_positive(who, "peak", peak);
  require_in_range(who, "min_lr", opt.min_lr, 0.0, peak);
  require_in_range(who, "mpl_lr_floor", opt.mpl_lr_floor, 0.0, 1.0, true, true);
  require(opt.max_iterations > 0, who, "max_iterations", "> 0", opt.max_iterations);
  require_non_negative(who, "tolerance", opt.tolerance);
  require(opt.tolerance_window > 0, who, "tolerance_window", "> 0", opt.tolerance_window);
  if (!opt.warmup.empty()) {
    require(static_cast<step_t>(opt.warmup.size()) < steps, who, "warmup",
            "shorter than steps (" + std::to_string(steps) + ")", opt.warmup.size());
    for (std::size_t i = 0; i < opt.warmup.size(); ++i)
      if (!(std::isfinite(opt.warmup[i]) && opt.warmup[i] >= 0))
        throw_invalid(who, "warmup[" + std::to_string(i) + "]", "finite and >= 0", opt.warmup[i]);
    return opt.warmup;
  }
  require(opt.warmup_steps >= 0 && opt.warmup_steps < steps, who, "warmup_steps", "in [0, steps)",
          opt.warmup_steps);
  const auto w = static_cast<std::size_t>(opt.warmup_steps);
  std::vector<double> out(w);
  for (std::size_t t = 0; t < w; ++t)
    out[t] = w == 1 ? 0.0 : peak * static_cast<double>(t) / static_cast<double>(w - 1);
  if (w > 1) out[w - 1] = peak;
  return out;
}

/// The final loss of a full LR sequence and its gradient (`grad` may be null).
using final_loss_fn = double (*)(const void*, const std::vector<double>&, double*);

/// The outcome of one minimize_final_loss stage.
struct final_loss_run {
  std::vector<double> lr;
  double f = std::numeric_limits<double>::infinity();
  optimize_status status = optimize_status::converged;
  int iterations = 0;
  long evaluations = 0;
};

/// Minimises the final loss over lr[w..T-1] = lo + (peak - lo) u_w u_{w+1} ... u_t with every
/// u in [0, 1] (peak >= lr[w] >= ... >= lr[T-1] >= lo exactly, a box for L-BFGS-B), from `lr`
/// (its values after w non-increasing, in [lo, peak]). The factors u are shared by blocks of
/// `block` consecutive steps (1: one per step). The gradient is O(T): dL/du_k = (peak - lo)
/// u_w..u_{k-1} Q_k with Q_k = g_k + u_{k+1} Q_{k+1}, g the gradient in lr, summed per block.
template <class Loss>
final_loss_run minimize_final_loss(const Loss& loss, std::vector<double> lr, std::size_t w,
                                   double peak, double lo, std::size_t block,
                                   const optimize_options& opt) {
  const std::size_t n = lr.size();
  const std::size_t nv = n - w;
  const std::size_t nb = (nv + block - 1) / block;
  const double span = peak - lo;
  // The starting factors: per step the ratio of the distances to lo, per block their product's
  // geometric mean.
  Eigen::VectorXd u = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(nb));
  if (span > 0) {
    std::vector<double> logs(nb, 0.0);
    double before = span;
    bool zero = false;
    for (std::size_t i = 0; i < nv; ++i) {
      const double now = std::min(std::max(lr[w + i] - lo, 0.0), before);
      if (zero || now <= 0) {
        zero = true;
        logs[i / block] = -std::numeric_limits<double>::infinity();
      } else {
        logs[i / block] += std::log(now / before);
      }
      if (!zero) before = now;
    }
    for (std::size_t j = 0; j < nb; ++j) {
      const std::size_t len = std::min(block, nv - j * block);
      u[static_cast<Eigen::Index>(j)] = std::min(1.0, std::exp(logs[j] / static_cast<double>(len)));
    }
  }
  std::vector<double> g(n), gu_step(nv);
  final_loss_run out;
  out.lr = lr;
  const auto factor = [&](const Eigen::VectorXd& v, std::size_t i) {
    return v[static_cast<Eigen::Index>(i / block)];
  };
  auto fun = [&](const Eigen::VectorXd& v, Eigen::VectorXd& gv) {
    double prod = 1;
    for (std::size_t i = 0; i < nv; ++i) {
      prod *= factor(v, i);
      lr[w + i] = lo + span * prod;
    }
    ++out.evaluations;
    const double f = loss(lr, g.data());
    if (!std::isfinite(f)) {
      gv.setZero();
      return std::numeric_limits<double>::infinity();
    }
    if (f < out.f) {
      out.f = f;
      out.lr = lr;
    }
    double q = 0;
    for (std::size_t i = nv; i-- > 0;) {
      q = g[w + i] + (i + 1 < nv ? factor(v, i + 1) * q : 0.0);
      gu_step[i] = q;
    }
    gv.setZero();
    prod = span;
    for (std::size_t i = 0; i < nv; ++i) {
      gv[static_cast<Eigen::Index>(i / block)] += gu_step[i] * prod;
      prod *= factor(v, i);
    }
    return f;
  };
  LBFGSpp::LBFGSBParam<double> param;
  param.m = 10;
  param.epsilon = 0;
  param.epsilon_rel = 0;
  param.past = opt.tolerance_window;
  param.delta = opt.tolerance;
  param.max_iterations = opt.max_iterations;
  param.max_linesearch = 40;
  LBFGSpp::LBFGSBSolver<double> solver(param);
  const Eigen::VectorXd lb = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(nb));
  const Eigen::VectorXd ub = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(nb));
  double fx = 0;
  try {
    out.iterations = solver.minimize(fun, u, fx, lb, ub);
    if (out.iterations >= opt.max_iterations) out.status = optimize_status::max_iterations;
  } catch (const std::exception&) {
    out.status = optimize_status::line_search;  // the best point so far is kept
  }
  return out;
}

/// Least-squares fit of the power decay (see power_decay_fit) to `lr` after the warm-up `w`:
/// D over a grid of 64 values in [1, T - w] and then by ternary search between the best one's
/// neighbours, p by golden section on log p in [1e-2, 1e2] for each D; the decay's squared
/// error is summed over at most 1024 evenly spaced steps (each weighted by the steps it stands
/// for), the stable part's exactly (prefix sums).
inline power_decay_fit fit_power_decay(const std::vector<double>& lr, std::size_t w, double peak,
                                       double lo) {
  const std::size_t n = lr.size();
  const std::size_t nv = n - w;
  std::vector<double> stable(nv + 1, 0.0);  // stable[i]: sum over steps w..w+i-1 of (lr - peak)^2
  for (std::size_t i = 0; i < nv; ++i)
    stable[i + 1] = stable[i] + (lr[w + i] - peak) * (lr[w + i] - peak);
  const double span = peak - lo;
  const auto decay_error = [&](std::size_t d, double p) {
    const std::size_t stride = std::max<std::size_t>(1, d / 1024);
    const std::size_t start = n - d;
    double e = 0;
    for (std::size_t i = 0; i < d; i += stride) {
      const double tau = static_cast<double>(i) / static_cast<double>(d);
      const double v = lo + span * std::pow(1.0 - tau, p);
      const double r = lr[start + i] - v;
      e += r * r * static_cast<double>(std::min(stride, d - i));
    }
    return e + stable[nv - d];
  };
  const double lp_lo = std::log(1e-2), lp_hi = std::log(1e2);
  const auto best_power = [&](std::size_t d) {
    const auto m = golden_section_min([&](double lp) { return decay_error(d, std::exp(lp)); },
                                      lp_lo, lp_hi, 1e-4);
    return std::make_pair(m.f, std::exp(m.x));
  };
  const int grid = 64;
  std::vector<std::size_t> ds;
  for (int i = 0; i < grid; ++i) {
    const auto d = static_cast<std::size_t>(
        std::llround(1.0 + static_cast<double>(nv - 1) * i / double(grid - 1)));
    if (ds.empty() || d != ds.back()) ds.push_back(d);
  }
  std::size_t best_i = 0;
  double best_e = std::numeric_limits<double>::infinity(), best_p = 1;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const auto r = best_power(ds[i]);
    if (r.first < best_e) {
      best_e = r.first;
      best_p = r.second;
      best_i = i;
    }
  }
  std::size_t best_d = ds[best_i];
  // Integer golden-section over D between the neighbours of the best grid point.
  std::size_t a = ds[best_i > 0 ? best_i - 1 : 0], b = ds[std::min(best_i + 1, ds.size() - 1)];
  const auto eval_d = [&](std::size_t d) {
    const auto r = best_power(d);
    if (r.first < best_e) {
      best_e = r.first;
      best_p = r.second;
      best_d = d;
    }
    return r.first;
  };
  while (b - a > 2) {
    const std::size_t m1 = a + (b - a) / 3, m2 = b - (b - a) / 3;
    if (eval_d(m1) <= eval_d(m2)) {
      b = m2;
    } else {
      a = m1;
    }
  }
  for (std::size_t d = a; d <= b; ++d) (void)eval_d(d);
  power_decay_fit f;
  f.decay_steps = static_cast<step_t>(best_d);
  f.decay_fraction = static_cast<double>(best_d) / static_cast<double>(n);
  f.power = best_p;
  f.lr = lr;
  for (std::size_t i = 0; i < nv; ++i) f.lr[w + i] = peak;
  for (std::size_t i = 0; i < best_d; ++i) {
    const double tau = static_cast<double>(i) / static_cast<double>(best_d);
    f.lr[n - best_d + i] = lo + span * std::pow(1.0 - tau, best_p);
  }
  double e = 0;
  for (std::size_t i = w; i < n; ++i) e += (f.lr[i] - lr[i]) * (f.lr[i] - lr[i]);
  f.rmse = std::sqrt(e / static_cast<double>(nv));
  return f;
}

/// The spec of a power_decay_fit after a linear warm-up of `w` steps (or none).
inline std::string power_decay_spec(step_t steps, step_t w, double peak, double min_lr,
                                    const power_decay_fit& f) {
  std::string head = w == 0 ? "interpolated(boundaries=[0], values=[" + spec_number(peak) + "])"
                            : "interpolated(boundaries=[0, " +
                                  std::to_string(std::max<step_t>(w - 1, 1)) + "], values=[0, " +
                                  spec_number(peak) + "])";
  return "join(schedules=[" + head + ", polynomial(power=" + spec_number(f.power) +
         ", peak=" + spec_number(peak) + ", min_lr=" + spec_number(min_lr) +
         ", total_steps=" + std::to_string(f.decay_steps) + ")], boundaries=[" +
         std::to_string(steps - f.decay_steps) + "])";
}

template <class Loss>
optimized_schedule optimize_with(std::string_view who, const Loss& loss, step_t steps, double peak,
                                 double lo, const optimize_options& opt) {
  std::vector<double> lr = optimize_warmup(who, steps, peak, opt);
  const std::size_t w = lr.size();
  lr.resize(static_cast<std::size_t>(steps), peak);
  optimized_schedule out;
  out.constant_final_loss = loss(lr, nullptr);
  // A coarse stage (one factor per block of steps) and the full resolution from its answer.
  const std::size_t nv = lr.size() - w;
  const std::size_t block = std::max<std::size_t>(1, opt.coarse_block);
  long evaluations = 0;
  int iterations = 0;
  if (block > 1 && nv >= 4 * block) {
    final_loss_run coarse = minimize_final_loss(loss, lr, w, peak, lo, block, opt);
    evaluations += coarse.evaluations;
    iterations += coarse.iterations;
    lr = std::move(coarse.lr);
  }
  final_loss_run fine = minimize_final_loss(loss, std::move(lr), w, peak, lo, 1, opt);
  out.lr = std::move(fine.lr);
  out.final_loss = fine.f;
  out.status = fine.status;
  out.iterations = iterations + fine.iterations;
  out.evaluations = evaluations + fine.evaluations;
  if (opt.fit_closed_form) {
    out.closed_form = fit_power_decay(out.lr, w, peak, opt.min_lr);
    out.closed_form.final_loss = loss(out.closed_form.lr, nullptr);
    if (opt.warmup.empty())
      out.closed_form.spec =
          power_decay_spec(steps, static_cast<step_t>(w), peak, opt.min_lr, out.closed_form);
  }
  return out;
}

}  // namespace detail

/// The non-increasing schedule after a fixed warm-up that minimises the momentum law's
/// predicted loss at step T - 1 (the annealing law of Tissue, Wang, Wang, arXiv:2408.11029, with
/// the areas of `areas`):
///
///   minimise L(lr) over peak >= lr[W] >= lr[W+1] >= ... >= lr[T-1] >= min_lr,
///
/// the warm-up lr[0..W-1] fixed (optimize_options). Solved by bounded L-BFGS-B (LBFGSpp) on
/// lr[t] = min_lr + (peak - min_lr) u_W ... u_t, u in [0, 1], with the analytic O(T) gradient,
/// from the constant schedule. The warm-up rule of `areas` is applied as compute_areas applies
/// it, its end found on the starting schedule and held fixed. S2 is linear and S1^-alpha convex
/// in the LRs, and a step's LR adds C lambda^(T-1-t) to the loss through S2: the optimum under this
/// law is a drop, the peak and then min_lr, which the solver approaches.
/// @pre steps >= 2, peak > 0, options as documented; a warm-up that leaves at least one step.
/// @throws lrs::invalid_argument naming the parameter, the value and the allowed range.
[[nodiscard]] inline optimized_schedule optimize_schedule(const annealing_law& law, step_t steps,
                                                          double peak, const area_options& areas,
                                                          const optimize_options& opt = {}) {
  constexpr std::string_view who = "optimize_schedule";
  areas.validate(who);
  std::vector<double> start = detail::optimize_warmup(who, steps, peak, opt);
  start.resize(static_cast<std::size_t>(steps), peak);
  const std::size_t w = detail::warmup_end(who, start, areas);
  const double lambda = areas.lambda;
  const auto loss = [&](const std::vector<double>& lr, double* grad) {
    return detail::annealing_final_loss_grad(law, lambda, lr, w, grad);
  };
  return detail::optimize_with(who, loss, steps, peak, opt.min_lr, opt);
}

/// The non-increasing schedule after a fixed warm-up that minimises the Multi-Power Law's
/// predicted loss at step T - 1 (paper section 6.1: Luo et al., arXiv:2503.12811), as the
/// overload above, with the LRs after the warm-up kept >= max(min_lr, mpl_lr_floor x peak)
/// (the law reads lr^-gamma). The paper's warm-up length W is the warm-up's size.
/// @pre as the overload above.
/// @throws lrs::invalid_argument naming the parameter, the value and the allowed range.
[[nodiscard]] inline optimized_schedule optimize_schedule(const multi_power_law& p, step_t steps,
                                                          double peak,
                                                          const optimize_options& opt = {}) {
  constexpr std::string_view who = "optimize_schedule";
  const std::size_t w = detail::optimize_warmup(who, steps, peak, opt).size();
  const auto loss = [&](const std::vector<double>& lr, double* grad) {
    return detail::mpl_final_loss_grad(p, lr, w, grad);
  };
  return detail::optimize_with(who, loss, steps, peak,
                               std::max(opt.min_lr, opt.mpl_lr_floor * peak), opt);
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_OPTIMIZE_SCHEDULE_HPP
