// SPDX-License-Identifier: MIT
// Lanczos spectrum estimates from Hessian-vector products, and the LR / momentum learners built on
// them.
#ifndef LRS_ANALYSIS_LANCZOS_HPP
#define LRS_ANALYSIS_LANCZOS_HPP

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/core/error.hpp>

namespace lrs {

/// The output of lanczos(): the tridiagonal matrix T_k = Q_k' H Q_k and its eigen-decomposition.
/// The Ritz values approximate H's extremal eigenvalues; with the weights they form the Gauss
/// quadrature rule of the spectral measure seen from the start vector: for a unit start vector
/// v, v' f(H) v ~= sum_i weights[i] * f(ritz_values[i]) (stochastic Lanczos quadrature).
template <class T = double>
struct lanczos_result {
  /// A column vector of T (Eigen), the type of the vector members.
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  vector alpha;        ///< diagonal of T_k (k entries)
  vector beta;         ///< off-diagonal of T_k (k - 1 entries)
  vector ritz_values;  ///< eigenvalues of T_k, ascending
  vector weights;      ///< squared first components of T_k's eigenvectors; they sum to 1
  int steps = 0;       ///< k: the steps run (fewer than asked if an invariant subspace was found)
  bool invariant_subspace = false;  ///< true when the Krylov space stopped growing before k steps
};

namespace detail {

template <class T, class Hvp>
Eigen::Matrix<T, Eigen::Dynamic, 1> checked_hvp(Hvp& hvp,
                                                const Eigen::Matrix<T, Eigen::Dynamic, 1>& q,
                                                int step) {
  Eigen::Matrix<T, Eigen::Dynamic, 1> w = hvp(q);
  if (w.size() != q.size())
    throw_invalid("lanczos", "hessian-vector product size", "the size of v0",
                  static_cast<std::int64_t>(w.size()));
  if (!w.allFinite()) {
    T bad = std::numeric_limits<T>::quiet_NaN();
    for (Eigen::Index i = 0; i < w.size(); ++i)
      if (!std::isfinite(w[i])) {
        bad = w[i];
        break;
      }
    throw_invalid("lanczos", "hessian-vector product at step " + std::to_string(step), "finite",
                  bad);
  }
  return w;
}

}  // namespace detail

/// Lanczos tridiagonalisation with full re-orthogonalisation (two Gram-Schmidt passes against
/// every previous basis vector), for a symmetric operator given only by its products.
///
/// q_1 = v0/|v0|; w = H q_j - beta_{j-1} q_{j-1}; alpha_j = q_j'w; w -= alpha_j q_j, then w is
/// re-orthogonalised against q_1..q_j; beta_j = |w|; q_{j+1} = w / beta_j. The Ritz values are
/// the eigenvalues of the k x k tridiagonal T_k, the weights the squares of the first components
/// of its unit eigenvectors (Golub and Meurant, "Matrices, Moments and Quadrature"). With k = n
/// (and exact arithmetic) the Ritz values are H's eigenvalues. If beta_j falls to round-off
/// level the Krylov space is invariant and the run stops early with `invariant_subspace` set.
///
/// Used by Granziol, Zohren, Roberts (arXiv 2006.09092) to set the LR and momentum on the fly
/// (see curvature_bounds and the learners below). Stores k vectors of size n.
///
/// @param hvp callable `vector(const vector& v)` returning H v (any Eigen expression of size n).
/// @param v0 start vector, non-zero and finite; its size n is the problem size.
/// @param steps k, 1 <= k <= n.
/// @throws lrs::invalid_argument if steps is out of range, v0 is zero or not finite, or a
///   Hessian-vector product has the wrong size or a NaN / infinite entry (the message names the
///   step).
template <class T, class Hvp>
[[nodiscard]] lanczos_result<T> lanczos(Hvp&& hvp, const Eigen::Matrix<T, Eigen::Dynamic, 1>& v0,
                                        int steps) {
  static_assert(std::is_floating_point_v<T>, "lanczos<T>: T must be floating point");
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Index n = v0.size();
  detail::require(n > 0, "lanczos", "v0.size()", "> 0", static_cast<std::int64_t>(n));
  detail::require(steps >= 1 && static_cast<Eigen::Index>(steps) <= n, "lanczos", "steps",
                  "in [1, " + std::to_string(n) + "]", steps);
  detail::require(v0.allFinite(), "lanczos", "v0", "finite", std::string("a non-finite entry"));
  const T v0_norm = v0.norm();
  detail::require(v0_norm > T(0), "lanczos", "|v0|", "> 0", v0_norm);

  matrix q(n, steps);
  vector alpha(steps);
  vector beta(std::max(steps - 1, 0));
  q.col(0) = v0 / v0_norm;
  int k = steps;
  bool invariant = false;
  T scale = T(0);  // running estimate of |H| for the breakdown test
  for (int j = 0; j < steps; ++j) {
    vector w = detail::checked_hvp<T>(hvp, vector(q.col(j)), j);
    if (j > 0) w -= beta[j - 1] * q.col(j - 1);
    alpha[j] = q.col(j).dot(w);
    w -= alpha[j] * q.col(j);
    for (int pass = 0; pass < 2; ++pass) {  // full re-orthogonalisation, twice is enough
      const auto basis = q.leftCols(j + 1);
      w -= basis * (basis.transpose() * w);
    }
    scale = std::max(scale, std::abs(alpha[j]) + (j > 0 ? beta[j - 1] : T(0)));
    if (j + 1 == steps) break;
    const T b = w.norm();
    const T tiny = T(16) * std::numeric_limits<T>::epsilon() * std::sqrt(T(n)) * scale;
    if (!(b > tiny)) {  // Krylov space is invariant: T_j is exact on it
      k = j + 1;
      invariant = true;
      break;
    }
    beta[j] = b;
    q.col(j + 1) = w / b;
  }

  lanczos_result<T> r;
  r.alpha = alpha.head(k);
  r.beta = beta.head(std::max(k - 1, 0));
  r.steps = k;
  r.invariant_subspace = invariant;
  if (k == 1) {
    r.ritz_values = r.alpha;
    r.weights = vector::Ones(1);
    return r;
  }
  Eigen::SelfAdjointEigenSolver<matrix> eig;
  eig.computeFromTridiagonal(r.alpha, r.beta, Eigen::ComputeEigenvectors);
  r.ritz_values = eig.eigenvalues();
  r.weights = eig.eigenvectors().row(0).transpose().array().square();
  return r;
}

/// lanczos() from a random Rademacher (+-1 entries) start vector drawn with std::mt19937_64 seeded
/// by `seed`, so the run is reproducible on every platform.
/// @param n problem size (> 0). @throws lrs::invalid_argument as lanczos().
template <class T = double, class Hvp>
[[nodiscard]] lanczos_result<T> lanczos(Hvp&& hvp, Eigen::Index n, int steps, std::uint64_t seed) {
  detail::require(n > 0, "lanczos", "n", "> 0", static_cast<std::int64_t>(n));
  std::mt19937_64 gen(seed);
  Eigen::Matrix<T, Eigen::Dynamic, 1> v0(n);
  for (Eigen::Index i = 0; i < n; ++i) v0[i] = (gen() >> 63) != 0 ? T(1) : T(-1);
  return lanczos<T>(std::forward<Hvp>(hvp), v0, steps);
}

/// Hessian-vector products by central differences of a gradient function:
/// `H v ~= (grad(x + h v) - grad(x - h v)) / (2 h)`, with `h = rel_step * max(1, |x|_inf) / |v|`
/// (error O(h^2); the default rel_step = cbrt(machine epsilon) balances truncation and round-off).
/// Costs two gradient evaluations per product. For users whose framework has no exact
/// Hessian-vector product (Pearlmutter's R-operator); pass it to lanczos().
/// @tparam Grad callable `vector(const vector& x)` returning the gradient at x.
template <class T, class Grad>
class finite_difference_hvp {
 public:
  /// The scalar type T of the point and the products.
  using scalar_type = T;
  /// The vector type of x, v and H v (an Eigen column vector of T).
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

