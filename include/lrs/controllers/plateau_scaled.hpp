// SPDX-License-Identifier: MIT
// lrs::plateau_scaled: any schedule times a factor that ReduceLROnPlateau's rule lowers as
// metrics arrive (warm-up, then cosine, then "cut on plateau" as one object).
#ifndef LRS_CONTROLLERS_PLATEAU_SCALED_HPP
#define LRS_CONTROLLERS_PLATEAU_SCALED_HPP

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/controllers/reduce_lr_on_plateau.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/format.hpp>
#include <lrs/core/state.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// A schedule under ReduceLROnPlateau: the LR of update t is
///
///   lr(t) = f * s(t)
///
/// where the factor f starts at 1 and is lowered by ReduceLROnPlateau's rule (PyTorch's, see
/// reduce_lr_on_plateau) each time observe(metric) reports a plateau: f <- max(f factor,
/// min_factor) after more than `patience` bad epochs in a row, then `cooldown` epochs off.
/// So `plateau_scaled(with_warmup(cosine_decay(peak, T), W), opts)` is warm-up, then cosine,
/// with cuts on plateau, as one object with one state().
///
/// A controller, not a schedule: f changes with observe(), so lr(t) is a const read of the
/// current f (it is not a pure function of t). The schedule s itself is part of the object's
/// construction, not of its state: resume by building the same s and loading state().
/// @tparam S the schedule scaled.
template <class S>
class plateau_scaled {
  static_assert(is_schedule_v<S>, "lrs::plateau_scaled: the child must be a schedule");

 public:
  using value_type = schedule_value_t<S>;
  using options_type = plateau_options<value_type>;

  /// @throws lrs::invalid_argument if a hyper-parameter is out of range (as
  /// reduce_lr_on_plateau), min_factor is not in [0, 1], or min_lr is not 0 (the floor here
  /// applies to the factor: min_factor; a floor on the LR is clamped(s, lo)).
  explicit plateau_scaled(S s, const options_type& opts = {})
      : s_(std::move(s)), opts_(opts), rule_(make_rule(opts)) {}

  /// The learning rate of update `step`: factor() * s(step). @pre step >= 0.
  [[nodiscard]] value_type operator()(step_t step) const {
    return rule_.lr() * static_cast<value_type>(s_(step));
  }
  /// The same as operator().
  [[nodiscard]] value_type lr(step_t step) const { return (*this)(step); }

  /// The child's momentum (not scaled).
  template <bool B = has_momentum_v<S>, std::enable_if_t<B, int> = 0>
  [[nodiscard]] value_type momentum(step_t step) const {
    return static_cast<value_type>(s_.momentum(step));
  }

  /// Records the metric of one evaluation (an epoch, or every k updates) and returns the
  /// factor from now on. A NaN metric is never an improvement.
  /// @throws lrs::invalid_argument if 2^63 - 1 metrics were already observed; nothing changes.
  value_type observe(value_type metric) { return rule_.observe(metric); }

  /// The current factor f in [min_factor, 1].
  [[nodiscard]] value_type factor() const noexcept { return rule_.lr(); }
  [[nodiscard]] bool in_cooldown() const noexcept { return rule_.in_cooldown(); }
  [[nodiscard]] const S& schedule() const noexcept { return s_; }
  [[nodiscard]] const options_type& options() const noexcept { return opts_; }

  /// The state in the lrs state format (docs/state.md): kind "plateau_scaled", the scalar type,
  /// the hyper-parameters (mode, threshold_mode, factor, patience, threshold, cooldown, eps,
  /// min_factor) and the payload (the current factor f, best, num_bad_epochs,
  /// cooldown_counter, the number of metrics observed).
  [[nodiscard]] std::vector<unsigned char> state() const {
    state_writer w(kind, state_scalar_of<value_type>());
    write_hyper(w);
    const auto& st = rule_.state_values();
    w.real(st.lrs[0]).real(st.best);
    w.i64(st.num_bad_epochs).i64(st.cooldown_counter).i64(st.last_epoch);
    return w.finish();
  }

