// SPDX-License-Identifier: MIT
// Shared pieces of the Eigen optimizer layer: tensor views, parameter groups, step_info, the fused
// SIMD loop, gradient norms and the per-tensor part of the optimizers' state.
#ifndef LRS_OPTIM_COMMON_HPP
#define LRS_OPTIM_COMMON_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include <lrs/config.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/state.hpp>
#include <lrs/core/thread_pool.hpp>
#include <lrs/core/types.hpp>
#include <lrs/optim/norm_reduction.hpp>

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

namespace detail {
/// `U` in a non-deduced context (C++20's std::type_identity_t).
template <class U>
struct same_type {
  using type = U;
};
template <class U>
using same_type_t = typename same_type<U>::type;
}  // namespace detail

/// A parameter group: the learning rate and weight decay shared by its tensors, as a PyTorch
/// param_group. The one rule for the LR a group's tensors get at a step called with `lr`:
///
///     group_lr = group.lr ? *group.lr : group.lr_scale * lr
///
/// so a group either follows the step's LR (scaled, PyTorch's `{"params": ..., "lr": scale * lr}`)
/// or has its own absolute LR that ignores the step's (PyTorch's `{"params": ..., "lr": 1e-4}`,
/// for a head held constant beside a warmed-up backbone). Setting both is refused. A group that
/// follows a schedule of its own takes its step LR from a group_lrs instead of the one `lr`. The
/// weight decay is `group.weight_decay` if set, else the optimizer's own option. Both are recorded
/// in state() and compared by load_state().
///
/// Brace use keeps working: `{lr_scale, weight_decay}` (e.g. `{0.5, 0.0}`), or
/// `lrs::param_group<float>{}.with_lr(1e-4f).with_weight_decay(0.0f)`.
/// @pre lr_scale >= 0 and finite; weight_decay, if set, >= 0 and finite; lr, if set, >= 0 and
///      finite, and then lr_scale == 1 (checked by the optimizer's add_group).
template <class T>
struct param_group {
  /// A group following the step's LR scaled by `lr_scale`, with weight decay `weight_decay`
  /// (unset: the optimizer's own) and, if `lr` is set, that absolute LR instead (see above).
  /// Not validated here: the optimizer's add_group validates.
  constexpr param_group(T lr_scale_ = T(1), std::optional<T> weight_decay_ = std::nullopt,
                        std::optional<T> lr_ = std::nullopt) noexcept
      : lr_scale(lr_scale_), weight_decay(weight_decay_), lr(lr_) {}

  /// Multiplier of the step's LR (used when `lr` is not set).
  T lr_scale = T(1);
  /// The group's weight decay; unset: the optimizer's own `weight_decay` option.
  std::optional<T> weight_decay;
  /// The group's absolute LR, used instead of `lr_scale * lr` of the step call; unset: follow
  /// the step's LR.
  std::optional<T> lr;

  /// Sets `lr_scale` (see the field); returns *this for chaining.
  constexpr param_group& with_lr_scale(T v) noexcept {
    lr_scale = v;
    return *this;
  }
  /// Sets `weight_decay` (see the field); returns *this for chaining.
  constexpr param_group& with_weight_decay(T v) noexcept {
    weight_decay = v;
    return *this;
  }
  /// Sets `lr` (see the field); returns *this for chaining.
  constexpr param_group& with_lr(T v) noexcept {
    lr = v;
    return *this;
  }

  /// The LR this group's tensors get at a step called with `step_lr` (the rule above), in T;
  /// `lr_at<double>(step_lr)` evaluates the same rule in double (what the schedule-free
  /// optimizers' averaging weights use).
  template <class U = T>
  constexpr U lr_at(detail::same_type_t<U> step_lr) const noexcept {
    return lr ? U(*lr) : U(lr_scale) * step_lr;
  }
};

