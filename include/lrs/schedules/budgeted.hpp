// SPDX-License-Identifier: MIT
// lrs::budgeted: peak x profile over a budget of T steps, with floor, warmup, sampling,
// re-budgeting.
#ifndef LRS_SCHEDULES_BUDGETED_HPP
#define LRS_SCHEDULES_BUDGETED_HPP

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/state.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>
#include <lrs/core/vocabulary.hpp>
#include <lrs/schedules/profiles.hpp>
#include <lrs/schedules/warmup.hpp>

namespace lrs {
/// Options of a budgeted schedule; every field has a working default.
///
/// The warm-up fields are with_warmup's, with its defaults: a budgeted schedule with a warm-up of
/// W steps equals `with_warmup(<the same schedule over T - W steps>, W, o)` with
/// `o.warmup_shape` and `o.warmup_start` the same (prefix mode) at every step, bit for bit, for
/// past_end hold and floor (cycle repeats the warm-up too).
///
/// In portable C++17 set fields with the chainable setters:
/// `lrs::budget_options<>{}.with_warmup_steps(100).with_min_lr(1e-5)` (or `o.min_lr = 1e-5;`).
template <class T = double>
struct budget_options {
  /// Floor: lr = min_lr + (peak - min_lr) p(z). @pre 0 <= min_lr <= peak.
  T min_lr = T(0);
  /// Warmup length W in steps; the profile then runs over steps [W, T). @pre 0 <= W < T.
  step_t warmup_steps = 0;
  /// Warmup length as a fraction of T (W = round(fraction T)); use this or warmup_steps.
  double warmup_fraction = 0.0;
  /// Value at step 0 of the warm-up. When not given: with_warmup's default, e / (W + 1) where
  /// e = min_lr + (peak - min_lr) p(0) is the value the warm-up hands over to (peak for the
  /// built-in profiles), so the first update is not wasted. Give 0 for the warm-up from zero of
  /// optax / Hugging Face / timm (or min_lr to start at the floor).
  std::optional<T> warmup_start;
  /// Shape of the warm-up.
  lrs::warmup_shape warmup_shape = lrs::warmup_shape::linear;
  /// Sampling rate: re-read the profile every k steps (counted from the end of the warmup) and
  /// hold it in between. 1 = every step.
  step_t sample_every = 1;
  /// Sample once per epoch of this many steps (same as sample_every); 0 = not used.
  step_t steps_per_epoch = 0;
  /// What steps t >= T return: hold (the final value), floor (min_lr) or cycle.
  lrs::past_end past_end = lrs::past_end::hold;

