// SPDX-License-Identifier: MIT
// The schedule concept: is_schedule_v, is_controller_v, schedule_value_t, has_momentum_v and
// LRS_REQUIRE_SCHEDULE / LRS_REQUIRE_SCHEDULE_IN.
#ifndef LRS_CORE_TRAITS_HPP
#define LRS_CORE_TRAITS_HPP

#include <type_traits>
#include <utility>

#include <lrs/core/types.hpp>

namespace lrs {
namespace detail {

template <class S, class = void>
struct is_schedule_impl : std::false_type {};
template <class S>
struct is_schedule_impl<S, std::enable_if_t<std::is_invocable_v<const S&, step_t>>>
    : std::is_floating_point<std::invoke_result_t<const S&, step_t>> {};

template <class S, class = void>
struct has_momentum_impl : std::false_type {};
template <class S>
struct has_momentum_impl<S, std::void_t<decltype(std::declval<const S&>().momentum(step_t{}))>>
    : std::is_floating_point<decltype(std::declval<const S&>().momentum(step_t{}))> {};

template <class S, class = void>
struct has_momentum_flag_impl : std::false_type {};
template <class S>
struct has_momentum_flag_impl<S, std::void_t<decltype(std::declval<const S&>().has_momentum())>>
    : std::true_type {};
/// S decides at run time whether its momentum() is meaningful (type-erased composites).
template <class S>
inline constexpr bool has_momentum_flag_v = has_momentum_flag_impl<S>::value;

template <class S, class = void>
struct has_area_impl : std::false_type {};
template <class S>
struct has_area_impl<S, std::void_t<decltype(std::declval<const S&>().area(step_t{}, step_t{}))>>
    : std::true_type {};
/// S sums itself over a range of steps (s.area(first, last)), in closed form or faster than a
/// pass over the steps.
template <class S>
inline constexpr bool has_area_v = has_area_impl<S>::value;

template <class S, class = void>
struct has_rebudget_impl : std::false_type {};
template <class S>
struct has_rebudget_impl<
    S, std::void_t<decltype(std::declval<const S&>().rebudget(step_t{}, step_t{}))>>
    : std::bool_constant<!std::is_void_v<decltype(std::declval<const S&>().rebudget(0, 0))>> {};
/// S is budgeted: s.rebudget(s, new_total) gives the same schedule with another end (a
/// combinator's rebudget() returning void is the compile error for a child without a budget).
template <class S>
inline constexpr bool has_rebudget_v = has_rebudget_impl<S>::value;

template <class S, class = void>
struct has_total_steps_impl : std::false_type {};
template <class S>
struct has_total_steps_impl<S, std::void_t<decltype(std::declval<const S&>().total_steps())>>
    : std::true_type {};
/// S knows its budget (s.total_steps()).
template <class S>
inline constexpr bool has_total_steps_v = has_total_steps_impl<S>::value;

template <class S, class = void>
struct has_controller_tag_impl : std::false_type {};
template <class S>
struct has_controller_tag_impl<S, std::void_t<typename S::controller_tag>> : std::true_type {};

}  // namespace detail

/// True when `S` is a controller: a stateful object whose learning rate changes as the training
/// loop feeds it (observe(), update(), step()), so that a copy would freeze it. A controller is
/// never a schedule (is_schedule_v is false for it), and every combinator and consumer of a
/// schedule refuses it with a static_assert that says to wrap the schedule inside the controller.
///
/// A class declares itself a controller with a public nested `using controller_tag = void;`, as
/// every controller of lrs does; for a type you cannot edit, specialise this variable to true.
template <class S>
inline constexpr bool is_controller_v = detail::has_controller_tag_impl<S>::value;

/// True when `S` is a schedule: a copyable type whose `const S&` is callable with a step_t and
/// returns a floating-point learning rate, and which is not a controller (is_controller_v).
/// Plain lambdas qualify.
template <class S>
inline constexpr bool is_schedule_v =
    std::is_copy_constructible_v<S> && !is_controller_v<S> && detail::is_schedule_impl<S>::value;

namespace detail {
/// True when one of `S...` is a controller.
template <class... S>
inline constexpr bool any_controller_v = (is_controller_v<S> || ...);
/// True when each of `S...` is a schedule or a controller (a controller gets its own message).
template <class... S>
inline constexpr bool all_schedules_or_controllers_v = ((is_schedule_v<S> ||
                                                         is_controller_v<S>)&&...);
}  // namespace detail

namespace detail {
template <class S, class = void>
struct schedule_value {};  // neither a schedule nor a controller: no type (SFINAE)
template <class S>
struct schedule_value<S, std::enable_if_t<std::is_invocable_v<const S&, step_t>>> {
  using type = std::invoke_result_t<const S&, step_t>;
};
template <class S>
struct schedule_value<S, std::enable_if_t<!std::is_invocable_v<const S&, step_t> &&
                                          has_controller_tag_impl<S>::value>> {
  using type = typename S::value_type;
};
}  // namespace detail

/// The learning-rate type a schedule returns (`S(step)`). For a controller, its value_type, so
/// that a function taking a schedule reaches its static_assert (LRS_REQUIRE_SCHEDULE_IN) and says
/// why instead of "no matching function".
template <class S>
using schedule_value_t = typename detail::schedule_value<S>::type;

/// True when a schedule also cycles momentum: `s.momentum(step)` gives the momentum (or Adam's
/// beta1) for the update at `step`, as PyTorch's OneCycleLR and CyclicLR do.
template <class S>
inline constexpr bool has_momentum_v = detail::has_momentum_impl<S>::value;

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
/// C++20 spelling of is_schedule_v, for users' own constraints.
template <class S>
concept schedule = is_schedule_v<S>;
#endif

}  // namespace lrs

