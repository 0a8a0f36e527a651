// SPDX-License-Identifier: MIT
// AutoLRS: a constant LR per stage, chosen by Bayesian optimisation over forecast losses.
#ifndef LRS_CONTROLLERS_AUTOLRS_HPP
#define LRS_CONTROLLERS_AUTOLRS_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/analysis/exp_forecast.hpp>
#include <lrs/analysis/gaussian_process.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/random.hpp>
#include <lrs/core/state.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// What AutoLRS needs from a training run; the user implements it around their own model and
/// optimizer. AutoLRS owns no model: it only calls these.
class autolrs_trainer {
 public:
  virtual ~autolrs_trainer() = default;
  /// Stores the current model and optimizer state as the stage checkpoint (replacing the last).
  virtual void save_checkpoint() = 0;
  /// Puts the model and optimizer back to the stage checkpoint.
  virtual void restore_checkpoint() = 0;
  /// Trains `steps` optimizer steps at the constant learning rate `lr` and returns the training
  /// loss of each step, in order (exactly `steps` values; NaN or inf allowed for a diverged run).
  virtual std::vector<double> train(step_t steps, double lr) = 0;
  /// True when validation_loss() is implemented; then AutoLRS switches to validation losses once
  /// tau reaches tau_max, as the authors do.
  [[nodiscard]] virtual bool has_validation() const { return false; }
  /// Loss of the current model on held-out data.
  virtual double validation_loss() { return std::numeric_limits<double>::quiet_NaN(); }
};

/// Options of lrs::autolrs, with the authors' defaults (tau = 1000, tau' = tau / 10, k = 10,
/// tau_max = 8000, LCB with kappa = 1e6). The LR range has no default.
struct autolrs_options {
  double min_lr = 0;           ///< lower end of the LR search range (log scale), > 0
  double max_lr = 0;           ///< upper end, > min_lr
  step_t tau = 1000;           ///< steps kept per stage in the first stage (doubles up to tau_max)
  step_t tau_prime = 0;        ///< steps per explored candidate; 0 means tau / 10
  int candidates = 10;         ///< k, LRs explored per stage
  step_t tau_max = 8000;       ///< growth stops once tau' >= tau_max / 10
  double kappa = 1e6;          ///< LCB exploration weight: mean - kappa * std
  std::uint64_t seed = 0;      ///< seeds the first (random) candidate of each stage and GP restarts
  int acquisition_grid = 512;  ///< grid points of the acquisition search on [0, 1]
  int max_reasks = 10;         ///< re-asks when the GP proposes an LR already explored
  /// Normalisation of the forecasts the GP is fitted to: mean_and_scale (the default; current
  /// scikit-learn's normalize_y) or mean (the authors' pinned scikit-learn 0.21.3). See
  /// docs/autolrs.md for when the two propose different LRs.
  gp_normalization normalization = gp_normalization::mean_and_scale;

  /// Sets `min_lr` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_min_lr(double v) noexcept {
    min_lr = v;
    return *this;
  }
  /// Sets `max_lr` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_max_lr(double v) noexcept {
    max_lr = v;
    return *this;
  }
  /// Sets `tau` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_tau(step_t v) noexcept {
    tau = v;
    return *this;
  }
  /// Sets `tau_prime` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_tau_prime(step_t v) noexcept {
    tau_prime = v;
    return *this;
  }
  /// Sets `candidates` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_candidates(int v) noexcept {
    candidates = v;
    return *this;
  }
  /// Sets `tau_max` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_tau_max(step_t v) noexcept {
    tau_max = v;
    return *this;
  }
  /// Sets `kappa` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_kappa(double v) noexcept {
    kappa = v;
    return *this;
  }
  /// Sets `seed` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_seed(std::uint64_t v) noexcept {
    seed = v;
    return *this;
  }
  /// Sets `acquisition_grid` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_acquisition_grid(int v) noexcept {
    acquisition_grid = v;
    return *this;
  }
  /// Sets `max_reasks` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_max_reasks(int v) noexcept {
    max_reasks = v;
    return *this;
  }
  /// Sets `normalization` (see the field); returns *this for chaining.
  constexpr autolrs_options& with_normalization(gp_normalization v) noexcept {
    normalization = v;
    return *this;
  }
};

