// SPDX-License-Identifier: MIT
// The annealing areas of an LR sequence: S1 (forward) and S2 (annealing), with the warm-up
// convention.
#ifndef LRS_ANALYSIS_SCALING_LAW_AREAS_HPP
#define LRS_ANALYSIS_SCALING_LAW_AREAS_HPP

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/config.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// How warm-up steps enter S1 and S2.
enum class warmup_convention {
  at_peak,     ///< the authors' rule: every warm-up step counts at the LR the warm-up ends on
  as_recorded  ///< use the LR sequence exactly as given
};

/// The names of the warm-up conventions: "at_peak", "as_recorded".
template <>
struct enum_names<warmup_convention> {
  /// The table read by name_of and parse_enum.
  static constexpr enum_name<warmup_convention> table[] = {
      {warmup_convention::at_peak, "at_peak"}, {warmup_convention::as_recorded, "as_recorded"}};
};

/// Options of the annealing areas.
struct area_options {
  /// Decay factor of the annealing momentum; 0.999 in the authors' script. @pre 0 <= lambda <= 1.
  double lambda = 0.999;
  /// Warm-up rule; see warmup_convention.
  warmup_convention warmup = warmup_convention::at_peak;
  /// Last warm-up step W under `at_peak`: steps 0..W-1 count at the LR of step W (the authors'
  /// "lr as max_lr in warm-up stages", their section 3.4, with W given); steps from W on are
  /// taken as recorded. 0 means no warm-up (the sequence as recorded).
  /// -1 (default) detects it: W is the end of the leading rise, the first step whose LR is not
  /// below the next one's (the first local peak). A sequence whose LR does not rise from step 0
  /// to step 1 (it starts flat or falling, at its first peak) has no warm-up. A later rise
  /// (re-warm-up, step-up, a new cycle, continued pre-training) is never a warm-up: it is taken
  /// as recorded and makes the annealing momentum negative. A staircase warm-up (LR held for
  /// several steps at each level) ends the leading rise at its first level: give its W here.
  /// @pre warmup_steps >= -1, and < the LR sequence's length when given.
  step_t warmup_steps = -1;

