// SPDX-License-Identifier: MIT
// lrs::sgd_schedule_free and lrs::adamw_schedule_free: Schedule-Free SGD and AdamW (Defazio et al.,
// "The Road Less Scheduled", NeurIPS 2024), driven by an LR per step like the other optimizers.
#ifndef LRS_OPTIM_SCHEDULE_FREE_HPP
#define LRS_OPTIM_SCHEDULE_FREE_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include <lrs/core/error.hpp>
#include <lrs/core/state.hpp>
#include <lrs/optim/common.hpp>
#include <lrs/optim/optimizer_base.hpp>

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

/// Per parameter group: updates done (k), the largest LR seen (-1 before the first) and the sum
/// of the averaging weights.
struct sf_group_state {
  std::int64_t k = 0;
  double lr_max = -1.0;
  double weight_sum = 0.0;
};

/// Per tensor: its size and group (-1 / unknown before its first step) and up to four buffers
/// (z, x, v, m).
template <class T>
struct sf_tensor_state {
  Eigen::Index size = -1;
  std::size_t group = group_unknown;
  vector_t<T> buf[4];
};

/// The y = beta * x + (1 - beta) * z line, shared by the step and train() so that a round trip
/// eval() -> train() gives back the very bits the step wrote.
template <class P>
inline P sf_y(const P& x, const P& z, const P& beta, const P& one_minus_beta) {
  namespace ei = Eigen::internal;
  return ei::padd(ei::pmul(x, beta), ei::pmul(z, one_minus_beta));
}

template <class T, bool WD>
struct sgd_sf_kernel {
  T* p;  // y
  const T* g;
  T* z;
  T* x;
  T grad_scale, wd, neg_lr, one_minus_c, c, beta, one_minus_beta;

  template <class P>
  void apply(Eigen::Index i, P& l2, P& l1) const {
    namespace ei = Eigen::internal;
    const P graw = ei::ploadu<P>(g + i);
    accumulate_norms(graw, l2, l1);
    P gv = ei::pmul(graw, ei::pset1<P>(grad_scale));
    if constexpr (WD) gv = ei::padd(gv, ei::pmul(ei::pset1<P>(wd), ei::ploadu<P>(p + i)));
    const P zv = ei::padd(ei::ploadu<P>(z + i), ei::pmul(ei::pset1<P>(neg_lr), gv));
    const P xv = ei::padd(ei::pmul(ei::ploadu<P>(x + i), ei::pset1<P>(one_minus_c)),
                          ei::pmul(ei::pset1<P>(c), zv));
    ei::pstoreu(z + i, zv);
    ei::pstoreu(x + i, xv);
    ei::pstoreu(p + i, sf_y(xv, zv, ei::pset1<P>(beta), ei::pset1<P>(one_minus_beta)));
  }
};

template <class T, bool WD, bool AtZ, bool Inner>
struct adamw_sf_kernel {
  T* p;  // y
  const T* g;
  T* z;
  T* x;
  T* v;
  T* m;
  T grad_scale, neg_lr_wd, beta2, one_minus_beta2, bc2, eps, inner, one_minus_inner, bc1, neg_lr,
      one_minus_c, c, beta, one_minus_beta;

  template <class P>
  void apply(Eigen::Index i, P& l2, P& l1) const {
    namespace ei = Eigen::internal;
    const P graw = ei::ploadu<P>(g + i);
    accumulate_norms(graw, l2, l1);
    const P gv = ei::pmul(graw, ei::pset1<P>(grad_scale));
    P zv = ei::ploadu<P>(z + i);
    if constexpr (WD) {
      const P at = AtZ ? zv : ei::ploadu<P>(p + i);
      zv = ei::padd(zv, ei::pmul(ei::pset1<P>(neg_lr_wd), at));
    }
    const P vv = ei::padd(ei::pmul(ei::ploadu<P>(v + i), ei::pset1<P>(beta2)),
                          ei::pmul(ei::pmul(ei::pset1<P>(one_minus_beta2), gv), gv));
    ei::pstoreu(v + i, vv);
    const P denom = ei::padd(exact_sqrt(ei::pdiv(vv, ei::pset1<P>(bc2))), ei::pset1<P>(eps));
    P num = gv;
    if constexpr (Inner) {
      const P mv = ei::padd(ei::pmul(ei::ploadu<P>(m + i), ei::pset1<P>(inner)),
                            ei::pmul(ei::pset1<P>(one_minus_inner), gv));
      ei::pstoreu(m + i, mv);
      num = ei::pdiv(mv, ei::pset1<P>(bc1));
    }
    zv = ei::padd(zv, ei::pdiv(ei::pmul(ei::pset1<P>(neg_lr), num), denom));
    const P xv = ei::padd(ei::pmul(ei::ploadu<P>(x + i), ei::pset1<P>(one_minus_c)),
                          ei::pmul(ei::pset1<P>(c), zv));
    ei::pstoreu(z + i, zv);
    ei::pstoreu(x + i, xv);
    ei::pstoreu(p + i, sf_y(xv, zv, ei::pset1<P>(beta), ei::pset1<P>(one_minus_beta)));
  }
};