  /// Sets `min_lr` (see the field); returns *this for chaining.
  constexpr budget_options& with_min_lr(T v) noexcept {
    min_lr = v;
    return *this;
  }
  /// Sets `warmup_steps` (see the field); returns *this for chaining.
  constexpr budget_options& with_warmup_steps(step_t v) noexcept {
    warmup_steps = v;
    return *this;
  }
  /// Sets `warmup_fraction` (see the field); returns *this for chaining.
  constexpr budget_options& with_warmup_fraction(double v) noexcept {
    warmup_fraction = v;
    return *this;
  }
  /// Sets `warmup_start` (see the field); returns *this for chaining.
  budget_options& with_warmup_start(std::optional<T> v) noexcept {
    warmup_start = v;
    return *this;
  }
  /// Sets `warmup_shape` (see the field); returns *this for chaining.
  constexpr budget_options& with_warmup_shape(lrs::warmup_shape v) noexcept {
    warmup_shape = v;
    return *this;
  }
  /// Sets `sample_every` (see the field); returns *this for chaining.
  constexpr budget_options& with_sample_every(step_t v) noexcept {
    sample_every = v;
    return *this;
  }
  /// Sets `steps_per_epoch` (see the field); returns *this for chaining.
  constexpr budget_options& with_steps_per_epoch(step_t v) noexcept {
    steps_per_epoch = v;
    return *this;
  }
  /// Sets `past_end` (see the field); returns *this for chaining.
  constexpr budget_options& with_past_end(lrs::past_end v) noexcept {
    past_end = v;
    return *this;
  }
};

/// A budget-native schedule: a profile p over a budget of T steps, scaled to [min_lr, peak].
///
///   warmup (t < W):  with_warmup's curve (linear / cosine / exponential) from warmup_start
///                    (default e / (W + 1)) to e = min_lr + (peak - min_lr) p(0)
///   profile:         lr(t) = min_lr + (peak - min_lr) p(z),  z = (w(t) - W) / (T - W)
///   past the end:    t >= T follows `past_end` (hold p(1) by default)
///
/// where w(t) = W + k floor((t - W) / k) is the start of t's sampling window (w(t) = t for k = 1).
/// The warmup reaches e at t = W, where the profile starts with p(0) (e = peak for the built-ins).
/// Chen, Wolfe & Kyrillidis, "REX: Revisiting Budgeted Training with an Improved Schedule",
/// arXiv:2107.04197 (profile x sampling rate).
///
/// Re-budgeting (`rebudget(s, new_T)`) returns a schedule equal to this one before s, continuous
/// at s and ending at new_T; see its documentation. A re-budgeted schedule is no longer a function
/// of its construction alone: save state() with the step and restore it with load_state() on the
/// schedule built as at the start.
///
/// @tparam Profile a copyable callable T(T z) on z in [0, 1]; see lrs::profiles.
/// @tparam T floating-point type of the learning rate.
template <class Profile, class T = double>
class budgeted {
  static_assert(std::is_floating_point_v<T>, "lrs::budgeted<Profile, T>: T must be floating-point");
  static_assert(std::is_copy_constructible_v<Profile>,
                "lrs::budgeted<Profile, T>: the profile must be copyable");
  static_assert(std::is_invocable_r_v<T, const Profile&, T>,
                "lrs::budgeted<Profile, T>: the profile must be callable as T(T z)");

 public:
  using value_type = T;          ///< the learning rate's floating-point type
  using profile_type = Profile;  ///< the profile p

  /// @param peak learning rate at the top of the profile (after the warmup).
  /// @param profile the shape p(z).
  /// @param total_steps the budget T.
  /// @param opts the floor, warm-up, sampling and past-the-end options.
  /// @throws lrs::invalid_argument if peak < 0, total_steps <= 0, min_lr not in [0, peak],
  /// warmup_steps < 0 or >= T, warmup_fraction not in [0, 1), both warmup_steps and
  /// warmup_fraction given, warmup_start < 0 (or <= 0 for an exponential warmup, which also needs
  /// e > 0), sample_every < 1, steps_per_epoch < 0, both sample_every and steps_per_epoch
  /// given, a value not finite, or p(0) or p(1) not finite.
  budgeted(T peak, Profile profile, step_t total_steps, const budget_options<T>& opts = {})
      : profile_(std::move(profile)), peak_(peak), min_(opts.min_lr), total_(total_steps) {
    constexpr std::string_view name = "budgeted";
    detail::require_non_negative(name, "peak", peak);
    detail::require_positive(name, "total_steps", total_steps);
    detail::require_non_negative(name, "min_lr", min_);
    detail::require(min_ <= peak_, name, "min_lr", "<= peak (" + detail::format_value(peak_) + ")",
                    min_);
    detail::require_non_negative(name, "warmup_steps", opts.warmup_steps);
    detail::require_in_range(name, "warmup_fraction", opts.warmup_fraction, 0.0, 1.0, false, true);
    if (opts.warmup_steps > 0 && opts.warmup_fraction > 0.0)
      detail::throw_invalid(name, "warmup_fraction", "0 when warmup_steps is given",
                            opts.warmup_fraction);
    warmup_ = opts.warmup_steps > 0 ? opts.warmup_steps
                                    : static_cast<step_t>(std::llround(
                                          opts.warmup_fraction * static_cast<double>(total_steps)));
    detail::require(warmup_ < total_, name, "warmup_steps",
                    "< total_steps (" + detail::format_value(total_) + ")", warmup_);
    shape_ = opts.warmup_shape;
    const T p0 = static_cast<T>(profile_(T(0)));
    detail::require_finite(name, "profile(0)", p0);
    // with_warmup's end value, s(0) of the profile part, and its default start e / (W + 1) (W + 1
    // in floating point, as with_warmup).
    end_ = min_ + (peak_ - min_) * p0;
    detail::require_finite(name, "min_lr + (peak - min_lr) profile(0)", end_);
    if (opts.warmup_start) detail::require_finite(name, "warmup_start", *opts.warmup_start);
    start_ = opts.warmup_start ? *opts.warmup_start : end_ / (static_cast<T>(warmup_) + T(1));
    if (shape_ == lrs::warmup_shape::exponential && warmup_ > 0) {
      detail::require_positive(name, "warmup_start", start_);
      detail::require_positive(name, "min_lr + (peak - min_lr) profile(0)", end_);
      log_ratio_ = detail::warmup_log_ratio(start_, end_);
    } else {
      detail::require_non_negative(name, "warmup_start", start_);
    }
    detail::require_positive(name, "sample_every", opts.sample_every);
    detail::require_non_negative(name, "steps_per_epoch", opts.steps_per_epoch);
    if (opts.steps_per_epoch > 0 && opts.sample_every != 1)
      detail::throw_invalid(name, "sample_every", "1 when steps_per_epoch is given",
                            opts.sample_every);
    every_ = opts.steps_per_epoch > 0 ? opts.steps_per_epoch : opts.sample_every;
    after_ = opts.past_end;
    const T p1 = static_cast<T>(profile_(T(1)));
    detail::require_finite(name, "profile(1)", p1);
    final_ = min_ + (peak_ - min_) * p1;
    detail::require_finite(name, "min_lr + (peak - min_lr) profile(1)", final_);
    total0_ = total_;
    reset_budget();
  }

