// SPDX-License-Identifier: MIT
// lrs::timm: the schedules of timm (pytorch-image-models, timm/scheduler): CosineLRScheduler,
// TanhLRScheduler, StepLRScheduler, MultiStepLRScheduler, PolyLRScheduler, with timm's numbers.
#ifndef LRS_SCHEDULES_TIMM_HPP
#define LRS_SCHEDULES_TIMM_HPP

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>

/// timm's schedulers, indexed by t: with `t_in_epochs=False` t is the update count passed to
/// `step_update(num_updates=t)`, with `t_in_epochs=True` (timm's default) the epoch passed to
/// `step(epoch)`. Value at t = 0 is what the constructor leaves in the optimizer (`warmup_lr_init`
/// with a warm-up, else the base LR); value at t >= 1 is timm's `_get_lr(t)`. `base_lr` is the
/// optimizer's LR (timm multiplies nothing: its values are absolute, starting from that LR).
namespace lrs::timm {

/// timm's LR noise (`Scheduler._add_noise`), off unless `enabled`. At t >= 1 in the range
/// (`noise_range_t=begin`: t >= begin, `end` empty; `noise_range_t=[begin, end]`:
/// begin <= t < end) the value v becomes v + v * noise with, as timm draws it on PyTorch's CPU
/// generator seeded with `noise_seed + t` (mt19937, seed taken mod 2^32):
///   normal:  torch.randn(1) (float32) drawn again until |noise| < pct (Box-Muller pairs on
///            53-bit uniforms, the second of a pair cached in the generator as PyTorch does);
///   uniform: 2 (torch.rand(1) - 0.5) pct (24-bit float32 uniform).
/// timm ignores `noise_std`; its five schedules always draw `normal`.
///
/// Where timm differs: timm redraws for ever. A draw falls inside pct with probability about
/// 0.8 pct, so a tiny pct takes minutes per step (1e-8), and below the smallest float32 (~1.4e-45)
/// no draw ever does. lrs draws at most `max_pairs` Box-Muller pairs per step and, if none falls
/// inside, adds no noise at that step (0 is inside the promise |noise| < pct). For pct >= 1e-5
/// the chance of reaching the bound is below 1e-7 per step, so the values are timm's.
///
/// Preconditions (validate()): 0 < pct <= 1 (noise > -1, so the LR stays >= 0; timm lets
/// pct > 1 make it negative), begin >= 0, end >= 0 when given.
struct noise_options {
  /// The noise distribution: normal (timm's) or uniform.
  enum class kind { normal, uniform };
  /// Box-Muller pairs drawn at most per step before the noise at that step is taken as 0.
  static constexpr std::uint32_t max_pairs = std::uint32_t{1} << 20;

  bool enabled = false;       ///< add noise at all
  step_t begin = 0;           ///< first step with noise
  std::optional<step_t> end;  ///< exclusive; empty: no end (timm's scalar noise_range_t)
  double pct = 0.67;          ///< |noise| < pct
  std::uint64_t seed = 42;    ///< the generator's seed (timm's noise_seed)
  kind type = kind::normal;   ///< the distribution