/// One stage of the tau schedule.
struct autolrs_stage_plan {
  step_t tau_prime = 0;     ///< steps per explored candidate
  step_t tau = 0;           ///< steps trained at the kept LR
  bool validation = false;  ///< whether candidates are scored on the validation loss
};

/// A finished stage: the LRs explored (in order), their forecast losses and the LR kept.
struct autolrs_stage {
  int index = 0;                  ///< the stage's index, 0-based
  step_t tau = 0;                 ///< steps trained at the kept LR
  step_t tau_prime = 0;           ///< steps per explored candidate
  bool validation = false;        ///< whether candidates were scored on the validation loss
  std::vector<double> lrs;        ///< the LRs explored, in order
  std::vector<double> forecasts;  ///< as told to the GP: a NaN forecast is 1e6
  double lr = 0;                  ///< the LR trained for tau steps
  double forecast = 0;            ///< its forecast
};

namespace detail {

inline void check_autolrs_options(autolrs_options& o) {
  const char* t = "autolrs";
  require_positive(t, "min_lr", o.min_lr);
  require(std::isfinite(o.max_lr) && o.max_lr > o.min_lr, t, "max_lr", "finite and > min_lr",
          o.max_lr);
  require_positive(t, "tau", o.tau);
  if (o.tau_prime == 0) o.tau_prime = o.tau / 10;
  require(o.tau_prime >= 16, t, "tau_prime", ">= 16 (or 0 with tau >= 160)", o.tau_prime);
  require_positive(t, "candidates", o.candidates);
  require_positive(t, "tau_max", o.tau_max);
  require_non_negative(t, "kappa", o.kappa);
  require(o.acquisition_grid >= 2, t, "acquisition_grid", ">= 2", o.acquisition_grid);
  require_non_negative(t, "max_reasks", o.max_reasks);
  const auto norm = static_cast<int>(o.normalization);
  require(norm >= 0 && norm <= 2, t, "normalization", "none, mean or mean_and_scale", norm);
}

}  // namespace detail

/// The tau schedule of the first `stages` stages: (tau', tau) double after each stage while
/// tau' < tau_max / 10; after that the stage forecasts validation loss (when the trainer has
/// one) with tau and tau' fixed. Authors' defaults: (100, 1000), (200, 2000), (400, 4000),
/// (800, 8000), then (800, 8000, validation) forever.
/// @throws lrs::invalid_argument on invalid options or stages < 0.
[[nodiscard]] inline std::vector<autolrs_stage_plan> autolrs_tau_schedule(
    autolrs_options options, int stages, bool has_validation = true) {
  if (options.min_lr == 0 && options.max_lr == 0) {  // the range does not matter here
    options.min_lr = 1;
    options.max_lr = 2;
  }
  detail::check_autolrs_options(options);
  detail::require_non_negative("autolrs_tau_schedule", "stages", stages);
  std::vector<autolrs_stage_plan> out;
  autolrs_stage_plan p{options.tau_prime, options.tau, false};
  for (int s = 0; s < stages; ++s) {
    out.push_back(p);
    if (p.tau_prime * 10 < options.tau_max) {
      p.tau_prime *= 2;
      p.tau *= 2;
    } else if (has_validation) {
      p.validation = true;
    }
  }
  return out;
}

