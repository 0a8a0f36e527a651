// SPDX-License-Identifier: MIT
// lrs::sgd_schedule_free / adamw_schedule_free: train/eval switching, state and resume, errors,
// clipping, memory.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <lrs/optim/schedule_free.hpp>

#include "catch.hpp"
#include "support/bits.hpp"
#include "support/errors.hpp"

namespace {

using lrs_test::message_of;
using lrs_test::same_bits;

using bytes_t = std::vector<unsigned char>;
using vec = lrs::vector_t<double>;

/// A deterministic gradient at p: a rotated, ill-conditioned quadratic plus a sine.
vec grad_at(const vec& p, int salt) {
  vec g(p.size());
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    const double a = std::pow(10.0, double((i * 7 + salt) % 5) - 2.0);
    g[i] = a * (p[i] - 0.5 * double(i % 3)) + 0.3 * std::sin(3.0 * p[i] + double(salt));
  }
  return g;
}

vec start(Eigen::Index n, int salt) {
  vec p(n);
  for (Eigen::Index i = 0; i < n; ++i) p[i] = std::cos(double(i * 13 + salt)) * 2.0;
  return p;
}

/// Two tensors in two groups, `steps` steps of a warm-up then constant LR.
struct run2 {
  vec a = start(37, 1), b = start(9, 2);
  template <class Opt>
  void steps(Opt& opt, int from, int to, double peak) {
    for (int t = from; t < to; ++t) {
      const vec ga = grad_at(a, t), gb = grad_at(b, t + 100);
      const double lr = peak * std::min(1.0, double(t + 1) / 5.0);
      opt.step({{a, ga, 0}, {b, gb, 1}}, lr);
    }
  }
};

template <class Opt>
Opt with_groups(Opt opt) {
  opt.add_group({0.5, 0.02});
  return opt;
}

lrs::adamw_schedule_free<double> adamw_z_inner() {
  lrs::adamw_schedule_free_options<double> o;
  o.weight_decay = 0.01;
  o.decay_at_z = true;
  o.inner_momentum = 0.9;
  o.r = 1.0;
  return lrs::adamw_schedule_free<double>(o);
}

}  // namespace

TEMPLATE_TEST_CASE("schedule-free: eval() puts x in the params, train() gives back y bit for bit",
                   "[optim][schedule_free]", lrs::sgd_schedule_free<double>,
                   lrs::adamw_schedule_free<double>) {
  TestType opt = with_groups(TestType{});
  run2 r;
  const vec a0 = r.a, b0 = r.b;
  // Before any step there is no state: eval and train leave the params alone.
  opt.eval({{r.a, r.a}, {r.b, r.b}});
  CHECK(!opt.training());
  CHECK(same_bits(r.a, a0));
  opt.train({{r.a, r.a}, {r.b, r.b}});
  CHECK(opt.training());
  r.steps(opt, 0, 12, 0.05);
  const vec ya = r.a, yb = r.b;
  // y = beta x + (1 - beta) z up to rounding, and y differs from x (else the test is empty).
  const double beta = 0.9;
  CHECK((ya - (beta * opt.x(0) + (1 - beta) * opt.z(0))).cwiseAbs().maxCoeff() <= 1e-14);
  CHECK((ya - opt.x(0)).cwiseAbs().maxCoeff() > 1e-3);

  opt.eval({{r.a, r.a}, {r.b, r.b}});
  CHECK(same_bits(r.a, opt.x(0)));
  CHECK(same_bits(r.b, opt.x(1)));
  opt.eval({{r.a, r.a}, {r.b, r.b}});  // a second eval is a no-op
  CHECK(same_bits(r.a, opt.x(0)));
  opt.train({{r.a, r.a}, {r.b, r.b}});
  CHECK(same_bits(r.a, ya));
  CHECK(same_bits(r.b, yb));

  // Single-tensor overloads.
  TestType one;
  vec p = start(17, 3);
  for (int t = 0; t < 6; ++t) one.step(p, grad_at(p, t), 0.01);
  const vec y = p;
  one.eval(p);
  CHECK(same_bits(p, one.x(0)));
  one.train(p);
  CHECK(same_bits(p, y));
}

