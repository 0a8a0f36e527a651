// SPDX-License-Identifier: MIT
// A one-hidden-layer ReLU MLP with softmax cross-entropy, parameters in one flat Eigen vector.
#ifndef LRS_EXAMPLES_COMMON_MLP_HPP
#define LRS_EXAMPLES_COMMON_MLP_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>

#include <Eigen/Core>

#include "random.hpp"

namespace lrs_example {

/// The cache sizes fix_product_blocking gives Eigen, in bytes: L1, L2, L3.
inline constexpr std::ptrdiff_t fixed_cache_sizes[3] = {32 * 1024, 256 * 1024, 2 * 1024 * 1024};

/// Makes Eigen block its matrix products for the fixed cache sizes above instead of the sizes it
/// reads from the processor at run time. The blocking decides in which order a product's terms
/// are added over the inner dimension (the 784 inputs of the first layer), so processors with
/// different caches give results that differ in the last bits, and over thousands of training
/// steps those differences grow into different accuracies. With the sizes fixed, the same build
/// gives the same bits on every x86-64 processor (the float exp and log of the softmax and loss
/// are glibc's correctly rounded ones on every processor). Call it before any product and before
/// any thread starts: it sets Eigen's global blocking parameters.
inline void fix_product_blocking() {
  Eigen::setCpuCacheSizes(fixed_cache_sizes[0], fixed_cache_sizes[1], fixed_cache_sizes[2]);
}

/// inputs -> hidden (ReLU) -> classes, softmax cross-entropy loss averaged over the batch.
///
/// All weights and biases live in ONE flat vector, so any optimizer that steps an
/// `Eigen::VectorXf` trains it: layout `[W1 (hidden x inputs, column-major), b1 (hidden),
/// W2 (classes x hidden, column-major), b2 (classes)]`. The gradient has the same layout.
///
/// An object keeps scratch buffers for the forward and backward passes, so use one object per
/// thread. Everything is deterministic: the same parameters and batch give the same numbers.
template <class T = float>
class basic_mlp {
 public:
  using scalar_type = T;
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

  /// @throws std::invalid_argument if a size is < 1 (or classes < 2).
  basic_mlp(Eigen::Index inputs, Eigen::Index hidden, Eigen::Index classes)
      : inputs_(inputs), hidden_(hidden), classes_(classes) {
    if (inputs < 1) throw std::invalid_argument("mlp: inputs must be >= 1, got " + s(inputs));
    if (hidden < 1) throw std::invalid_argument("mlp: hidden must be >= 1, got " + s(hidden));
    if (classes < 2) throw std::invalid_argument("mlp: classes must be >= 2, got " + s(classes));
  }

  [[nodiscard]] Eigen::Index inputs() const { return inputs_; }
  [[nodiscard]] Eigen::Index hidden() const { return hidden_; }
  [[nodiscard]] Eigen::Index classes() const { return classes_; }
  /// hidden * (inputs + 1) + classes * (hidden + 1).
  [[nodiscard]] Eigen::Index num_params() const {
    return hidden_ * (inputs_ + 1) + classes_ * (hidden_ + 1);
  }

  /// He-uniform weights (bound sqrt(6 / fan_in)), zero biases, drawn from `seed`.
  [[nodiscard]] vector initial_params(std::uint64_t seed) const {
    vector p = vector::Zero(num_params());
    rng r(seed);
    const double b1 = std::sqrt(6.0 / static_cast<double>(inputs_));
    const double b2 = std::sqrt(6.0 / static_cast<double>(hidden_));
    for (Eigen::Index i = 0; i < hidden_ * inputs_; ++i) p(i) = static_cast<T>(r.uniform(-b1, b1));
    const Eigen::Index w2 = hidden_ * (inputs_ + 1);
    for (Eigen::Index i = 0; i < classes_ * hidden_; ++i)
      p(w2 + i) = static_cast<T>(r.uniform(-b2, b2));
    return p;
  }

