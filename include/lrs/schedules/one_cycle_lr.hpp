// SPDX-License-Identifier: MIT
// lrs::one_cycle_lr: PyTorch's OneCycleLR (1cycle policy), with cycled momentum.
#ifndef LRS_SCHEDULES_ONE_CYCLE_LR_HPP
#define LRS_SCHEDULES_ONE_CYCLE_LR_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/math.hpp>
#include <lrs/core/types.hpp>
#include <lrs/core/vocabulary.hpp>

namespace lrs {

/// How OneCycleLR anneals inside a phase.
enum class anneal_strategy { cos, linear };

/// PyTorch's names of the anneal strategies: "cos", "linear".
template <>
struct enum_names<anneal_strategy> {
  /// Each strategy with its name.
  static constexpr enum_name<anneal_strategy> table[] = {{anneal_strategy::cos, "cos"},
                                                         {anneal_strategy::linear, "linear"}};
};
/// OneCycleLR's keyword arguments after max_lr and total_steps, with PyTorch's names and
/// defaults, for `one_cycle_lr(max_lr, total_steps, options)`; past_end is lrs's own. In portable
/// C++17: `lrs::one_cycle_options<>{}.with_pct_start(0.25).with_three_phase(true)`.
template <class T = double>
struct one_cycle_options {
  T pct_start = T(0.3);  ///< fraction of the cycle spent increasing the LR, in [0, 1]
  /// how each phase anneals: cos or linear
  lrs::anneal_strategy anneal_strategy = lrs::anneal_strategy::cos;
  bool cycle_momentum = true;   ///< cycle the momentum (SGD) or beta1 (Adam) inversely to the LR
  T base_momentum = T(0.85);    ///< momentum at the peak LR, in [0, 1]
  T max_momentum = T(0.95);     ///< momentum at the start and end, in [0, 1]
  T div_factor = T(25);         ///< initial LR = max_lr / div_factor, > 0
  T final_div_factor = T(1e4);  ///< final LR = initial LR / final_div_factor, > 0
  bool three_phase = false;     ///< back to the initial LR before the final descent
  /// Steps >= total_steps (PyTorch raises once stepped past the end; a pure schedule cannot):
  /// `hold` keeps the values of step total_steps - 1 (the final LR, about max_lr / (div_factor *
  /// final_div_factor), and its momentum); `cycle` starts a new cycle every total_steps steps.
  /// `floor` is refused (the final LR is the floor: use hold).
  lrs::past_end past_end = lrs::past_end::hold;

  /// Sets `pct_start` (see the field); returns *this for chaining.
  constexpr one_cycle_options& with_pct_start(T v) noexcept {
    pct_start = v;
    return *this;
  }
  /// Sets `anneal_strategy` (see the field); returns *this for chaining.
  constexpr one_cycle_options& with_anneal_strategy(lrs::anneal_strategy v) noexcept {
    anneal_strategy = v;
    return *this;
  }
  /// Sets `cycle_momentum` (see the field); returns *this for chaining.
  constexpr one_cycle_options& with_cycle_momentum(bool v) noexcept {
    cycle_momentum = v;
    return *this;
  }
  /// Sets `base_momentum` (see the field); returns *this for chaining.
  constexpr one_cycle_options& with_base_momentum(T v) noexcept {
    base_momentum = v;
    return *this;
  }
  /// Sets `max_momentum` (see the field); returns *this for chaining.
  constexpr one_cycle_options& with_max_momentum(T v) noexcept {
    max_momentum = v;
    return *this;
  }
  /// Sets `div_factor` (see the field); returns *this for chaining.
  constexpr one_cycle_options& with_div_factor(T v) noexcept {
    div_factor = v;
    return *this;
  }
  /// Sets `final_div_factor` (see the field); returns *this for chaining.
  constexpr one_cycle_options& with_final_div_factor(T v) noexcept {
    final_div_factor = v;
    return *this;
  }
  /// Sets `three_phase` (see the field); returns *this for chaining.
  constexpr one_cycle_options& with_three_phase(bool v) noexcept {
    three_phase = v;
    return *this;
  }
  /// Sets `past_end` (see the field); returns *this for chaining.
  constexpr one_cycle_options& with_past_end(lrs::past_end v) noexcept {
    past_end = v;
    return *this;
  }
};

/// Total steps of a OneCycleLR given as PyTorch's `epochs` and `steps_per_epoch`.
/// @throws lrs::invalid_argument if either is <= 0 or the product overflows.
[[nodiscard]] inline step_t one_cycle_total_steps(step_t epochs, step_t steps_per_epoch) {
  detail::require_positive("one_cycle_lr", "epochs", epochs);
  detail::require_positive("one_cycle_lr", "steps_per_epoch", steps_per_epoch);
  detail::require(epochs <= std::numeric_limits<step_t>::max() / steps_per_epoch, "one_cycle_lr",
                  "epochs * steps_per_epoch", "representable as a step", epochs);
  return epochs * steps_per_epoch;
}

/// PyTorch's `torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr, total_steps, pct_start=0.3,
/// anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
/// div_factor=25, final_div_factor=1e4, three_phase=False)`.
///
/// With initial = max_lr / div_factor and min = initial / final_div_factor, the phases end at
/// (real-valued) steps e1 = pct_start * N - 1 and e_last = N - 1 (three_phase adds
/// e2 = 2 * pct_start * N - 2 between them):
///   two phases:   initial -> max_lr -> min          momentum: max -> base -> max
///   three phases: initial -> max_lr -> initial -> min   momentum: max -> base -> max -> max
/// and inside a phase [s, e]: value = anneal(start, end, (t - s) / (e - s)) with
///   cos:    end + (start - end) / 2 * (1 + cos(pi * p)),     linear: (end - start) * p + start.
/// The optimizer's own LR is not used. Smith & Topin, "Super-Convergence", arXiv:1708.07120.
/// A phase of zero length (where PyTorch divides by zero) yields its end value.
/// @tparam T floating-point type of the learning rate.
template <class T = double>
class one_cycle_lr {
  static_assert(std::is_floating_point_v<T>,
                "lrs::one_cycle_lr<T>: T must be a floating-point type");