TEMPLATE_TEST_CASE("schedule-free: stepping in eval mode is an error that changes nothing",
                   "[optim][schedule_free]", lrs::sgd_schedule_free<double>,
                   lrs::adamw_schedule_free<double>) {
  TestType opt;
  vec p = start(10, 4);
  opt.step(p, grad_at(p, 0), 0.01);
  opt.eval(p);
  const bytes_t before = opt.state();
  const vec x = p;
  const std::string msg = message_of([&] { opt.step(p, grad_at(p, 1), 0.01); });
  CHECK(msg == std::string("lrs::") + TestType::type_name +
                   ": mode must be train to step (call train(params) first), got eval");
  CHECK(opt.state() == before);
  CHECK(same_bits(p, x));
  opt.train(p);
  CHECK_NOTHROW(opt.step(p, grad_at(p, 1), 0.01));
}

TEMPLATE_TEST_CASE("schedule-free: resume from state() is bit-identical, in train or eval mode",
                   "[optim][schedule_free]", lrs::sgd_schedule_free<double>,
                   lrs::adamw_schedule_free<double>) {
  auto make = [] {
    if constexpr (std::is_same_v<TestType, lrs::adamw_schedule_free<double>>)
      return with_groups(adamw_z_inner());
    else
      return with_groups(TestType{});
  };
  // Uninterrupted: 20 steps.
  TestType full = make();
  run2 rf;
  rf.steps(full, 0, 20, 0.03);

  for (const bool in_eval : {false, true}) {
    INFO("saved in eval mode: " << in_eval);
    TestType first = make();
    run2 r1;
    r1.steps(first, 0, 8, 0.03);
    if (in_eval) first.eval({{r1.a, r1.a}, {r1.b, r1.b}});
    const bytes_t saved = first.state();
    const vec sa = r1.a, sb = r1.b;  // the caller's own checkpoint of the params

    TestType second = make();
    second.load_state(saved);
    CHECK(second.state() == saved);
    CHECK(second.training() == !in_eval);
    CHECK(second.step_count(0) == 8);
    CHECK(second.step_count(1) == 8);
    run2 r2;
    r2.a = sa;
    r2.b = sb;
    if (in_eval) second.train({{r2.a, r2.a}, {r2.b, r2.b}});
    r2.steps(second, 8, 20, 0.03);
    CHECK(same_bits(r2.a, rf.a));
    CHECK(same_bits(r2.b, rf.b));
    CHECK(same_bits(second.x(0), full.x(0)));
    CHECK(same_bits(second.z(1), full.z(1)));
    CHECK(second.state() == full.state());
  }
}

TEMPLATE_TEST_CASE("schedule-free: a failed load_state leaves the optimizer as it was",
                   "[optim][schedule_free]", lrs::sgd_schedule_free<double>,
                   lrs::adamw_schedule_free<double>) {
  TestType opt = with_groups(TestType{});
  run2 r;
  r.steps(opt, 0, 3, 0.02);
  const bytes_t before = opt.state();

  TestType other = with_groups(TestType{});
  run2 r2;
  r2.steps(other, 0, 7, 0.02);
  other.eval({{r2.a, r2.a}, {r2.b, r2.b}});
  const bytes_t good = other.state();

  auto refused = [&](const bytes_t& bad, const std::string& part) {
    std::string msg;
    try {
      opt.load_state(bad);
    } catch (const lrs::state_error& e) {
      msg = e.what();
    }
    INFO(msg);
    CHECK(msg.find(part) != std::string::npos);
    CHECK(opt.state() == before);
    CHECK(opt.training());
  };
  // Every truncation and a bit flip in every byte.
  for (std::size_t n = 0; n < good.size(); n += 7)
    refused(bytes_t(good.begin(), good.begin() + long(n)), "");
  for (std::size_t i = 0; i < good.size(); ++i) {
    bytes_t bad = good;
    bad[i] ^= 0x10;
    refused(bad, "");
  }
  // Other kind, other hyper-parameters, other groups, other scalar type.
  if constexpr (std::is_same_v<TestType, lrs::sgd_schedule_free<double>>) {
    refused(lrs::adamw_schedule_free<double>{}.state(), "adamw_schedule_free");
    lrs::sgd_schedule_free_options<double> o;
    o.momentum = 0.95;
    refused(with_groups(TestType(o)).state(), "momentum");
  } else {
    refused(lrs::sgd_schedule_free<double>{}.state(), "sgd_schedule_free");
    lrs::adamw_schedule_free_options<double> o;
    o.decay_at_z = true;
    refused(with_groups(TestType(o)).state(), "decay_at_z");
  }
  refused(TestType{}.state(), "groups");
  using F = std::conditional_t<std::is_same_v<TestType, lrs::sgd_schedule_free<double>>,
                               lrs::sgd_schedule_free<float>, lrs::adamw_schedule_free<float>>;
  refused(with_groups(F{}).state(), "float");
  // And the good one loads, mode included.
  opt.load_state(good);
  CHECK(opt.state() == good);
  CHECK(!opt.training());
}

