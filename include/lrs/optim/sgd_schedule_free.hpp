// SPDX-License-Identifier: MIT
// lrs::sgd_schedule_free: Schedule-Free SGD (Defazio et al., "The Road Less Scheduled", NeurIPS
// 2024), driven by an LR per step like the other optimizers.
#ifndef LRS_OPTIM_SGD_SCHEDULE_FREE_HPP
#define LRS_OPTIM_SGD_SCHEDULE_FREE_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include <lrs/core/error.hpp>
#include <lrs/core/state.hpp>
#include <lrs/optim/common.hpp>
#include <lrs/optim/optimizer_base.hpp>
#include <lrs/optim/schedule_free_base.hpp>

namespace lrs {

/// Hyper-parameters of lrs::sgd_schedule_free; defaults are the authors' SGDScheduleFree's
/// (facebookresearch/schedule_free; their default lr is 1.0, passed per step here).
template <class T = double>
struct sgd_schedule_free_options {
  T momentum = T(0.9);       ///< in (0, 1): y = momentum * x + (1 - momentum) * z
  T weight_decay = T(0);     ///< >= 0, L2 penalty added to the gradient at y
  T r = T(0);                ///< >= 0, polynomial weighting (k+1)^r of the average
  T weight_lr_power = T(2);  ///< >= 0, the average weights lr_max^weight_lr_power
  T max_grad_norm = T(0);    ///< > 0: clip the global gradient L2 norm to it; 0: no clipping

  /// Sets `momentum` (see the field); returns *this for chaining.
  constexpr sgd_schedule_free_options& with_momentum(T v) noexcept {
    momentum = v;
    return *this;
  }
  /// Sets `weight_decay` (see the field); returns *this for chaining.
  constexpr sgd_schedule_free_options& with_weight_decay(T v) noexcept {
    weight_decay = v;
    return *this;
  }
  /// Sets `r` (see the field); returns *this for chaining.
  constexpr sgd_schedule_free_options& with_r(T v) noexcept {
    r = v;
    return *this;
  }
  /// Sets `weight_lr_power` (see the field); returns *this for chaining.
  constexpr sgd_schedule_free_options& with_weight_lr_power(T v) noexcept {
    weight_lr_power = v;
    return *this;
  }
  /// Sets `max_grad_norm` (see the field); returns *this for chaining.
  constexpr sgd_schedule_free_options& with_max_grad_norm(T v) noexcept {
    max_grad_norm = v;
    return *this;
  }
};

namespace detail {

/// The scalars of one sgd_schedule_free step of a group, read by sgd_sf_kernel.
template <class T>
struct sgd_sf_scalars {
  T grad_scale;      ///< the clip scale
  T wd;              ///< L2 weight decay
  T neg_lr;          ///< -lr
  T one_minus_c;     ///< 1 - c, c the averaging coefficient
  T c;               ///< c
  T beta;            ///< momentum (y's interpolation)
  T one_minus_beta;  ///< 1 - momentum
};

template <class T, bool WD>
struct sgd_sf_kernel {
  T* p;  // y
  const T* g;
  T* z;
  T* x;
  sgd_sf_scalars<T> c;

