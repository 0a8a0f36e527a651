// SPDX-License-Identifier: MIT
// AutoLRS: a constant LR per stage, chosen by Bayesian optimisation over forecast losses.
#ifndef LRS_CONTROLLERS_AUTOLRS_HPP
#define LRS_CONTROLLERS_AUTOLRS_HPP

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <lrs/analysis/exp_forecast.hpp>
#include <lrs/analysis/gaussian_process.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/random.hpp>
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
};

/// One stage of the tau schedule.
struct autolrs_stage_plan {
  step_t tau_prime = 0;
  step_t tau = 0;
  bool validation = false;
};

/// A finished stage: the LRs explored (in order), their forecast losses and the LR kept.
struct autolrs_stage {
  int index = 0;
  step_t tau = 0;
  step_t tau_prime = 0;
  bool validation = false;
  std::vector<double> lrs;
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

inline std::string autolrs_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
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

  [[nodiscard]] const autolrs_options& options() const noexcept { return options_; }
  /// Index of the current stage (0-based) and of its next candidate (k means exploitation).
  [[nodiscard]] int stage() const noexcept { return stage_; }
  [[nodiscard]] int candidate() const noexcept { return candidate_; }
  [[nodiscard]] step_t tau() const noexcept { return tau_; }
  [[nodiscard]] step_t tau_prime() const noexcept { return tau_prime_; }
  [[nodiscard]] bool validation_mode() const noexcept { return validation_; }
  /// Steps trained at a kept LR, and all steps trained (exploration included).
  [[nodiscard]] step_t kept_steps() const noexcept { return kept_; }
  [[nodiscard]] step_t total_steps() const noexcept { return total_; }
  /// LRs and scores explored so far in the current stage.
  [[nodiscard]] const std::vector<double>& explored_lrs() const noexcept { return lrs_; }
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

  /// Everything the controller holds, as text (numbers round-trip exactly).
  [[nodiscard]] std::string state() const {
    std::string s = "lrs::autolrs state 1\n";
    auto num = [&](double v) { s.append(" ").append(detail::autolrs_number(v)); };
    auto integer = [&](auto v) { s.append(" ").append(std::to_string(v)); };
    s.append("options");
    num(options_.min_lr);
    num(options_.max_lr);
    integer(options_.candidates);
    integer(options_.tau_max);
    num(options_.kappa);
    s.append("\nposition");
    integer(stage_);
    integer(candidate_);
    integer(tau_);
    integer(tau_prime_);
    integer(validation_ ? 1 : 0);
    integer(kept_);
    integer(total_);
    s.append("\nrng");
    integer(rng_.state());
    integer(gp_seed_);
    s.append("\ninit_loss");
    integer(has_init_loss_ ? 1 : 0);
    num(init_loss_);
    s.append("\nobserved");
    integer(us_.size());
    for (std::size_t i = 0; i < us_.size(); ++i) {
      num(us_[i]);
      num(ys_[i]);
    }
    s.append("\nexplored");
    integer(lrs_.size());
    for (std::size_t i = 0; i < lrs_.size(); ++i) {
      num(lrs_[i]);
      num(forecasts_[i]);
    }
    s.append("\nhistory");
    integer(history_.size());
    for (const auto& h : history_) {
      s.append("\nstage");
      integer(h.index);
      integer(h.tau);
      integer(h.tau_prime);
      integer(h.validation ? 1 : 0);
      num(h.lr);
      num(h.forecast);
      integer(h.lrs.size());
      for (std::size_t i = 0; i < h.lrs.size(); ++i) {
        num(h.lrs[i]);
        num(h.forecasts[i]);
      }
    }
    s.append("\nend\n");
    return s;
  }