/// Groups for layer-wise LR decay (ELECTRA, BEiT): group k of `layers` (k = 1..layers, from
/// the input side; layer `layers` is the last, e.g. the head) gets `lr_scale = decay^(layers-k)`,
/// so its LR is `peak * decay^(layers - k)` when the step is called with `peak`. Element k-1 of
/// the result is group k; pass each to the optimizer's add_group and tag the layer's tensors with
/// the returned index. The powers are computed by repeated multiplication in double, then rounded
/// to T. `weight_decay` is left unset (the optimizer's own).
/// @param layers number of groups L, >= 1.
/// @param decay the per-layer factor, in (0, 1] and finite.
/// @throws lrs::invalid_argument if layers < 1 or decay is outside (0, 1].
template <class T>
std::vector<param_group<T>> layerwise_groups(std::int64_t layers, T decay) {
  detail::require(layers >= 1, "layerwise_groups", "layers", ">= 1", layers);
  detail::require(std::isfinite(decay) && decay > T(0) && decay <= T(1), "layerwise_groups",
                  "decay", "in (0, 1] and finite", decay);
  std::vector<param_group<T>> groups(static_cast<std::size_t>(layers));
  double scale = 1.0;
  for (std::int64_t k = layers; k >= 1; --k) {
    groups[static_cast<std::size_t>(k - 1)].lr_scale = static_cast<T>(scale);
    scale *= double(decay);
  }
  return groups;
}

/// One step LR per parameter group, for groups that follow schedules of their own (PyTorch's
/// LambdaLR with one lambda per group), e.g. a head without warm-up beside a warmed-up backbone:
///
///     opt.step(tensors, lrs::group_lrs<float>(backbone(t), head(t)));
///
/// Element g takes the place of the one `lr` of `step(tensors, lr)` for group g, and the group's
/// rule applies to it as to that lr: group g's tensors get `group(g).lr_at(lrs[g])` (param_group).
/// To avoid an allocation per step, build one object and assign its elements each step.
/// @pre one element per group of the optimizer, each >= 0 and finite (step() checks both and
///      throws lrs::invalid_argument naming `group_lrs[g]` otherwise, changing nothing).
template <class T>
class group_lrs {
 public:
  /// The step LRs of groups 0, 1, ..., in order, each converted to T.
  template <class... U, class = std::enable_if_t<(std::is_arithmetic_v<U> && ...)>>
  explicit group_lrs(U... lrs) : lrs_{static_cast<T>(lrs)...} {}
  /// Element g is the step LR of group g.
  explicit group_lrs(std::vector<T> lrs) : lrs_(std::move(lrs)) {}

  /// The number of elements (one per group).
  [[nodiscard]] std::size_t size() const noexcept { return lrs_.size(); }
  /// The step LR of group g. @pre g < size().
  [[nodiscard]] T operator[](std::size_t g) const { return lrs_[g]; }
  /// The step LR of group g, to assign. @pre g < size().
  [[nodiscard]] T& operator[](std::size_t g) { return lrs_[g]; }

 private:
  std::vector<T> lrs_;
};

namespace detail {
/// Throws unless `lrs` has one finite, non-negative element per group (messages built only on
/// failure: this runs every step).
template <class T>
void check_group_lrs(std::string_view type, const group_lrs<T>& lrs, std::size_t groups) {
  if (lrs.size() != groups)
    throw_invalid(type, "group_lrs size", "one per group: " + std::to_string(groups), lrs.size());
  for (std::size_t g = 0; g < groups; ++g)
    if (!(std::isfinite(lrs[g]) && lrs[g] >= T(0)))
      throw_invalid(type, "group_lrs[" + std::to_string(g) + "]", ">= 0 and finite", lrs[g]);
}
}  // namespace detail

/// The one diagnostic for params and grads of different scalar types.
#define LRS_PARAM_TENSOR_MISMATCH                                                             \
  "lrs::param_tensor: params and grads have different scalar types; convert one (e.g. "       \
  "grads.cast<float>()) and write `param_tensor<float>` (or `param_tensor<double>`) to name " \
  "the type"

