// SPDX-License-Identifier: MIT
// lrs::adam and lrs::adamw: Adam with L2 weight decay and with decoupled weight decay.
#ifndef LRS_OPTIM_ADAM_HPP
#define LRS_OPTIM_ADAM_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include <lrs/core/error.hpp>
#include <lrs/core/state.hpp>
#include <lrs/optim/common.hpp>
#include <lrs/optim/optimizer_base.hpp>

namespace lrs {

/// Hyper-parameters of lrs::adam; defaults are torch.optim.Adam's.
template <class T = double>
struct adam_options {
  T beta1 = T(0.9);        ///< in [0, 1)
  T beta2 = T(0.999);      ///< in [0, 1)
  T eps = T(1e-8);         ///< > 0, added to the bias-corrected sqrt(v)
  T weight_decay = T(0);   ///< >= 0, L2 penalty added to the gradient
  bool amsgrad = false;    ///< use the running maximum of v (Reddi et al., 2018)
  bool maximize = false;   ///< ascend instead of descend
  T max_grad_norm = T(0);  ///< > 0: clip the global gradient L2 norm to it; 0: no clipping

  /// Sets `beta1` (see the field); returns *this for chaining.
  constexpr adam_options& with_beta1(T v) noexcept {
    beta1 = v;
    return *this;
  }
  /// Sets `beta2` (see the field); returns *this for chaining.
  constexpr adam_options& with_beta2(T v) noexcept {
    beta2 = v;
    return *this;
  }
  /// Sets `eps` (see the field); returns *this for chaining.
  constexpr adam_options& with_eps(T v) noexcept {
    eps = v;
    return *this;
  }
  /// Sets `weight_decay` (see the field); returns *this for chaining.
  constexpr adam_options& with_weight_decay(T v) noexcept {
    weight_decay = v;
    return *this;
  }
  /// Sets `amsgrad` (see the field); returns *this for chaining.
  constexpr adam_options& with_amsgrad(bool v) noexcept {
    amsgrad = v;
    return *this;
  }
  /// Sets `maximize` (see the field); returns *this for chaining.
  constexpr adam_options& with_maximize(bool v) noexcept {
    maximize = v;
    return *this;
  }
  /// Sets `max_grad_norm` (see the field); returns *this for chaining.
  constexpr adam_options& with_max_grad_norm(T v) noexcept {
    max_grad_norm = v;
    return *this;
  }
};

/// Hyper-parameters of lrs::adamw; defaults are torch.optim.AdamW's (weight_decay 1e-2).
template <class T = double>
struct adamw_options {
  T beta1 = T(0.9);          ///< in [0, 1)
  T beta2 = T(0.999);        ///< in [0, 1)
  T eps = T(1e-8);           ///< > 0, added to the bias-corrected sqrt(v)
  T weight_decay = T(1e-2);  ///< >= 0, decoupled: p *= 1 - lr * weight_decay
  bool amsgrad = false;      ///< use the running maximum of v
  bool maximize = false;     ///< ascend instead of descend
  T max_grad_norm = T(0);    ///< > 0: clip the global gradient L2 norm to it; 0: no clipping

