// SPDX-License-Identifier: MIT
// CRTP base of the Eigen optimizers: step overloads, parameter groups, clipping, state save/load.
#ifndef LRS_OPTIM_OPTIMIZER_BASE_HPP
#define LRS_OPTIM_OPTIMIZER_BASE_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
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

/// The threading every optimizer step shares (optimizer_base and the schedule-free base): the
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

/// Everything sgd, adam and adamw share (the threading comes from threaded_steps). `Derived`
/// provides `type_name`, `max_grad_norm()`, `default_weight_decay()`, `buffers_for_first_step()`,
/// the two halves of an update, `visit_hyper` (its options, written and checked from one list), and
/// `write_extra` / `read_extra` / `check_loaded` / `commit_extra` for its own state. The update
/// halves are
/// - `prepare(i, tensor, state, lr, weight_decay, grad_scale)`: on the calling thread, once per
///   tensor and step, before any element is touched: counts the step, allocates lazy buffers and
///   stores the tensor's scalars of this step;
/// - `update_range(i, tensor, state, begin, end, l2, l1) const`: elements [begin, end) of tensor i,
///   on any thread of the pool, concurrently with other ranges; writes only those elements of the
///   parameters and buffers, adds grad^2 and |grad| of them to l2 and l1.
template <class Derived, class T>
class optimizer_base : public threaded_steps<Derived> {
  static_assert(std::is_floating_point_v<T>, "lrs optimizers need a floating-point scalar type");

 public:
  using scalar_type = T;

  /// One update of a single tensor (tensor 0, group 0).
  /// @param params parameters, updated in place (a Vector, a Map over user memory, a contiguous
  ///        block).
  /// @param grads gradient of the loss with respect to params, same size.
  /// @param lr learning rate of this update, e.g. `schedule(t)`.
  /// @throws lrs::invalid_argument if sizes differ, if the size differs from the first step, or
  ///         if lr is negative or not finite; nothing is changed then.
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
  ///         tensor's first step; nothing is changed then.
  step_info<T> step(const param_tensor<T>* tensors, std::size_t count, T lr) {
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
    check_group_lrs(Derived::type_name, lrs, groups_.size());
    // lr 0 passes the check of the one lr; every element of lrs was checked above.
    check_tensors(Derived::type_name, tensors, count, states_, groups_.size(), T(0));
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
  /// Read-only view of state buffer b of tensor i (empty if absent). The buffers are allocated
  /// once, at the first step that uses them; their data pointers stay fixed afterwards.
  const vector_t<T>& buffer(std::size_t tensor, int b) const { return states_.at(tensor).buf[b]; }

  /// The whole mutable state (step counts, buffers, current momentum or beta1) in the lrs state
  /// format (docs/state.md): kind = the optimizer's name ("sgd", "adam", "adamw"), the scalar
  /// type, the hyper-parameters (options and parameter groups) and the payload.
  [[nodiscard]] std::vector<unsigned char> state() const {
    const auto& self = static_cast<const Derived&>(*this);
    state_writer w(Derived::type_name, state_scalar_of<T>(), optim_state_version);
    self.visit_hyper(w);
    visit_groups(w, groups_);
    self.write_extra(w);
    write_tensor_states(w, states_);
    return w.finish();
  }

  /// Restores a state() of the same optimizer type and scalar type, built with the same options
  /// and parameter groups (momentum / beta1 are state: they are restored, not compared).
  /// All or nothing: every field is parsed and checked before anything changes.
  /// @throws lrs::state_error (an lrs::invalid_argument) if the bytes are truncated, corrupt,
  ///         from another optimizer or scalar type, from other hyper-parameters or groups, or hold
  ///         an out-of-range field; the message says which. The optimizer is unchanged then.
  void load_state(const std::vector<unsigned char>& bytes) {
    auto& self = static_cast<Derived&>(*this);
    state_reader r(bytes, Derived::type_name, state_scalar_of<T>(), optim_state_version);
    self.visit_hyper(r);
    visit_groups(r, groups_);
    auto extra = self.read_extra(r);
    auto states = read_tensor_states<T>(r, groups_.size());
    r.finish();
    for (std::size_t i = 0; i < states.size(); ++i) self.check_loaded(r, i, states[i]);
    states_ = std::move(states);
    self.commit_extra(extra);
  }

  /// Forgets all per-tensor state (the next step is a first step again).
  void reset() { states_.clear(); }

 protected:
  optimizer_base() : groups_(1, param_group<T>{}) {}

  std::vector<tensor_state<T>> states_;
  std::vector<param_group<T>> groups_;

 private:
  /// The checked update: tensor i gets `groups_[g].lr_at(step_lr(g))`, g its group.
  template <class StepLr>
  step_info<T> update(const param_tensor<T>* tensors, std::size_t count, const StepLr& step_lr) {
    auto& self = static_cast<Derived&>(*this);
    return this->run_step(
        tensors, count, self.max_grad_norm(),
        [&](T clip) {
          if (states_.size() < count) states_.resize(count);
          self.reserve_prepared(count);
          for (std::size_t i = 0; i < count; ++i) {
            const auto& t = tensors[i];
            auto& s = states_[i];
            s.group = t.group();
            if (s.size < 0) {
              s.size = t.size();
              for (int b = 0; b < self.buffers_for_first_step(); ++b) s.buf[b].setZero(t.size());
            }
            const auto& g = groups_[t.group()];
            const T wd = g.weight_decay.value_or(self.default_weight_decay());
            self.prepare(i, t, s, g.lr_at(step_lr(t.group())), wd, clip);
          }
        },
        [this, &self, tensors](const step_piece& p, double& a, double& b) {
          static_cast<const Derived&>(self).update_range(p.tensor, tensors[p.tensor],
                                                         states_[p.tensor], p.begin, p.end, a, b);
        });
  }
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
