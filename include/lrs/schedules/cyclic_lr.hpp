// SPDX-License-Identifier: MIT
// lrs::cyclic_lr: PyTorch's CyclicLR (triangular, triangular2, exp_range, custom scale_fn).
#ifndef LRS_SCHEDULES_CYCLIC_LR_HPP
#define LRS_SCHEDULES_CYCLIC_LR_HPP

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <type_traits>
#include <utility>

#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// CyclicLR's built-in amplitude policies.
enum class cyclic_mode { triangular, triangular2, exp_range };
/// What a custom scale_fn is evaluated on: the cycle number (from 1) or the step.
enum class cyclic_scale_mode { cycle, iterations };

/// PyTorch's names of the modes: "triangular", "triangular2", "exp_range".
template <>
struct enum_names<cyclic_mode> {
  /// The table read by name_of and parse_enum.
  static constexpr enum_name<cyclic_mode> table[] = {{cyclic_mode::triangular, "triangular"},
                                                     {cyclic_mode::triangular2, "triangular2"},
                                                     {cyclic_mode::exp_range, "exp_range"}};
};
/// PyTorch's names of the scale modes: "cycle", "iterations".
template <>
struct enum_names<cyclic_scale_mode> {
  /// The table read by name_of and parse_enum.
  static constexpr enum_name<cyclic_scale_mode> table[] = {
      {cyclic_scale_mode::cycle, "cycle"}, {cyclic_scale_mode::iterations, "iterations"}};
};

