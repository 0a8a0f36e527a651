// SPDX-License-Identifier: MIT
// Parameter groups: absolute LR beside lr_scale, optional weight decay, layer-wise LR decay,
// tensors matched to their state (a reordering is refused), groups recorded in the state, the
// options' setters and param_tensor's deduced scalar type.
#include <lrs/optim.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "catch.hpp"
#include "support/errors.hpp"

namespace {

using lrs_test::message_of;

}  // namespace

TEST_CASE("a group's LR is its absolute lr if set, else lr_scale * the step's lr",
          "[optim][groups]") {
  // Plain SGD, no weight decay: p -= group_lr * g, so the change divided by g is the group's LR.
  lrs::sgd<double> opt;
  const auto scaled = opt.add_group({0.5});
  const auto fixed = opt.add_group(lrs::param_group<double>{}.with_lr(0.003));
  lrs::vector_t<double> p0 = lrs::vector_t<double>::Zero(2), p1 = p0, p2 = p0;
  const lrs::vector_t<double> g = lrs::vector_t<double>::Constant(2, 2.0);
  for (const double lr : {0.1, 0.4}) {
    const lrs::vector_t<double> b0 = p0, b1 = p1, b2 = p2;
    opt.step({lrs::param_tensor(p0, g), lrs::param_tensor(p1, g, scaled),
              lrs::param_tensor(p2, g, fixed)},
             lr);
    CHECK_THAT((b0 - p0)[0] / 2.0, WithinRel(double(lr), 1e-15));
    CHECK_THAT((b1 - p1)[1] / 2.0, WithinRel(double(0.5 * lr), 1e-15));
    CHECK_THAT((b2 - p2)[0] / 2.0, WithinRel(double(0.003), 1e-15));  // ignores the step's lr
  }
  CHECK(opt.group(fixed).lr_at(7.0) == 0.003);
  CHECK(opt.group(scaled).lr_at(0.2) == 0.1);
}

TEST_CASE("group_lrs gives each group its own step LR (a schedule per group)", "[optim][groups]") {
  // Plain SGD, no weight decay: p -= group_lr * g. A backbone warming up (0.01 t) beside a head
  // on its own cosine-like values; the head group also has lr_scale 2, applied to its element.
  lrs::sgd<double> opt;
  const auto head = opt.add_group({2.0});
  const auto fixed = opt.add_group(lrs::param_group<double>{}.with_lr(0.003));
  lrs::vector_t<double> pb = lrs::vector_t<double>::Zero(3), ph = pb, pf = pb;
  const lrs::vector_t<double> g = lrs::vector_t<double>::Constant(3, 4.0);
  lrs::group_lrs<double> lrs_t(0.0, 0.0, 0.0);
  const double backbone[] = {0.01, 0.02, 0.03}, head_lr[] = {0.05, 0.04, 0.025};
  for (int t = 0; t < 3; ++t) {
    lrs_t[0] = backbone[t];
    lrs_t[1] = head_lr[t];
    lrs_t[2] = 123.0;  // ignored: group 2 has an absolute lr
    const lrs::vector_t<double> b = pb, h = ph, f = pf;
    opt.step(
        {lrs::param_tensor(pb, g), lrs::param_tensor(ph, g, head), lrs::param_tensor(pf, g, fixed)},
        lrs_t);
    CHECK_THAT((b - pb)[0] / 4.0, WithinRel(backbone[t], 1e-14));
    CHECK_THAT((h - ph)[2] / 4.0, WithinRel(2.0 * head_lr[t], 1e-14));
    CHECK_THAT((f - pf)[1] / 4.0, WithinRel(0.003, 1e-14));
  }
}