/// params = beta * x + (1 - beta) * z (train) or params = x (eval), one pass.
template <class T, bool Train>
struct sf_switch_kernel {
  T* p;
  const T* z;
  const T* x;
  T beta, one_minus_beta;

  template <class P>
  void apply(Eigen::Index i, P&, P&) const {
    namespace ei = Eigen::internal;
    const P xv = ei::ploadu<P>(x + i);
    if constexpr (Train)
      ei::pstoreu(p + i,
                  sf_y(xv, ei::ploadu<P>(z + i), ei::pset1<P>(beta), ei::pset1<P>(one_minus_beta)));
    else
      ei::pstoreu(p + i, xv);
  }
};

/// What the two schedule-free optimizers share: modes, groups and their averaging weights, the
/// step overloads, clipping, threads (threaded_steps, as optimizer_base) and the state. `Derived`
/// provides `type_name`, `max_grad_norm()`, `default_weight_decay()`, `average_beta()`,
/// `buffer_count()`, `visit_hyper` (its options, one list) and the two halves of an update:
/// - `reserve_prepared(groups)` and `prepare(group, k, lr, c, wd, clip)`: on the calling thread,
///   once per group and step, before any element is touched, with the group's update count k
///   before this update and the step's scalars in double; stores the kernel's scalars;
/// - `update_range(tensor, state, group, begin, end, l2, l1) const`: elements [begin, end) of a
///   tensor, on any thread of the pool, concurrently with other ranges; writes only those
///   elements of the parameters and buffers, adds grad^2 and |grad| of them to l2 and l1.
template <class Derived, class T>
class schedule_free_base : public threaded_steps<Derived> {
  static_assert(std::is_floating_point_v<T>, "lrs optimizers need a floating-point scalar type");

 public:
  using scalar_type = T;

  /// One update of a single tensor (tensor 0, group 0). params must hold y (train mode).
  /// @param lr learning rate of this update, e.g. `warmup_schedule(t)`.
  /// @throws lrs::invalid_argument in eval mode, if sizes differ, if the size differs from the
  ///         first step, or if lr is negative or not finite; nothing is changed then.
  step_info<T> step(Eigen::Ref<vector_t<T>> params, const Eigen::Ref<const vector_t<T>>& grads,
                    T lr) {
    require(grads.size() == params.size(), Derived::type_name, "grads size",
            "equal to params size " + std::to_string(params.size()), grads.size());
    const param_tensor<T> t(params.data(), grads.data(), params.size(), 0);
    return step(&t, 1, lr);
  }

  /// One update of several tensors. Pass the tensors in the same order every step (a tensor
  /// whose size or group differs from its first step is refused); tensor i gets the LR
  /// `groups[tensors[i].group()].lr_at(lr)` (see param_group). Clipping uses the global norm
  /// over all of them. Every group counts one update per call.
  /// @throws lrs::invalid_argument in eval mode, on a bad lr, group index, a size or group other
  ///         than at the tensor's first step, or if the averaging weight overflows; nothing is
  ///         changed then.
  step_info<T> step(const param_tensor<T>* tensors, std::size_t count, T lr) {
    require(training_, Derived::type_name, "mode", "train to step (call train(params) first)",
            "eval");
    require(std::isfinite(lr) && lr >= T(0), Derived::type_name, "lr", ">= 0 and finite", lr);
    return update(tensors, count, [lr](std::size_t) { return lr; });
  }
  /// step(tensors.data(), tensors.size(), lr).
  step_info<T> step(const std::vector<param_tensor<T>>& tensors, T lr) {
    return step(tensors.data(), tensors.size(), lr);
  }
  /// step(tensors.begin(), tensors.size(), lr).
  step_info<T> step(std::initializer_list<param_tensor<T>> tensors, T lr) {
    return step(tensors.begin(), tensors.size(), lr);
  }