TEST_CASE("schedule-free: crafted states with out-of-range fields are refused",
          "[optim][schedule_free]") {
  auto craft = [](std::int64_t k, double lr_max, double wsum, std::int64_t size, std::size_t nbuf) {
    lrs::state_writer w("sgd_schedule_free", lrs::state_scalar::f64);
    w.hyper("momentum", 0.9).hyper("weight_decay", 0.0).hyper("r", 0.0);
    w.hyper("weight_lr_power", 2.0).hyper("max_grad_norm", 0.0).hyper("groups", 1);
    w.boolean(true).u64(1).i64(k).f64(lr_max).f64(wsum);
    w.u64(1).i64(size);
    std::vector<double> buf(std::size_t(size < 0 ? 0 : size), 1.0);
    for (std::size_t b = 0; b < 4; ++b) {
      if (b < nbuf)
        w.reals(buf.data(), buf.size());
      else
        w.reals(buf.data(), 0);
    }
    return w.finish();
  };
  lrs::sgd_schedule_free<double> opt;
  CHECK_NOTHROW(opt.load_state(craft(3, 0.1, 0.02, 4, 2)));
  const bytes_t before = opt.state();
  auto msg = [&](const bytes_t& b) {
    std::string m;
    try {
      opt.load_state(b);
    } catch (const lrs::state_error& e) {
      m = e.what();
    }
    CHECK(opt.state() == before);
    return m;
  };
  CHECK(msg(craft(3, -0.5, 0.02, 4, 2)).find("group 0 lr_max") != std::string::npos);
  CHECK(msg(craft(3, 0.1, -1.0, 4, 2)).find("group 0 weight_sum") != std::string::npos);
  CHECK(msg(craft(3, 0.1, std::nan(""), 4, 2)).find("weight_sum") != std::string::npos);
  CHECK(msg(craft(0, 0.1, 0.02, 4, 2)).find("no update") != std::string::npos);
  CHECK(msg(craft(-1, 0.1, 0.02, 4, 2)).find("group 0 k") != std::string::npos);
  CHECK(msg(craft(3, 0.1, 0.02, 4, 3)).find("tensor 0 buffer 2 size") != std::string::npos);
  CHECK(msg(craft(3, 0.1, 0.02, 4, 1)).find("tensor 0 buffer 1 size") != std::string::npos);
}

