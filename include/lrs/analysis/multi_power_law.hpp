// SPDX-License-Identifier: MIT
// The Multi-Power Law of loss curves across LR schedules: the law, its fast evaluation, its fit.
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

#include <LBFGSB.h>
#include <Eigen/Core>
#include <Eigen/Dense>

#include <lrs/analysis/scaling_law.hpp>
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

namespace detail {

/// The fit's data: for each loss point ln S1, ln y, the saturated changes, and its grouped
/// LR-change terms (w, area, ln eta) in one array, point by point.
struct mpl_fit_data {
  std::vector<double> ln_s1, ln_y, y, saturated;
  std::vector<Eigen::Index> offset{0};  ///< terms of point i: [offset[i], offset[i + 1])
  std::vector<double> w, area, ln_lr;
  std::vector<std::size_t> run_end;  ///< points of run r end at run_end[r]

  /// Adds the points of `run`, their LR changes grouped within `tol`; none when `terms` is
  /// false (the power law alone).
  void add_run(const mpl_sequence& seq, const loss_run& run, double tol, bool terms = true) {
    for (std::size_t i = 0; i < run.steps.size(); ++i) {
      const auto s = static_cast<std::size_t>(run.steps[i]);
      ln_s1.push_back(std::log(seq.cum()[s]));
      ln_y.push_back(std::log(run.losses[i]));
      y.push_back(run.losses[i]);
      if (!terms) {
        saturated.push_back(0);
        offset.push_back(static_cast<Eigen::Index>(w.size()));
        continue;
      }
      double sat = 0;
      seq.for_each_term(s, tol, [&](const mpl_term& t) {
        if (!(t.area > 0)) return;
        if (std::isinf(t.ln_lr)) {
          sat += t.w;
          return;
        }
        w.push_back(t.w);
        area.push_back(t.area);
        ln_lr.push_back(t.ln_lr);
      });
      saturated.push_back(sat);
      offset.push_back(static_cast<Eigen::Index>(w.size()));
    }
    run_end.push_back(y.size());
  }
  [[nodiscard]] Eigen::Index points() const noexcept { return static_cast<Eigen::Index>(y.size()); }
};

/// The fit's objective in x = (L0, ln A, alpha, ln B, ln C, beta, gamma): sum of
/// Huber(ln y - ln L) and its analytic gradient. Outside the domain (a prediction <= 0) it
/// returns 2 max_f + 1 with a zero gradient, so a line search backtracks (as law_objective).
class mpl_objective {
 public:
  mpl_objective(const mpl_fit_data& d, double delta, double prior = 0, double center = 0.5)
      : d_(d), delta_(delta), prior_(prior), center_(center) {
    const Eigen::Index n = d.points();
    point_of_.resize(static_cast<Eigen::Index>(d.w.size()));
    for (Eigen::Index i = 0; i < n; ++i)
      point_of_
          .segment(d.offset[std::size_t(i)],
                   d.offset[std::size_t(i) + 1] - d.offset[std::size_t(i)])
          .setConstant(i);
  }

  /// The predictions at x (and the terms' q = (1 + u)^-beta, u, ln(1 + u) for the gradient).
  void predict(const Eigen::VectorXd& x, Eigen::ArrayXd& pred) {
    const Eigen::Index n = d_.points();
    const auto m = static_cast<Eigen::Index>(d_.w.size());
    const Eigen::Map<const Eigen::ArrayXd> w(d_.w.data(), m), area(d_.area.data(), m),
        ln_lr(d_.ln_lr.data(), m), ln_s1(d_.ln_s1.data(), n), sat(d_.saturated.data(), n);
    u_ = std::exp(x[4]) * (-x[6] * ln_lr).exp() * area;
    lg_ = u_.log1p();
    q_ = (-x[5] * lg_).exp();
    const Eigen::ArrayXd wg = w * (1.0 - q_);
    ld_ = sat;
    for (Eigen::Index i = 0; i < n; ++i) {
      const Eigen::Index b = d_.offset[std::size_t(i)], e = d_.offset[std::size_t(i) + 1];
      ld_[i] += wg.segment(b, e - b).sum();
    }
    pw_ = (-x[2] * ln_s1).exp();
    pred = x[0] + std::exp(x[1]) * pw_ + std::exp(x[3]) * ld_;
  }

  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    ++evaluations;
    const Eigen::Index n = d_.points();
    Eigen::ArrayXd pred;
    predict(x, pred);
    if (!(pred > 0.0 && pred < std::numeric_limits<double>::infinity()).all()) {
      last_valid = false;
      g.setZero();
      return 2 * max_f + 1;
    }
    const Eigen::Map<const Eigen::ArrayXd> ln_y(d_.ln_y.data(), n), ln_s1(d_.ln_s1.data(), n);
    const Eigen::ArrayXd r = ln_y - pred.log();
    const Eigen::ArrayXd dr = r.max(-delta_).min(delta_);
    const double db = x[5] - center_, dgm = x[6] - center_;
    const double f = (dr * (r - 0.5 * dr)).sum() + prior_ * (db * db + dgm * dgm);
    const Eigen::ArrayXd wp = -dr / pred;  // d f / d pred
    const double a = std::exp(x[1]), b = std::exp(x[3]), beta = x[5];
    g[0] = wp.sum();
    g[1] = a * (wp * pw_).sum();
    g[2] = -a * (wp * pw_ * ln_s1).sum();
    g[3] = b * (wp * ld_).sum();
    const auto m = static_cast<Eigen::Index>(d_.w.size());
    const Eigen::Map<const Eigen::ArrayXd> w(d_.w.data(), m), ln_lr(d_.ln_lr.data(), m);
    Eigen::ArrayXd coef(m);
    for (Eigen::Index t = 0; t < m; ++t) coef[t] = wp[point_of_[t]];
    coef *= b * w;
    const Eigen::ArrayXd dgdu_u = beta * q_ * u_ / (1.0 + u_);  // u dG/du
    g[4] = (coef * dgdu_u).sum();
    g[5] = (coef * q_ * lg_).sum();
    g[6] = -(coef * dgdu_u * ln_lr).sum();
    g[5] += 2 * prior_ * db;
    g[6] += 2 * prior_ * dgm;
    last_valid = true;
    max_f = std::max(max_f, f);
    if (f < best_f) {
      best_f = f;
      best_x = x;
    }
    return f;
  }