  /// One update with a step LR per group: as step(tensors, count, lr), with `lrs[g]` in place of
  /// `lr` for group g (so group g's LR, and its lr_max, follow `groups[g].lr_at(lrs[g])`).
  /// @throws lrs::invalid_argument unless `lrs` has one element per group, each >= 0 and finite,
  ///         and as step(tensors, count, lr) otherwise; nothing is changed then.
  step_info<T> step(const param_tensor<T>* tensors, std::size_t count, const group_lrs<T>& lrs) {
    require(training_, Derived::type_name, "mode", "train to step (call train(params) first)",
            "eval");
    check_group_lrs(Derived::type_name, lrs, groups_.size());
    return update(tensors, count, [&lrs](std::size_t g) { return lrs[g]; });
  }
  /// step(tensors.data(), tensors.size(), lrs).
  step_info<T> step(const std::vector<param_tensor<T>>& tensors, const group_lrs<T>& lrs) {
    return step(tensors.data(), tensors.size(), lrs);
  }
  /// step(tensors.begin(), tensors.size(), lrs).
  step_info<T> step(std::initializer_list<param_tensor<T>> tensors, const group_lrs<T>& lrs) {
    return step(tensors.begin(), tensors.size(), lrs);
  }

  /// Switches to eval mode: params = x, the averaged point to evaluate (and to ship) the model
  /// at. Tensors never stepped are left as they are. A no-op in eval mode.
  /// @throws lrs::invalid_argument if a size differs from the tensor's; nothing is changed then.
  void eval(Eigen::Ref<vector_t<T>> params) {
    const param_tensor<T> t(params.data(), params.data(), params.size(), 0);
    eval(&t, 1);
  }
  /// eval() of several tensors, given as for step (their gradients are not read).
  void eval(const param_tensor<T>* tensors, std::size_t count) { switch_to(false, tensors, count); }
  void eval(const std::vector<param_tensor<T>>& tensors) { eval(tensors.data(), tensors.size()); }
  void eval(std::initializer_list<param_tensor<T>> tensors) {
    eval(tensors.begin(), tensors.size());
  }

  /// Switches to train mode: params = y = beta * x + (1 - beta) * z, bit for bit what the last
  /// step left in them, so eval() then train() is an exact round trip. A no-op in train mode.
  /// @throws lrs::invalid_argument if a size differs from the tensor's; nothing is changed then.
  void train(Eigen::Ref<vector_t<T>> params) {
    const param_tensor<T> t(params.data(), params.data(), params.size(), 0);
    train(&t, 1);
  }
  void train(const param_tensor<T>* tensors, std::size_t count) { switch_to(true, tensors, count); }
  void train(const std::vector<param_tensor<T>>& tensors) { train(tensors.data(), tensors.size()); }
  void train(std::initializer_list<param_tensor<T>> tensors) {
    train(tensors.begin(), tensors.size());
  }

  /// true in train mode (the initial mode: params hold y), false in eval mode (params hold x).
  bool training() const noexcept { return training_; }

