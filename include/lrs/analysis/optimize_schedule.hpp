// SPDX-License-Identifier: MIT
// The best schedule under a loss-curve law: the non-increasing LRs after a fixed warm-up that
// minimise the predicted final loss, and the nearest warm-up-stable-power-decay closed form.
// optimize_schedule is defined in optimize_schedule_impl.hpp (in lrs_compiled in the compiled
// mode).
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

#include <Eigen/Core>

#include <lrs/analysis/choose_schedule.hpp>
#include <lrs/analysis/multi_power_law.hpp>
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/config.hpp>
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
template <class = void>
[[nodiscard]] optimized_schedule optimize_schedule(const annealing_law& law, step_t steps,
                                                   double peak, const area_options& areas,
                                                   const optimize_options& opt = {});

/// The non-increasing schedule after a fixed warm-up that minimises the Multi-Power Law's
/// predicted loss at step T - 1 (paper section 6.1: Luo et al., arXiv:2503.12811), as the
/// overload above, with the LRs after the warm-up kept >= max(min_lr, mpl_lr_floor x peak)
/// (the law reads lr^-gamma). The paper's warm-up length W is the warm-up's size.
/// @pre as the overload above.
/// @throws lrs::invalid_argument naming the parameter, the value and the allowed range.
template <class = void>
[[nodiscard]] optimized_schedule optimize_schedule(const multi_power_law& p, step_t steps,
                                                   double peak, const optimize_options& opt = {});

#if defined(LRS_COMPILED)
// Compiled once, in lrs_compiled (src/laws.cpp).
extern template optimized_schedule optimize_schedule<>(const annealing_law&, step_t, double,
                                                       const area_options&,
                                                       const optimize_options&);
extern template optimized_schedule optimize_schedule<>(const multi_power_law&, step_t, double,
                                                       const optimize_options&);
#endif

}  // namespace lrs

#if LRS_DEFINITIONS
#include <lrs/analysis/optimize_schedule_impl.hpp>
#endif

#endif  // LRS_ANALYSIS_OPTIMIZE_SCHEDULE_HPP