  template <class P>
  void apply(Eigen::Index i, P& l2, P& l1) const {
    namespace ei = Eigen::internal;
    const P graw = ei::ploadu<P>(g + i);
    accumulate_norms(graw, l2, l1);
    P gv = ei::pmul(graw, ei::pset1<P>(c.grad_scale));
    if constexpr (WD) gv = ei::padd(gv, ei::pmul(ei::pset1<P>(c.wd), ei::ploadu<P>(p + i)));
    const P zv = ei::padd(ei::ploadu<P>(z + i), ei::pmul(ei::pset1<P>(c.neg_lr), gv));
    sf_average(p, z, x, i, zv, c);
  }
};

}  // namespace detail

/// Schedule-Free SGD (Defazio, Yang, Mehta, Mishchenko, Khaled, Cutkosky, "The Road Less
/// Scheduled", NeurIPS 2024, arXiv:2405.15682), exactly as the authors' SGDScheduleFreeReference
/// (facebookresearch/schedule_free), with the warm-up moved out: lr is the caller's, per step.
/// Per group, at update k = 0, 1, ... with lr = lr_arg * lr_scale:
///
///   lr_max = max(lr_max, lr),  w = (k+1)^r * lr_max^weight_lr_power,  c = w / sum(w)  (0 if 0)
///   g = g + weight_decay * y,  z = z - lr * g
///   x = (1 - c) * x + c * z,   y = momentum * x + (1 - momentum) * z
///
/// The gradient is taken at y (the params in train mode); evaluate at x (eval()). Memory: z and
/// x per tensor, y lives in the params (the reference keeps x, y and z besides the params).
/// @throws lrs::invalid_argument from the constructor if momentum is outside (0, 1), or
///         weight_decay, r, weight_lr_power or max_grad_norm is negative or not finite.
template <class T = double>
class sgd_schedule_free : public detail::schedule_free_base<sgd_schedule_free<T>, T> {
  using base = detail::schedule_free_base<sgd_schedule_free<T>, T>;
  friend base;
  using skeleton = detail::optimizer_base<sgd_schedule_free<T>, T, 4, false>;
  friend skeleton;

 public:
  /// The options type.
  using options_type = sgd_schedule_free_options<T>;
  /// The name in error messages ("lrs::<name>: ...") and in state() (its kind).
  static constexpr const char* type_name = "sgd_schedule_free";

  /// @param o the options (see sgd_schedule_free_options).
  /// @throws lrs::invalid_argument as stated on the class.
  explicit sgd_schedule_free(const options_type& o = {}) : opt_(o) {
    detail::require_in_range(type_name, "momentum", o.momentum, T(0), T(1), true, true);
    detail::require_non_negative(type_name, "weight_decay", o.weight_decay);
    detail::require_non_negative(type_name, "r", o.r);
    detail::require_non_negative(type_name, "weight_lr_power", o.weight_lr_power);
    detail::require_non_negative(type_name, "max_grad_norm", o.max_grad_norm);
  }

  /// The options given to the constructor.
  const options_type& options() const noexcept { return opt_; }

 private:
  T average_beta() const noexcept { return opt_.momentum; }
  int buffers_for_first_step() const noexcept { return 2; }

  // This step's kernel scalars of one group (prepare_group), read by update_range on any thread.
  void prepare_group(std::size_t gi, std::int64_t /*k*/, double lr, double c, double wd, T clip) {
    if (prep_.size() < this->group_count()) prep_.resize(this->group_count());
    const double beta = double(opt_.momentum);
    detail::sgd_sf_scalars<T>& q = prep_[gi];
    q.grad_scale = clip;
    q.wd = static_cast<T>(wd);
    q.neg_lr = static_cast<T>(-lr);
    q.one_minus_c = static_cast<T>(1.0 - c);
    q.c = static_cast<T>(c);
    q.beta = opt_.momentum;
    q.one_minus_beta = static_cast<T>(1.0 - beta);
  }

  void update_range(std::size_t, const param_tensor<T>& t, detail::tensor_state<T, 4>& s,
                    Eigen::Index begin, Eigen::Index end, double& l2, double& l1) const {
    const detail::sgd_sf_scalars<T>& q = prep_[t.group()];
    detail::with_bool(q.wd != T(0), [&](auto wd_on) {
      const detail::sgd_sf_kernel<T, decltype(wd_on)::value> k{
          t.params() + begin, t.grads() + begin, s.buf[0].data() + begin, s.buf[1].data() + begin,
          q};
      detail::fused_loop<T>(end - begin, k, l2, l1);
    });
  }

  // The hyper-parameters, one list: state() writes them (Sink = state_writer), load_state() checks.
  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("momentum", opt_.momentum)
        .hyper("weight_decay", opt_.weight_decay)
        .hyper("r", opt_.r)
        .hyper("weight_lr_power", opt_.weight_lr_power)
        .hyper("max_grad_norm", opt_.max_grad_norm);
  }

  options_type opt_;
  std::vector<detail::sgd_sf_scalars<T>> prep_;
};

}  // namespace lrs

#endif  // LRS_OPTIM_SGD_SCHEDULE_FREE_HPP