/// PyTorch's `torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000,
/// step_size_down=None, mode='triangular', gamma=1.0, scale_fn=None, scale_mode='cycle',
/// cycle_momentum=True, base_momentum=0.8, max_momentum=0.9)`. With S = up + down,
///
///   cycle = floor(1 + t / S),  x = 1 + t / S - cycle,
///   h = x / r if x <= r else (x - 1) / (r - 1),   r = up / S
///   lr(t)       = base_lr + (max_lr - base_lr) * h * scale
///   momentum(t) = max_momentum - (max_momentum - base_momentum) * h * scale
///
/// with scale = 1 (triangular), 1 / 2^(cycle-1) (triangular2), gamma^t (exp_range), or
/// scale_fn(cycle or t). The optimizer's own LR is not used: base_lr is the lower bound, as in
/// PyTorch. Cycles forever. Smith, "Cyclical Learning Rates for Training Neural Networks",
/// arXiv:1506.01186.
///
/// With a built-in mode the LR stays in [min(base_lr, max_lr), max(base_lr, max_lr)] and the
/// momentum between base_momentum and max_momentum at every step up to 2^63 - 1: exp_range
/// needs gamma <= 1 (gamma^t with gamma > 1 leaves the band and overflows; PyTorch raises
/// OverflowError once gamma^t exceeds the largest double).
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class cyclic_lr {
  static_assert(std::is_floating_point_v<T>, "lrs::cyclic_lr<T>: T must be a floating-point type");

 public:
  /// The learning-rate type T, what operator() and momentum() return.
  using value_type = T;
  /// A custom amplitude scale; must map [0, inf) into [0, 1] and be pure (@pre: lrs cannot check
  /// a callable; a scale outside [0, 1] takes the LR outside its band).
  using scale_fn_type = std::function<T(T)>;

  /// step_size_down = 0 means "same as step_size_up" (PyTorch's None).
  /// @throws lrs::invalid_argument if base_lr < 0, max_lr < 0, step_size_up <= 0,
  /// step_size_down < 0, gamma <= 0, gamma > 1 with mode exp_range, a momentum is outside
  /// [0, 1], or a value is not finite.
  cyclic_lr(T base_lr, T max_lr, step_t step_size_up = 2000, step_t step_size_down = 0,
            cyclic_mode mode = cyclic_mode::triangular, T gamma = T(1), bool cycle_momentum = true,
            T base_momentum = T(0.8), T max_momentum = T(0.9))
      : base_lr_(base_lr),
        max_lr_(max_lr),
        gamma_(gamma),
        base_momentum_(base_momentum),
        max_momentum_(max_momentum),
        up_(step_size_up),
        down_(step_size_down == 0 ? step_size_up : step_size_down),
        mode_(mode),
        scale_mode_(mode == cyclic_mode::exp_range ? cyclic_scale_mode::iterations
                                                   : cyclic_scale_mode::cycle),
        cycle_momentum_(cycle_momentum) {
    validate();
  }

  /// The same with a custom scale_fn evaluated on the cycle number or the step (mode is ignored,
  /// as in PyTorch).
  /// @throws lrs::invalid_argument as the other constructor, or if scale_fn is empty.
  cyclic_lr(T base_lr, T max_lr, step_t step_size_up, step_t step_size_down, scale_fn_type scale_fn,
            cyclic_scale_mode scale_mode = cyclic_scale_mode::cycle, bool cycle_momentum = true,
            T base_momentum = T(0.8), T max_momentum = T(0.9))
      : cyclic_lr(base_lr, max_lr, step_size_up, step_size_down, cyclic_mode::triangular, T(1),
                  cycle_momentum, base_momentum, max_momentum) {
    detail::require(static_cast<bool>(scale_fn), "cyclic_lr", "scale_fn", "a callable",
                    "an empty function");
    scale_fn_ = std::move(scale_fn);
    scale_mode_ = scale_mode;
  }

  /// @pre step >= 0.
  [[nodiscard]] T operator()(step_t step) const {
    T h, scale;
    shape(step, h, scale);
    return base_lr_ + (max_lr_ - base_lr_) * h * scale;
  }

  /// True unless built with cycle_momentum = false.
  [[nodiscard]] bool has_momentum() const noexcept { return cycle_momentum_; }

  /// The momentum for update `step`, cycling inversely to the LR. Without cycle_momentum, the
  /// optimizer's momentum is not touched and this returns NaN. @pre step >= 0.
  [[nodiscard]] T momentum(step_t step) const {
    if (!cycle_momentum_) return std::numeric_limits<T>::quiet_NaN();
    T h, scale;
    shape(step, h, scale);
    return max_momentum_ - (max_momentum_ - base_momentum_) * h * scale;
  }

  /// The same cycle with another lower bound (one PyTorch parameter group).
  /// @throws lrs::invalid_argument if base_lr is negative or not finite.
  [[nodiscard]] cyclic_lr with_base_lr(T base_lr) const {
    cyclic_lr out = *this;
    detail::require_non_negative("cyclic_lr", "base_lr", base_lr);
    out.base_lr_ = base_lr;
    return out;
  }
  /// The same cycle with other bounds (one PyTorch parameter group with its own max_lr).
  /// @throws lrs::invalid_argument if base_lr or max_lr is negative or not finite.
  [[nodiscard]] cyclic_lr with_lrs(T base_lr, T max_lr) const {
    cyclic_lr out = with_base_lr(base_lr);
    detail::require_non_negative("cyclic_lr", "max_lr", max_lr);
    out.max_lr_ = max_lr;
    return out;
  }

  /// PyTorch's CyclicLR.base_lr: the LR at the start of every cycle (h = 0), >= 0.
  [[nodiscard]] T base_lr() const noexcept { return base_lr_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  /// (With a custom scale_fn, under its precondition: values in [0, 1].)
  [[nodiscard]] T max_value() const noexcept { return std::max(base_lr_, max_lr_); }
  /// PyTorch's CyclicLR.max_lr: the LR at the peak of the first cycle (h = 1, scale = 1), >= 0.
  [[nodiscard]] T max_lr() const noexcept { return max_lr_; }
  /// PyTorch's CyclicLR.gamma: the per-step factor of exp_range's scale gamma^t (> 0; <= 1 with
  /// exp_range; unused by the other modes).
  [[nodiscard]] T gamma() const noexcept { return gamma_; }
  /// PyTorch's CyclicLR.step_size_up: the steps (> 0) from base_lr to the peak.
  [[nodiscard]] step_t step_size_up() const noexcept { return up_; }
  /// PyTorch's CyclicLR.step_size_down: the steps from the peak back to base_lr (step_size_up
  /// when built with 0, PyTorch's None).
  [[nodiscard]] step_t step_size_down() const noexcept { return down_; }
  /// PyTorch's CyclicLR.mode (triangular when built with a custom scale_fn).
  [[nodiscard]] cyclic_mode mode() const noexcept { return mode_; }
  /// What the scale is evaluated on: the cycle number or the step (iterations for exp_range, as
  /// in PyTorch; the given scale_mode with a custom scale_fn).
  [[nodiscard]] cyclic_scale_mode scale_mode() const noexcept { return scale_mode_; }

 private:
  void validate() const {
    constexpr const char* type = "cyclic_lr";
    detail::require_non_negative(type, "base_lr", base_lr_);
    detail::require_non_negative(type, "max_lr", max_lr_);
    detail::require_positive(type, "step_size_up", up_);
    detail::require_positive(type, "step_size_down", down_);
    detail::require_positive(type, "gamma", gamma_);
    if (mode_ == cyclic_mode::exp_range)
      detail::require_in_range(type, "gamma", gamma_, T(0), T(1), true, false);
    detail::require_in_range(type, "base_momentum", base_momentum_, T(0), T(1));
    detail::require_in_range(type, "max_momentum", max_momentum_, T(0), T(1));
  }

  void shape(step_t step, T& h, T& scale) const {
    LRS_ASSERT(step >= 0, "lrs::cyclic_lr: step must be >= 0");
    // Double arithmetic in PyTorch's order, so values match it bit for bit.
    const double total = static_cast<double>(up_) + static_cast<double>(down_);
    const double ratio = static_cast<double>(up_) / total;
    const double e = static_cast<double>(step);
    const double cycle = std::floor(1.0 + e / total);
    const double x = 1.0 + e / total - cycle;
    const double hd = x <= ratio ? x / ratio : (x - 1.0) / (ratio - 1.0);
    h = static_cast<T>(hd);
    const T arg = static_cast<T>(scale_mode_ == cyclic_scale_mode::cycle ? cycle : e);
    if (scale_fn_) {
      scale = scale_fn_(arg);
    } else if (mode_ == cyclic_mode::triangular) {
      scale = T(1);
    } else if (mode_ == cyclic_mode::triangular2) {
      scale = T(1) / std::pow(T(2), arg - T(1));
    } else {
      scale = std::pow(gamma_, arg);
    }
  }

  T base_lr_, max_lr_, gamma_, base_momentum_, max_momentum_;
  step_t up_, down_;
  cyclic_mode mode_;
  cyclic_scale_mode scale_mode_;
  bool cycle_momentum_;
  scale_fn_type scale_fn_;
};

template <class T>
cyclic_lr(T, T) -> cyclic_lr<T>;
template <class T>
cyclic_lr(T, T, step_t) -> cyclic_lr<T>;
template <class T>
cyclic_lr(T, T, step_t, step_t) -> cyclic_lr<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_CYCLIC_LR_HPP