  /// Adds a parameter group and returns its index. Group 0 always exists (lr_scale 1, the
  /// optimizer's weight_decay). A new group starts its own update count and average. See
  /// param_group for the LR its tensors get.
  /// @throws lrs::invalid_argument if lr_scale, weight_decay or lr is negative or not finite, or
  ///         lr is set with lr_scale != 1.
  std::size_t add_group(const param_group<T>& g) {
    validate_group(Derived::type_name, g);
    groups_.push_back(g);
    gstates_.emplace_back();
    next_.emplace_back();
    next_lr_.push_back(0.0);
    next_c_.push_back(0.0);
    return groups_.size() - 1;
  }
  /// @pre i < group_count()
  const param_group<T>& group(std::size_t i) const { return groups_.at(i); }
  std::size_t group_count() const noexcept { return groups_.size(); }
  /// Updates done so far by group i (the authors' group['k']).
  /// @pre i < group_count()
  std::int64_t step_count(std::size_t group = 0) const { return gstates_.at(group).k; }
  /// The largest LR group i has seen (param_group::lr_at of the step's lr), -1 before its first
  /// update.
  /// @pre i < group_count()
  double lr_max(std::size_t group = 0) const { return gstates_.at(group).lr_max; }
  /// Sum of the averaging weights of group i so far.
  /// @pre i < group_count()
  double weight_sum(std::size_t group = 0) const { return gstates_.at(group).weight_sum; }
  /// Number of tensors with state.
  std::size_t tensor_count() const noexcept { return states_.size(); }
  /// z of tensor i (the base SGD / Adam sequence); empty before its first step.
  /// @pre i < tensor_count()
  const vector_t<T>& z(std::size_t tensor) const { return states_.at(tensor).buf[0]; }
  /// x of tensor i (the weighted average, the point to evaluate at); empty before its first step.
  /// @pre i < tensor_count()
  const vector_t<T>& x(std::size_t tensor) const { return states_.at(tensor).buf[1]; }
  /// State buffer b of tensor i: 0 z, 1 x, 2 exp_avg_sq, 3 exp_avg (AdamW; empty if absent).
  /// @pre i < tensor_count(), b in [0, 4)
  const vector_t<T>& buffer(std::size_t tensor, int b) const { return states_.at(tensor).buf[b]; }

  /// The whole mutable state (mode, per-group k / lr_max / weight_sum, per-tensor z, x and
  /// moments) in the lrs state format (docs/state.md): kind = the optimizer's name, the scalar
  /// type, the hyper-parameters (options and parameter groups) and the payload. The parameters
  /// themselves (y in train mode, x in eval mode) are the caller's to save.
  [[nodiscard]] std::vector<unsigned char> state() const {
    const auto& self = static_cast<const Derived&>(*this);
    state_writer w(Derived::type_name, state_scalar_of<T>(), optim_state_version);
    self.visit_hyper(w);
    visit_groups(w, groups_);
    w.boolean(training_);
    w.u64(gstates_.size());
    for (const auto& g : gstates_) w.i64(g.k).f64(g.lr_max).f64(g.weight_sum);
    w.u64(states_.size());
    for (const auto& s : states_) {
      w.i64(static_cast<std::int64_t>(s.size));
      w.i64(group_to_i64(s.group));
      for (const auto& b : s.buf) w.reals(b.data(), static_cast<std::size_t>(b.size()));
    }
    return w.finish();
  }

  /// Restores a state() of the same optimizer and scalar type, built with the same options and
  /// parameter groups, including the mode. All or nothing: every field is parsed and checked
  /// before anything changes.
  /// @throws lrs::state_error (an lrs::invalid_argument) if the bytes are truncated, corrupt,
  ///         from another optimizer or scalar type, from other hyper-parameters or groups, or
  ///         hold an out-of-range field; the message says which. The optimizer is unchanged then.
  void load_state(const std::vector<unsigned char>& bytes) {
    const auto& self = static_cast<const Derived&>(*this);
    constexpr std::int64_t max_i64 = std::numeric_limits<std::int64_t>::max();
    state_reader r(bytes, Derived::type_name, state_scalar_of<T>(), optim_state_version);
    self.visit_hyper(r);
    visit_groups(r, groups_);
    const bool training = r.boolean("mode");
    const std::size_t ng = r.count("group state count", 24);
    if (ng != groups_.size())
      r.fail_field("group state count", std::to_string(ng),
                   "the number of groups " + std::to_string(groups_.size()));
    std::vector<sf_group_state> gs(ng);
    for (std::size_t i = 0; i < ng; ++i) {
      const std::string g = "group " + std::to_string(i);
      gs[i].k = r.i64(g + " k", 0, max_i64 - 1);
      gs[i].lr_max = r.f64(g + " lr_max");
      gs[i].weight_sum = r.f64(g + " weight_sum");
      if (!(gs[i].lr_max == -1.0 || (gs[i].lr_max >= 0.0 && std::isfinite(gs[i].lr_max))))
        r.fail_field(g + " lr_max", format_value(gs[i].lr_max), "-1 or >= 0 and finite");
      if (!(gs[i].weight_sum >= 0.0 && std::isfinite(gs[i].weight_sum)))
        r.fail_field(g + " weight_sum", format_value(gs[i].weight_sum), ">= 0 and finite");
      if (gs[i].k == 0 && (gs[i].lr_max != -1.0 || gs[i].weight_sum != 0.0))
        r.fail(g + " has lr_max or weight_sum but no update");
    }
    const bool has_groups = r.kind_version() >= 2;
    const std::size_t nt = r.count("tensor count", (has_groups ? 16 : 8) + 4 * 8);
    std::vector<sf_tensor_state<T>> ts(nt);
    for (std::size_t i = 0; i < nt; ++i) {
      auto& s = ts[i];
      const std::string tensor = "tensor " + std::to_string(i);
      s.size = static_cast<Eigen::Index>(r.i64(tensor + " size", -1, max_i64));
      if (has_groups) {
        s.group = read_tensor_group(r, tensor, groups_.size());
        if (s.size < 0 && s.group != group_unknown)
          r.fail(tensor + " was never stepped (size -1) but has group " + std::to_string(s.group));
      }
      for (int b = 0; b < 4; ++b) {
        const std::string what = tensor + " buffer " + std::to_string(b);
        const std::size_t n = r.count(what, sizeof(T));
        const bool want = s.size >= 0 && b < self.buffer_count();
        const std::int64_t expect = want ? std::int64_t(s.size) : 0;
        if (static_cast<std::int64_t>(n) != expect)
          r.fail_field(what + " size", std::to_string(n), std::to_string(expect));
        s.buf[b].resize(static_cast<Eigen::Index>(n));
        r.reals_into(what, s.buf[b].data(), n);
      }
    }
    r.finish();
    states_ = std::move(ts);
    gstates_ = std::move(gs);
    training_ = training;
  }