TEMPLATE_TEST_CASE("group_lrs with every element equal is step(lr), bit for bit", "[optim][groups]",
                   lrs::adamw<float>, lrs::adamw_schedule_free<float>) {
  // The one-lr step is group_lrs with lr everywhere: same params, same state bytes.
  TestType a, b;
  const auto ha = a.add_group({0.5}), hb = b.add_group({0.5});
  REQUIRE(ha == hb);
  lrs::vector_t<float> wa = lrs::vector_t<float>::LinSpaced(5, -1.0f, 1.0f), wb = wa;
  lrs::vector_t<float> va = lrs::vector_t<float>::Constant(3, 0.25f), vb = va;
  for (int t = 0; t < 4; ++t) {
    const lrs::vector_t<float> g = wa * 0.5f + lrs::vector_t<float>::Constant(5, float(t));
    const lrs::vector_t<float> h = va * -2.0f;
    const float lr = 0.01f * float(t + 1);
    a.step({lrs::param_tensor(wa, g), lrs::param_tensor(va, h, ha)}, lr);
    b.step({lrs::param_tensor(wb, g), lrs::param_tensor(vb, h, hb)}, lrs::group_lrs<float>(lr, lr));
  }
  CHECK(std::memcmp(wa.data(), wb.data(), sizeof(float) * 5) == 0);
  CHECK(std::memcmp(va.data(), vb.data(), sizeof(float) * 3) == 0);
  CHECK(a.state() == b.state());
}

TEST_CASE("a schedule-free group's lr_max follows its own element of group_lrs",
          "[optim][groups]") {
  lrs::sgd_schedule_free<double> opt;
  const auto head = opt.add_group({1.0});
  lrs::vector_t<double> p = lrs::vector_t<double>::Zero(2), q = p;
  const lrs::vector_t<double> g = lrs::vector_t<double>::Ones(2);
  opt.step({lrs::param_tensor(p, g), lrs::param_tensor(q, g, head)},
           lrs::group_lrs<double>(0.1, 0.7));
  opt.step({lrs::param_tensor(p, g), lrs::param_tensor(q, g, head)},
           lrs::group_lrs<double>(0.2, 0.3));
  CHECK(opt.lr_max(0) == 0.2);
  CHECK(opt.lr_max(head) == 0.7);
}

TEST_CASE("bad group_lrs are refused, naming the element, and change nothing",
          "[optim][groups][error]") {
  lrs::adam<double> opt;
  opt.add_group({1.0});
  lrs::vector_t<double> p = lrs::vector_t<double>::Ones(2);
  const lrs::vector_t<double> g = lrs::vector_t<double>::Ones(2);
  opt.step(p, g, 0.1);
  const auto before = opt.state();
  const lrs::vector_t<double> p_before = p;
  CHECK(message_of([&] { opt.step({lrs::param_tensor(p, g)}, lrs::group_lrs<double>(0.1)); }) ==
        "lrs::adam: group_lrs size must be one per group: 2, got 1");
  CHECK(message_of([&] {
          opt.step({lrs::param_tensor(p, g)}, lrs::group_lrs<double>(0.1, -0.5));
        }) == "lrs::adam: group_lrs[1] must be >= 0 and finite, got -0.5");
  CHECK_THROWS_WITH(opt.step({lrs::param_tensor(p, g)}, lrs::group_lrs<double>(std::nan(""), 0.1)),
                    Catch::Contains("group_lrs[0]"));
  lrs::sgd_schedule_free<double> sf;
  CHECK(message_of([&] { sf.step({lrs::param_tensor(p, g)}, lrs::group_lrs<double>()); }) ==
        "lrs::sgd_schedule_free: group_lrs size must be one per group: 1, got 0");
  CHECK(opt.state() == before);
  CHECK(p == p_before);
}

TEST_CASE("a group's weight decay overrides the optimizer's only when set", "[optim][groups]") {
  // AdamW's first step with g = 0 leaves only the decoupled decay: p *= 1 - lr * wd.
  lrs::adamw<double> opt(lrs::adamw_options<double>{}.with_weight_decay(0.1));
  const auto none = opt.add_group(lrs::param_group<double>{}.with_weight_decay(0.0));
  const auto own = opt.add_group({2.0});  // weight decay unset: the optimizer's 0.1
  lrs::vector_t<double> a = lrs::vector_t<double>::Ones(1), b = a, c = a;
  const lrs::vector_t<double> z = lrs::vector_t<double>::Zero(1);
  opt.step({lrs::param_tensor(a, z), lrs::param_tensor(b, z, none), lrs::param_tensor(c, z, own)},
           0.5);
  CHECK_THAT(a[0], WithinRel(double(1 - 0.5 * 0.1), 1e-15));
  CHECK(b[0] == 1.0);
  CHECK_THAT(c[0], WithinRel(double(1 - 2 * 0.5 * 0.1), 1e-15));
}

