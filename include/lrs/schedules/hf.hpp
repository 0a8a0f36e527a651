// SPDX-License-Identifier: MIT
// lrs::hf: Hugging Face transformers' schedules (transformers/optimization.py), same names,
// parameters, defaults and numbers.
#ifndef LRS_SCHEDULES_HF_HPP
#define LRS_SCHEDULES_HF_HPP

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>

/// Hugging Face transformers' learning-rate schedules (`transformers.optimization`).
///
/// Each `get_*` function of transformers returns a `LambdaLR` whose factor `lambda(t)` multiplies
/// the optimizer's LR: the LR of update t (after t calls of `scheduler.step()`) is
/// `lr * lambda(t)`. Here `lr` is the first argument (the spec parser's `--lr`). The polynomial
/// and min-LR schedules also read the optimizer's default LR (`optimizer.defaults["lr"]`, for
/// `lr_end` and `min_lr`): that is the same `lr`. Each factor is evaluated in double with
/// transformers' order of operations, so the values are those of transformers to the last bit
/// that the platform's cos/sqrt/pow allow. The quirks are kept (docs/porting.md lists them):
/// the cosine schedules rise again past num_training_steps, the hard-restart cosine is 0 from
/// num_training_steps on, the `_lr_rate` variant reaches its peak and its floor one step early.
namespace lrs::hf {

/// Which transformers function a hf::schedule reproduces.
enum class kind {
  constant,                    ///< get_constant_schedule
  constant_with_warmup,        ///< get_constant_schedule_with_warmup
  linear,                      ///< get_linear_schedule_with_warmup
  cosine,                      ///< get_cosine_schedule_with_warmup (and _with_min_lr_)
  cosine_with_hard_restarts,   ///< get_cosine_with_hard_restarts_schedule_with_warmup
  polynomial,                  ///< get_polynomial_decay_schedule_with_warmup
  inverse_sqrt,                ///< get_inverse_sqrt_schedule
  cosine_with_min_lr_lr_rate,  ///< get_cosine_with_min_lr_schedule_with_warmup_lr_rate
  wsd                          ///< get_wsd_schedule
};

/// The warm-up and decay shapes of get_wsd_schedule: transformers' "linear", "cosine", "1-sqrt".
enum class wsd_type { linear, cosine, one_minus_sqrt };

/// transformers' spelling of a wsd_type: "linear", "cosine", "1-sqrt".
[[nodiscard]] inline const char* name_of(wsd_type t) noexcept {
  switch (t) {
    case wsd_type::linear:
      return "linear";
    case wsd_type::cosine:
      return "cosine";
    case wsd_type::one_minus_sqrt:
      return "1-sqrt";
  }
  return "linear";
}

/// The wsd_type transformers spells `s` ("linear", "cosine", "1-sqrt"), or nullopt.
[[nodiscard]] inline std::optional<wsd_type> parse_wsd_type(const std::string& s) {
  if (s == "linear") return wsd_type::linear;
  if (s == "cosine") return wsd_type::cosine;
  if (s == "1-sqrt") return wsd_type::one_minus_sqrt;
  return std::nullopt;
}

/// The parameters of every hf schedule; each get_* function sets the ones it has. In portable
/// C++17: `lrs::hf::parameters{}.with_num_warmup_steps(10).with_num_training_steps(100)`.
struct parameters {
  /// transformers' `num_warmup_steps` (>= 0): the steps of the linear warm-up from 0 (all but
  /// get_constant_schedule).
  step_t num_warmup_steps = 0;
  /// transformers' `num_training_steps` (>= num_warmup_steps): the step at which the decay ends
  /// (linear, cosine, hard-restart cosine, polynomial and the lr_rate variant).
  step_t num_training_steps = 0;
  /// transformers' `num_cycles` (>= 0): the number of cosine waves over a cosine decay (0.5: one
  /// half wave from the peak to the floor), or of restarts in cosine_with_hard_restarts.
  double num_cycles = 0.5;
  double lr_end = 1e-7;                     ///< polynomial
  double power = 1.0;                       ///< polynomial
  step_t timescale = 10000;                 ///< inverse_sqrt
  double min_lr_rate = 0.0;                 ///< cosine (min-LR variants), lr_rate variant
  std::optional<double> warmup_lr_rate;     ///< lr_rate variant
  step_t num_stable_steps = 0;              ///< wsd
  step_t num_decay_steps = 0;               ///< wsd
  wsd_type warmup_type = wsd_type::linear;  ///< wsd
  wsd_type decay_type = wsd_type::cosine;   ///< wsd
  double min_lr_ratio = 0.0;                ///< wsd
  /// Sets `num_warmup_steps` (see the field); returns *this for chaining.
  constexpr parameters& with_num_warmup_steps(step_t v) noexcept {
    num_warmup_steps = v;
    return *this;
  }
  /// Sets `num_training_steps` (see the field); returns *this for chaining.
  constexpr parameters& with_num_training_steps(step_t v) noexcept {
    num_training_steps = v;
    return *this;
  }
  /// Sets `num_cycles` (see the field); returns *this for chaining.
  constexpr parameters& with_num_cycles(double v) noexcept {
    num_cycles = v;
    return *this;
  }
  /// Sets `lr_end` (see the field); returns *this for chaining.
  constexpr parameters& with_lr_end(double v) noexcept {
    lr_end = v;
    return *this;
  }
  /// Sets `power` (see the field); returns *this for chaining.
  constexpr parameters& with_power(double v) noexcept {
    power = v;
    return *this;
  }
  /// Sets `timescale` (see the field); returns *this for chaining.
  constexpr parameters& with_timescale(step_t v) noexcept {
    timescale = v;
    return *this;
  }
  /// Sets `min_lr_rate` (see the field); returns *this for chaining.
  constexpr parameters& with_min_lr_rate(double v) noexcept {
    min_lr_rate = v;
    return *this;
  }
  /// Sets `warmup_lr_rate` (see the field); returns *this for chaining.
  parameters& with_warmup_lr_rate(std::optional<double> v) noexcept {
    warmup_lr_rate = v;
    return *this;
  }
  /// Sets `num_stable_steps` (see the field); returns *this for chaining.
  constexpr parameters& with_num_stable_steps(step_t v) noexcept {
    num_stable_steps = v;
    return *this;
  }
  /// Sets `num_decay_steps` (see the field); returns *this for chaining.
  constexpr parameters& with_num_decay_steps(step_t v) noexcept {
    num_decay_steps = v;
    return *this;
  }
  /// Sets `warmup_type` (see the field); returns *this for chaining.
  constexpr parameters& with_warmup_type(wsd_type v) noexcept {
    warmup_type = v;
    return *this;
  }
  /// Sets `decay_type` (see the field); returns *this for chaining.
  constexpr parameters& with_decay_type(wsd_type v) noexcept {
    decay_type = v;
    return *this;
  }
  /// Sets `min_lr_ratio` (see the field); returns *this for chaining.
  constexpr parameters& with_min_lr_ratio(double v) noexcept {
    min_lr_ratio = v;
    return *this;
  }
};

namespace detail {
/// Python's `a / b` for integers a >= 0, b > 0: the quotient rounded once, to nearest even
/// (CPython's true division of ints is correctly rounded), with a up to 2^64 - 1 so that sums of
/// two step counts fit.
[[nodiscard]] inline double true_divide(std::uint64_t a, std::uint64_t b) noexcept {
  constexpr std::uint64_t exact = std::uint64_t{1} << 53;
  if (a <= exact && b <= exact) return static_cast<double>(a) / static_cast<double>(b);
  if (a == 0) return 0.0;
  // Long division: q + r / b, shifted left one bit at a time (r < b, 2r never formed) until q
  // holds at least 55 bits; then round q to 53 bits with r != 0 as the sticky bit.
  std::uint64_t q = a / b;
  std::uint64_t r = a % b;
  int e = 0;
  while (q < (std::uint64_t{1} << 54)) {
    const bool bit = r >= b - r;
    r = bit ? r - (b - r) : 2 * r;
    q = 2 * q + (bit ? 1 : 0);
    --e;
  }
  int len = 0;
  for (std::uint64_t x = q; x != 0; x >>= 1) ++len;
  const int k = len - 53;
  std::uint64_t m = q >> k;
  const std::uint64_t rest = q & ((std::uint64_t{1} << k) - 1);
  const std::uint64_t half = std::uint64_t{1} << (k - 1);
  if (rest > half || (rest == half && (r != 0 || (m & 1) != 0))) ++m;
  return std::ldexp(static_cast<double>(m), k + e);
}
}  // namespace detail

/// One transformers schedule: `lr(t) = lr * lambda(t)` with transformers' factor `lambda` of
/// the function `which` names (see the get_* functions for each formula). Build it with those
/// functions, which validate the parameters; the constructor checks nothing.
/// @tparam T floating-point type of the learning rate (the factor is computed in double).
template <class T = double>
class schedule {
  static_assert(std::is_floating_point_v<T>,
                "lrs::hf::schedule<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @pre the parameters passed the checks of the get_* function for `which`.
  schedule(kind which, T lr, const parameters& p) : kind_(which), lr_(lr), p_(p) {}

  /// `lr * lambda(step)`. @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::hf::schedule: step must be >= 0");
    return static_cast<T>(static_cast<double>(lr_) * factor(step));
  }

