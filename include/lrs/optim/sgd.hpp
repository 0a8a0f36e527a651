// SPDX-License-Identifier: MIT
// lrs::sgd: stochastic gradient descent with momentum, dampening, Nesterov and weight decay.
#ifndef LRS_OPTIM_SGD_HPP
#define LRS_OPTIM_SGD_HPP

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

/// Hyper-parameters of lrs::sgd; defaults are torch.optim.SGD's.
template <class T = double>
struct sgd_options {
  T momentum = T(0);       ///< >= 0; 0 disables the momentum buffer.
  T dampening = T(0);      ///< finite; scales the new gradient in the buffer by (1 - dampening).
  bool nesterov = false;   ///< needs momentum > 0 and dampening == 0.
  T weight_decay = T(0);   ///< >= 0, L2 penalty added to the gradient (group 0 and default).
  bool maximize = false;   ///< ascend instead of descend.
  T max_grad_norm = T(0);  ///< > 0: clip the global gradient L2 norm to it; 0: no clipping.

  /// Sets `momentum` (see the field); returns *this for chaining.
  constexpr sgd_options& with_momentum(T v) noexcept {
    momentum = v;
    return *this;
  }
  /// Sets `dampening` (see the field); returns *this for chaining.
  constexpr sgd_options& with_dampening(T v) noexcept {
    dampening = v;
    return *this;
  }
  /// Sets `nesterov` (see the field); returns *this for chaining.
  constexpr sgd_options& with_nesterov(bool v) noexcept {
    nesterov = v;
    return *this;
  }
  /// Sets `weight_decay` (see the field); returns *this for chaining.
  constexpr sgd_options& with_weight_decay(T v) noexcept {
    weight_decay = v;
    return *this;
  }
  /// Sets `maximize` (see the field); returns *this for chaining.
  constexpr sgd_options& with_maximize(bool v) noexcept {
    maximize = v;
    return *this;
  }
  /// Sets `max_grad_norm` (see the field); returns *this for chaining.
  constexpr sgd_options& with_max_grad_norm(T v) noexcept {
    max_grad_norm = v;
    return *this;
  }
};

namespace detail {

/// The scalars of one sgd step of a tensor, read by sgd_kernel.
template <class T>
struct sgd_scalars {
  T grad_scale;           ///< the clip scale, negated with maximize
  T wd;                   ///< L2 weight decay
  T momentum;             ///< momentum factor
  T one_minus_dampening;  ///< 1 - dampening
  T neg_lr;               ///< -lr
};

// MomMode: 0 no momentum, 1 first step (buf = d_p), 2 buf = momentum * buf + (1 - dampening) d_p
template <class T, bool WD, int MomMode, bool Nesterov>
struct sgd_kernel {
  T* p;
  const T* g;
  T* buf;
  sgd_scalars<T> c;

  template <class P>
  void apply(Eigen::Index i, P& l2, P& l1) const {
    namespace ei = Eigen::internal;
    const P graw = ei::ploadu<P>(g + i);
    accumulate_norms(graw, l2, l1);
    const P pv = ei::ploadu<P>(p + i);
    P d = ei::pmul(graw, ei::pset1<P>(c.grad_scale));
    if constexpr (WD) d = ei::padd(d, ei::pmul(ei::pset1<P>(c.wd), pv));
    if constexpr (MomMode == 1) {
      ei::pstoreu(buf + i, d);
      if constexpr (Nesterov) d = ei::padd(d, ei::pmul(ei::pset1<P>(c.momentum), d));
    } else if constexpr (MomMode == 2) {
      const P b = ei::padd(ei::pmul(ei::ploadu<P>(buf + i), ei::pset1<P>(c.momentum)),
                           ei::pmul(ei::pset1<P>(c.one_minus_dampening), d));
      ei::pstoreu(buf + i, b);
      if constexpr (Nesterov)
        d = ei::padd(d, ei::pmul(ei::pset1<P>(c.momentum), b));
      else
        d = b;
    }
    ei::pstoreu(p + i, ei::padd(pv, ei::pmul(ei::pset1<P>(c.neg_lr), d)));
  }
};

}  // namespace detail

/// Stochastic gradient descent, exactly as torch.optim.SGD (PyTorch 1.13):
///
///   d = ±g (+ weight_decay * p)
///   b = d at the first step with momentum, else b = momentum * b + (1 - dampening) * d
///   d = nesterov ? d + momentum * b : b          (when momentum != 0)
///   p = p - lr * d
///
/// Sutskever et al., "On the importance of initialization and momentum in deep learning",
/// ICML 2013. One fused pass over p, g (and b) per tensor per step; the momentum buffer is
/// allocated at the first step with momentum != 0 and never again.
/// @tparam T float or double.
/// @throws lrs::invalid_argument from the constructor if momentum < 0, weight_decay < 0,
///         max_grad_norm < 0, a value is not finite, or nesterov without momentum > 0 and
///         dampening == 0.
template <class T = double>
class sgd : public detail::optimizer_base<sgd<T>, T> {
  using base = detail::optimizer_base<sgd<T>, T>;
  friend base;

 public:
  /// The options type.
  using options_type = sgd_options<T>;
  /// The name in error messages ("lrs::<name>: ...") and in state() (its kind).
  static constexpr const char* type_name = "sgd";