  /// Sets `enabled` (see the field); returns *this for chaining.
  constexpr noise_options& with_enabled(bool v) noexcept {
    enabled = v;
    return *this;
  }
  /// Sets `begin` (see the field); returns *this for chaining.
  constexpr noise_options& with_begin(step_t v) noexcept {
    begin = v;
    return *this;
  }
  /// Sets `end` (see the field); returns *this for chaining.
  noise_options& with_end(std::optional<step_t> v) noexcept {
    end = v;
    return *this;
  }
  /// Sets `pct` (see the field); returns *this for chaining.
  constexpr noise_options& with_pct(double v) noexcept {
    pct = v;
    return *this;
  }
  /// Sets `seed` (see the field); returns *this for chaining.
  constexpr noise_options& with_seed(std::uint64_t v) noexcept {
    seed = v;
    return *this;
  }
  /// Sets `type` (see the field); returns *this for chaining.
  constexpr noise_options& with_type(kind v) noexcept {
    type = v;
    return *this;
  }
  /// Whether noise is added at step t.
  [[nodiscard]] bool applies(step_t t) const noexcept {
    return enabled && begin <= t && (!end || t < *end);
  }
  /// @throws lrs::invalid_argument if enabled and pct is outside (0, 1], begin < 0 or end < 0.
  void validate(const char* type_name) const {
    if (!enabled) return;
    lrs::detail::require(pct > 0 && pct <= 1, type_name, "noise_pct",
                         "in (0, 1] (the LR becomes lr + lr * noise with |noise| < noise_pct: "
                         "above 1 it can be negative)",
                         pct);
    lrs::detail::require_non_negative(type_name, "noise_range_t", begin);
    if (end) lrs::detail::require_non_negative(type_name, "noise_range_t", *end);
  }
  /// The noise timm adds at t (its `_calculate_noise(t)`), or 0 when max_pairs normal pairs
  /// all fall outside pct.
  [[nodiscard]] double draw(step_t t) const noexcept {
    std::mt19937 g(
        static_cast<std::uint32_t>((seed + static_cast<std::uint64_t>(t)) & 0xffffffffu));
    if (type == kind::uniform) {
      const std::uint32_t r = static_cast<std::uint32_t>(g());
      const float x =
          static_cast<float>(r & ((1u << 24) - 1)) * (1.0f / static_cast<float>(1u << 24));
      return 2 * (static_cast<double>(x) - 0.5) * pct;
    }
    const auto uniform53 = [&g] {
      const std::uint64_t hi = static_cast<std::uint32_t>(g());
      const std::uint64_t lo = static_cast<std::uint32_t>(g());
      const std::uint64_t r = (hi << 32) | lo;
      return static_cast<double>(r & ((std::uint64_t{1} << 53) - 1)) *
             (1.0 / 9007199254740992.0);  // 2^-53
    };
    for (std::uint32_t k = 0; k < max_pairs; ++k) {
      const double u1 = uniform53();
      const double u2 = uniform53();
      // A pair both of whose values are surely outside pct is skipped without the logarithm and
      // the trigonometry (most pairs when pct is small): with theta = 2 pi u1 and d = |4 u1 - j|
      // for the nearest whole j, min(|cos theta|, |sin theta|) >= d - 1e-14 (rounding of theta
      // included), and r >= sqrt(2 u2) since -log(1 - u) >= u; compared squared. The margins
      // cover the rounding of r, of the product and of the float32 conversion (to a denormal:
      // 2^-150 at most).
      const double q = 4.0 * u1;
      const double d = std::fabs(q - std::round(q)) - 1e-14;
      if (d > 0 && 2.0 * u2 * d * d * (1.0 - 1e-5) >= (pct + 1e-44) * (pct + 1e-44)) continue;
      const double r = std::sqrt(-2.0 * std::log1p(-u2));
      const double theta = 2.0 * lrs::detail::pi_v<double> * u1;
      const double first = static_cast<double>(static_cast<float>(r * std::cos(theta)));
      if (std::fabs(first) < pct) return first;
      const double second = static_cast<double>(static_cast<float>(r * std::sin(theta)));
      if (std::fabs(second) < pct) return second;
    }
    return 0.0;
  }
  /// The value v at step t with the noise added (v when the noise does not apply at t).
  template <class T>
  [[nodiscard]] T apply(step_t t, T v) const {
    return applies(t) ? v + v * static_cast<T>(draw(t)) : v;
  }
  /// The largest value the noise can give for a value of at most max.
  template <class T>
  [[nodiscard]] T bound(T max) const noexcept {
    return enabled ? max * static_cast<T>(1 + pct) : max;
  }
};

namespace detail {

/// The cycle timm's cosine/tanh/poly schedulers put t in, computed as timm does:
///   cycle_mul != 1: i = floor(log(1 - t / t_initial * (1 - m)) / log(m)),
///                   t_i = m^i * t_initial, t_curr = t - (1 - m^i) / (1 - m) * t_initial
///   cycle_mul == 1: i = t // t_initial, t_i = t_initial, t_curr = t - t_initial * i
/// (floating-point rounding can put an exact restart step into the previous cycle).
template <class T>
struct cycle_position {
  T i, t_i, t_curr;
};

template <class T>
cycle_position<T> find_cycle(step_t t, step_t t_initial, T cycle_mul) {
  if (cycle_mul != T(1)) {
    const T x = T(1) - static_cast<T>(t) / static_cast<T>(t_initial) * (T(1) - cycle_mul);
    const T i = std::floor(std::log(x) / std::log(cycle_mul));
    const T mi = std::pow(cycle_mul, i);
    return {i, mi * static_cast<T>(t_initial),
            static_cast<T>(t) - (T(1) - mi) / (T(1) - cycle_mul) * static_cast<T>(t_initial)};
  }
  const step_t i = t / t_initial;
  return {static_cast<T>(i), static_cast<T>(t_initial), static_cast<T>(t - t_initial * i)};
}

/// The warm-up and cycle parameters timm's cosine, tanh and poly schedulers share.
template <class T>
struct cycle_params {
  T base_lr;
  step_t t_initial;
  T lr_min, cycle_mul, cycle_decay;
  step_t cycle_limit, warmup_t;
  T warmup_lr_init;
  bool warmup_prefix, t_in_epochs;

