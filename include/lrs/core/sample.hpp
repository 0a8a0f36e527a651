// SPDX-License-Identifier: MIT
// lrs::sample: the first n values of a schedule.
#ifndef LRS_CORE_SAMPLE_HPP
#define LRS_CORE_SAMPLE_HPP

#include <cstddef>
#include <vector>

#include <lrs/core/error.hpp>
#include <lrs/core/traits.hpp>

namespace lrs {

/// The learning rates of updates 0..n-1 of `s`.
/// @throws lrs::invalid_argument if n < 0.
template <class S>
[[nodiscard]] std::vector<schedule_value_t<S>> sample(const S& s, step_t n) {
  LRS_REQUIRE_SCHEDULE_IN("lrs::sample", "sample the schedule s, or read ctrl.lr(t) in your loop",
                          S);
  detail::require_non_negative("sample", "n", n);
  std::vector<schedule_value_t<S>> out;
  out.reserve(static_cast<std::size_t>(n));
  for (step_t t = 0; t < n; ++t) out.push_back(s(t));
  return out;
}

}  // namespace lrs

#endif  // LRS_CORE_SAMPLE_HPP
