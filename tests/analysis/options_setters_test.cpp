// SPDX-License-Identifier: MIT
// The chainable with_<field> setters of the analysis options structs and svg_plot_options: each
// field set to a value other than its default through one chain, read back, and the chain
// returning the object it was called on. The constexpr ones are also checked at compile time.
#include <lrs/analysis/choose_schedule.hpp>
#include <lrs/analysis/exp_forecast.hpp>
#include <lrs/analysis/gaussian_process.hpp>
#include <lrs/analysis/law_selection.hpp>
#include <lrs/analysis/multi_power_law.hpp>
#include <lrs/analysis/optimize_schedule.hpp>
#include <lrs/analysis/refinement.hpp>
#include <lrs/analysis/regularized_newton.hpp>
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/analysis/smoothing_spline.hpp>
#include <lrs/io/svg.hpp>

#include <array>
#include <string>
#include <vector>

#include "catch.hpp"

// Compile-time: the setters of the structs without heap members are usable in constant
// expressions (C++17).
static_assert(lrs::exp_fit_options{}.with_xtol(1e-3).with_ftol(2e-3).ftol == 2e-3, "");
static_assert(lrs::area_options{}.with_lambda(0.5).lambda == 0.5, "");
static_assert(lrs::mpl_eval_options{}.with_tolerance(0.25).tolerance == 0.25, "");
static_assert(lrs::smoothing_spline_options{}.with_degree(2).degree == 2, "");
static_assert(lrs::refine_options<>{}.with_budget(7).budget == 7, "");
static_assert(lrs::choose_options{}.with_grid(11).grid == 11, "");
static_assert(lrs::gp_options{}.with_restarts(5).restarts == 5, "");

TEST_CASE("area_options and fit_options setters set every field", "[analysis][options]") {
  lrs::area_options a;
  lrs::area_options& r =
      a.with_lambda(0.5).with_warmup(lrs::warmup_convention::as_recorded).with_warmup_steps(12);
  CHECK(&r == &a);
  CHECK(a.lambda == 0.5);
  CHECK(a.warmup == lrs::warmup_convention::as_recorded);
  CHECK(a.warmup_steps == 12);

  const std::vector<std::array<double, 4>> starts{{1.0, 2.0, 0.5, 3.0}};
  const auto f = lrs::fit_options{}
                     .with_areas(a)
                     .with_huber_delta(2e-3)
                     .with_max_iterations(7)
                     .with_ftol(1e-5)
                     .with_gtol(1e-4)
                     .with_starts(starts)
                     .with_data_scaled_starts(false)
                     .with_scaled_margin(0.25)
                     .with_threads(3)
                     .with_coarse_points(32)
                     .with_polish_margin(0.5);
  CHECK(f.areas.lambda == 0.5);
  CHECK(f.areas.warmup_steps == 12);
  CHECK(f.huber_delta == 2e-3);
  CHECK(f.max_iterations == 7);
  CHECK(f.ftol == 1e-5);
  CHECK(f.gtol == 1e-4);
  CHECK(f.starts == starts);
  CHECK_FALSE(f.data_scaled_starts);
  CHECK(f.scaled_margin == 0.25);
  CHECK(f.threads == 3);
  CHECK(f.coarse_points == 32);
  CHECK(f.polish_margin == 0.5);
}

TEST_CASE("multi-power-law options setters set every field", "[analysis][options]") {
  const auto e = lrs::mpl_eval_options{}.with_warmup_steps(4).with_tolerance(0.0);
  CHECK(e.warmup_steps == 4);
  CHECK(e.tolerance == 0.0);

  const std::vector<std::array<double, 7>> starts{{1, 2, 3, 4, 5, 0.5, 0.5}};
  const auto f = lrs::mpl_fit_options{}
                     .with_convention(lrs::mpl_convention::paper)
                     .with_warmup_steps(9)
                     .with_huber_delta(0.01)
                     .with_tolerance(0.2)
                     .with_beta_min(0.1)
                     .with_gamma_min(0.2)
                     .with_max_iterations(11)
                     .with_ftol(1e-6)
                     .with_gtol(1e-7)
                     .with_starts(starts)
                     .with_prior(0.0)
                     .with_threads(2);
  CHECK(f.convention == lrs::mpl_convention::paper);
  CHECK(f.warmup_steps == 9);
  CHECK(f.huber_delta == 0.01);
  CHECK(f.tolerance == 0.2);
  CHECK(f.beta_min == 0.1);
  CHECK(f.gamma_min == 0.2);
  CHECK(f.max_iterations == 11);
  CHECK(f.ftol == 1e-6);
  CHECK(f.gtol == 1e-7);
  CHECK(f.starts == starts);
  CHECK(f.prior == 0.0);
  CHECK(f.threads == 2);
}

