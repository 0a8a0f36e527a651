// SPDX-License-Identifier: MIT
// The libtorch adapter: the LR and momentum a torch::optim optimizer uses at each step.
#include <cmath>
#include <iterator>
#include <sstream>
#include <tuple>
#include <vector>

#include <torch/torch.h>

#include <lrs/adapters/torch.hpp>
#include <lrs/io/parse_schedule.hpp>
#include <lrs/lrs.hpp>

#include "catch.hpp"

namespace {

constexpr double pi = 3.14159265358979323846;

// A parameter whose loss is sum(w): its gradient is 1 everywhere, so a plain SGD step moves it by
// exactly -lr. The change of the parameter is the LR the optimizer really used.
torch::Tensor make_param(double value = 1.0) {
  return torch::full({4}, value, torch::dtype(torch::kFloat64).requires_grad(true));
}

void unit_grad_step(torch::optim::Optimizer& opt, const std::vector<torch::Tensor>& params) {
  opt.zero_grad();
  torch::Tensor loss = torch::zeros({}, torch::kFloat64);
  for (const auto& p : params) loss = loss + p.sum();
  loss.backward();
  opt.step();
}

// The LR a plain SGD step used, read from the parameter's change.
template <class Schedule>
void check_sgd_follows(const Schedule& schedule, const std::vector<double>& expected) {
  auto w = make_param();
  torch::optim::SGD opt({w}, torch::optim::SGDOptions(expected.at(0)));
  lrs::adapters::torch_scheduler sched(opt, schedule);
  for (std::size_t k = 0; k < expected.size(); ++k) {
    INFO("step " << k);
    CHECK(sched.current_step() == static_cast<lrs::step_t>(k));
    CHECK_THAT(opt.param_groups()[0].options().get_lr(), WithinRel(expected[k], 1e-12));
    const double before = w[0].item<double>();
    unit_grad_step(opt, {w});
    CHECK_THAT(before - w[0].item<double>(), WithinRel(expected[k], 1e-9));
    sched.step();
  }
}

// Cycles the momentum between 0.95 and 0.85 like OneCycleLR's default, LR the mirror image.
struct toy_cycle {
  double operator()(lrs::step_t t) const { return 0.01 + 0.09 * phase(t); }
  double momentum(lrs::step_t t) const { return 0.95 - 0.10 * phase(t); }
  static double phase(lrs::step_t t) {
    return t < 5 ? double(t) / 5.0 : t < 10 ? double(10 - t) / 5.0 : 0.0;
  }
};

}  // namespace

