// SPDX-License-Identifier: MIT
// lrs::lanczos_lr_controller: re-estimates the Hessian spectrum every k steps by Lanczos and sets
// the LR (and momentum) with one of Granziol et al.'s learners.
#ifndef LRS_CONTROLLERS_CURVATURE_LR_HPP
#define LRS_CONTROLLERS_CURVATURE_LR_HPP

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include <lrs/analysis/lanczos.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/state.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// Which learner of Granziol, Zohren, Roberts (arXiv 2006.09092) turns the spectrum into an LR.
enum class curvature_learner {
  /// SSGD: `lr = 2 / (L + median)`; the momentum stays `initial_momentum` (ssgd_lr).
  ssgd,
  /// SSGDM: `lr = (2 / (sqrt L + sqrt mu))^2`, momentum per `momentum_formula` (heavy_ball).
  heavy_ball,
  /// SSGDMN: `lr = sqrt(mu / L)`, `momentum = (sqrt L - sqrt mu) / (sqrt L + sqrt mu)`
  /// (heavy_ball_mn).
  heavy_ball_mn,
};

/// What lanczos_lr_controller::update does when an estimate fails (a non-finite Hessian-vector
/// product or parameter, or a learner with no finite answer such as mu = 0).
enum class curvature_failure {
  /// Throw lrs::invalid_argument naming the training step; the controller is unchanged, so the
  /// same step can be retried by calling update() again.
  rethrow,
  /// Keep the current LR and momentum (the initial ones before any estimate), count the failure
  /// (failures(), last_failure()) and go on; the next estimate comes `interval` steps later.
  keep_previous,
};

/// Options of lrs::lanczos_lr_controller. The defaults are those of the authors' code
/// (diegogranziol/GadamX, run_ssgd*_fastanddirty.py: 20 Lanczos steps, mu rule "minimum"),
/// except the heavy-ball momentum, which is Polyak's (see momentum_formula).
template <class T = double>
struct lanczos_lr_options {
  /// First step that re-estimates (the authors' `warmstart`); >= 0. Before it, the LR and
  /// momentum are `initial_lr` and `initial_momentum`.
  step_t first_step = 0;
  int lanczos_steps = 20;  ///< Lanczos steps per estimate (`iters`), >= 1 and <= the problem size
  /// The rule from the curvature to the LR (and momentum): SSGD, SSGDM or SSGDMN.
  curvature_learner learner = curvature_learner::ssgd;
  mu_rule mu = mu_rule::minimum;                        ///< how mu is read from the Ritz values
  momentum_formula formula = momentum_formula::polyak;  ///< heavy_ball only
  /// LR before the first estimate; >= 0, and > 0 when first_step > 0 (it is then used).
  T initial_lr = T(0);
  /// Momentum before the first estimate, and the momentum throughout with the SSGD learner
  /// (the authors' SSGD leaves the optimizer's momentum alone); in [0, 1).
  T initial_momentum = T(0);
  /// The estimate at step t starts Lanczos from the Rademacher vector of lanczos(hvp, n, steps,
  /// seed + t), so every estimate is reproducible and resuming needs no generator state.
  std::uint64_t seed = 0;
  /// What update() does when an estimate fails: throw, or keep the previous LR and momentum.
  curvature_failure on_failure = curvature_failure::rethrow;

  /// Sets `first_step` (see the field); returns *this for chaining.
  constexpr lanczos_lr_options& with_first_step(step_t v) noexcept {
    first_step = v;
    return *this;
  }
  /// Sets `lanczos_steps` (see the field); returns *this for chaining.
  constexpr lanczos_lr_options& with_lanczos_steps(int v) noexcept {
    lanczos_steps = v;
    return *this;
  }
  /// Sets `learner` (see the field); returns *this for chaining.
  constexpr lanczos_lr_options& with_learner(curvature_learner v) noexcept {
    learner = v;
    return *this;
  }
  /// Sets `mu` (see the field); returns *this for chaining.
  constexpr lanczos_lr_options& with_mu(mu_rule v) noexcept {
    mu = v;
    return *this;
  }
  /// Sets `formula` (see the field); returns *this for chaining.
  constexpr lanczos_lr_options& with_formula(momentum_formula v) noexcept {
    formula = v;
    return *this;
  }
  /// Sets `initial_lr` (see the field); returns *this for chaining.
  constexpr lanczos_lr_options& with_initial_lr(T v) noexcept {
    initial_lr = v;
    return *this;
  }
  /// Sets `initial_momentum` (see the field); returns *this for chaining.
  constexpr lanczos_lr_options& with_initial_momentum(T v) noexcept {
    initial_momentum = v;
    return *this;
  }
  /// Sets `seed` (see the field); returns *this for chaining.
  constexpr lanczos_lr_options& with_seed(std::uint64_t v) noexcept {
    seed = v;
    return *this;
  }
  /// Sets `on_failure` (see the field); returns *this for chaining.
  constexpr lanczos_lr_options& with_on_failure(curvature_failure v) noexcept {
    on_failure = v;
    return *this;
  }
};