/// One parameter tensor and its gradient for a multi-tensor step: non-owning views, like
/// std::string_view; the memory must outlive the step call. Both must be contiguous.
/// The scalar type is deduced from the params (`lrs::param_tensor(w, g, group)`), or named
/// (`lrs::param_tensor<float>(w, g)`); grads of another scalar type fail to compile.
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
    static_assert(std::is_same_v<typename G::Scalar, T>, LRS_PARAM_TENSOR_MISMATCH);
    if constexpr (std::is_same_v<typename G::Scalar, T>) {
      detail::require(grads.innerStride() == 1 || grads.size() <= 1, "param_tensor",
                      "grads inner stride", "1 (contiguous)", grads.innerStride());
      detail::require(grads.size() == params.size(), "param_tensor", "grads size",
                      "equal to params size " + std::to_string(params.size()), grads.size());
      params_ = params.data();
      grads_ = grads.derived().data();
      size_ = params.size();
    }
  }
  /// @param params, grads `size` contiguous values each; params updated in place.
  /// @param size element count, >= 0.
  /// @param group index returned by the optimizer's add_group (0: the default group).
  /// @throws lrs::invalid_argument if size < 0.
  param_tensor(T* params, const T* grads, Eigen::Index size, std::size_t group = 0)
      : params_(params), grads_(grads), size_(size), group_(group) {
    detail::require(size >= 0, "param_tensor", "size", ">= 0", size);
  }
  /// Pointers to another scalar type than the params: refused at compile time.
  template <class U, std::enable_if_t<!std::is_same_v<U, T>, int> = 0>
  param_tensor(T*, const U*, Eigen::Index, std::size_t = 0) {
    static_assert(std::is_same_v<U, T>, LRS_PARAM_TENSOR_MISMATCH);
  }

  /// First parameter.
  T* params() const noexcept { return params_; }
  /// First gradient.
  const T* grads() const noexcept { return grads_; }
  /// Element count.
  Eigen::Index size() const noexcept { return size_; }
  /// Group index (see the optimizer's add_group).
  std::size_t group() const noexcept { return group_; }

 private:
  T* params_ = nullptr;
  const T* grads_ = nullptr;
  Eigen::Index size_ = 0;
  std::size_t group_ = 0;
};

/// Deduces param_tensor<T> from an Eigen params vector, Map or block (T = its Scalar).
template <class P, class G, class = typename std::decay_t<P>::Scalar>
param_tensor(P&&, const G&) -> param_tensor<typename std::decay_t<P>::Scalar>;
/// Deduces param_tensor<T> from an Eigen params vector, Map or block and a group index.
template <class P, class G, class = typename std::decay_t<P>::Scalar>
param_tensor(P&&, const G&, std::size_t) -> param_tensor<typename std::decay_t<P>::Scalar>;
/// Deduces param_tensor<T> from a params pointer.
template <class T, class U>
param_tensor(T*, const U*, Eigen::Index) -> param_tensor<T>;
/// Deduces param_tensor<T> from a params pointer and a group index.
template <class T, class U>
param_tensor(T*, const U*, Eigen::Index, std::size_t) -> param_tensor<T>;

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

/// Kind version of the optimizers' states: 2 adds each tensor's group to the payload and each
/// group's absolute lr to the hyper-parameters. Version 1 states still load (see docs/state.md).
inline constexpr std::uint32_t optim_state_version = 2;

/// A tensor's group as recorded in its state: unknown (loaded from a version-1 state; adopted
/// at the next step).
inline constexpr std::size_t group_unknown = std::size_t(-1);

/// Per-tensor optimizer state: a step count (0 in the schedule-free optimizers, which count
/// updates per group), its size and group at the first step, and `Buffers` buffers (momentum,
/// exp_avg, ...; z, x, ... in the schedule-free ones).
template <class T, int Buffers = 3>
struct tensor_state {
  static constexpr int buffers = Buffers;
  std::int64_t step = 0;
  Eigen::Index size = -1;  // -1: not stepped yet
  std::size_t group = group_unknown;
  vector_t<T> buf[Buffers];
};

/// A tensor's group in the state: -1 if unknown.
inline std::int64_t group_to_i64(std::size_t g) noexcept {
  return g == group_unknown ? std::int64_t(-1) : static_cast<std::int64_t>(g);
}