  /// @throws lrs::invalid_argument naming `who` if lambda is outside [0, 1] or warmup_steps < -1.
  void validate(std::string_view who) const {
    detail::require_in_range(who, "lambda", lambda, 0.0, 1.0);
    detail::require(warmup_steps >= -1, who, "warmup_steps", ">= -1 (-1: detect)", warmup_steps);
  }

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = area_options{}.with_lambda(...)`); they do not validate, the function taking
  // the options does.
  /// Sets `lambda` (see the field); returns *this for chaining.
  constexpr area_options& with_lambda(double v) noexcept {
    lambda = v;
    return *this;
  }
  /// Sets `warmup` (see the field); returns *this for chaining.
  constexpr area_options& with_warmup(warmup_convention v) noexcept {
    warmup = v;
    return *this;
  }
  /// Sets `warmup_steps` (see the field); returns *this for chaining.
  constexpr area_options& with_warmup_steps(step_t v) noexcept {
    warmup_steps = v;
    return *this;
  }
};

/// The forward and annealing areas of an LR sequence at every step.
///
///   S1(s) = sum_{i=0..s} eta_i
///   m_0 = 0,  m_i = lambda * m_{i-1} + (eta_{i-1} - eta_i)
///   S2(s) = sum_{i=0..s} m_i
///
/// where eta is the LR sequence after the warm-up convention. Tissue, Wang, Wang, "Scaling Law
/// with Learning Rate Annealing", arXiv:2408.11029 (definitions as in the authors' script).
struct annealing_areas {
  std::vector<double> lr;  ///< the LR sequence used (after the warm-up convention)
  std::vector<double> s1;  ///< forward area S1(s), s = 0..T-1
  std::vector<double> s2;  ///< annealing area S2(s), s = 0..T-1
  /// The number of steps T (the length of lr, s1 and s2).
  [[nodiscard]] std::size_t size() const noexcept { return lr.size(); }
};

namespace detail {

inline void require_lr_sequence(std::string_view who, const std::vector<double>& lr) {
  require(!lr.empty(), who, "lr", "a non-empty sequence", std::string("an empty one"));
  for (std::size_t i = 0; i < lr.size(); ++i) {
    if (!(std::isfinite(lr[i]) && lr[i] >= 0.0)) {
      const std::string name = "lr[" + std::to_string(i) + "]";
      require(false, who, name, "finite and >= 0", lr[i]);
    }
  }
}

/// The warm-up detected in `lr` (area_options::warmup_steps = -1): the end W of the leading rise,
/// the first step whose LR is not below the next step's. 0 (no warm-up) when the sequence does
/// not rise at its start.
[[nodiscard]] inline std::size_t detect_warmup_end(const std::vector<double>& lr) noexcept {
  std::size_t w = 0;
  while (w + 1 < lr.size() && lr[w + 1] > lr[w]) ++w;
  return w;
}

/// The last warm-up step W of `lr` under `opt` (0: none).
/// @throws lrs::invalid_argument naming `who` if an explicit warmup_steps is >= lr.size().
[[nodiscard]] inline std::size_t warmup_end(std::string_view who, const std::vector<double>& lr,
                                            const area_options& opt) {
  if (opt.warmup != warmup_convention::at_peak || lr.empty()) return 0;
  if (opt.warmup_steps < 0) return detect_warmup_end(lr);
  require(opt.warmup_steps < static_cast<step_t>(lr.size()), who, "warmup_steps",
          "< the LR sequence's length (" + std::to_string(lr.size()) + ")", opt.warmup_steps);
  return static_cast<std::size_t>(opt.warmup_steps);
}

/// Applies the warm-up convention in place: steps 0..W-1 take the LR of step W.
inline void apply_warmup(std::string_view who, std::vector<double>& lr, const area_options& opt) {
  const std::size_t w = warmup_end(who, lr, opt);
  for (std::size_t i = 0; i < w; ++i) lr[i] = lr[w];
}

}  // namespace detail

namespace detail {

/// S1 and S2 at the last step of `lr`, {S1(T-1), S2(T-1)}, in one pass without storing the
/// curves: compute_final_areas without its copy and checks (`lr` is valid: finite, >= 0, and is
/// changed in place by the warm-up convention). The schedule search calls it hundreds of times
/// with one buffer.
inline std::pair<double, double> final_areas_in_place(std::vector<double>& lr,
                                                      const area_options& opt) {
  apply_warmup("compute_final_areas", lr, opt);
  double s1 = 0.0, s2 = 0.0, m = 0.0, prev = lr[0];
  for (const double eta : lr) {
    m = opt.lambda * m + (prev - eta);
    prev = eta;
    s1 += eta;
    s2 += m;
  }
  return {s1, s2};
}

}  // namespace detail

/// S1 and S2 of an LR sequence (eta_0..eta_{T-1}), in O(T): the warm-up convention (see
/// area_options::warmup_steps), then one pass that accumulates both areas.
/// @pre lr non-empty, every value finite and >= 0; warmup_steps < lr.size() when given.
/// @throws lrs::invalid_argument naming the bad entry (`lr[i]`) or option.
[[nodiscard]] inline annealing_areas compute_areas(std::vector<double> lr,
                                                   const area_options& opt = {}) {
  constexpr std::string_view who = "compute_areas";
  opt.validate(who);
  detail::require_lr_sequence(who, lr);
  detail::apply_warmup(who, lr, opt);
  annealing_areas out;
  const std::size_t n = lr.size();
  out.s1.resize(n);
  out.s2.resize(n);
  const double lambda = opt.lambda;
  double s1 = 0.0, s2 = 0.0, m = 0.0, prev = lr[0];
  for (std::size_t i = 0; i < n; ++i) {
    const double eta = lr[i];
    m = lambda * m + (prev - eta);  // m_0 = 0 since prev = eta_0 at i = 0
    prev = eta;
    s1 += eta;
    s2 += m;
    out.s1[i] = s1;
    out.s2[i] = s2;
  }
  out.lr = std::move(lr);
  return out;
}

/// S1 and S2 at the last step only, {S1(T-1), S2(T-1)}, without storing the curves.
/// @throws as compute_areas.
[[nodiscard]] inline std::pair<double, double> compute_final_areas(std::vector<double> lr,
                                                                   const area_options& opt = {}) {
  constexpr std::string_view who = "compute_final_areas";
  opt.validate(who);
  detail::require_lr_sequence(who, lr);
  return detail::final_areas_in_place(lr, opt);
}

/// S1 and S2 of the first `steps` LRs of a schedule.
/// @pre steps > 0. @throws lrs::invalid_argument as compute_areas, or if steps <= 0.
template <class Schedule>
[[nodiscard]] annealing_areas compute_areas(const Schedule& schedule, step_t steps,
                                            const area_options& opt = {}) {
  LRS_REQUIRE_SCHEDULE_IN("lrs::compute_areas",
                          "analyse the schedule s inside plateau_scaled(s, opts)", Schedule);
  detail::require_positive("compute_areas", "steps", steps);
  std::vector<double> lr(static_cast<std::size_t>(steps));
  for (step_t t = 0; t < steps; ++t)
    lr[static_cast<std::size_t>(t)] = static_cast<double>(schedule(t));
  return compute_areas(std::move(lr), opt);
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_SCALING_LAW_AREAS_HPP
