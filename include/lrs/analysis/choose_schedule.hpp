// SPDX-License-Identifier: MIT
// Choosing a schedule before training: minimise the annealing law's predicted final loss.
#ifndef LRS_ANALYSIS_CHOOSE_SCHEDULE_HPP
#define LRS_ANALYSIS_CHOOSE_SCHEDULE_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/analysis/detail/golden_section.hpp>
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// One-parameter schedule families that choose_schedule searches.
///
/// Every member has a budget of T steps, a linear warm-up lr = peak*t/W for t < W (none when
/// W = 0), then a decay over r = (t - W)/(T - 1 - W) in [0, 1] (the last step has r = 1):
/// - `wsd_decay_fraction` f in [0, 1]: warmup-stable-decay, the peak until r = 1 - f, then a
///   linear decay to min_lr: lr = min + (peak - min) * min(1, (1 - r)/f). f = 0 never decays.
/// - `cosine_floor` rho in [0, 1]: cosine from the peak to rho*peak:
///   lr = peak * (rho + (1 - rho) * (1 + cos(pi r))/2). min_lr is not used.
/// - `rex_shape` d in [0, 1]: REX, lr = min + (peak - min) * (1 - r)/(1 - d r) (0 at r = 1);
///   d = 0 is linear, d = 1/2 the paper's REX, d -> 1 a step at the end (Chen, Wolfe,
///   Kyrillidis, arXiv:2107.04197).
/// - `warmup_steps` W in [0, T - 1] (rounded to a whole step): the warm-up length, followed by a
///   cosine decay to min_lr.
enum class schedule_family { wsd_decay_fraction, cosine_floor, rex_shape, warmup_steps };

/// The budget and LR range shared by the members of a family.
struct family_setup {
  step_t steps = 0;         ///< budget T (number of LRs). @pre > 1
  double peak_lr = 0;       ///< peak LR. @pre > 0
  double min_lr = 0;        ///< LR at the end of the decay. @pre 0 <= min_lr <= peak_lr
  step_t warmup_steps = 0;  ///< linear warm-up length W (fixed, except in `warmup_steps`).
                            ///< @pre 0 <= W < T

  /// @throws lrs::invalid_argument naming `who` and the parameter.
  void validate(std::string_view who) const {
    detail::require(steps > 1, who, "steps", "> 1", steps);
    detail::require_positive(who, "peak_lr", peak_lr);
    detail::require_in_range(who, "min_lr", min_lr, 0.0, peak_lr);
    detail::require(warmup_steps >= 0 && warmup_steps < steps, who, "warmup_steps", "in [0, steps)",
                    warmup_steps);
  }
};

/// The families' names as the tool spells them.
template <>
struct enum_names<schedule_family> {
  static constexpr enum_name<schedule_family> table[] = {
      {schedule_family::wsd_decay_fraction, "wsd"},
      {schedule_family::cosine_floor, "cosine-floor"},
      {schedule_family::rex_shape, "rex"},
      {schedule_family::warmup_steps, "warmup"}};
};

/// The family's name as the tool spells it: "wsd", "cosine-floor", "rex", "warmup".
[[nodiscard]] inline const char* to_string(schedule_family f) noexcept {
  return name_of(f);
}

/// The natural parameter range of a family: [0, 1], or [0, T - 1] for `warmup_steps`.
[[nodiscard]] inline std::pair<double, double> family_range(schedule_family f,
                                                            const family_setup& setup) {
  if (f == schedule_family::warmup_steps) return {0.0, static_cast<double>(setup.steps - 1)};
  return {0.0, 1.0};
}

/// The LR at every step 0..T-1 of the family member with parameter `p`.
/// @throws lrs::invalid_argument if the setup is invalid or p is outside family_range.
[[nodiscard]] inline std::vector<double> family_lr(schedule_family f, const family_setup& setup,
                                                   double p) {
  constexpr std::string_view who = "family_lr";
  setup.validate(who);
  const auto range = family_range(f, setup);
  detail::require_in_range(who, "parameter", p, range.first, range.second);
  const double peak = setup.peak_lr, lo = setup.min_lr;
  const step_t w =
      f == schedule_family::warmup_steps ? static_cast<step_t>(std::lround(p)) : setup.warmup_steps;
  std::vector<double> lr(static_cast<std::size_t>(setup.steps));
  const double span = static_cast<double>(setup.steps - 1 - w);
  for (step_t t = 0; t < setup.steps; ++t) {
    double v;
    if (t < w) {
      v = peak * static_cast<double>(t) / static_cast<double>(w);
    } else {
      const double r = span > 0 ? static_cast<double>(t - w) / span : 0.0;
      const double cos_factor = 0.5 * (1.0 + std::cos(detail::pi_v<double> * r));
      switch (f) {
        case schedule_family::wsd_decay_fraction:
          v = p <= 0 ? peak : lo + (peak - lo) * std::min(1.0, (1.0 - r) / p);
          break;
        case schedule_family::cosine_floor:
          v = peak * (p + (1.0 - p) * cos_factor);
          break;
        case schedule_family::rex_shape: {
          const double den = 1.0 - p * r;
          v = lo + (peak - lo) * (den > 0 ? (1.0 - r) / den : 0.0);
          break;
        }
        default:  // warmup_steps
          v = lo + (peak - lo) * cos_factor;
          break;
      }
    }
    lr[static_cast<std::size_t>(t)] = std::max(v, 0.0);  // guards -0 and rounding below zero
  }
  return lr;
}

