// SPDX-License-Identifier: MIT
// The one step skeleton of the Eigen optimizers (CRTP): step overloads, parameter groups, checks,
// clipping, threads, per-tensor state and the state save/load framing; its policy interface.
#ifndef LRS_OPTIM_OPTIMIZER_BASE_HPP
#define LRS_OPTIM_OPTIMIZER_BASE_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include <lrs/core/error.hpp>
#include <lrs/core/state.hpp>
#include <lrs/core/thread_pool.hpp>
#include <lrs/optim/common.hpp>
#include <lrs/optim/norm_reduction.hpp>

namespace lrs {
namespace detail {

/// The threading every optimizer step shares (the base of optimizer_base): the
/// fixed cut of a step's tensors into chunks (step_plan), the pool the chunks run on, the
/// cross-rank norm reduction, and the skeleton of a step over them. `Derived` provides
/// `type_name` for error messages.
template <class Derived>
class threaded_steps {
 public:
  /// Runs the following steps on n threads (the caller and n - 1 workers of a pool this optimizer
  /// starts now and owns; copies of the optimizer share it). n = 1 (the default) runs on the
  /// caller and drops the pool. Results are bit-identical for every n.
  /// @throws lrs::invalid_argument if n is 0 or above 4096.
  void set_threads(std::size_t n) {
    require(n >= 1 && n <= 4096, Derived::type_name, "threads", "in [1, 4096]", n);
    if (n == 1) {
      owned_pool_.reset();
      pool_ = nullptr;
      return;
    }
    owned_pool_ = std::make_shared<thread_pool>(n);
    pool_ = owned_pool_.get();
  }
  /// Runs the following steps on a pool the caller owns (nullptr: on the calling thread alone).
  /// @pre the pool outlives every step of this optimizer that uses it.
  void set_thread_pool(thread_pool* pool) noexcept {
    owned_pool_.reset();
    pool_ = pool;
  }
  /// Threads a step runs on: the pool's size, or 1.
  std::size_t threads() const noexcept { return pool_ != nullptr ? pool_->size() : 1; }

  /// Sets the cross-rank reduction of the gradient-norm partial sums (norm_reduction.hpp), for
  /// sharded data-parallel steps; an empty function (the default) turns it off. While set, every
  /// step computes its norms exactly in a read pass before the update, even without clipping, so
  /// that the clip coefficient and step_info's norms are the same bits on every rank and in a
  /// one-process run with a no-op reduction. Not part of state().
  void set_norm_reduction(norm_reduction reduce) { reduce_ = std::move(reduce); }

 protected:
  /// The passes of one step over `count` tensors: the plan is matched to the tensors, the norm
  /// pass runs (clipping on, or a norm_reduction set; it may throw, nothing is changed yet), then
  /// `prepare(clip_scale)` on the calling thread (the one place a step changes the optimizer's
  /// scalars and allocates lazy buffers), then `range(piece, l2, l1)` over every piece of every
  /// chunk on the pool, each adding the norms of its gradients to l2 and l1.
  template <class T, class Prepare, class Range>
  step_info<T> run_step(const param_tensor<T>* tensors, std::size_t count, T max_norm,
                        Prepare&& prepare, const Range& range) {
    plan_.update(tensors, count);
    const clip_pass<T> clip =
        clip_prepass(tensors, count, plan_, pool_, max_norm, reduce_ ? &reduce_ : nullptr);
    prepare(clip.scale);
    double l2 = 0, l1 = 0;
    plan_.for_each_chunk(pool_, range, l2, l1);
    step_info<T> info;
    if (clip.done) {
      l2 = clip.l2;
      l1 = clip.l1;
    }
    info.grad_l2 = static_cast<T>(std::sqrt(l2));
    info.grad_l1 = static_cast<T>(l1);
    info.clip_scale = clip.scale;
    return info;
  }

  /// `fn(piece)` over every piece of these tensors, on the pool (a pass that reads no gradient).
  template <class T, class Fn>
  void run_pass(const param_tensor<T>* tensors, std::size_t count, const Fn& fn) {
    plan_.update(tensors, count);
    double unused2 = 0, unused1 = 0;
    plan_.for_each_chunk(
        pool_, [&fn](const step_piece& p, double&, double&) { fn(p); }, unused2, unused1);
  }

