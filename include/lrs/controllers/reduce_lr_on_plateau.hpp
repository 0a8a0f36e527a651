// SPDX-License-Identifier: MIT
// lrs::reduce_lr_on_plateau: PyTorch's ReduceLROnPlateau as a controller fed with a metric.
#ifndef LRS_CONTROLLERS_REDUCE_LR_ON_PLATEAU_HPP
#define LRS_CONTROLLERS_REDUCE_LR_ON_PLATEAU_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/state.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// Whether a smaller or a larger metric is an improvement.
enum class plateau_mode { min, max };
/// Whether `threshold` is relative to the best metric or an absolute margin.
enum class threshold_mode { rel, abs };

/// PyTorch's names of the modes: "min", "max".
template <>
struct enum_names<plateau_mode> {
  /// Each mode with its name.
  static constexpr enum_name<plateau_mode> table[] = {{plateau_mode::min, "min"},
                                                      {plateau_mode::max, "max"}};
};
/// PyTorch's names of the threshold modes: "rel", "abs".
template <>
struct enum_names<threshold_mode> {
  /// Each threshold mode with its name.
  static constexpr enum_name<threshold_mode> table[] = {{threshold_mode::rel, "rel"},
                                                        {threshold_mode::abs, "abs"}};
};

/// The hyper-parameters of ReduceLROnPlateau's rule by name, PyTorch's defaults: for
/// reduce_lr_on_plateau (instead of nine positional arguments) and plateau_scaled.
template <class T = double>
struct plateau_options {
  plateau_mode mode = plateau_mode::min;  ///< whether a smaller (min) or larger metric is better
  T factor = T(0.1);                      ///< multiplier at each cut, in [0, 1)
  step_t patience = 10;                   ///< bad epochs tolerated before a cut
  T threshold = T(1e-4);                  ///< what counts as an improvement
  /// rel: an improvement beats best by the fraction `threshold`; abs: by `threshold` itself.
  lrs::threshold_mode threshold_mode = lrs::threshold_mode::rel;
  step_t cooldown = 0;  ///< epochs after a cut during which bad epochs are not counted
  T min_lr = T(0);      ///< reduce_lr_on_plateau: the LR's floor
  T min_factor = T(0);  ///< plateau_scaled: the factor's floor (its min_lr must stay 0)
  T eps = T(1e-8);      ///< a cut smaller than eps is skipped

  /// Sets `mode` (see the field); returns *this for chaining.
  constexpr plateau_options& with_mode(plateau_mode v) noexcept {
    mode = v;
    return *this;
  }
  /// Sets `factor` (see the field); returns *this for chaining.
  constexpr plateau_options& with_factor(T v) noexcept {
    factor = v;
    return *this;
  }
  /// Sets `patience` (see the field); returns *this for chaining.
  constexpr plateau_options& with_patience(step_t v) noexcept {
    patience = v;
    return *this;
  }
  /// Sets `threshold` (see the field); returns *this for chaining.
  constexpr plateau_options& with_threshold(T v) noexcept {
    threshold = v;
    return *this;
  }
  /// Sets `threshold_mode` (see the field); returns *this for chaining.
  constexpr plateau_options& with_threshold_mode(lrs::threshold_mode v) noexcept {
    threshold_mode = v;
    return *this;
  }
  /// Sets `cooldown` (see the field); returns *this for chaining.
  constexpr plateau_options& with_cooldown(step_t v) noexcept {
    cooldown = v;
    return *this;
  }
  /// Sets `min_lr` (see the field); returns *this for chaining.
  constexpr plateau_options& with_min_lr(T v) noexcept {
    min_lr = v;
    return *this;
  }
  /// Sets `min_factor` (see the field); returns *this for chaining.
  constexpr plateau_options& with_min_factor(T v) noexcept {
    min_factor = v;
    return *this;
  }
  /// Sets `eps` (see the field); returns *this for chaining.
  constexpr plateau_options& with_eps(T v) noexcept {
    eps = v;
    return *this;
  }
};

