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
#include <lrs/core/any_schedule.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/format.hpp>
#include <lrs/core/state.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>

namespace lrs {
namespace detail {

/// The C++ name of T as the compiler spells it (GCC and Clang: from __PRETTY_FUNCTION__, MSVC:
/// from __FUNCSIG__), for messages; "an unnamed type" where the compiler gives none.
template <class T>
[[nodiscard]] std::string type_name_of() {
#if defined(__clang__) || defined(__GNUC__)
  const std::string f = __PRETTY_FUNCTION__;  // "... [with T = X; ...]" or "... [T = X]"
  const std::string key = "T = ";
#elif defined(_MSC_VER)
  const std::string f = __FUNCSIG__;  // "... type_name_of<X>(void)"
  const std::string key = "type_name_of<";
#else
  const std::string f, key;
#endif
  const std::size_t start = key.empty() ? std::string::npos : f.find(key);
  if (start == std::string::npos) return "an unnamed type";
  int depth = 0;
  std::string out;
  for (std::size_t i = start + key.size(); i < f.size(); ++i) {
    const char c = f[i];
    if (c == '<' || c == '(' || c == '[') ++depth;
    if (c == '>' || c == ')' || c == ']') {
      if (depth == 0) break;
      --depth;
    }
    if (c == ';' && depth == 0) break;
    out += c;
  }
  return out;
}

}  // namespace detail

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
/// A controller, not a schedule (lrs::is_controller_v; is_schedule_v is false): f changes with
/// observe(), so lr(t) (or ctrl(t)) is a const read of the current f (it is not a pure function
/// of t). Every combinator refuses it at compile time: wrap the schedule inside it
/// (`plateau_scaled(scaled(s, 0.1), opts)`), never the other way round. The schedule s itself is
/// part of the object's construction, not of its state: resume by building the same s and
/// loading state(); load_state() refuses a state saved around another schedule (it records the
/// schedule's type name and its values at a few steps).
/// @tparam S the schedule scaled.
template <class S>
class plateau_scaled {
  LRS_REQUIRE_SCHEDULE_IN("lrs::plateau_scaled",
                          "one plateau_scaled(s, opts) around the schedule s", S);

 public:
  /// Marks a controller (lrs::is_controller_v): not a schedule, refused by every combinator.
  using controller_tag = void;
  /// The learning-rate type: the schedule's.
  using value_type = schedule_value_t<S>;
  /// The options of the plateau rule.
  using options_type = plateau_options<value_type>;

  /// @throws lrs::invalid_argument if a hyper-parameter is out of range (as
  /// reduce_lr_on_plateau), min_factor is not in [0, 1], or min_lr is not 0 (the floor here
  /// applies to the factor: min_factor; a floor on the LR is clamped(s, lo)).
  explicit plateau_scaled(S s, const options_type& opts = {})
      : s_(std::move(s)), opts_(opts), rule_(make_rule(opts)) {}

  /// The learning rate of update `step` with the current factor: factor() * s(step).
  /// @pre step >= 0.
  [[nodiscard]] value_type lr(step_t step) const {
    return rule_.lr() * static_cast<value_type>(s_(step));
  }
  /// The same as lr(step). A controller may have a call operator: is_schedule_v stays false
  /// (controller_tag), so no combinator takes it.
  [[nodiscard]] value_type operator()(step_t step) const { return lr(step); }

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
  /// True during the cooldown after a cut (bad epochs are not counted).
  [[nodiscard]] bool in_cooldown() const noexcept { return rule_.in_cooldown(); }
  /// The schedule scaled (a schedule: sample it, plot it, analyse it).
  [[nodiscard]] const S& schedule() const noexcept { return s_; }
  /// The options given to the constructor.
  [[nodiscard]] const options_type& options() const noexcept { return opts_; }

  /// The state in the lrs state format (docs/state.md): kind "plateau_scaled" (kind version 2),
  /// the scalar type, the hyper-parameters (mode, threshold_mode, factor, patience, threshold,
  /// cooldown, eps, min_factor; the schedule's fingerprint: `schedule` its type name and
  /// `schedule(t)` its value at t = 0, 1, 10, ..., 10^6, `schedule.max_value` its max_value()
  /// or NaN) and the payload (the current factor f, best, num_bad_epochs, cooldown_counter, the
  /// number of metrics observed).
  [[nodiscard]] std::vector<unsigned char> state() const {
    state_writer w(type_name, state_scalar_of<value_type>(), kind_version);
    visit_hyper(w);
    const auto& st = rule_.state_values();
    w.real(st.lrs[0]).real(st.best);
    w.i64(st.num_bad_epochs).i64(st.cooldown_counter).i64(st.last_epoch);
    return w.finish();
  }