  void validate(const char* type) const {
    lrs::detail::require_non_negative(type, "base_lr", base_lr);
    lrs::detail::require_positive(type, "t_initial", t_initial);
    lrs::detail::require_non_negative(type, "lr_min", lr_min);
    lrs::detail::require_finite(type, "cycle_mul", cycle_mul);
    lrs::detail::require(cycle_mul >= T(1), type, "cycle_mul",
                         ">= 1 (timm takes log(1 - t / t_initial * (1 - cycle_mul)), which is "
                         "undefined for large t when cycle_mul < 1)",
                         cycle_mul);
    lrs::detail::require_non_negative(type, "cycle_decay", cycle_decay);
    lrs::detail::require_non_negative(type, "cycle_limit", cycle_limit);
    lrs::detail::require_non_negative(type, "warmup_t", warmup_t);
    lrs::detail::require_non_negative(type, "warmup_lr_init", warmup_lr_init);
    lrs::detail::require(std::isfinite(peak()), type, "cycle_decay",
                         "small enough that base_lr * cycle_decay^(cycle_limit - 1) is finite",
                         cycle_decay);
  }
  /// The largest cycle peak: base_lr * cycle_decay^i over the cycles i < cycle_limit.
  [[nodiscard]] T peak() const {
    if (cycle_decay <= T(1) || cycle_limit <= 1) return base_lr;
    return base_lr * std::pow(cycle_decay, static_cast<T>(cycle_limit - 1));
  }
  [[nodiscard]] T max_value() const { return std::max({peak(), lr_min, warmup_lr_init}); }
};

/// timm's `c * t_curr ** k / t_i ** k`, evaluated left to right as Python does (t_curr below 0
/// by rounding counts as 0). Where a power overflows (k_decay = 60 and t_i = 1e6: Python raises
/// OverflowError, the C++ quotient is inf / inf = NaN) it is c * (t_curr / t_i) ** k instead,
/// the same number without the overflow, with the power kept at most 2 so that cos(pi x) stays
/// defined.
template <class T>
T k_fraction(T c, T t_curr, T t_i, T k) {
  const T tc = std::max(t_curr, T(0));
  const T num = c * std::pow(tc, k);
  const T den = std::pow(t_i, k);
  if (std::isfinite(num) && std::isfinite(den) && den > T(0)) return num / den;
  return c * std::min(std::pow(tc / t_i, k), T(2));
}

/// Python's float floor division a // b for a >= 0, b > 0 (CPython's float_divmod).
template <class T>
T py_floordiv(T a, T b) {
  const T mod = std::fmod(a, b);
  const T div = (a - mod) / b;
  if (div == T(0)) return T(0);
  T fl = std::floor(div);
  if (div - fl > T(0.5)) fl += T(1);
  return fl;
}

}  // namespace detail

/// Shared behaviour of the cycle schedulers: warm-up, prefix shift, cycle, cycle_limit.
/// `Shape` gives the in-cycle value shape(lr_max, t_curr, t_i).
template <class T, class Derived>
class cycle_scheduler_base {
 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::timm: step must be >= 0");
    if (step == 0) return p_.warmup_t > 0 ? p_.warmup_lr_init : p_.base_lr;
    return noise_.apply(step, get_lr(step));
  }
  /// timm's `_get_lr(t)` (what step(t) / step_update(t) sets), also for t = 0.
  [[nodiscard]] T get_lr(step_t t) const noexcept {
    if (t < p_.warmup_t) return p_.warmup_lr_init + static_cast<T>(t) * warmup_step_;
    return after_warmup(t);
  }
  /// The optimizer's LR the scheduler starts from (timm takes it from the param group), the peak of
  /// the first cycle.
  [[nodiscard]] T base_lr() const noexcept { return p_.base_lr; }
  /// The largest value over every step.
  [[nodiscard]] T max_value() const noexcept { return noise_.bound(p_.max_value()); }
  /// timm's noise_range_t / noise_pct / noise_seed (noise_options; disabled by default).
  [[nodiscard]] const noise_options& noise() const noexcept { return noise_; }
  /// timm's `t_initial`: the length of the first cycle in t units (> 0).
  [[nodiscard]] step_t t_initial() const noexcept { return p_.t_initial; }
  /// timm's `lr_min`: the value at the end of each cycle and after cycle_limit cycles (>= 0).
  [[nodiscard]] T lr_min() const noexcept { return p_.lr_min; }
  /// timm's `cycle_mul`: each cycle is cycle_mul (>= 1) times longer than the previous one.
  [[nodiscard]] T cycle_mul() const noexcept { return p_.cycle_mul; }
  /// timm's `cycle_decay`: cycle i peaks at base_lr * cycle_decay^i (>= 0).
  [[nodiscard]] T cycle_decay() const noexcept { return p_.cycle_decay; }
  /// timm's `cycle_limit`: the number of cycles (>= 0) before the LR stays at lr_min.
  [[nodiscard]] step_t cycle_limit() const noexcept { return p_.cycle_limit; }
  /// timm's `warmup_t`: the steps (>= 0) of the linear warm-up from warmup_lr_init.
  [[nodiscard]] step_t warmup_t() const noexcept { return p_.warmup_t; }
  /// timm's `warmup_lr_init`: the value at t = 0 when warmup_t > 0 (>= 0).
  [[nodiscard]] T warmup_lr_init() const noexcept { return p_.warmup_lr_init; }
  /// timm's `warmup_prefix`: when true the cycles start after the warm-up (t - warmup_t), else
  /// they run on the unshifted t.
  [[nodiscard]] bool warmup_prefix() const noexcept { return p_.warmup_prefix; }
  /// Whether t counts epochs (timm's default) or updates; the values per t are the same.
  [[nodiscard]] bool t_in_epochs() const noexcept { return p_.t_in_epochs; }