/// One readable message instead of a page of template errors: `WHERE` (a string literal, the
/// consumer's name, e.g. "lrs::scaled") refuses the types `...` unless each is a schedule. A
/// controller gets its own sentence, which ends with `INSTEAD` (a string literal: the composition
/// to write, with the schedule inside the controller). Exactly one of the two asserts fires.
#define LRS_REQUIRE_SCHEDULE_IN(WHERE, INSTEAD, ...)                                           \
  static_assert(!::lrs::detail::any_controller_v<__VA_ARGS__>, WHERE                           \
                ": the argument is a controller (its LR changes with observe()), not a "       \
                "schedule; composing a copy would freeze its state. Wrap the schedule inside " \
                "the controller instead: " INSTEAD);                                           \
  static_assert(::lrs::detail::all_schedules_or_controllers_v<__VA_ARGS__>, WHERE              \
                ": the argument is not a schedule: need a copyable type with a const "         \
                "operator()(step_t) returning a floating-point type")

/// The refusal of rebudget() by combinator `WHERE` (a string literal, e.g. "lrs::scaled") around
/// `WHAT` (a string literal, e.g. "the child schedule") that has no budget: one static_assert on
/// `B` (false whenever the refusing overload is instantiated) and one sentence for every
/// combinator.
#define LRS_REFUSE_REBUDGET(B, WHERE, WHAT)                                                   \
  static_assert(B, WHERE "::rebudget: " WHAT                                                  \
                         " has no budget to change; rebudget() needs a budgeted schedule "    \
                         "inside (lrs::wsd, lrs::cosine_decay, lrs::linear_decay, lrs::rex, " \
                         "lrs::budgeted)")

/// LRS_REQUIRE_SCHEDULE_IN for one type `S`, the message naming `S` and suggesting
/// plateau_scaled(s, opts) for a controller.
#define LRS_REQUIRE_SCHEDULE(S)                                                             \
  static_assert(!::lrs::is_controller_v<S>,                                                 \
                "lrs: " #S                                                                  \
                " is a controller (its LR changes with observe()), not a schedule; "        \
                "using a copy would freeze its state. Wrap the schedule inside the "        \
                "controller instead: plateau_scaled(s, opts)");                             \
  static_assert(::lrs::is_schedule_v<S> || ::lrs::is_controller_v<S>, #S                    \
                " is not a schedule: need a copyable type with a const operator()(step_t) " \
                "returning a floating-point type")

#endif  // LRS_CORE_TRAITS_HPP
