// SPDX-License-Identifier: MIT
// Shared pieces of the Eigen optimizer layer: tensor views, parameter groups, step_info, the fused
// SIMD loop, gradient norms and the checksummed state format.
#ifndef LRS_OPTIM_COMMON_HPP
#define LRS_OPTIM_COMMON_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include <lrs/config.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// Column vector of parameters, gradients or optimizer state.
template <class T>
using vector_t = Eigen::Matrix<T, Eigen::Dynamic, 1>;

/// What one optimizer step reports.
template <class T>
struct step_info {
  /// L2 norm of all gradients passed to the step (before clipping), over every tensor.
  T grad_l2 = T(0);
  /// L1 norm of all gradients passed to the step (before clipping), over every tensor.
  T grad_l1 = T(0);
  /// Factor the gradients were multiplied by: min(1, max_grad_norm / (grad_l2 + 1e-6)) when
  /// clipping is on (PyTorch's clip_grad_norm_), 1 otherwise.
  T clip_scale = T(1);
};

/// A parameter group: a learning-rate multiplier and a weight decay shared by its tensors, as a
/// PyTorch param_group with `lr = lr_scale * lr`.
/// @pre lr_scale >= 0 and finite; weight_decay >= 0 and finite, or negative to mean "the
///      optimizer's own weight_decay" (the default).
template <class T>
struct param_group {
  T lr_scale = T(1);
  T weight_decay = T(-1);
};

/// One parameter tensor and its gradient for a multi-tensor step: non-owning views, like
/// std::string_view; the memory must outlive the step call. Both must be contiguous.
/// @throws lrs::invalid_argument if the sizes differ or a view is not contiguous.
template <class T>
class param_tensor {
 public:
  /// @param params a vector, Map or contiguous segment; updated in place.
  /// @param grads a vector, Map or contiguous segment of the same size (not an expression).
  /// @param group index returned by the optimizer's add_group (0: the default group).
  template <class G>
  param_tensor(Eigen::Ref<vector_t<T>> params, const Eigen::DenseBase<G>& grads,
               std::size_t group = 0)
      : group_(group) {
    static_assert(bool(G::Flags & Eigen::DirectAccessBit),
                  "lrs::param_tensor: grads must be a vector, Map or block with direct memory "
                  "access (not an expression)");
    static_assert(std::is_same_v<typename G::Scalar, T>,
                  "lrs::param_tensor: grads scalar type mismatch");
    detail::require(grads.innerStride() == 1 || grads.size() <= 1, "param_tensor",
                    "grads inner stride", "1 (contiguous)", grads.innerStride());
    detail::require(grads.size() == params.size(), "param_tensor", "grads size",
                    "equal to params size " + std::to_string(params.size()), grads.size());
    params_ = params.data();
    grads_ = grads.derived().data();
    size_ = params.size();
  }
  param_tensor(T* params, const T* grads, Eigen::Index size, std::size_t group = 0)
      : params_(params), grads_(grads), size_(size), group_(group) {
    detail::require(size >= 0, "param_tensor", "size", ">= 0", size);
  }

  T* params() const noexcept { return params_; }
  const T* grads() const noexcept { return grads_; }
  Eigen::Index size() const noexcept { return size_; }
  std::size_t group() const noexcept { return group_; }

 private:
  T* params_ = nullptr;
  const T* grads_ = nullptr;
  Eigen::Index size_ = 0;
  std::size_t group_ = 0;
};