 public:
  using value_type = T;  ///< the learning rate's floating-point type

  /// @throws lrs::invalid_argument if max_lr < 0, total_steps <= 0, pct_start is outside [0, 1],
  /// a momentum is outside [0, 1], div_factor or final_div_factor <= 0, a value is not finite, or
  /// a derived LR is not: initial = max_lr / div_factor and min = initial / final_div_factor must
  /// be finite (a tiny factor under a huge max_lr overflows).
  /// past_end must be hold or cycle (one_cycle_options::past_end).
  one_cycle_lr(T max_lr, step_t total_steps, T pct_start = T(0.3),
               anneal_strategy strategy = anneal_strategy::cos, bool cycle_momentum = true,
               T base_momentum = T(0.85), T max_momentum = T(0.95), T div_factor = T(25),
               T final_div_factor = T(1e4), bool three_phase = false,
               lrs::past_end past_end = lrs::past_end::hold)
      : max_lr_(max_lr),
        pct_start_(pct_start),
        base_momentum_(base_momentum),
        max_momentum_(max_momentum),
        div_factor_(div_factor),
        final_div_factor_(final_div_factor),
        total_steps_(total_steps),
        strategy_(strategy),
        cycle_momentum_(cycle_momentum),
        three_phase_(three_phase),
        past_end_(past_end) {
    constexpr const char* type = "one_cycle_lr";
    detail::require(past_end != lrs::past_end::floor, type, "past_end",
                    "hold or cycle (its final LR is the floor: use hold)", "floor");
    detail::require_non_negative(type, "max_lr", max_lr);
    detail::require_positive(type, "total_steps", total_steps);
    detail::require_in_range(type, "pct_start", pct_start, T(0), T(1));
    detail::require_in_range(type, "base_momentum", base_momentum, T(0), T(1));
    detail::require_in_range(type, "max_momentum", max_momentum, T(0), T(1));
    detail::require_positive(type, "div_factor", div_factor);
    detail::require_positive(type, "final_div_factor", final_div_factor);
    initial_ = max_lr / div_factor;
    if (!std::isfinite(initial_))
      detail::throw_invalid(type, "div_factor",
                            ">= " + detail::format_value(min_divisor(max_lr)) +
                                " (the initial LR max_lr / div_factor must be finite)",
                            div_factor);
    min_ = initial_ / final_div_factor;
    if (!std::isfinite(min_))
      detail::throw_invalid(type, "final_div_factor",
                            ">= " + detail::format_value(min_divisor(initial_)) +
                                " (the final LR max_lr / div_factor / final_div_factor must be "
                                "finite)",
                            final_div_factor);
    const double n = static_cast<double>(total_steps);
    const double p = static_cast<double>(pct_start);
    if (three_phase) {
      phases_ = {{{p * n - 1, initial_, max_lr_, max_momentum_, base_momentum_},
                  {2 * p * n - 2, max_lr_, initial_, base_momentum_, max_momentum_},
                  {n - 1, initial_, min_, max_momentum_, max_momentum_}}};
      n_phases_ = 3;
    } else {
      phases_ = {{{p * n - 1, initial_, max_lr_, max_momentum_, base_momentum_},
                  {n - 1, max_lr_, min_, base_momentum_, max_momentum_},
                  {}}};
      n_phases_ = 2;
    }
  }