 private:
  step_plan plan_;
  std::shared_ptr<thread_pool> owned_pool_;
  thread_pool* pool_ = nullptr;
  norm_reduction reduce_;
};

// The optimizer skeleton and its policy interface.
//
// optimizer_base<Derived, T, Buffers, TensorSteps> is written once and used by every optimizer
// (sgd, adam, adamw, lion, and, through schedule_free_base, the two schedule-free ones). It owns
// the step overloads, the parameter groups, the checks of a step's inputs, clipping and threads
// (threaded_steps), the per-tensor state (tensor_state<T, Buffers>: step count, size, group,
// buffers) and the framing of state() / load_state(). An optimizer derives from it (CRTP),
// declares `friend` the base it derives from, and provides these hooks; the constructor checks
// each at compile time and names the one missing.
//
// Required:
//   static constexpr const char* type_name     its name in messages ("lrs::<name>: ...") and its
//                                              state kind.
//   const options_type& options() const         its options; the skeleton reads two fields:
//                                              max_grad_norm (> 0: clip the global gradient
//                                              norm; 0: off) and weight_decay (of the groups
//                                              that set none).
//   int buffers_for_first_step() const          buffers sized at a tensor's first step (their
//                                              elements are written by first_touch_range).
//   void prepare(i, tensor, state, lr, wd, clip_scale)
//       calling thread, once per tensor and step, after every check and the norm pass, before any
//       element is touched: counts the step, allocates lazy buffers, stores this step's scalars
//       of tensor i (lr and wd are the group's: param_group::lr_at and its weight decay). May
//       touch the optimizer and states_[i]; must not throw.
//   void update_range(i, tensor, state, begin, end, l2, l1) const
//       any thread of the pool, concurrently with other ranges: elements [begin, end) of tensor
//       i. Writes only those elements of the parameters and buffers, reads what prepare stored,
//       adds grad^2 and |grad| of the elements to l2 and l1.
//   template <class Sink> void visit_hyper(Sink&) const
//       its options as hyper-parameters, one list: written by state() (state_writer) and
//       compared by load_state() (state_reader).
//
// Optional (the skeleton's defaults do nothing unless stated):
//   void check_can_step() const                 first thing of every step; may throw.
//   template <class StepLr> void plan_step(const StepLr& step_lr)
//       calling thread, after the checks, before the norm pass; step_lr(g) is group g's step LR.
//       May throw; must leave the optimizer as it was if it does.
//   void prepare_step(count, clip_scale)        calling thread, once per step, before prepare.
//   void first_touch_range(tensor, state, begin, end)
//       the pool, before update_range of a tensor's first step: default, buffers 0 to
//       buffers_for_first_step() - 1 are set to 0 over [begin, end).
//   void group_added()                          after add_group appended a group.
//   int exact_buffers() const                   < 0 (default): a loaded buffer is empty or of
//       the tensor's size; n >= 0: buffers below n are the size of a stepped tensor, others empty.
//   write_extra(state_writer&) const, read_extra(state_reader&) const -> E, commit_extra(const E&)
//       state beyond the tensors (momentum, mode, ...): written before them; read, checked, and
//       committed only once all of the bytes were accepted.
//   void check_loaded(const state_reader&, i, const state_type&) const
//       checks loaded tensor i against the options (calls r.fail to refuse).
//   void reset_extra()                          what reset() forgets beyond the tensors.

/// The step skeleton of every optimizer (see the policy interface above).
/// @tparam Derived the optimizer (CRTP).
/// @tparam T float or double.
/// @tparam Buffers state buffers per tensor.
/// @tparam TensorSteps whether the state counts steps per tensor (false: the optimizer counts
///         them per group, as the schedule-free ones do).
template <class Derived, class T, int Buffers = 3, bool TensorSteps = true>
class optimizer_base : public threaded_steps<Derived> {
  static_assert(std::is_floating_point_v<T>, "lrs optimizers need a floating-point scalar type");

 public:
  using scalar_type = T;
  /// The per-tensor state.
  using state_type = tensor_state<T, Buffers>;