TEST_CASE("torch_scheduler: SGD uses each schedule's value at each step", "[adapter][torch]") {
  SECTION("StepLR(step_size=3, gamma=0.5)") {
    std::vector<double> expected;
    for (int k = 0; k < 10; ++k) expected.push_back(0.1 * std::pow(0.5, k / 3));
    check_sgd_follows(lrs::step_lr(0.1, 3, 0.5), expected);
  }
  SECTION("CosineAnnealingLR(T_max=8, eta_min=0.001), past T_max as PyTorch's closed form") {
    std::vector<double> expected;
    for (int k = 0; k < 10; ++k)
      expected.push_back(0.001 + (0.1 - 0.001) * (1 + std::cos(pi * k / 8)) / 2);
    check_sgd_follows(lrs::cosine_annealing_lr(0.1, 8, 0.001), expected);
  }
  SECTION("SequentialLR: linear warmup over 4 steps, then CosineAnnealingLR(T_max=6)") {
    const auto warmup = [](lrs::step_t t) { return 0.1 * double(t + 1) / 4.0; };
    const lrs::sequential schedule(std::tuple{warmup, lrs::cosine_annealing_lr(0.1, 6)}, {4});
    std::vector<double> expected;
    for (int k = 0; k < 10; ++k)
      expected.push_back(k < 4 ? 0.1 * (k + 1) / 4.0 : 0.1 * (1 + std::cos(pi * (k - 4) / 6)) / 2);
    check_sgd_follows(schedule, expected);
  }
  SECTION("a spec string: SequentialLR(StepLR, CosineAnnealingLR) through any_schedule") {
    lrs::spec_context ctx;
    ctx.lr = 0.1;
    const auto schedule = lrs::parse_schedule(
        "SequentialLR(schedulers=[StepLR(step_size=2, gamma=0.5), CosineAnnealingLR(T_max=5)], "
        "milestones=[4])",
        ctx);
    // Nine steps: CosineAnnealingLR reaches 0 at T_max = 5 (step 9), where a relative check fails.
    std::vector<double> expected;
    for (int k = 0; k < 9; ++k)
      expected.push_back(k < 4 ? 0.1 * std::pow(0.5, k / 2)
                               : 0.1 * (1 + std::cos(pi * (k - 4) / 5)) / 2);
    check_sgd_follows(schedule, expected);
  }
  SECTION("REX over 10 steps with a floor (budget-native)") {
    lrs::budget_options<double> opts;
    opts.min_lr = 0.001;
    std::vector<double> expected;
    for (int k = 0; k < 10; ++k) {
      const double p = k / 10.0;
      expected.push_back(0.001 + (0.1 - 0.001) * (1 - p) / (1 - p / 2));
    }
    check_sgd_follows(lrs::rex(0.1, 10, opts), expected);
  }
}

TEST_CASE("torch_scheduler: every param group keeps its ratio to the first (base_lrs)",
          "[adapter][torch]") {
  auto a = make_param();
  auto b = make_param();
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<torch::Tensor>{a},
                      std::make_unique<torch::optim::SGDOptions>(0.1));
  groups.emplace_back(std::vector<torch::Tensor>{b},
                      std::make_unique<torch::optim::SGDOptions>(0.02));
  torch::optim::SGD opt(std::move(groups), torch::optim::SGDOptions(0.1));
  lrs::adapters::torch_scheduler sched(opt, lrs::step_lr(0.1, 2, 0.1));
  CHECK(sched.base_lrs() == std::vector<double>{0.1, 0.02});
  for (int k = 0; k < 6; ++k) {
    INFO("step " << k);
    const double f = std::pow(0.1, k / 2);
    const double a0 = a[0].item<double>(), b0 = b[0].item<double>();
    unit_grad_step(opt, {a, b});
    CHECK_THAT(a0 - a[0].item<double>(), WithinRel(0.1 * f, 1e-9));
    CHECK_THAT(b0 - b[0].item<double>(), WithinRel(0.02 * f, 1e-9));
    sched.step();
  }
}

TEST_CASE("torch_scheduler: cycled momentum goes into SGD's momentum and Adam's beta1",
          "[adapter][torch]") {
  static_assert(lrs::has_momentum_v<toy_cycle>);
  auto w = make_param();
  torch::optim::SGD sgd({w}, torch::optim::SGDOptions(0.01).momentum(0.9));
  torch::optim::Adam adam({w}, torch::optim::AdamOptions(0.01).betas({0.9, 0.98}));
  lrs::adapters::torch_scheduler s1(sgd, toy_cycle{});
  lrs::adapters::torch_scheduler s2(adam, toy_cycle{});
  CHECK(s1.cycles_momentum());
  for (int k = 0; k <= 10; ++k) {
    INFO("step " << k);
    const double ph = k < 5 ? k / 5.0 : (10 - k) / 5.0;
    const auto& so = static_cast<const torch::optim::SGDOptions&>(sgd.param_groups()[0].options());
    const auto& ao =
        static_cast<const torch::optim::AdamOptions&>(adam.param_groups()[0].options());
    CHECK_THAT(so.lr(), WithinRel(0.01 + 0.09 * ph, 1e-12));
    CHECK_THAT(so.momentum(), WithinRel(0.95 - 0.10 * ph, 1e-12));
    CHECK_THAT(ao.lr(), WithinRel(0.01 + 0.09 * ph, 1e-12));
    CHECK_THAT(std::get<0>(ao.betas()), WithinRel(0.95 - 0.10 * ph, 1e-12));
    CHECK(std::get<1>(ao.betas()) == 0.98);
    CHECK_THAT(lrs::adapters::torch_momentum(adam.param_groups()[0]),
               WithinRel(0.95 - 0.10 * ph, 1e-12));
    unit_grad_step(sgd, {w});
    unit_grad_step(adam, {w});
    s1.step();
    s2.step();
  }
}

