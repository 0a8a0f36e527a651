// SPDX-License-Identifier: MIT
// Budget profiles p(z), z in [0, 1]: constant, linear, cosine, REX, exponential, step, ...
#ifndef LRS_SCHEDULES_PROFILES_HPP
#define LRS_SCHEDULES_PROFILES_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>

/// Profiles: the shape of a budgeted schedule as a function of the fraction of the budget used,
/// `z = t / T` in [0, 1], returning a factor of the peak learning rate (REX paper's "profile").
/// Any copyable callable `T(T z)` is a profile; the built-ins below are small value types whose
/// `operator()` is a template, so one object serves `float` and `double` schedules.
/// Chen, Wolfe & Kyrillidis, "REX: Revisiting Budgeted Training with an Improved Schedule",
/// arXiv:2107.04197.
namespace lrs::profiles {

/// p(z) = 1: no decay (the REX paper's "None" baseline).
struct constant {
  /// p(z) = 1.
  template <class T>
  [[nodiscard]] T operator()(T /*z*/) const noexcept {
    return T(1);
  }
};

/// p(z) = 1 - z: linear decay to zero.
struct linear {
  /// p(z) = 1 - z.
  template <class T>
  [[nodiscard]] T operator()(T z) const noexcept {
    return T(1) - z;
  }
};

/// p(z) = (1 + cos(pi z)) / 2: cosine decay to zero (Loshchilov & Hutter, arXiv:1608.03983).
struct cosine {
  /// p(z) = (1 + cos(pi z)) / 2.
  template <class T>
  [[nodiscard]] T operator()(T z) const noexcept {
    return (T(1) + std::cos(detail::pi_v<T> * z)) / T(2);
  }
};

/// REX: p(z) = (1 - z) / (1 - d z), shape d in [0, 1].
///
/// d = 0.5 is the paper's REX, (1 - z) / (1 - z/2); d = 0.9 is the variant in the co-author's
/// code (wolfecameron/LRSchedules `rex_decay`, also the "Demon" momentum formula); d = 0 is
/// linear; d = 1 holds 1 until z = 1 (defined as 0 there).
/// Chen, Wolfe & Kyrillidis, arXiv:2107.04197.
/// @throws lrs::invalid_argument if d is not in [0, 1].
struct rex {
  /// @param d the REX shape parameter in [0, 1] (0 is linear). @throws lrs::invalid_argument if d
  /// is outside [0, 1].
  explicit rex(double d = 0.5) : d_(d) { detail::require_in_range("rex", "d", d, 0.0, 1.0); }
  /// p(z) = (1 - z) / (1 - d z), and 0 at z = 1.
  template <class T>
  [[nodiscard]] T operator()(T z) const noexcept {
    const T den = T(1) - static_cast<T>(d_) * z;
    // d = 1 at z = 1 is 0/0; the limit from the left is 1 but the profile ends at 0.
    return den > T(0) ? (T(1) - z) / den : T(0);
  }
  /// The shape parameter d.
  [[nodiscard]] double d() const noexcept { return d_; }

 private:
  double d_;
};

/// p(z) = exp(-rate z): exponential decay; p(1) = exp(-rate), not 0.
/// The default rate 4 is that of the co-author's code (wolfecameron/LRSchedules `profiles.py`).
/// @throws lrs::invalid_argument if rate < 0 or not finite.
struct exponential {
  /// @param rate the decay rate, >= 0. @throws lrs::invalid_argument if rate < 0 or not finite.
  explicit exponential(double rate = 4.0) : rate_(rate) {
    detail::require_non_negative("exponential", "rate", rate);
  }
  /// p(z) = exp(-rate z).
  template <class T>
  [[nodiscard]] T operator()(T z) const noexcept {
    return std::exp(-static_cast<T>(rate_) * z);
  }
  /// The decay rate.
  [[nodiscard]] double rate() const noexcept { return rate_; }

