// SPDX-License-Identifier: MIT
// The Multi-Power Law of loss curves across LR schedules: the law, its fast evaluation, its fit
// (defined in multi_power_law_impl.hpp; in lrs_compiled in the compiled mode, config.hpp).
#ifndef LRS_ANALYSIS_MULTI_POWER_LAW_HPP
#define LRS_ANALYSIS_MULTI_POWER_LAW_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include <lrs/analysis/scaling_law.hpp>
#include <lrs/config.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/thread_pool.hpp>
#include <lrs/core/traits.hpp>
#include <lrs/core/types.hpp>

namespace lrs {

/// Which steps' LR changes the Multi-Power Law's loss-reduction sum runs over. The two give
/// different numbers for the same data (published parameters are in one or the other).
///
/// - `code`: every change from step 1 on, the warm-up's increases included (the authors' code,
///   github.com/thu-yao-01-luo/MultiPowerLaw `src/models.py`; the parameters in its README).
/// - `paper`: only the changes after the warm-up, from step W on (the paper's eq. 1-2, where
///   t = 1 is the step after a warm-up of W steps and S_W, the warm-up's LR sum, is in S1).
enum class mpl_convention { code, paper };

/// The names of the conventions: "code", "paper".
template <>
struct enum_names<mpl_convention> {
  /// The table read by name_of and parse_enum.
  static constexpr enum_name<mpl_convention> table[] = {{mpl_convention::code, "code"},
                                                        {mpl_convention::paper, "paper"}};
};

/// The name of an mpl_convention ("code" or "paper").
[[nodiscard]] inline const char* to_string(mpl_convention c) noexcept {
  return name_of(c);
}

/// How the law is evaluated on an LR sequence.
struct mpl_eval_options {
  /// Paper convention only: the warm-up length W, the first step whose LR change is summed.
  /// -1 (default) detects it: one past the end of the leading rise (the first step whose LR is
  /// not below the next one's), so a linear warm-up 0, ..., peak over steps 0..W-1 gives W.
  /// @pre >= -1; when given, < the sequence's length.
  step_t warmup_steps = -1;
  /// Relative tolerance of the evaluation; 0 sums every LR change exactly (O(P x T) for P
  /// points of a T-step run). Above 0, consecutive same-signed LR changes whose areas to the
  /// evaluated step differ by at most `tolerance` of the nearest one's, and whose LRs by at
  /// most `tolerance` in log, are summed as one change at their weighted centre: the midpoint
  /// rule, whose relative error on each group is about beta (beta + 1) tolerance^2 / 24. On a
  /// 72 000-step cosine the default is within 1e-7 of the exact sum (tests check it).
  /// @pre in [0, 0.5].
  double tolerance = 1e-2;

