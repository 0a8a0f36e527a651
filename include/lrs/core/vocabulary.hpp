// SPDX-License-Identifier: MIT
// The words every schedule shares: past_end (what happens after the end) and warmup_shape.
#ifndef LRS_CORE_VOCABULARY_HPP
#define LRS_CORE_VOCABULARY_HPP

#include <string_view>

#include <lrs/core/enum_names.hpp>

namespace lrs {

/// Shape of a warm-up over u = t / W in [0, 1), from a start value to the value it hands over to.
enum class warmup_shape {
  linear,       ///< start + (end - start) u
  cosine,       ///< start + (end - start) (1 - cos(pi u)) / 2
  exponential,  ///< start (end / start)^u; needs start > 0 and end > 0
};

/// What a schedule with an end (a budget, a list of values) returns for steps past it. One enum
/// for every schedule that has an end; each one documents which of these it accepts.
enum class past_end {
  hold,   ///< the final value (the default)
  floor,  ///< the floor min_lr
  cycle,  ///< start over: lr(t) = lr(t mod T)
};

/// The spec names of the warm-up shapes.
template <>
struct enum_names<warmup_shape> {
  /// The table read by name_of and parse_enum.
  static constexpr enum_name<warmup_shape> table[] = {{warmup_shape::linear, "linear"},
                                                      {warmup_shape::cosine, "cosine"},
                                                      {warmup_shape::exponential, "exponential"}};
};

/// The spec names of the past-the-end policies.
template <>
struct enum_names<past_end> {
  /// The table read by name_of and parse_enum.
  static constexpr enum_name<past_end> table[] = {
      {past_end::hold, "hold"}, {past_end::floor, "floor"}, {past_end::cycle, "cycle"}};
};

/// The spec name of a warm-up shape: "linear", "cosine", "exponential".
[[nodiscard]] inline std::string_view to_string(warmup_shape s) noexcept {
  return name_of(s);
}

/// The spec name of a past-the-end policy: "hold", "floor", "cycle".
[[nodiscard]] inline std::string_view to_string(past_end p) noexcept {
  return name_of(p);
}

}  // namespace lrs

#endif  // LRS_CORE_VOCABULARY_HPP