TEST_CASE("smoothing, refinement, choice and forecast options setters set every field",
          "[analysis][options]") {
  const auto s = lrs::smoothing_spline_options{}.with_degree(2).with_smoothing(0.5);
  CHECK(s.degree == 2);
  REQUIRE(s.smoothing.has_value());
  CHECK(*s.smoothing == 0.5);

  const auto r = lrs::refine_options<float>{}
                     .with_tau(0.25f)
                     .with_weighting(lrs::refine_weighting::adam)
                     .with_min_norm_ratio(1e-3f)
                     .with_peak(2.0f)
                     .with_budget(100)
                     .with_resample_points(50);
  CHECK(r.tau == 0.25f);
  CHECK(r.weighting == lrs::refine_weighting::adam);
  CHECK(r.min_norm_ratio == 1e-3f);
  CHECK(r.peak == 2.0f);
  CHECK(r.budget == 100);
  CHECK(r.resample_points == 50);

  const auto c = lrs::choose_options{}
                     .with_areas(lrs::area_options{}.with_lambda(0.9))
                     .with_grid(21)
                     .with_tolerance(1e-3)
                     .with_margin(0.01);
  CHECK(c.areas.lambda == 0.9);
  CHECK(c.grid == 21);
  CHECK(c.tolerance == 1e-3);
  CHECK(c.margin == 0.01);

  const auto x = lrs::exp_fit_options{}.with_xtol(1e-7).with_ftol(1e-8);
  CHECK(x.xtol == 1e-7);
  CHECK(x.ftol == 1e-8);
}

TEST_CASE("gp, optimize and select options setters set every field", "[analysis][options]") {
  const auto g = lrs::gp_options{}
                     .with_initial(lrs::gp_hyperparameters{2.0, 3.0, 0.5})
                     .with_amplitude_min(0.1)
                     .with_amplitude_max(10.0)
                     .with_length_scale_min(0.2)
                     .with_length_scale_max(20.0)
                     .with_noise_min(1e-4)
                     .with_noise_max(1e4)
                     .with_restarts(0)
                     .with_normalization(lrs::gp_normalization::none);
  CHECK(g.initial.amplitude == 2.0);
  CHECK(g.initial.length_scale == 3.0);
  CHECK(g.initial.noise == 0.5);
  CHECK(g.amplitude_min == 0.1);
  CHECK(g.amplitude_max == 10.0);
  CHECK(g.length_scale_min == 0.2);
  CHECK(g.length_scale_max == 20.0);
  CHECK(g.noise_min == 1e-4);
  CHECK(g.noise_max == 1e4);
  CHECK(g.restarts == 0);
  CHECK(g.normalization == lrs::gp_normalization::none);

  const auto o = lrs::optimize_options{}
                     .with_warmup_steps(3)
                     .with_warmup({0.0, 0.5, 1.0})
                     .with_min_lr(1e-5)
                     .with_mpl_lr_floor(1e-3)
                     .with_max_iterations(5)
                     .with_tolerance(1e-4)
                     .with_tolerance_window(4)
                     .with_coarse_block(0)
                     .with_fit_closed_form(false);
  CHECK(o.warmup_steps == 3);
  CHECK(o.warmup == std::vector<double>{0.0, 0.5, 1.0});
  CHECK(o.min_lr == 1e-5);
  CHECK(o.mpl_lr_floor == 1e-3);
  CHECK(o.max_iterations == 5);
  CHECK(o.tolerance == 1e-4);
  CHECK(o.tolerance_window == 4);
  CHECK(o.coarse_block == 0);
  CHECK_FALSE(o.fit_closed_form);

  lrs::law_candidate only;
  only.name = "mpl-only";
  const auto sel = lrs::select_options{}.with_candidates({only}).with_coverage(0.5).with_threads(2);
  REQUIRE(sel.candidates.size() == 1);
  CHECK(sel.candidates[0].name == "mpl-only");
  CHECK(sel.coverage == 0.5);
  CHECK(sel.threads == 2);
}

TEST_CASE("regularized_newton_options setters set every field", "[analysis][options]") {
  const Eigen::MatrixXd b = Eigen::MatrixXd::Identity(2, 2) * 3.0;
  const auto o = lrs::regularized_newton_options<>{}
                     .with_gamma0(2.0)
                     .with_gamma_min(1e-6)
                     .with_eps(1e-4)
                     .with_max_trials(3)
                     .with_grad_tol(1e-3)
                     .with_max_iterations(9)
                     .with_record_history(true)
                     .with_metric(b);
  CHECK(o.gamma0 == 2.0);
  CHECK(o.gamma_min == 1e-6);
  CHECK(o.eps == 1e-4);
  CHECK(o.max_trials == 3);
  CHECK(o.grad_tol == 1e-3);
  CHECK(o.max_iterations == 9);
  CHECK(o.record_history);
  CHECK(o.metric == b);
}

TEST_CASE("svg_plot_options setters set every field", "[io][svg][options]") {
  const auto o = lrs::svg_plot_options{}
                     .with_title("loss")
                     .with_x_label("step")
                     .with_y_label("lr")
                     .with_log_y(true)
                     .with_markers(true)
                     .with_width(640)
                     .with_height(300)
                     .with_legend_by_last_value(false);
  CHECK(o.title == "loss");
  CHECK(o.x_label == "step");
  CHECK(o.y_label == "lr");
  CHECK(o.log_y);
  CHECK(o.markers);
  CHECK(o.width == 640);
  CHECK(o.height == 300);
  CHECK_FALSE(o.legend_by_last_value);
}