  /// @cond LRS_IMPLEMENTATION
 protected:
  /// @param p the cycle parameters, validated by the derived class. @param noise the noise options.
  cycle_scheduler_base(detail::cycle_params<T> p, noise_options noise) : p_(p), noise_(noise) {}
  /// Sets the warm-up to rise to `target` over warmup_t steps (timm's warmup_steps).
  void set_warmup_target(T target) {
    if (p_.warmup_t > 0) warmup_step_ = (target - p_.warmup_lr_init) / static_cast<T>(p_.warmup_t);
  }
  /// The LR at step t >= warmup_t: the derived shape in t's cycle, or lr_min past the cycle limit.
  [[nodiscard]] T after_warmup(step_t t) const noexcept {
    if (p_.warmup_prefix) t -= p_.warmup_t;
    const detail::cycle_position<T> c = detail::find_cycle(t, p_.t_initial, p_.cycle_mul);
    if (!(c.i < static_cast<T>(p_.cycle_limit))) return p_.lr_min;
    const T lr_max = p_.base_lr * std::pow(p_.cycle_decay, c.i);
    return static_cast<const Derived&>(*this).shape(lr_max, c.t_curr, c.t_i);
  }

  /// the cycle parameters
  detail::cycle_params<T> p_;
  /// the noise options
  noise_options noise_;
  /// the warm-up's increment per step
  T warmup_step_ = T(1);
  /// @endcond
};

/// timm's `CosineLRScheduler(optimizer, t_initial, lr_min=0., cycle_mul=1., cycle_decay=1.,
/// cycle_limit=1, warmup_t=0, warmup_lr_init=0., warmup_prefix=False, t_in_epochs=True,
/// ..., k_decay=1.0)` (SGDR, arXiv:1608.03983; k-decay, arXiv:2004.05909):
///
///   t < warmup_t: warmup_lr_init + t * (base_lr - warmup_lr_init) / warmup_t
///   else (t -= warmup_t if warmup_prefix): cycle i, t_curr, t_i as detail::find_cycle,
///     i < cycle_limit: lr_min + 0.5 (base_lr cycle_decay^i - lr_min)(1 + cos(pi t_curr^k / t_i^k))
///     else: lr_min
///
/// Without warmup_prefix the cosine runs on the unshifted t, so it starts at its value at
/// warmup_t (a jump after the ramp). t = 0 is the constructor's LR.
/// @throws lrs::invalid_argument if base_lr < 0, t_initial <= 0, lr_min < 0, cycle_mul < 1,
/// cycle_decay < 0, cycle_limit < 0, warmup_t < 0, warmup_lr_init < 0, k_decay <= 0, a peak
/// base_lr * cycle_decay^(cycle_limit - 1) that overflows, or a value that is not finite.
template <class T = double>
class cosine_lr_scheduler : public cycle_scheduler_base<T, cosine_lr_scheduler<T>> {
  static_assert(std::is_floating_point_v<T>,
                "lrs::timm::cosine_lr_scheduler<T>: T must be floating");
  using base = cycle_scheduler_base<T, cosine_lr_scheduler<T>>;
  friend base;

 public:
  /// @param base_lr the optimizer's LR, the peak of the first cycle (>= 0).
  /// @param t_initial length of the first cycle in t units (> 0).
  /// @param lr_min value at the end of a cycle and after the last one (>= 0).
  /// @param cycle_mul growth of the cycle length from one cycle to the next (>= 1).
  /// @param cycle_decay factor of the peak from one cycle to the next (>= 0).
  /// @param cycle_limit number of cycles (>= 0).
  /// @param warmup_t steps of linear warm-up (>= 0; 0: none).
  /// @param warmup_lr_init value at t = 0 of the warm-up (>= 0).
  /// @param warmup_prefix whether the cycles start after the warm-up.
  /// @param t_in_epochs whether t counts epochs (kept for the record; values are the same).
  /// @param k_decay timm's k of k-decay: the exponent applied to t_curr and t_i (> 0).
  /// @param noise timm's LR noise (off by default).
  /// @throws lrs::invalid_argument as listed for the class.
  cosine_lr_scheduler(T base_lr, step_t t_initial, T lr_min = T(0), T cycle_mul = T(1),
                      T cycle_decay = T(1), step_t cycle_limit = 1, step_t warmup_t = 0,
                      T warmup_lr_init = T(0), bool warmup_prefix = false, bool t_in_epochs = true,
                      T k_decay = T(1), noise_options noise = {})
      : base({base_lr, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, warmup_t,
              warmup_lr_init, warmup_prefix, t_in_epochs},
             noise),
        k_decay_(k_decay) {
    this->p_.validate("timm::cosine_lr_scheduler");
    noise.validate("timm::cosine_lr_scheduler");
    lrs::detail::require_positive("timm::cosine_lr_scheduler", "k_decay", k_decay);
    this->set_warmup_target(base_lr);
  }
  /// timm's `k_decay` (> 0): the cosine's argument is pi t_curr^k / t_i^k.
  [[nodiscard]] T k_decay() const noexcept { return k_decay_; }

