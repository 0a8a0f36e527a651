// SPDX-License-Identifier: MIT
// One object of each kind that has a state() (optimizers, schedule-free optimizers, controllers,
// the grad-norm recorder, a budgeted schedule), built and used the same way by
// tests/core/hyper_state_test.cpp and by tests/data/state/make_hyper_golden.cpp, the program that
// wrote tests/data/state/hyper_golden.txt from the code before the hyper-parameters of each type
// were declared once (so the golden bytes are the old code's, not the code under test's).
// Only exact operations are used (no GP fit, no Lanczos), so the bytes are the same with every
// compiler and optimisation level.
#pragma once

#include <lrs/analysis/refinement.hpp>
#include <lrs/controllers/autolrs.hpp>
#include <lrs/controllers/curvature_lr.hpp>
#include <lrs/controllers/plateau_scaled.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>
#include <lrs/optim.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/step_lr.hpp>

#include <string>
#include <utility>
#include <vector>

namespace hyper_state {

using bytes_t = std::vector<unsigned char>;

/// (name, state) of every object, in a fixed order.
using named_states = std::vector<std::pair<std::string, bytes_t>>;

template <class Opt>
void optimizer(named_states& out, const std::string& name, Opt opt) {
  using T = typename Opt::scalar_type;
  out.emplace_back(name + ".fresh", opt.state());
  lrs::vector_t<T> p(4);
  p << T(1), T(-0.5), T(0.25), T(2);
  lrs::vector_t<T> g(4);
  g << T(0.5), T(1), T(-2), T(0.125);
  opt.step(p, g, T(0.5));
  out.emplace_back(name + ".step1", opt.state());
}

template <class Opt>
void with_group(named_states& out, const std::string& name, Opt opt) {
  using T = typename Opt::scalar_type;
  opt.add_group(lrs::param_group<T>(T(0.5), T(0.25)));
  opt.add_group(lrs::param_group<T>(T(1), std::nullopt, T(0.125)));
  out.emplace_back(name + ".groups", opt.state());
}

inline named_states all_states() {
  named_states out;
  {
    lrs::sgd_options<double> o;
    o.momentum = 0.5;
    o.dampening = 0.25;
    o.weight_decay = 0.125;
    optimizer(out, "sgd_f64", lrs::sgd<double>(o));
    with_group(out, "sgd_f64", lrs::sgd<double>(o));
    lrs::sgd_options<float> f;
    f.momentum = 0.5f;
    f.nesterov = true;
    f.maximize = true;
    f.max_grad_norm = 4.0f;
    optimizer(out, "sgd_f32", lrs::sgd<float>(f));
  }
  {
    lrs::adam_options<double> o;
    o.amsgrad = true;
    o.weight_decay = 0.25;
    optimizer(out, "adam_f64", lrs::adam<double>(o));
    with_group(out, "adam_f64", lrs::adam<double>(o));
    optimizer(out, "adam_f32", lrs::adam<float>());
    lrs::adamw_options<double> w;
    w.maximize = true;
    optimizer(out, "adamw_f64", lrs::adamw<double>(w));
  }
  {
    lrs::sgd_schedule_free_options<double> o;
    o.momentum = 0.75;
    o.weight_decay = 0.125;
    o.r = 1;
    lrs::sgd_schedule_free<double> s(o);
    out.emplace_back("sgd_schedule_free_f64.fresh", s.state());
    lrs::adamw_schedule_free_options<float> a;
    a.weight_decay = 0.25f;
    a.weight_lr_power = 1;
    lrs::adamw_schedule_free<float> w(a);
    out.emplace_back("adamw_schedule_free_f32.fresh", w.state());
    lrs::adamw_schedule_free<double> d;
    d.add_group(lrs::param_group<double>(0.5, 0.25));
    out.emplace_back("adamw_schedule_free_f64.groups", d.state());
  }
  {
    lrs::reduce_lr_on_plateau<float> p({0.1f, 0.2f}, lrs::plateau_mode::max, 0.5f, 3, 0.01f,
                                       lrs::threshold_mode::abs, 2, {0.001f, 0.0f}, 1e-8f);
    out.emplace_back("reduce_lr_on_plateau_f32.fresh", p.state());
    for (const float m : {1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 2.0f}) p.observe(m);
    out.emplace_back("reduce_lr_on_plateau_f32.observed", p.state());
    lrs::reduce_lr_on_plateau<double> q(0.1);
    out.emplace_back("reduce_lr_on_plateau_f64.fresh", q.state());
  }
  {
    lrs::plateau_options<double> o;
    o.factor = 0.5;
    o.patience = 2;
    o.min_factor = 0.125;
    lrs::plateau_scaled c(lrs::step_lr(0.5, 10, 0.5), o);
    out.emplace_back("plateau_scaled_f64.fresh", c.state());
    for (const double m : {1.0, 2.0, 2.0, 2.0, 2.0}) c.observe(m);
    out.emplace_back("plateau_scaled_f64.observed", c.state());
  }
  {
    lrs::autolrs_options o;
    o.min_lr = 1e-3;
    o.max_lr = 0.5;
    o.tau = 160;
    o.tau_max = 640;
    o.candidates = 3;
    o.seed = 7;
    o.acquisition_grid = 64;
    out.emplace_back("autolrs.fresh", lrs::autolrs(o).state());
  }
  {
    lrs::lanczos_lr_options<double> o;
    o.first_step = 4;
    o.lanczos_steps = 5;
    o.initial_lr = 0.25;
    o.initial_momentum = 0.5;
    o.seed = 11;
    lrs::lanczos_lr_controller<double> c(
        [](const lrs::vector_t<double>&, const lrs::vector_t<double>& v) -> lrs::vector_t<double> {
          return v;
        },
        3, o);
    out.emplace_back("lanczos_lr_controller_f64.fresh", c.state());
  }
  {
    lrs::grad_norm_recorder r(lrs::grad_norm_kind::l1);
    for (const double n : {1.5, 0.25, 3.0}) r.record(n);
    out.emplace_back("grad_norm_recorder.recorded", r.state());
  }
  {
    lrs::budget_options<double> o;
    o.min_lr = 0.01;
    o.warmup_steps = 10;
    const auto b = lrs::budgeted(1.0, lrs::profiles::linear{}, 100, o);
    out.emplace_back("budgeted_f64.fresh", b.state());
    out.emplace_back("budgeted_f64.rebudget", b.rebudget(50, 200).cooldown(120, 30).state());
  }
  return out;
}

}  // namespace hyper_state
