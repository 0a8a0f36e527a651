// SPDX-License-Identifier: MIT
// Fashion-MNIST from the Debian package's IDX .gz files (zlib), or a synthetic stand-in.
#ifndef LRS_EXAMPLES_COMMON_FASHION_MNIST_HPP
#define LRS_EXAMPLES_COMMON_FASHION_MNIST_HPP

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <zlib.h>
#include <Eigen/Core>

#include "random.hpp"

namespace lrs_example {

/// Thrown when a dataset file exists but cannot be read or is not what it should be. The message
/// names the file.
struct dataset_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A labelled set of images: one column per example, pixel values scaled to [0, 1].
struct dataset {
  Eigen::MatrixXf images;   ///< features x examples (784 x n for Fashion-MNIST)
  std::vector<int> labels;  ///< class of each column, in [0, classes)
  int classes = 10;

  [[nodiscard]] Eigen::Index size() const { return images.cols(); }
  [[nodiscard]] Eigen::Index features() const { return images.rows(); }
};

/// Training and test sets plus a one-line description of where they came from.
struct train_test {
  dataset train, test;
  bool synthetic = false;
  std::string description;
};

/// Where the Debian package `dataset-fashion-mnist` puts the files.
inline const char* default_fashion_mnist_dir() {
  return "/usr/share/datasets/fashion-mnist";
}

/// The four file names of the Fashion-MNIST distribution (same names as MNIST).
inline std::vector<std::string> fashion_mnist_files() {
  return {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz"};
}

namespace detail {

inline bool file_exists(const std::string& path) {
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
    return true;
  }
  return false;
}

inline std::uint32_t read_be32(const std::vector<unsigned char>& b, std::size_t at) {
  return (std::uint32_t(b[at]) << 24) | (std::uint32_t(b[at + 1]) << 16) |
         (std::uint32_t(b[at + 2]) << 8) | std::uint32_t(b[at + 3]);
}

inline std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
  return buf;
}

}  // namespace detail

/// The whole decompressed content of a gzip file (a plain file is read as is, as zlib does).
/// @throws dataset_error naming the file if it cannot be opened or is a damaged gzip stream.
inline std::vector<unsigned char> read_gz(const std::string& path) {
  errno = 0;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    throw dataset_error("cannot open " + path + ": " +
                        (errno != 0 ? std::strerror(errno) : "zlib out of memory"));
  }
  std::vector<unsigned char> out;
  unsigned char buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      const std::string msg = gzerror(f, &code);
      gzclose(f);
      throw dataset_error("cannot read " + path + ": " + msg);
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  // A truncated gzip stream reads as a short file; gzclose_r reports it.
  const int rc = gzclose(f);
  if (rc != Z_OK && rc != Z_BUF_ERROR) throw dataset_error("cannot read " + path + ": zlib error");
  if (rc == Z_BUF_ERROR) throw dataset_error("cannot read " + path + ": truncated gzip stream");
  return out;
}

/// Parses IDX image bytes (magic 0x00000803, count, rows, cols, then uint8 pixels) and IDX label
/// bytes (magic 0x00000801, count, then uint8 labels) into a dataset; pixels are divided by 255.
/// `images_name` / `labels_name` name the sources in error messages.
/// @throws dataset_error on a wrong magic number, a size that does not match the header, a count
/// that differs between the two files, or a label >= classes.
inline dataset parse_idx(const std::vector<unsigned char>& images,
                         const std::vector<unsigned char>& labels, const std::string& images_name,
                         const std::string& labels_name, int classes = 10) {
  if (images.size() < 16)
    throw dataset_error(images_name + ": too short for an IDX image header (" +
                        std::to_string(images.size()) + " bytes)");
  if (labels.size() < 8)
    throw dataset_error(labels_name + ": too short for an IDX label header (" +
                        std::to_string(labels.size()) + " bytes)");
  const std::uint32_t im_magic = detail::read_be32(images, 0);
  if (im_magic != 0x00000803u)
    throw dataset_error(images_name + ": not an IDX image file (magic " + detail::hex32(im_magic) +
                        ", expected 0x00000803)");
  const std::uint32_t lb_magic = detail::read_be32(labels, 0);
  if (lb_magic != 0x00000801u)
    throw dataset_error(labels_name + ": not an IDX label file (magic " + detail::hex32(lb_magic) +
                        ", expected 0x00000801)");
  const std::size_t n = detail::read_be32(images, 4);
  const std::size_t rows = detail::read_be32(images, 8);
  const std::size_t cols = detail::read_be32(images, 12);
  const std::size_t n_labels = detail::read_be32(labels, 4);
  const std::size_t pixels = rows * cols;
  if (pixels == 0 || images.size() != 16 + n * pixels)
    throw dataset_error(images_name + ": " + std::to_string(images.size()) +
                        " bytes, header says " + std::to_string(16 + n * pixels) + " (" +
                        std::to_string(n) + " images of " + std::to_string(rows) + "x" +
                        std::to_string(cols) + ")");
  if (labels.size() != 8 + n_labels)
    throw dataset_error(labels_name + ": " + std::to_string(labels.size()) +
                        " bytes, header says " + std::to_string(8 + n_labels));
  if (n_labels != n)
    throw dataset_error(labels_name + ": " + std::to_string(n_labels) + " labels but " +
                        images_name + " has " + std::to_string(n) + " images");
  dataset d;
  d.classes = classes;
  d.images.resize(static_cast<Eigen::Index>(pixels), static_cast<Eigen::Index>(n));
  d.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* p = images.data() + 16 + i * pixels;
    for (std::size_t k = 0; k < pixels; ++k)
      d.images(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(i)) =
          static_cast<float>(p[k]) / 255.0f;
    const int y = labels[8 + i];
    if (y >= classes)
      throw dataset_error(labels_name + ": label " + std::to_string(y) + " of example " +
                          std::to_string(i) + " is not in [0, " + std::to_string(classes) + ")");
    d.labels[i] = y;
  }
  return d;
}