  /// transformers' `lambda(step)`, the factor of the optimizer's LR. @pre step >= 0.
  [[nodiscard]] double factor(step_t t) const noexcept {
    const step_t w = p_.num_warmup_steps;
    const step_t n = p_.num_training_steps;
    switch (kind_) {
      case kind::constant:
        return 1.0;
      case kind::constant_with_warmup:
        return t < w ? warmup(t) : 1.0;
      case kind::linear:
        if (t < w) return warmup(t);
        return std::max(
            0.0, static_cast<double>(n - t) / static_cast<double>(std::max<step_t>(1, n - w)));
      case kind::cosine:
        return t < w ? warmup(t) : cosine_factor(t);
      case kind::cosine_with_hard_restarts:
        return t < w ? warmup(t) : hard_restarts_factor(t);
      case kind::polynomial:
        return t < w ? warmup(t) : polynomial_factor(t);
      case kind::inverse_sqrt:
        return t < w ? warmup(t) : inverse_sqrt_factor(t);
      case kind::cosine_with_min_lr_lr_rate:
        return min_lr_rate_factor(t);
      case kind::wsd:
        return wsd_factor(t);
    }
    return 1.0;
  }

  /// The transformers function this schedule reproduces.
  [[nodiscard]] kind which() const noexcept { return kind_; }
  /// The optimizer's LR that the factor multiplies.
  [[nodiscard]] T lr() const noexcept { return lr_; }
  /// The parameters it was built with (only those of which() are meaningful).
  [[nodiscard]] const parameters& params() const noexcept { return p_; }

