// SPDX-License-Identifier: MIT
// lrs::lion: Lion, the sign of an interpolated momentum, with decoupled weight decay.
#ifndef LRS_OPTIM_LION_HPP
#define LRS_OPTIM_LION_HPP

#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include <lrs/core/error.hpp>
#include <lrs/core/state.hpp>
#include <lrs/optim/common.hpp>
#include <lrs/optim/optimizer_base.hpp>

namespace lrs {

/// Hyper-parameters of lrs::lion; defaults are the paper's.
template <class T = double>
struct lion_options {
  T beta1 = T(0.9);        ///< in [0, 1): c = beta1 * m + (1 - beta1) * g
  T beta2 = T(0.99);       ///< in [0, 1): m = beta2 * m + (1 - beta2) * g
  T weight_decay = T(0);   ///< >= 0, decoupled: x -= lr * weight_decay * x
  T max_grad_norm = T(0);  ///< > 0: clip the global gradient L2 norm to it; 0: no clipping

  /// Sets `beta1` (see the field); returns *this for chaining.
  constexpr lion_options& with_beta1(T v) noexcept {
    beta1 = v;
    return *this;
  }
  /// Sets `beta2` (see the field); returns *this for chaining.
  constexpr lion_options& with_beta2(T v) noexcept {
    beta2 = v;
    return *this;
  }
  /// Sets `weight_decay` (see the field); returns *this for chaining.
  constexpr lion_options& with_weight_decay(T v) noexcept {
    weight_decay = v;
    return *this;
  }
  /// Sets `max_grad_norm` (see the field); returns *this for chaining.
  constexpr lion_options& with_max_grad_norm(T v) noexcept {
    max_grad_norm = v;
    return *this;
  }
};

namespace detail {

template <class T>
struct lion_scalars {
  T grad_scale, beta1, one_minus_beta1, beta2, one_minus_beta2, wd, neg_lr;
};

template <class T, bool WD>
struct lion_kernel {
  T* p;
  T* m;
  const T* g;
  lion_scalars<T> c;

  template <class P>
  void apply(Eigen::Index i, P& l2, P& l1) const {
    namespace ei = Eigen::internal;
    const P graw = ei::ploadu<P>(g + i), zero = ei::pset1<P>(T(0));
    accumulate_norms(graw, l2, l1);
    const P gv = ei::pmul(graw, ei::pset1<P>(c.grad_scale)), mv = ei::ploadu<P>(m + i);
    const P cv = ei::padd(ei::pmul(mv, ei::pset1<P>(c.beta1)),
                          ei::pmul(ei::pset1<P>(c.one_minus_beta1), gv));
    // sign(c): 1, -1, 0 at +-0; c - c is 0 there and NaN (propagated) for a NaN c.
    P u = ei::pselect(ei::pcmp_lt(zero, cv), ei::pset1<P>(T(1)),
                      ei::pselect(ei::pcmp_lt(cv, zero), ei::pset1<P>(T(-1)), ei::psub(cv, cv)));
    const P pv = ei::ploadu<P>(p + i);
    if constexpr (WD) u = ei::padd(u, ei::pmul(ei::pset1<P>(c.wd), pv));
    ei::pstoreu(p + i, ei::padd(pv, ei::pmul(ei::pset1<P>(c.neg_lr), u)));
    ei::pstoreu(m + i, ei::padd(ei::pmul(mv, ei::pset1<P>(c.beta2)),
                                ei::pmul(ei::pset1<P>(c.one_minus_beta2), gv)));
  }
};

}  // namespace detail

/// Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023,
/// arXiv:2302.06675, Algorithm 2), with the momentum m (0 at the first step) per tensor:
///
///   c = beta1 * m + (1 - beta1) * g
///   x = x - lr * (sign(c) + weight_decay * x)
///   m = beta2 * m + (1 - beta2) * g
///
/// sign(0) = 0 (a zero c leaves x to the weight decay alone); a NaN c gives NaN. One fused pass
/// over x, g and m per tensor per step; state() has kind "lion" and buffer 0 = m.
/// @tparam T float or double.
/// @throws lrs::invalid_argument from the constructor if a beta is outside [0, 1), or
///         weight_decay or max_grad_norm is negative or not finite.
template <class T = double>
class lion : public detail::optimizer_base<lion<T>, T, 1> {
  using base = detail::optimizer_base<lion<T>, T, 1>;
  friend base;

 public:
  /// The options type.
  using options_type = lion_options<T>;
  /// The name in error messages ("lrs::<name>: ...") and in state() (its kind).
  static constexpr const char* type_name = "lion";

  /// @param o the options (see lion_options).
  /// @throws lrs::invalid_argument as stated on the class.
  explicit lion(const options_type& o = {}) : opt_(o) {
    detail::require_in_range(type_name, "beta1", o.beta1, T(0), T(1), false, true);
    detail::require_in_range(type_name, "beta2", o.beta2, T(0), T(1), false, true);
    detail::require_non_negative(type_name, "weight_decay", o.weight_decay);
    detail::require_non_negative(type_name, "max_grad_norm", o.max_grad_norm);
  }

  /// The options given to the constructor.
  const options_type& options() const noexcept { return opt_; }

 private:
  int buffers_for_first_step() const noexcept { return 1; }
  int exact_buffers() const noexcept { return 1; }  // a stepped tensor has m, of its size

  void prepare_step(std::size_t count, T) {
    if (prep_.size() < count) prep_.resize(count);
  }
  void prepare(std::size_t i, const param_tensor<T>&, detail::tensor_state<T, 1>& s, T lr, T wd,
               T clip) {
    ++s.step;
    detail::lion_scalars<T>& c = prep_[i];
    c.grad_scale = clip;
    c.beta1 = opt_.beta1;
    c.one_minus_beta1 = static_cast<T>(1.0 - double(opt_.beta1));
    c.beta2 = opt_.beta2;
    c.one_minus_beta2 = static_cast<T>(1.0 - double(opt_.beta2));
    c.wd = wd;
    c.neg_lr = -lr;
  }
  void update_range(std::size_t i, const param_tensor<T>& t, detail::tensor_state<T, 1>& s,
                    Eigen::Index begin, Eigen::Index end, double& l2, double& l1) const {
    detail::with_bool(prep_[i].wd != T(0), [&](auto wd_on) {
      const detail::lion_kernel<T, decltype(wd_on)::value> k{
          t.params() + begin, s.buf[0].data() + begin, t.grads() + begin, prep_[i]};
      detail::fused_loop<T>(end - begin, k, l2, l1);
    });
  }

  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("beta1", opt_.beta1)
        .hyper("beta2", opt_.beta2)
        .hyper("weight_decay", opt_.weight_decay)
        .hyper("max_grad_norm", opt_.max_grad_norm);
  }

  options_type opt_;
  std::vector<detail::lion_scalars<T>> prep_;
};

}  // namespace lrs

#endif  // LRS_OPTIM_LION_HPP