namespace detail {

template <class T>
using packet_t = typename Eigen::internal::packet_traits<T>::type;
template <class T>
inline constexpr Eigen::Index packet_size_v = Eigen::internal::unpacket_traits<packet_t<T>>::size;

/// Norm accumulators are flushed into double every block so long float sums stay accurate.
inline constexpr Eigen::Index norm_block = 256;

/// Runs `k.template apply<P>(i, l2, l1)` over [0, n): SIMD packets first, scalars for the tail,
/// in one pass. `k` accumulates grad^2 into l2 and |grad| into l1; the sums come back in double.
template <class T, class Kernel>
void fused_loop(Eigen::Index n, const Kernel& k, double& l2, double& l1) {
  namespace ei = Eigen::internal;
  using P = packet_t<T>;
  constexpr Eigen::Index ps = packet_size_v<T>;
  Eigen::Index i = 0;
  if constexpr (ps > 1) {
    const Eigen::Index nv = n - n % ps;
    while (i < nv) {
      const Eigen::Index end = i + norm_block < nv ? i + norm_block : nv;
      P a2 = ei::pset1<P>(T(0));
      P a1 = ei::pset1<P>(T(0));
      for (; i < end; i += ps) k.template apply<P>(i, a2, a1);
      l2 += double(ei::predux(a2));
      l1 += double(ei::predux(a1));
    }
  }
  T s2 = T(0), s1 = T(0);
  for (; i < n; ++i) k.template apply<T>(i, s2, s1);
  l2 += double(s2);
  l1 += double(s1);
}

/// Correctly rounded square root of a packet. Eigen's psqrt is a reciprocal-sqrt approximation
/// for some packet types under EIGEN_FAST_MATH (its default); the update must match PyTorch, so
/// use the IEEE instructions on x86 and a per-lane std::sqrt elsewhere.
template <class P>
inline P exact_sqrt(const P& x) {
  namespace ei = Eigen::internal;
  using S = typename ei::unpacket_traits<P>::type;
  constexpr int n = ei::unpacket_traits<P>::size;
  if constexpr (n == 1) {
    return P(std::sqrt(x));
  } else {
    alignas(64) S lanes[n];
    ei::pstoreu(lanes, x);
    for (S& v : lanes) v = std::sqrt(v);
    return ei::ploadu<P>(lanes);
  }
}
#if defined(EIGEN_VECTORIZE_SSE2)
inline Eigen::internal::Packet4f exact_sqrt(const Eigen::internal::Packet4f& x) {
  return _mm_sqrt_ps(x);
}
inline Eigen::internal::Packet2d exact_sqrt(const Eigen::internal::Packet2d& x) {
  return _mm_sqrt_pd(x);
}
#endif
#if defined(EIGEN_VECTORIZE_AVX)
inline Eigen::internal::Packet8f exact_sqrt(const Eigen::internal::Packet8f& x) {
  return _mm256_sqrt_ps(x);
}
inline Eigen::internal::Packet4d exact_sqrt(const Eigen::internal::Packet4d& x) {
  return _mm256_sqrt_pd(x);
}
#endif
#if defined(EIGEN_VECTORIZE_AVX512)
inline Eigen::internal::Packet16f exact_sqrt(const Eigen::internal::Packet16f& x) {
  return _mm512_sqrt_ps(x);
}
inline Eigen::internal::Packet8d exact_sqrt(const Eigen::internal::Packet8d& x) {
  return _mm512_sqrt_pd(x);
}
#endif

/// Adds g^2 and |g| of a loaded gradient to the accumulators.
template <class P>
inline void accumulate_norms(const P& g, P& l2, P& l1) {
  namespace ei = Eigen::internal;
  l2 = ei::pmadd(g, g, l2);
  l1 = ei::padd(ei::pabs(g), l1);
}

template <class T>
struct norm_kernel {
  const T* g;
  template <class P>
  void apply(Eigen::Index i, P& l2, P& l1) const {
    accumulate_norms(Eigen::internal::ploadu<P>(g + i), l2, l1);
  }
};

/// Squared L2 and L1 norms of `n` values in one read pass, accumulated into l2 and l1.
template <class T>
void grad_norms(const T* g, Eigen::Index n, double& l2, double& l1) {
  fused_loop<T>(n, norm_kernel<T>{g}, l2, l1);
}

/// Per-tensor optimizer state: a step count and up to three buffers (momentum, exp_avg, ...).
template <class T>
struct tensor_state {
  std::int64_t step = 0;
  Eigen::Index size = -1;  // -1: not stepped yet
  vector_t<T> buf[3];
};

/// Appends and reads the binary state format: "LRSO" magic, version, a kind tag, sizeof(T),
/// fields, and an FNV-1a 64-bit checksum of everything before it.
class state_writer {
 public:
  explicit state_writer(std::uint32_t kind, std::uint32_t scalar_size) {
    bytes_.insert(bytes_.end(), {'L', 'R', 'S', 'O'});
    put(std::uint32_t(1));
    put(kind);
    put(scalar_size);
  }
  template <class V>
  void put(const V& v) {
    static_assert(std::is_trivially_copyable_v<V>);
    const auto* p = reinterpret_cast<const unsigned char*>(&v);
    bytes_.insert(bytes_.end(), p, p + sizeof(V));
  }
  template <class T>
  void put_array(const T* p, Eigen::Index n) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    bytes_.insert(bytes_.end(), b, b + sizeof(T) * std::size_t(n));
  }
  std::vector<unsigned char> finish() {
    put(fnv1a(bytes_.data(), bytes_.size()));
    return std::move(bytes_);
  }