  /// @pre x finite and non-empty; rel_step > 0 finite.
  /// @throws lrs::invalid_argument naming the bad parameter.
  finite_difference_hvp(Grad grad, vector x,
                        T rel_step = std::cbrt(std::numeric_limits<T>::epsilon()))
      : grad_(std::move(grad)), x_(std::move(x)), rel_step_(rel_step) {
    detail::require(x_.size() > 0, "finite_difference_hvp", "x.size()", "> 0",
                    static_cast<std::int64_t>(x_.size()));
    detail::require(x_.allFinite(), "finite_difference_hvp", "x", "finite",
                    std::string("a non-finite entry"));
    detail::require_positive("finite_difference_hvp", "rel_step", rel_step);
    x_scale_ = std::max(T(1), x_.template lpNorm<Eigen::Infinity>());
  }

  /// H v by central differences; the zero vector for v = 0. @pre v.size() == x.size().
  [[nodiscard]] vector operator()(const vector& v) const {
    LRS_ASSERT(v.size() == x_.size(), "lrs::finite_difference_hvp: v has the wrong size");
    const T v_norm = v.norm();
    if (v_norm == T(0)) return vector::Zero(x_.size());
    const T h = rel_step_ * x_scale_ / v_norm;
    const vector plus = grad_(vector(x_ + h * v));
    const vector minus = grad_(vector(x_ - h * v));
    return (plus - minus) / (T(2) * h);
  }