/// AutoLRS (Jin et al., "AutoLRS: Automatic Learning-Rate Schedule by Bayesian Optimization on
/// the Fly", ICLR 2021), as the authors' server implements it.
///
/// Training runs in stages. A stage checkpoints the model, then explores k candidate LRs: each is
/// trained for tau' steps from the checkpoint and scored by the exponential forecaster's loss
/// after tau steps (exp_forecast). Candidates come from a fresh Gaussian process per stage over
/// u = log(lr / min_lr) / log(max_lr / min_lr) in [0, 1]: the first at random, the next ones by
/// minimising the lower confidence bound mean - kappa * std (kappa = 1e6: largest uncertainty).
/// The LR with the lowest forecast is then trained for tau steps from the checkpoint and kept.
/// Cost per stage: k tau' + tau steps, of which tau are kept. Afterwards (tau', tau) double while
/// tau' < tau_max / 10; then, if the trainer has a validation loss, candidates are scored on it:
/// sampled every tau' / 16 steps, forecast at index tau / (tau' / 16) with one de-noising pass,
/// and replaced by the last sample when any sample reaches the first training loss seen.
/// A NaN or infinite loss scores 1e6. An LR already explored in the stage is told again with its
/// score and the GP re-asked (up to max_reasks times; then a random untried point is used).
///
/// Drive it with step() (one candidate or one exploitation per call) or run(). state() and
/// load_state() save and restore everything the controller holds (stage, tau, observations, RNG),
/// so a run resumes between any two step() calls, mid-stage included; the trainer must restore
/// its own stage checkpoint (and, at a stage boundary, its model).
class autolrs {
 public:
  /// Marks a controller (lrs::is_controller_v): not a schedule, refused by every combinator.
  using controller_tag = void;
  /// The learning-rate type.
  using value_type = double;

  /// @throws lrs::invalid_argument if min_lr <= 0, max_lr <= min_lr, tau <= 0, the effective
  ///         tau' < 16, candidates <= 0, tau_max <= 0, kappa < 0 or acquisition_grid < 2.
  explicit autolrs(autolrs_options options) : options_(options) {
    detail::check_autolrs_options(options_);
    tau_ = options_.tau;
    tau_prime_ = options_.tau_prime;
    rng_.set_state(options_.seed);
  }

  /// Performs the next action on `trainer`: explores one candidate (saving the stage checkpoint
  /// first when the stage starts) or, after k candidates, restores the checkpoint and trains tau
  /// steps at the best one. Returns true when that finished a stage.
  /// @throws lrs::invalid_argument if trainer.train() returns the wrong number of losses; the
  ///         controller is then unchanged (the trainer may not be).
  bool step(autolrs_trainer& trainer) {
    if (candidate_ < options_.candidates) {
      explore(trainer);
      return false;
    }
    exploit(trainer);
    return true;
  }

  /// Calls step() until at least `kept_steps` steps have been kept in total (whole stages).
  void run(autolrs_trainer& trainer, step_t kept_steps) {
    while (kept_ < kept_steps) step(trainer);
  }

  /// The options, as the constructor checked them.
  [[nodiscard]] const autolrs_options& options() const noexcept { return options_; }
  /// Index of the current stage (0-based) and of its next candidate (k means exploitation).
  [[nodiscard]] int stage() const noexcept { return stage_; }
  /// Index of the next candidate of the current stage (k means exploitation).
  [[nodiscard]] int candidate() const noexcept { return candidate_; }
  /// Steps the current stage trains at its kept LR.
  [[nodiscard]] step_t tau() const noexcept { return tau_; }
  /// Steps the current stage trains each explored candidate.
  [[nodiscard]] step_t tau_prime() const noexcept { return tau_prime_; }
  /// Whether the current stage scores candidates on the validation loss.
  [[nodiscard]] bool validation_mode() const noexcept { return validation_; }
  /// Steps trained at a kept LR, and all steps trained (exploration included).
  [[nodiscard]] step_t kept_steps() const noexcept { return kept_; }
  /// All steps trained, exploration included.
  [[nodiscard]] step_t total_steps() const noexcept { return total_; }
  /// LRs and scores explored so far in the current stage.
  [[nodiscard]] const std::vector<double>& explored_lrs() const noexcept { return lrs_; }
  /// The forecast losses of explored_lrs(), in the same order.
  [[nodiscard]] const std::vector<double>& explored_forecasts() const noexcept {
    return forecasts_;
  }
  /// Finished stages, in order.
  [[nodiscard]] const std::vector<autolrs_stage>& history() const noexcept { return history_; }

  /// The learning rate at kept step t: the LR of the stage that contains it (piecewise constant
  /// over the finished stages; the last stage's LR beyond them, min_lr before any).
  [[nodiscard]] double lr_at_kept_step(step_t t) const noexcept {
    for (const auto& s : history_) {
      if (t < s.tau) return s.lr;
      t -= s.tau;
    }
    return history_.empty() ? options_.min_lr : history_.back().lr;
  }