 private:
  [[nodiscard]] T shape(T lr_max, T t_curr, T t_i) const noexcept {
    const T lr_min = this->p_.lr_min;
    // t_curr below 0 by rounding (see poly_lr_scheduler::shape) counts as 0.
    return lr_min +
           T(0.5) * (lr_max - lr_min) *
               (T(1) + std::cos(detail::k_fraction(lrs::detail::pi_v<T>, t_curr, t_i, k_decay_)));
  }
  T k_decay_;
};

/// timm's `PolyLRScheduler(optimizer, t_initial, power=0.5, lr_min=0., cycle_mul=1.,
/// cycle_decay=1., cycle_limit=1, warmup_t=0, warmup_lr_init=0., warmup_prefix=False,
/// t_in_epochs=True, ..., k_decay=1.0)`: as cosine_lr_scheduler with the in-cycle value
///
///   lr_min + (base_lr cycle_decay^i - lr_min) * (1 - t_curr^k / t_i^k)^power
///
/// @throws lrs::invalid_argument as cosine_lr_scheduler, and if power < 0 or not finite.
template <class T = double>
class poly_lr_scheduler : public cycle_scheduler_base<T, poly_lr_scheduler<T>> {
  static_assert(std::is_floating_point_v<T>, "lrs::timm::poly_lr_scheduler<T>: T must be floating");
  using base = cycle_scheduler_base<T, poly_lr_scheduler<T>>;
  friend base;

 public:
  /// @param base_lr the optimizer's LR, the peak of the first cycle (>= 0).
  /// @param t_initial length of the first cycle in t units (> 0).
  /// @param power exponent of the polynomial decay within a cycle (>= 0).
  /// @param lr_min value at the end of a cycle and after the last one (>= 0).
  /// @param cycle_mul growth of the cycle length from one cycle to the next (>= 1).
  /// @param cycle_decay factor of the peak from one cycle to the next (>= 0).
  /// @param cycle_limit number of cycles (>= 0).
  /// @param warmup_t steps of linear warm-up (>= 0; 0: none).
  /// @param warmup_lr_init value at t = 0 of the warm-up (>= 0).
  /// @param warmup_prefix whether the cycles start after the warm-up.
  /// @param t_in_epochs whether t counts epochs (kept for the record; values are the same).
  /// @param k_decay timm's k of k-decay: the exponent applied to t_curr and t_i (> 0).
  /// @param noise timm's LR noise (off by default).
  /// @throws lrs::invalid_argument as listed for the class.
  poly_lr_scheduler(T base_lr, step_t t_initial, T power = T(0.5), T lr_min = T(0),
                    T cycle_mul = T(1), T cycle_decay = T(1), step_t cycle_limit = 1,
                    step_t warmup_t = 0, T warmup_lr_init = T(0), bool warmup_prefix = false,
                    bool t_in_epochs = true, T k_decay = T(1), noise_options noise = {})
      : base({base_lr, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, warmup_t,
              warmup_lr_init, warmup_prefix, t_in_epochs},
             noise),
        power_(power),
        k_decay_(k_decay) {
    this->p_.validate("timm::poly_lr_scheduler");
    noise.validate("timm::poly_lr_scheduler");
    lrs::detail::require_non_negative("timm::poly_lr_scheduler", "power", power);
    lrs::detail::require_positive("timm::poly_lr_scheduler", "k_decay", k_decay);
    this->set_warmup_target(base_lr);
  }
  /// timm's `power` (>= 0): the exponent of (1 - t_curr^k / t_i^k).
  [[nodiscard]] T power() const noexcept { return power_; }
  /// timm's `k_decay` (> 0): the exponent applied to t_curr and t_i.
  [[nodiscard]] T k_decay() const noexcept { return k_decay_; }

 private:
  [[nodiscard]] T shape(T lr_max, T t_curr, T t_i) const noexcept {
    const T lr_min = this->p_.lr_min;
    // Rounding in the cycle search can leave t_curr a hair outside [0, t_i]; timm then raises a
    // negative number to a fractional power (a Python complex). lrs keeps the LR real: 0 there.
    const T x = std::max(T(0), T(1) - detail::k_fraction(T(1), t_curr, t_i, k_decay_));
    return lr_min + (lr_max - lr_min) * std::pow(x, power_);
  }
  T power_, k_decay_;
};