TEST_CASE("schedule-free: bad options, LR, sizes and groups are clear errors",
          "[optim][schedule_free]") {
  using sgd = lrs::sgd_schedule_free<double>;
  using adw = lrs::adamw_schedule_free<double>;
  auto sgd_with = [](auto set) {
    lrs::sgd_schedule_free_options<double> o;
    set(o);
    return message_of([&] { (void)sgd{o}; });
  };
  auto adw_with = [](auto set) {
    lrs::adamw_schedule_free_options<double> o;
    set(o);
    return message_of([&] { (void)adw{o}; });
  };
  CHECK(sgd_with([](auto& o) { o.momentum = 1.0; }) ==
        "lrs::sgd_schedule_free: momentum must be in (0, 1), got 1");
  CHECK(sgd_with([](auto& o) { o.momentum = 0.0; }) ==
        "lrs::sgd_schedule_free: momentum must be in (0, 1), got 0");
  CHECK(sgd_with([](auto& o) { o.r = -1.0; }) == "lrs::sgd_schedule_free: r must be >= 0, got -1");
  CHECK(sgd_with([](auto& o) {
          o.weight_lr_power = std::nan("");
        }).find("weight_lr_power must be finite") != std::string::npos);
  CHECK(sgd_with([](auto& o) { o.weight_decay = -0.1; }) ==
        "lrs::sgd_schedule_free: weight_decay must be >= 0, got -0.1");
  CHECK(adw_with([](auto& o) { o.beta1 = 1.0; }) ==
        "lrs::adamw_schedule_free: beta1 must be in [0, 1), got 1");
  CHECK(adw_with([](auto& o) { o.beta2 = -0.5; }) ==
        "lrs::adamw_schedule_free: beta2 must be in [0, 1), got -0.5");
  CHECK(adw_with([](auto& o) { o.eps = 0.0; }) ==
        "lrs::adamw_schedule_free: eps must be > 0, got 0");
  CHECK(adw_with([](auto& o) { o.inner_momentum = 1.0; }) ==
        "lrs::adamw_schedule_free: inner_momentum must be in [0, 1), got 1");
  CHECK(adw_with([](auto& o) { o.max_grad_norm = -1.0; }) ==
        "lrs::adamw_schedule_free: max_grad_norm must be >= 0, got -1");

  adw opt;
  vec p = start(6, 5), q = start(4, 6);
  opt.step(p, grad_at(p, 0), 0.01);
  const bytes_t before = opt.state();
  const vec p0 = p;
  CHECK(message_of([&] { opt.step(p, grad_at(p, 1), -0.01); }) ==
        "lrs::adamw_schedule_free: lr must be >= 0 and finite, got -0.01");
  CHECK(message_of([&] { opt.step(p, grad_at(p, 1), std::nan("")); }).find("lr must be") !=
        std::string::npos);
  CHECK(message_of([&] { opt.step(q, grad_at(q, 1), 0.01); }) ==
        "lrs::adamw_schedule_free: size of tensor 0 must be its size at the first step (6); "
        "tensors are matched to their state by position: pass them in the same order every "
        "step, got 4");
  const vec gq = grad_at(q, 1), gp = grad_at(p, 1);
  CHECK(message_of([&] {
          opt.step({{p, gp, 0}, {q, gq, 1}}, 0.01);
        }) ==
        "lrs::adamw_schedule_free: group of tensor 1 must be < the number of groups 1, got 1");
  CHECK(message_of([&] { opt.eval(q); }) ==
        "lrs::adamw_schedule_free: size of tensor 0 must be its size at the first step (6); "
        "tensors are matched to their state by position: pass them in the same order every "
        "step, got 4");
  CHECK(message_of([&] { opt.eval(nullptr, 0); }) ==
        "lrs::adamw_schedule_free: tensor count of eval() must be >= the number of tensors "
        "stepped (1), got 0");
  CHECK(opt.state() == before);
  CHECK(opt.training());
  CHECK(same_bits(p, p0));
  CHECK(message_of([&] {
          opt.add_group({-1.0, 0.0});
        }).find("lr_scale must be >= 0") != std::string::npos);

  // (k+1)^r overflows at the third step with r = 1000: refused before anything changes.
  lrs::sgd_schedule_free_options<double> o;
  o.r = 1000.0;
  sgd big(o);
  vec s = start(5, 7);
  big.step(s, grad_at(s, 0), 0.1);
  big.step(s, grad_at(s, 1), 0.1);
  const bytes_t b2 = big.state();
  const vec s2 = s;
  CHECK(message_of([&] {
          big.step(s, grad_at(s, 2), 0.1);
        }).find("averaging weight (k+1)^r * lr_max^weight_lr_power of group 0 must be finite") !=
        std::string::npos);
  CHECK(big.state() == b2);
  CHECK(same_bits(s, s2));
}