  bool last_valid = false;
  double max_f = 0;
  double best_f = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_x;
  long evaluations = 0;

 private:
  const mpl_fit_data& d_;
  double delta_;
  double prior_;
  double center_;
  Eigen::Array<Eigen::Index, Eigen::Dynamic, 1> point_of_;
  Eigen::ArrayXd u_, lg_, q_, ld_, pw_;
};

/// x = (L0, ln A, alpha, ln B, ln C, beta, gamma) of a law's parameters.
[[nodiscard]] inline Eigen::VectorXd mpl_to_x(const std::array<double, 7>& p) {
  Eigen::VectorXd x(7);
  const auto lg = [](double v) { return std::log(std::max(v, 1e-300)); };
  x << p[0], lg(p[1]), p[2], lg(p[3]), lg(p[4]), p[5], p[6];
  return x;
}
[[nodiscard]] inline std::array<double, 7> mpl_from_x(const Eigen::VectorXd& x) {
  return {x[0], std::exp(x[1]), x[2], std::exp(x[3]), std::exp(x[4]), x[5], x[6]};
}

}  // namespace detail

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
[[nodiscard]] inline mpl_fit_result fit_multi_power_law(const std::vector<loss_run>& runs,
                                                        const mpl_fit_options& opt = {}) {
  constexpr std::string_view who = "fit_multi_power_law";
  opt.validate(who);
  detail::require(!runs.empty(), who, "runs", "non-empty", std::string("empty"));
  // The starts run on LR changes grouped within coarse_tol (fewer terms, within ~1e-4 of the
  // loss), the best one is then finished on `data`; the power law's own fit needs no terms.
  constexpr double coarse_tol = 0.3;
  detail::mpl_fit_data data, coarse, power_only;
  double lr_max = 0;
  mpl_eval_options eo;
  eo.warmup_steps = opt.warmup_steps;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const loss_run& run = runs[r];
    const std::string rn = "runs[" + std::to_string(r) + "].";
    detail::require(!run.lr.empty(), who, rn + "lr", "non-empty", std::string("empty"));
    for (std::size_t i = 0; i < run.lr.size(); ++i) {
      if (!(std::isfinite(run.lr[i]) && run.lr[i] >= 0))
        detail::throw_invalid(who, rn + "lr[" + std::to_string(i) + "]", "finite and >= 0",
                              run.lr[i]);
      lr_max = std::max(lr_max, run.lr[i]);
    }
    detail::require(run.steps.size() == run.losses.size(), who, rn + "losses",
                    "as many as steps (" + std::to_string(run.steps.size()) + ")",
                    run.losses.size());
    detail::require(!run.steps.empty(), who, rn + "steps", "non-empty", std::string("empty"));
    const detail::mpl_sequence seq(run.lr,
                                   detail::mpl_first_change(who, run.lr, opt.convention, eo));
    const auto t = static_cast<step_t>(run.lr.size());
    for (std::size_t i = 0; i < run.steps.size(); ++i) {
      const std::string at = "[" + std::to_string(i) + "]";
      if (run.steps[i] < 0 || run.steps[i] >= t)
        detail::throw_invalid(who, rn + "steps" + at,
                              "in [0, " + std::to_string(t) + ") (the LR sequence's length)",
                              run.steps[i]);
      if (i > 0 && run.steps[i] <= run.steps[i - 1])
        detail::throw_invalid(who, rn + "steps" + at,
                              "> the previous step " + std::to_string(run.steps[i - 1]),
                              run.steps[i]);
      if (!(std::isfinite(run.losses[i]) && run.losses[i] > 0))
        detail::throw_invalid(who, rn + "losses" + at, "finite and > 0", run.losses[i]);
      if (!(seq.cum()[static_cast<std::size_t>(run.steps[i])] > 0))
        detail::throw_invalid(who, rn + "steps" + at,
                              "a step with S1 > 0 (some earlier LR non-zero)", run.steps[i]);
    }
    data.add_run(seq, run, opt.tolerance);
    if (coarse_tol > opt.tolerance) coarse.add_run(seq, run, coarse_tol);
    power_only.add_run(seq, run, opt.tolerance, false);
  }
  detail::require(data.points() >= 8, who, "runs", "at least 8 loss points in total",
                  data.points());
  for (const auto& s : opt.starts)
    for (std::size_t k = 0; k < 7; ++k)
      detail::require(std::isfinite(s[k]) && (k == 0 || s[k] >= 0), who, "starts",
                      "entries finite, all but L0 >= 0", s[k]);

  const double prior_weight =
      opt.prior * static_cast<double>(data.points()) * opt.huber_delta * opt.huber_delta;
  const double y_min = *std::min_element(data.y.begin(), data.y.end());
  const double y_max = *std::max_element(data.y.begin(), data.y.end());
  const double spread = std::max(y_max - y_min, 1e-3 * y_max);

  Eigen::VectorXd lb(7), ub(7);
  const double inf = std::numeric_limits<double>::infinity();
  lb << -inf, -50, 0, -50, -50, opt.beta_min, opt.gamma_min;
  ub << inf, 50, 10, 50, 50, 1, 1;

  LBFGSpp::LBFGSBParam<double> param;
  param.epsilon = opt.gtol;
  param.epsilon_rel = 0;
  param.past = 1;
  param.delta = opt.ftol;
  param.max_iterations = opt.max_iterations;
  param.max_linesearch = 30;

  struct run_out {
    bool valid = false;
    double f = std::numeric_limits<double>::infinity();
    Eigen::VectorXd x;
    fit_status status = fit_status::no_valid_start;
    int iterations = 0;
    long evaluations = 0;
  };
  const auto minimize = [&](const detail::mpl_fit_data& on, const Eigen::VectorXd& x0,
                            const Eigen::VectorXd& lo, const Eigen::VectorXd& hi) {
    run_out r;
    detail::mpl_objective fun(on, opt.huber_delta, prior_weight);
    Eigen::VectorXd x = x0.cwiseMax(lo).cwiseMin(hi), g(7);
    (void)fun(x, g);
    if (fun.last_valid) {
      r.valid = true;
      const detail::restarted_run run = detail::minimize_with_restarts(fun, x, lo, hi, param);
      r.status = run.status;
      r.iterations = run.iterations;
      r.f = fun.best_f;
      r.x = fun.best_x;
    }
    r.evaluations = fun.evaluations;
    return r;
  };

  mpl_fit_result res;
  std::vector<Eigen::VectorXd> starts;
  if (!opt.starts.empty()) {
    for (const auto& s : opt.starts) starts.push_back(detail::mpl_to_x(s));
  } else {
    // The power law alone (B fixed at ~0): L0, A, alpha.
    Eigen::VectorXd plo = lb, phi = ub;
    plo[3] = phi[3] = -50;
    plo[4] = phi[4] = 0;
    plo[5] = phi[5] = plo[6] = phi[6] = 0.5;
    run_out best_pl;
    for (const double l0f : {0.5, 0.9})
      for (const double alpha : {0.3, 0.7}) {
        Eigen::VectorXd x0(7);
        const double l0 = y_min - l0f * spread;
        x0 << l0, std::log(std::max(y_max - l0, 1e-12)), alpha, -50, 0, 0.5, 0.5;
        const run_out r = minimize(power_only, x0, plo, phi);
        res.evaluations += r.evaluations;
        if (r.valid && r.f < best_pl.f) best_pl = r;
      }
    Eigen::VectorXd base(7);
    if (best_pl.valid) {
      base = best_pl.x;
    } else {
      base << y_min - 0.5 * spread, std::log(spread), 0.5, 0, 0, 0.5, 0.5;
    }
    const double scale = spread / std::max(lr_max, 1e-300);
    for (const double bet : {0.3, 0.7})
      for (const double gam : {0.3, 0.7})
        for (const std::pair<double, double>& bc : {std::pair{0.5, 1.0}, std::pair{2.0, 4.0}}) {
          Eigen::VectorXd x0 = base;
          x0[3] = std::log(bc.first * scale);
          x0[4] = std::log(bc.second);
          x0[5] = bet;
          x0[6] = gam;
          starts.push_back(x0);
        }
  }
  std::vector<run_out> outs(starts.size());
  std::vector<std::exception_ptr> errors(starts.size());
  auto task = [&](std::size_t i) {
    try {
      outs[i] = minimize(coarse_tol > opt.tolerance ? coarse : data, starts[i], lb, ub);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  if (opt.threads > 1 && starts.size() > 1) {
    thread_pool pool(std::min(opt.threads, starts.size()));
    pool.run(starts.size(), task);
  } else {
    for (std::size_t i = 0; i < starts.size(); ++i) task(i);
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  const run_out* best = nullptr;
  for (const run_out& r : outs) {
    res.evaluations += r.evaluations;
    if (!r.valid) continue;
    ++res.starts_tried;
    if (best == nullptr || r.f < best->f) best = &r;
  }
  if (best == nullptr) return res;
  run_out finished;
  if (coarse_tol > opt.tolerance) {
    finished = minimize(data, best->x, lb, ub);
    res.evaluations += finished.evaluations;
    if (finished.valid) best = &finished;
  }

  const Eigen::VectorXd& x = best->x;
  res.law = multi_power_law(detail::mpl_from_x(x), opt.convention);
  res.objective = best->f;
  res.status = best->status;
  res.iterations = best->iterations;

  // Errors on raw losses, and the Gauss-Newton curvature of the log residuals.
  detail::mpl_objective fun(data, opt.huber_delta);
  Eigen::ArrayXd pred;
  fun.predict(x, pred);
  const Eigen::Index n = data.points();
  const Eigen::Map<const Eigen::ArrayXd> y(data.y.data(), n);
  const Eigen::ArrayXd e = pred - y;
  const double mean = y.mean();
  const double ss_tot = (y - mean).square().sum();
  res.r2 = ss_tot > 0 ? 1.0 - e.square().sum() / ss_tot : 1.0;
  res.rmse = std::sqrt(e.square().mean());
  std::size_t begin = 0;
  for (const std::size_t end : data.run_end) {
    const auto b = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
    res.run_rmse.push_back(std::sqrt(e.segment(b, len).square().mean()));
    res.run_max_rel_error.push_back((e.segment(b, len).abs() / y.segment(b, len)).maxCoeff());
    begin = end;
  }
  // Jacobian of ln pred by central differences of the analytic predictions (7 parameters).
  Eigen::MatrixXd jac(n, 7);
  for (int k = 0; k < 7; ++k) {
    const double h = 1e-6 * std::max(1.0, std::abs(x[k]));
    Eigen::VectorXd xp = x, xm = x;
    xp[k] += h;
    xm[k] -= h;
    Eigen::ArrayXd pp, pm;
    fun.predict(xp, pp);
    fun.predict(xm, pm);
    jac.col(k) = ((pp.log() - pm.log()) / (2 * h)).matrix();
  }
  const Eigen::ArrayXd r = y.log() - pred.log();
  const double sigma2 = r.square().sum() / static_cast<double>(std::max<Eigen::Index>(n - 7, 1));
  const Eigen::MatrixXd jtj = jac.transpose() * jac;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(jtj);
  const Eigen::VectorXd ev = eig.eigenvalues();
  const double ev_max = ev.maxCoeff();
  Eigen::VectorXd var = Eigen::VectorXd::Zero(7);
  for (int k = 0; k < 7; ++k) {
    const Eigen::VectorXd v = eig.eigenvectors().col(k);
    if (ev[k] > 1e-14 * ev_max) {
      var += v.cwiseAbs2() / ev[k];
    } else {  // a direction the data does not see: infinite variance where it has weight
      for (int j = 0; j < 7; ++j)
        if (std::abs(v[j]) > 1e-3) var[j] = inf;
    }
  }
  static constexpr const char* names[7] = {"L0", "A", "alpha", "B", "C", "beta", "gamma"};
  static constexpr double limits[7] = {std::numeric_limits<double>::infinity(),
                                       2.302585092994046,
                                       0.5,
                                       2.302585092994046,
                                       2.302585092994046,
                                       0.5,
                                       0.5};
  for (int k = 0; k < 7; ++k) {
    res.std_error[std::size_t(k)] = std::sqrt(sigma2 * var[k]);
    const bool at_bound = (k == 5 || k == 6) && (x[k] <= lb[k] * (1 + 1e-6) || x[k] >= 1 - 1e-6);
    if (at_bound || res.std_error[std::size_t(k)] > limits[k])
      res.undetermined.emplace_back(names[k]);
  }
  return res;
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_MULTI_POWER_LAW_HPP