  /// @throws lrs::invalid_argument naming `who` and the parameter.
  void validate(std::string_view who) const {
    detail::require(warmup_steps >= -1, who, "warmup_steps", ">= -1 (-1: detect)", warmup_steps);
    detail::require_in_range(who, "tolerance", tolerance, 0.0, 0.5);
  }

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = mpl_eval_options{}.with_warmup_steps(...)`); they do not validate, the function
  // taking the options does.
  /// Sets `warmup_steps` (see the field); returns *this for chaining.
  constexpr mpl_eval_options& with_warmup_steps(step_t v) noexcept {
    warmup_steps = v;
    return *this;
  }
  /// Sets `tolerance` (see the field); returns *this for chaining.
  constexpr mpl_eval_options& with_tolerance(double v) noexcept {
    tolerance = v;
    return *this;
  }
};

namespace detail {

/// One group of LR changes as the law sees it: the summed change w, the area from the group's
/// centre to the evaluated step (sum of the LRs of steps j..s, weighted over the group), and the
/// weighted mean of ln eta_j (-inf for a change to LR 0).
struct mpl_term {
  double w, area, ln_lr;
};

/// The first step whose LR change is summed under `conv` (>= 1).
/// @throws lrs::invalid_argument if an explicit warmup_steps is >= lr.size().
[[nodiscard]] inline std::size_t mpl_first_change(std::string_view who,
                                                  const std::vector<double>& lr,
                                                  mpl_convention conv,
                                                  const mpl_eval_options& opt) {
  if (conv == mpl_convention::code) return 1;
  if (opt.warmup_steps < 0) return detect_warmup_end(lr) + 1;
  require(opt.warmup_steps < static_cast<step_t>(lr.size()), who, "warmup_steps",
          "< the LR sequence's length (" + std::to_string(lr.size()) + ")", opt.warmup_steps);
  return std::max<std::size_t>(1, static_cast<std::size_t>(opt.warmup_steps));
}

/// The LR sequence prepared for evaluation: its running sum, the steps whose LR changes, and
/// those changes summed over aligned runs of 2, 4, 8, ... consecutive ones (a binary tree over
/// the changes), so that a point's grouped sum visits O(groups) nodes instead of every change.
class mpl_sequence {
 public:
  mpl_sequence(const std::vector<double>& lr, std::size_t first) : cum_(lr.size()) {
    double s = 0;
    for (std::size_t i = 0; i < lr.size(); ++i) cum_[i] = s += lr[i];
    std::vector<node> base;
    for (std::size_t j = std::max<std::size_t>(first, 1); j < lr.size(); ++j) {
      if (lr[j] == lr[j - 1]) continue;
      moves_.push_back(j);
      const double w = lr[j] - lr[j - 1];
      const double p = cum_[j - 1];
      const double l = lr[j] > 0 ? std::log(lr[j]) : -std::numeric_limits<double>::infinity();
      base.push_back(node{w, 0.0, w * l, l, l, p, p, lr[j] > 0 ? (w > 0 ? 1 : -1) : 0});
    }
    levels_.push_back(std::move(base));
    while (levels_.back().size() >= 2) {
      const std::vector<node>& below = levels_.back();
      std::vector<node> up(below.size() / 2);
      for (std::size_t i = 0; i < up.size(); ++i) {
        const node& lo = below[2 * i];  // the earlier changes
        const node& hi = below[2 * i + 1];
        up[i] = node{lo.sw + hi.sw,
                     hi.swd + lo.swd + lo.sw * (hi.p_top - lo.p_top),
                     lo.swl + hi.swl,
                     std::min(lo.l_min, hi.l_min),
                     std::max(lo.l_max, hi.l_max),
                     hi.p_top,
                     lo.p_bottom,
                     lo.sign == hi.sign ? lo.sign : 0};
      }
      levels_.push_back(std::move(up));
    }
  }

  [[nodiscard]] const std::vector<double>& cum() const noexcept { return cum_; }

  /// Calls emit(term) for the LR changes at steps <= s, nearest first: each change on its own
  /// when tol = 0, else grouped (see mpl_eval_options::tolerance) along the aligned runs: a run
  /// is one group when its changes have one sign, LRs > 0 within tol in log, and areas to s
  /// within tol of the run's nearest one's. Changes to LR 0 are always on their own.
  template <class Emit>
  void for_each_term(std::size_t s, double tol, Emit&& emit) const {
    const double at = cum_[s];
    std::size_t k = static_cast<std::size_t>(std::upper_bound(moves_.begin(), moves_.end(), s) -
                                             moves_.begin());  // changes [0, k) remain
    while (k > 0) {
      std::size_t level = 0;
      if (tol > 0) {
        // The largest aligned run ending at change k - 1 that may be one group.
        while (level + 1 < levels_.size() && (k >> (level + 1) << (level + 1)) == k) ++level;
        for (; level > 0; --level) {
          const node& n = levels_[level][(k >> level) - 1];
          if (n.sign != 0 && n.l_max - n.l_min <= tol &&
              n.p_top - n.p_bottom <= tol * (at - n.p_top))
            break;
        }
      }
      const node& n = levels_[level][(k >> level) - 1];
      emit(mpl_term{n.sw, (at - n.p_top) + n.swd / n.sw, n.swl / n.sw});
      k -= std::size_t(1) << level;
    }
  }

 private:
  struct node {
    double sw;   ///< sum of the changes w
    double swd;  ///< sum of w (p_top - p): the areas' offsets from the run's nearest change
    double swl;  ///< sum of w ln eta
    double l_min, l_max;
    double p_top;     ///< cum[j - 1] of the run's last change
    double p_bottom;  ///< cum[j - 1] of its first change
    int sign;         ///< +1 / -1 when every change rises / falls to an LR > 0, else 0
  };
  std::vector<double> cum_;
  std::vector<std::size_t> moves_;
  std::vector<std::vector<node>> levels_;
};

}  // namespace detail

/// The Multi-Power Law (Luo, Wen, Hu, Wang, Jin, Liu, Lyu, "A Multi-Power Law for Loss Curve
/// Prediction Across Learning Rate Schedules", ICLR 2025, arXiv:2503.12811), a value type:
///
///   L(s) = L0 + A S1(s)^-alpha + B sum_j (eta_j - eta_{j-1}) G(eta_j^-gamma S_j(s))
///   S1(s) = eta_0 + ... + eta_s,   S_j(s) = eta_j + ... + eta_s,   G(x) = 1 - (1 + C x)^-beta
///
/// for the loss after the update of step s of an LR sequence eta (one LR per step, warm-up
/// included), the sum over j <= s as `convention` says (mpl_convention). A constant LR gives
/// the power law L0 + A S1^-alpha; each drop lowers the loss by up to B times its size, the
/// more the longer the run goes on after it. The default law is all zeros.
class multi_power_law {
 public:
  multi_power_law() = default;
  /// @pre every parameter finite; A, alpha, B, C, beta, gamma >= 0.
  /// @throws lrs::invalid_argument naming the parameter otherwise.
  multi_power_law(double l0, double a, double alpha, double b, double c, double beta, double gamma,
                  mpl_convention convention = mpl_convention::code)
      : p_{l0, a, alpha, b, c, beta, gamma}, convention_(convention) {
    constexpr std::string_view who = "multi_power_law";
    detail::require_finite(who, "L0", l0);
    detail::require_non_negative(who, "A", a);
    detail::require_non_negative(who, "alpha", alpha);
    detail::require_non_negative(who, "B", b);
    detail::require_non_negative(who, "C", c);
    detail::require_non_negative(who, "beta", beta);
    detail::require_non_negative(who, "gamma", gamma);
  }
  /// From {L0, A, alpha, B, C, beta, gamma}, the order of the authors' code and README.
  /// @throws lrs::invalid_argument as the other constructor.
  multi_power_law(const std::array<double, 7>& p, mpl_convention convention = mpl_convention::code)
      : multi_power_law(p[0], p[1], p[2], p[3], p[4], p[5], p[6], convention) {}

  /// L0, the loss the power-law term tends to as S1 grows (finite; may be negative).
  [[nodiscard]] double l0() const noexcept { return p_[0]; }
  /// A, the scale of the power-law term A S1^-alpha (>= 0).
  [[nodiscard]] double a() const noexcept { return p_[1]; }
  /// alpha, the exponent of S1 (>= 0).
  [[nodiscard]] double alpha() const noexcept { return p_[2]; }
  /// B, the largest loss reduction per unit of LR drop (>= 0).
  [[nodiscard]] double b() const noexcept { return p_[3]; }
  /// C, the rate inside G(x) = 1 - (1 + C x)^-beta (>= 0).
  [[nodiscard]] double c() const noexcept { return p_[4]; }
  /// beta, the exponent of G (>= 0).
  [[nodiscard]] double beta() const noexcept { return p_[5]; }
  /// gamma, the exponent of eta_j in G's argument eta_j^-gamma S_j(s) (>= 0).
  [[nodiscard]] double gamma() const noexcept { return p_[6]; }
  /// Which LR changes the loss-reduction sum runs over (see mpl_convention).
  [[nodiscard]] mpl_convention convention() const noexcept { return convention_; }
  /// {L0, A, alpha, B, C, beta, gamma}.
  [[nodiscard]] const std::array<double, 7>& parameters() const noexcept { return p_; }

  /// The predicted loss at each of `steps` of the LR sequence `lr`, in O(P (T + G)) for P steps,
  /// T LRs and G groups of changes (see mpl_eval_options::tolerance; exact when it is 0).
  /// @pre lr non-empty, finite, >= 0; steps in [0, lr.size()) (any order); S1 > 0 at each.
  /// @throws lrs::invalid_argument naming the bad entry or option.
  [[nodiscard]] std::vector<double> predict(const std::vector<double>& lr,
                                            const std::vector<step_t>& steps,
                                            const mpl_eval_options& opt = {}) const {
    constexpr std::string_view who = "multi_power_law::predict";
    opt.validate(who);
    detail::require_lr_sequence(who, lr);
    const detail::mpl_sequence seq(lr, detail::mpl_first_change(who, lr, convention_, opt));
    std::vector<double> out(steps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const step_t s = steps[i];
      if (s < 0 || s >= static_cast<step_t>(lr.size()))
        detail::throw_invalid(who, "steps[" + std::to_string(i) + "]",
                              "in [0, " + std::to_string(lr.size()) + ")", s);
      const auto su = static_cast<std::size_t>(s);
      if (!(seq.cum()[su] > 0))
        detail::throw_invalid(who, "steps[" + std::to_string(i) + "]",
                              "a step with S1 > 0 (some LR up to it non-zero)", s);
      out[i] = at(seq, su, opt.tolerance);
    }
    return out;
  }

  /// The predicted loss at every step of `lr` (steps 0..T-1). @throws as predict.
  [[nodiscard]] std::vector<double> curve(const std::vector<double>& lr,
                                          const mpl_eval_options& opt = {}) const {
    std::vector<step_t> steps(lr.size());
    for (std::size_t i = 0; i < steps.size(); ++i) steps[i] = static_cast<step_t>(i);
    return predict(lr, steps, opt);
  }

  /// The predicted loss at `steps` of the first `total_steps` LRs of a schedule.
  /// @pre total_steps > 0. @throws as predict.
  template <class Schedule>
  [[nodiscard]] std::vector<double> predict(const Schedule& schedule, step_t total_steps,
                                            const std::vector<step_t>& steps,
                                            const mpl_eval_options& opt = {}) const {
    LRS_REQUIRE_SCHEDULE_IN("lrs::multi_power_law::predict",
                            "analyse the schedule s inside plateau_scaled(s, opts)", Schedule);
    detail::require_positive("multi_power_law::predict", "total_steps", total_steps);
    std::vector<double> lr(static_cast<std::size_t>(total_steps));
    for (step_t t = 0; t < total_steps; ++t)
      lr[static_cast<std::size_t>(t)] = static_cast<double>(schedule(t));
    return predict(lr, steps, opt);
  }

  /// The predicted loss after the last step of `lr`. @throws as predict.
  [[nodiscard]] double final_loss(const std::vector<double>& lr,
                                  const mpl_eval_options& opt = {}) const {
    return predict(lr, {static_cast<step_t>(lr.size()) - 1}, opt).front();
  }

  /// Equal when the seven parameters (exact comparison of doubles) and the convention are.
  friend bool operator==(const multi_power_law& x, const multi_power_law& y) noexcept {
    return x.p_ == y.p_ && x.convention_ == y.convention_;
  }
  /// Not equal: a parameter or the convention differs.
  friend bool operator!=(const multi_power_law& x, const multi_power_law& y) noexcept {
    return !(x == y);
  }

 private:
  [[nodiscard]] double at(const detail::mpl_sequence& seq, std::size_t s, double tol) const {
    // The terms are gathered, then G evaluated over them with Eigen's vectorised log and exp.
    thread_local std::vector<double> w, u;
    w.clear();
    u.clear();
    double saturated = 0;  // changes to LR 0 with area after them: G = 1
    const double c = p_[4], gamma = p_[6];
    seq.for_each_term(s, tol, [&](const detail::mpl_term& t) {
      if (!(t.area > 0)) return;  // G(0) = 0
      if (std::isinf(t.ln_lr)) {
        saturated += t.w;
        return;
      }
      w.push_back(t.w);
      u.push_back(c * std::exp(-gamma * t.ln_lr) * t.area);
    });
    const auto n = static_cast<Eigen::Index>(w.size());
    const Eigen::Map<const Eigen::ArrayXd> wa(w.data(), n), ua(u.data(), n);
    const double ld = saturated + (wa * (1.0 - (-p_[5] * ua.log1p()).exp())).sum();
    return p_[0] + p_[1] * std::pow(seq.cum()[s], -p_[2]) + p_[3] * ld;
  }

  std::array<double, 7> p_{};
  mpl_convention convention_ = mpl_convention::code;
};

/// Options of fit_multi_power_law.
struct mpl_fit_options {
  /// The convention of the fitted law (see mpl_convention).
  mpl_convention convention = mpl_convention::code;
  /// Paper convention: the warm-up length (see mpl_eval_options::warmup_steps). @pre >= -1.
  step_t warmup_steps = -1;
  /// Huber threshold on log residuals (the authors' 1e-3). @pre > 0.
  double huber_delta = 1e-3;
  /// Grouping tolerance of the evaluations during the fit (see mpl_eval_options::tolerance);
  /// the reported objective and errors are evaluated at it too. The default's error, a few 1e-6
  /// of the loss, is far below the noise of any loss curve. @pre in [0, 0.5].
  double tolerance = 0.1;
  // (The starts run at 0.3, the best of them is finished at this tolerance.)
  /// Lower bounds of beta and gamma; both are at most 1 (the paper's suggested range (0, 1]).
  /// @pre in (0, 1).
  double beta_min = 1e-3;
  /// Lower bound of gamma (see beta_min). @pre in (0, 1).
  double gamma_min = 1e-3;
  int max_iterations = 3000;  ///< L-BFGS-B iterations per start. @pre > 0
  double ftol = 1e-12;        ///< relative objective decrease that stops a start. @pre >= 0
  double gtol = 1e-9;         ///< projected-gradient tolerance. @pre >= 0
  /// Starting points {L0, A, alpha, B, C, beta, gamma}; empty (default): 8 placed from the
  /// data (see fit_multi_power_law).
  std::vector<std::array<double, 7>> starts;
  /// Weight of a quadratic pull of beta and gamma toward 1/2, the middle of their range:
  /// prior n delta^2 ((beta - 1/2)^2 + (gamma - 1/2)^2) is added to the objective (n loss
  /// points, delta = huber_delta: a unit of prior weighs like every point off by delta). With
  /// two or three runs and one LR drop among them, beta and B trade off and the unpulled fit
  /// drifts to beta -> 0; the pull keeps them where the data cannot tell. 0: none.
  /// Default 10, chosen by held-out error (docs/loss_curves.md). @pre >= 0.
  double prior = 10;
  /// Threads the starts run on (results are the same for every value). @pre in [1, 4096].
  std::size_t threads = 1;

  /// @throws lrs::invalid_argument naming `who` and the parameter.
  void validate(std::string_view who) const {
    detail::require(warmup_steps >= -1, who, "warmup_steps", ">= -1 (-1: detect)", warmup_steps);
    detail::require_positive(who, "huber_delta", huber_delta);
    detail::require_in_range(who, "tolerance", tolerance, 0.0, 0.5);
    detail::require_in_range(who, "beta_min", beta_min, 0.0, 1.0, true, true);
    detail::require_in_range(who, "gamma_min", gamma_min, 0.0, 1.0, true, true);
    detail::require_non_negative(who, "prior", prior);
    detail::require_positive(who, "max_iterations", max_iterations);
    detail::require_non_negative(who, "ftol", ftol);
    detail::require_non_negative(who, "gtol", gtol);
    detail::require(threads >= 1 && threads <= 4096, who, "threads", "in [1, 4096]", threads);
  }

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = mpl_fit_options{}.with_convention(...)`); they do not validate, the function
  // taking the options does.
  /// Sets `convention` (see the field); returns *this for chaining.
  mpl_fit_options& with_convention(mpl_convention v) noexcept {
    convention = v;
    return *this;
  }
  /// Sets `warmup_steps` (see the field); returns *this for chaining.
  mpl_fit_options& with_warmup_steps(step_t v) noexcept {
    warmup_steps = v;
    return *this;
  }
  /// Sets `huber_delta` (see the field); returns *this for chaining.
  mpl_fit_options& with_huber_delta(double v) noexcept {
    huber_delta = v;
    return *this;
  }
  /// Sets `tolerance` (see the field); returns *this for chaining.
  mpl_fit_options& with_tolerance(double v) noexcept {
    tolerance = v;
    return *this;
  }
  /// Sets `beta_min` (see the field); returns *this for chaining.
  mpl_fit_options& with_beta_min(double v) noexcept {
    beta_min = v;
    return *this;
  }
  /// Sets `gamma_min` (see the field); returns *this for chaining.
  mpl_fit_options& with_gamma_min(double v) noexcept {
    gamma_min = v;
    return *this;
  }
  /// Sets `max_iterations` (see the field); returns *this for chaining.
  mpl_fit_options& with_max_iterations(int v) noexcept {
    max_iterations = v;
    return *this;
  }
  /// Sets `ftol` (see the field); returns *this for chaining.
  mpl_fit_options& with_ftol(double v) noexcept {
    ftol = v;
    return *this;
  }
  /// Sets `gtol` (see the field); returns *this for chaining.
  mpl_fit_options& with_gtol(double v) noexcept {
    gtol = v;
    return *this;
  }
  /// Sets `starts` (see the field); returns *this for chaining.
  mpl_fit_options& with_starts(std::vector<std::array<double, 7>> v) {
    starts = std::move(v);
    return *this;
  }
  /// Sets `prior` (see the field); returns *this for chaining.
  mpl_fit_options& with_prior(double v) noexcept {
    prior = v;
    return *this;
  }
  /// Sets `threads` (see the field); returns *this for chaining.
  mpl_fit_options& with_threads(std::size_t v) noexcept {
    threads = v;
    return *this;
  }
};