/// The per-tensor part of every optimizer's state: a u64 tensor count, then per tensor its step
/// count (i64; only with `Steps`, the optimizers that count updates per tensor), its size (i64, -1
/// before its first step), its group (i64, -1 before its first step, or loaded from a version-1
/// state; since kind version 2) and its buffers (each a u64 count and that many reals).
template <bool Steps, class T, int N>
void write_tensor_states(state_writer& w, const std::vector<tensor_state<T, N>>& states) {
  std::size_t total = 8;
  for (const auto& s : states) {
    total += Steps ? 24 : 16;
    for (const auto& b : s.buf) total += 8 + sizeof(T) * static_cast<std::size_t>(b.size());
  }
  w.reserve_payload(total);
  w.u64(states.size());
  for (const auto& s : states) {
    if constexpr (Steps) w.i64(s.step);
    w.i64(static_cast<std::int64_t>(s.size));
    w.i64(group_to_i64(s.group));
    for (const auto& b : s.buf) w.reals(b.data(), static_cast<std::size_t>(b.size()));
  }
}

/// Reads a tensor's group written by group_to_i64: -1 (unknown) or in [0, groups).
inline std::size_t read_tensor_group(state_reader& r, const std::string& tensor,
                                     std::size_t groups) {
  const std::int64_t g = r.i64(tensor + " group", -1, std::int64_t(groups) - 1);
  return g < 0 ? group_unknown : static_cast<std::size_t>(g);
}

/// Reads what write_tensor_states<Steps> wrote (a version-1 state has no groups: they are unknown
/// until the next step), checking every field: step in [0, INT64_MAX - 1] (so the next step can
/// still be counted), size >= -1, no step or group before the first step, and each buffer's size:
/// with `exact_buffers` < 0, empty or the tensor's size; otherwise the tensor's size for buffers
/// below `exact_buffers` of a stepped tensor and empty for the others. Sizes are checked against
/// the bytes left before any allocation.
template <bool Steps, class T, int N>
std::vector<tensor_state<T, N>> read_tensor_states(state_reader& r, std::size_t groups,
                                                   int exact_buffers = -1) {
  constexpr std::int64_t max_i64 = std::numeric_limits<std::int64_t>::max();
  const bool has_groups = r.kind_version() >= 2;
  const std::size_t count =
      r.count("tensor count", (Steps ? 16 : 8) + (has_groups ? 8 : 0) + std::size_t(N) * 8);
  std::vector<tensor_state<T, N>> states(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto& s = states[i];
    const std::string tensor = "tensor " + std::to_string(i);
    if constexpr (Steps) s.step = r.i64(tensor + " step", 0, max_i64 - 1);
    s.size = static_cast<Eigen::Index>(r.i64(tensor + " size", -1, max_i64));
    if (s.size < 0 && s.step != 0)
      r.fail(tensor + " has step " + std::to_string(s.step) + " but was never stepped (size -1)");
    if (has_groups) {
      s.group = read_tensor_group(r, tensor, groups);
      if (s.size < 0 && s.group != group_unknown)
        r.fail(tensor + " was never stepped (size -1) but has group " + std::to_string(s.group));
    }
    for (int b = 0; b < N; ++b) {
      const std::string what = tensor + " buffer " + std::to_string(b);
      const std::size_t n = r.count(what, sizeof(T));
      if (exact_buffers < 0) {
        if (n != 0 && static_cast<std::int64_t>(n) != std::int64_t(s.size))
          r.fail_field(what + " size", std::to_string(n),
                       "0 or the tensor size " + std::to_string(s.size));
      } else {
        const std::int64_t expect = s.size >= 0 && b < exact_buffers ? std::int64_t(s.size) : 0;
        if (static_cast<std::int64_t>(n) != expect)
          r.fail_field(what + " size", std::to_string(n), std::to_string(expect));
      }
      s.buf[b].resize(static_cast<Eigen::Index>(n));
      r.reals_into(what, s.buf[b].data(), n);
    }
  }
  return states;
}