  /// The learning rate of update `step`. @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::budgeted: step must be >= 0");
    if (step >= total_) {
      if (after_ == lrs::past_end::hold) return final_;
      if (after_ == lrs::past_end::floor) return min_;
      step %= total_;
    }
    return in_budget(step);
  }

  /// Re-budgeting: a schedule equal to this one on [0, s), continuous at s (same value), and
  /// ending at `new_total` (its value at new_total is the final value, min_lr + (peak - min_lr)
  /// p(1)).
  ///
  /// From s on, if the profile over the new budget already gives the same value at s (s within
  /// the warmup, or e.g. a WSD run still in its stable phase, or a constant profile), the rest
  /// runs exactly as if the budget had been new_total from the start (a WSD run then decays over
  /// the last `decay` fraction of new_total). Otherwise the part of the profile not yet used,
  /// z in [z(s), 1], is stretched (or squeezed) linearly over [s, new_total). Either way the
  /// sampling windows keep their grid and the past-the-end policy stays.
  /// @throws lrs::invalid_argument if s < 0, s >= total_steps(), new_total <= s or
  /// new_total <= warmup_steps(), or the policy is lrs::past_end::cycle.
  [[nodiscard]] budgeted rebudget(step_t s, step_t new_total) const {
    constexpr std::string_view name = "budgeted::rebudget";
    detail::require_non_negative(name, "s", s);
    detail::require(s < total_, name, "s", "< total_steps (" + detail::format_value(total_) + ")",
                    s);
    detail::require(new_total > s && new_total > warmup_, name, "new_total",
                    "> s and > warmup_steps", new_total);
    detail::require(after_ != lrs::past_end::cycle, name, "past_end", "hold or floor", "cycle");
    budgeted out = *this;
    out.total_ = new_total;
    out.history_.push_back({false, s, new_total});
    if (s <= warmup_ && !prior_) {
      out.slope_ = T(1) / static_cast<T>(new_total - warmup_);
      return out;
    }
    // Everything before s comes from this schedule, shared and immutable.
    out.prior_ = std::make_shared<const budgeted>(*this);
    out.seg_start_ = s;
    const T here = (*this)(s);
    // Try "as if the budget had always been new_total".
    out.anchor_ = warmup_;
    out.z0_ = T(0);
    out.slope_ = T(1) / static_cast<T>(new_total - warmup_);
    if (s >= warmup_ && out.in_budget(s) == here) return out;
    // Otherwise stretch what is left of the profile.
    const T zs = z_of(s);
    out.anchor_ = std::max(s, warmup_);
    out.z0_ = zs;
    out.slope_ = (T(1) - zs) / static_cast<T>(new_total - out.anchor_);
    return out;
  }