  /// The point x at which the Hessian is approximated.
  [[nodiscard]] const vector& point() const noexcept { return x_; }
  /// The relative step (> 0): h = rel_step * max(1, |x|_inf) / |v|.
  [[nodiscard]] T rel_step() const noexcept { return rel_step_; }

 private:
  Grad grad_;
  vector x_;
  T rel_step_;
  T x_scale_ = T(1);
};

template <class Grad, class T>
finite_difference_hvp(Grad, Eigen::Matrix<T, Eigen::Dynamic, 1>) -> finite_difference_hvp<T, Grad>;
template <class Grad, class T>
finite_difference_hvp(Grad, Eigen::Matrix<T, Eigen::Dynamic, 1>, T)
    -> finite_difference_hvp<T, Grad>;

/// How curvature_bounds picks the small curvature mu from the Ritz values.
enum class mu_rule {
  /// Granziol et al.'s default: while the largest remaining weight is > 0.5 delete that Ritz pair
  /// (a spike that dominates the start vector's measure), then mu = min of the remaining |theta|;
  /// if nothing remains, the median.
  minimum,
  median,  ///< mu = median(|theta|)
};

/// Summary of a Ritz spectrum used by the learners: L = max |theta|, median = median(|theta|)
/// (mean of the two middle values for an even count), mu per mu_rule.
template <class T>
struct curvature_bounds_t {
  /// L = max |theta|, the largest curvature magnitude.
  T l;
  /// median(|theta|) (mean of the two middle values for an even count).
  T median;
  /// The small curvature mu, chosen per mu_rule.
  T mu;
};

/// L, median and mu from Ritz values and weights, as the authors' code computes them
/// (diegogranziol/GadamX, run_ssgd*_fastanddirty.py): |theta| is used throughout, so negative
/// Ritz values count by magnitude.
/// @pre ritz_values and weights have the same non-zero size and are finite.
/// @throws lrs::invalid_argument otherwise.
template <class T>
[[nodiscard]] curvature_bounds_t<T> curvature_bounds(
    const Eigen::Matrix<T, Eigen::Dynamic, 1>& ritz_values,
    const Eigen::Matrix<T, Eigen::Dynamic, 1>& weights, mu_rule rule = mu_rule::minimum) {
  const auto n = ritz_values.size();
  detail::require(n > 0, "curvature_bounds", "ritz_values.size()", "> 0",
                  static_cast<std::int64_t>(n));
  detail::require(weights.size() == n, "curvature_bounds", "weights.size()",
                  "ritz_values.size() = " + std::to_string(n),
                  static_cast<std::int64_t>(weights.size()));
  detail::require(ritz_values.allFinite(), "curvature_bounds", "ritz_values", "finite",
                  std::string("a non-finite entry"));
  detail::require(weights.allFinite(), "curvature_bounds", "weights", "finite",
                  std::string("a non-finite entry"));
  std::vector<std::pair<T, T>> pairs;  // (|theta|, weight)
  for (Eigen::Index i = 0; i < n; ++i) pairs.emplace_back(std::abs(ritz_values[i]), weights[i]);
  const auto median_of = [](std::vector<std::pair<T, T>> p) {
    std::sort(p.begin(), p.end());
    const std::size_t m = p.size();
    return m % 2 == 1 ? p[m / 2].first : (p[m / 2 - 1].first + p[m / 2].first) / T(2);
  };
  curvature_bounds_t<T> b{};
  b.median = median_of(pairs);
  b.l = std::max_element(pairs.begin(), pairs.end())->first;
  if (rule == mu_rule::median) {
    b.mu = b.median;
    return b;
  }
  auto rest = pairs;
  while (!rest.empty()) {
    const auto heaviest = std::max_element(
        rest.begin(), rest.end(), [](const auto& a, const auto& c) { return a.second < c.second; });
    if (!(heaviest->second > T(0.5))) break;
    rest.erase(heaviest);
  }
  b.mu = rest.empty() ? b.median : std::min_element(rest.begin(), rest.end())->first;
  return b;
}

/// curvature_bounds of a lanczos() result.
template <class T>
[[nodiscard]] curvature_bounds_t<T> curvature_bounds(const lanczos_result<T>& r,
                                                     mu_rule rule = mu_rule::minimum) {
  return curvature_bounds<T>(r.ritz_values, r.weights, rule);
}

/// A learning rate and a momentum for torch-style heavy ball SGD (`v = beta v + g; x -= lr v`).
template <class T>
struct lr_momentum {
  /// The learning rate (> 0).
  T lr;
  /// The heavy-ball momentum beta, in [0, 1).
  T momentum;
};

/// SSGD learner of Granziol et al. (no momentum): `lr = 2 / (L + median)`.
/// @throws lrs::invalid_argument if L + median is not > 0.
template <class T>
[[nodiscard]] T ssgd_lr(const curvature_bounds_t<T>& b) {
  detail::require(b.l + b.median > T(0) && std::isfinite(b.l + b.median), "ssgd_lr", "L + median",
                  "> 0 and finite", b.l + b.median);
  return T(2) / (b.l + b.median);
}

/// Which momentum formula heavy_ball uses.
enum class momentum_formula {
  /// Polyak's optimal heavy ball on a quadratic with curvatures in [mu, L]:
  /// `((sqrt L - sqrt mu) / (sqrt L + sqrt mu))^2`.
  polyak,
  /// The authors' code (run_ssgdm_fastanddirty.py): `((sqrt L - sqrt mu) / (sqrt L + mu))^2`;
  /// its denominator has `+ mu` where Polyak's has `+ sqrt mu`, most likely a typo. Offered only
  /// to reproduce their runs.
  granziol_code,
};

/// SSGDM learner (heavy ball): `lr = (2 / (sqrt L + sqrt mu))^2` and the momentum per `formula`
/// (Polyak's optimum by default). @pre L > 0 and mu > 0 (mu = 0 gives momentum 1, which does not
/// converge). @throws lrs::invalid_argument naming L or mu.
template <class T>
[[nodiscard]] lr_momentum<T> heavy_ball(const curvature_bounds_t<T>& b,
                                        momentum_formula formula = momentum_formula::polyak) {
  detail::require_positive("heavy_ball", "L", b.l);
  detail::require_positive("heavy_ball", "mu", b.mu);
  const T sl = std::sqrt(b.l), sm = std::sqrt(b.mu);
  const T lr = (T(2) / (sl + sm)) * (T(2) / (sl + sm));
  const T ratio = (sl - sm) / (formula == momentum_formula::polyak ? sl + sm : sl + b.mu);
  return {lr, ratio * ratio};
}

/// SSGDMN learner ("MN" variant, run_ssgdmn_fastanddirty.py and BatchHess_Code/run_lstm_ssgd.py):
/// `lr = sqrt(mu / L)`, `momentum = (sqrt L - sqrt mu) / (sqrt L + sqrt mu)`.
/// @pre L > 0 and mu > 0. @throws lrs::invalid_argument naming L or mu.
template <class T>
[[nodiscard]] lr_momentum<T> heavy_ball_mn(const curvature_bounds_t<T>& b) {
  detail::require_positive("heavy_ball_mn", "L", b.l);
  detail::require_positive("heavy_ball_mn", "mu", b.mu);
  const T sl = std::sqrt(b.l), sm = std::sqrt(b.mu);
  return {std::sqrt(b.mu / b.l), (sl - sm) / (sl + sm)};
}

/// Rayleigh-quotient step `lr = g'g / g'Hg`: the exact line-search step along -g on a quadratic
/// (diegogranziol/rmt_damping_dl, eigenthings/lr_sgd.py).
/// @param g gradient; @param hg the product H g.
/// @throws lrs::invalid_argument if sizes differ, g = 0, or g'Hg is not > 0 (no positive
///   curvature along g: no finite step).
template <class T>
[[nodiscard]] T rayleigh_quotient_lr(const Eigen::Matrix<T, Eigen::Dynamic, 1>& g,
                                     const Eigen::Matrix<T, Eigen::Dynamic, 1>& hg) {
  detail::require(hg.size() == g.size(), "rayleigh_quotient_lr", "hg.size()",
                  "g.size() = " + std::to_string(g.size()), static_cast<std::int64_t>(hg.size()));
  const T gg = g.squaredNorm();
  detail::require(gg > T(0) && std::isfinite(gg), "rayleigh_quotient_lr", "g'g", "> 0 and finite",
                  gg);
  const T ghg = g.dot(hg);
  detail::require(ghg > T(0) && std::isfinite(ghg), "rayleigh_quotient_lr", "g'Hg",
                  "> 0 and finite", ghg);
  return gg / ghg;
}

/// rayleigh_quotient_lr with H g computed by `hvp(g)`.
template <class T, class Hvp,
          class = std::enable_if_t<
              !std::is_base_of_v<Eigen::EigenBase<std::decay_t<Hvp>>, std::decay_t<Hvp>>>>
[[nodiscard]] T rayleigh_quotient_lr(Hvp&& hvp, const Eigen::Matrix<T, Eigen::Dynamic, 1>& g) {
  const Eigen::Matrix<T, Eigen::Dynamic, 1> hg = hvp(g);
  return rayleigh_quotient_lr<T>(g, hg);
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_LANCZOS_HPP