  /// Sets `beta1` (see the field); returns *this for chaining.
  constexpr adamw_options& with_beta1(T v) noexcept {
    beta1 = v;
    return *this;
  }
  /// Sets `beta2` (see the field); returns *this for chaining.
  constexpr adamw_options& with_beta2(T v) noexcept {
    beta2 = v;
    return *this;
  }
  /// Sets `eps` (see the field); returns *this for chaining.
  constexpr adamw_options& with_eps(T v) noexcept {
    eps = v;
    return *this;
  }
  /// Sets `weight_decay` (see the field); returns *this for chaining.
  constexpr adamw_options& with_weight_decay(T v) noexcept {
    weight_decay = v;
    return *this;
  }
  /// Sets `amsgrad` (see the field); returns *this for chaining.
  constexpr adamw_options& with_amsgrad(bool v) noexcept {
    amsgrad = v;
    return *this;
  }
  /// Sets `maximize` (see the field); returns *this for chaining.
  constexpr adamw_options& with_maximize(bool v) noexcept {
    maximize = v;
    return *this;
  }
  /// Sets `max_grad_norm` (see the field); returns *this for chaining.
  constexpr adamw_options& with_max_grad_norm(T v) noexcept {
    max_grad_norm = v;
    return *this;
  }
};

namespace detail {

/// The scalars of one adam / adamw step of a tensor, read by adam_kernel.
template <class T>
struct adam_scalars {
  T grad_scale;       ///< the clip scale, negated with maximize
  T wd;               ///< L2 weight decay (adam)
  T decay;            ///< 1 - lr * weight_decay (adamw)
  T beta1;            ///< beta1
  T one_minus_beta1;  ///< 1 - beta1
  T beta2;            ///< beta2
  T one_minus_beta2;  ///< 1 - beta2
  T bc2_sqrt;         ///< sqrt(1 - beta2^t)
  T eps;              ///< eps
  T neg_step_size;    ///< -lr / (1 - beta1^t)
};

template <class T, bool L2, bool Decoupled, bool Amsgrad>
struct adam_kernel {
  T* p;
  T* m;
  T* v;
  T* vmax;
  const T* g;
  adam_scalars<T> c;

  template <class P>
  void apply(Eigen::Index i, P& l2, P& l1) const {
    namespace ei = Eigen::internal;
    const P graw = ei::ploadu<P>(g + i);
    accumulate_norms(graw, l2, l1);
    P pv = ei::ploadu<P>(p + i);
    P gv = ei::pmul(graw, ei::pset1<P>(c.grad_scale));
    if constexpr (Decoupled) pv = ei::pmul(pv, ei::pset1<P>(c.decay));
    if constexpr (L2) gv = ei::padd(gv, ei::pmul(ei::pset1<P>(c.wd), pv));
    const P mv = ei::padd(ei::pmul(ei::ploadu<P>(m + i), ei::pset1<P>(c.beta1)),
                          ei::pmul(ei::pset1<P>(c.one_minus_beta1), gv));
    const P vv = ei::padd(ei::pmul(ei::ploadu<P>(v + i), ei::pset1<P>(c.beta2)),
                          ei::pmul(ei::pmul(ei::pset1<P>(c.one_minus_beta2), gv), gv));
    ei::pstoreu(m + i, mv);
    ei::pstoreu(v + i, vv);
    P s = vv;
    if constexpr (Amsgrad) {
      s = ei::pmax<Eigen::PropagateNaN>(ei::ploadu<P>(vmax + i), vv);
      ei::pstoreu(vmax + i, s);
    }
    const P denom =
        ei::padd(ei::pdiv(exact_sqrt(s), ei::pset1<P>(c.bc2_sqrt)), ei::pset1<P>(c.eps));
    ei::pstoreu(p + i, ei::padd(pv, ei::pdiv(ei::pmul(ei::pset1<P>(c.neg_step_size), mv), denom)));
  }
};

/// Adam and AdamW share everything but where weight decay enters.
template <class Derived, class T, class Options, bool Decoupled>
class adam_base : public optimizer_base<Derived, T> {
  using base = optimizer_base<Derived, T>;
  friend base;

 public:
  using options_type = Options;

  explicit adam_base(const Options& o) : opt_(o) {
    const char* type = Derived::type_name;
    require_in_range(type, "beta1", o.beta1, T(0), T(1), false, true);
    require_in_range(type, "beta2", o.beta2, T(0), T(1), false, true);
    require_positive(type, "eps", o.eps);
    require_non_negative(type, "weight_decay", o.weight_decay);
    require_non_negative(type, "max_grad_norm", o.max_grad_norm);
  }