  /// "Decay from here over the next `steps` steps": a schedule equal to this one on [0, s),
  /// continuous at s, that runs the rest of the profile, z in [z(s), 1], over [s, s + steps) and
  /// ends there (new total_steps() = s + steps). Unlike rebudget() it never replays a plateau
  /// over the new budget: a WSD profile still in its stable phase starts its decay at s (z jumps
  /// to 1 - decay, where p is still 1), so the whole cool-down takes exactly `steps` steps.
  /// @throws lrs::invalid_argument if s < warmup_steps(), s >= total_steps(), steps <= 0,
  /// s + steps > 2^63 - 1, or the policy is lrs::past_end::cycle.
  [[nodiscard]] budgeted cooldown(step_t s, step_t steps) const {
    constexpr std::string_view name = "budgeted::cooldown";
    detail::require(s >= warmup_, name, "s",
                    ">= warmup_steps (" + detail::format_value(warmup_) + ")", s);
    detail::require(s < total_, name, "s", "< total_steps (" + detail::format_value(total_) + ")",
                    s);
    detail::require_positive(name, "steps", steps);
    detail::require(steps <= detail::step_max - s, name, "steps",
                    "<= " + std::to_string(detail::step_max - s) + " (s + steps <= 2^63 - 1)",
                    steps);
    detail::require(after_ != lrs::past_end::cycle, name, "past_end", "hold or floor", "cycle");
    budgeted out = *this;
    out.total_ = s + steps;
    out.history_.push_back({true, s, steps});
    out.prior_ = std::make_shared<const budgeted>(*this);
    out.seg_start_ = s;
    T zs = z_of(s);
    if constexpr (std::is_same_v<Profile, profiles::wsd>) {
      const T decay_start = T(1) - static_cast<T>(profile_.decay());
      if (zs < decay_start) zs = decay_start;
    }
    out.anchor_ = s;
    out.z0_ = zs;
    out.slope_ = (T(1) - zs) / static_cast<T>(steps);
    return out;
  }

  /// Σ lr(t) for t in [first, last), exact: closed forms for the linear and constant profiles and
  /// the warmup-free, past-the-end and linear-warmup parts, whole sampling windows at once, else
  /// one pass over the steps. Accumulates in long double.
  /// @throws lrs::invalid_argument if first < 0 or last < first.
  [[nodiscard]] T area(step_t first, step_t last) const {
    detail::require_non_negative("budgeted::area", "first", first);
    detail::require(last >= first, "budgeted::area", "last", ">= first", last);
    long double sum = 0;
    if (last > total_) {
      const step_t a = std::max(first, total_);
      const step_t n = last - a;
      if (after_ == lrs::past_end::hold) {
        sum += static_cast<long double>(final_) * n;
      } else if (after_ == lrs::past_end::floor) {
        sum += static_cast<long double>(min_) * n;
      } else {
        const step_t c0 = a / total_, c1 = last / total_;  // cycle indices
        if (c0 == c1) {
          sum += area_in(a % total_, last % total_);
        } else {
          sum += area_in(a % total_, total_);
          if (c1 - c0 > 1) sum += area_in(0, total_) * static_cast<long double>(c1 - c0 - 1);
          sum += area_in(0, last % total_);
        }
      }
      last = std::min(last, total_);
    }
    if (first < last) sum += area_in(first, last);
    return static_cast<T>(sum);
  }

  /// The re-budget history in the lrs state format (docs/state.md): kind "budgeted", the scalar
  /// type, the hyper-parameters of the construction (peak, min_lr, total_steps as constructed,
  /// warmup_steps, warmup_start, warmup_shape, sample_every, past_end, and `profile`, the sum of
  /// p(k / 16) for k = 0..16 as a fingerprint of the profile) and the payload: the number of
  /// rebudget() / cooldown() calls, then each as (u8 0 = rebudget / 1 = cooldown, i64 s, i64
  /// new_total or steps). A schedule never re-budgeted has an empty history: its state restores
  /// nothing, as its construction alone gives every value. The step is not part of the state.
  [[nodiscard]] std::vector<unsigned char> state() const {
    state_writer w(type_name, state_scalar_of<T>());
    visit_hyper(w);
    w.u64(history_.size());
    for (const budget_change& c : history_) w.u8(c.cooldown ? 1 : 0).i64(c.at).i64(c.steps);
    return w.finish();
  }