  static std::uint64_t fnv1a(const unsigned char* p, std::size_t n) noexcept {
    std::uint64_t h = 1469598103934665603ull;
    for (std::size_t i = 0; i < n; ++i) {
      h ^= p[i];
      h *= 1099511628211ull;
    }
    return h;
  }

 private:
  std::vector<unsigned char> bytes_;
};

class state_reader {
 public:
  /// Checks magic, version, kind, scalar size and checksum up front.
  state_reader(const std::vector<unsigned char>& bytes, std::string_view type, std::uint32_t kind,
               std::uint32_t scalar_size)
      : bytes_(bytes), type_(type) {
    constexpr std::size_t header = 4 + 3 * sizeof(std::uint32_t);
    constexpr std::size_t trailer = sizeof(std::uint64_t);
    require(bytes.size() >= header + trailer, type, "state size",
            ">= " + std::to_string(header + trailer) + " bytes", bytes.size());
    require(std::memcmp(bytes.data(), "LRSO", 4) == 0, type, "state", "an lrs optimizer state",
            "bad magic");
    end_ = bytes.size() - trailer;
    std::uint64_t sum = 0;
    std::memcpy(&sum, bytes.data() + end_, trailer);
    require(sum == state_writer::fnv1a(bytes.data(), end_), type, "state checksum",
            "valid (state truncated or corrupt)", sum);
    pos_ = 4;
    const auto version = get<std::uint32_t>();
    require(version == 1, type, "state version", "1", version);
    const auto k = get<std::uint32_t>();
    require(k == kind, type, "state kind",
            "the tag of this optimizer (" + std::to_string(kind) + ")", k);
    const auto s = get<std::uint32_t>();
    require(s == scalar_size, type, "state scalar size", std::to_string(scalar_size) + " bytes", s);
  }
  template <class V>
  V get() {
    static_assert(std::is_trivially_copyable_v<V>);
    need(sizeof(V));
    V v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(V));
    pos_ += sizeof(V);
    return v;
  }
  template <class T>
  void get_array(T* p, Eigen::Index n) {
    const std::size_t b = sizeof(T) * std::size_t(n);
    need(b);
    if (b == 0) return;  // p may be null for an empty buffer; memcpy must not see it
    std::memcpy(p, bytes_.data() + pos_, b);
    pos_ += b;
  }
  void finish() const {
    require(pos_ == end_, type_, "state length", "exactly the encoded fields",
            std::to_string(end_ - pos_) + " extra bytes");
  }
  std::size_t remaining() const noexcept { return end_ - pos_; }

 private:
  void need(std::size_t n) const {
    require(n <= end_ - pos_, type_, "state", "long enough for its fields", "truncated");
  }
  const std::vector<unsigned char>& bytes_;
  std::string_view type_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
};