TEST_CASE("bad groups are refused with the parameter, value and range", "[optim][groups][error]") {
  lrs::adam<double> opt;
  CHECK(message_of([&] { opt.add_group(lrs::param_group<double>{}.with_lr(-1e-3)); }) ==
        "lrs::adam: param_group.lr must be >= 0 and finite (unset: lr_scale * the step's lr), "
        "got -0.001");
  CHECK(message_of([&] {
          opt.add_group({0.5, std::nullopt, 1e-3});
        }) ==
        "lrs::adam: param_group.lr_scale must be 1 when param_group.lr is set (an absolute lr "
        "ignores the step's lr), got 0.5");
  CHECK(message_of([&] {
          opt.add_group({1.0, -0.1});
        }) ==
        "lrs::adam: param_group.weight_decay must be >= 0 and finite (unset: the optimizer's "
        "own), got -0.1");
  CHECK_THROWS_AS(opt.add_group({1.0, std::nan("")}), lrs::invalid_argument);
  CHECK(opt.group_count() == 1);
}

TEST_CASE("layerwise_groups gives group k of L the scale decay^(L-k)", "[optim][groups]") {
  // Hand-computed powers: 0.5^3 = 0.125, 0.5^2 = 0.25; 0.65^2 = 0.4225.
  const auto g4 = lrs::layerwise_groups<double>(4, 0.5);
  REQUIRE(g4.size() == 4);
  CHECK(g4[0].lr_scale == 0.125);
  CHECK(g4[1].lr_scale == 0.25);
  CHECK(g4[2].lr_scale == 0.5);
  CHECK(g4[3].lr_scale == 1.0);
  for (const auto& g : g4) CHECK((!g.lr && !g.weight_decay));
  const auto g3 = lrs::layerwise_groups<float>(3, 0.65f);
  CHECK_THAT(g3[0].lr_scale, WithinRel(double(0.4225), 1e-6));
  CHECK(g3[1].lr_scale == 0.65f);
  CHECK(g3[2].lr_scale == 1.0f);
  const auto one = lrs::layerwise_groups<double>(1, 1.0);
  CHECK((one.size() == 1 && one[0].lr_scale == 1.0));

  // With the step at the peak LR, group k's LR is peak * decay^(L-k).
  lrs::sgd<double> opt;
  std::vector<std::size_t> idx;
  for (const auto& g : g4) idx.push_back(opt.add_group(g));
  CHECK(opt.group(idx[0]).lr_at(0.8) == 0.1);  // 0.8 * 0.125

  CHECK(message_of([] { lrs::layerwise_groups<double>(0, 0.5); }) ==
        "lrs::layerwise_groups: layers must be >= 1, got 0");
  CHECK(message_of([] { lrs::layerwise_groups<double>(3, 0.0); }) ==
        "lrs::layerwise_groups: decay must be in (0, 1] and finite, got 0");
  CHECK_THROWS_AS(lrs::layerwise_groups<double>(3, 1.5), lrs::invalid_argument);
  CHECK_THROWS_AS(lrs::layerwise_groups<double>(3, std::nan("")), lrs::invalid_argument);
}

TEMPLATE_TEST_CASE("two equal-size tensors swapped between steps are refused", "[optim][groups]",
                   lrs::sgd<double>, lrs::adamw<double>, lrs::adamw_schedule_free<double>) {
  TestType opt;
  const auto head = opt.add_group(lrs::param_group<double>{}.with_lr(0.01));
  lrs::vector_t<double> a = lrs::vector_t<double>::Ones(3), b = a;
  const lrs::vector_t<double> g = lrs::vector_t<double>::Constant(3, 0.5);
  opt.step({lrs::param_tensor(a, g), lrs::param_tensor(b, g, head)}, 0.1);
  const auto before = opt.state();
  const lrs::vector_t<double> a1 = a, b1 = b;
  const std::string msg = message_of([&] {
    opt.step({lrs::param_tensor(b, g, head), lrs::param_tensor(a, g)}, 0.1);
  });
  CHECK(msg.find("group of tensor 0 must be its group at the first step (0)") != std::string::npos);
  CHECK(msg.find("got 1") != std::string::npos);
  CHECK(opt.state() == before);
  CHECK((a == a1 && b == b1));
  // A different size at the same position is refused the same way.
  lrs::vector_t<double> c = lrs::vector_t<double>::Ones(4);
  const lrs::vector_t<double> gc = lrs::vector_t<double>::Zero(4);
  CHECK(message_of([&] {
          opt.step({lrs::param_tensor(c, gc), lrs::param_tensor(b, g, head)}, 0.1);
        }).find("size of tensor 0 must be its size at the first step (3)") != std::string::npos);
  // The original order still steps.
  CHECK_NOTHROW(opt.step({lrs::param_tensor(a, g), lrs::param_tensor(b, g, head)}, 0.1));
}

