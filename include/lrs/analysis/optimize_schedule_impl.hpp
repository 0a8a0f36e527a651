// SPDX-License-Identifier: MIT
// The definitions of optimize_schedule (<lrs/analysis/optimize_schedule.hpp>): the bounded
// L-BFGS-B search and the power-decay fit. Included by optimize_schedule.hpp in header-only mode;
// compiled once into lrs_compiled in the compiled mode (config.hpp), where a user's unit must not
// include it.
#ifndef LRS_ANALYSIS_OPTIMIZE_SCHEDULE_IMPL_HPP
#define LRS_ANALYSIS_OPTIMIZE_SCHEDULE_IMPL_HPP

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
#include <lrs/analysis/optimize_schedule.hpp>
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/config.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>
#include <lrs/schedules/combinators.hpp>

#if !LRS_DEFINITIONS
#error "LRS_COMPILED: lrs_compiled defines this; include <lrs/analysis/optimize_schedule.hpp>"
#endif

namespace lrs {

namespace detail {

/// The warm-up LRs of optimize_options.
template <class = void>
std::vector<double> optimize_warmup(std::string_view who, step_t steps, double peak,
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
template <class = void>
power_decay_fit fit_power_decay(const std::vector<double>& lr, std::size_t w, double peak,
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
template <class = void>
std::string power_decay_spec(step_t steps, step_t w, double peak, double min_lr,
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

template <class>
optimized_schedule optimize_schedule(const annealing_law& law, step_t steps, double peak,
                                     const area_options& areas, const optimize_options& opt) {
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

template <class>
optimized_schedule optimize_schedule(const multi_power_law& p, step_t steps, double peak,
                                     const optimize_options& opt) {
  constexpr std::string_view who = "optimize_schedule";
  const std::size_t w = detail::optimize_warmup(who, steps, peak, opt).size();
  const auto loss = [&](const std::vector<double>& lr, double* grad) {
    return detail::mpl_final_loss_grad(p, lr, w, grad);
  };
  return detail::optimize_with(who, loss, steps, peak,
                               std::max(opt.min_lr, opt.mpl_lr_floor * peak), opt);
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_OPTIMIZE_SCHEDULE_IMPL_HPP
