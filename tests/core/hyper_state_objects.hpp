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

#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/trainers.hpp"

namespace hyper_state {

using bytes_t = std::vector<unsigned char>;

/// One object's state and a way to load bytes into a fresh object built the same way.
struct entry {
  std::string name;                          ///< "<kind>_<scalar>.<what was done>"
  bytes_t bytes;                             ///< its state()
  std::function<void(const bytes_t&)> load;  ///< builds a fresh one, calls load_state(bytes)
};
/// Every object, in a fixed order.
using named_states = std::vector<entry>;

/// Builds make(), applies use to it, and records its state and a loader.
template <class Make, class Use>
void add(named_states& out, const std::string& name, Make make, Use use) {
  auto obj = make();
  use(obj);
  out.push_back({name, obj.state(), [make](const bytes_t& b) {
                   auto fresh = make();
                   fresh.load_state(b);
                 }});
}
template <class Make>
void add(named_states& out, const std::string& name, Make make) {
  add(out, name, make, [](auto&) {});
}

/// An optimizer fresh, after one step, and with two more parameter groups.
template <class Make>
void optimizer(named_states& out, const std::string& name, Make make) {
  add(out, name + ".fresh", make);
  add(out, name + ".step1", make, [](auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::scalar_type;
    lrs::vector_t<T> p(4);
    p << T(1), T(-0.5), T(0.25), T(2);
    lrs::vector_t<T> g(4);
    g << T(0.5), T(1), T(-2), T(0.125);
    opt.step(p, g, T(0.5));
  });
}
template <class Make>
void with_groups(named_states& out, const std::string& name, Make make) {
  add(out, name + ".groups", [make] {
    auto opt = make();
    using T = typename decltype(opt)::scalar_type;
    opt.add_group(lrs::param_group<T>(T(0.5), T(0.25)));
    opt.add_group(lrs::param_group<T>(T(1), std::nullopt, T(0.125)));
    return opt;
  });
}

inline named_states all_states() {
  named_states out;
  const auto sgd64 = [] {
    lrs::sgd_options<double> o;
    o.momentum = 0.5;
    o.dampening = 0.25;
    o.weight_decay = 0.125;
    return lrs::sgd<double>(o);
  };
  optimizer(out, "sgd_f64", sgd64);
  with_groups(out, "sgd_f64", sgd64);
  optimizer(out, "sgd_f32", [] {
    lrs::sgd_options<float> f;
    f.momentum = 0.5f;
    f.nesterov = true;
    f.maximize = true;
    f.max_grad_norm = 4.0f;
    return lrs::sgd<float>(f);
  });
  const auto adam64 = [] {
    lrs::adam_options<double> o;
    o.amsgrad = true;
    o.weight_decay = 0.25;
    return lrs::adam<double>(o);
  };
  optimizer(out, "adam_f64", adam64);
  with_groups(out, "adam_f64", adam64);
  optimizer(out, "adam_f32", [] { return lrs::adam<float>(); });
  optimizer(out, "adamw_f64", [] {
    lrs::adamw_options<double> w;
    w.maximize = true;
    return lrs::adamw<double>(w);
  });
  add(out, "sgd_schedule_free_f64.fresh", [] {
    lrs::sgd_schedule_free_options<double> o;
    o.momentum = 0.75;
    o.weight_decay = 0.125;
    o.r = 1;
    return lrs::sgd_schedule_free<double>(o);
  });
  add(out, "adamw_schedule_free_f32.fresh", [] {
    lrs::adamw_schedule_free_options<float> a;
    a.weight_decay = 0.25f;
    a.weight_lr_power = 1;
    return lrs::adamw_schedule_free<float>(a);
  });
  with_groups(out, "adamw_schedule_free_f64", [] { return lrs::adamw_schedule_free<double>(); });
  const auto plateau32 = [] {
    return lrs::reduce_lr_on_plateau<float>({0.1f, 0.2f}, lrs::plateau_mode::max, 0.5f, 3, 0.01f,
                                            lrs::threshold_mode::abs, 2, {0.001f, 0.0f}, 1e-8f);
  };
  add(out, "reduce_lr_on_plateau_f32.fresh", plateau32);
  add(out, "reduce_lr_on_plateau_f32.observed", plateau32, [](auto& p) {
    for (const float m : {1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 2.0f}) p.observe(m);
  });
  add(out, "reduce_lr_on_plateau_f64.fresh", [] { return lrs::reduce_lr_on_plateau<double>(0.1); });
  const auto scaled = [] {
    lrs::plateau_options<double> o;
    o.factor = 0.5;
    o.patience = 2;
    o.min_factor = 0.125;
    return lrs::plateau_scaled(lrs::step_lr(0.5, 10, 0.5), o);
  };
  add(out, "plateau_scaled_f64.fresh", scaled);
  add(out, "plateau_scaled_f64.observed", scaled, [](auto& c) {
    for (const double m : {1.0, 2.0, 2.0, 2.0, 2.0}) c.observe(m);
  });
  add(out, "autolrs.fresh", [] { return lrs::autolrs(lrs_test::small_autolrs_options(7)); });
  add(out, "lanczos_lr_controller_f64.fresh", [] {
    lrs::lanczos_lr_options<double> o;
    o.first_step = 4;
    o.lanczos_steps = 5;
    o.initial_lr = 0.25;
    o.initial_momentum = 0.5;
    o.seed = 11;
    return lrs::lanczos_lr_controller<double>(
        [](const lrs::vector_t<double>&, const lrs::vector_t<double>& v) -> lrs::vector_t<double> {
          return v;
        },
        3, o);
  });
  add(
      out, "grad_norm_recorder.recorded",
      [] { return lrs::grad_norm_recorder(lrs::grad_norm_kind::l1); },
      [](auto& r) {
        for (const double n : {1.5, 0.25, 3.0}) r.record(n);
      });
  const auto budget = [] {
    lrs::budget_options<double> o;
    o.min_lr = 0.01;
    o.warmup_steps = 10;
    return lrs::budgeted(1.0, lrs::profiles::linear{}, 100, o);
  };
  add(out, "budgeted_f64.fresh", budget);
  add(out, "budgeted_f64.rebudget",
      [budget] { return budget().rebudget(50, 200).cooldown(120, 30); });
  return out;
}

}  // namespace hyper_state