  /// Restores a state() of a plateau_scaled of the same scalar type and hyper-parameters. All
  /// or nothing.
  /// @throws lrs::state_error (an lrs::invalid_argument) if the bytes are truncated, corrupt,
  /// from another object or other hyper-parameters, or a field is out of range (f not in
  /// [min_factor, 1], best NaN, num_bad_epochs not in [0, patience], cooldown_counter not in
  /// [0, cooldown], a negative count); the object is unchanged then.
  void load_state(const std::vector<unsigned char>& bytes) {
    state_reader r(bytes, kind, state_scalar_of<value_type>());
    r.hyper("mode", name_of(opts_.mode));
    r.hyper("threshold_mode", name_of(opts_.threshold_mode));
    r.hyper("factor", opts_.factor);
    r.hyper("patience", opts_.patience);
    r.hyper("threshold", opts_.threshold);
    r.hyper("cooldown", opts_.cooldown);
    r.hyper("eps", opts_.eps);
    r.hyper("min_factor", opts_.min_factor);
    typename reduce_lr_on_plateau<value_type>::state_type st;
    st.lrs = {r.real<value_type>("factor")};
    st.best = r.real<value_type>("best");
    st.num_bad_epochs = r.i64("num_bad_epochs");
    st.cooldown_counter = r.i64("cooldown_counter");
    st.last_epoch = r.i64("last_epoch");
    r.finish();
    const value_type f = st.lrs[0];
    if (!(f >= opts_.min_factor && f <= value_type(1)))
      r.fail_field("factor", detail::format_value(f),
                   "in [min_factor, 1] = [" + detail::format_value(opts_.min_factor) + ", 1]");
    auto range = [&](const char* field, step_t v, step_t hi) {
      if (v < 0 || v > hi)
        r.fail_field(field, std::to_string(v), "in [0, " + std::to_string(hi) + "]");
    };
    if (std::isnan(st.best)) r.fail_field("best", "nan", "a number");
    range("num_bad_epochs", st.num_bad_epochs, opts_.patience);
    range("cooldown_counter", st.cooldown_counter, opts_.cooldown);
    range("last_epoch", st.last_epoch, std::numeric_limits<step_t>::max() - 1);
    rule_.load_state(st);  // every rule it checks was checked above
  }

 private:
  static constexpr const char* kind = "plateau_scaled";

  static reduce_lr_on_plateau<value_type> make_rule(const options_type& o) {
    detail::require(o.min_lr == value_type(0), kind, "min_lr",
                    "0 (the floor of plateau_scaled is min_factor, on the factor)", o.min_lr);
    detail::require_in_range(kind, "min_factor", o.min_factor, value_type(0), value_type(1));
    return reduce_lr_on_plateau<value_type>(
        std::vector<value_type>{value_type(1)}, o.mode, o.factor, o.patience, o.threshold,
        o.threshold_mode, o.cooldown, std::vector<value_type>{o.min_factor}, o.eps);
  }

  void write_hyper(state_writer& w) const {
    w.hyper("mode", name_of(opts_.mode))
        .hyper("threshold_mode", name_of(opts_.threshold_mode))
        .hyper("factor", opts_.factor)
        .hyper("patience", opts_.patience)
        .hyper("threshold", opts_.threshold)
        .hyper("cooldown", opts_.cooldown)
        .hyper("eps", opts_.eps)
        .hyper("min_factor", opts_.min_factor);
  }

  S s_;
  options_type opts_;
  reduce_lr_on_plateau<value_type> rule_;
};

template <class S>
plateau_scaled(S) -> plateau_scaled<S>;
template <class S, class T>
plateau_scaled(S, const plateau_options<T>&) -> plateau_scaled<S>;

}  // namespace lrs

#endif  // LRS_CONTROLLERS_PLATEAU_SCALED_HPP
