// SPDX-License-Identifier: MIT
// lrs::tensor_blob and lrs::load_tensor_blob: an array of floats or doubles (a raw pointer and a
// count, a std::vector, an Eigen vector) as one checked state, e.g. the weights in a checkpoint.
#ifndef LRS_IO_TENSOR_BLOB_HPP
#define LRS_IO_TENSOR_BLOB_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <lrs/config.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/state.hpp>

namespace lrs {

namespace detail {

/// The kind of a tensor blob in the lrs state format.
inline constexpr const char* tensor_blob_kind = "tensor";

template <class V, class = void>
struct has_eigen_vector_flag : std::false_type {};
template <class V>
struct has_eigen_vector_flag<V, std::void_t<decltype(V::IsVectorAtCompileTime)>> : std::true_type {
};
template <class V, class = void>
struct has_eigen_inner_stride : std::false_type {};
template <class V>
struct has_eigen_inner_stride<V, std::void_t<decltype(V::InnerStrideAtCompileTime)>>
    : std::true_type {};

/// The scalar a container holds: what `data()` points to, without const.
template <class V>
using tensor_scalar_t =
    std::remove_const_t<std::remove_pointer_t<decltype(std::declval<V&>().data())>>;

/// Refuses at compile time what would save or load the wrong values silently: a scalar type
/// other than float or double, an Eigen matrix (only its storage order would be kept, not its
/// shape) and an Eigen expression whose elements are not adjacent in memory.
template <class V>
constexpr void check_tensor_container() noexcept {
  using T = tensor_scalar_t<V>;
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "lrs::tensor_blob: the scalar type must be float or double");
  if constexpr (has_eigen_vector_flag<V>::value)
    static_assert(V::IsVectorAtCompileTime,
                  "lrs::tensor_blob: an Eigen matrix keeps no shape in a blob; save "
                  "m.reshaped() or (m.data(), m.size()) and restore the shape yourself");
  if constexpr (has_eigen_inner_stride<V>::value)
    static_assert(V::InnerStrideAtCompileTime == 1,
                  "lrs::tensor_blob: the Eigen expression's elements are not adjacent in memory; "
                  "copy it into a vector first");
}

}  // namespace detail

/// The `n` values at `p` as one state in the lrs state format (kind "tensor", the scalar type,
/// the count, then the values' IEEE-754 bit patterns little-endian, and a CRC-32): NaN payloads,
/// signed zeros and subnormals are kept bit for bit. Store it in a checkpoint with
/// `c.add("weights", lrs::tensor_blob(w))` and read it back with load_tensor_blob.
/// @tparam T float or double (anything else does not compile).
/// @pre `p` points to `n` values (it may be null when `n` is 0).
template <class T>
[[nodiscard]] std::vector<unsigned char> tensor_blob(const T* p, std::size_t n) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "lrs::tensor_blob: the scalar type must be float or double");
  state_writer w(detail::tensor_blob_kind, state_scalar_of<T>());
  w.reserve_payload(8 + n * sizeof(T));
  w.reals(p, n);
  return w.finish();
}

/// tensor_blob of a contiguous container of floats or doubles: a std::vector, an Eigen vector
/// (`Eigen::VectorXd`, `Eigen::VectorXf`, a `head()` or `segment()` of one, a `Map`), ... An
/// Eigen matrix, or an Eigen expression with a stride, does not compile (its shape or layout
/// would be lost); save `(m.data(), m.size())` if that is what you mean.
template <class V, class = decltype(std::declval<const V&>().data()),
          class = decltype(std::declval<const V&>().size())>
[[nodiscard]] std::vector<unsigned char> tensor_blob(const V& v) {
  detail::check_tensor_container<V>();
  return tensor_blob(v.data(), static_cast<std::size_t>(v.size()));
}

/// Reads a tensor_blob into the `n` values at `p`, which are written only once the whole blob
/// has been checked: on any error they are unchanged.
/// @tparam T float or double: the scalar type the blob was written with.
/// @pre `p` points to `n` writable values (it may be null when `n` is 0).
/// @throws lrs::state_error (an lrs::invalid_argument) `lrs::tensor: load_state: <what>` when the
///         bytes are not a tensor blob, are truncated or corrupted (CRC-32), hold the other scalar
///         type ("checkpoint holds double, this is tensor with float") or another number of
///         values ("the blob holds 8 values, the target has 10").
template <class T>
void load_tensor_blob(const std::vector<unsigned char>& blob, T* p, std::size_t n) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "lrs::load_tensor_blob: the scalar type must be float or double");
  state_reader r(blob, detail::tensor_blob_kind, state_scalar_of<T>());
  const std::uint64_t count = r.u64("value count");
  if (count != n)
    r.fail("the blob holds " + std::to_string(count) + " values, the target has " +
           std::to_string(n));
  if (r.remaining() != n * sizeof(T))
    r.fail("the blob says " + std::to_string(n) + " values of " + std::to_string(sizeof(T)) +
           " bytes, but its payload has " + std::to_string(r.remaining()) + " bytes left");
  r.reals_into("values", p, n);  // cannot fail now: the length was checked
  r.finish();
}

/// load_tensor_blob into a contiguous container of floats or doubles (see tensor_blob for which
/// compile). The container is not resized: its size must be the blob's, e.g. the model's
/// weights allocated before the checkpoint is read. `target` may be a temporary view such as
/// `w.head(4)` or an `Eigen::Map`.
/// @throws lrs::state_error as the pointer overload; `target` is then unchanged.
template <class V, class = decltype(std::declval<V&>().data()),
          class = decltype(std::declval<V&>().size())>
void load_tensor_blob(const std::vector<unsigned char>& blob, V&& target) {
  using C = std::remove_reference_t<V>;
  static_assert(!std::is_const_v<std::remove_pointer_t<decltype(std::declval<C&>().data())>>,
                "lrs::load_tensor_blob: the target is read-only");
  detail::check_tensor_container<C>();
  load_tensor_blob(blob, target.data(), static_cast<std::size_t>(target.size()));
}

}  // namespace lrs

#endif  // LRS_IO_TENSOR_BLOB_HPP