  /// Restores a state(): this schedule as constructed, then every rebudget() / cooldown() of the
  /// saved history replayed in order, so that every value equals the saved schedule's bit for
  /// bit. Call it on a schedule built with the same arguments as the one saved (its own history,
  /// if any, is replaced). All or nothing.
  /// @param bytes a state() of a budgeted schedule of the same scalar type.
  /// @throws lrs::state_error (an lrs::invalid_argument) if the bytes are truncated, corrupt,
  /// from another object or another construction (peak, min_lr, budget, warm-up, sampling,
  /// past_end or profile differ; the profile is compared to a relative 1e-12), or a step of the
  /// history is not valid for the schedule it applies to; the object is unchanged then.
  void load_state(const std::vector<unsigned char>& bytes) {
    state_reader r(bytes, type_name, state_scalar_of<T>());
    visit_hyper(r);
    const std::uint64_t n = r.u64("history length");
    // Each entry takes 17 bytes: refuse a count the bytes cannot hold before allocating.
    if (n > bytes.size() / 17)
      r.fail_field("history length", std::to_string(n), "<= " + std::to_string(bytes.size() / 17));
    std::vector<budget_change> h;
    h.reserve(static_cast<std::size_t>(n));
    for (std::uint64_t i = 0; i < n; ++i) {
      const bool cool = r.boolean("history kind");
      const step_t at = r.i64("history step");
      const step_t steps = r.i64("history budget");
      h.push_back({cool, at, steps});
    }
    r.finish();
    // Replayed on a copy (emplace, not assignment: a lambda profile is not assignable in C++17).
    std::optional<budgeted> out(std::in_place, *this);
    out->total_ = total0_;
    out->prior_.reset();
    out->history_.clear();
    out->reset_budget();
    for (std::size_t i = 0; i < h.size(); ++i) {
      try {
        if (h[i].cooldown)
          out.emplace(out->cooldown(h[i].at, h[i].steps));
        else
          out.emplace(out->rebudget(h[i].at, h[i].steps));
      } catch (const invalid_argument& e) {
        r.fail("step " + std::to_string(i + 1) +
               " of the re-budget history does not apply: " + e.what());
      }
    }
    take_budget(std::move(*out));
  }

  /// The peak learning rate (at the top of the profile, after the warm-up).
  [[nodiscard]] T peak() const noexcept { return peak_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  /// (For a profile with values in [0, 1], as every built-in one.)
  [[nodiscard]] T max_value() const noexcept { return std::max({peak_, start_, end_, final_}); }
  /// The floor min_lr.
  [[nodiscard]] T min_lr() const noexcept { return min_; }
  /// The value at the end of the budget, min_lr + (peak - min_lr) p(1).
  [[nodiscard]] T final_value() const noexcept { return final_; }
  /// The budget T (after any rebudget() or cooldown()).
  [[nodiscard]] step_t total_steps() const noexcept { return total_; }
  /// The warm-up length W.
  [[nodiscard]] step_t warmup_steps() const noexcept { return warmup_; }
  /// The value at step 0 of the warm-up.
  [[nodiscard]] T warmup_start() const noexcept { return start_; }
  /// The value the warm-up hands over to at step W, min_lr + (peak - min_lr) p(0).
  [[nodiscard]] T warmup_end() const noexcept { return end_; }
  /// The number of rebudget() and cooldown() calls this schedule results from (what state()
  /// saves).
  [[nodiscard]] std::size_t rebudget_count() const noexcept { return history_.size(); }
  /// The shape of the warm-up.
  [[nodiscard]] lrs::warmup_shape warmup_shape() const noexcept { return shape_; }
  /// The sampling period k (steps_per_epoch when that was given).
  [[nodiscard]] step_t sample_every() const noexcept { return every_; }
  /// What steps t >= total_steps() return.
  [[nodiscard]] lrs::past_end past_end() const noexcept { return after_; }
  /// The profile p.
  [[nodiscard]] const Profile& profile() const noexcept { return profile_; }

 private:
  static constexpr const char* type_name = "budgeted";
  // The hyper-parameters in one list: written by state() (Sink = state_writer) and checked
  // by load_state() (Sink = state_reader); the profile's fingerprint is compared to a relative
  // 1e-12 rather than bit for bit.
  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("peak", peak_)
        .hyper("min_lr", min_)
        .hyper("total_steps", total0_)
        .hyper("warmup_steps", warmup_)
        .hyper("warmup_start", start_)
        .hyper("warmup_shape", name_of(shape_))
        .hyper("sample_every", every_)
        .hyper("past_end", name_of(after_));
    const double here = profile_fingerprint();
    if constexpr (std::is_same_v<Sink, state_writer>) {
      s.hyper("profile", here);
    } else {
      const double fp = s.hyper_f64("profile");
      if (!(std::abs(fp - here) <= 1e-12 * std::max(std::abs(fp), std::abs(here))))
        s.fail("hyper-parameter 'profile' (a fingerprint of the profile) is " +
               detail::format_value(fp) + " in the checkpoint, " + detail::format_value(here) +
               " here: another profile");
    }
  }
  // One rebudget() (cooldown = false, steps = new_total) or cooldown() (steps = its length).
  struct budget_change {
    bool cooldown;
    step_t at;
    step_t steps;
  };