 private:
  double rate_;
};

/// Step decay: p(z) = gamma^k, k = the number of fractions f_i with f_i <= z.
/// The default is the "30-60-90" preset: x0.1 at 30%, 60% and 90% of the budget (the name of the
/// REX paper's baseline; its exact milestones are not stated in the paper).
/// @throws lrs::invalid_argument if gamma is not in [0, 1], a fraction is not in (0, 1], or the
/// fractions are not strictly increasing.
struct step {
  /// @param gamma the factor per milestone in [0, 1]. @param fractions the milestones, increasing
  /// in (0, 1]. @throws lrs::invalid_argument if gamma is outside [0, 1] or fractions are not
  /// increasing in (0, 1].
  explicit step(double gamma = 0.1, std::vector<double> fractions = {0.3, 0.6, 0.9})
      : gamma_(gamma), fractions_(std::move(fractions)) {
    detail::require_in_range("step", "gamma", gamma, 0.0, 1.0);
    for (std::size_t i = 0; i < fractions_.size(); ++i) {
      detail::require_in_range("step", "fractions", fractions_[i], 0.0, 1.0, true, false);
      if (i > 0)
        detail::require(fractions_[i] > fractions_[i - 1], "step", "fractions",
                        "strictly increasing", fractions_[i]);
    }
  }
  /// p(z) = gamma^(number of fractions <= z).
  template <class T>
  [[nodiscard]] T operator()(T z) const noexcept {
    T f = T(1);
    for (const double m : fractions_) {
      if (z < static_cast<T>(m)) break;
      f *= static_cast<T>(gamma_);
    }
    return f;
  }
  /// The factor per milestone.
  [[nodiscard]] double gamma() const noexcept { return gamma_; }
  /// The milestones as fractions of the budget.
  [[nodiscard]] const std::vector<double>& fractions() const noexcept { return fractions_; }

 private:
  double gamma_;
  std::vector<double> fractions_;
};

/// p(z) = (1 - z)^power: polynomial decay to zero (power 1 is linear, 2 quadratic).
/// @throws lrs::invalid_argument if power <= 0 or not finite.
struct polynomial {
  /// @param power the exponent, > 0. @throws lrs::invalid_argument if power <= 0 or not finite.
  explicit polynomial(double power = 1.0) : power_(power) {
    detail::require_positive("polynomial", "power", power);
    if (power == 1.0 || power == 2.0 || power == 3.0) whole_ = static_cast<int>(power);
  }
  /// p(z) = (1 - z)^power.
  template <class T>
  [[nodiscard]] T operator()(T z) const noexcept {
    const T x = T(1) - z;
    // Small whole powers multiply: std::pow costs several times more.
    switch (whole_) {
      case 1:
        return x;
      case 2:
        return x * x;
      case 3:
        return x * x * x;
      default:
        return std::pow(x, static_cast<T>(power_));
    }
  }
  /// The exponent.
  [[nodiscard]] double power() const noexcept { return power_; }

 private:
  double power_;
  int whole_ = 0;
};

/// Inverse square root: p(z) = 1 / sqrt(1 + z / timescale), timescale a fraction of the budget.
/// In steps this is sqrt(tau / (tau + t)) with tau = timescale * T, the "rsqrt" decay of T5 and
/// big_vision (Vaswani et al.'s 1/sqrt(t) after warmup, shifted to start at 1). It does not reach
/// zero: p(1) = sqrt(timescale / (1 + timescale)).
/// @throws lrs::invalid_argument if timescale <= 0 or not finite.
struct inverse_sqrt {
  /// @param timescale tau, a fraction of the budget, > 0. @throws lrs::invalid_argument if
  /// timescale <= 0 or not finite.
  explicit inverse_sqrt(double timescale = 0.01) : timescale_(timescale) {
    detail::require_positive("inverse_sqrt", "timescale", timescale);
  }
  /// p(z) = 1 / sqrt(1 + z / timescale).
  template <class T>
  [[nodiscard]] T operator()(T z) const noexcept {
    return T(1) / std::sqrt(T(1) + z / static_cast<T>(timescale_));
  }
  /// The timescale tau.
  [[nodiscard]] double timescale() const noexcept { return timescale_; }