  /// The LR for u in [0, 1]: min_lr * (max_lr / min_lr)^u, computed in log10 as skopt does.
  [[nodiscard]] double lr_from_unit(double u) const noexcept {
    const double lo = std::log10(options_.min_lr), hi = std::log10(options_.max_lr);
    return std::pow(10.0, lo + u * (hi - lo));
  }
  /// Inverse of lr_from_unit.
  [[nodiscard]] double unit_from_lr(double lr) const noexcept {
    const double lo = std::log10(options_.min_lr), hi = std::log10(options_.max_lr);
    return (std::log10(lr) - lo) / (hi - lo);
  }

  /// Everything the controller holds, in the lrs state format (docs/state.md): kind "autolrs",
  /// scalar type double, the hyper-parameters that shape the rest of the run (min_lr, max_lr,
  /// candidates, tau_max, kappa, acquisition_grid, max_reasks, normalization) and the payload: the
  /// position (stage, candidate, tau, tau', validation mode, kept and total steps), the RNG state
  /// and GP seed, the first training loss, this stage's observations and candidates, and the
  /// history. tau, tau_prime and seed of the options are starting values: the saved position and
  /// RNG replace them, so they are not compared on load.
  [[nodiscard]] std::vector<unsigned char> state() const {
    state_writer w(type_name, state_scalar::f64);
    visit_hyper(w);
    w.i64(stage_).i64(candidate_).i64(tau_).i64(tau_prime_).boolean(validation_);
    w.i64(kept_).i64(total_);
    w.u64(rng_.state()).u64(gp_seed_);
    w.boolean(has_init_loss_).f64(init_loss_);
    w.reals(us_).reals(ys_).reals(lrs_).reals(forecasts_);
    w.u64(history_.size());
    for (const auto& h : history_) {
      w.i64(h.index).i64(h.tau).i64(h.tau_prime).boolean(h.validation).f64(h.lr).f64(h.forecast);
      w.reals(h.lrs).reals(h.forecasts);
    }
    return w.finish();
  }