TEMPLATE_TEST_CASE(
    "groups are recorded in the state: same groups resume bit-identically, others "
    "are refused and change nothing",
    "[optim][groups][state]", lrs::adamw<double>, lrs::sgd<double>,
    lrs::sgd_schedule_free<double>) {
  auto make = [](double head_lr) {
    TestType opt;
    opt.add_group(lrs::param_group<double>{}.with_lr(head_lr).with_weight_decay(0.0));
    return opt;
  };
  auto run = [](TestType& opt, lrs::vector_t<double>& a, lrs::vector_t<double>& b, int from,
                int to) {
    for (int t = from; t < to; ++t) {
      const lrs::vector_t<double> ga = a * 0.3 + lrs::vector_t<double>::Constant(a.size(), 0.1);
      const lrs::vector_t<double> gb = b * 0.7 - lrs::vector_t<double>::Constant(b.size(), 0.2);
      opt.step({lrs::param_tensor(a, ga), lrs::param_tensor(b, gb, 1)}, 0.05 / (1 + t));
    }
  };
  lrs::vector_t<double> a0 = lrs::vector_t<double>::LinSpaced(4, -1, 1), b0 = a0;
  TestType whole = make(0.02);
  lrs::vector_t<double> wa = a0, wb = b0;
  run(whole, wa, wb, 0, 6);

  TestType first = make(0.02);
  lrs::vector_t<double> ra = a0, rb = b0;
  run(first, ra, rb, 0, 3);
  const auto saved = first.state();

  TestType resumed = make(0.02);
  resumed.load_state(saved);
  run(resumed, ra, rb, 3, 6);
  CHECK(ra == wa);
  CHECK(rb == wb);
  CHECK(resumed.state() == whole.state());

  // Another head lr, no head group, or a lr_scale instead of the absolute lr: refused.
  TestType other = make(0.03);
  const auto other_before = other.state();
  CHECK_THROWS_AS(other.load_state(saved), lrs::state_error);
  CHECK(other.state() == other_before);
  TestType plain;
  CHECK_THROWS_AS(plain.load_state(saved), lrs::state_error);
  TestType scaled;
  scaled.add_group({0.4, 0.0});
  CHECK_THROWS_AS(scaled.load_state(saved), lrs::state_error);

  // The tensors' groups come back with the state: a swapped order is still refused after loading.
  TestType loaded = make(0.02);
  loaded.load_state(saved);
  const lrs::vector_t<double> g = lrs::vector_t<double>::Ones(4);
  CHECK(message_of([&] {
          loaded.step({lrs::param_tensor(rb, g, 1), lrs::param_tensor(ra, g)}, 0.1);
        }).find("group of tensor 0") != std::string::npos);
}

TEST_CASE("a loaded state keeps each tensor's group", "[optim][groups][state]") {
  lrs::adam<double> two;
  two.add_group({0.5});
  lrs::vector_t<double> p = lrs::vector_t<double>::Ones(2);
  const lrs::vector_t<double> g = lrs::vector_t<double>::Ones(2);
  two.step({lrs::param_tensor(p, g, 1)}, 0.1);
  auto bytes = two.state();
  // The same optimizer with the same groups loads it; the recorded group 1 is then kept.
  lrs::adam<double> same;
  same.add_group({0.5});
  same.load_state(bytes);
  CHECK_THROWS_AS(same.step({lrs::param_tensor(p, g, 0)}, 0.1), lrs::invalid_argument);
  CHECK_NOTHROW(same.step({lrs::param_tensor(p, g, 1)}, 0.1));
}