/// The outcome of fit_multi_power_law.
struct mpl_fit_result {
  multi_power_law law;                    ///< the fitted law
  double objective = 0;                   ///< sum of Huber(ln y - ln prediction) at the optimum
  double r2 = 0;                          ///< R^2 on raw losses, all runs together
  double rmse = 0;                        ///< RMSE on raw losses, all runs together
  std::vector<double> run_rmse;           ///< RMSE of each run
  std::vector<double> run_max_rel_error;  ///< largest |prediction - y| / y of each run
  /// How the fit ended (no_valid_start: `law` is the default, all zeros).
  fit_status status = fit_status::no_valid_start;
  int iterations = 0;    ///< iterations of the best start
  int starts_tried = 0;  ///< starts with a valid prediction at every point
  long evaluations = 0;  ///< objective evaluations over all starts
  /// Approximate standard errors of {ln A, alpha, ln B, ln C, beta, gamma} and of L0 (first),
  /// from the Gauss-Newton curvature of the least-squares log residuals at the optimum (noise
  /// taken from the residuals); +inf where the curvature is singular. Residuals of a loss curve
  /// are correlated, so these are lower bounds of the real uncertainty.
  std::array<double, 7> std_error{};
  /// The parameters the data does not determine: at a bound of the fit (beta or gamma at
  /// beta_min/gamma_min or 1), or with a standard error above 0.5 (beta, gamma, alpha) or
  /// above ln 10 (ln A, ln B, ln C). Named as in the law: "beta", "B", ... Empty when every
  /// parameter is determined. A fit with one LR drop seen typically leaves beta and B here.
  std::vector<std::string> undetermined;
};

