// SPDX-License-Identifier: MIT
// lrs::adamw_schedule_free: Schedule-Free AdamW (Defazio et al., "The Road Less Scheduled",
// NeurIPS 2024), driven by an LR per step like the other optimizers.
#ifndef LRS_OPTIM_ADAMW_SCHEDULE_FREE_HPP
#define LRS_OPTIM_ADAMW_SCHEDULE_FREE_HPP

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

/// Hyper-parameters of lrs::adamw_schedule_free; defaults are the authors' AdamWScheduleFree's
/// (their default lr is 0.0025, passed per step here).
template <class T = double>
struct adamw_schedule_free_options {
  T beta1 = T(0.9);          ///< in [0, 1): y = beta1 * x + (1 - beta1) * z
  T beta2 = T(0.999);        ///< in [0, 1)
  T eps = T(1e-8);           ///< > 0, added to sqrt(v / (1 - beta2^(k+1)))
  T weight_decay = T(0);     ///< >= 0, decoupled: z -= lr * weight_decay * (y or z)
  bool decay_at_z = false;   ///< take the weight decay at z instead of y
  T inner_momentum = T(0);   ///< in [0, 1); > 0: the update uses a bias-corrected EMA of g
  T r = T(0);                ///< >= 0, polynomial weighting (k+1)^r of the average
  T weight_lr_power = T(2);  ///< >= 0, the average weights lr_max^weight_lr_power
  T max_grad_norm = T(0);    ///< > 0: clip the global gradient L2 norm to it; 0: no clipping

  /// Sets `beta1` (see the field); returns *this for chaining.
  constexpr adamw_schedule_free_options& with_beta1(T v) noexcept {
    beta1 = v;
    return *this;
  }
  /// Sets `beta2` (see the field); returns *this for chaining.
  constexpr adamw_schedule_free_options& with_beta2(T v) noexcept {
    beta2 = v;
    return *this;
  }
  /// Sets `eps` (see the field); returns *this for chaining.
  constexpr adamw_schedule_free_options& with_eps(T v) noexcept {
    eps = v;
    return *this;
  }
  /// Sets `weight_decay` (see the field); returns *this for chaining.
  constexpr adamw_schedule_free_options& with_weight_decay(T v) noexcept {
    weight_decay = v;
    return *this;
  }
  /// Sets `decay_at_z` (see the field); returns *this for chaining.
  constexpr adamw_schedule_free_options& with_decay_at_z(bool v) noexcept {
    decay_at_z = v;
    return *this;
  }
  /// Sets `inner_momentum` (see the field); returns *this for chaining.
  constexpr adamw_schedule_free_options& with_inner_momentum(T v) noexcept {
    inner_momentum = v;
    return *this;
  }
  /// Sets `r` (see the field); returns *this for chaining.
  constexpr adamw_schedule_free_options& with_r(T v) noexcept {
    r = v;
    return *this;
  }
  /// Sets `weight_lr_power` (see the field); returns *this for chaining.
  constexpr adamw_schedule_free_options& with_weight_lr_power(T v) noexcept {
    weight_lr_power = v;
    return *this;
  }
  /// Sets `max_grad_norm` (see the field); returns *this for chaining.
  constexpr adamw_schedule_free_options& with_max_grad_norm(T v) noexcept {
    max_grad_norm = v;
    return *this;
  }
};

namespace detail {

/// The scalars of one adamw_schedule_free step of a group, read by adamw_sf_kernel.
template <class T>
struct adamw_sf_scalars {
  T grad_scale;       ///< the clip scale
  T neg_lr_wd;        ///< -lr * weight_decay
  T beta2;            ///< beta2
  T one_minus_beta2;  ///< 1 - beta2
  T bc2;              ///< 1 - beta2^(k+1)
  T eps;              ///< eps
  T inner;            ///< inner_momentum
  T one_minus_inner;  ///< 1 - inner_momentum
  T bc1;              ///< 1 - inner_momentum^(k+1) (1 without inner momentum)
  T neg_lr;           ///< -lr
  T one_minus_c;      ///< 1 - c, c the averaging coefficient
  T c;                ///< c
  T beta;             ///< beta1 (y's interpolation)
  T one_minus_beta;   ///< 1 - beta1
};

template <class T, bool WD, bool AtZ, bool Inner>
struct adamw_sf_kernel {
  T* p;  // y
  const T* g;
  T* z;
  T* x;
  T* v;
  T* m;
  adamw_sf_scalars<T> c;