/// timm's `TanhLRScheduler(optimizer, t_initial, lb=-7., ub=3., lr_min=0., cycle_mul=1.,
/// cycle_decay=1., cycle_limit=1, warmup_t=0, warmup_lr_init=0., warmup_prefix=False,
/// t_in_epochs=True, ...)` (arXiv:1806.01593): in-cycle value, with tr = t_curr / t_i,
///
///   lr_min + 0.5 (base_lr cycle_decay^i - lr_min) (1 - tanh(lb (1 - tr) + ub tr))
///
/// The warm-up ramps to base_lr with warmup_prefix, else to the tanh value at warmup_t. Without a
/// warm-up, t = 0 is base_lr (the constructor's LR), not the formula's slightly lower value.
/// @throws lrs::invalid_argument as cosine_lr_scheduler (without k_decay), and if lb >= ub or
/// either is not finite.
template <class T = double>
class tanh_lr_scheduler : public cycle_scheduler_base<T, tanh_lr_scheduler<T>> {
  static_assert(std::is_floating_point_v<T>, "lrs::timm::tanh_lr_scheduler<T>: T must be floating");
  using base = cycle_scheduler_base<T, tanh_lr_scheduler<T>>;
  friend base;

 public:
  /// @param base_lr the optimizer's LR, the peak of the first cycle (>= 0).
  /// @param t_initial length of the first cycle in t units (> 0).
  /// @param lb the tanh argument at the start of a cycle (finite, < ub).
  /// @param ub the tanh argument at the end of a cycle (finite, > lb).
  /// @param lr_min value the tanh approaches at the end of a cycle and after the last one (>= 0).
  /// @param cycle_mul growth of the cycle length from one cycle to the next (>= 1).
  /// @param cycle_decay factor of the peak from one cycle to the next (>= 0).
  /// @param cycle_limit number of cycles (>= 0).
  /// @param warmup_t steps of linear warm-up (>= 0; 0: none).
  /// @param warmup_lr_init value at t = 0 of the warm-up (>= 0).
  /// @param warmup_prefix whether the cycles start after the warm-up.
  /// @param t_in_epochs whether t counts epochs (kept for the record; values are the same).
  /// @param noise timm's LR noise (off by default).
  /// @throws lrs::invalid_argument as listed for the class.
  tanh_lr_scheduler(T base_lr, step_t t_initial, T lb = T(-7), T ub = T(3), T lr_min = T(0),
                    T cycle_mul = T(1), T cycle_decay = T(1), step_t cycle_limit = 1,
                    step_t warmup_t = 0, T warmup_lr_init = T(0), bool warmup_prefix = false,
                    bool t_in_epochs = true, noise_options noise = {})
      : base({base_lr, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, warmup_t,
              warmup_lr_init, warmup_prefix, t_in_epochs},
             noise),
        lb_(lb),
        ub_(ub) {
    this->p_.validate("timm::tanh_lr_scheduler");
    noise.validate("timm::tanh_lr_scheduler");
    lrs::detail::require_finite("timm::tanh_lr_scheduler", "lb", lb);
    lrs::detail::require_finite("timm::tanh_lr_scheduler", "ub", ub);
    lrs::detail::require(lb < ub, "timm::tanh_lr_scheduler", "lb",
                         "< ub = " + lrs::detail::format_value(ub), lb);
    this->set_warmup_target(warmup_prefix ? base_lr : this->after_warmup(warmup_t));
  }
  /// timm's `lb`: the tanh argument at the start of each cycle.
  [[nodiscard]] T lb() const noexcept { return lb_; }
  /// timm's `ub`: the tanh argument at the end of each cycle.
  [[nodiscard]] T ub() const noexcept { return ub_; }

 private:
  [[nodiscard]] T shape(T lr_max, T t_curr, T t_i) const noexcept {
    const T lr_min = this->p_.lr_min;
    const T tr = t_curr / t_i;
    return lr_min + T(0.5) * (lr_max - lr_min) * (T(1) - std::tanh(lb_ * (T(1) - tr) + ub_ * tr));
  }
  T lb_, ub_;
};

namespace detail {
template <class T>
void validate_decay(const char* type, T base_lr, step_t warmup_t, T warmup_lr_init, T decay_rate) {
  lrs::detail::require_non_negative(type, "base_lr", base_lr);
  lrs::detail::require_non_negative(type, "warmup_t", warmup_t);
  lrs::detail::require_non_negative(type, "warmup_lr_init", warmup_lr_init);
  lrs::detail::require_in_range(type, "decay_rate", decay_rate, T(0), T(1));
}
}  // namespace detail