/// Fits the Multi-Power Law to one or more runs jointly: minimise the sum over all loss points
/// of Huber_delta(ln y - ln L(s)) (the authors' objective) with bounded L-BFGS-B and an
/// analytic gradient, in (L0, ln A, alpha, ln B, ln C, beta, gamma) with beta, gamma in
/// [beta_min, 1] x [gamma_min, 1], from several starts; the lowest objective wins.
///
/// The default starts: the power law L0 + A S1^-alpha is first fitted to every point (B = 0),
/// then 8 starts take its L0, A, alpha with beta, gamma in {0.3, 0.7} and (B, C) in
/// {(0.5 (max y - min y) / max LR, 1), (2 (max y - min y) / max LR, 4)} — placed from the data,
/// so the fit works at any scale of losses and LRs.
/// @pre runs non-empty; each run: lr finite, >= 0, non-empty; steps strictly increasing in
///   [0, lr.size()), S1 > 0 at each; losses finite and > 0, as many as steps. At least 8
///   points in total.
/// @throws lrs::invalid_argument naming the run, the entry and the value for any violation.
template <class = void>
[[nodiscard]] mpl_fit_result fit_multi_power_law(const std::vector<loss_run>& runs,
                                                 const mpl_fit_options& opt = {});

#if defined(LRS_COMPILED)
// Compiled once, in lrs_compiled (src/laws.cpp).
extern template mpl_fit_result fit_multi_power_law<>(const std::vector<loss_run>&,
                                                     const mpl_fit_options&);
#endif

}  // namespace lrs

#if LRS_DEFINITIONS
#include <lrs/analysis/multi_power_law_impl.hpp>
#endif

#endif  // LRS_ANALYSIS_MULTI_POWER_LAW_HPP