TEST_CASE("torch_scheduler: a schedule without momentum leaves the momentum alone",
          "[adapter][torch]") {
  auto w = make_param();
  torch::optim::SGD opt({w}, torch::optim::SGDOptions(0.1).momentum(0.7));
  lrs::adapters::torch_scheduler sched(opt, lrs::step_lr(0.1, 1, 0.5));
  CHECK_FALSE(sched.cycles_momentum());
  sched.step();
  CHECK(lrs::adapters::torch_momentum(opt.param_groups()[0]) == 0.7);
  CHECK_THAT(opt.param_groups()[0].options().get_lr(), WithinRel(0.05, 1e-15));
}

TEST_CASE("torch_scheduler: resuming at step k gives the values of an uninterrupted run",
          "[adapter][torch]") {
  const auto warmup = [](lrs::step_t t) { return 0.05 * double(t + 1) / 3.0; };
  const lrs::sequential schedule(std::tuple{warmup, lrs::cosine_annealing_lr(0.05, 9)}, {3});
  const int total = 12, cut = 5;
  auto run = [&](torch::optim::Optimizer& opt, auto& sched, torch::Tensor& w, int from, int to,
                 std::vector<double>& lrs, std::vector<double>& moms) {
    for (int k = from; k < to; ++k) {
      lrs.push_back(opt.param_groups()[0].options().get_lr());
      moms.push_back(lrs::adapters::torch_momentum(opt.param_groups()[0]));
      unit_grad_step(opt, {w});
      sched.step();
    }
  };
  // Uninterrupted.
  auto w1 = make_param();
  torch::optim::SGD opt1({w1}, torch::optim::SGDOptions(0.05).momentum(0.9));
  lrs::adapters::torch_scheduler sched1(opt1, schedule);
  std::vector<double> lr1, m1;
  run(opt1, sched1, w1, 0, total, lr1, m1);

  // Interrupted at `cut`: checkpoint the parameter, the optimizer and the scheduler's state.
  auto w2 = make_param();
  std::vector<double> lr2, m2;
  std::stringstream opt_ckpt, w_ckpt;
  lrs::adapters::torch_scheduler_state saved;
  {
    torch::optim::SGD opt2({w2}, torch::optim::SGDOptions(0.05).momentum(0.9));
    lrs::adapters::torch_scheduler sched2(opt2, schedule);
    run(opt2, sched2, w2, 0, cut, lr2, m2);
    torch::save(opt2, opt_ckpt);
    torch::save(w2, w_ckpt);
    saved = sched2.state();
  }
  CHECK(saved.step == cut);
  CHECK(saved.base_lrs == std::vector<double>{0.05});
  // A new process: a fresh parameter and optimizer, loaded from the checkpoint.
  torch::Tensor w3;
  torch::load(w3, w_ckpt);
  w3.set_requires_grad(true);
  torch::optim::SGD opt3({w3}, torch::optim::SGDOptions(0.05).momentum(0.9));
  torch::load(opt3, opt_ckpt);
  // The optimizer now holds step `cut`'s LR: reading base LRs from it would be wrong, so the
  // saved base LRs are passed back.
  lrs::adapters::torch_scheduler sched3(opt3, schedule, saved.base_lrs, saved.step);
  run(opt3, sched3, w3, cut, total, lr2, m2);

  REQUIRE(lr2.size() == lr1.size());
  for (int k = 0; k < total; ++k) {
    INFO("step " << k);
    CHECK(lr2[k] == lr1[k]);
    CHECK(m2[k] == m1[k]);
  }
  CHECK(torch::equal(w3, w1));

  SECTION("load_state on an existing scheduler does the same") {
    auto w4 = make_param();
    torch::optim::SGD opt4({w4}, torch::optim::SGDOptions(0.05));
    lrs::adapters::torch_scheduler sched4(opt4, schedule);
    sched4.load_state(saved);
    CHECK(sched4.current_step() == cut);
    CHECK(opt4.param_groups()[0].options().get_lr() == lr1[cut]);
  }
}