/// PyTorch's `torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode='min', factor=0.1,
/// patience=10, threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)`.
///
/// A controller, not a schedule: it keeps state and is fed one metric per epoch with observe().
/// A metric is an improvement when (mode min) `m < best * (1 - threshold)` (rel) or
/// `m < best - threshold` (abs), and symmetrically for max. After each observe(), when the number
/// of bad epochs in a row exceeds `patience` (the first reduction comes on the (patience+1)-th bad
/// epoch), every group's LR becomes `max(lr * factor, min_lr)` unless that changes it by no more
/// than `eps`; then `cooldown` epochs follow during which bad epochs are not counted.
/// Holds one LR per parameter group (PyTorch's param_groups), each with its own min_lr.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class reduce_lr_on_plateau {
  static_assert(std::is_floating_point_v<T>,
                "lrs::reduce_lr_on_plateau<T>: T must be a floating-point type");

 public:
  /// Marks a controller (lrs::is_controller_v): not a schedule, refused by every combinator.
  using controller_tag = void;
  /// The learning-rate type.
  using value_type = T;

  /// Everything that changes while observing; save it to resume.
  struct state_type {
    std::vector<T> lrs;           ///< current LR of each group
    T best;                       ///< best metric so far (+inf for min, -inf for max at start)
    step_t num_bad_epochs = 0;    ///< bad epochs in a row
    step_t cooldown_counter = 0;  ///< epochs of cooldown left
    step_t last_epoch = 0;        ///< number of observe() calls
  };

  /// One group per entry of `lrs`; `min_lrs` is empty (all 0), one value for all, or one per group.
  /// @throws lrs::invalid_argument if lrs is empty or holds a negative or non-finite value,
  /// factor is outside [0, 1), patience < 0, threshold < 0, cooldown < 0, min_lrs has the wrong
  /// size or a negative value, or eps < 0.
  explicit reduce_lr_on_plateau(std::vector<T> lrs, plateau_mode mode = plateau_mode::min,
                                T factor = T(0.1), step_t patience = 10, T threshold = T(1e-4),
                                threshold_mode thr_mode = threshold_mode::rel, step_t cooldown = 0,
                                std::vector<T> min_lrs = {}, T eps = T(1e-8))
      : mode_(mode),
        thr_mode_(thr_mode),
        factor_(factor),
        threshold_(threshold),
        eps_(eps),
        patience_(patience),
        cooldown_(cooldown),
        min_lrs_(std::move(min_lrs)) {
    constexpr const char* type = "reduce_lr_on_plateau";
    detail::require(!lrs.empty(), type, "the number of parameter groups", ">= 1", lrs.size());
    check_lrs(lrs);
    detail::require_in_range(type, "factor", factor, T(0), T(1), false, true);
    detail::require_non_negative(type, "patience", patience);
    detail::require_non_negative(type, "threshold", threshold);
    detail::require_non_negative(type, "cooldown", cooldown);
    detail::require_non_negative(type, "eps", eps);
    if (min_lrs_.empty()) min_lrs_.assign(lrs.size(), T(0));
    if (min_lrs_.size() == 1) min_lrs_.assign(lrs.size(), min_lrs_[0]);
    detail::require(min_lrs_.size() == lrs.size(), type, "the number of min_lr values",
                    "1 or the number of groups (" + std::to_string(lrs.size()) + ")",
                    min_lrs_.size());
    for (std::size_t i = 0; i < min_lrs_.size(); ++i)
      detail::require_non_negative(type, "min_lr[" + std::to_string(i) + "]", min_lrs_[i]);
    state_.lrs = std::move(lrs);
    state_.best = worst();
  }

  /// One parameter group with initial LR `lr`.
  explicit reduce_lr_on_plateau(T lr, plateau_mode mode = plateau_mode::min, T factor = T(0.1),
                                step_t patience = 10, T threshold = T(1e-4),
                                threshold_mode thr_mode = threshold_mode::rel, step_t cooldown = 0,
                                T min_lr = T(0), T eps = T(1e-8))
      : reduce_lr_on_plateau(std::vector<T>{lr}, mode, factor, patience, threshold, thr_mode,
                             cooldown, std::vector<T>{min_lr}, eps) {}

  /// One parameter group with initial LR `lr` and the hyper-parameters by name (the same
  /// controller as the positional form; opts.min_factor is not used here).
  /// @throws as the positional form.
  reduce_lr_on_plateau(T lr, const plateau_options<T>& opts)
      : reduce_lr_on_plateau(std::vector<T>{lr}, opts.mode, opts.factor, opts.patience,
                             opts.threshold, opts.threshold_mode, opts.cooldown,
                             std::vector<T>{opts.min_lr}, opts.eps) {}

  /// Records the metric of one epoch (PyTorch's `scheduler.step(metric)`) and returns the LR of
  /// group 0 for the next epoch. A NaN metric is never an improvement.
  /// @throws lrs::invalid_argument if 2^63 - 1 epochs were already observed; nothing changes.
  T observe(T metric) {
    state_type& s = state_;
    detail::require(s.last_epoch < std::numeric_limits<step_t>::max(), type_name, "last_epoch",
                    "< 2^63 - 1 to count one more epoch", s.last_epoch);
    ++s.last_epoch;
    if (is_better(metric, s.best)) {
      s.best = metric;
      s.num_bad_epochs = 0;
    } else {
      ++s.num_bad_epochs;
    }
    if (s.cooldown_counter > 0) {
      --s.cooldown_counter;
      s.num_bad_epochs = 0;  // bad epochs in cooldown are ignored
    }
    if (s.num_bad_epochs > patience_) {
      for (std::size_t i = 0; i < s.lrs.size(); ++i) {
        const T old_lr = s.lrs[i];
        const T new_lr = std::max(old_lr * factor_, min_lrs_[i]);
        if (old_lr - new_lr > eps_) s.lrs[i] = new_lr;
      }
      s.cooldown_counter = cooldown_;
      s.num_bad_epochs = 0;
    }
    return s.lrs[0];
  }

  /// The current LR of group 0.
  [[nodiscard]] T lr() const noexcept { return state_.lrs[0]; }
  /// The current LR of each group.
  [[nodiscard]] const std::vector<T>& lrs() const noexcept { return state_.lrs; }
  /// True during the cooldown after a cut (bad epochs are not counted).
  [[nodiscard]] bool in_cooldown() const noexcept { return state_.cooldown_counter > 0; }

  /// Everything that changes while observing, as a struct (for inspection and tests).
  [[nodiscard]] const state_type& state_values() const noexcept { return state_; }

  /// The state in the lrs state format (docs/state.md): kind "reduce_lr_on_plateau", the scalar
  /// type, the hyper-parameters (mode, threshold_mode, factor, patience, threshold, cooldown, eps,
  /// the number of groups and each min_lr) and the payload (the LR of each group, best,
  /// num_bad_epochs, cooldown_counter, last_epoch).
  [[nodiscard]] std::vector<unsigned char> state() const {
    state_writer w(type_name, state_scalar_of<T>());
    visit_hyper(w);
    w.reals(state_.lrs).real(state_.best);
    w.i64(state_.num_bad_epochs).i64(state_.cooldown_counter).i64(state_.last_epoch);
    return w.finish();
  }

  /// Restores a state() of a controller of the same scalar type built with the same
  /// hyper-parameters and number of groups. All or nothing.
  /// @throws lrs::state_error (an lrs::invalid_argument) if the bytes are truncated, corrupt,
  ///         from another object, or a field is out of range (see load_state(state_type)); the
  ///         controller is unchanged then.
  void load_state(const std::vector<unsigned char>& bytes) {
    state_reader r(bytes, type_name, state_scalar_of<T>());
    visit_hyper(r);
    state_type s;
    s.lrs = r.reals<T>("lrs");
    s.best = r.real<T>("best");
    s.num_bad_epochs = r.i64("num_bad_epochs");
    s.cooldown_counter = r.i64("cooldown_counter");
    s.last_epoch = r.i64("last_epoch");
    r.finish();
    validate(s, [&](const std::string& field, const std::string& value, const std::string& rule) {
      r.fail_field(field, value, rule);
    });
    state_ = std::move(s);
  }

  /// Restores a saved state_values(). Rules: one LR per group, each >= 0 and finite; best not
  /// NaN; 0 <= num_bad_epochs <= patience; 0 <= cooldown_counter <= cooldown;
  /// 0 <= last_epoch < 2^63 - 1 (so the next observe() can count).
  /// @throws lrs::invalid_argument, leaving this object unchanged, if a rule is broken.
  void load_state(const state_type& s) {
    validate(s, [](const std::string& field, const std::string& value, const std::string& rule) {
      detail::throw_invalid(type_name, "state." + field, rule, value);
    });
    state_ = s;
  }

  /// The hyper-parameter of that name (plateau_options), as constructed.
  [[nodiscard]] plateau_mode mode() const noexcept { return mode_; }
  /// The multiplier applied at each cut.
  [[nodiscard]] T factor() const noexcept { return factor_; }
  /// Bad epochs tolerated before a cut.
  [[nodiscard]] step_t patience() const noexcept { return patience_; }
  /// Epochs after a cut during which bad epochs are not counted.
  [[nodiscard]] step_t cooldown() const noexcept { return cooldown_; }

 private:
  static constexpr const char* type_name = "reduce_lr_on_plateau";

  template <class Fail>
  void validate(const state_type& s, Fail&& fail) const {
    constexpr step_t max_step = std::numeric_limits<step_t>::max();
    if (s.lrs.size() != state_.lrs.size())
      fail("lrs size", std::to_string(s.lrs.size()),
           "the number of groups (" + std::to_string(state_.lrs.size()) + ")");
    for (std::size_t i = 0; i < s.lrs.size(); ++i)
      if (!(std::isfinite(s.lrs[i]) && s.lrs[i] >= T(0)))
        fail("lrs[" + std::to_string(i) + "]", detail::format_value(s.lrs[i]), ">= 0 and finite");
    if (std::isnan(s.best)) fail("best", "nan", "a number");
    auto range = [&](const char* field, step_t v, step_t hi) {
      if (v < 0 || v > hi) fail(field, std::to_string(v), "in [0, " + std::to_string(hi) + "]");
    };
    range("num_bad_epochs", s.num_bad_epochs, patience_);
    range("cooldown_counter", s.cooldown_counter, cooldown_);
    range("last_epoch", s.last_epoch, max_step - 1);
  }

  // The hyper-parameters, one list: state() writes them (Sink = state_writer), load_state() checks.
  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("mode", mode_ == plateau_mode::min ? "min" : "max")
        .hyper("threshold_mode", thr_mode_ == threshold_mode::rel ? "rel" : "abs")
        .hyper("factor", factor_)
        .hyper("patience", patience_)
        .hyper("threshold", threshold_)
        .hyper("cooldown", cooldown_)
        .hyper("eps", eps_)
        .hyper("groups", static_cast<std::int64_t>(min_lrs_.size()));
    for (std::size_t i = 0; i < min_lrs_.size(); ++i)
      s.hyper("min_lr[" + std::to_string(i) + "]", min_lrs_[i]);
  }

  static void check_lrs(const std::vector<T>& lrs) {
    for (std::size_t i = 0; i < lrs.size(); ++i)
      detail::require_non_negative("reduce_lr_on_plateau", "lr[" + std::to_string(i) + "]", lrs[i]);
  }

  T worst() const noexcept {
    return mode_ == plateau_mode::min ? std::numeric_limits<T>::infinity()
                                      : -std::numeric_limits<T>::infinity();
  }

  bool is_better(T a, T best) const noexcept {
    if (mode_ == plateau_mode::min) {
      return thr_mode_ == threshold_mode::rel ? a < best * (T(1) - threshold_)
                                              : a < best - threshold_;
    }
    return thr_mode_ == threshold_mode::rel ? a > best * (threshold_ + T(1))
                                            : a > best + threshold_;
  }

  plateau_mode mode_;
  threshold_mode thr_mode_;
  T factor_, threshold_, eps_;
  step_t patience_, cooldown_;
  std::vector<T> min_lrs_;
  state_type state_;
};

}  // namespace lrs

#endif  // LRS_CONTROLLERS_REDUCE_LR_ON_PLATEAU_HPP