  template <class P>
  void apply(Eigen::Index i, P& l2, P& l1) const {
    namespace ei = Eigen::internal;
    const P graw = ei::ploadu<P>(g + i);
    accumulate_norms(graw, l2, l1);
    const P gv = ei::pmul(graw, ei::pset1<P>(c.grad_scale));
    P zv = ei::ploadu<P>(z + i);
    if constexpr (WD) {
      const P at = AtZ ? zv : ei::ploadu<P>(p + i);
      zv = ei::padd(zv, ei::pmul(ei::pset1<P>(c.neg_lr_wd), at));
    }
    const P vv = ei::padd(ei::pmul(ei::ploadu<P>(v + i), ei::pset1<P>(c.beta2)),
                          ei::pmul(ei::pmul(ei::pset1<P>(c.one_minus_beta2), gv), gv));
    ei::pstoreu(v + i, vv);
    const P denom = ei::padd(exact_sqrt(ei::pdiv(vv, ei::pset1<P>(c.bc2))), ei::pset1<P>(c.eps));
    P num = gv;
    if constexpr (Inner) {
      const P mv = ei::padd(ei::pmul(ei::ploadu<P>(m + i), ei::pset1<P>(c.inner)),
                            ei::pmul(ei::pset1<P>(c.one_minus_inner), gv));
      ei::pstoreu(m + i, mv);
      num = ei::pdiv(mv, ei::pset1<P>(c.bc1));
    }
    zv = ei::padd(zv, ei::pdiv(ei::pmul(ei::pset1<P>(c.neg_lr), num), denom));
    sf_average(p, z, x, i, zv, c);
  }
};

}  // namespace detail

/// Schedule-Free AdamW (Defazio et al., NeurIPS 2024, arXiv:2405.15682), exactly as the authors'
/// AdamWScheduleFreeReference (facebookresearch/schedule_free), with the warm-up moved out: lr is
/// the caller's, per step. Per group, at update k = 0, 1, ... with lr = lr_arg * lr_scale and
/// lr_max, w, c as in lrs::sgd_schedule_free:
///
///   z = z - lr * weight_decay * (decay_at_z ? z : y)
///   v = beta2 * v + (1 - beta2) * g^2,   denom = sqrt(v / (1 - beta2^(k+1))) + eps
///   n = g, or with inner_momentum: m = im * m + (1 - im) * g,  n = m / (1 - im^(k+1))
///   z = z - lr * n / denom
///   x = (1 - c) * x + c * z,   y = beta1 * x + (1 - beta1) * z
///
/// The gradient is taken at y (the params in train mode); evaluate at x (eval()). Memory: z, x
/// and v per tensor (and m with inner_momentum); y lives in the params.
/// @throws lrs::invalid_argument from the constructor if beta1, beta2 or inner_momentum is
///         outside [0, 1), eps <= 0, or weight_decay, r, weight_lr_power or max_grad_norm is
///         negative or not finite.
template <class T = double>
class adamw_schedule_free : public detail::schedule_free_base<adamw_schedule_free<T>, T> {
  using base = detail::schedule_free_base<adamw_schedule_free<T>, T>;
  friend base;
  using skeleton = detail::optimizer_base<adamw_schedule_free<T>, T, 4, false>;
  friend skeleton;

 public:
  /// The options type.
  using options_type = adamw_schedule_free_options<T>;
  /// The name in error messages ("lrs::<name>: ...") and in state() (its kind).
  static constexpr const char* type_name = "adamw_schedule_free";

  /// @param o the options (see adamw_schedule_free_options).
  /// @throws lrs::invalid_argument as stated on the class.
  explicit adamw_schedule_free(const options_type& o = {}) : opt_(o) {
    detail::require_in_range(type_name, "beta1", o.beta1, T(0), T(1), false, true);
    detail::require_in_range(type_name, "beta2", o.beta2, T(0), T(1), false, true);
    detail::require_positive(type_name, "eps", o.eps);
    detail::require_non_negative(type_name, "weight_decay", o.weight_decay);
    detail::require_in_range(type_name, "inner_momentum", o.inner_momentum, T(0), T(1), false,
                             true);
    detail::require_non_negative(type_name, "r", o.r);
    detail::require_non_negative(type_name, "weight_lr_power", o.weight_lr_power);
    detail::require_non_negative(type_name, "max_grad_norm", o.max_grad_norm);
  }

