// SPDX-License-Identifier: MIT
// Every schedule type of lrs is a schedule (is_schedule_v, the C++20 concept), and every
// controller (a type whose LR changes with observe()) is not: it is is_controller_v instead, so
// that composing a copy of it (which would freeze its state) does not compile. The compile
// failures themselves are tests/compile_fail/.
#include <lrs/analysis/batch_size.hpp>
#include <lrs/controllers.hpp>
#include <lrs/lrs.hpp>

#include "catch.hpp"

namespace {
using cosine = lrs::cosine_annealing_lr<double>;
using fn = double (*)(lrs::step_t);

// A type from elsewhere that cannot carry the tag: specialising is_controller_v makes it one.
struct foreign_controller {
  double operator()(lrs::step_t) const { return 0.1; }
  void observe(double) {}
};
}  // namespace

template <>
inline constexpr bool lrs::is_controller_v<foreign_controller> = true;

// The trait checks one type; this lists each schedule type once.
template <class... S>
constexpr bool all_schedules = ((lrs::is_schedule_v<S> && !lrs::is_controller_v<S>)&&...);

// core, budget-native and the combinators
static_assert(
    all_schedules<lrs::any_schedule<double>, lrs::any_schedule<float>,
                  lrs::budgeted<lrs::profiles::cosine>, lrs::budgeted<lrs::profiles::linear, float>,
                  lrs::budgeted<lrs::profiles::constant>, lrs::budgeted<lrs::profiles::rex>,
                  lrs::budgeted<lrs::profiles::exponential>, lrs::budgeted<lrs::profiles::step>,
                  lrs::budgeted<lrs::profiles::polynomial>,
                  lrs::budgeted<lrs::profiles::inverse_sqrt>, lrs::budgeted<lrs::profiles::wsd>>);
static_assert(all_schedules<lrs::chained<cosine, lrs::constant<double>>,
                            lrs::dynamic_chained<double>, lrs::scaled<cosine>, lrs::clamped<cosine>,
                            lrs::cycled<cosine>, lrs::shifted<cosine>, lrs::per_epoch<cosine>,
                            lrs::from_values<double>, lrs::interpolated<double>,
                            lrs::sequential<cosine, cosine>, lrs::dynamic_sequential<double>,
                            lrs::with_warmup<cosine>, lrs::batch_scaled_schedule<cosine>>);
// PyTorch's
static_assert(
    all_schedules<lrs::constant<double>, lrs::constant_lr<double>, cosine,
                  lrs::cosine_annealing_warm_restarts<double>, lrs::cyclic_lr<double>,
                  lrs::exponential_lr<double>, lrs::lambda_lr<fn>, lrs::linear_lr<double>,
                  lrs::multi_step_lr<double>, lrs::multiplicative_lr<fn>, lrs::one_cycle_lr<double>,
                  lrs::polynomial_lr<double>, lrs::step_lr<float>>);
// Hugging Face's, timm's, optax's, Keras's
static_assert(
    all_schedules<
        lrs::hf::schedule<double>, lrs::timm::cosine_lr_scheduler<double>,
        lrs::timm::poly_lr_scheduler<double>, lrs::timm::tanh_lr_scheduler<double>,
        lrs::timm::step_lr_scheduler<double>, lrs::timm::multi_step_lr_scheduler<double>,
        lrs::optax::polynomial_schedule<double>, lrs::optax::piecewise_constant_schedule<double>,
        lrs::optax::exponential_decay<double>, lrs::optax::cosine_decay_schedule<double>,
        lrs::keras::exponential_decay<double>, lrs::keras::piecewise_constant_decay<double>,
        lrs::keras::polynomial_decay<double>, lrs::keras::inverse_time_decay<double>,
        lrs::keras::cosine_decay<double>, lrs::keras::cosine_decay_restarts<double>>);

// Every controller: not a schedule, a controller.
template <class... C>
constexpr bool all_controllers = ((!lrs::is_schedule_v<C> && lrs::is_controller_v<C>)&&...);
static_assert(
    all_controllers<lrs::reduce_lr_on_plateau<double>, lrs::reduce_lr_on_plateau<float>,
                    lrs::plateau_scaled<cosine>, lrs::plateau_scaled<lrs::with_warmup<cosine>>,
                    lrs::plateau_scaled<lrs::any_schedule<float>>, lrs::autolrs,
                    lrs::lanczos_lr_controller<double>, lrs::lanczos_lr_controller<float>,
                    foreign_controller>);
// Without the specialisation foreign_controller would be a schedule: the trait decides.
static_assert(lrs::detail::is_schedule_impl<foreign_controller>::value);
// schedule_value_t of a controller is its value_type (so a consumer reaches its message).
static_assert(
    std::is_same_v<lrs::schedule_value_t<lrs::plateau_scaled<lrs::step_lr<float>>>, float>);
#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
static_assert(lrs::schedule<lrs::with_warmup<cosine>>);
static_assert(!lrs::schedule<lrs::plateau_scaled<cosine>>);
static_assert(!lrs::schedule<lrs::reduce_lr_on_plateau<double>>);
static_assert(!lrs::schedule<foreign_controller>);
#endif

TEST_CASE("a controller keeps lr(step); a schedule inside it is still a schedule",
          "[controller][traits]") {
  const cosine s(0.1, 100);
  lrs::plateau_scaled<cosine> p(s);
  // f = 1 before any cut: the controller reads the schedule; lr(step) is its only call form.
  CHECK(p.lr(50) == s(50));
  CHECK_THAT(p.lr(50), WithinAbs(0.05, 1e-15));  // 0.1 (1 + cos(pi / 2)) / 2, by hand
  CHECK(lrs::sample(p.schedule(), 3).size() == 3);
}