TEST_CASE("libtorch's StepLR lags Python's by one step, the adapter follows Python",
          "[adapter][torch]") {
  auto w = make_param();
  torch::optim::SGD a({w}, torch::optim::SGDOptions(0.1));
  torch::optim::SGD b({w}, torch::optim::SGDOptions(0.1));
  torch::optim::StepLR native(a, 2, 0.5);
  lrs::adapters::torch_scheduler ours(b, lrs::step_lr(0.1, 2, 0.5));
  for (int calls = 0; calls < 8; ++calls) {
    INFO("after " << calls << " step() calls");
    // Python: lr = 0.1 * 0.5^(calls // 2).
    const double python = 0.1 * std::pow(0.5, calls / 2);
    const double lagged = 0.1 * std::pow(0.5, calls == 0 ? 0 : (calls - 1) / 2);
    CHECK_THAT(b.param_groups()[0].options().get_lr(), WithinRel(python, 1e-15));
    CHECK_THAT(a.param_groups()[0].options().get_lr(), WithinRel(lagged, 1e-15));
    native.step();
    ours.step();
  }
}

TEST_CASE("torch_lr_setter: a controller's LR reaches every group", "[adapter][torch]") {
  auto a = make_param();
  auto b = make_param();
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<torch::Tensor>{a},
                      std::make_unique<torch::optim::AdamOptions>(0.01));
  groups.emplace_back(std::vector<torch::Tensor>{b},
                      std::make_unique<torch::optim::AdamOptions>(0.001));
  torch::optim::Adam opt(std::move(groups), torch::optim::AdamOptions(0.01));
  lrs::adapters::torch_lr_setter setter(opt);
  // A plateau controller would hand out 0.01, then 0.001 after a plateau.
  setter.set_lr(0.001);
  CHECK_THAT(setter.current_lrs()[0], WithinRel(0.001, 1e-15));
  CHECK_THAT(setter.current_lrs()[1], WithinRel(0.0001, 1e-12));
  setter.set_lrs({0.3, 0.4});
  CHECK(setter.current_lrs() == std::vector<double>{0.3, 0.4});
  setter.set_momentum(0.8);
  CHECK(lrs::adapters::torch_momentum(opt.param_groups()[1]) == 0.8);
}