/// The on-the-fly learner of Granziol, Zohren, Roberts, "Learning Rates as a Function of Batch
/// Size" (arXiv 2006.09092), as their code runs it: every `interval` steps (from `first_step`),
/// run `lanczos_steps` Lanczos steps on the Hessian-vector product at the current parameters,
/// reduce the Ritz values to L, median and mu (curvature_bounds), and set the LR (and momentum)
/// by the chosen learner; hold them until the next estimate. No smoothing and no cap: the
/// authors' code uses neither (a user who wants a cap applies it to lr()).
///
/// The training loop calls update(params) once per optimizer step, before the step, and uses
/// lr() and momentum() for it:
/// ```
/// lrs::lanczos_lr_controller<double> ctl(hvp, /*interval=*/200, opts);
/// for (step_t t = 0; t < T; ++t) {
///   ctl.update(x);
///   opt.set_momentum(ctl.momentum());
///   opt.step(x, grad(x), ctl.lr());
/// }
/// ```
/// Step t (the number of earlier update() calls) re-estimates when t >= first_step and
/// (t - first_step) is a multiple of interval. The authors re-estimate at epochs e with
/// e >= warmstart and e % epochfreq == 0: interval = epochfreq epochs, first_step = the first
/// such epoch, in steps.
///
/// Each estimate costs `lanczos_steps` Hessian-vector products and stores `lanczos_steps`
/// vectors of size n. state() / load_state() save and restore everything the controller holds
/// between two update() calls (not the HVP function), in the lrs state format.
/// @tparam T floating-point type of the parameters and the LR.
template <class T = double>
class lanczos_lr_controller {
  static_assert(std::is_floating_point_v<T>,
                "lrs::lanczos_lr_controller<T>: T must be a floating-point type");

 public:
  /// Marks a controller (lrs::is_controller_v): not a schedule, refused by every combinator.
  using controller_tag = void;
  /// The learning-rate (and parameter) type.
  using value_type = T;
  /// The parameter vector.
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  /// `H(params) v`: the Hessian of the training loss at `params` times `v` (exact, e.g. by
  /// Pearlmutter's R-operator, or finite_difference_hvp built at `params`).
  using hvp_function = std::function<vector(const vector& params, const vector& v)>;

  /// @param hvp the Hessian-vector product, non-empty.
  /// @param interval k, steps between two estimates, >= 1.
  /// @param options the rest (lanczos_lr_options), checked here.
  /// @throws lrs::invalid_argument if hvp is empty, interval < 1, first_step < 0,
  ///   lanczos_steps < 1, initial_lr is negative or not finite (or 0 with first_step > 0),
  ///   initial_momentum is outside [0, 1), or an enum option is out of range.
  lanczos_lr_controller(hvp_function hvp, step_t interval, lanczos_lr_options<T> options = {})
      : hvp_(std::move(hvp)), interval_(interval), options_(options) {
    check_options(hvp_, interval_, options_);
    lr_ = options_.initial_lr;
    momentum_ = options_.initial_momentum;
  }

  /// Whether step t re-estimates: t >= first_step and (t - first_step) % interval == 0.
  [[nodiscard]] bool estimates_at(step_t t) const noexcept {
    return t >= options_.first_step && (t - options_.first_step) % interval_ == 0;
  }

