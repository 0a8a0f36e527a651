// SPDX-License-Identifier: MIT
// The objective of the annealing-law fit (lrs::detail): the points it reads, their thinning for
// the coarse pass, and the Huber loss of log residuals with its analytic gradient.
#ifndef LRS_ANALYSIS_SCALING_LAW_OBJECTIVE_HPP
#define LRS_ANALYSIS_SCALING_LAW_OBJECTIVE_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include <lrs/config.hpp>
#include <lrs/core/thread_pool.hpp>

namespace lrs {
namespace detail {

/// The fitting data reduced to what the objective needs: ln S1, S2 and ln y at each point, and
/// optionally a weight per point (empty: every point weighs 1).
struct law_points {
  std::vector<double> ln_s1, s2, ln_y, weight;
};

/// The points of each run (runs end at `run_end`) thinned to ceil(n_r / stride) evenly spread
/// ones, the run's first and last kept, each kept point weighted by n_r / (points kept): the
/// weighted objective estimates the one on all points.
inline law_points thin_points(const law_points& p, const std::vector<std::size_t>& run_end,
                              std::size_t stride) {
  law_points out;
  std::size_t begin = 0;
  for (const std::size_t end : run_end) {
    const std::size_t n = end - begin;
    const std::size_t m = (n + stride - 1) / stride;
    const double w = static_cast<double>(n) / static_cast<double>(m);
    for (std::size_t j = 0; j < m; ++j) {
      // j (n - 1) / (m - 1), rounded to nearest: 0 and n - 1 at the ends, rising in j.
      const std::uint64_t off =
          m == 1 ? n - 1 : (2 * std::uint64_t(j) * (n - 1) + (m - 1)) / (2 * std::uint64_t(m - 1));
      const std::size_t k = begin + static_cast<std::size_t>(off);
      out.ln_s1.push_back(p.ln_s1[k]);
      out.s2.push_back(p.s2[k]);
      out.ln_y.push_back(p.ln_y[k]);
      out.weight.push_back(w);
    }
    begin = end;
  }
  return out;
}

/// Points per block of the fit objective: the points are cut into blocks of this many, each
/// block's sums computed on its own (on any thread) and the block sums added in block order, so
/// the objective does not depend on the number of threads.
inline constexpr Eigen::Index law_block = 2048;

/// Sum of Huber(ln y - ln(L0 + A e^{-alpha ln S1} - C S2)) and its analytic gradient; x = (L0, A,
/// alpha, C), each point weighted when `p.weight` is given. Where the prediction is not positive
/// at some point (the log is undefined there), the value is above any seen so far (see
/// operator()) and `last_valid` is false. Evaluated over Eigen arrays (Eigen's vectorised exp
/// and log), block by block, the blocks spread over `pool` when given.
/// A class template (used as law_objective) only so that it compiles where it is used (config.hpp).
template <class = void>
class law_objective_impl {
 public:
  law_objective_impl(const law_points& p, double delta, thread_pool* pool = nullptr)
      : n_(static_cast<Eigen::Index>(p.ln_y.size())),
        ln_s1_(p.ln_s1.data(), n_),
        s2_(p.s2.data(), n_),
        ln_y_(p.ln_y.data(), n_),
        weight_(p.weight.empty() ? nullptr : p.weight.data(), p.weight.empty() ? 0 : n_),
        weighted_(!p.weight.empty()),
        delta_(delta),
        pool_(pool),
        blocks_((n_ + law_block - 1) / law_block),
        sums_(6, blocks_) {}

  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    const double l0 = x[0], a = x[1], alpha = x[2], c = x[3];
    auto task = [&](std::size_t blk) { block(static_cast<Eigen::Index>(blk), l0, a, alpha, c); };
    if (pool_ != nullptr && n_ >= 4 * law_block)
      pool_->run(static_cast<std::size_t>(blocks_), task);
    else
      for (Eigen::Index b = 0; b < blocks_; ++b) task(static_cast<std::size_t>(b));
    double f = 0, g0 = 0, g1 = 0, g2 = 0, g3 = 0, bad = 0;
    for (Eigen::Index b = 0; b < blocks_; ++b) {
      f += sums_(0, b);
      g0 += sums_(1, b);
      g1 += sums_(2, b);
      g2 += sums_(3, b);
      g3 += sums_(4, b);
      bad += sums_(5, b);
    }
    ++evaluations;
    point_evaluations += n_;
    last_valid = bad == 0;
    if (!last_valid) {
      // Not +huge: a line search that steps out of the domain must interpolate back into it,
      // and from a value of 1e300 its next trial step would be ~1e-300 of the last (the first
      // L-BFGS-B step has unit length whatever the scale of the parameters, which on small
      // losses leaves the domain). Twice the largest value seen, plus 1, is above the line
      // search's starting value, so it backtracks by about half.
      g.setZero();
      return 2 * max_f + 1;
    }
    g[0] = g0;
    g[1] = g1;
    g[2] = -a * g2;
    g[3] = -g3;
    max_f = std::max(max_f, f);
    if (f < best_f) {
      best_f = f;
      best_x = x;
    }
    return f;
  }

  bool last_valid = false;  ///< whether the last evaluation had a positive prediction everywhere
  double max_f = 0;         ///< the largest objective seen
  double best_f = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_x;
  long evaluations = 0;
  long long point_evaluations = 0;

 private:
  using block_array = Eigen::Array<double, Eigen::Dynamic, 1, 0, law_block, 1>;

  // Sums of one block: Huber(r), w, w pw, w pw ln S1, w S2 (w = d f / d pred) and the count of
  // points whose prediction is not positive and finite.
  void block(Eigen::Index b, double l0, double a, double alpha, double c) {
    const Eigen::Index begin = b * law_block;
    const Eigen::Index len = std::min(law_block, n_ - begin);
    const auto ln_s1 = ln_s1_.segment(begin, len);
    const block_array pw = (-alpha * ln_s1).exp();
    const block_array pred = l0 + a * pw - c * s2_.segment(begin, len);
    const double bad =
        double((!(pred > 0.0 && pred < std::numeric_limits<double>::infinity())).count());
    if (bad != 0) {
      sums_.col(b).setZero();
      sums_(5, b) = bad;
      return;
    }
    const block_array r = ln_y_.segment(begin, len) - pred.log();
    // d Huber / d r = r clamped to [-delta, delta]; Huber(r) = dr (r - dr / 2) on both branches.
    const block_array dr = r.max(-delta_).min(delta_);
    block_array w = -dr / pred;
    if (weighted_) {  // a point of weight k adds k Huber(r), and k times its gradient
      const auto k = weight_.segment(begin, len);
      sums_(0, b) = (k * dr * (r - 0.5 * dr)).sum();
      w *= k;
    } else {
      sums_(0, b) = (dr * (r - 0.5 * dr)).sum();
    }
    const block_array wpw = w * pw;
    sums_(1, b) = w.sum();
    sums_(2, b) = wpw.sum();
    sums_(3, b) = (wpw * ln_s1).sum();
    sums_(4, b) = (w * s2_.segment(begin, len)).sum();
    sums_(5, b) = 0;
  }

  Eigen::Index n_;
  Eigen::Map<const Eigen::ArrayXd> ln_s1_, s2_, ln_y_, weight_;
  bool weighted_;
  double delta_;
  thread_pool* pool_;
  Eigen::Index blocks_;
  Eigen::Array<double, 6, Eigen::Dynamic> sums_;
};
using law_objective = law_objective_impl<>;

}  // namespace detail
}  // namespace lrs

#endif  // LRS_ANALYSIS_SCALING_LAW_OBJECTIVE_HPP