  /// The options given to the constructor.
  const options_type& options() const noexcept { return opt_; }

 private:
  T average_beta() const noexcept { return opt_.beta1; }
  int buffers_for_first_step() const noexcept { return opt_.inner_momentum != T(0) ? 4 : 3; }

  // This step's kernel scalars of one group (prepare_group), read by update_range on any thread.
  struct prepared {
    detail::adamw_sf_scalars<T> c;
    bool wd_on;
  };
  void prepare_group(std::size_t gi, std::int64_t k, double lr, double c, double wd, T clip) {
    if (prep_.size() < this->group_count()) prep_.resize(this->group_count());
    const double b1 = double(opt_.beta1), b2 = double(opt_.beta2);
    const double im = double(opt_.inner_momentum);
    const double bc2 = 1.0 - std::pow(b2, double(k + 1));
    const double bc1 = im != 0.0 ? 1.0 - std::pow(im, double(k + 1)) : 1.0;
    prepared& q = prep_[gi];
    q.c.grad_scale = clip;
    q.c.neg_lr_wd = static_cast<T>(-(lr * wd));
    q.c.beta2 = opt_.beta2;
    q.c.one_minus_beta2 = static_cast<T>(1.0 - b2);
    q.c.bc2 = static_cast<T>(bc2);
    q.c.eps = opt_.eps;
    q.c.inner = opt_.inner_momentum;
    q.c.one_minus_inner = static_cast<T>(1.0 - im);
    q.c.bc1 = static_cast<T>(bc1);
    q.c.neg_lr = static_cast<T>(-lr);
    q.c.one_minus_c = static_cast<T>(1.0 - c);
    q.c.c = static_cast<T>(c);
    q.c.beta = opt_.beta1;
    q.c.one_minus_beta = static_cast<T>(1.0 - b1);
    q.wd_on = wd != 0.0;
  }

  void update_range(std::size_t, const param_tensor<T>& t, detail::tensor_state<T, 4>& s,
                    Eigen::Index begin, Eigen::Index end, double& l2, double& l1) const {
    const prepared& q = prep_[t.group()];
    const bool inner = opt_.inner_momentum != T(0);
    T* m = inner ? s.buf[3].data() + begin : nullptr;
    auto run = [&](auto wd_on, auto at_z, auto inner_on) {
      using K = detail::adamw_sf_kernel<T, decltype(wd_on)::value, decltype(at_z)::value,
                                        decltype(inner_on)::value>;
      const K kern{t.params() + begin,
                   t.grads() + begin,
                   s.buf[0].data() + begin,
                   s.buf[1].data() + begin,
                   s.buf[2].data() + begin,
                   m,
                   q.c};
      detail::fused_loop<T>(end - begin, kern, l2, l1);
    };
    detail::with_bool(q.wd_on, [&](auto wd_on) {
      detail::with_bool(opt_.decay_at_z, [&](auto at_z) {
        detail::with_bool(inner, [&](auto inner_on) { run(wd_on, at_z, inner_on); });
      });
    });
  }

  // The hyper-parameters, one list: state() writes them (Sink = state_writer), load_state() checks.
  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("beta1", opt_.beta1)
        .hyper("beta2", opt_.beta2)
        .hyper("eps", opt_.eps)
        .hyper("weight_decay", opt_.weight_decay)
        .hyper("decay_at_z", opt_.decay_at_z)
        .hyper("inner_momentum", opt_.inner_momentum)
        .hyper("r", opt_.r)
        .hyper("weight_lr_power", opt_.weight_lr_power)
        .hyper("max_grad_norm", opt_.max_grad_norm);
  }

  options_type opt_;
  std::vector<prepared> prep_;
};

}  // namespace lrs

#endif  // LRS_OPTIM_ADAMW_SCHEDULE_FREE_HPP