  /// Restores a state() of a controller built with the same options (LR range, k, tau_max,
  /// kappa). @throws lrs::invalid_argument on a corrupt or mismatched state, leaving this
  /// controller unchanged.
  void load_state(const std::string& text) {
    autolrs next = *this;
    std::istringstream in(text);
    auto fail = [](const std::string& what) {
      detail::throw_invalid("autolrs", "state", "a state() of the same configuration", what);
    };
    auto expect = [&](const char* word) {
      std::string w;
      if (!(in >> w) || w != word) fail(std::string("no '") + word + "' field");
    };
    auto read_double = [&](bool finite) {
      std::string w;
      if (!(in >> w)) fail("truncated text");
      char* end = nullptr;
      const double v = std::strtod(w.c_str(), &end);
      if (end == w.c_str() || *end != '\0') fail("'" + w + "' where a number was expected");
      if (finite && !std::isfinite(v)) fail("non-finite value " + w);
      return v;
    };
    auto read_int = [&](long long lo, long long hi) {
      std::string w;
      if (!(in >> w)) fail("truncated text");
      char* end = nullptr;
      errno = 0;
      const long long v = std::strtoll(w.c_str(), &end, 10);
      if (end == w.c_str() || *end != '\0' || errno != 0 || v < lo || v > hi)
        fail("'" + w + "' where an integer in range was expected");
      return v;
    };
    auto read_u64 = [&]() {
      std::string w;
      if (!(in >> w)) fail("truncated text");
      char* end = nullptr;
      errno = 0;
      const unsigned long long v = std::strtoull(w.c_str(), &end, 10);
      if (end == w.c_str() || *end != '\0' || errno != 0 || w[0] == '-')
        fail("'" + w + "' where an unsigned integer was expected");
      return static_cast<std::uint64_t>(v);
    };
    const long long max_steps = std::numeric_limits<step_t>::max() / 4;
    std::string line;
    if (!std::getline(in, line) || line != "lrs::autolrs state 1") fail("an unknown header");
    expect("options");
    const double min_lr = read_double(true), max_lr = read_double(true);
    const auto k = read_int(1, std::numeric_limits<int>::max());
    const auto tau_max = read_int(1, max_steps);
    const double kappa = read_double(true);
    if (min_lr != options_.min_lr || max_lr != options_.max_lr || k != options_.candidates ||
        tau_max != options_.tau_max || kappa != options_.kappa)
      fail("a state of a controller with other options");
    expect("position");
    next.stage_ = static_cast<int>(read_int(0, std::numeric_limits<int>::max()));
    next.candidate_ = static_cast<int>(read_int(0, k));
    next.tau_ = read_int(1, max_steps);
    next.tau_prime_ = read_int(16, max_steps);
    next.validation_ = read_int(0, 1) == 1;
    next.kept_ = read_int(0, max_steps);
    next.total_ = read_int(next.kept_, max_steps);
    expect("rng");
    next.rng_.set_state(read_u64());
    next.gp_seed_ = read_u64();
    expect("init_loss");
    next.has_init_loss_ = read_int(0, 1) == 1;
    next.init_loss_ = read_double(false);
    expect("observed");
    const auto n_obs = read_int(0, 1'000'000);
    next.us_.clear();
    next.ys_.clear();
    for (long long i = 0; i < n_obs; ++i) {
      const double u = read_double(true);
      if (u < 0 || u > 1) fail("observation outside [0, 1]");
      next.us_.push_back(u);
      next.ys_.push_back(read_double(true));
    }
    expect("explored");
    const auto n_exp = read_int(0, k);
    if (n_exp != next.candidate_ || n_exp > n_obs) fail("inconsistent candidate counts");
    next.lrs_.clear();
    next.forecasts_.clear();
    for (long long i = 0; i < n_exp; ++i) {
      next.lrs_.push_back(read_double(true));
      next.forecasts_.push_back(read_double(true));
    }
    expect("history");
    const auto n_hist = read_int(0, 1'000'000);
    if (n_hist != next.stage_) fail("a history length that differs from the stage index");
    next.history_.clear();
    for (long long h = 0; h < n_hist; ++h) {
      expect("stage");
      autolrs_stage st;
      st.index = static_cast<int>(read_int(h, h));
      st.tau = read_int(1, max_steps);
      st.tau_prime = read_int(1, max_steps);
      st.validation = read_int(0, 1) == 1;
      st.lr = read_double(true);
      st.forecast = read_double(true);
      const auto m = read_int(0, k);
      for (long long i = 0; i < m; ++i) {
        st.lrs.push_back(read_double(true));
        st.forecasts.push_back(read_double(true));
      }
      next.history_.push_back(std::move(st));
    }
    expect("end");
    std::string extra;
    if (in >> extra) fail("trailing text");
    *this = std::move(next);
  }

 private:
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