  /// The same with the keyword arguments in a struct:
  /// `one_cycle_lr(0.1, 1000, lrs::one_cycle_options<>{}.with_pct_start(0.25))`.
  /// @throws lrs::invalid_argument as the positional constructor.
  one_cycle_lr(T max_lr, step_t total_steps, const one_cycle_options<T>& o)
      : one_cycle_lr(max_lr, total_steps, o.pct_start, o.anneal_strategy, o.cycle_momentum,
                     o.base_momentum, o.max_momentum, o.div_factor, o.final_div_factor,
                     o.three_phase, o.past_end) {}

  /// @pre step >= 0. Past total_steps - 1, see one_cycle_options::past_end.
  [[nodiscard]] T operator()(step_t step) const noexcept { return eval(step, false); }

  /// True unless built with cycle_momentum = false.
  [[nodiscard]] bool has_momentum() const noexcept { return cycle_momentum_; }

  /// The momentum (SGD momentum or Adam beta1) for update `step`; NaN without cycle_momentum.
  /// @pre step >= 0.
  [[nodiscard]] T momentum(step_t step) const noexcept {
    if (!cycle_momentum_) return std::numeric_limits<T>::quiet_NaN();
    return eval(step, true);
  }

  /// The same cycle for another peak LR (one PyTorch parameter group with its own max_lr).
  [[nodiscard]] one_cycle_lr with_max_lr(T max_lr) const {
    return one_cycle_lr(max_lr, total_steps_, pct_start_, strategy_, cycle_momentum_,
                        base_momentum_, max_momentum_, div_factor_, final_div_factor_, three_phase_,
                        past_end_);
  }

  /// The peak learning rate max_lr.
  [[nodiscard]] T max_lr() const noexcept { return max_lr_; }
  /// The largest value over every step (attained or approached): what a product of schedules
  /// (chained) checks against the largest T.
  [[nodiscard]] T max_value() const noexcept { return std::max({max_lr_, initial_, min_}); }
  /// The LR at step 0, max_lr / div_factor.
  [[nodiscard]] T initial_lr() const noexcept { return initial_; }
  /// The final LR, initial_lr / final_div_factor.
  [[nodiscard]] T min_lr() const noexcept { return min_; }
  /// The length of the cycle.
  [[nodiscard]] step_t total_steps() const noexcept { return total_steps_; }
  /// What steps past total_steps() return.
  [[nodiscard]] lrs::past_end past_end() const noexcept { return past_end_; }

 private:
  // The smallest divisor d with x / d finite.
  static T min_divisor(T x) noexcept {
    T d = x / std::numeric_limits<T>::max();
    while (!std::isfinite(x / d)) d = std::nextafter(d, std::numeric_limits<T>::max());
    return d;
  }

  struct phase {
    double end_step;
    T start_lr, end_lr, start_momentum, end_momentum;
  };

  T anneal(T start, T end, double pct) const noexcept {
    if (strategy_ == anneal_strategy::cos) {
      const double c = std::cos(detail::pi_v<double> * pct) + 1.0;
      return static_cast<T>(static_cast<double>(end) +
                            (static_cast<double>(start) - static_cast<double>(end)) / 2.0 * c);
    }
    return static_cast<T>((static_cast<double>(end) - static_cast<double>(start)) * pct +
                          static_cast<double>(start));
  }

  T eval(step_t step, bool want_momentum) const noexcept {
    LRS_ASSERT(step >= 0, "lrs::one_cycle_lr: step must be >= 0");
    if (step >= total_steps_)
      step = past_end_ == lrs::past_end::hold ? total_steps_ - 1 : step % total_steps_;
    const double t = static_cast<double>(step);
    double start = 0;
    for (std::size_t i = 0; i < n_phases_; ++i) {
      const phase& ph = phases_[i];
      if (t <= ph.end_step || i + 1 == n_phases_) {
        const double len = ph.end_step - start;
        const double pct = len == 0.0 ? 1.0 : (t - start) / len;
        return want_momentum ? anneal(ph.start_momentum, ph.end_momentum, pct)
                             : anneal(ph.start_lr, ph.end_lr, pct);
      }
      start = ph.end_step;
    }
    return T(0);  // unreachable: the last phase always matches
  }

  T max_lr_, pct_start_, base_momentum_, max_momentum_, div_factor_, final_div_factor_;
  T initial_{}, min_{};
  step_t total_steps_;
  anneal_strategy strategy_;
  bool cycle_momentum_, three_phase_;
  lrs::past_end past_end_;
  std::array<phase, 3> phases_{};
  std::size_t n_phases_ = 2;
};

template <class T>
one_cycle_lr(T, step_t) -> one_cycle_lr<T>;
template <class T>
one_cycle_lr(T, step_t, T) -> one_cycle_lr<T>;

}  // namespace lrs

#endif  // LRS_SCHEDULES_ONE_CYCLE_LR_HPP