/// timm's `StepLRScheduler(optimizer, decay_t, decay_rate=1., warmup_t=0, warmup_lr_init=0.,
/// warmup_prefix=True, t_in_epochs=True, ...)`:
///
///   t < warmup_t: warmup_lr_init + t * (base_lr - warmup_lr_init) / warmup_t
///   else (t -= warmup_t if warmup_prefix): base_lr * decay_rate^(t // decay_t)
///
/// `//` is Python's floor division (decay_t may be fractional). t = 0 is the constructor's LR.
/// @throws lrs::invalid_argument if base_lr < 0, decay_t <= 0, decay_rate outside [0, 1]
/// (a growing LR has no bound), warmup_t < 0, warmup_lr_init < 0 or a value is not finite.
template <class T = double>
class step_lr_scheduler {
  static_assert(std::is_floating_point_v<T>, "lrs::timm::step_lr_scheduler<T>: T must be floating");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;
  /// @param base_lr the optimizer's LR, the value after the warm-up until the first decay (>= 0).
  /// @param decay_t t units between two decays (> 0; may be fractional, as in timm).
  /// @param decay_rate factor applied at each decay, in [0, 1].
  /// @param warmup_t steps of linear warm-up (>= 0; 0: none).
  /// @param warmup_lr_init value at t = 0 of the warm-up (>= 0).
  /// @param warmup_prefix whether the decays count from the end of the warm-up (timm's default).
  /// @param t_in_epochs whether t counts epochs (kept for the record; values are the same).
  /// @param noise timm's LR noise (off by default).
  /// @throws lrs::invalid_argument as listed for the class.
  step_lr_scheduler(T base_lr, T decay_t, T decay_rate = T(1), step_t warmup_t = 0,
                    T warmup_lr_init = T(0), bool warmup_prefix = true, bool t_in_epochs = true,
                    noise_options noise = {})
      : noise_(noise),
        base_lr_(base_lr),
        decay_t_(decay_t),
        decay_rate_(decay_rate),
        warmup_lr_init_(warmup_lr_init),
        warmup_t_(warmup_t),
        warmup_prefix_(warmup_prefix),
        t_in_epochs_(t_in_epochs) {
    detail::validate_decay("timm::step_lr_scheduler", base_lr, warmup_t, warmup_lr_init,
                           decay_rate);
    lrs::detail::require_positive("timm::step_lr_scheduler", "decay_t", decay_t);
    noise.validate("timm::step_scheduler");
    if (warmup_t > 0) warmup_step_ = (base_lr - warmup_lr_init) / static_cast<T>(warmup_t);
  }
  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::timm::step_lr_scheduler: step must be >= 0");
    if (step == 0) return warmup_t_ > 0 ? warmup_lr_init_ : base_lr_;
    return noise_.apply(step, get_lr(step));
  }
  /// timm's `_get_lr(t)`.
  [[nodiscard]] T get_lr(step_t step) const noexcept {
    if (step < warmup_t_) return warmup_lr_init_ + static_cast<T>(step) * warmup_step_;
    if (warmup_prefix_) step -= warmup_t_;
    return base_lr_ * std::pow(decay_rate_, detail::py_floordiv(static_cast<T>(step), decay_t_));
  }
  /// The optimizer's LR the scheduler starts from, the value before the first decay.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step: max(base_lr, warmup_lr_init), times 1 + pct with noise.
  [[nodiscard]] T max_value() const noexcept {
    return noise_.bound(std::max(base_lr_, warmup_lr_init_));
  }
  /// timm's noise_range_t / noise_pct / noise_seed (noise_options; disabled by default).
  [[nodiscard]] const noise_options& noise() const noexcept { return noise_; }
  /// timm's `decay_t`: the t units (> 0) between two decays.
  [[nodiscard]] T decay_t() const noexcept { return decay_t_; }
  /// timm's `decay_rate`: the factor applied at each decay, in [0, 1].
  [[nodiscard]] T decay_rate() const noexcept { return decay_rate_; }
  /// timm's `warmup_t`: the steps (>= 0) of the linear warm-up from warmup_lr_init.
  [[nodiscard]] step_t warmup_t() const noexcept { return warmup_t_; }
  /// timm's `warmup_lr_init`: the value at t = 0 when warmup_t > 0 (>= 0).
  [[nodiscard]] T warmup_lr_init() const noexcept { return warmup_lr_init_; }
  /// timm's `warmup_prefix`: when true the decays count from the end of the warm-up.
  [[nodiscard]] bool warmup_prefix() const noexcept { return warmup_prefix_; }
  /// Whether t counts epochs (timm's default) or updates; the values per t are the same.
  [[nodiscard]] bool t_in_epochs() const noexcept { return t_in_epochs_; }

 private:
  noise_options noise_;
  T base_lr_, decay_t_, decay_rate_, warmup_lr_init_;
  T warmup_step_ = T(1);
  step_t warmup_t_;
  bool warmup_prefix_, t_in_epochs_;
};

/// timm's `MultiStepLRScheduler(optimizer, decay_t, decay_rate=1., warmup_t=0,
/// warmup_lr_init=0., warmup_prefix=True, t_in_epochs=True, ...)`:
///
///   t < warmup_t: warmup_lr_init + t * (base_lr - warmup_lr_init) / warmup_t
///   else (t -= warmup_t if warmup_prefix): base_lr * decay_rate^bisect_right(decay_t, t + 1)
///
/// bisect_right(decay_t, t + 1) counts the milestones <= t + 1, so each decay takes effect one
/// step before its milestone (timm's quirk); a repeated milestone counts twice.
/// @throws lrs::invalid_argument if decay_t is not sorted ascending (timm bisects it) or holds a
/// value < 0, base_lr < 0, decay_rate outside [0, 1], warmup_t < 0, warmup_lr_init < 0, or a
/// value is not finite.
template <class T = double>
class multi_step_lr_scheduler {
  static_assert(std::is_floating_point_v<T>,
                "lrs::timm::multi_step_lr_scheduler<T>: T must be floating");