/// Reads one images/labels pair of .gz IDX files.
/// @throws dataset_error naming the file that failed.
inline dataset read_idx_gz(const std::string& images_path, const std::string& labels_path) {
  return parse_idx(read_gz(images_path), read_gz(labels_path), images_path, labels_path);
}

/// The first `n` examples of `d` (all of them if n <= 0 or n >= size).
inline dataset head(const dataset& d, Eigen::Index n) {
  if (n <= 0 || n >= d.size()) return d;
  dataset out;
  out.classes = d.classes;
  out.images = d.images.leftCols(n);
  out.labels.assign(d.labels.begin(), d.labels.begin() + n);
  return out;
}

/// Loads Fashion-MNIST from `dir` (60000 training and 10000 test images of 28x28 pixels, 10
/// classes), keeping at most `max_train` / `max_test` examples when those are > 0.
/// @throws dataset_error naming the file if any of the four files is missing or unreadable.
inline train_test load_fashion_mnist(const std::string& dir = default_fashion_mnist_dir(),
                                     Eigen::Index max_train = 0, Eigen::Index max_test = 0) {
  const auto files = fashion_mnist_files();
  train_test out;
  out.train = head(read_idx_gz(dir + "/" + files[0], dir + "/" + files[1]), max_train);
  out.test = head(read_idx_gz(dir + "/" + files[2], dir + "/" + files[3]), max_test);
  out.description = "Fashion-MNIST from " + dir + " (" + std::to_string(out.train.size()) +
                    " train, " + std::to_string(out.test.size()) + " test)";
  return out;
}

/// A deterministic 10-class task shaped like Fashion-MNIST (784 features in [0, 1]): each class
/// has three prototype images made of random blobs; an example is one prototype of its class,
/// blended 35 % with a prototype of another class, plus Gaussian pixel noise, clipped to [0, 1].
/// Not linearly trivial, learnable by a small MLP. The same seed gives the same data everywhere.
inline train_test synthetic_classification(Eigen::Index n_train = 12000, Eigen::Index n_test = 2000,
                                           std::uint64_t seed = 20220101, int side = 28,
                                           int classes = 10) {
  const int features = side * side;
  constexpr int per_class = 3;
  rng r(seed);
  std::vector<Eigen::VectorXf> protos;
  for (int p = 0; p < classes * per_class; ++p) {
    Eigen::VectorXf img = Eigen::VectorXf::Zero(features);
    for (int blob = 0; blob < 4; ++blob) {
      const double cx = r.uniform(0.15, 0.85) * side, cy = r.uniform(0.15, 0.85) * side;
      const double s = r.uniform(2.0, 5.0) * side / 28.0, a = r.uniform(0.5, 1.0);
      for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
          const double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
          img(y * side + x) += static_cast<float>(a * std::exp(-d2 / (2 * s * s)));
        }
    }
    protos.push_back(img.cwiseMin(1.0f));
  }
  auto make = [&](Eigen::Index n) {
    dataset d;
    d.classes = classes;
    d.images.resize(features, n);
    d.labels.resize(static_cast<std::size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i) {
      const int c = static_cast<int>(r.below(static_cast<std::size_t>(classes)));
      int other = static_cast<int>(r.below(static_cast<std::size_t>(classes - 1)));
      if (other >= c) ++other;
      const auto& p = protos[static_cast<std::size_t>(c * per_class) + r.below(per_class)];
      const auto& q = protos[static_cast<std::size_t>(other * per_class) + r.below(per_class)];
      for (int k = 0; k < features; ++k) {
        const double v = 0.65 * p(k) + 0.35 * q(k) + 0.25 * r.normal();
        d.images(k, i) = static_cast<float>(std::clamp(v, 0.0, 1.0));
      }
      d.labels[static_cast<std::size_t>(i)] = c;
    }
    return d;
  };
  train_test out;
  out.train = make(n_train);
  out.test = make(n_test);
  out.synthetic = true;
  out.description = "synthetic 10-class task (" + std::to_string(n_train) + " train, " +
                    std::to_string(n_test) + " test, seed " + std::to_string(seed) + ")";
  return out;
}

/// Fashion-MNIST from `dir` when any of its files is there; otherwise the synthetic task, with
/// `*fallback_note` (if given) set to a message saying why. A file that is present but missing
/// its partners or unreadable is an error, not a reason to fall back.
/// @throws dataset_error naming the file.
inline train_test load_or_synthesize(const std::string& dir, Eigen::Index max_train = 0,
                                     Eigen::Index max_test = 0,
                                     std::string* fallback_note = nullptr) {
  bool any = false;
  for (const auto& f : fashion_mnist_files()) any = any || detail::file_exists(dir + "/" + f);
  if (any) return load_fashion_mnist(dir, max_train, max_test);
  if (fallback_note != nullptr)
    *fallback_note = "Fashion-MNIST not found in " + dir +
                     " (install the Debian package dataset-fashion-mnist); using a built-in "
                     "synthetic 10-class task instead";
  const Eigen::Index n_train = max_train > 0 ? std::min<Eigen::Index>(max_train, 12000) : 12000;
  const Eigen::Index n_test = max_test > 0 ? std::min<Eigen::Index>(max_test, 2000) : 2000;
  return synthetic_classification(n_train, n_test);
}

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_COMMON_FASHION_MNIST_HPP