  /// Call once per training step, before the optimizer update, with the current parameters.
  /// On an estimate step, runs Lanczos on `hvp(params, .)` and sets lr() and momentum(); then
  /// advances the step counter. Returns lr() for this step.
  /// @throws lrs::invalid_argument, leaving the controller unchanged, if on an estimate step
  ///   params is empty or smaller than lanczos_steps, or (with on_failure = rethrow) the estimate
  ///   fails: a non-finite parameter, a Hessian-vector product of the wrong size or with a NaN or
  ///   infinite entry (the message names the training step and the Lanczos step), or a learner
  ///   with no finite answer (L + median = 0 for SSGD; L = 0 or mu = 0 for the heavy-ball
  ///   learners). An lrs::invalid_argument thrown by hvp counts as a failed estimate too; other
  ///   exceptions thrown by hvp propagate unchanged, also leaving the controller unchanged.
  T update(const vector& params) {
    const step_t t = step_;
    if (estimates_at(t)) estimate(params, t);
    ++step_;
    return lr_;
  }

  /// LR for the step of the last update() call (the initial LR before any call).
  [[nodiscard]] T lr() const noexcept { return lr_; }
  /// Momentum for the step of the last update() call, torch-style heavy ball
  /// (`v = momentum v + g; x -= lr v`).
  [[nodiscard]] T momentum() const noexcept { return momentum_; }
  /// Number of update() calls so far: the index of the next step.
  [[nodiscard]] step_t step() const noexcept { return step_; }
  /// Successful estimates so far.
  [[nodiscard]] step_t estimates() const noexcept { return estimates_; }
  /// Failed estimates so far (only with on_failure = keep_previous).
  [[nodiscard]] step_t failures() const noexcept { return failures_; }
  /// Step of the last successful estimate, -1 before the first.
  [[nodiscard]] step_t last_estimate_step() const noexcept { return last_estimate_step_; }
  /// L, median and mu of the last successful estimate (all 0 before the first).
  [[nodiscard]] const curvature_bounds_t<T>& bounds() const noexcept { return bounds_; }
  /// The message of the last failed estimate (keep_previous), empty if none. Informational: not
  /// part of state().
  [[nodiscard]] const std::string& last_failure() const noexcept { return last_failure_; }
  /// Steps between two estimates.
  [[nodiscard]] step_t interval() const noexcept { return interval_; }
  /// The options given to the constructor.
  [[nodiscard]] const lanczos_lr_options<T>& options() const noexcept { return options_; }

  /// The state in the lrs state format (docs/state.md): kind "lanczos_lr_controller", the scalar
  /// type, the hyper-parameters (interval, first_step, lanczos_steps, learner, mu, formula,
  /// initial_lr, initial_momentum, seed as a decimal string, on_failure) and the payload (step,
  /// lr, momentum, estimates, failures, last_estimate_step, L, median, mu). The HVP function is
  /// not saved: the loading controller has its own.
  [[nodiscard]] std::vector<unsigned char> state() const {
    state_writer w(type_name, state_scalar_of<T>());
    visit_hyper(w);
    w.i64(step_).real(lr_).real(momentum_);
    w.i64(estimates_).i64(failures_).i64(last_estimate_step_);
    w.real(bounds_.l).real(bounds_.median).real(bounds_.mu);
    return w.finish();
  }