 public:
  /// The learning-rate type T, what operator() returns.
  using value_type = T;
  /// @param base_lr the optimizer's LR, the value after the warm-up until the first decay (>= 0).
  /// @param decay_t the milestones in t units (>= 0, sorted ascending; repeats count twice).
  /// @param decay_rate factor applied at each milestone, in [0, 1].
  /// @param warmup_t steps of linear warm-up (>= 0; 0: none).
  /// @param warmup_lr_init value at t = 0 of the warm-up (>= 0).
  /// @param warmup_prefix whether the milestones count from the end of the warm-up (timm's
  ///   default).
  /// @param t_in_epochs whether t counts epochs (kept for the record; values are the same).
  /// @param noise timm's LR noise (off by default).
  /// @throws lrs::invalid_argument as listed for the class.
  multi_step_lr_scheduler(T base_lr, std::vector<step_t> decay_t, T decay_rate = T(1),
                          step_t warmup_t = 0, T warmup_lr_init = T(0), bool warmup_prefix = true,
                          bool t_in_epochs = true, noise_options noise = {})
      : noise_(noise),
        base_lr_(base_lr),
        decay_rate_(decay_rate),
        warmup_lr_init_(warmup_lr_init),
        decay_t_(std::move(decay_t)),
        warmup_t_(warmup_t),
        warmup_prefix_(warmup_prefix),
        t_in_epochs_(t_in_epochs) {
    detail::validate_decay("timm::multi_step_lr_scheduler", base_lr, warmup_t, warmup_lr_init,
                           decay_rate);
    for (std::size_t k = 0; k < decay_t_.size(); ++k) {
      lrs::detail::require_non_negative("timm::multi_step_lr_scheduler", "decay_t", decay_t_[k]);
      lrs::detail::require(
          k == 0 || decay_t_[k - 1] <= decay_t_[k], "timm::multi_step_lr_scheduler", "decay_t",
          "sorted ascending (timm bisects it); out of order at index " + std::to_string(k),
          decay_t_[k]);
    }
    noise.validate("timm::step_scheduler");
    if (warmup_t > 0) warmup_step_ = (base_lr - warmup_lr_init) / static_cast<T>(warmup_t);
  }
  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::timm::multi_step_lr_scheduler: step must be >= 0");
    if (step == 0) return warmup_t_ > 0 ? warmup_lr_init_ : base_lr_;
    return noise_.apply(step, get_lr(step));
  }
  /// timm's `_get_lr(t)`.
  [[nodiscard]] T get_lr(step_t step) const noexcept {
    if (step < warmup_t_) return warmup_lr_init_ + static_cast<T>(step) * warmup_step_;
    if (warmup_prefix_) step -= warmup_t_;
    const auto n =
        std::upper_bound(decay_t_.begin(), decay_t_.end(), lrs::detail::add_sat(step, 1)) -
        decay_t_.begin();
    return base_lr_ * std::pow(decay_rate_, static_cast<T>(n));
  }
  /// The optimizer's LR the scheduler starts from, the value before the first milestone.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step: max(base_lr, warmup_lr_init), times 1 + pct with noise.
  [[nodiscard]] T max_value() const noexcept {
    return noise_.bound(std::max(base_lr_, warmup_lr_init_));
  }
  /// timm's noise_range_t / noise_pct / noise_seed (noise_options; disabled by default).
  [[nodiscard]] const noise_options& noise() const noexcept { return noise_; }
  /// timm's `decay_t`: the milestones in t units, sorted ascending.
  [[nodiscard]] const std::vector<step_t>& decay_t() const noexcept { return decay_t_; }
  /// timm's `decay_rate`: the factor applied at each milestone, in [0, 1].
  [[nodiscard]] T decay_rate() const noexcept { return decay_rate_; }
  /// timm's `warmup_t`: the steps (>= 0) of the linear warm-up from warmup_lr_init.
  [[nodiscard]] step_t warmup_t() const noexcept { return warmup_t_; }
  /// timm's `warmup_lr_init`: the value at t = 0 when warmup_t > 0 (>= 0).
  [[nodiscard]] T warmup_lr_init() const noexcept { return warmup_lr_init_; }
  /// timm's `warmup_prefix`: when true the milestones count from the end of the warm-up.
  [[nodiscard]] bool warmup_prefix() const noexcept { return warmup_prefix_; }
  /// Whether t counts epochs (timm's default) or updates; the values per t are the same.
  [[nodiscard]] bool t_in_epochs() const noexcept { return t_in_epochs_; }

 private:
  noise_options noise_;
  T base_lr_, decay_rate_, warmup_lr_init_;
  T warmup_step_ = T(1);
  std::vector<step_t> decay_t_;
  step_t warmup_t_;
  bool warmup_prefix_, t_in_epochs_;
};

}  // namespace lrs::timm

#endif  // LRS_SCHEDULES_TIMM_HPP