  // The budget of o (same construction): everything rebudget() / cooldown() change.
  void take_budget(budgeted&& o) noexcept {
    total_ = o.total_;
    anchor_ = o.anchor_;
    seg_start_ = o.seg_start_;
    z0_ = o.z0_;
    slope_ = o.slope_;
    prior_ = std::move(o.prior_);
    history_ = std::move(o.history_);
  }
  // The profile part as constructed over total_ (no earlier budget).
  void reset_budget() noexcept {
    anchor_ = warmup_;
    seg_start_ = warmup_;
    z0_ = T(0);
    slope_ = T(1) / static_cast<T>(total_ - warmup_);
  }
  // Σ p(k / 16), k = 0..16, in double: tells profiles apart in a state.
  [[nodiscard]] double profile_fingerprint() const {
    double sum = 0;
    for (int k = 0; k <= 16; ++k) sum += static_cast<double>(profile_(static_cast<T>(k) / T(16)));
    return sum;
  }

  // Start of t's sampling window (t >= W).
  [[nodiscard]] step_t window(step_t t) const noexcept {
    return every_ == 1 ? t : warmup_ + (t - warmup_) / every_ * every_;
  }
  // Profile argument at step t (W <= t < T, t >= seg_start_).
  [[nodiscard]] T z_at(step_t t) const noexcept {
    const step_t w = std::max(window(t), anchor_);
    const T z = z0_ + slope_ * static_cast<T>(w - anchor_);
    return z < T(1) ? z : T(1);
  }
  // Profile argument at any 0 <= t < T (0 during the warmup), following earlier budgets.
  [[nodiscard]] T z_of(step_t t) const noexcept {
    if (t < seg_start_ && prior_) return prior_->z_of(t);
    return t < warmup_ ? T(0) : z_at(t);
  }
  // The warm-up is with_warmup's curve (budget_options' warm-up fields are sugar over it).
  [[nodiscard]] T warm(step_t t) const noexcept {
    return detail::warmup_curve(shape_, start_, end_, log_ratio_, t, warmup_);
  }
  // 0 <= t < T.
  [[nodiscard]] T in_budget(step_t t) const noexcept {
    if (t < seg_start_ && prior_) return prior_->in_budget(t);
    if (t < warmup_) return warm(t);
    return min_ + (peak_ - min_) * static_cast<T>(profile_(z_at(t)));
  }
  // Σ lr over [a, b), 0 <= a <= b <= T.
  [[nodiscard]] long double area_in(step_t a, step_t b) const noexcept {
    long double sum = 0;
    if (a >= b) return sum;
    if (prior_ && a < seg_start_) {
      const step_t m = std::min(b, seg_start_);
      sum += prior_->area_in(a, m);
      a = m;
    }
    if (a < warmup_ && a < b) {
      const step_t m = std::min(b, warmup_);
      if (shape_ == lrs::warmup_shape::linear) {
        // start + (peak - start) t / W summed: n start + (peak - start) / W * Σ t.
        const long double n = static_cast<long double>(m - a);
        const long double st =
            (static_cast<long double>(a) + static_cast<long double>(m) - 1) * n / 2;
        sum += n * start_ + static_cast<long double>(end_ - start_) * st / warmup_;
      } else {
        for (step_t t = a; t < m; ++t) sum += warm(t);
      }
      a = m;
    }
    if (a >= b) return sum;
    if constexpr (std::is_same_v<Profile, profiles::constant>) {
      sum += static_cast<long double>(peak_) * (b - a);
    } else if constexpr (std::is_same_v<Profile, profiles::linear>) {
      if (every_ == 1) {
        // lr(t) = min + (peak - min) (1 - z0 - slope (t - anchor)) is affine in t; the clamp at
        // z = 1 is never reached before T.
        const long double n = static_cast<long double>(b - a);
        const long double st =
            (static_cast<long double>(a) + static_cast<long double>(b) - 1) * n / 2;
        const long double c = 1.0L - z0_ + static_cast<long double>(slope_) * anchor_;
        sum += n * min_ + static_cast<long double>(peak_ - min_) * (c * n - slope_ * st);
        return sum;
      }
      sum += windows(a, b);
    } else {
      sum += windows(a, b);
    }
    return sum;
  }
  // Σ over [a, b) in the profile part, one value per sampling window.
  [[nodiscard]] long double windows(step_t a, step_t b) const noexcept {
    long double sum = 0;
    for (step_t t = a; t < b;) {
      // The window's end, window(t) + every_, may lie past the largest step.
      const step_t w = every_ == 1 ? t : window(t);
      const step_t next = every_ > b - w ? b : std::min(b, w + every_);
      sum += static_cast<long double>(in_budget(t)) * (next - t);
      t = next;
    }
    return sum;
  }