  /// One update of a single tensor (tensor 0, group 0).
  /// @param params parameters, updated in place (a Vector, a Map over user memory, a contiguous
  ///        block).
  /// @param grads gradient of the loss with respect to params, same size.
  /// @param lr learning rate of this update, e.g. `schedule(t)`.
  /// @throws lrs::invalid_argument if sizes differ, if the size differs from the first step, if
  ///         lr is negative or not finite, or (schedule-free optimizers) in eval mode; nothing is
  ///         changed then.
  step_info<T> step(Eigen::Ref<vector_t<T>> params, const Eigen::Ref<const vector_t<T>>& grads,
                    T lr) {
    require(grads.size() == params.size(), Derived::type_name, "grads size",
            "equal to params size " + std::to_string(params.size()), grads.size());
    const param_tensor<T> t(params.data(), grads.data(), params.size(), 0);
    return step(&t, 1, lr);
  }

  /// One update of several tensors at once. Tensor i keeps its own state across steps: pass
  /// the tensors in the same order every step (a tensor whose size or group differs from its
  /// first step is refused). Tensor i gets the LR `groups[tensors[i].group()].lr_at(lr)` (see
  /// param_group). Clipping uses the global norm over all of them.
  /// @param tensors, count the tensors of this step.
  /// @param lr the step's LR, e.g. `schedule(t)`; >= 0 and finite.
  /// @throws lrs::invalid_argument on a bad lr, group index, or a size or group other than at the
  ///         tensor's first step, in eval mode (schedule-free optimizers), or if a schedule-free
  ///         group's averaging weight overflows; nothing is changed then.
  step_info<T> step(const param_tensor<T>* tensors, std::size_t count, T lr) {
    derived().check_can_step();
    check_tensors(Derived::type_name, tensors, count, states_, groups_.size(), lr);
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

  /// One update with a step LR per group (groups following schedules of their own): as
  /// step(tensors, count, lr), with `lrs[g]` in place of `lr` for group g, so tensor i gets
  /// `groups[g].lr_at(lrs[g])`, g = tensors[i].group().
  /// @throws lrs::invalid_argument unless `lrs` has one element per group, each >= 0 and finite,
  ///         and as step(tensors, count, lr) otherwise; nothing is changed then.
  step_info<T> step(const param_tensor<T>* tensors, std::size_t count, const group_lrs<T>& lrs) {
    derived().check_can_step();
    check_group_lrs(Derived::type_name, lrs, groups_.size());
    check_tensors(Derived::type_name, tensors, count, states_, groups_.size());
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

  /// Adds a parameter group and returns its index. Group 0 always exists (lr_scale 1, the
  /// optimizer's weight_decay). See param_group for the LR its tensors get.
  /// @throws lrs::invalid_argument if lr_scale, weight_decay or lr is negative or not finite, or
  ///         lr is set with lr_scale != 1.
  std::size_t add_group(const param_group<T>& g) {
    validate_group(Derived::type_name, g);
    groups_.push_back(g);
    derived().group_added();
    return groups_.size() - 1;
  }
  /// Group i.
  /// @pre i < group_count()
  const param_group<T>& group(std::size_t i) const { return groups_.at(i); }
  /// Number of groups (>= 1).
  std::size_t group_count() const noexcept { return groups_.size(); }

  /// Updates done so far on tensor i (PyTorch's state['step']); 0 before the first.
  std::int64_t step_count(std::size_t tensor = 0) const noexcept {
    return tensor < states_.size() ? states_[tensor].step : 0;
  }
  /// Number of tensors with state.
  std::size_t tensor_count() const noexcept { return states_.size(); }
  /// Read-only view of state buffer b of tensor i (empty if absent; each optimizer names its
  /// buffers). The buffers are allocated once, at the first step that uses them; their data
  /// pointers stay fixed afterwards.
  /// @pre i < tensor_count(), b in [0, Buffers)
  const vector_t<T>& buffer(std::size_t tensor, int b) const { return states_.at(tensor).buf[b]; }

  /// The whole mutable state (step counts, buffers, and what the optimizer adds: momentum, beta1,
  /// mode, ...) in the lrs state format (docs/state.md): kind = the optimizer's name, the scalar
  /// type, the hyper-parameters (options and parameter groups) and the payload.
  [[nodiscard]] std::vector<unsigned char> state() const {
    const Derived& self = derived();
    state_writer w(Derived::type_name, state_scalar_of<T>(), optim_state_version);
    self.visit_hyper(w);
    visit_groups(w, groups_);
    self.write_extra(w);
    write_tensor_states<TensorSteps>(w, states_);
    return w.finish();
  }

  /// Restores a state() of the same optimizer type and scalar type, built with the same options
  /// and parameter groups (what the optimizer changes while it runs, e.g. momentum or beta1, is
  /// state: restored, not compared). All or nothing: every field is parsed and checked before
  /// anything changes.
  /// @throws lrs::state_error (an lrs::invalid_argument) if the bytes are truncated, corrupt,
  ///         from another optimizer or scalar type, from other hyper-parameters or groups, or hold
  ///         an out-of-range field; the message says which. The optimizer is unchanged then.
  void load_state(const std::vector<unsigned char>& bytes) {
    Derived& self = derived();
    state_reader r(bytes, Derived::type_name, state_scalar_of<T>(), optim_state_version);
    self.visit_hyper(r);
    visit_groups(r, groups_);
    auto extra = self.read_extra(r);
    auto states =
        read_tensor_states<TensorSteps, T, Buffers>(r, groups_.size(), self.exact_buffers());
    r.finish();
    for (std::size_t i = 0; i < states.size(); ++i) self.check_loaded(r, i, states[i]);
    states_ = std::move(states);
    self.commit_extra(extra);
  }

  /// Forgets all per-tensor state (the next step is a first step again), and what the optimizer
  /// keeps besides (see its reset_extra).
  void reset() {
    states_.clear();
    derived().reset_extra();
  }

 protected:
  optimizer_base() : groups_(1, param_group<T>{}) {
    static_assert(has_type_name<Derived>::value,
                  "lrs optimizer: the class lacks `static constexpr const char* type_name` (its "
                  "name in messages and its state kind)");
    static_assert(has_options<Derived>::value,
                  "lrs optimizer: the class lacks the hook `const options_type& options() const` "
                  "(options with the fields max_grad_norm and weight_decay)");
    static_assert(has_buffers_for_first_step<Derived>::value,
                  "lrs optimizer: the class lacks the hook `int buffers_for_first_step() const`");
    static_assert(has_prepare<Derived>::value,
                  "lrs optimizer: the class lacks the hook `void prepare(std::size_t i, const "
                  "param_tensor<T>&, state_type&, T lr, T wd, T clip_scale)`");
    static_assert(has_update_range<Derived>::value,
                  "lrs optimizer: the class lacks the hook `void update_range(std::size_t i, const "
                  "param_tensor<T>&, state_type&, Eigen::Index begin, Eigen::Index end, double& "
                  "l2, double& l1) const`");
    static_assert(has_visit_hyper<Derived>::value,
                  "lrs optimizer: the class lacks the hook `template <class Sink> void "
                  "visit_hyper(Sink&) const` (its options for state() and load_state())");
  }

  // The optional hooks' defaults (a Derived's own hook of the same name hides them).
  void check_can_step() const noexcept {}
  template <class StepLr>
  void plan_step(const StepLr&) noexcept {}
  void prepare_step(std::size_t, T) noexcept {}
  void first_touch_range(const param_tensor<T>&, state_type& s, Eigen::Index begin,
                         Eigen::Index end) const {
    for (int b = 0; b < derived().buffers_for_first_step(); ++b)
      s.buf[b].segment(begin, end - begin).setZero();
  }
  void group_added() noexcept {}
  int exact_buffers() const noexcept { return -1; }
  struct no_extra {};
  void write_extra(state_writer&) const noexcept {}
  no_extra read_extra(state_reader&) const noexcept { return {}; }
  void commit_extra(const no_extra&) noexcept {}
  void check_loaded(const state_reader&, std::size_t, const state_type&) const noexcept {}
  void reset_extra() noexcept {}

  std::vector<state_type> states_;
  std::vector<param_group<T>> groups_;

 private:
  Derived& derived() noexcept { return static_cast<Derived&>(*this); }
  const Derived& derived() const noexcept { return static_cast<const Derived&>(*this); }

  // The hook traits (members, so that a Derived's private hooks, visible to its friend base, are
  // found).
  template <class D, class = void>
  struct has_type_name : std::false_type {};
  template <class D>
  struct has_type_name<D, std::void_t<decltype(static_cast<const char*>(D::type_name))>>
      : std::true_type {};
  template <class D, class = void>
  struct has_options : std::false_type {};
  template <class D>
  struct has_options<D, std::void_t<decltype(T(std::declval<const D&>().options().max_grad_norm)),
                                    decltype(T(std::declval<const D&>().options().weight_decay))>>
      : std::true_type {};
  template <class D, class = void>
  struct has_buffers_for_first_step : std::false_type {};
  template <class D>
  struct has_buffers_for_first_step<
      D, std::void_t<decltype(int(std::declval<const D&>().buffers_for_first_step()))>>
      : std::true_type {};
  template <class D, class = void>
  struct has_prepare : std::false_type {};
  template <class D>
  struct has_prepare<D, std::void_t<decltype(std::declval<D&>().prepare(
                            std::size_t(), std::declval<const param_tensor<T>&>(),
                            std::declval<state_type&>(), T(), T(), T()))>> : std::true_type {};
  template <class D, class = void>
  struct has_update_range : std::false_type {};
  template <class D>
  struct has_update_range<
      D, std::void_t<decltype(std::declval<const D&>().update_range(
             std::size_t(), std::declval<const param_tensor<T>&>(), std::declval<state_type&>(),
             Eigen::Index(), Eigen::Index(), std::declval<double&>(), std::declval<double&>()))>>
      : std::true_type {};
  template <class D, class = void>
  struct has_visit_hyper : std::false_type {};
  template <class D>
  struct has_visit_hyper<
      D, std::void_t<decltype(std::declval<const D&>().visit_hyper(std::declval<state_writer&>())),
                     decltype(std::declval<const D&>().visit_hyper(std::declval<state_reader&>()))>>
      : std::true_type {};

  /// The checked update: tensor i gets `groups_[g].lr_at(step_lr(g))`, g its group.
  template <class StepLr>
  step_info<T> update(const param_tensor<T>* tensors, std::size_t count, const StepLr& step_lr) {
    Derived& self = derived();
    self.plan_step(step_lr);
    return this->run_step(
        tensors, count, T(self.options().max_grad_norm),
        [&](T clip) {
          if (states_.size() < count) states_.resize(count);
          if (fresh_.size() < count) fresh_.resize(count);
          self.prepare_step(count, clip);
          for (std::size_t i = 0; i < count; ++i) {
            const auto& t = tensors[i];
            auto& s = states_[i];
            s.group = t.group();
            fresh_[i] = s.size < 0;
            if (s.size < 0) {
              // Sized here, written range by range on the pool (first_touch_range).
              s.size = t.size();
              for (int b = 0; b < self.buffers_for_first_step(); ++b) s.buf[b].resize(t.size());
            }
            const auto& g = groups_[t.group()];
            const T wd = g.weight_decay.value_or(T(self.options().weight_decay));
            self.prepare(i, t, s, g.lr_at(step_lr(t.group())), wd, clip);
          }
        },
        [this, &self, tensors](const step_piece& p, double& a, double& b) {
          const auto& t = tensors[p.tensor];
          auto& s = states_[p.tensor];
          const Derived& cself = self;
          if (fresh_[p.tensor] != 0) cself.first_touch_range(t, s, p.begin, p.end);
          cself.update_range(p.tensor, t, s, p.begin, p.end, a, b);
        });
  }

  // Which tensors take their first step (scratch of a step, sized with the tensors).
  std::vector<unsigned char> fresh_;
};

/// Calls f with std::integral_constant<bool, b>, so a run-time flag picks a compiled kernel.
template <class F>
void with_bool(bool b, F&& f) {
  if (b)
    f(std::true_type{});
  else
    f(std::false_type{});
}

}  // namespace detail
}  // namespace lrs

#endif  // LRS_OPTIM_OPTIMIZER_BASE_HPP