  /// Mean cross-entropy of the batch `x` (inputs x B, one example per column) with labels
  /// `labels[0..B)`, and its gradient with respect to `params` written into `grad` (resized).
  /// @pre params.size() == num_params(), x.rows() == inputs(), labels in [0, classes).
  template <class Derived>
  T loss_and_gradient(const vector& params, const Eigen::MatrixBase<Derived>& x, const int* labels,
                      vector& grad) {
    check(params, x.rows());
    const Eigen::Index b = x.cols();
    forward(params, x, b);
    // probabilities_ now holds softmax; loss and dZ = (P - Y) / B.
    T loss = 0;
    for (Eigen::Index j = 0; j < b; ++j) {
      const int y = labels[j];
      loss -= std::log(std::max(probs_(y, j), std::numeric_limits<T>::min()));
      probs_(y, j) -= T(1);
    }
    probs_ /= static_cast<T>(b);
    grad.resize(num_params());
    auto [w1, b1, w2, b2] = views(params);
    (void)w1;
    (void)b1;
    (void)b2;
    auto [gw1, gb1, gw2, gb2] = views(grad);
    gw2.noalias() = probs_ * hidden_act_.transpose();
    gb2 = probs_.rowwise().sum();
    dhidden_.noalias() = w2.transpose() * probs_;
    dhidden_ = (hidden_act_.array() > T(0)).select(dhidden_, T(0));
    gw1.noalias() = dhidden_ * x.transpose();
    gb1 = dhidden_.rowwise().sum();
    return loss / static_cast<T>(b);
  }

  /// Mean loss and accuracy of `params` on columns of `x` with `labels`, in batches of `batch`.
  struct evaluation {
    double loss = 0;
    double accuracy = 0;
  };
  template <class Derived>
  evaluation evaluate(const vector& params, const Eigen::MatrixBase<Derived>& x, const int* labels,
                      Eigen::Index batch = 1000) {
    check(params, x.rows());
    evaluation e;
    const Eigen::Index n = x.cols();
    if (n == 0) return e;
    double loss = 0;
    Eigen::Index correct = 0;
    for (Eigen::Index start = 0; start < n; start += batch) {
      const Eigen::Index b = std::min(batch, n - start);
      forward(params, x.middleCols(start, b), b);
      for (Eigen::Index j = 0; j < b; ++j) {
        const int y = labels[start + j];
        Eigen::Index arg = 0;
        probs_.col(j).maxCoeff(&arg);
        if (arg == y) ++correct;
        loss -= std::log(std::max(static_cast<double>(probs_(y, j)),
                                  static_cast<double>(std::numeric_limits<T>::min())));
      }
    }
    e.loss = loss / static_cast<double>(n);
    e.accuracy = static_cast<double>(correct) / static_cast<double>(n);
    return e;
  }

 private:
  static std::string s(Eigen::Index v) { return std::to_string(v); }

  void check(const vector& params, Eigen::Index rows) const {
    if (params.size() != num_params())
      throw std::invalid_argument("mlp: params has size " + s(params.size()) + ", expected " +
                                  s(num_params()));
    if (rows != inputs_)
      throw std::invalid_argument("mlp: batch has " + s(rows) + " rows, expected " + s(inputs_));
  }

  template <class V>
  auto views(V& p) const {
    using map = std::conditional_t<std::is_const_v<std::remove_pointer_t<decltype(p.data())>>,
                                   Eigen::Map<const matrix>, Eigen::Map<matrix>>;
    using vmap = std::conditional_t<std::is_const_v<std::remove_pointer_t<decltype(p.data())>>,
                                    Eigen::Map<const vector>, Eigen::Map<vector>>;
    auto* d = p.data();
    const Eigen::Index o1 = hidden_ * inputs_, o2 = o1 + hidden_, o3 = o2 + classes_ * hidden_;
    return std::tuple<map, vmap, map, vmap>(map(d, hidden_, inputs_), vmap(d + o1, hidden_),
                                            map(d + o2, classes_, hidden_), vmap(d + o3, classes_));
  }

  template <class Derived>
  void forward(const vector& params, const Eigen::MatrixBase<Derived>& x, Eigen::Index b) {
    auto [w1, b1, w2, b2] = views(params);
    hidden_act_.resize(hidden_, b);
    hidden_act_.noalias() = w1 * x;
    hidden_act_.colwise() += b1;
    hidden_act_ = hidden_act_.cwiseMax(T(0));
    probs_.resize(classes_, b);
    probs_.noalias() = w2 * hidden_act_;
    probs_.colwise() += b2;
    // Numerically stable softmax per column.
    for (Eigen::Index j = 0; j < b; ++j) {
      auto c = probs_.col(j);
      c.array() -= c.maxCoeff();
      c = c.array().exp().matrix();
      c /= c.sum();
    }
  }

  Eigen::Index inputs_, hidden_, classes_;
  matrix hidden_act_, probs_, dhidden_;
};

using mlp = basic_mlp<float>;

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_COMMON_MLP_HPP