 private:
  static constexpr double pi = ::lrs::detail::pi_v<double>;

  // The linear warm-up t / max(1, w) of the get_*_with_warmup functions.
  double warmup(step_t t) const noexcept {
    return static_cast<double>(t) / static_cast<double>(std::max<step_t>(1, p_.num_warmup_steps));
  }
  // The fraction of the decay done, (t - w) / max(1, n - w).
  double progress(step_t t) const noexcept {
    const step_t w = p_.num_warmup_steps;
    return static_cast<double>(t - w) /
           static_cast<double>(std::max<step_t>(1, p_.num_training_steps - w));
  }
  // get_cosine_schedule_with_warmup after the warm-up (min_lr_rate: the cosine's floor).
  double cosine_factor(step_t t) const noexcept {
    double f = 0.5 * (1.0 + std::cos(pi * p_.num_cycles * 2.0 * progress(t)));
    f = f * (1 - p_.min_lr_rate) + p_.min_lr_rate;
    return std::max(0.0, f);
  }
  // get_cosine_with_hard_restarts_schedule_with_warmup after the warm-up.
  double hard_restarts_factor(step_t t) const noexcept {
    const double pr = progress(t);
    if (pr >= 1.0) return 0.0;
    return std::max(0.0, 0.5 * (1.0 + std::cos(pi * std::fmod(p_.num_cycles * pr, 1.0))));
  }
  // get_polynomial_decay_schedule_with_warmup after the warm-up.
  double polynomial_factor(step_t t) const noexcept {
    const step_t w = p_.num_warmup_steps;
    const step_t n = p_.num_training_steps;
    const double lr_init = static_cast<double>(lr_);
    // transformers divides by zero at t == num_training_steps == num_warmup_steps; the
    // value there is lr_end, as at every later step.
    if (t > n || n == w) return p_.lr_end / lr_init;
    const double lr_range = lr_init - p_.lr_end;
    const step_t decay_steps = n - w;
    const double pct_remaining = 1 - static_cast<double>(t - w) / static_cast<double>(decay_steps);
    const double decay = lr_range * std::pow(pct_remaining, p_.power) + p_.lr_end;
    return decay / lr_init;
  }
  // get_inverse_sqrt_schedule after the warm-up.
  double inverse_sqrt_factor(step_t t) const noexcept {
    // transformers: (t + timescale - w) / timescale in Python's unbounded ints; the sum,
    // (t - w) + timescale with both terms in [0, 2^63), fits in 64 unsigned bits.
    const std::uint64_t num = static_cast<std::uint64_t>(t - p_.num_warmup_steps) +
                              static_cast<std::uint64_t>(p_.timescale);
    return 1.0 / std::sqrt(detail::true_divide(num, static_cast<std::uint64_t>(p_.timescale)));
  }
  // get_cosine_with_min_lr_schedule_with_warmup_lr_rate, warm-up included (its own, in double).
  double min_lr_rate_factor(step_t t) const noexcept {
    const double ct = static_cast<double>(t);
    const double cw = static_cast<double>(p_.num_warmup_steps);
    const double cn = static_cast<double>(p_.num_training_steps);
    if (ct < cw) {
      if (!p_.warmup_lr_rate) return (ct + 1.) / std::max(1., cw);
      const double r = *p_.warmup_lr_rate;
      return r + (1.0 - r) * ct / std::max(1.0, cw - 1);
    }
    const double pr = (ct - cw + 1.) / std::max(1., cn - cw);
    double f = 0.5 * (1.0 + std::cos(pi * p_.num_cycles * 2.0 * pr));
    f = f * (1 - p_.min_lr_rate) + p_.min_lr_rate;
    return std::max(0.0, f);
  }
  // The shape of get_wsd_schedule's warm-up (at pr = t / w) or decay (at pr of the decay done).
  double wsd_shape(wsd_type type, double pr, bool rising) const noexcept {
    if (rising) {
      if (type == wsd_type::cosine) return 0.5 * (1.0 - std::cos(pi * pr));
      if (type == wsd_type::one_minus_sqrt) return 1.0 - std::sqrt(1.0 - pr);
      return pr;
    }
    if (type == wsd_type::cosine) return 0.5 * (1.0 + std::cos(pi * p_.num_cycles * 2.0 * pr));
    if (type == wsd_type::one_minus_sqrt) return 1.0 - std::sqrt(pr);
    return 1.0 - pr;
  }
  // get_wsd_schedule: warm-up, stable, decay, then min_lr_ratio.
  double wsd_factor(step_t t) const noexcept {
    const double r = p_.min_lr_ratio;
    const step_t w = p_.num_warmup_steps;
    if (t < w) return std::max(0.0, wsd_shape(p_.warmup_type, warmup(t), true) * (1.0 - r) + r);
    const step_t s = p_.num_stable_steps;
    const step_t d = p_.num_decay_steps;
    // t < w + s and t < w + s + d without forming the sums (they may pass 2^63 - 1).
    if (t - w < s) return 1.0;
    if (t - w - s < d) {
      const double pr =
          static_cast<double>(t - w - s) / static_cast<double>(std::max<step_t>(1, d));
      return std::max(0.0, wsd_shape(p_.decay_type, pr, false) * (1.0 - r) + r);
    }
    return r;
  }

