// SPDX-License-Identifier: MIT
// The annealing scaling law L = L0 + A*S1^-alpha - C*S2 as a value, and its predictions.
#ifndef LRS_ANALYSIS_SCALING_LAW_LAW_HPP
#define LRS_ANALYSIS_SCALING_LAW_LAW_HPP

#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include <lrs/analysis/scaling_law/areas.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// The annealing scaling law, a value type:
///
///   L(s) = L0 + A * S1(s)^(-alpha) - C * S2(s)
///
/// Tissue, Wang, Wang, "Scaling Law with Learning Rate Annealing", arXiv:2408.11029.
/// The default law is all zeros.
class annealing_law {
 public:
  annealing_law() = default;
  /// @pre every parameter finite and >= 0 (the authors' fitting bounds).
  /// @throws lrs::invalid_argument naming the parameter otherwise.
  annealing_law(double l0, double a, double alpha, double c)
      : l0_(l0), a_(a), alpha_(alpha), c_(c) {
    detail::require_non_negative("annealing_law", "L0", l0);
    detail::require_non_negative("annealing_law", "A", a);
    detail::require_non_negative("annealing_law", "alpha", alpha);
    detail::require_non_negative("annealing_law", "C", c);
  }

  /// L0, the irreducible loss (the limit as S1 grows with S2 = 0).
  [[nodiscard]] double l0() const noexcept { return l0_; }
  /// A, the scale of the power-law term A * S1^(-alpha).
  [[nodiscard]] double a() const noexcept { return a_; }
  /// alpha, the exponent of the forward area S1.
  [[nodiscard]] double alpha() const noexcept { return alpha_; }
  /// C, the loss drop per unit of annealing area S2.
  [[nodiscard]] double c() const noexcept { return c_; }

  /// The predicted loss for areas (s1, s2). @pre s1 > 0 (gives +inf at s1 = 0 when alpha > 0).
  [[nodiscard]] double operator()(double s1, double s2) const noexcept {
    return l0_ + a_ * std::pow(s1, -alpha_) - c_ * s2;
  }

  /// The predicted loss at every step of `areas`.
  [[nodiscard]] std::vector<double> predict(const annealing_areas& areas) const {
    std::vector<double> out(areas.size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = (*this)(areas.s1[i], areas.s2[i]);
    return out;
  }

  /// The predicted loss at every step of an LR sequence. @throws as compute_areas.
  [[nodiscard]] std::vector<double> predict(std::vector<double> lr,
                                            const area_options& opt = {}) const {
    return predict(compute_areas(std::move(lr), opt));
  }

  /// The predicted loss at steps 0..steps-1 of a schedule. @throws as compute_areas.
  template <class Schedule>
  [[nodiscard]] std::vector<double> predict(const Schedule& schedule, step_t steps,
                                            const area_options& opt = {}) const {
    return predict(compute_areas(schedule, steps, opt));
  }

  /// Equal when the four parameters are equal (exact comparison of doubles).
  friend bool operator==(const annealing_law& x, const annealing_law& y) noexcept {
    return x.l0_ == y.l0_ && x.a_ == y.a_ && x.alpha_ == y.alpha_ && x.c_ == y.c_;
  }
  /// Not equal: some parameter differs.
  friend bool operator!=(const annealing_law& x, const annealing_law& y) noexcept {
    return !(x == y);
  }

 private:
  double l0_ = 0.0;
  double a_ = 0.0;
  double alpha_ = 0.0;
  double c_ = 0.0;
};

}  // namespace lrs

#endif  // LRS_ANALYSIS_SCALING_LAW_LAW_HPP
