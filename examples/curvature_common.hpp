// SPDX-License-Identifier: MIT
// Fashion-MNIST reading (zlib) and a flat-parameter 784-H-10 ReLU MLP for the curvature examples.
#ifndef LRS_EXAMPLES_CURVATURE_COMMON_HPP
#define LRS_EXAMPLES_CURVATURE_COMMON_HPP

#include <zlib.h>

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace curvature_example {

using vec = Eigen::VectorXd;
using mat = Eigen::MatrixXd;

/// Images as columns (pixels in [0, 1]) and labels 0..9.
struct dataset {
  mat x;
  std::vector<int> y;
  bool real = false;
};

inline bool read_gz(const std::string& path, std::vector<unsigned char>& out) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return false;
  unsigned char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  gzclose(f);
  return n == 0 && !out.empty();
}

inline std::uint32_t be32(const std::vector<unsigned char>& b, std::size_t at) {
  return (std::uint32_t(b[at]) << 24) | (std::uint32_t(b[at + 1]) << 16) |
         (std::uint32_t(b[at + 2]) << 8) | std::uint32_t(b[at + 3]);
}

/// Reads `<dir>/<split>-images-idx3-ubyte.gz` and labels; empty dataset on failure.
inline dataset load_fashion_mnist(const std::string& dir, const std::string& split) {
  dataset d;
  std::vector<unsigned char> img, lab;
  if (!read_gz(dir + "/" + split + "-images-idx3-ubyte.gz", img) ||
      !read_gz(dir + "/" + split + "-labels-idx1-ubyte.gz", lab) || img.size() < 16 ||
      lab.size() < 8 || be32(img, 0) != 2051 || be32(lab, 0) != 2049)
    return d;
  const std::size_t n = be32(img, 4), rows = be32(img, 8), cols = be32(img, 12);
  if (be32(lab, 4) != n || img.size() != 16 + n * rows * cols || lab.size() != 8 + n) return d;
  d.x.resize(Eigen::Index(rows * cols), Eigen::Index(n));
  for (std::size_t i = 0; i < n * rows * cols; ++i) d.x.data()[i] = img[16 + i] / 255.0;
  d.y.assign(lab.begin() + 8, lab.end());
  d.real = true;
  return d;
}

/// A synthetic stand-in when the dataset is missing: 10 Gaussian clusters in 784 dimensions.
inline dataset synthetic(int n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  mat centers(784, 10);
  for (Eigen::Index i = 0; i < centers.size(); ++i) centers.data()[i] = 0.5 + 0.15 * normal(gen);
  dataset d;
  d.x.resize(784, n);
  d.y.resize(std::size_t(n));
  for (int j = 0; j < n; ++j) {
    const int c = j % 10;
    d.y[std::size_t(j)] = c;
    for (int i = 0; i < 784; ++i) d.x(i, j) = centers(i, c) + 0.3 * normal(gen);
  }
  return d;
}

/// 784 -> hidden -> 10 MLP, ReLU, softmax cross-entropy, parameters in one flat vector
/// [W1 (h x 784), b1 (h), W2 (10 x h), b2 (10)] so that analysis code sees a plain vector.
struct mlp {
  int in = 784, hidden = 64, out = 10;
  Eigen::Index size() const {
    return Eigen::Index(hidden) * (in + 1) + Eigen::Index(out) * (hidden + 1);
  }

  vec init(unsigned seed) const {
    std::mt19937 gen(seed);
    std::normal_distribution<double> normal;
    vec p = vec::Zero(size());
    const double s1 = std::sqrt(2.0 / in), s2 = std::sqrt(1.0 / hidden);  // He / LeCun
    for (Eigen::Index i = 0; i < Eigen::Index(hidden) * in; ++i) p[i] = s1 * normal(gen);
    const Eigen::Index w2 = Eigen::Index(hidden) * (in + 1);
    for (Eigen::Index i = 0; i < Eigen::Index(out) * hidden; ++i) p[w2 + i] = s2 * normal(gen);
    return p;
  }

  /// Mean cross-entropy over columns [first, first + count) of x; gradient into `grad` if given.
  double loss(const vec& p, const mat& x, const std::vector<int>& y, Eigen::Index first,
              Eigen::Index count, vec* grad = nullptr, int* correct = nullptr) const {
    const Eigen::Index h = hidden, w2_at = h * (in + 1), b2_at = w2_at + Eigen::Index(out) * h;
    const Eigen::Map<const mat> w1(p.data(), h, in);
    const Eigen::Map<const vec> b1(p.data() + h * in, h);
    const Eigen::Map<const mat> w2(p.data() + w2_at, out, h);
    const Eigen::Map<const vec> b2(p.data() + b2_at, out);
    const auto xb = x.middleCols(first, count);
    const mat z1 = (w1 * xb).colwise() + b1;
    const mat a1 = z1.cwiseMax(0.0);
    mat z2 = (w2 * a1).colwise() + b2;
    double total = 0;
    int right = 0;
    for (Eigen::Index j = 0; j < count; ++j) {
      auto col = z2.col(j);
      const double m = col.maxCoeff();
      col = (col.array() - m).exp().matrix();
      const double s = col.sum();
      col /= s;
      const int label = y[std::size_t(first + j)];
      total -= std::log(std::max(col[label], 1e-300));
      Eigen::Index arg = 0;
      col.maxCoeff(&arg);
      right += arg == label ? 1 : 0;
      col[label] -= 1.0;  // z2 now holds dL/dz2 (times count)
    }
    if (correct) *correct = right;
    if (grad) {
      grad->resize(size());
      const double inv = 1.0 / double(count);
      Eigen::Map<mat> gw1(grad->data(), h, in);
      Eigen::Map<vec> gb1(grad->data() + h * in, h);
      Eigen::Map<mat> gw2(grad->data() + w2_at, out, h);
      Eigen::Map<vec> gb2(grad->data() + b2_at, out);
      gw2.noalias() = inv * z2 * a1.transpose();
      gb2 = inv * z2.rowwise().sum();
      const mat d1 = (w2.transpose() * z2).cwiseProduct((z1.array() > 0.0).cast<double>().matrix());
      gw1.noalias() = inv * d1 * xb.transpose();
      gb1 = inv * d1.rowwise().sum();
    }
    return total / double(count);
  }
};

/// Seconds since `t0`.
inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace curvature_example

#endif  // LRS_EXAMPLES_CURVATURE_COMMON_HPP