/// Options of choose_schedule.
struct choose_options {
  area_options areas;  ///< lambda and warm-up convention used for the predictions
  int grid = 101;      ///< evenly spaced parameters scanned first. @pre >= 3
  /// Refine the best grid point by golden-section search on its two neighbouring intervals
  /// (continuous families only) until the bracket is below `tolerance`. @pre tolerance > 0
  double tolerance = 1e-6;
};

/// The winner of choose_schedule.
struct schedule_choice {
  double parameter = 0;                 ///< the best parameter
  double final_loss = 0;                ///< predicted loss at the last step, T - 1
  std::vector<double> lr;               ///< the winner's LR at every step
  std::vector<double> loss;             ///< the winner's predicted loss at every step
  std::vector<double> grid;             ///< the scanned parameters
  std::vector<double> grid_final_loss;  ///< predicted final loss at each of them
};

/// Minimises the predicted final loss law(S1(T-1), S2(T-1)) over p in [lo, hi] for any LR
/// family `make_lr(p) -> std::vector<double>`: a grid scan, then (when `integer` is false) a
/// golden-section search on the bracket around the best grid point. The law is a fit: the answer
/// is as good as the law's extrapolation (Tissue, Wang, Wang, arXiv:2408.11029, section 4 uses
/// it this way).
/// @pre lo <= hi, both finite; make_lr returns a valid, non-empty LR sequence for every p.
/// @throws lrs::invalid_argument for a bad range or options, or as compute_areas.
template <class MakeLr>
[[nodiscard]] schedule_choice choose_parameter(const annealing_law& law, MakeLr&& make_lr,
                                               double lo, double hi, const choose_options& opt = {},
                                               bool integer = false) {
  constexpr std::string_view who = "choose_parameter";
  detail::require_finite(who, "lo", lo);
  detail::require_finite(who, "hi", hi);
  detail::require(lo <= hi, who, "hi", ">= lo (" + detail::format_value(lo) + ")", hi);
  detail::require(opt.grid >= 3, who, "grid", ">= 3", opt.grid);
  detail::require_positive(who, "tolerance", opt.tolerance);
  const auto final_loss = [&](double p) {
    const auto a = compute_final_areas(make_lr(p), opt.areas);
    return law(a.first, a.second);
  };
  schedule_choice out;
  std::size_t best = 0;
  for (int i = 0; i < opt.grid; ++i) {
    double p = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(opt.grid - 1);
    if (integer) p = std::round(p);
    if (!out.grid.empty() && p == out.grid.back()) continue;
    out.grid.push_back(p);
    out.grid_final_loss.push_back(final_loss(p));
    if (out.grid_final_loss.back() < out.grid_final_loss[best]) best = out.grid.size() - 1;
  }
  out.parameter = out.grid[best];
  out.final_loss = out.grid_final_loss[best];
  if (integer) {
    // Every whole step between the neighbours of the best grid point.
    const double a = out.grid[best > 0 ? best - 1 : 0];
    const double b = out.grid[std::min(best + 1, out.grid.size() - 1)];
    for (double p = a; p <= b; p += 1.0) {
      const double f = final_loss(p);
      if (f < out.final_loss) {
        out.final_loss = f;
        out.parameter = p;
      }
    }
  } else if (out.grid.size() > 1) {
    const double a = out.grid[best > 0 ? best - 1 : 0];
    const double b = out.grid[std::min(best + 1, out.grid.size() - 1)];
    const auto m = detail::golden_section_min(final_loss, a, b, opt.tolerance);
    if (m.f < out.final_loss) {
      out.final_loss = m.f;
      out.parameter = m.x;
    }
  }
  std::vector<double> lr = make_lr(out.parameter);
  out.loss = law.predict(compute_areas(lr, opt.areas));
  out.lr = std::move(lr);
  return out;
}

/// The member of a named family with the lowest predicted final loss, and its curve.
///
///   p* = argmin_p  L0 + A * S1_p(T-1)^(-alpha) - C * S2_p(T-1)
///
/// over family_range(f) (or [lo, hi] when given). See schedule_family for the members.
/// @throws lrs::invalid_argument for a bad setup, range or options.
[[nodiscard]] inline schedule_choice choose_schedule(const annealing_law& law, schedule_family f,
                                                     const family_setup& setup,
                                                     const choose_options& opt = {}) {
  setup.validate("choose_schedule");
  const auto range = family_range(f, setup);
  return choose_parameter(
      law, [&](double p) { return family_lr(f, setup, p); }, range.first, range.second, opt,
      f == schedule_family::warmup_steps);
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_CHOOSE_SCHEDULE_HPP