TEST_CASE("torch adapter: bad input is rejected and changes nothing", "[adapter][torch][error]") {
  auto w = make_param();
  torch::optim::SGD opt({w}, torch::optim::SGDOptions(0.1));
  lrs::adapters::torch_lr_setter setter(opt);
  CHECK_THROWS_WITH(setter.set_lr(-0.1), "lrs::torch_lr_setter: lr must be >= 0, got -0.1");
  CHECK_THROWS_AS(setter.set_lr(std::nan("")), lrs::invalid_argument);
  CHECK_THROWS_WITH(setter.set_lrs({0.1, 0.2}),
                    "lrs::torch_lr_setter: lrs.size() must be the number of param groups (1), "
                    "got 2");
  CHECK_THROWS_WITH(setter.set_momentum(1.0),
                    "lrs::torch_lr_setter: momentum must be in [0, 1), got 1");
  CHECK(opt.param_groups()[0].options().get_lr() == 0.1);
  CHECK_THROWS_WITH(lrs::adapters::torch_lr_setter(opt, {0.0}),
                    "lrs::torch_lr_setter: base_lrs[0] must be > 0 (the other groups are scaled "
                    "by it), got 0");
  CHECK_THROWS_AS(lrs::adapters::torch_lr_setter(opt, {0.1, 0.1}), lrs::invalid_argument);
  CHECK_THROWS_WITH(lrs::adapters::torch_scheduler(opt, lrs::step_lr(0.1, 2), {0.1}, -1),
                    "lrs::torch_scheduler: start must be >= 0, got -1");

  torch::optim::Adagrad adagrad({w}, torch::optim::AdagradOptions(0.1));
  CHECK_THROWS_WITH(lrs::adapters::torch_scheduler(adagrad, toy_cycle{}),
                    "lrs::torch_scheduler: the optimizer must be SGD, Adam, AdamW or RMSprop for "
                    "a schedule that cycles momentum, got another optimizer type");
  CHECK(adagrad.param_groups()[0].options().get_lr() == 0.1);
  CHECK_THROWS_AS(lrs::adapters::torch_momentum(adagrad.param_groups()[0]), lrs::invalid_argument);

  lrs::adapters::torch_scheduler sched(opt, lrs::step_lr(0.1, 2, 0.5));
  sched.step();
  sched.step();
  const double before = opt.param_groups()[0].options().get_lr();
  CHECK_THROWS_AS(sched.load_state({3, {0.1, 0.2}}), lrs::invalid_argument);
  CHECK_THROWS_AS(sched.load_state({-1, {0.1}}), lrs::invalid_argument);
  CHECK(sched.current_step() == 2);
  CHECK(opt.param_groups()[0].options().get_lr() == before);
}

TEST_CASE("torch_scheduler: OneCycleLR's LR and momentum as PyTorch sets them",
          "[adapter][torch]") {
  // PyTorch 1.13, OneCycleLR(max_lr=1, total_steps=100), defaults; printed by
  // tests/data/adapters/one_cycle_reference.py (output next to it).
  struct row {
    int step;
    double lr, momentum;
  };
  const row expected[] = {{0, 0.040000000000000036, 0.95},
                          {1, 0.042813780565907456, 0.9497068978577179},
                          {14, 0.49401332387899954, 0.9027069454292709},
                          {29, 1.0, 0.85},
                          {30, 0.9994965352845243, 0.8500503466729342},
                          {50, 0.793893450575732, 0.8706107373853763},
                          {64, 0.500002, 0.8999999999999999},
                          {99, 4e-06, 0.95}};
  auto w = make_param();
  torch::optim::SGD sgd({w}, torch::optim::SGDOptions(1.0).momentum(0.9));
  torch::optim::Adam adam({w}, torch::optim::AdamOptions(1.0));
  lrs::adapters::torch_scheduler s1(sgd, lrs::one_cycle_lr(1.0, 100));
  lrs::adapters::torch_scheduler s2(adam, lrs::one_cycle_lr(1.0, 100));
  CHECK(s1.cycles_momentum());
  std::size_t next = 0;
  for (int t = 0; t < 100; ++t) {
    if (next < std::size(expected) && expected[next].step == t) {
      INFO("step " << t);
      const row& r = expected[next++];
      CHECK_THAT(sgd.param_groups()[0].options().get_lr(), WithinRel(r.lr, 1e-12));
      CHECK_THAT(adam.param_groups()[0].options().get_lr(), WithinRel(r.lr, 1e-12));
      CHECK_THAT(lrs::adapters::torch_momentum(sgd.param_groups()[0]),
                 WithinRel(r.momentum, 1e-12));
      CHECK_THAT(lrs::adapters::torch_momentum(adam.param_groups()[0]),
                 WithinRel(r.momentum, 1e-12));
    }
    s1.step();
    s2.step();
  }
  CHECK(next == std::size(expected));
}