  /// Forgets all state: per-tensor buffers, group counts and averages; back to train mode.
  void reset() {
    states_.clear();
    for (auto& g : gstates_) g = sf_group_state{};
    training_ = true;
  }

 protected:
  schedule_free_base()
      : groups_(1, param_group<T>{}), gstates_(1), next_(1), next_lr_(1), next_c_(1) {}

  /// The first step of a tensor: z = x = params and the moments 0 over [begin, end).
  static void first_touch_range(const param_tensor<T>& t, sf_tensor_state<T>& s, Eigen::Index begin,
                                Eigen::Index end, int buffers) {
    const Eigen::Index n = end - begin;
    const Eigen::Map<const vector_t<T>> p(t.params() + begin, n);
    s.buf[0].segment(begin, n) = p;
    s.buf[1].segment(begin, n) = p;
    for (int b = 2; b < buffers; ++b) s.buf[b].segment(begin, n).setZero();
  }

  void switch_to(bool train, const param_tensor<T>* tensors, std::size_t count) {
    require(count >= states_.size(), Derived::type_name,
            train ? "tensor count of train()" : "tensor count of eval()",
            ">= the number of tensors stepped (" + std::to_string(states_.size()) + ")", count);
    for (std::size_t i = 0; i < count && i < states_.size(); ++i)
      // Sizes only: the groups are not used here, and eval({{w, w}}) is a documented form.
      check_same_tensor(Derived::type_name, i, tensors[i], states_[i].size, group_unknown);
    if (training_ == train) return;
    const double beta = double(static_cast<const Derived&>(*this).average_beta());
    const T b = static_cast<T>(beta), omb = static_cast<T>(1.0 - beta);
    this->run_pass(tensors, count, [this, tensors, train, b, omb](const step_piece& p) {
      if (p.tensor >= states_.size() || states_[p.tensor].size < 0) return;
      const auto& s = states_[p.tensor];
      double l2 = 0, l1 = 0;
      with_bool(train, [&](auto train_c) {
        const sf_switch_kernel<T, decltype(train_c)::value> k{tensors[p.tensor].params() + p.begin,
                                                              s.buf[0].data() + p.begin,
                                                              s.buf[1].data() + p.begin, b, omb};
        fused_loop<T>(p.end - p.begin, k, l2, l1);
      });
    });
    training_ = train;
  }

  std::vector<sf_tensor_state<T>> states_;
  std::vector<param_group<T>> groups_;
  std::vector<sf_group_state> gstates_;
  bool training_ = true;