  /// Restores a state() of a plateau_scaled of the same scalar type and hyper-parameters, saved
  /// around the same schedule (the same values at the fingerprint's steps; a state of kind
  /// version 1, which has no fingerprint, is loaded without that check). All or nothing.
  /// @throws lrs::state_error (an lrs::invalid_argument) if the bytes are truncated, corrupt,
  /// from another object or other hyper-parameters, saved around another schedule (the message
  /// names both), or a field is out of range (f not in [min_factor, 1], best NaN,
  /// num_bad_epochs not in [0, patience], cooldown_counter not in [0, cooldown], a negative
  /// count); the object is unchanged then.
  void load_state(const std::vector<unsigned char>& bytes) {
    state_reader r(bytes, type_name, state_scalar_of<value_type>(), kind_version);
    visit_hyper(r);
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
  static constexpr const char* type_name = "plateau_scaled";
  static constexpr std::uint32_t kind_version = 2;
  static constexpr step_t probe_steps[] = {0, 1, 10, 100, 1000, 10000, 100000, 1000000};

  static std::string probe_name(step_t t) { return "schedule(" + std::to_string(t) + ")"; }
  [[nodiscard]] double max_value_of_schedule() const {
    if constexpr (detail::has_max_value_v<S>) {
      return static_cast<double>(s_.max_value());
    } else {
      return std::numeric_limits<double>::quiet_NaN();
    }
  }

  /// A type name from the state (untrusted bytes) in quotes: at most 200 characters, anything
  /// outside printable ASCII as '?'.
  static std::string quoted(const std::string& name) {
    std::string out = "'";
    for (std::size_t i = 0; i < name.size() && i < 200; ++i) {
      const char c = name[i];
      out += (c >= 0x20 && c < 0x7F) ? c : '?';
    }
    if (name.size() > 200) out += "...";
    return out + "'";
  }

  /// Refuses a state saved around another schedule: compares the fingerprint bit for bit (NaN
  /// equals NaN), naming both schedules and the first step that differs.
  void check_schedule(state_reader& r) const {
    const std::string there = r.hyper_string("schedule");  // for the message only
    auto differs = [](double a, double b) { return !(a == b || (std::isnan(a) && std::isnan(b))); };
    std::string diff;
    visit_fingerprint([&](const std::string& name, double here, step_t t) {
      const double saved = r.hyper_f64(name);
      if (!diff.empty() || !differs(saved, here)) return;
      if (t >= 0)
        diff = "at step " + std::to_string(t) + " it gives " + detail::format_value(saved) +
               ", this one " + detail::format_value(here);
      else
        diff = "its max_value() is " + detail::format_value(saved) + ", this one's " +
               detail::format_value(here);
    });
    if (!diff.empty())
      r.fail("the state was saved around another schedule: " + quoted(there) +
             " in the checkpoint, " + quoted(detail::type_name_of<S>()) + " here (" + diff +
             "); build the same schedule to resume");
  }

  static reduce_lr_on_plateau<value_type> make_rule(const options_type& o) {
    detail::require(o.min_lr == value_type(0), type_name, "min_lr",
                    "0 (the floor of plateau_scaled is min_factor, on the factor)", o.min_lr);
    detail::require_in_range(type_name, "min_factor", o.min_factor, value_type(0), value_type(1));
    return reduce_lr_on_plateau<value_type>(
        std::vector<value_type>{value_type(1)}, o.mode, o.factor, o.patience, o.threshold,
        o.threshold_mode, o.cooldown, std::vector<value_type>{o.min_factor}, o.eps);
  }

  // The hyper-parameters in one list: written by state() (Sink = state_writer) and checked
  // by load_state() (Sink = state_reader); the schedule's fingerprint is written as is and
  // compared by check_schedule (a version-1 state has none).
  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("mode", name_of(opts_.mode))
        .hyper("threshold_mode", name_of(opts_.threshold_mode))
        .hyper("factor", opts_.factor)
        .hyper("patience", opts_.patience)
        .hyper("threshold", opts_.threshold)
        .hyper("cooldown", opts_.cooldown)
        .hyper("eps", opts_.eps)
        .hyper("min_factor", opts_.min_factor);
    if constexpr (std::is_same_v<Sink, state_writer>) {
      s.hyper("schedule", detail::type_name_of<S>());
      visit_fingerprint([&](const std::string& name, double v, step_t) { s.hyper(name, v); });
    } else if (s.kind_version() >= 2) {
      check_schedule(s);
    }
  }
  // The schedule's fingerprint in one list: f(name, value, t) for its value at each probe step
  // t, then f("schedule.max_value", its max_value() or NaN, -1).
  template <class F>
  void visit_fingerprint(F&& f) const {
    for (const step_t t : probe_steps) f(probe_name(t), static_cast<double>(s_(t)), t);
    f(std::string("schedule.max_value"), max_value_of_schedule(), step_t(-1));
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
