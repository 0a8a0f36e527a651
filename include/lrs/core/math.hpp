// SPDX-License-Identifier: MIT
// Small numeric helpers shared by the schedules: pi, overflow-safe step arithmetic, the cosine
// blend, products that cannot overflow in an intermediate, and the bound of a geometric factor.
#ifndef LRS_CORE_MATH_HPP
#define LRS_CORE_MATH_HPP

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs::detail {

/// pi rounded to T (std::numbers::pi_v is C++20 only).
template <class T>
inline constexpr T pi_v = static_cast<T>(3.141592653589793238462643383279502884L);

/// The largest step.
inline constexpr step_t step_max = std::numeric_limits<step_t>::max();

/// a + b for a, b >= 0, or step_max when the sum does not fit.
[[nodiscard]] constexpr step_t add_sat(step_t a, step_t b) noexcept {
  return a > step_max - b ? step_max : a + b;
}

/// floor + (base - floor) (1 + c) / 2 for c = cos(...) in [-1, 1] and base, floor >= 0 finite:
/// the cosine blend of CosineAnnealingLR and its warm restarts, always finite and within
/// [min(base, floor), max(base, floor)].
///
/// For floor <= base it is PyTorch's expression bit for bit (halving before the product, which
/// is exact, keeps (base - floor)(1 + c) from overflowing). For floor > base (a rising cosine),
/// base - floor would drop base entirely when base << floor; the convex form
/// base w + floor (1 - w), w = (1 + c) / 2, is exact at both ends (base at c = 1, floor at
/// c = -1).
template <class T>
[[nodiscard]] T cosine_blend(T base, T floor, T c) noexcept {
  if (floor <= base) return floor + (base - floor) / T(2) * (T(1) + c);
  const T w = (T(1) + c) / T(2);
  return std::clamp(base * w + floor * (T(1) - w), base, floor);
}

/// A product of finite factors kept as mantissa x 2^exponent, so that no partial product
/// overflows or underflows: the result is finite whenever the true product is (up to the final
/// rounding). Where every partial product is a normal number the result is the plain product bit
/// for bit (scaling by powers of two is exact).
template <class T>
class scaled_product {
 public:
  void multiply(T x) noexcept {
    int e = 0;
    const T m = std::frexp(x, &e);
    mantissa_ *= m;
    exponent_ += e;
    int f = 0;
    mantissa_ = std::frexp(mantissa_, &f);
    exponent_ += f;
    if (mantissa_ == T(0)) exponent_ = 0;
  }
  /// The product rounded to T (infinite only when the true product exceeds the largest T).
  [[nodiscard]] T value() const noexcept {
    // ldexp takes an int; beyond the range of T the result is inf or 0 either way.
    constexpr long long lim = 4 * std::numeric_limits<T>::max_exponent;
    return std::ldexp(mantissa_, static_cast<int>(std::clamp(exponent_, -lim, lim)));
  }

 private:
  T mantissa_ = T(0.5);
  long long exponent_ = 1;  // +- ~1000 per factor (~16000 for long double): no overflow
};

/// True when base * gamma^k is finite for every whole k in [0, k_max], evaluated the way the
/// geometric schedules evaluate it (base * pow(gamma, k)): gamma <= 1 always is; for gamma > 1
/// both factors grow with k, so k = k_max decides.
template <class T>
[[nodiscard]] bool geometric_finite(T base, T gamma, step_t k_max) noexcept {
  if (!(gamma > T(1)) || k_max == 0) return true;
  const T g = std::pow(gamma, static_cast<T>(k_max));
  return std::isfinite(g) && std::isfinite(base * g);
}

/// The largest gamma (>= 1) with geometric_finite(base, gamma, k_max): what a message says is
/// allowed.
template <class T>
[[nodiscard]] T geometric_limit(T base, step_t k_max) noexcept {
  if (k_max == 0) return std::numeric_limits<T>::max();
  const T log_max = std::log(std::numeric_limits<T>::max());
  const T room = base > T(1) ? log_max - std::log(base) : log_max;
  T g = std::max(T(1), std::exp(room / static_cast<T>(k_max)));
  // The formula is within a few ulps; settle on the exact boundary.
  while (g > T(1) && !geometric_finite(base, g, k_max)) g = std::nextafter(g, T(0));
  for (;;) {
    const T up = std::nextafter(g, std::numeric_limits<T>::max());
    if (up == g || !geometric_finite(base, up, k_max)) return g;
    g = up;
  }
}

/// Throws lrs::invalid_argument naming gamma and its allowed range unless
/// geometric_finite(base, gamma, k_max); `what_k` says what k counts, for the message.
template <class T>
void require_geometric_finite(std::string_view type, T base, T gamma, step_t k_max,
                              std::string_view what_k) {
  if (geometric_finite(base, gamma, k_max)) return;
  std::string rule = "<= " + format_value(geometric_limit(base, k_max));
  rule.append(" (base_lr * gamma^k must stay finite for k up to ").append(std::to_string(k_max));
  rule.append(", k = ").append(what_k).append(")");
  throw_invalid(type, "gamma", rule, gamma);
}

}  // namespace lrs::detail

#endif  // LRS_CORE_MATH_HPP