  /// Restores a state() of a controller built with the same hyper-parameters (see state()).
  /// Every field is checked: counts consistent (one candidate per explored LR, one history entry
  /// per finished stage), observations in [0, 1], LRs and scores finite, and tau, tau', kept and
  /// total steps at most 2^53 so the following stages cannot overflow. All or nothing.
  /// @throws lrs::state_error (an lrs::invalid_argument) naming the problem; the controller is
  ///         unchanged then.
  void load_state(const std::vector<unsigned char>& bytes) {
    state_reader r(bytes, type_name, state_scalar::f64);
    visit_hyper(r);
    constexpr step_t max_steps = step_t(1) << 53;
    const step_t k = options_.candidates;
    autolrs next = *this;
    next.stage_ = static_cast<int>(r.i64("stage", 0, std::numeric_limits<int>::max() - 1));
    next.candidate_ = static_cast<int>(r.i64("candidate", 0, k));
    next.tau_ = r.i64("tau", 1, max_steps);
    next.tau_prime_ = r.i64("tau_prime", 16, max_steps);
    next.validation_ = r.boolean("validation");
    next.kept_ = r.i64("kept_steps", 0, max_steps);
    next.total_ = r.i64("total_steps", next.kept_, max_steps);
    next.rng_.set_state(r.u64("rng"));
    next.gp_seed_ = r.u64("gp_seed");
    next.has_init_loss_ = r.boolean("has_init_loss");
    next.init_loss_ = r.f64("init_loss");
    next.us_ = r.reals<double>("observed u");
    next.ys_ = r.reals<double>("observed scores");
    if (next.ys_.size() != next.us_.size())
      r.fail(std::to_string(next.us_.size()) + " observations but " +
             std::to_string(next.ys_.size()) + " scores");
    for (std::size_t i = 0; i < next.us_.size(); ++i) {
      if (!(next.us_[i] >= 0.0 && next.us_[i] <= 1.0))
        r.fail_field("observed u", detail::format_value(next.us_[i]), "in [0, 1]");
      check_finite(r, "observed scores", next.ys_[i]);
    }
    next.lrs_ = r.reals<double>("explored lrs");
    next.forecasts_ = r.reals<double>("explored forecasts");
    if (next.lrs_.size() != std::size_t(next.candidate_) ||
        next.forecasts_.size() != next.lrs_.size() || next.lrs_.size() > next.us_.size())
      r.fail("candidate " + std::to_string(next.candidate_) + " is next, but the stage has " +
             std::to_string(next.lrs_.size()) + " explored LRs, " +
             std::to_string(next.forecasts_.size()) + " forecasts and " +
             std::to_string(next.us_.size()) + " observations");
    for (std::size_t i = 0; i < next.lrs_.size(); ++i) {
      check_finite(r, "explored lrs", next.lrs_[i]);
      check_finite(r, "explored forecasts", next.forecasts_[i]);
    }
    const std::size_t n_hist = r.count("history", 8 * 5 + 1 + 16);
    if (n_hist != std::size_t(next.stage_))
      r.fail("stage " + std::to_string(next.stage_) + " is next, but the history has " +
             std::to_string(n_hist) + " stages");
    next.history_.clear();
    next.history_.reserve(n_hist);
    for (std::size_t h = 0; h < n_hist; ++h) {
      autolrs_stage st;
      st.index = static_cast<int>(r.i64("history index", step_t(h), step_t(h)));
      st.tau = r.i64("history tau", 1, max_steps);
      st.tau_prime = r.i64("history tau_prime", 1, max_steps);
      st.validation = r.boolean("history validation");
      st.lr = r.f64("history lr");
      st.forecast = r.f64("history forecast");
      check_finite(r, "history lr", st.lr);
      check_finite(r, "history forecast", st.forecast);
      st.lrs = r.reals<double>("history lrs");
      st.forecasts = r.reals<double>("history forecasts");
      if (st.lrs.size() != st.forecasts.size() || st.lrs.size() > std::size_t(k))
        r.fail("stage " + std::to_string(h) + " of the history has " +
               std::to_string(st.lrs.size()) + " LRs and " + std::to_string(st.forecasts.size()) +
               " forecasts (at most " + std::to_string(k) + " each, as many of both)");
      for (std::size_t i = 0; i < st.lrs.size(); ++i) {
        check_finite(r, "history lrs", st.lrs[i]);
        check_finite(r, "history forecasts", st.forecasts[i]);
      }
      next.history_.push_back(std::move(st));
    }
    r.finish();
    *this = std::move(next);
  }

 private:
  static constexpr const char* type_name = "autolrs";
  // The hyper-parameters, one list: state() writes them (Sink = state_writer), load_state() checks.
  template <class Sink>
  void visit_hyper(Sink& s) const {
    s.hyper("min_lr", options_.min_lr)
        .hyper("max_lr", options_.max_lr)
        .hyper("candidates", options_.candidates)
        .hyper("tau_max", options_.tau_max)
        .hyper("kappa", options_.kappa)
        .hyper("acquisition_grid", options_.acquisition_grid)
        .hyper("max_reasks", options_.max_reasks)
        .hyper("normalization", std::string_view(name_of(options_.normalization)));
  }
  static void check_finite(const state_reader& r, const char* field, double v) {
    if (!std::isfinite(v)) r.fail_field(field, detail::format_value(v), "finite");
  }

  static constexpr double nan_score = 1e6;  // the authors tell a NaN forecast as 1e6

  [[nodiscard]] double ask() {
    if (us_.empty()) return rng_.uniform();
    gp_options gpo;
    gpo.normalization = options_.normalization;
    gaussian_process gp(gpo);
    gp.fit(us_, ys_, gp_seed_);
    return lcb_argmin(gp, options_.kappa, 0.0, 1.0, options_.acquisition_grid);
  }

  [[nodiscard]] std::vector<double> checked_train(autolrs_trainer& trainer, step_t steps,
                                                  double lr) {
    std::vector<double> losses = trainer.train(steps, lr);
    detail::require(static_cast<step_t>(losses.size()) == steps, "autolrs",
                    "trainer.train(steps, lr).size()", "== steps = " + std::to_string(steps),
                    losses.size());
    return losses;
  }