 private:
  /// The checked update: group g follows `groups_[g].lr_at(step_lr(g))`.
  template <class StepLr>
  step_info<T> update(const param_tensor<T>* tensors, std::size_t count, const StepLr& step_lr) {
    auto& self = static_cast<Derived&>(*this);
    // Messages are built only on failure (check_tensors in common.hpp does the same).
    for (std::size_t i = 0; i < count; ++i) {
      const auto& t = tensors[i];
      if (t.group() >= groups_.size())
        throw_invalid(Derived::type_name, "group of tensor " + std::to_string(i),
                      "< the number of groups " + std::to_string(groups_.size()), t.group());
      if (i < states_.size())
        check_same_tensor(Derived::type_name, i, t, states_[i].size, states_[i].group);
    }
    // The group scalars of this update, in double as the reference computes them in Python, into
    // next_ (sized with the groups: no allocation); gstates_ changes only once nothing can throw.
    const std::size_t ng = groups_.size();
    for (std::size_t gi = 0; gi < ng; ++gi) {
      auto& gs = next_[gi];
      gs = gstates_[gi];
      if (gs.k == std::numeric_limits<std::int64_t>::max())
        throw_invalid(Derived::type_name, "update count of group " + std::to_string(gi),
                      "< 2^63 - 1", gs.k);
      const double lr_g = groups_[gi].lr ? double(*groups_[gi].lr)
                                         : double(step_lr(gi)) * double(groups_[gi].lr_scale);
      gs.lr_max = lr_g > gs.lr_max ? lr_g : gs.lr_max;
      const double weight = std::pow(double(gs.k + 1), double(self.r())) *
                            std::pow(gs.lr_max, double(self.weight_lr_power()));
      gs.weight_sum += weight;
      if (!(std::isfinite(weight) && std::isfinite(gs.weight_sum)))
        throw_invalid(
            Derived::type_name,
            "averaging weight (k+1)^r * lr_max^weight_lr_power of group " + std::to_string(gi),
            "finite (lower r or weight_lr_power)", weight);
      next_lr_[gi] = lr_g;
      next_c_[gi] = gs.weight_sum > 0.0 ? weight / gs.weight_sum : 0.0;
      ++gs.k;
    }
    return this->run_step(
        tensors, count, self.max_grad_norm(),
        [&](T clip) {
          self.reserve_prepared(ng);
          for (std::size_t gi = 0; gi < ng; ++gi) {
            const auto& g = groups_[gi];
            const T wd = g.weight_decay.value_or(self.default_weight_decay());
            self.prepare(gi, gstates_[gi].k, next_lr_[gi], next_c_[gi], double(wd), clip);
            gstates_[gi] = next_[gi];
          }
          if (states_.size() < count) states_.resize(count);
          if (fresh_.size() < count) fresh_.resize(count);
          for (std::size_t i = 0; i < count; ++i) {
            auto& s = states_[i];
            s.group = tensors[i].group();
            fresh_[i] = s.size < 0;
            if (s.size >= 0) continue;
            // z and x start at the params and the moments at 0, written range by range on the
            // pool (first_touch_range) rather than here.
            s.size = tensors[i].size();
            for (int b = 0; b < self.buffer_count(); ++b) s.buf[b].resize(s.size);
          }
        },
        [this, &self, tensors](const step_piece& p, double& a, double& b) {
          const auto& t = tensors[p.tensor];
          auto& s = states_[p.tensor];
          if (fresh_[p.tensor] != 0) first_touch_range(t, s, p.begin, p.end, self.buffer_count());
          static_cast<const Derived&>(self).update_range(t, s, t.group(), p.begin, p.end, a, b);
        });
  }

  // Scratch of a step, sized with the groups / tensors (never allocated per step): the groups'
  // state after this update, their lr and averaging coefficient c, and which tensors take their
  // first step.
  std::vector<sf_group_state> next_;
  std::vector<double> next_lr_, next_c_;
  std::vector<unsigned char> fresh_;
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
  T max_grad_norm() const noexcept { return opt_.max_grad_norm; }
  T default_weight_decay() const noexcept { return opt_.weight_decay; }
  T average_beta() const noexcept { return opt_.momentum; }
  T r() const noexcept { return opt_.r; }
  T weight_lr_power() const noexcept { return opt_.weight_lr_power; }
  int buffer_count() const noexcept { return 2; }