  kind kind_;
  T lr_;
  parameters p_;
};

namespace detail {
inline void check_lr(const char* fn, double lr) {
  ::lrs::detail::require_non_negative(fn, "lr", lr);
}
inline void check_warmup(const char* fn, step_t w) {
  ::lrs::detail::require_non_negative(fn, "num_warmup_steps", w);
}
inline void check_training(const char* fn, step_t w, step_t n) {
  ::lrs::detail::require(n >= w, fn, "num_training_steps",
                         ">= num_warmup_steps (" + std::to_string(w) + ")", n);
}
inline void check_cycles(const char* fn, double c) {
  ::lrs::detail::require_non_negative(fn, "num_cycles", c);
}
/// transformers' min_lr / min_lr_rate pair: exactly one, as a rate of lr in [0, 1].
inline double min_lr_rate_of(const char* fn, double lr, std::optional<double> min_lr,
                             std::optional<double> min_lr_rate) {
  if (min_lr && min_lr_rate)
    LRS_THROW(::lrs::invalid_argument(std::string("lrs::") + fn +
                                      ": only one of min_lr or min_lr_rate should be set, got "
                                      "min_lr=" +
                                      ::lrs::detail::format_value(*min_lr) + " and min_lr_rate=" +
                                      ::lrs::detail::format_value(*min_lr_rate)));
  if (!min_lr && !min_lr_rate)
    LRS_THROW(::lrs::invalid_argument(std::string("lrs::") + fn +
                                      ": one of min_lr or min_lr_rate should be set, got "
                                      "neither"));
  if (min_lr) {
    ::lrs::detail::require_in_range(fn, "min_lr", *min_lr, 0.0, lr);
    ::lrs::detail::require_positive(fn, "lr (with min_lr, min_lr / lr is the floor)", lr);
    return *min_lr / lr;
  }
  ::lrs::detail::require_in_range(fn, "min_lr_rate", *min_lr_rate, 0.0, 1.0);
  return *min_lr_rate;
}
}  // namespace detail

/// transformers' `get_constant_schedule(optimizer)`: `lr(t) = lr`.
/// @throws lrs::invalid_argument if lr < 0 or is not finite.
template <class T = double>
[[nodiscard]] schedule<T> get_constant_schedule(T lr) {
  detail::check_lr("hf::get_constant_schedule", static_cast<double>(lr));
  return schedule<T>(kind::constant, lr, parameters{});
}

/// transformers' `get_constant_schedule_with_warmup(optimizer, num_warmup_steps)`:
/// `lambda(t) = t / max(1, w)` for t < w, then 1.
/// @throws lrs::invalid_argument if lr < 0, num_warmup_steps < 0, or lr is not finite.
template <class T = double>
[[nodiscard]] schedule<T> get_constant_schedule_with_warmup(T lr, step_t num_warmup_steps) {
  const char* fn = "hf::get_constant_schedule_with_warmup";
  detail::check_lr(fn, static_cast<double>(lr));
  detail::check_warmup(fn, num_warmup_steps);
  parameters p;
  p.num_warmup_steps = num_warmup_steps;
  return schedule<T>(kind::constant_with_warmup, lr, p);
}

/// transformers' `get_linear_schedule_with_warmup(optimizer, num_warmup_steps,
/// num_training_steps)`: `lambda(t) = t / max(1, w)` for t < w, then
/// `max(0, (N - t) / max(1, N - w))` (0 from N on).
/// @throws lrs::invalid_argument if lr < 0, num_warmup_steps < 0 or num_training_steps <
/// num_warmup_steps.
template <class T = double>
[[nodiscard]] schedule<T> get_linear_schedule_with_warmup(T lr, step_t num_warmup_steps,
                                                          step_t num_training_steps) {
  const char* fn = "hf::get_linear_schedule_with_warmup";
  detail::check_lr(fn, static_cast<double>(lr));
  detail::check_warmup(fn, num_warmup_steps);
  detail::check_training(fn, num_warmup_steps, num_training_steps);
  parameters p;
  p.num_warmup_steps = num_warmup_steps;
  p.num_training_steps = num_training_steps;
  return schedule<T>(kind::linear, lr, p);
}

/// transformers' `get_cosine_schedule_with_warmup(optimizer, num_warmup_steps,
/// num_training_steps, num_cycles=0.5)`: linear warm-up `t / max(1, w)`, then with
/// `p = (t - w) / max(1, N - w)`: `lambda(t) = max(0, 0.5 (1 + cos(pi * num_cycles * 2 * p)))`.
/// Nothing stops p at 1: past num_training_steps the factor rises again (with the default 0.5
/// it is back at 1 at t = 2N - w), as in transformers.
/// @throws lrs::invalid_argument if lr < 0, num_warmup_steps < 0, num_training_steps <
/// num_warmup_steps or num_cycles < 0.
template <class T = double>
[[nodiscard]] schedule<T> get_cosine_schedule_with_warmup(T lr, step_t num_warmup_steps,
                                                          step_t num_training_steps,
                                                          double num_cycles = 0.5) {
  const char* fn = "hf::get_cosine_schedule_with_warmup";
  detail::check_lr(fn, static_cast<double>(lr));
  detail::check_warmup(fn, num_warmup_steps);
  detail::check_training(fn, num_warmup_steps, num_training_steps);
  detail::check_cycles(fn, num_cycles);
  parameters p;
  p.num_warmup_steps = num_warmup_steps;
  p.num_training_steps = num_training_steps;
  p.num_cycles = num_cycles;
  return schedule<T>(kind::cosine, lr, p);
}

/// transformers' `get_cosine_with_hard_restarts_schedule_with_warmup(optimizer,
/// num_warmup_steps, num_training_steps, num_cycles=1)`: linear warm-up, then with
/// `p = (t - w) / max(1, N - w)`: 0 when p >= 1, else
/// `max(0, 0.5 (1 + cos(pi * ((num_cycles * p) mod 1))))`: num_cycles cosines from 1 to 0, each
/// restarting at 1, and 0 from num_training_steps on.
/// @throws lrs::invalid_argument if lr < 0, num_warmup_steps < 0, num_training_steps <
/// num_warmup_steps or num_cycles < 0.
template <class T = double>
[[nodiscard]] schedule<T> get_cosine_with_hard_restarts_schedule_with_warmup(
    T lr, step_t num_warmup_steps, step_t num_training_steps, double num_cycles = 1) {
  const char* fn = "hf::get_cosine_with_hard_restarts_schedule_with_warmup";
  detail::check_lr(fn, static_cast<double>(lr));
  detail::check_warmup(fn, num_warmup_steps);
  detail::check_training(fn, num_warmup_steps, num_training_steps);
  detail::check_cycles(fn, num_cycles);
  parameters p;
  p.num_warmup_steps = num_warmup_steps;
  p.num_training_steps = num_training_steps;
  p.num_cycles = num_cycles;
  return schedule<T>(kind::cosine_with_hard_restarts, lr, p);
}

/// transformers' `get_polynomial_decay_schedule_with_warmup(optimizer, num_warmup_steps,
/// num_training_steps, lr_end=1e-7, power=1.0)`: linear warm-up, then for w <= t <= N
/// `lambda(t) = ((lr - lr_end) (1 - (t - w) / (N - w))^power + lr_end) / lr`, and
/// `lr_end / lr` for t > N. `lr_end` is absolute, relative to the optimizer's default LR (`lr`
/// here); the LR is `lr * lambda(t)` (so lr_end up to rounding). At t = N = w, where
/// transformers divides by zero, the value is lr_end.
/// @throws lrs::invalid_argument if lr_end < 0, lr <= lr_end (transformers: "lr_end must be
/// smaller than initial lr"), power < 0, num_warmup_steps < 0 or num_training_steps <
/// num_warmup_steps.
template <class T = double>
[[nodiscard]] schedule<T> get_polynomial_decay_schedule_with_warmup(T lr, step_t num_warmup_steps,
                                                                    step_t num_training_steps,
                                                                    double lr_end = 1e-7,
                                                                    double power = 1.0) {
  const char* fn = "hf::get_polynomial_decay_schedule_with_warmup";
  detail::check_lr(fn, static_cast<double>(lr));
  detail::check_warmup(fn, num_warmup_steps);
  detail::check_training(fn, num_warmup_steps, num_training_steps);
  ::lrs::detail::require_non_negative(fn, "lr_end", lr_end);
  ::lrs::detail::require(
      static_cast<double>(lr) > lr_end, fn, "lr_end",
      "smaller than the initial lr (" + ::lrs::detail::format_value(static_cast<double>(lr)) + ")",
      lr_end);
  ::lrs::detail::require_non_negative(fn, "power", power);
  parameters p;
  p.num_warmup_steps = num_warmup_steps;
  p.num_training_steps = num_training_steps;
  p.lr_end = lr_end;
  p.power = power;
  return schedule<T>(kind::polynomial, lr, p);
}

/// transformers' `get_inverse_sqrt_schedule(optimizer, num_warmup_steps, timescale=None)`:
/// linear warm-up, then `lambda(t) = 1 / sqrt((t + timescale - w) / timescale)`; timescale
/// defaults to num_warmup_steps, or 10000 when that is 0. Never reaches 0.
/// @throws lrs::invalid_argument if lr < 0, num_warmup_steps < 0 or timescale <= 0.
template <class T = double>
[[nodiscard]] schedule<T> get_inverse_sqrt_schedule(T lr, step_t num_warmup_steps,
                                                    std::optional<step_t> timescale = {}) {
  const char* fn = "hf::get_inverse_sqrt_schedule";
  detail::check_lr(fn, static_cast<double>(lr));
  detail::check_warmup(fn, num_warmup_steps);
  parameters p;
  p.num_warmup_steps = num_warmup_steps;
  p.timescale = timescale ? *timescale : (num_warmup_steps != 0 ? num_warmup_steps : 10000);
  ::lrs::detail::require_positive(fn, "timescale", p.timescale);
  return schedule<T>(kind::inverse_sqrt, lr, p);
}

/// transformers' `get_cosine_with_min_lr_schedule_with_warmup(optimizer, num_warmup_steps,
/// num_training_steps, num_cycles=0.5, min_lr=None, min_lr_rate=None)`: the cosine of
/// get_cosine_schedule_with_warmup lifted to a floor, `lambda(t) = max(0, c (1 - r) + r)` with
/// `r = min_lr_rate`, or `min_lr / lr` (lr is the optimizer's default LR). Rises again past
/// num_training_steps like the cosine.
/// @throws lrs::invalid_argument unless exactly one of min_lr (in [0, lr], lr > 0) and
/// min_lr_rate (in [0, 1]) is given; as get_cosine_schedule_with_warmup for the others.
template <class T = double>
[[nodiscard]] schedule<T> get_cosine_with_min_lr_schedule_with_warmup(
    T lr, step_t num_warmup_steps, step_t num_training_steps, double num_cycles = 0.5,
    std::optional<double> min_lr = {}, std::optional<double> min_lr_rate = {}) {
  const char* fn = "hf::get_cosine_with_min_lr_schedule_with_warmup";
  detail::check_lr(fn, static_cast<double>(lr));
  detail::check_warmup(fn, num_warmup_steps);
  detail::check_training(fn, num_warmup_steps, num_training_steps);
  detail::check_cycles(fn, num_cycles);
  parameters p;
  p.num_warmup_steps = num_warmup_steps;
  p.num_training_steps = num_training_steps;
  p.num_cycles = num_cycles;
  p.min_lr_rate = detail::min_lr_rate_of(fn, static_cast<double>(lr), min_lr, min_lr_rate);
  return schedule<T>(kind::cosine, lr, p);
}

/// transformers' `get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer,
/// num_warmup_steps, num_training_steps, num_cycles=0.5, min_lr=None, min_lr_rate=None,
/// warmup_lr_rate=None)`, in floating point throughout:
/// warm-up `(t + 1) / max(1, w)` (warmup_lr_rate None) or
/// `wr + (1 - wr) t / max(1, w - 1)`; then `p = (t - w + 1) / max(1, N - w)` and
/// `lambda(t) = max(0, 0.5 (1 + cos(pi * num_cycles * 2 * p)) (1 - r) + r)`.
/// The "+ 1" makes the warm-up reach 1 at t = w - 1 and the floor at t = N - 1, one step
/// earlier than get_cosine_with_min_lr_schedule_with_warmup; past that it rises again.
/// @throws lrs::invalid_argument as get_cosine_with_min_lr_schedule_with_warmup, and if
/// warmup_lr_rate is outside [0, 1].
template <class T = double>
[[nodiscard]] schedule<T> get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
    T lr, step_t num_warmup_steps, step_t num_training_steps, double num_cycles = 0.5,
    std::optional<double> min_lr = {}, std::optional<double> min_lr_rate = {},
    std::optional<double> warmup_lr_rate = {}) {
  const char* fn = "hf::get_cosine_with_min_lr_schedule_with_warmup_lr_rate";
  detail::check_lr(fn, static_cast<double>(lr));
  detail::check_warmup(fn, num_warmup_steps);
  detail::check_training(fn, num_warmup_steps, num_training_steps);
  detail::check_cycles(fn, num_cycles);
  if (warmup_lr_rate)
    ::lrs::detail::require_in_range(fn, "warmup_lr_rate", *warmup_lr_rate, 0.0, 1.0);
  parameters p;
  p.num_warmup_steps = num_warmup_steps;
  p.num_training_steps = num_training_steps;
  p.num_cycles = num_cycles;
  p.min_lr_rate = detail::min_lr_rate_of(fn, static_cast<double>(lr), min_lr, min_lr_rate);
  p.warmup_lr_rate = warmup_lr_rate;
  return schedule<T>(kind::cosine_with_min_lr_lr_rate, lr, p);
}