/// The parameter groups as hyper-parameters "groups", then for each group i >= 1
/// "group[i].lr_scale", "group[i].weight_decay" (-1: unset, the optimizer's own) and
/// "group[i].lr" (-1: unset; since kind version 2). Group 0 is always the default one.
/// One list for both directions: Sink = state_writer writes them, Sink = state_reader checks
/// them (a version-1 state had no absolute lr: it matches groups without one).
/// @throws lrs::state_error (reading) naming the first group field that differs.
template <class Sink, class T>
void visit_groups(Sink& s, const std::vector<param_group<T>>& groups) {
  s.hyper("groups", static_cast<std::int64_t>(groups.size()));
  for (std::size_t i = 1; i < groups.size(); ++i) {
    const std::string g = "group[" + std::to_string(i) + "].";
    s.hyper(g + "lr_scale", groups[i].lr_scale)
        .hyper(g + "weight_decay", groups[i].weight_decay.value_or(T(-1)));
    if constexpr (std::is_same_v<Sink, state_reader>) {
      if (s.kind_version() < 2) {
        if (groups[i].lr)
          s.fail("group " + std::to_string(i) + " has lr " + format_value(double(*groups[i].lr)) +
                 " here but none in the checkpoint (state kind version 1)");
        continue;
      }
    }
    s.hyper(g + "lr", groups[i].lr.value_or(T(-1)));
  }
}

/// Throws the error of check_same_tensor (out of line: the check itself stays two compares).
[[noreturn]] inline void throw_other_tensor(std::string_view type, std::size_t i, const char* what,
                                            std::int64_t first, std::int64_t now) {
  throw_invalid(type, std::string(what) + " of tensor " + std::to_string(i),
                std::string("its ") + what + " at the first step (" + std::to_string(first) +
                    "); tensors are matched to their state by position: pass them in the "
                    "same order every step",
                now);
}

/// Checks that tensor i of a step has the size and group it had at its first step (recorded in
/// the state): tensors are matched to their state by position, so a reordering shows up here.
/// Two compares per tensor; a message is built only on failure.
template <class T>
void check_same_tensor(std::string_view type, std::size_t i, const param_tensor<T>& t,
                       Eigen::Index size, std::size_t group) {
  if (size >= 0 && t.size() != size)
    throw_other_tensor(type, i, "size", std::int64_t(size), std::int64_t(t.size()));
  if (group != group_unknown && t.group() != group)
    throw_other_tensor(type, i, "group", std::int64_t(group), std::int64_t(t.group()));
}

/// Validates a step's tensors against the groups and the existing per-tensor state: a group
/// index in range, the size and group of the tensor's first step, a step count that can count one
/// more. Messages are built only on failure: a step may hold thousands of tensors.
template <class T, int N>
void check_tensors(std::string_view type, const param_tensor<T>* tensors, std::size_t count,
                   const std::vector<tensor_state<T, N>>& states, std::size_t groups) {
  const auto name = [](const char* what, std::size_t i) {
    return std::string(what) + " of tensor " + std::to_string(i);
  };
  for (std::size_t i = 0; i < count; ++i) {
    const auto& t = tensors[i];
    if (i < states.size() && states[i].step == std::numeric_limits<std::int64_t>::max())
      throw_invalid(type, name("step count", i), "< 2^63 - 1 to count one more step",
                    states[i].step);
    if (t.group() >= groups)
      throw_invalid(type, name("group", i), "< the number of groups " + std::to_string(groups),
                    t.group());
    if (i < states.size()) check_same_tensor(type, i, t, states[i].size, states[i].group);
  }
}

/// check_tensors after checking the step's one lr (>= 0 and finite).
template <class T, int N>
void check_tensors(std::string_view type, const param_tensor<T>* tensors, std::size_t count,
                   const std::vector<tensor_state<T, N>>& states, std::size_t groups, T lr) {
  require(std::isfinite(lr) && lr >= T(0), type, "lr", ">= 0 and finite", lr);
  check_tensors(type, tensors, count, states, groups);
}

/// Elements per chunk of a step. A step cuts its tensors into pieces of at most this many
/// elements (a tensor's pieces start at multiples of it) and packs consecutive pieces into chunks
/// of at most this many elements (small tensors grouped, large ones split). The cut depends on the
/// tensor sizes alone, never on the number of threads. A multiple of norm_block and of every
/// packet size.
inline constexpr Eigen::Index step_chunk = Eigen::Index(1) << 16;

