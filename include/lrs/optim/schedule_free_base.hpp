// SPDX-License-Identifier: MIT
// What the schedule-free optimizers add to the step skeleton: train / eval modes, and per group
// the update count, lr_max and averaging weights (Defazio et al., "The Road Less Scheduled").
#ifndef LRS_OPTIM_SCHEDULE_FREE_BASE_HPP
#define LRS_OPTIM_SCHEDULE_FREE_BASE_HPP

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
namespace detail {

/// Per parameter group: updates done (k), the largest LR seen (-1 before the first) and the sum
/// of the averaging weights.
struct sf_group_state {
  std::int64_t k = 0;
  double lr_max = -1.0;
  double weight_sum = 0.0;
};

/// The y = beta * x + (1 - beta) * z line, shared by the step and train() so that a round trip
/// eval() -> train() gives back the very bits the step wrote.
template <class P>
inline P sf_y(const P& x, const P& z, const P& beta, const P& one_minus_beta) {
  namespace ei = Eigen::internal;
  return ei::padd(ei::pmul(x, beta), ei::pmul(z, one_minus_beta));
}

/// The end of both schedule-free kernels, given the new z at element i: x = (1 - c) * x + c * z,
/// then stores z, x and y = beta * x + (1 - beta) * z (the scalars `s` name one_minus_c, c, beta
/// and one_minus_beta).
template <class P, class T, class Scalars>
inline void sf_average(T* p, T* z, T* x, Eigen::Index i, const P& zv, const Scalars& s) {
  namespace ei = Eigen::internal;
  const P xv = ei::padd(ei::pmul(ei::ploadu<P>(x + i), ei::pset1<P>(s.one_minus_c)),
                        ei::pmul(ei::pset1<P>(s.c), zv));
  ei::pstoreu(z + i, zv);
  ei::pstoreu(x + i, xv);
  ei::pstoreu(p + i, sf_y(xv, zv, ei::pset1<P>(s.beta), ei::pset1<P>(s.one_minus_beta)));
}

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

/// The skeleton (optimizer_base) with what the schedule-free optimizers share: train / eval
/// modes, per-group update counts and averages, z = x = params at a tensor's first step, and
/// their part of the state. Per tensor there are four buffers: z, x, and (AdamW) v and m.
/// `Derived` provides the skeleton's required hooks but prepare (nothing to do per tensor here;
/// its `options()` also have the fields `r` and `weight_lr_power`), and:
/// - `T average_beta() const`: the beta of y = beta * x + (1 - beta) * z;
/// - `prepare_group(g, k, lr, c, wd, clip)`: on the calling thread, once per group and step,
///   before any element is touched, with the group's update count k before this update and the
///   step's scalars in double; stores the kernel's scalars of group g (update_range reads them
///   for every tensor of the group).
template <class Derived, class T>
class schedule_free_base : public optimizer_base<Derived, T, 4, false> {
  using skeleton = optimizer_base<Derived, T, 4, false>;
  friend skeleton;

 public:
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

  /// Updates done so far by group i (the authors' group['k']); every step counts one update of
  /// every group.
  /// @pre i < group_count()
  std::int64_t step_count(std::size_t group = 0) const { return gstates_.at(group).k; }
  /// The largest LR group i has seen (param_group::lr_at of the step's lr), -1 before its first
  /// update.
  /// @pre i < group_count()
  double lr_max(std::size_t group = 0) const { return gstates_.at(group).lr_max; }
  /// Sum of the averaging weights of group i so far.
  /// @pre i < group_count()
  double weight_sum(std::size_t group = 0) const { return gstates_.at(group).weight_sum; }
  /// z of tensor i (the base SGD / Adam sequence); empty before its first step. buffer(i, b):
  /// 0 z, 1 x, 2 exp_avg_sq, 3 exp_avg (AdamW; empty if absent).
  /// @pre i < tensor_count()
  const vector_t<T>& z(std::size_t tensor) const { return this->states_.at(tensor).buf[0]; }
  /// x of tensor i (the weighted average, the point to evaluate at); empty before its first step.
  /// @pre i < tensor_count()
  const vector_t<T>& x(std::size_t tensor) const { return this->states_.at(tensor).buf[1]; }

 protected:
  schedule_free_base() : gstates_(1), next_(1), next_lr_(1), next_c_(1) {
    static_assert(has_sf_hooks<Derived>::value,
                  "lrs schedule-free optimizer: the class lacks one of the options fields r and "
                  "weight_lr_power, the hooks `T average_beta() const` or `void "
                  "prepare_group(std::size_t g, std::int64_t k, double lr, double c, double wd, T "
                  "clip_scale)`");
  }

  bool training_ = true;

 private:
  using state_type = typename skeleton::state_type;

  template <class D, class = void>
  struct has_sf_hooks : std::false_type {};
  template <class D>
  struct has_sf_hooks<D,
                      std::void_t<decltype(T(std::declval<const D&>().average_beta())),
                                  decltype(T(std::declval<const D&>().options().r)),
                                  decltype(T(std::declval<const D&>().options().weight_lr_power)),
                                  decltype(std::declval<D&>().prepare_group(
                                      std::size_t(), std::int64_t(), 0.0, 0.0, 0.0, T()))>>
      : std::true_type {};

  Derived& derived() noexcept { return static_cast<Derived&>(*this); }
  const Derived& derived() const noexcept { return static_cast<const Derived&>(*this); }

  // The skeleton's hooks.
  void check_can_step() const {
    require(training_, Derived::type_name, "mode", "train to step (call train(params) first)",
            "eval");
  }

  void group_added() {
    gstates_.emplace_back();
    next_.emplace_back();
    next_lr_.push_back(0.0);
    next_c_.push_back(0.0);
  }