  /// @param o the options (see sgd_options).
  /// @throws lrs::invalid_argument as stated on the class.
  explicit sgd(const sgd_options<T>& o = {}) : opt_(o) {
    detail::require_non_negative(type_name, "momentum", o.momentum);
    detail::require_finite(type_name, "dampening", o.dampening);
    detail::require_non_negative(type_name, "weight_decay", o.weight_decay);
    detail::require_non_negative(type_name, "max_grad_norm", o.max_grad_norm);
    if (o.nesterov) {
      detail::require(o.momentum > T(0), type_name, "momentum", "> 0 with nesterov", o.momentum);
      detail::require(o.dampening == T(0), type_name, "dampening", "0 with nesterov", o.dampening);
    }
  }

  /// The options given to the constructor.
  const sgd_options<T>& options() const noexcept { return opt_; }
  /// Current momentum factor.
  T momentum() const noexcept { return opt_.momentum; }
  /// Sets the momentum for the following steps (cycled momentum, e.g. from OneCycleLR).
  /// @throws lrs::invalid_argument if m < 0 or not finite, or m == 0 with nesterov.
  void set_momentum(T m) {
    detail::require_non_negative(type_name, "momentum", m);
    if (opt_.nesterov) detail::require(m > T(0), type_name, "momentum", "> 0 with nesterov", m);
    opt_.momentum = m;
  }

 private:
  int buffers_for_first_step() const noexcept { return 0; }  // allocated lazily, see prepare

  // This step's scalars of one tensor (prepare), read by update_range on any thread.
  struct prepared {
    detail::sgd_scalars<T> c;
    int mode;  // 0 no momentum, 1 first step with momentum (buf = d), 2 buf = m buf + (1 - damp) d
  };
  void prepare_step(std::size_t count, T) {
    if (prep_.size() < count) prep_.resize(count);
  }

  void prepare(std::size_t i, const param_tensor<T>& t, detail::tensor_state<T>& s, T lr, T wd,
               T clip) {
    const T m = opt_.momentum;
    int mode = 0;
    if (m != T(0)) {
      if (s.buf[0].size() == 0) {
        s.buf[0].resize(t.size());
        mode = 1;
      } else {
        mode = 2;
      }
    }
    ++s.step;
    prepared& q = prep_[i];
    q.c.grad_scale = opt_.maximize ? -clip : clip;
    q.c.wd = wd;
    q.c.momentum = m;
    q.c.one_minus_dampening = static_cast<T>(1 - opt_.dampening);
    q.c.neg_lr = -lr;
    q.mode = mode;
  }

  void update_range(std::size_t i, const param_tensor<T>& t, detail::tensor_state<T>& s,
                    Eigen::Index begin, Eigen::Index end, double& l2, double& l1) const {
    const prepared& q = prep_[i];
    T* buf = q.mode != 0 ? s.buf[0].data() + begin : nullptr;
    auto run = [&](auto wd_on, auto mode_c, auto nest_c) {
      using K = detail::sgd_kernel<T, decltype(wd_on)::value, decltype(mode_c)::value,
                                   decltype(nest_c)::value>;
      const K k{t.params() + begin, t.grads() + begin, buf, q.c};
      detail::fused_loop<T>(end - begin, k, l2, l1);
    };
    using zero = std::integral_constant<int, 0>;
    using one = std::integral_constant<int, 1>;
    using two = std::integral_constant<int, 2>;
    detail::with_bool(q.c.wd != T(0), [&](auto wd_on) {
      if (q.mode == 0) {
        run(wd_on, zero{}, std::false_type{});
      } else {
        detail::with_bool(opt_.nesterov, [&](auto nest) {
          if (q.mode == 1)
            run(wd_on, one{}, nest);
          else
            run(wd_on, two{}, nest);
        });
      }
    });
  }

  // The hyper-parameters, one list: state() writes them (Sink = state_writer), load_state() checks.
  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("dampening", opt_.dampening)
        .hyper("nesterov", opt_.nesterov)
        .hyper("weight_decay", opt_.weight_decay)
        .hyper("maximize", opt_.maximize)
        .hyper("max_grad_norm", opt_.max_grad_norm);
  }
  struct extra {
    T momentum;
  };
  void write_extra(state_writer& w) const { w.real(opt_.momentum); }
  extra read_extra(state_reader& r) const {
    const T m = r.real<T>("momentum");
    if (!(std::isfinite(m) && m >= T(0) && (!opt_.nesterov || m > T(0))))
      r.fail_field("momentum", detail::format_value(m),
                   opt_.nesterov ? "> 0 and finite (nesterov)" : ">= 0 and finite");
    return {m};
  }
  void check_loaded(const state_reader& r, std::size_t i, const detail::tensor_state<T>& s) const {
    if (s.buf[1].size() != 0 || s.buf[2].size() != 0)
      r.fail("tensor " + std::to_string(i) + " has buffers 1 or 2, which sgd never uses");
  }
  void commit_extra(const extra& e) noexcept { opt_.momentum = e.momentum; }

  sgd_options<T> opt_;
  std::vector<prepared> prep_;
};

}  // namespace lrs

#endif  // LRS_OPTIM_SGD_HPP