/// Tensor-state part shared by every optimizer: per-tensor step counts and buffers.
template <class T>
void write_tensor_states(state_writer& w, const std::vector<tensor_state<T>>& states) {
  w.put(std::uint64_t(states.size()));
  for (const auto& s : states) {
    w.put(s.step);
    w.put(std::int64_t(s.size));
    for (const auto& b : s.buf) {
      w.put(std::int64_t(b.size()));
      w.put_array(b.data(), b.size());
    }
  }
}

template <class T>
std::vector<tensor_state<T>> read_tensor_states(state_reader& r, std::string_view type) {
  const auto count = r.get<std::uint64_t>();
  // Each tensor needs at least 5 int64 fields: reject absurd counts before allocating.
  require(count <= r.remaining() / (5 * sizeof(std::int64_t)), type, "state tensor count",
          "consistent with the state length", count);
  std::vector<tensor_state<T>> states(static_cast<std::size_t>(count));
  for (auto& s : states) {
    s.step = r.get<std::int64_t>();
    s.size = static_cast<Eigen::Index>(r.get<std::int64_t>());
    require(s.step >= 0, type, "state step", ">= 0", s.step);
    require(s.size >= -1, type, "state tensor size", ">= -1", std::int64_t(s.size));
    for (auto& b : s.buf) {
      const auto n = r.get<std::int64_t>();
      require(n == 0 || (n > 0 && n == std::int64_t(s.size)), type, "state buffer size",
              "0 or the tensor size " + std::to_string(s.size), n);
      require(std::uint64_t(n) * sizeof(T) <= r.remaining(), type, "state", "long enough",
              "truncated");
      b.resize(static_cast<Eigen::Index>(n));
      r.get_array(b.data(), b.size());
    }
  }
  return states;
}

/// Validates a step's inputs against the groups and the existing per-tensor state.
template <class T>
void check_tensors(std::string_view type, const param_tensor<T>* tensors, std::size_t count,
                   const std::vector<tensor_state<T>>& states, std::size_t groups, T lr) {
  require(std::isfinite(lr) && lr >= T(0), type, "lr", ">= 0 and finite", lr);
  for (std::size_t i = 0; i < count; ++i) {
    const auto& t = tensors[i];
    require(t.group() < groups, type, "group of tensor " + std::to_string(i),
            "< the number of groups " + std::to_string(groups), t.group());
    if (i < states.size() && states[i].size >= 0)
      require(t.size() == states[i].size, type, "size of tensor " + std::to_string(i),
              "its size at the first step (" + std::to_string(states[i].size) + ")", t.size());
  }
}

/// Global-norm clipping and norms for a step. With clipping on, one read pass over the gradients
/// computes the norms first (the scale must be known before any update); otherwise the update
/// pass computes them.
template <class T>
struct clip_pass {
  bool done = false;
  double l2 = 0, l1 = 0;
  T scale = T(1);
};

template <class T>
clip_pass<T> clip_prepass(const param_tensor<T>* tensors, std::size_t count, T max_norm) {
  clip_pass<T> c;
  if (!(max_norm > T(0))) return c;
  for (std::size_t i = 0; i < count; ++i)
    grad_norms(tensors[i].grads(), tensors[i].size(), c.l2, c.l1);
  c.done = true;
  // PyTorch: clip_coef = max_norm / (total_norm + 1e-6), clamped to at most 1, in T arithmetic.
  const T total = static_cast<T>(std::sqrt(c.l2));
  const T coef = max_norm / (total + T(1e-6));
  c.scale = coef < T(1) ? coef : T(1);
  if (std::isnan(coef)) c.scale = coef;
  return c;
}

template <class T>
void validate_group(std::string_view type, const param_group<T>& g) {
  require(std::isfinite(g.lr_scale) && g.lr_scale >= T(0), type, "param_group.lr_scale",
          ">= 0 and finite", g.lr_scale);
  require(std::isfinite(g.weight_decay), type, "param_group.weight_decay",
          "finite (negative: the optimizer's own)", g.weight_decay);
}

}  // namespace detail
}  // namespace lrs

#endif  // LRS_OPTIM_COMMON_HPP