TEST_CASE("schedule-free: identities (zero LR, weights, buffers, clipping)",
          "[optim][schedule_free]") {
  SECTION("lr 0 moves nothing, and with weight_lr_power 2 the average weight is 0") {
    lrs::adamw_schedule_free<double> opt;
    vec p = start(11, 8);
    const vec p0 = p;
    for (int t = 0; t < 5; ++t) opt.step(p, grad_at(p, t), 0.0);
    CHECK(same_bits(p, p0));
    CHECK(same_bits(opt.z(0), p0));
    CHECK(opt.weight_sum() == 0.0);
    CHECK(opt.lr_max() == 0.0);
  }
  SECTION("weights: c_k = w_k / sum w with w_k = (k+1)^r lr_max^p, from x = (1-c) x + c z") {
    // With momentum -> y and x tracked, c of each step is recovered from x, z before and after.
    lrs::sgd_schedule_free_options<double> o;
    o.r = 2.0;
    o.weight_lr_power = 2.0;
    lrs::sgd_schedule_free<double> opt(o);
    vec p(1);
    p << 1.0;
    const double lrs_[] = {0.01, 0.02, 0.04, 0.04, 0.01};
    double wsum = 0, lr_max = -1;
    for (int k = 0; k < 5; ++k) {
      const vec x_before = k == 0 ? p : opt.x(0);
      vec g(1);
      g << 1.0;
      opt.step(p, g, lrs_[k]);
      lr_max = std::max(lr_max, lrs_[k]);
      const double w = double((k + 1) * (k + 1)) * lr_max * lr_max;
      wsum += w;
      const double c = (opt.x(0)[0] - x_before[0]) / (opt.z(0)[0] - x_before[0]);
      CHECK(c == Approx(w / wsum).epsilon(1e-12));
    }
    CHECK(opt.lr_max() == 0.04);
    CHECK(opt.step_count() == 5);
  }
  SECTION("memory: z and x per tensor (y is the params); AdamW adds v, and m with inner momentum") {
    vec p = start(8, 9);
    const vec g = grad_at(p, 0);
    lrs::sgd_schedule_free<double> s;
    s.step(p, g, 0.1);
    CHECK(s.buffer(0, 0).size() == 8);
    CHECK(s.buffer(0, 1).size() == 8);
    CHECK(s.buffer(0, 2).size() == 0);
    CHECK(s.buffer(0, 3).size() == 0);
    lrs::adamw_schedule_free<double> a;
    a.step(p, g, 0.1);
    CHECK(a.buffer(0, 2).size() == 8);
    CHECK(a.buffer(0, 3).size() == 0);
    lrs::adamw_schedule_free<double> m = adamw_z_inner();
    m.step(p, g, 0.1);
    CHECK(m.buffer(0, 3).size() == 8);
  }
  SECTION("clipping: the global norm over all tensors, as clip_grad_norm_") {
    lrs::sgd_schedule_free_options<double> o;
    o.max_grad_norm = 0.5;
    lrs::sgd_schedule_free<double> clipped(o);
    lrs::sgd_schedule_free<double> plain;
    vec a = start(5, 10), b = start(3, 11);
    vec a2 = a, b2 = b;
    const vec ga = grad_at(a, 0), gb = grad_at(b, 1);
    const double norm = std::sqrt(ga.squaredNorm() + gb.squaredNorm());
    REQUIRE(norm > 0.5);
    const double scale = 0.5 / (norm + 1e-6);
    const vec ga_s = ga * scale, gb_s = gb * scale;
    const auto info = clipped.step({{a, ga}, {b, gb}}, 0.1);
    plain.step({{a2, ga_s}, {b2, gb_s}}, 0.1);
    CHECK(info.clip_scale == Approx(scale).epsilon(1e-15));
    CHECK(info.grad_l2 == Approx(norm).epsilon(1e-14));
    CHECK((a - a2).cwiseAbs().maxCoeff() <= 1e-15);
    CHECK((b - b2).cwiseAbs().maxCoeff() <= 1e-15);
  }
}