TEST_CASE("every options struct has a chainable setter per field", "[optim][options]") {
  const auto s = lrs::sgd_options<double>{}
                     .with_momentum(0.8)
                     .with_dampening(0.1)
                     .with_nesterov(true)
                     .with_weight_decay(0.01)
                     .with_maximize(true)
                     .with_max_grad_norm(2.0);
  CHECK((s.momentum == 0.8 && s.dampening == 0.1 && s.nesterov && s.weight_decay == 0.01 &&
         s.maximize && s.max_grad_norm == 2.0));
  const auto a = lrs::adam_options<float>{}
                     .with_beta1(0.8f)
                     .with_beta2(0.99f)
                     .with_eps(1e-6f)
                     .with_weight_decay(0.02f)
                     .with_amsgrad(true)
                     .with_maximize(true)
                     .with_max_grad_norm(1.5f);
  CHECK((a.beta1 == 0.8f && a.beta2 == 0.99f && a.eps == 1e-6f && a.weight_decay == 0.02f &&
         a.amsgrad && a.maximize && a.max_grad_norm == 1.5f));
  const auto w = lrs::adamw_options<double>{}
                     .with_beta1(0.85)
                     .with_beta2(0.95)
                     .with_eps(1e-7)
                     .with_weight_decay(0.05)
                     .with_amsgrad(true)
                     .with_maximize(true)
                     .with_max_grad_norm(3.0);
  CHECK((w.beta1 == 0.85 && w.beta2 == 0.95 && w.eps == 1e-7 && w.weight_decay == 0.05 &&
         w.amsgrad && w.maximize && w.max_grad_norm == 3.0));
  const auto ss = lrs::sgd_schedule_free_options<double>{}
                      .with_momentum(0.7)
                      .with_weight_decay(0.03)
                      .with_r(1.0)
                      .with_weight_lr_power(1.5)
                      .with_max_grad_norm(4.0);
  CHECK((ss.momentum == 0.7 && ss.weight_decay == 0.03 && ss.r == 1.0 &&
         ss.weight_lr_power == 1.5 && ss.max_grad_norm == 4.0));
  const auto as = lrs::adamw_schedule_free_options<double>{}
                      .with_beta1(0.6)
                      .with_beta2(0.9)
                      .with_eps(1e-5)
                      .with_weight_decay(0.04)
                      .with_decay_at_z(true)
                      .with_inner_momentum(0.3)
                      .with_r(2.0)
                      .with_weight_lr_power(0.5)
                      .with_max_grad_norm(5.0);
  CHECK((as.beta1 == 0.6 && as.beta2 == 0.9 && as.eps == 1e-5 && as.weight_decay == 0.04 &&
         as.decay_at_z && as.inner_momentum == 0.3 && as.r == 2.0 && as.weight_lr_power == 0.5 &&
         as.max_grad_norm == 5.0));
  constexpr auto pg =
      lrs::param_group<double>{}.with_lr_scale(1.0).with_weight_decay(0.0).with_lr(1e-4);
  static_assert(*pg.lr == 1e-4 && *pg.weight_decay == 0.0 && pg.lr_scale == 1.0);
  // The defaults stay the documented ones.
  CHECK(lrs::adamw_options<double>{}.weight_decay == 0.01);
  CHECK(!lrs::param_group<double>{}.weight_decay);
}

TEST_CASE("param_tensor deduces its scalar type from the params", "[optim][views]") {
  Eigen::VectorXf w = Eigen::VectorXf::Zero(3);
  const Eigen::VectorXf g = Eigen::VectorXf::Ones(3);
  auto t = lrs::param_tensor(w, g);
  static_assert(std::is_same_v<decltype(t), lrs::param_tensor<float>>);
  CHECK((t.size() == 3 && t.group() == 0));
  auto t2 = lrs::param_tensor(w.segment(1, 2), g.segment(0, 2), 2);
  static_assert(std::is_same_v<decltype(t2), lrs::param_tensor<float>>);
  CHECK((t2.params() == w.data() + 1 && t2.group() == 2));
  Eigen::VectorXd wd = Eigen::VectorXd::Zero(4);
  const Eigen::VectorXd gd = Eigen::VectorXd::Ones(4);
  auto t3 = lrs::param_tensor(wd.data(), gd.data(), 4, 1);
  static_assert(std::is_same_v<decltype(t3), lrs::param_tensor<double>>);
  CHECK((t3.size() == 4 && t3.group() == 1));
  auto t4 = lrs::param_tensor(wd.data(), gd.data(), Eigen::Index(4));
  static_assert(std::is_same_v<decltype(t4), lrs::param_tensor<double>>);
}