  const Options& options() const noexcept { return opt_; }
  T beta1() const noexcept { return opt_.beta1; }
  /// Sets beta1 for the following steps (cycled momentum from OneCycleLR / CyclicLR sets betas[0]
  /// in PyTorch). The bias correction of later steps uses the new value, as PyTorch does.
  /// @throws lrs::invalid_argument if b1 is outside [0, 1).
  void set_beta1(T b1) {
    require_in_range(Derived::type_name, "beta1", b1, T(0), T(1), false, true);
    opt_.beta1 = b1;
  }
  /// Same as set_beta1, so that schedule-driven code can call set_momentum on any optimizer.
  void set_momentum(T b1) { set_beta1(b1); }
  T momentum() const noexcept { return opt_.beta1; }

 private:
  int buffers_for_first_step() const noexcept { return opt_.amsgrad ? 3 : 2; }

  // This step's scalars of one tensor (prepare), read by update_range on any thread.
  void prepare_step(std::size_t count, T) {
    if (prep_.size() < count) prep_.resize(count);
  }

  void prepare(std::size_t i, const param_tensor<T>&, tensor_state<T>& s, T lr, T wd, T clip) {
    const std::int64_t step = ++s.step;
    // Scalars in double, as PyTorch computes them in Python floats. The tensors of a step usually
    // share their step count: the two powers are computed once for them.
    const double b1 = double(opt_.beta1), b2 = double(opt_.beta2);
    if (step != pow_step_ || b1 != pow_b1_ || b2 != pow_b2_) {
      pow_step_ = step;
      pow_b1_ = b1;
      pow_b2_ = b2;
      bc1_ = 1.0 - std::pow(b1, double(step));
      bc2_ = 1.0 - std::pow(b2, double(step));
    }
    const double step_size = double(lr) / bc1_;
    adam_scalars<T>& c = prep_[i];
    c.grad_scale = opt_.maximize ? -clip : clip;
    c.wd = wd;
    c.decay = static_cast<T>(1.0 - double(lr) * double(wd));
    c.beta1 = opt_.beta1;
    c.one_minus_beta1 = static_cast<T>(1.0 - b1);
    c.beta2 = opt_.beta2;
    c.one_minus_beta2 = static_cast<T>(1.0 - b2);
    c.bc2_sqrt = static_cast<T>(std::sqrt(bc2_));
    c.eps = opt_.eps;
    c.neg_step_size = static_cast<T>(-step_size);
  }

  void update_range(std::size_t i, const param_tensor<T>& t, tensor_state<T>& s, Eigen::Index begin,
                    Eigen::Index end, double& l2, double& l1) const {
    const adam_scalars<T>& c = prep_[i];
    T* vmax = opt_.amsgrad ? s.buf[2].data() + begin : nullptr;
    auto run = [&](auto l2_on, auto dec_on, auto ams_on) {
      using K =
          adam_kernel<T, decltype(l2_on)::value, decltype(dec_on)::value, decltype(ams_on)::value>;
      const K k{t.params() + begin,      s.buf[0].data() + begin,
                s.buf[1].data() + begin, vmax,
                t.grads() + begin,       c};
      fused_loop<T>(end - begin, k, l2, l1);
    };
    with_bool(c.wd != T(0), [&](auto wd_on) {
      with_bool(opt_.amsgrad, [&](auto ams_on) {
        if constexpr (Decoupled)
          run(std::false_type{}, wd_on, ams_on);
        else
          run(wd_on, std::false_type{}, ams_on);
      });
    });
  }