/// transformers' `get_wsd_schedule(optimizer, num_warmup_steps, num_decay_steps,
/// num_training_steps=None, num_stable_steps=None, warmup_type="linear", decay_type="cosine",
/// min_lr_ratio=0, num_cycles=0.5)`: warm-up from min_lr_ratio (not 0) to 1 with
/// `p = t / max(1, w)` and shape linear `p`, cosine `(1 - cos(pi p)) / 2` or 1-sqrt
/// `1 - sqrt(1 - p)`, lifted `f (1 - m) + m`; 1 for num_stable_steps; decay over num_decay_steps
/// with `p = (t - w - s) / max(1, d)` and shape linear `1 - p`, cosine
/// `0.5 (1 + cos(pi * num_cycles * 2 p))` or 1-sqrt `1 - sqrt(p)`, lifted; then min_lr_ratio.
/// num_stable_steps defaults to num_training_steps - w - d; when both are given,
/// num_stable_steps is used (transformers warns).
/// @throws lrs::invalid_argument if neither num_training_steps nor num_stable_steps is given,
/// the stable phase is negative, a step count is negative, min_lr_ratio is outside [0, 1] or
/// num_cycles < 0.
template <class T = double>
[[nodiscard]] schedule<T> get_wsd_schedule(T lr, step_t num_warmup_steps, step_t num_decay_steps,
                                           std::optional<step_t> num_training_steps = {},
                                           std::optional<step_t> num_stable_steps = {},
                                           wsd_type warmup_type = wsd_type::linear,
                                           wsd_type decay_type = wsd_type::cosine,
                                           double min_lr_ratio = 0, double num_cycles = 0.5) {
  const char* fn = "hf::get_wsd_schedule";
  detail::check_lr(fn, static_cast<double>(lr));
  detail::check_warmup(fn, num_warmup_steps);
  ::lrs::detail::require_non_negative(fn, "num_decay_steps", num_decay_steps);
  if (!num_training_steps && !num_stable_steps)
    LRS_THROW(::lrs::invalid_argument(
        "lrs::hf::get_wsd_schedule: either num_training_steps or num_stable_steps must be "
        "specified, got neither"));
  step_t stable = 0;
  if (num_stable_steps) {
    ::lrs::detail::require_non_negative(fn, "num_stable_steps", *num_stable_steps);
    stable = *num_stable_steps;
  } else {
    // num_warmup_steps + num_decay_steps may pass 2^63 - 1; it fits in 64 unsigned bits.
    const std::uint64_t need =
        static_cast<std::uint64_t>(num_warmup_steps) + static_cast<std::uint64_t>(num_decay_steps);
    ::lrs::detail::require(
        *num_training_steps >= 0 && static_cast<std::uint64_t>(*num_training_steps) >= need, fn,
        "num_training_steps",
        ">= num_warmup_steps + num_decay_steps (" + std::to_string(need) + ")",
        *num_training_steps);
    stable = *num_training_steps - num_warmup_steps - num_decay_steps;
  }
  ::lrs::detail::require_in_range(fn, "min_lr_ratio", min_lr_ratio, 0.0, 1.0);
  detail::check_cycles(fn, num_cycles);
  parameters p;
  p.num_warmup_steps = num_warmup_steps;
  p.num_decay_steps = num_decay_steps;
  p.num_stable_steps = stable;
  // The end of the decay; step_max when it lies beyond (transformers' sum is unbounded).
  p.num_training_steps =
      ::lrs::detail::add_sat(::lrs::detail::add_sat(num_warmup_steps, stable), num_decay_steps);
  p.warmup_type = warmup_type;
  p.decay_type = decay_type;
  p.min_lr_ratio = min_lr_ratio;
  p.num_cycles = num_cycles;
  return schedule<T>(kind::wsd, lr, p);
}

}  // namespace lrs::hf

#endif  // LRS_SCHEDULES_HF_HPP