  /// Restores a state() of a controller with the same scalar type and options; the next update()
  /// then continues exactly as the saved controller would have (same LR, momentum and estimate
  /// steps, bit for bit, given the same parameters and HVP). All or nothing.
  /// @throws lrs::state_error (an lrs::invalid_argument) if the bytes are truncated, corrupt,
  ///   written by another kind of object or scalar type, written with other options (the message
  ///   names the option and both values), or hold inconsistent values (a negative or non-finite
  ///   LR, a momentum outside [0, 1), more estimates than estimate steps, a last estimate step
  ///   that is not an estimate step, ...); the controller is unchanged then.
  void load_state(const std::vector<unsigned char>& bytes) {
    state_reader r(bytes, type_name, state_scalar_of<T>());
    visit_hyper(r);
    const step_t step = r.i64("step", 0, std::numeric_limits<step_t>::max() - 1);
    const T lr = r.real<T>("lr");
    const T momentum = r.real<T>("momentum");
    const step_t estimates = r.i64("estimates", 0, estimate_steps_before(step));
    const step_t failures = r.i64("failures", 0, estimate_steps_before(step) - estimates);
    const step_t last = r.i64("last_estimate_step", -1, step - 1);
    curvature_bounds_t<T> b{};
    b.l = r.real<T>("L");
    b.median = r.real<T>("median");
    b.mu = r.real<T>("mu");
    r.finish();
    const auto field = [&](const char* name, T v, bool ok, const std::string& rule) {
      if (!ok) r.fail_field(name, detail::format_value(v), rule);
    };
    if (failures > 0 && options_.on_failure == curvature_failure::rethrow)
      r.fail_field("failures", std::to_string(failures), "0 with on_failure = rethrow");
    if (estimates == 0) {
      if (last != -1)
        r.fail_field("last_estimate_step", std::to_string(last), "-1 before any estimate");
      field("lr", lr, lr == options_.initial_lr,
            "initial_lr = " + detail::format_value(options_.initial_lr) + " before any estimate");
      field("momentum", momentum, momentum == options_.initial_momentum,
            "initial_momentum = " + detail::format_value(options_.initial_momentum) +
                " before any estimate");
      field("L", b.l, b.l == T(0), "0 before any estimate");
      field("median", b.median, b.median == T(0), "0 before any estimate");
      field("mu", b.mu, b.mu == T(0), "0 before any estimate");
    } else {
      if (!estimates_at(last))
        r.fail_field("last_estimate_step", std::to_string(last),
                     "an estimate step (first_step + a multiple of interval)");
      field("lr", lr, std::isfinite(lr) && lr > T(0), "> 0 and finite");
      field("momentum", momentum, momentum >= T(0) && momentum < T(1), "in [0, 1)");
      if (options_.learner == curvature_learner::ssgd)
        field("momentum", momentum, momentum == options_.initial_momentum,
              "initial_momentum = " + detail::format_value(options_.initial_momentum) +
                  " with the SSGD learner");
      field("L", b.l, std::isfinite(b.l) && b.l > T(0), "> 0 and finite");
      field("median", b.median, b.median >= T(0) && b.median <= b.l, "in [0, L]");
      field("mu", b.mu, b.mu >= T(0) && b.mu <= b.l, "in [0, L]");
    }
    step_ = step;
    lr_ = lr;
    momentum_ = momentum;
    estimates_ = estimates;
    failures_ = failures;
    last_estimate_step_ = last;
    bounds_ = b;
    last_failure_.clear();
  }

 private:
  static constexpr const char* type_name = "lanczos_lr_controller";

  static const char* learner_name(curvature_learner l) noexcept {
    switch (l) {
      case curvature_learner::ssgd:
        return "ssgd";
      case curvature_learner::heavy_ball:
        return "heavy_ball";
      case curvature_learner::heavy_ball_mn:
        return "heavy_ball_mn";
    }
    return "?";
  }

