// SPDX-License-Identifier: MIT
// Small numeric helpers shared by the schedules.
#ifndef LRS_CORE_MATH_HPP
#define LRS_CORE_MATH_HPP

namespace lrs::detail {

/// pi rounded to T (std::numbers::pi_v is C++20 only).
template <class T>
inline constexpr T pi_v = static_cast<T>(3.141592653589793238462643383279502884L);

}  // namespace lrs::detail

#endif  // LRS_CORE_MATH_HPP