 private:
  double timescale_;
};

/// The cool-down shape of a warmup-stable-decay profile, over u in [0, 1] from 1 to 0.
enum class decay_shape {
  linear,      ///< 1 - u
  cosine,      ///< (1 + cos(pi u)) / 2
  one_sqrt,    ///< 1 - sqrt(u)  (Hägele et al., arXiv:2405.18392)
  one_square,  ///< 1 - u^2
};

}  // namespace lrs::profiles

namespace lrs {
/// The spec names of the decay shapes; "sqrt", "one_sqrt", "square", "one_square" are aliases.
template <>
struct enum_names<profiles::decay_shape> {
  using shape = profiles::decay_shape;  ///< the enum
  /// Each decay shape with its spec name.
  static constexpr enum_name<shape> table[] = {
      {shape::linear, "linear"},     {shape::cosine, "cosine"},
      {shape::one_sqrt, "1-sqrt"},   {shape::one_square, "1-square"},
      {shape::one_sqrt, "sqrt"},     {shape::one_sqrt, "one_sqrt"},
      {shape::one_square, "square"}, {shape::one_square, "one_square"}};
};
}  // namespace lrs

namespace lrs::profiles {

/// The spec name of a decay shape: "linear", "cosine", "1-sqrt", "1-square".
[[nodiscard]] inline std::string_view to_string(decay_shape s) noexcept {
  return name_of(s);
}

/// Warmup-stable-decay (the warmup is the budgeted schedule's): p(z) = 1 for z < 1 - decay,
/// then shape(u) with u = (z - (1 - decay)) / decay.
/// Hu et al., "MiniCPM", arXiv:2404.06395; Hägele et al., "Scaling Laws and Compute-Optimal
/// Training Beyond Fixed Training Durations", arXiv:2405.18392 (1-sqrt cool-down).
/// @throws lrs::invalid_argument if decay is not in (0, 1].
struct wsd {
  /// @param decay the fraction of the budget spent decaying, in (0, 1]. @param shape the decay's
  /// shape. @throws lrs::invalid_argument if decay is outside (0, 1].
  explicit wsd(double decay = 0.2, decay_shape shape = decay_shape::linear)
      : decay_(decay), shape_(shape) {
    detail::require_in_range("wsd", "decay", decay, 0.0, 1.0, true, false);
  }
  /// 1 before the decay, then shape(u), u = (z - (1 - decay)) / decay.
  template <class T>
  [[nodiscard]] T operator()(T z) const noexcept {
    const T start = T(1) - static_cast<T>(decay_);
    if (z < start) return T(1);
    // u = 0 exactly at the start of the decay, and 1 exactly at z = 1 (rounding would leave
    // 1 - u ~ 1e-16 there).
    const T u = z < T(1) ? std::min(T(1), (z - start) / static_cast<T>(decay_)) : T(1);
    switch (shape_) {
      case decay_shape::linear:
        return T(1) - u;
      case decay_shape::cosine:
        return (T(1) + std::cos(detail::pi_v<T> * u)) / T(2);
      case decay_shape::one_sqrt:
        return T(1) - std::sqrt(u);
      case decay_shape::one_square:
        return T(1) - u * u;
    }
    return T(1) - u;
  }
  /// The decay fraction.
  [[nodiscard]] double decay() const noexcept { return decay_; }
  /// The decay shape.
  [[nodiscard]] decay_shape shape() const noexcept { return shape_; }

 private:
  double decay_;
  decay_shape shape_;
};

}  // namespace lrs::profiles

#endif  // LRS_SCHEDULES_PROFILES_HPP