  // The hyper-parameters, one list: state() writes them (Sink = state_writer), load_state() checks.
  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("interval", static_cast<std::int64_t>(interval_))
        .hyper("first_step", static_cast<std::int64_t>(options_.first_step))
        .hyper("lanczos_steps", static_cast<std::int64_t>(options_.lanczos_steps))
        .hyper("learner", learner_name(options_.learner))
        .hyper("mu", options_.mu == mu_rule::minimum ? "minimum" : "median")
        .hyper("formula", options_.formula == momentum_formula::polyak ? "polyak" : "granziol_code")
        .hyper("initial_lr", options_.initial_lr)
        .hyper("initial_momentum", options_.initial_momentum)
        .hyper("seed", std::to_string(options_.seed))
        .hyper("on_failure",
               options_.on_failure == curvature_failure::rethrow ? "rethrow" : "keep_previous");
  }

  // Number of estimate steps in [0, s).
  step_t estimate_steps_before(step_t s) const noexcept {
    return s <= options_.first_step ? 0 : (s - options_.first_step - 1) / interval_ + 1;
  }

  static void check_options(const hvp_function& hvp, step_t interval,
                            const lanczos_lr_options<T>& o) {
    detail::require(static_cast<bool>(hvp), type_name, "hvp", "a callable (non-empty)",
                    std::string("an empty std::function"));
    detail::require(interval >= 1, type_name, "interval", ">= 1", interval);
    detail::require_non_negative(type_name, "first_step", o.first_step);
    detail::require(o.lanczos_steps >= 1, type_name, "lanczos_steps", ">= 1", o.lanczos_steps);
    const auto learner = static_cast<int>(o.learner);
    detail::require(learner >= 0 && learner <= 2, type_name, "learner",
                    "ssgd, heavy_ball or heavy_ball_mn", learner);
    const auto mu = static_cast<int>(o.mu);
    detail::require(mu >= 0 && mu <= 1, type_name, "mu", "mu_rule::minimum or mu_rule::median", mu);
    const auto formula = static_cast<int>(o.formula);
    detail::require(formula >= 0 && formula <= 1, type_name, "formula",
                    "momentum_formula::polyak or momentum_formula::granziol_code", formula);
    const auto failure = static_cast<int>(o.on_failure);
    detail::require(failure >= 0 && failure <= 1, type_name, "on_failure",
                    "curvature_failure::rethrow or curvature_failure::keep_previous", failure);
    if (o.first_step > 0)
      detail::require_positive(type_name, "initial_lr (used before first_step > 0)", o.initial_lr);
    else
      detail::require_non_negative(type_name, "initial_lr", o.initial_lr);
    detail::require_in_range(type_name, "initial_momentum", o.initial_momentum, T(0), T(1), false,
                             true);
  }

  // Runs one estimate at step t; commits lr_, momentum_, bounds_ and the counters only at the
  // end (or records a failure), so a throw leaves the controller unchanged.
  void estimate(const vector& params, step_t t) {
    const std::string at = "at training step " + std::to_string(t);
    detail::require(params.size() >= options_.lanczos_steps, type_name,
                    "params.size() (the problem size) " + at,
                    ">= lanczos_steps = " + std::to_string(options_.lanczos_steps),
                    static_cast<std::int64_t>(params.size()));
    std::string failure;
    curvature_bounds_t<T> b{};
    T lr = lr_, momentum = momentum_;
    if (!params.allFinite()) {
      failure = "lrs::" + std::string(type_name) + ": params " + at +
                " must be finite, got a non-finite entry";
    } else {
      try {
        const auto product = [&](const vector& v) -> vector { return hvp_(params, v); };
        const auto r = lanczos<T>(product, params.size(), options_.lanczos_steps,
                                  options_.seed + static_cast<std::uint64_t>(t));
        b = curvature_bounds(r, options_.mu);
        switch (options_.learner) {
          case curvature_learner::ssgd:
            lr = ssgd_lr(b);
            momentum = options_.initial_momentum;
            break;
          case curvature_learner::heavy_ball: {
            const auto hb = heavy_ball(b, options_.formula);
            lr = hb.lr;
            momentum = hb.momentum;
            break;
          }
          case curvature_learner::heavy_ball_mn: {
            const auto hb = heavy_ball_mn(b);
            lr = hb.lr;
            momentum = hb.momentum;
            break;
          }
        }
        if (!(std::isfinite(lr) && lr > T(0) && momentum >= T(0) && momentum < T(1)))
          failure = "lrs::" + std::string(type_name) + ": the learner " + at +
                    " must give a finite LR > 0 and a momentum in [0, 1), got lr " +
                    detail::format_value(lr) + ", momentum " + detail::format_value(momentum);
      } catch (const lrs::invalid_argument& e) {
        failure = "lrs::" + std::string(type_name) + ": the curvature estimate " + at +
                  " failed: " + e.what();
      }
    }
    if (!failure.empty()) {
      if (options_.on_failure == curvature_failure::rethrow)
        LRS_THROW(::lrs::invalid_argument(failure));
      ++failures_;
      last_failure_ = std::move(failure);
      return;
    }
    lr_ = lr;
    momentum_ = momentum;
    bounds_ = b;
    last_estimate_step_ = t;
    ++estimates_;
  }

  hvp_function hvp_;
  step_t interval_;
  lanczos_lr_options<T> options_;
  T lr_ = T(0);
  T momentum_ = T(0);
  step_t step_ = 0;
  step_t estimates_ = 0;
  step_t failures_ = 0;
  step_t last_estimate_step_ = -1;
  curvature_bounds_t<T> bounds_{T(0), T(0), T(0)};
  std::string last_failure_;
};

}  // namespace lrs

#endif  // LRS_CONTROLLERS_CURVATURE_LR_HPP