  /// The group scalars of this update, in double as the reference computes them in Python, into
  /// next_ (sized with the groups: no allocation); gstates_ changes only in prepare_step, once
  /// nothing can throw.
  template <class StepLr>
  void plan_step(const StepLr& step_lr) {
    const Derived& self = derived();
    const auto& groups = this->groups_;
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
      auto& gs = next_[gi];
      gs = gstates_[gi];
      if (gs.k == std::numeric_limits<std::int64_t>::max())
        throw_invalid(Derived::type_name, "update count of group " + std::to_string(gi),
                      "< 2^63 - 1", gs.k);
      const double lr_g = groups[gi].template lr_at<double>(step_lr(gi));
      gs.lr_max = lr_g > gs.lr_max ? lr_g : gs.lr_max;
      const double weight = std::pow(double(gs.k + 1), double(self.options().r)) *
                            std::pow(gs.lr_max, double(self.options().weight_lr_power));
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
  }

  void prepare_step(std::size_t, T clip) {
    Derived& self = derived();
    for (std::size_t gi = 0; gi < this->groups_.size(); ++gi) {
      const auto& g = this->groups_[gi];
      const T wd = g.weight_decay.value_or(T(self.options().weight_decay));
      self.prepare_group(gi, gstates_[gi].k, next_lr_[gi], next_c_[gi], double(wd), clip);
      gstates_[gi] = next_[gi];
    }
  }
  // Per tensor: nothing beyond the skeleton's sizing (the scalars are per group).
  void prepare(std::size_t, const param_tensor<T>&, state_type&, T, T, T) noexcept {}

  /// The first step of a tensor: z = x = params and the moments 0 over [begin, end).
  void first_touch_range(const param_tensor<T>& t, state_type& s, Eigen::Index begin,
                         Eigen::Index end) const {
    const Eigen::Index n = end - begin;
    const Eigen::Map<const vector_t<T>> p(t.params() + begin, n);
    s.buf[0].segment(begin, n) = p;
    s.buf[1].segment(begin, n) = p;
    for (int b = 2; b < derived().buffers_for_first_step(); ++b)
      s.buf[b].segment(begin, n).setZero();
  }

  int exact_buffers() const noexcept { return derived().buffers_for_first_step(); }

  // State beyond the tensors: the mode, then per group k, lr_max and weight_sum.
  struct extra {
    bool training;
    std::vector<sf_group_state> groups;
  };
  void write_extra(state_writer& w) const {
    w.boolean(training_);
    w.u64(gstates_.size());
    for (const auto& g : gstates_) w.i64(g.k).f64(g.lr_max).f64(g.weight_sum);
  }
  extra read_extra(state_reader& r) const {
    constexpr std::int64_t max_i64 = std::numeric_limits<std::int64_t>::max();
    extra e;
    e.training = r.boolean("mode");
    const std::size_t ng = r.count("group state count", 24);
    if (ng != this->groups_.size())
      r.fail_field("group state count", std::to_string(ng),
                   "the number of groups " + std::to_string(this->groups_.size()));
    e.groups.resize(ng);
    for (std::size_t i = 0; i < ng; ++i) {
      auto& gs = e.groups[i];
      const std::string g = "group " + std::to_string(i);
      gs.k = r.i64(g + " k", 0, max_i64 - 1);
      gs.lr_max = r.f64(g + " lr_max");
      gs.weight_sum = r.f64(g + " weight_sum");
      if (!(gs.lr_max == -1.0 || (gs.lr_max >= 0.0 && std::isfinite(gs.lr_max))))
        r.fail_field(g + " lr_max", format_value(gs.lr_max), "-1 or >= 0 and finite");
      if (!(gs.weight_sum >= 0.0 && std::isfinite(gs.weight_sum)))
        r.fail_field(g + " weight_sum", format_value(gs.weight_sum), ">= 0 and finite");
      if (gs.k == 0 && (gs.lr_max != -1.0 || gs.weight_sum != 0.0))
        r.fail(g + " has lr_max or weight_sum but no update");
    }
    return e;
  }
  void commit_extra(extra& e) noexcept {
    gstates_ = std::move(e.groups);
    training_ = e.training;
  }
  void reset_extra() noexcept {
    for (auto& g : gstates_) g = sf_group_state{};
    training_ = true;
  }

  void switch_to(bool train, const param_tensor<T>* tensors, std::size_t count) {
    const auto& states = this->states_;
    require(count >= states.size(), Derived::type_name,
            train ? "tensor count of train()" : "tensor count of eval()",
            ">= the number of tensors stepped (" + std::to_string(states.size()) + ")", count);
    for (std::size_t i = 0; i < count && i < states.size(); ++i)
      // Sizes only: the groups are not used here, and eval({{w, w}}) is a documented form.
      check_same_tensor(Derived::type_name, i, tensors[i], states[i].size, group_unknown);
    if (training_ == train) return;
    const double beta = double(derived().average_beta());
    const T b = static_cast<T>(beta), omb = static_cast<T>(1.0 - beta);
    this->run_pass(tensors, count, [&states, tensors, train, b, omb](const step_piece& p) {
      if (p.tensor >= states.size() || states[p.tensor].size < 0) return;
      const auto& s = states[p.tensor];
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

  std::vector<sf_group_state> gstates_;
  // Scratch of a step, sized with the groups (never allocated per step): the groups' state after
  // this update, their lr and averaging coefficient c.
  std::vector<sf_group_state> next_;
  std::vector<double> next_lr_, next_c_;
};

}  // namespace detail
}  // namespace lrs

#endif  // LRS_OPTIM_SCHEDULE_FREE_BASE_HPP
