// SPDX-License-Identifier: MIT
// Reads Fashion-MNIST's IDX .gz files (Debian package dataset-fashion-mnist) with zlib.
#ifndef LRS_EXAMPLES_ADAPTERS_FASHION_MNIST_GZ_HPP
#define LRS_EXAMPLES_ADAPTERS_FASHION_MNIST_GZ_HPP

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <zlib.h>

namespace lrs_example {

/// Images (rows x cols bytes each, row-major, one after the other) and their labels in [0, 10).
struct idx_set {
  std::vector<std::uint8_t> pixels;
  std::vector<std::uint8_t> labels;
  std::size_t rows = 28, cols = 28;
  [[nodiscard]] std::size_t size() const { return labels.size(); }
};

namespace detail {

inline std::vector<std::uint8_t> gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<std::uint8_t> out;
  unsigned char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  gzclose(f);
  if (n < 0) throw std::runtime_error("cannot decompress " + path);
  return out;
}

inline std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at) {
  if (b.size() < at + 4) throw std::runtime_error("IDX file too short");
  return (std::uint32_t(b[at]) << 24) | (std::uint32_t(b[at + 1]) << 16) |
         (std::uint32_t(b[at + 2]) << 8) | std::uint32_t(b[at + 3]);
}

}  // namespace detail

/// Loads `<dir>/<prefix>-images-idx3-ubyte.gz` and `<dir>/<prefix>-labels-idx1-ubyte.gz`
/// (prefix "train" or "t10k"). Throws std::runtime_error naming the file on any problem.
inline idx_set load_fashion_mnist(const std::string& dir, const std::string& prefix) {
  const std::string ip = dir + "/" + prefix + "-images-idx3-ubyte.gz";
  const std::string lp = dir + "/" + prefix + "-labels-idx1-ubyte.gz";
  const auto img = detail::gunzip(ip);
  const auto lab = detail::gunzip(lp);
  if (detail::be32(img, 0) != 2051) throw std::runtime_error(ip + " is not an IDX image file");
  if (detail::be32(lab, 0) != 2049) throw std::runtime_error(lp + " is not an IDX label file");
  idx_set s;
  const std::size_t n = detail::be32(img, 4);
  s.rows = detail::be32(img, 8);
  s.cols = detail::be32(img, 12);
  if (detail::be32(lab, 4) != n || img.size() != 16 + n * s.rows * s.cols || lab.size() != 8 + n)
    throw std::runtime_error(ip + " and " + lp + " do not match");
  s.pixels.assign(img.begin() + 16, img.end());
  s.labels.assign(lab.begin() + 8, lab.end());
  return s;
}

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_ADAPTERS_FASHION_MNIST_GZ_HPP
