// SPDX-License-Identifier: MIT
// lrs::any_schedule<T>: a type-erased, copyable, immutable schedule for choices made at run time.
#ifndef LRS_CORE_ANY_SCHEDULE_HPP
#define LRS_CORE_ANY_SCHEDULE_HPP

#include <limits>
#include <memory>
#include <type_traits>
#include <utility>

#include <lrs/core/error.hpp>
#include <lrs/core/traits.hpp>

namespace lrs {
namespace detail {

/// S says the largest value it takes (max_value()), as every lrs schedule but the lambda ones.
template <class S, class = void>
struct has_max_value_impl : std::false_type {};
template <class S>
struct has_max_value_impl<S, std::void_t<decltype(std::declval<const S&>().max_value())>>
    : std::true_type {};
template <class S>
inline constexpr bool has_max_value_v = has_max_value_impl<S>::value;

}  // namespace detail

/// Holds any schedule behind one indirect call, for schedules chosen at run time (a config file,
/// the command line). Copies share the immutable held schedule, so a copy costs one reference
/// count and copies may be used from several threads at once. Keeps the held schedule's cycled
/// momentum when it has one (has_momentum_v).
///
/// A default-constructed any_schedule is empty: `empty()` is true and it must not be evaluated.
/// @tparam T the learning-rate type returned.
template <class T = double>
class any_schedule {
  static_assert(std::is_floating_point_v<T>, "any_schedule<T>: T must be a floating-point type");

 public:
  /// The learning-rate type.
  using value_type = T;

  any_schedule() = default;

  /// Wraps `s`, converting its values to T.
  // Two conditions, checked in order: is_schedule_v<any_schedule> asks whether any_schedule is
  // copyable, which would consider this constructor again (Clang 14 in C++17 mode reports the
  // incomplete trait instead of treating it as a failed substitution). Default template arguments
  // are substituted in order and stop at the first failure, so the second is never instantiated
  // for an any_schedule.
  template <class S, class D = std::decay_t<S>,
            class = std::enable_if_t<!std::is_same_v<D, any_schedule>>,
            class = std::enable_if_t<is_schedule_v<D>>>
  any_schedule(
      S&& s)  // NOLINT(google-explicit-constructor): implicit on purpose, like std::function
      : impl_(std::make_shared<const model<D>>(std::forward<S>(s))) {}

  /// Refuses a controller (is_controller_v) with a sentence instead of "no conversion": holding a
  /// copy would freeze its state. Never instantiated without failing to compile.
  template <class S, class D = std::decay_t<S>,
            class = std::enable_if_t<!std::is_same_v<D, any_schedule>>,
            std::enable_if_t<is_controller_v<D>, long> = 0>
  any_schedule(S&&)  // NOLINT(google-explicit-constructor): to reach the static_assert
  {
    static_assert(!is_controller_v<D>,
                  "lrs::any_schedule: the argument is a controller (its LR changes with "
                  "observe()), not a schedule; holding a copy would freeze its state. Wrap the "
                  "schedule inside the controller instead: plateau_scaled(any_schedule<T>(s), "
                  "opts), or keep the controller and read ctrl.lr(t)");
  }

  /// The learning rate for update `step`, never -0: a held schedule built from a -0 parameter
  /// (`ConstantLR(factor=-0.0)`, `--lr -0`) passes every ">= 0" check and returns -0, which is
  /// given as +0 (adding +0 changes no other value). @pre !empty() and step >= 0.
  [[nodiscard]] T operator()(step_t step) const {
    LRS_ASSERT(impl_ != nullptr, "lrs::any_schedule: evaluated while empty");
    return impl_->value(step) + T(0);
  }

  /// True when the held schedule cycles momentum (OneCycleLR, CyclicLR).
  [[nodiscard]] bool has_momentum() const noexcept { return impl_ && impl_->has_momentum(); }

  /// The momentum for update `step`. @pre has_momentum() and step >= 0; NaN otherwise.
  [[nodiscard]] T momentum(step_t step) const {
    return impl_ ? impl_->momentum(step) : std::numeric_limits<T>::quiet_NaN();
  }

  /// The held schedule's max_value() (the largest value over every step), NaN when it has none
  /// (a lambda) or this is empty.
  [[nodiscard]] T max_value() const {
    return impl_ ? impl_->max_value() : std::numeric_limits<T>::quiet_NaN();
  }

  /// True when no schedule is held (default-constructed or moved from).
  [[nodiscard]] bool empty() const noexcept { return impl_ == nullptr; }
  /// True when a schedule is held: !empty().
  explicit operator bool() const noexcept { return impl_ != nullptr; }

  /// The held schedule if it is exactly of type S, else nullptr.
  template <class S>
  [[nodiscard]] const S* target() const noexcept {
    auto* m = dynamic_cast<const model<S>*>(impl_.get());
    return m ? &m->s : nullptr;
  }

 private:
  struct concept_t {
    virtual ~concept_t() = default;
    virtual T value(step_t) const = 0;
    virtual bool has_momentum() const noexcept = 0;
    virtual T momentum(step_t) const = 0;
    virtual T max_value() const = 0;
  };
  template <class S>
  struct model final : concept_t {
    template <class U>
    explicit model(U&& u) : s(std::forward<U>(u)) {}
    T value(step_t t) const override { return static_cast<T>(s(t)); }
    bool has_momentum() const noexcept override {
      if constexpr (!has_momentum_v<S>) {
        return false;
      } else if constexpr (detail::has_momentum_flag_v<S>) {
        return s.has_momentum();  // composites know only at run time whether all children cycle it
      } else {
        return true;
      }
    }
    T momentum(step_t t) const override {
      if constexpr (has_momentum_v<S>) {
        return static_cast<T>(s.momentum(t));
      } else {
        (void)t;
        return std::numeric_limits<T>::quiet_NaN();
      }
    }
    T max_value() const override {
      if constexpr (detail::has_max_value_v<S>) {
        return static_cast<T>(s.max_value());
      } else {
        return std::numeric_limits<T>::quiet_NaN();
      }
    }
    S s;
  };

  std::shared_ptr<const concept_t> impl_;
};

}  // namespace lrs

#endif  // LRS_CORE_ANY_SCHEDULE_HPP