/// Elements [begin, end) of tensor `tensor` of a step.
struct step_piece {
  std::size_t tensor;
  Eigen::Index begin, end;
};

/// The fixed cut of a step's tensors into chunks, and one slot of partial norm sums per chunk.
/// Rebuilt only when the tensor count or sizes change, so a step with the same tensors as the
/// previous one allocates nothing.
class step_plan {
 public:
  /// Makes the plan match these tensors (no allocation if they match the last ones).
  template <class T>
  void update(const param_tensor<T>* tensors, std::size_t count) {
    bool same = count == sizes_.size();
    for (std::size_t i = 0; same && i < count; ++i) same = sizes_[i] == tensors[i].size();
    if (same) return;
    std::vector<Eigen::Index> sizes(count);
    for (std::size_t i = 0; i < count; ++i) sizes[i] = tensors[i].size();
    build(std::move(sizes));
  }

  std::size_t chunks() const noexcept { return first_.size() - 1; }
  const step_piece* begin(std::size_t chunk) const noexcept {
    return pieces_.data() + first_[chunk];
  }
  const step_piece* end(std::size_t chunk) const noexcept {
    return pieces_.data() + first_[chunk + 1];
  }

  /// Runs `piece_fn(piece, l2, l1)` over every piece of every chunk, the chunks spread over `pool`
  /// (nullptr or size 1: on the caller, in order). Within a chunk, pieces run in order into
  /// sums that start at 0; the chunks' sums are then added in chunk order into l2 and l1, so the
  /// result does not depend on the pool's size or on which thread ran which chunk.
  template <class PieceFn>
  void for_each_chunk(thread_pool* pool, const PieceFn& piece_fn, double& l2, double& l1) {
    const std::size_t n = chunks();
    auto task = [&](std::size_t c) {
      double a = 0, b = 0;
      for (const step_piece* p = begin(c); p != end(c); ++p) piece_fn(*p, a, b);
      sums_[2 * c] = a;
      sums_[2 * c + 1] = b;
    };
    if (pool != nullptr && pool->size() > 1 && n > 1) {
      pool->run(n, task);
    } else {
      for (std::size_t c = 0; c < n; ++c) task(c);
    }
    for (std::size_t c = 0; c < n; ++c) {
      l2 += sums_[2 * c];
      l1 += sums_[2 * c + 1];
    }
  }

 private:
  void build(std::vector<Eigen::Index> sizes) {
    std::vector<step_piece> pieces;
    std::vector<std::size_t> first{0};
    Eigen::Index filled = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      for (Eigen::Index b = 0; b < sizes[i]; b += step_chunk) {
        const Eigen::Index e = sizes[i] - b > step_chunk ? b + step_chunk : sizes[i];
        if (filled > 0 && filled + (e - b) > step_chunk) {
          first.push_back(pieces.size());
          filled = 0;
        }
        pieces.push_back({i, b, e});
        filled += e - b;
      }
    }
    if (filled > 0) first.push_back(pieces.size());
    std::vector<double> sums(2 * (first.size() - 1));
    sizes_ = std::move(sizes);
    pieces_ = std::move(pieces);
    first_ = std::move(first);
    sums_ = std::move(sums);
  }

  std::vector<Eigen::Index> sizes_;
  std::vector<step_piece> pieces_;
  std::vector<std::size_t> first_{0};  // chunk c holds pieces_[first_[c], first_[c + 1])
  std::vector<double> sums_;           // l2, l1 partial sums of each chunk
};

/// Global-norm clipping and norms for a step. With clipping on, one read pass over the gradients
/// computes the norms first (the scale must be known before any update); otherwise the update
/// pass computes them.
template <class T>
struct clip_pass {
  bool done = false;
  double l2 = 0, l1 = 0;
  T scale = T(1);
};