  Profile profile_;
  T peak_, min_;
  step_t total_;
  step_t warmup_ = 0;
  T start_ = T(0), end_ = T(0);
  lrs::warmup_shape shape_ = lrs::warmup_shape::linear;
  T log_ratio_ = T(0);
  step_t every_ = 1;
  lrs::past_end after_ = lrs::past_end::hold;
  T final_ = T(0);
  // z(t) = z0_ + slope_ (max(w(t), anchor_) - anchor_) for t >= seg_start_; before that, prior_.
  step_t anchor_ = 0, seg_start_ = 0;
  T z0_ = T(0), slope_ = T(1);
  std::shared_ptr<const budgeted> prior_;
  step_t total0_ = 0;                   // the budget as constructed
  std::vector<budget_change> history_;  // what state() saves
};

template <class T, class Profile>
budgeted(T, Profile, step_t) -> budgeted<Profile, T>;
template <class T, class Profile>
budgeted(T, Profile, step_t, const budget_options<T>&) -> budgeted<Profile, T>;

/// Σ s(t) for t in [first, last) for any schedule: the schedule's own area() when it has one
/// (closed forms, combinators over such schedules), else one pass, accumulated in long double.
/// @throws lrs::invalid_argument if first < 0 or last < first.
template <class S>
[[nodiscard]] schedule_value_t<S> area(const S& s, step_t first, step_t last) {
  LRS_REQUIRE_SCHEDULE_IN("lrs::area", "sum ctrl.lr(t) over the steps in your loop", S);
  if constexpr (detail::has_area_v<S>) {
    return static_cast<schedule_value_t<S>>(s.area(first, last));
  }
  detail::require_non_negative("area", "first", first);
  detail::require(last >= first, "area", "last", ">= first", last);
  long double sum = 0;
  for (step_t t = first; t < last; ++t) sum += static_cast<long double>(s(t));
  return static_cast<schedule_value_t<S>>(sum);
}

