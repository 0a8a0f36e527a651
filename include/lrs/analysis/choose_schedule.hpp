// SPDX-License-Identifier: MIT
// Choosing a schedule before training: minimise the annealing law's predicted final loss.
#ifndef LRS_ANALYSIS_CHOOSE_SCHEDULE_HPP
#define LRS_ANALYSIS_CHOOSE_SCHEDULE_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/analysis/detail/golden_section.hpp>
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/core/any_schedule.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/profiles.hpp>

namespace lrs {

/// One-parameter schedule families that choose_schedule searches.
///
/// Every member is one of the library's budgeted schedules (lrs::budgeted, schedules/budgeted.hpp)
/// with a budget of T steps and its linear warm-up from min_lr to the peak over steps [0, W)
/// (none when W = 0); the profile then runs over z = (t - W)/(T - W), so the last step, T - 1,
/// has z = 1 - 1/(T - W) and the decays reach min_lr only at step T (lrs::rex(1, 10) is 0.18 at
/// t = 9):
/// - `wsd_decay_fraction` f in [0, 1]: lrs::wsd(peak, T, f) with a linear decay to min_lr over
///   the last fraction f of the budget; f = 0 never decays (the `constant` profile).
/// - `cosine_floor` rho in [0, 1]: lrs::cosine_decay from the peak to rho*peak (its min_lr);
///   setup.min_lr is only the warm-up's start.
/// - `rex_shape` d in [0, 1]: lrs::rex(peak, T, d, opts), (1 - z)/(1 - d z) from the peak to
///   min_lr; d = 0 is linear, d = 1/2 the paper's REX, d -> 1 a step at the end (Chen, Wolfe,
///   Kyrillidis, arXiv:2107.04197).
/// - `warmup_steps` W in [0, T - 1] (rounded to a whole step): lrs::cosine_decay to min_lr with a
///   W-step warm-up (setup.warmup_steps is not used).
/// family_schedule builds the member, family_spec writes it as a spec string (lrs::parse_schedule,
/// `lrs curve`) that builds the same schedule, value for value.
enum class schedule_family { wsd_decay_fraction, cosine_floor, rex_shape, warmup_steps };

/// The budget and LR range shared by the members of a family.
struct family_setup {
  step_t steps = 0;         ///< budget T (number of LRs). @pre > 1
  double peak_lr = 0;       ///< peak LR. @pre > 0
  double min_lr = 0;        ///< LR at the end of the decay and at the warm-up's start.
                            ///< @pre 0 <= min_lr <= peak_lr
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
  /// The table read by name_of and parse_enum.
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

namespace detail {

/// Shortest decimal text that std::strtod (the spec parser's reader) reads back as `v`.
inline std::string spec_number(double v) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

/// The budget options of a family member: min_lr, warm-up length and start.
struct family_member {
  double min_lr;  // the budgeted schedule's min_lr
  step_t warmup;  // W
  double start;   // warm-up start
};

inline family_member family_member_of(schedule_family f, const family_setup& setup, double p,
                                      std::string_view who) {
  setup.validate(who);
  const auto range = family_range(f, setup);
  require_in_range(who, "parameter", p, range.first, range.second);
  family_member m{setup.min_lr, setup.warmup_steps, setup.min_lr};
  if (f == schedule_family::cosine_floor) m.min_lr = p * setup.peak_lr;
  if (f == schedule_family::warmup_steps) m.warmup = static_cast<step_t>(std::llround(p));
  return m;
}

}  // namespace detail

/// The family member with parameter `p`, built from the library's budgeted schedules (see
/// schedule_family): the same schedule as family_spec(f, setup, p) gives to lrs::parse_schedule.
/// @throws lrs::invalid_argument if the setup is invalid or p is outside family_range.
namespace detail {

/// Calls `visit` with the family member with parameter `p` as its concrete budgeted schedule type,
/// and returns what it returns (family_schedule erases the type; the search does not).
template <class Visit>
decltype(auto) visit_family_member(schedule_family f, const family_setup& setup, double p,
                                   std::string_view who, Visit&& visit) {
  const auto m = family_member_of(f, setup, p, who);
  budget_options<double> o;
  o.min_lr = m.min_lr;
  o.warmup_steps = m.warmup;
  o.warmup_start = m.start;
  const double peak = setup.peak_lr;
  switch (f) {
    case schedule_family::wsd_decay_fraction:
      if (p == 0.0) return visit(budgeted<profiles::constant, double>(peak, {}, setup.steps, o));
      return visit(wsd(peak, setup.steps, p, profiles::decay_shape::linear, o));
    case schedule_family::rex_shape:
      return visit(rex(peak, setup.steps, p, o));
    case schedule_family::cosine_floor:
    case schedule_family::warmup_steps:
      break;
  }
  return visit(cosine_decay(peak, setup.steps, o));
}

}  // namespace detail

[[nodiscard]] inline any_schedule<double> family_schedule(schedule_family f,
                                                          const family_setup& setup, double p) {
  return detail::visit_family_member(
      f, setup, p, "family_schedule",
      [](const auto& s) -> any_schedule<double> { return any_schedule<double>(s); });
}

/// The spec string of the family member with parameter `p`, for lrs::parse_schedule and
/// `lrs curve`, e.g. `wsd(decay=0.24, peak=0.0002, min_lr=0, total_steps=20001, warmup_steps=0)`.
/// Numbers are written so that they read back exactly: the spec builds family_schedule(f, setup,
/// p).
/// @throws lrs::invalid_argument as family_schedule.
[[nodiscard]] inline std::string family_spec(schedule_family f, const family_setup& setup,
                                             double p) {
  const auto m = detail::family_member_of(f, setup, p, "family_spec");
  std::string name, own;
  switch (f) {
    case schedule_family::wsd_decay_fraction:
      if (p == 0.0) {
        name = "constant";
      } else {
        name = "wsd";
        own = "decay=" + detail::spec_number(p) + ", shape=linear, ";
      }
      break;
    case schedule_family::rex_shape:
      name = "rex";
      own = "d=" + detail::spec_number(p) + ", ";
      break;
    case schedule_family::cosine_floor:
    case schedule_family::warmup_steps:
      name = "cosine";
      break;
  }
  std::string s = name + "(" + own + "peak=" + detail::spec_number(setup.peak_lr) +
                  ", min_lr=" + detail::spec_number(m.min_lr) +
                  ", total_steps=" + std::to_string(setup.steps) +
                  ", warmup_steps=" + std::to_string(m.warmup);
  if (m.warmup > 0) s += ", warmup_start=" + detail::spec_number(m.start);  // not the default
  return s + ")";
}

/// The LR at every step 0..T-1 of the family member with parameter `p` (family_schedule's).
/// @throws lrs::invalid_argument if the setup is invalid or p is outside family_range.
[[nodiscard]] inline std::vector<double> family_lr(schedule_family f, const family_setup& setup,
                                                   double p) {
  (void)detail::family_member_of(f, setup, p, "family_lr");  // errors before the allocation
  std::vector<double> lr(static_cast<std::size_t>(setup.steps));
  detail::visit_family_member(f, setup, p, "family_lr", [&](const auto& s) {
    for (step_t t = 0; t < setup.steps; ++t) lr[static_cast<std::size_t>(t)] = s(t);
  });
  return lr;
}

/// Options of choose_schedule.
struct choose_options {
  area_options areas;  ///< lambda and warm-up convention used for the predictions
  int grid = 101;      ///< evenly spaced parameters scanned first. @pre >= 3
  /// Refine the best grid point by golden-section search on its two neighbouring intervals
  /// (continuous families only) until the bracket is below `tolerance`. @pre tolerance > 0
  double tolerance = 1e-6;
  /// Predicted final losses within `margin` of the best are not told apart: the scanned members
  /// within it are reported (schedule_choice::within_lo/within_hi) as the ones the law cannot
  /// tell from the winner. Take it from the uncertainty of the predictions (select_loss_law's
  /// interval, or the run-to-run noise of the final loss). @pre >= 0. Default 0.
  double margin = 0;

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = choose_options{}.with_areas(...)`); they do not validate, the function taking
  // the options does.
  /// Sets `areas` (see the field); returns *this for chaining.
  constexpr choose_options& with_areas(area_options v) noexcept {
    areas = v;
    return *this;
  }
  /// Sets `grid` (see the field); returns *this for chaining.
  constexpr choose_options& with_grid(int v) noexcept {
    grid = v;
    return *this;
  }
  /// Sets `tolerance` (see the field); returns *this for chaining.
  constexpr choose_options& with_tolerance(double v) noexcept {
    tolerance = v;
    return *this;
  }
  /// Sets `margin` (see the field); returns *this for chaining.
  constexpr choose_options& with_margin(double v) noexcept {
    margin = v;
    return *this;
  }
};

/// The winner of choose_schedule.
struct schedule_choice {
  double parameter = 0;    ///< the best parameter
  std::string spec;        ///< choose_schedule: the winner's spec string (family_spec); else empty
  double final_loss = 0;   ///< predicted loss at the last step, T - 1
  std::vector<double> lr;  ///< the winner's LR at every step
  std::vector<double> loss;             ///< the winner's predicted loss at every step
  std::vector<double> grid;             ///< the scanned parameters
  std::vector<double> grid_final_loss;  ///< predicted final loss at each of them
  /// The smallest and largest of the parameter and the scanned ones whose predicted final loss
  /// is within choose_options::margin of final_loss; both `parameter` when no other is.
  double within_lo = 0, within_hi = 0;
  /// @var schedule_choice::within_hi
  /// The largest of the parameter and the scanned ones whose predicted final loss is within
  /// choose_options::margin of final_loss (see within_lo).
  std::size_t within_count = 1;  ///< scanned members within the margin (the winner included)
};

namespace detail {

/// choose_parameter's search with the final loss of a member given by `member_final_areas(p)`
/// ({S1(T-1), S2(T-1)}) and the winner's LRs by `make_lr(p)`.
template <class FinalAreas, class MakeLr>
schedule_choice choose_by_final_areas(std::string_view who, const annealing_law& law,
                                      FinalAreas&& member_final_areas, MakeLr&& make_lr, double lo,
                                      double hi, const choose_options& opt, bool integer) {
  detail::require_finite(who, "lo", lo);
  detail::require_finite(who, "hi", hi);
  detail::require(lo <= hi, who, "hi", ">= lo (" + detail::format_value(lo) + ")", hi);
  detail::require(opt.grid >= 3, who, "grid", ">= 3", opt.grid);
  detail::require_positive(who, "tolerance", opt.tolerance);
  detail::require_non_negative(who, "margin", opt.margin);
  const auto final_loss = [&](double p) {
    const std::pair<double, double> a = member_final_areas(p);
    const double f = law(a.first, a.second);
    if (!std::isfinite(f))
      detail::require(false, who, "the predicted final loss",
                      "finite; at parameter " + detail::format_value(p) +
                          " the LRs give S1 = " + detail::format_value(a.first) +
                          " and S2 = " + detail::format_value(a.second) +
                          " (LRs too large or too small for the law)",
                      f);
    return f;
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
    // The whole steps between the neighbours of the best grid point: while there are more than
    // 2 * (grid - 1) of them, a grid scan of that bracket narrows it to the neighbours of its
    // best point (as the first scan did); then every one of them.
    double a = out.grid[best > 0 ? best - 1 : 0];
    double b = out.grid[std::min(best + 1, out.grid.size() - 1)];
    const double fine = 2.0 * static_cast<double>(opt.grid - 1);
    while (b - a > fine) {
      std::vector<double> ps{out.parameter};  // the best so far is in [a, b]: scan it too
      for (int i = 0; i < opt.grid; ++i)
        ps.push_back(
            std::round(a + (b - a) * static_cast<double>(i) / static_cast<double>(opt.grid - 1)));
      std::sort(ps.begin(), ps.end());
      ps.erase(std::unique(ps.begin(), ps.end()), ps.end());
      for (const double p : ps) {
        if (p == out.parameter) continue;
        const double f = final_loss(p);
        if (f < out.final_loss) {
          out.final_loss = f;
          out.parameter = p;
        }
      }
      const auto k =
          static_cast<std::size_t>(std::find(ps.begin(), ps.end(), out.parameter) - ps.begin());
      a = ps[k > 0 ? k - 1 : 0];
      b = ps[std::min(k + 1, ps.size() - 1)];
    }
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
  out.within_lo = out.within_hi = out.parameter;
  out.within_count = 1;
  for (std::size_t i = 0; i < out.grid.size(); ++i) {
    if (out.grid[i] == out.parameter || !(out.grid_final_loss[i] <= out.final_loss + opt.margin))
      continue;
    ++out.within_count;
    out.within_lo = std::min(out.within_lo, out.grid[i]);
    out.within_hi = std::max(out.within_hi, out.grid[i]);
  }
  std::vector<double> lr = make_lr(out.parameter);
  out.loss = law.predict(compute_areas(lr, opt.areas));
  out.lr = std::move(lr);
  return out;
}

}  // namespace detail

/// Minimises the predicted final loss law(S1(T-1), S2(T-1)) over p in [lo, hi] for any LR
/// family `make_lr(p) -> std::vector<double>`: a grid scan, then a search of the bracket around
/// the best grid point: golden-section when `integer` is false; when it is true, every whole p
/// in the bracket once it holds at most 2 * (grid - 1) of them, else a grid scan of the bracket
/// first, repeated (each scan shrinks it by (grid - 1) / 2), so that a family of T-step members
/// over [0, T - 1] costs O(grid * T * log T) rather than O(T^2). The law is a fit: the answer is
/// as good as the law's extrapolation (Tissue, Wang, Wang, arXiv:2408.11029, section 4 uses it
/// this way).
/// @pre lo <= hi, both finite; make_lr returns a valid, non-empty LR sequence for every p.
/// @throws lrs::invalid_argument for a bad range or options, as compute_areas, or if the law's
///         predicted final loss is not finite at a searched p (LRs so large or small that S1 or
///         S2 overflows): no winner is made up from such numbers.
template <class MakeLr>
[[nodiscard]] schedule_choice choose_parameter(const annealing_law& law, MakeLr&& make_lr,
                                               double lo, double hi, const choose_options& opt = {},
                                               bool integer = false) {
  return detail::choose_by_final_areas(
      "choose_parameter", law, [&](double p) { return compute_final_areas(make_lr(p), opt.areas); },
      make_lr, lo, hi, opt, integer);
}

/// The member of a named family with the lowest predicted final loss, and its curve.
///
///   p* = argmin_p  L0 + A * S1_p(T-1)^(-alpha) - C * S2_p(T-1)
///
/// over family_range(f). See schedule_family for the members; `spec` of the result is the
/// winner's spec string, which builds the schedule whose curve `lr` and `loss` are.
/// @throws lrs::invalid_argument for a bad setup, range or options.
[[nodiscard]] inline schedule_choice choose_schedule(const annealing_law& law, schedule_family f,
                                                     const family_setup& setup,
                                                     const choose_options& opt = {}) {
  constexpr std::string_view who = "choose_schedule";
  setup.validate(who);
  opt.areas.validate(who);
  const auto range = family_range(f, setup);
  // The members' LRs go to one buffer, through their concrete types: what choose_parameter with
  // family_lr computes, without an allocation and a type-erased call per member and step.
  std::vector<double> lr(static_cast<std::size_t>(setup.steps));
  const auto final_areas = [&](double p) {
    detail::visit_family_member(f, setup, p, who, [&](const auto& s) {
      for (step_t t = 0; t < setup.steps; ++t) lr[static_cast<std::size_t>(t)] = s(t);
    });
    return detail::final_areas_in_place(lr, opt.areas);
  };
  schedule_choice c = detail::choose_by_final_areas(
      who, law, final_areas, [&](double p) { return family_lr(f, setup, p); }, range.first,
      range.second, opt, f == schedule_family::warmup_steps);
  c.spec = family_spec(f, setup, c.parameter);
  return c;
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_CHOOSE_SCHEDULE_HPP