/// The step's global norms and clip coefficient from the sums of squares (l2) and of absolute
/// values (l1) of every gradient of the step. The one place where partial sums become the norm
/// and the scale: PyTorch's clip_coef = max_norm / (total_norm + 1e-6), clamped to at most 1, in T
/// arithmetic (NaN stays NaN).
template <class T>
clip_pass<T> clip_from_sums(double l2, double l1, T max_norm) {
  clip_pass<T> c;
  c.done = true;
  c.l2 = l2;
  c.l1 = l1;
  const T total = static_cast<T>(std::sqrt(l2));
  const T coef = max_norm / (total + T(1e-6));
  c.scale = coef < T(1) ? coef : T(1);
  if (std::isnan(coef)) c.scale = coef;
  return c;
}

/// Norms from the exact, order-independent partial sums of this rank's gradients, reduced across
/// ranks by `reduce` (norm_reduction.hpp); computed whether or not clipping is on, so that
/// step_info's norms are the same bits on every rank.
template <class T>
clip_pass<T> clip_reduced(const param_tensor<T>* tensors, std::size_t count, T max_norm,
                          const norm_reduction& reduce) {
  double l2 = 0, l1 = 0;
  reduce_grad_norms(tensors, count, reduce, l2, l1);
  if (max_norm > T(0)) return clip_from_sums(l2, l1, max_norm);
  clip_pass<T> c;
  c.done = true;
  c.l2 = l2;
  c.l1 = l1;
  return c;
}

/// With clipping on (max_norm > 0): the norm pass over the gradients of the step, in the plan's
/// chunks on the pool, then clip_from_sums. Off: nothing (scale 1, done false). With a
/// norm_reduction (`reduce` non-null): clip_reduced instead, on the calling thread.
template <class T>
clip_pass<T> clip_prepass(const param_tensor<T>* tensors, std::size_t count, step_plan& plan,
                          thread_pool* pool, T max_norm, const norm_reduction* reduce = nullptr) {
  if (reduce != nullptr) return clip_reduced(tensors, count, max_norm, *reduce);
  if (!(max_norm > T(0))) return clip_pass<T>{};
  // Local partial sums of this step's gradients.
  double l2 = 0, l1 = 0;
  plan.for_each_chunk(
      pool,
      [tensors](const step_piece& p, double& a, double& b) {
        grad_norms(tensors[p.tensor].grads() + p.begin, p.end - p.begin, a, b);
      },
      l2, l1);
  // Global norm and clip coefficient from the sums.
  return clip_from_sums(l2, l1, max_norm);
}

/// clip_prepass on the calling thread, tensor by tensor, without a step plan.
template <class T>
clip_pass<T> clip_prepass(const param_tensor<T>* tensors, std::size_t count, T max_norm,
                          const norm_reduction* reduce = nullptr) {
  if (reduce != nullptr) return clip_reduced(tensors, count, max_norm, *reduce);
  if (!(max_norm > T(0))) return clip_pass<T>{};
  double l2 = 0, l1 = 0;
  for (std::size_t i = 0; i < count; ++i) grad_norms(tensors[i].grads(), tensors[i].size(), l2, l1);
  return clip_from_sums(l2, l1, max_norm);
}

template <class T>
void validate_group(std::string_view type, const param_group<T>& g) {
  require(std::isfinite(g.lr_scale) && g.lr_scale >= T(0), type, "param_group.lr_scale",
          ">= 0 and finite", g.lr_scale);
  if (g.weight_decay)
    require(std::isfinite(*g.weight_decay) && *g.weight_decay >= T(0), type,
            "param_group.weight_decay", ">= 0 and finite (unset: the optimizer's own)",
            *g.weight_decay);
  if (g.lr) {
    require(std::isfinite(*g.lr) && *g.lr >= T(0), type, "param_group.lr",
            ">= 0 and finite (unset: lr_scale * the step's lr)", *g.lr);
    require(g.lr_scale == T(1), type, "param_group.lr_scale",
            "1 when param_group.lr is set (an absolute lr ignores the step's lr)", g.lr_scale);
  }
}

}  // namespace detail
}  // namespace lrs

#endif  // LRS_OPTIM_COMMON_HPP