/// Σ lr(t) over [first, last) of a budgeted schedule (closed form where one exists).
template <class Profile, class T>
[[nodiscard]] T area(const budgeted<Profile, T>& s, step_t first, step_t last) {
  return s.area(first, last);
}

/// REX (d = 0.5 by default; 0.9 is the co-author's variant): peak (1 - z) / (1 - d z).
/// Numbers first, then the options: `rex(peak, total_steps, d, opts)`.
/// Chen, Wolfe & Kyrillidis, arXiv:2107.04197. @throws as budgeted and profiles::rex.
template <class T>
[[nodiscard]] budgeted<profiles::rex, T> rex(T peak, step_t total_steps, double d = 0.5,
                                             const budget_options<T>& opts = {}) {
  return {peak, profiles::rex(d), total_steps, opts};
}

/// REX with the default d = 0.5 and options: `rex(peak, total_steps, 0.5, opts)`.
template <class T>
[[nodiscard]] budgeted<profiles::rex, T> rex(T peak, step_t total_steps,
                                             const budget_options<T>& opts) {
  return {peak, profiles::rex(0.5), total_steps, opts};
}

/// Linear decay from peak to min_lr over the budget.
template <class T>
[[nodiscard]] budgeted<profiles::linear, T> linear_decay(T peak, step_t total_steps,
                                                         const budget_options<T>& opts = {}) {
  return {peak, profiles::linear{}, total_steps, opts};
}

/// Cosine decay from peak to min_lr over the budget.
template <class T>
[[nodiscard]] budgeted<profiles::cosine, T> cosine_decay(T peak, step_t total_steps,
                                                         const budget_options<T>& opts = {}) {
  return {peak, profiles::cosine{}, total_steps, opts};
}

/// Linear decay from peak to min_lr over the budget, no other option: the same schedule as
/// `linear_decay(peak, total_steps, opts)` with `opts.min_lr = min_lr`.
template <class T>
[[nodiscard]] budgeted<profiles::linear, T> linear_decay(T peak, step_t total_steps, T min_lr) {
  budget_options<T> o;
  o.min_lr = min_lr;
  return {peak, profiles::linear{}, total_steps, o};
}

/// Cosine decay from peak to min_lr over the budget, no other option: the same schedule as
/// `cosine_decay(peak, total_steps, opts)` with `opts.min_lr = min_lr`. It stays at min_lr
/// past the end (unlike cosine_annealing_lr, which rises again after T_max).
template <class T>
[[nodiscard]] budgeted<profiles::cosine, T> cosine_decay(T peak, step_t total_steps, T min_lr) {
  budget_options<T> o;
  o.min_lr = min_lr;
  return {peak, profiles::cosine{}, total_steps, o};
}

/// Warmup-stable-decay: peak until the last `decay` fraction of the budget, then `shape` down to
/// min_lr (the warmup, if any, from opts). Hu et al., arXiv:2404.06395.
/// @param peak the learning rate of the stable phase.
/// @param total_steps the budget T.
/// @param decay the fraction of T spent decaying, in (0, 1].
/// @param shape the decay's shape.
/// @param opts floor, warm-up, sampling and past-the-end options.
/// @throws lrs::invalid_argument as budgeted and profiles::wsd.
template <class T>
[[nodiscard]] budgeted<profiles::wsd, T> wsd(
    T peak, step_t total_steps, double decay = 0.2,
    profiles::decay_shape shape = profiles::decay_shape::linear,
    const budget_options<T>& opts = {}) {
  return {peak, profiles::wsd(decay, shape), total_steps, opts};
}

/// Warmup-stable-decay with a linear decay and options: `wsd(peak, total_steps, decay, opts)`,
/// the same schedule as `wsd(peak, total_steps, decay, profiles::decay_shape::linear, opts)`.
/// @throws lrs::invalid_argument as budgeted and profiles::wsd.
template <class T>
[[nodiscard]] budgeted<profiles::wsd, T> wsd(T peak, step_t total_steps, double decay,
                                             const budget_options<T>& opts) {
  return {peak, profiles::wsd(decay, profiles::decay_shape::linear), total_steps, opts};
}

}  // namespace lrs

#endif  // LRS_SCHEDULES_BUDGETED_HPP