  // The hyper-parameters, one list: state() writes them (Sink = state_writer), load_state() checks.
  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("beta2", opt_.beta2)
        .hyper("eps", opt_.eps)
        .hyper("weight_decay", opt_.weight_decay)
        .hyper("amsgrad", opt_.amsgrad)
        .hyper("maximize", opt_.maximize)
        .hyper("max_grad_norm", opt_.max_grad_norm);
  }
  struct extra {
    T beta1;
  };
  void write_extra(state_writer& w) const { w.real(opt_.beta1); }
  extra read_extra(state_reader& r) const {
    const T b1 = r.real<T>("beta1");
    if (!(b1 >= T(0) && b1 < T(1))) r.fail_field("beta1", format_value(b1), "in [0, 1)");
    return {b1};
  }
  /// amsgrad is a hyper-parameter (checked above), so a size-0 tensor, whose max buffer is empty
  /// either way, loads too.
  void check_loaded(const state_reader& r, std::size_t i, const tensor_state<T>& s) const {
    const std::string tensor = "tensor " + std::to_string(i);
    if (s.size < 0) {
      if (s.buf[0].size() != 0 || s.buf[1].size() != 0 || s.buf[2].size() != 0)
        r.fail(tensor + " has buffers but was never stepped");
      return;
    }
    if (s.buf[0].size() != s.size || s.buf[1].size() != s.size)
      r.fail(tensor + " lacks exp_avg or exp_avg_sq (every stepped tensor has both)");
    if (s.buf[2].size() != (opt_.amsgrad ? s.size : 0))
      r.fail(tensor + (opt_.amsgrad ? " lacks max_exp_avg_sq (amsgrad is on)"
                                    : " has max_exp_avg_sq, but amsgrad is off"));
  }
  void commit_extra(const extra& e) noexcept { opt_.beta1 = e.beta1; }

  Options opt_;
  std::vector<adam_scalars<T>> prep_;
  // Cache of the bias corrections 1 - beta^step for the last (step, beta1, beta2).
  std::int64_t pow_step_ = -1;
  double pow_b1_ = 0, pow_b2_ = 0, bc1_ = 1, bc2_ = 1;
};

}  // namespace detail

/// Adam, exactly as torch.optim.Adam (PyTorch 1.13), at update t = 1, 2, ...:
///
///   g = ±g (+ weight_decay * p)
///   m = beta1 * m + (1 - beta1) * g,   v = beta2 * v + (1 - beta2) * g * g
///   vhat = amsgrad ? (vmax = max(vmax, v)) : v
///   p = p - (lr / (1 - beta1^t)) * m / (sqrt(vhat) / sqrt(1 - beta2^t) + eps)
///
/// Kingma & Ba, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980; AMSGrad: Reddi et
/// al., "On the Convergence of Adam and Beyond", ICLR 2018. One fused pass over p, g, m, v per
/// tensor per step; buffers are allocated at a tensor's first step only.
/// @throws lrs::invalid_argument if a beta is outside [0, 1), eps <= 0, weight_decay < 0,
///         max_grad_norm < 0, or a value is not finite.
template <class T = double>
class adam : public detail::adam_base<adam<T>, T, adam_options<T>, false> {
 public:
  /// The name in error messages ("lrs::<name>: ...") and in state() (its kind).
  static constexpr const char* type_name = "adam";
  /// @param o the options (see adam_options).
  /// @throws lrs::invalid_argument as stated on the class.
  explicit adam(const adam_options<T>& o = {})
      : detail::adam_base<adam<T>, T, adam_options<T>, false>(o) {}
};

/// AdamW, exactly as torch.optim.AdamW (PyTorch 1.13): Adam without the L2 term, and before the
/// Adam update `p = p * (1 - lr * weight_decay)`.
///
/// Loshchilov & Hutter, "Decoupled Weight Decay Regularization", arXiv:1711.05101.
/// @throws lrs::invalid_argument as lrs::adam.
template <class T = double>
class adamw : public detail::adam_base<adamw<T>, T, adamw_options<T>, true> {
 public:
  /// The name in error messages ("lrs::<name>: ...") and in state() (its kind).
  static constexpr const char* type_name = "adamw";
  /// @param o the options (see adamw_options).
  /// @throws lrs::invalid_argument as stated on the class.
  explicit adamw(const adamw_options<T>& o = {})
      : detail::adam_base<adamw<T>, T, adamw_options<T>, true>(o) {}
};

}  // namespace lrs

#endif  // LRS_OPTIM_ADAM_HPP