  // This step's kernel scalars of one group (prepare), read by update_range on any thread.
  struct prepared {
    T scale, wd, neg_lr, one_minus_c, c;
  };
  void reserve_prepared(std::size_t groups) {
    if (prep_.size() < groups) prep_.resize(groups);
  }
  void prepare(std::size_t gi, std::int64_t /*k*/, double lr, double c, double wd, T clip) {
    prep_[gi] = {clip, static_cast<T>(wd), static_cast<T>(-lr), static_cast<T>(1.0 - c),
                 static_cast<T>(c)};
  }

  void update_range(const param_tensor<T>& t, detail::sf_tensor_state<T>& s, std::size_t gi,
                    Eigen::Index begin, Eigen::Index end, double& l2, double& l1) const {
    const prepared& q = prep_[gi];
    const double beta = double(opt_.momentum);
    detail::with_bool(q.wd != T(0), [&](auto wd_on) {
      const detail::sgd_sf_kernel<T, decltype(wd_on)::value> k{t.params() + begin,
                                                               t.grads() + begin,
                                                               s.buf[0].data() + begin,
                                                               s.buf[1].data() + begin,
                                                               q.scale,
                                                               q.wd,
                                                               q.neg_lr,
                                                               q.one_minus_c,
                                                               q.c,
                                                               opt_.momentum,
                                                               static_cast<T>(1.0 - beta)};
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
  std::vector<prepared> prep_;
};

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
  T max_grad_norm() const noexcept { return opt_.max_grad_norm; }
  T default_weight_decay() const noexcept { return opt_.weight_decay; }
  T average_beta() const noexcept { return opt_.beta1; }
  T r() const noexcept { return opt_.r; }
  T weight_lr_power() const noexcept { return opt_.weight_lr_power; }
  int buffer_count() const noexcept { return opt_.inner_momentum != T(0) ? 4 : 3; }

  // This step's kernel scalars of one group (prepare), read by update_range on any thread.
  struct prepared {
    T scale, neg_lr_wd, bc2, bc1, neg_lr, one_minus_c, c;
    bool wd_on;
  };
  void reserve_prepared(std::size_t groups) {
    if (prep_.size() < groups) prep_.resize(groups);
  }
  void prepare(std::size_t gi, std::int64_t k, double lr, double c, double wd, T clip) {
    const double b2 = double(opt_.beta2), im = double(opt_.inner_momentum);
    const double bc2 = 1.0 - std::pow(b2, double(k + 1));
    const double bc1 = im != 0.0 ? 1.0 - std::pow(im, double(k + 1)) : 1.0;
    prep_[gi] = {clip,
                 static_cast<T>(-(lr * wd)),
                 static_cast<T>(bc2),
                 static_cast<T>(bc1),
                 static_cast<T>(-lr),
                 static_cast<T>(1.0 - c),
                 static_cast<T>(c),
                 wd != 0.0};
  }

  void update_range(const param_tensor<T>& t, detail::sf_tensor_state<T>& s, std::size_t gi,
                    Eigen::Index begin, Eigen::Index end, double& l2, double& l1) const {
    const prepared& q = prep_[gi];
    const double b1 = double(opt_.beta1), b2 = double(opt_.beta2);
    const double im = double(opt_.inner_momentum);
    T* m = im != 0.0 ? s.buf[3].data() + begin : nullptr;
    auto run = [&](auto wd_on, auto at_z, auto inner_on) {
      using K = detail::adamw_sf_kernel<T, decltype(wd_on)::value, decltype(at_z)::value,
                                        decltype(inner_on)::value>;
      const K kern{t.params() + begin,
                   t.grads() + begin,
                   s.buf[0].data() + begin,
                   s.buf[1].data() + begin,
                   s.buf[2].data() + begin,
                   m,
                   q.scale,
                   q.neg_lr_wd,
                   opt_.beta2,
                   static_cast<T>(1.0 - b2),
                   q.bc2,
                   opt_.eps,
                   opt_.inner_momentum,
                   static_cast<T>(1.0 - im),
                   q.bc1,
                   q.neg_lr,
                   q.one_minus_c,
                   q.c,
                   opt_.beta1,
                   static_cast<T>(1.0 - b1)};
      detail::fused_loop<T>(end - begin, kern, l2, l1);
    };
    detail::with_bool(q.wd_on, [&](auto wd_on) {
      detail::with_bool(opt_.decay_at_z, [&](auto at_z) {
        detail::with_bool(im != 0.0, [&](auto inner_on) { run(wd_on, at_z, inner_on); });
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

#endif  // LRS_OPTIM_SCHEDULE_FREE_HPP