  void explore(autolrs_trainer& trainer) {
    autolrs next = *this;  // commit only when everything succeeded
    if (next.candidate_ == 0) next.gp_seed_ = next.rng_.next();
    double u = next.ask();
    double lr = lr_from_unit(u);
    for (int re = 0; std::find(next.lrs_.begin(), next.lrs_.end(), lr) != next.lrs_.end(); ++re) {
      const auto at = std::find(next.lrs_.begin(), next.lrs_.end(), lr) - next.lrs_.begin();
      next.us_.push_back(u);
      next.ys_.push_back(next.forecasts_[static_cast<std::size_t>(at)]);
      u = re < options_.max_reasks ? next.ask() : next.rng_.uniform();
      lr = lr_from_unit(u);
    }
    if (next.candidate_ == 0) {
      trainer.save_checkpoint();
    } else {
      trainer.restore_checkpoint();
    }
    double score = nan_score;
    if (!next.validation_) {
      const std::vector<double> losses = checked_train(trainer, next.tau_prime_, lr);
      next.total_ += next.tau_prime_;
      if (!next.has_init_loss_ && std::isfinite(losses.front())) {
        next.has_init_loss_ = true;
        next.init_loss_ = losses.front();
      }
      const double f = exp_forecast(losses, static_cast<double>(next.tau_), true);
      if (std::isfinite(f)) score = f;
    } else {
      const step_t freq = next.tau_prime_ / 16;
      const step_t samples = next.tau_prime_ / freq;
      std::vector<double> val;
      for (step_t j = 0; j < samples; ++j) {
        (void)checked_train(trainer, freq, lr);
        val.push_back(trainer.validation_loss());
      }
      next.total_ += samples * freq;
      const double f = exp_forecast(val, static_cast<double>(next.tau_ / freq), false);
      if (std::isfinite(f)) {
        score = f;
        if (next.has_init_loss_ && *std::max_element(val.begin(), val.end()) >= next.init_loss_)
          score = val.back();
      }
    }
    next.us_.push_back(u);
    next.ys_.push_back(score);
    next.lrs_.push_back(lr);
    next.forecasts_.push_back(score);
    ++next.candidate_;
    *this = std::move(next);
  }

  void exploit(autolrs_trainer& trainer) {
    const auto best = static_cast<std::size_t>(
        std::min_element(forecasts_.begin(), forecasts_.end()) - forecasts_.begin());
    trainer.restore_checkpoint();
    (void)checked_train(trainer, tau_, lrs_[best]);
    autolrs_stage st;
    st.index = stage_;
    st.tau = tau_;
    st.tau_prime = tau_prime_;
    st.validation = validation_;
    st.lrs = lrs_;
    st.forecasts = forecasts_;
    st.lr = lrs_[best];
    st.forecast = forecasts_[best];
    history_.push_back(std::move(st));
    kept_ += tau_;
    total_ += tau_;
    if (tau_prime_ * 10 < options_.tau_max) {
      tau_prime_ *= 2;
      tau_ *= 2;
    } else if (trainer.has_validation()) {
      validation_ = true;
    }
    ++stage_;
    candidate_ = 0;
    us_.clear();
    ys_.clear();
    lrs_.clear();
    forecasts_.clear();
  }

  autolrs_options options_;
  detail::splitmix64 rng_;
  std::uint64_t gp_seed_ = 0;
  int stage_ = 0;
  int candidate_ = 0;
  step_t tau_ = 0;
  step_t tau_prime_ = 0;
  bool validation_ = false;
  step_t kept_ = 0;
  step_t total_ = 0;
  bool has_init_loss_ = false;
  double init_loss_ = 0;
  std::vector<double> us_, ys_;          // GP observations of this stage (re-tells included)
  std::vector<double> lrs_, forecasts_;  // candidates explored in this stage
  std::vector<autolrs_stage> history_;
};

}  // namespace lrs

#endif  // LRS_CONTROLLERS_AUTOLRS_HPP
