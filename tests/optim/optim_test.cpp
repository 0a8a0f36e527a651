// SPDX-License-Identifier: MIT
// lrs::sgd / adam / adamw: hand-computed updates, errors, state save/load, allocation, views.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/optim.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>

#include "catch.hpp"
#include "tolerance.hpp"

namespace {
template <class T>
lrs::vector_t<T> make_vec(std::initializer_list<T> v) {
  lrs::vector_t<T> x(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (T e : v) x[i++] = e;
  return x;
}
}  // namespace

TEMPLATE_TEST_CASE("sgd one step by hand", "[optim][sgd]", float, double) {
  using T = TestType;
  const T tol = tolerance<T>::rel * 10;
  lrs::sgd_options<T> o;
  o.momentum = T(0.9);
  o.dampening = T(0.5);
  o.weight_decay = T(0.1);
  lrs::sgd<T> opt(o);
  auto p = make_vec<T>({T(1), T(-2)});
  const auto g = make_vec<T>({T(0.5), T(0.25)});
  // Step 1: d = g + 0.1 p = (0.6, 0.05); buf = d (no dampening at the first step); p -= 0.1 d.
  opt.step(p, g, T(0.1));
  CHECK_THAT(p[0], WithinRel(T(0.94), tol));
  CHECK_THAT(p[1], WithinRel(T(-2.005), tol));
  // Step 2: d = g + 0.1 p = (0.594, 0.0495); buf = 0.9 buf + 0.5 d = (0.837, 0.06975).
  opt.step(p, g, T(0.1));
  CHECK_THAT(p[0], WithinRel(T(0.94 - 0.0837), tol));
  CHECK_THAT(p[1], WithinRel(T(-2.005 - 0.006975), tol));
  CHECK(opt.step_count() == 2);
}

TEMPLATE_TEST_CASE("sgd nesterov and maximize by hand", "[optim][sgd]", float, double) {
  using T = TestType;
  const T tol = tolerance<T>::rel * 10;
  lrs::sgd_options<T> o;
  o.momentum = T(0.5);
  o.nesterov = true;
  o.maximize = true;
  lrs::sgd<T> opt(o);
  auto p = make_vec<T>({T(1)});
  const auto g = make_vec<T>({T(2)});
  // d = -2; buf = -2; d = d + 0.5 buf = -3; p = 1 + 0.1 * 3 = 1.3.
  opt.step(p, g, T(0.1));
  CHECK_THAT(p[0], WithinRel(T(1.3), tol));
  // d = -2; buf = 0.5 (-2) + (-2) = -3; d = -2 + 0.5 (-3) = -3.5; p = 1.3 + 0.35.
  opt.step(p, g, T(0.1));
  CHECK_THAT(p[0], WithinRel(T(1.65), tol));
}

TEMPLATE_TEST_CASE("adam first step is lr * sign(g) (bias correction)", "[optim][adam]", float,
                   double) {
  using T = TestType;
  lrs::adam<T> opt;
  auto p = make_vec<T>({T(1), T(1), T(1)});
  const auto g = make_vec<T>({T(3), T(-0.5), T(0)});
  // m = 0.1 g, v = 0.001 g^2; m / (1 - 0.9) = g, sqrt(v / (1 - 0.999)) = |g|: p -= lr g/(|g|+eps).
  opt.step(p, g, T(0.01));
  CHECK_THAT(p[0], WithinRel(T(1 - 0.01 * 3 / (3 + 1e-8)), T(1e-6)));
  CHECK_THAT(p[1], WithinRel(T(1 + 0.01 * 0.5 / (0.5 + 1e-8)), T(1e-6)));
  CHECK(p[2] == T(1));  // m = 0 exactly
}

TEST_CASE("adam second step and amsgrad by hand", "[optim][adam]") {
  lrs::adam_options<double> o;
  o.amsgrad = true;
  lrs::adam<double> opt(o);
  auto p = make_vec<double>({0.0});
  opt.step(p, make_vec<double>({2.0}), 0.1);
  opt.step(p, make_vec<double>({0.0}), 0.1);
  // After step 2: m = 0.09 * 2 = 0.18, v = 0.999 * 0.004 = 0.003996, vmax = 0.004.
  // p = -0.1 * 2/(2+1e-8) - (0.1/0.19) * 0.18 / (sqrt(0.004)/sqrt(1-0.999^2) + 1e-8).
  const double p1 = -0.1 * 2.0 / (2.0 + 1e-8);
  const double p2 =
      p1 - (0.1 / (1 - 0.81)) * 0.18 / (std::sqrt(0.004) / std::sqrt(1 - 0.999 * 0.999) + 1e-8);
  CHECK_THAT(p[0], WithinRel(p2, 1e-14));
  CHECK_THAT(opt.buffer(0, 2)[0], WithinRel(0.004, 1e-15));
  CHECK_THAT(opt.buffer(0, 1)[0], WithinRel(0.003996, 1e-14));
}

TEST_CASE("adamw decays the weights before the Adam update", "[optim][adamw]") {
  lrs::adamw<double> opt;  // weight_decay 1e-2 by default, as PyTorch
  CHECK(opt.options().weight_decay == 1e-2);
  auto p = make_vec<double>({2.0});
  opt.step(p, make_vec<double>({0.0}), 0.5);  // g = 0: only the decay acts
  CHECK_THAT(p[0], WithinRel(2.0 * (1 - 0.5 * 1e-2), 1e-15));
}

TEST_CASE("step reports the L2 and L1 norms of the gradient before clipping", "[optim][clip]") {
  lrs::sgd_options<double> o;
  o.max_grad_norm = 1.0;
  lrs::sgd<double> opt(o);
  lrs::vector_t<double> a = make_vec<double>({0.0, 0.0}), b = make_vec<double>({0.0});
  const auto ga = make_vec<double>({3.0, 0.0}), gb = make_vec<double>({-4.0});
  const auto info =
      opt.step({lrs::param_tensor<double>(a, ga), lrs::param_tensor<double>(b, gb)}, 1.0);
  CHECK(info.grad_l2 == 5.0);
  CHECK(info.grad_l1 == 7.0);
  const double scale = 1.0 / (5.0 + 1e-6);  // PyTorch clip_grad_norm_
  CHECK_THAT(info.clip_scale, WithinRel(scale, 1e-15));
  CHECK_THAT(a[0], WithinRel(-3.0 * scale, 1e-15));
  CHECK_THAT(b[0], WithinRel(4.0 * scale, 1e-15));
  // Below the threshold nothing is scaled.
  const auto small = opt.step(a, make_vec<double>({0.3, 0.4}), 1.0);
  CHECK(small.clip_scale == 1.0);
  CHECK_THAT(small.grad_l2, WithinRel(0.5, 1e-15));
}

TEMPLATE_TEST_CASE("norms over long float vectors stay accurate", "[optim][clip]", float, double) {
  using T = TestType;
  const Eigen::Index n = 100003;  // not a multiple of any packet size
  lrs::vector_t<T> p = lrs::vector_t<T>::Zero(n);
  lrs::vector_t<T> g = lrs::vector_t<T>::Constant(n, T(0.1));
  g[5] = T(-0.1);
  lrs::sgd<T> opt;
  const auto info = opt.step(p, g, T(0));
  // Exact: sum of n values 0.1 (as T) and n squares.
  const double e = double(T(0.1));
  CHECK_THAT(double(info.grad_l1), WithinRel(n * e, 1e-6));
  CHECK_THAT(double(info.grad_l2), WithinRel(std::sqrt(n * e * e), 1e-6));
}

TEST_CASE("parameter groups scale the lr and override weight decay", "[optim][groups]") {
  lrs::sgd<double> opt;
  const auto g1 = opt.add_group({0.5, 0.2});
  CHECK(g1 == 1);
  CHECK(opt.group_count() == 2);
  lrs::vector_t<double> a = make_vec<double>({1.0}), b = make_vec<double>({1.0});
  const auto g = make_vec<double>({1.0});
  opt.step({lrs::param_tensor<double>(a, g), lrs::param_tensor<double>(b, g, g1)}, 0.1);
  CHECK(a[0] == 1.0 - 0.1);                              // group 0: lr, no decay
  CHECK_THAT(b[0], WithinRel(1.0 - 0.05 * 1.2, 1e-15));  // group 1: lr/2, d = 1 + 0.2 * 1
}

TEST_CASE("optimizers update Maps over user memory and contiguous blocks", "[optim][views]") {
  std::vector<float> storage = {1.f, 2.f, 3.f, 4.f, 5.f};
  std::vector<float> grads = {1.f, 1.f, 1.f, 1.f, 1.f};
  lrs::sgd<float> opt;
  Eigen::Map<Eigen::VectorXf> p(storage.data(), 5);
  opt.step(p, Eigen::Map<const Eigen::VectorXf>(grads.data(), 5), 0.5f);
  CHECK(storage[0] == 0.5f);
  CHECK(storage[4] == 4.5f);
  Eigen::VectorXf whole = Eigen::VectorXf::Zero(6);
  lrs::sgd<float> opt2;
  opt2.step(whole.segment(2, 3), Eigen::VectorXf::Ones(3), 1.f);
  CHECK(whole[1] == 0.f);
  CHECK(whole[2] == -1.f);
  CHECK(whole[4] == -1.f);
  CHECK(whole[5] == 0.f);
}

TEST_CASE("state buffers are allocated once and never move", "[optim][alloc]") {
  lrs::adam_options<float> o;
  o.amsgrad = true;
  lrs::adam<float> opt(o);
  lrs::vector_t<float> p = lrs::vector_t<float>::Ones(1000), g = lrs::vector_t<float>::Ones(1000);
  opt.step(p, g, 0.1f);
  const float* m = opt.buffer(0, 0).data();
  const float* v = opt.buffer(0, 1).data();
  const float* vmax = opt.buffer(0, 2).data();
  for (int s = 0; s < 20; ++s) {
    opt.set_beta1(s % 2 ? 0.85f : 0.95f);
    opt.step(p, g, 0.1f);
  }
  CHECK(opt.buffer(0, 0).data() == m);
  CHECK(opt.buffer(0, 1).data() == v);
  CHECK(opt.buffer(0, 2).data() == vmax);
  CHECK(opt.step_count() == 21);

  lrs::sgd_options<double> so;
  so.momentum = 0.9;
  lrs::sgd<double> sgd(so);
  lrs::vector_t<double> q = lrs::vector_t<double>::Ones(77), h = lrs::vector_t<double>::Ones(77);
  sgd.step(q, h, 0.1);
  const double* buf = sgd.buffer(0, 0).data();
  for (int s = 0; s < 10; ++s) sgd.step(q, h, 0.1);
  CHECK(sgd.buffer(0, 0).data() == buf);
}

TEMPLATE_TEST_CASE("adam and sgd drive a quadratic to its minimum under a schedule",
                   "[optim][property]", float, double) {
  using T = TestType;
  const lrs::cosine_annealing_lr<T> sched(T(0.1), 300);
  lrs::vector_t<T> x = make_vec<T>({T(1), T(-2), T(0.5)}), y = x;
  lrs::adam<T> adam;
  lrs::sgd_options<T> so;
  so.momentum = T(0.9);
  lrs::sgd<T> sgd(so);
  for (lrs::step_t t = 0; t < 300; ++t) {
    adam.step(x, T(2) * x, sched(t));  // gradient of ||x||^2
    sgd.step(y, T(2) * y, sched(t));
  }
  CHECK(x.norm() < T(1e-2));
  CHECK(y.norm() < T(1e-3));
}

namespace {
template <class Opt, class T>
void run_steps(Opt& opt, lrs::vector_t<T>& p, int from, int to) {
  for (int s = from; s < to; ++s) {
    lrs::vector_t<T> g(p.size());
    for (Eigen::Index i = 0; i < p.size(); ++i)
      g[i] = p[i] * T(0.7) + T(std::sin(double(s * 13 + i)));
    opt.set_momentum(T(0.9) - T(0.05) * T(s % 3));
    opt.step(p, g, T(0.05) / T(1 + s));
  }
}

template <class Opt>
void check_resume(const typename Opt::options_type& o) {
  using T = typename Opt::scalar_type;
  lrs::vector_t<T> p0 = lrs::vector_t<T>::LinSpaced(37, T(-1), T(1));
  Opt straight(o);
  lrs::vector_t<T> a = p0;
  run_steps(straight, a, 0, 12);

  Opt first(o);
  lrs::vector_t<T> b = p0;
  run_steps(first, b, 0, 5);
  const auto saved = first.state();
  Opt resumed(o);
  resumed.load_state(saved);
  CHECK(resumed.step_count() == 5);
  run_steps(resumed, b, 5, 12);
  CHECK(std::memcmp(a.data(), b.data(), sizeof(T) * std::size_t(a.size())) == 0);
  CHECK(resumed.state() == straight.state());
}
}  // namespace

TEMPLATE_TEST_CASE("a resumed run is bit-identical to the uninterrupted one", "[optim][state]",
                   float, double) {
  using T = TestType;
  lrs::sgd_options<T> so;
  so.momentum = T(0.9);
  so.nesterov = true;
  so.weight_decay = T(1e-3);
  check_resume<lrs::sgd<T>>(so);
  lrs::adam_options<T> ao;
  ao.amsgrad = true;
  ao.weight_decay = T(1e-2);
  check_resume<lrs::adam<T>>(ao);
  lrs::adamw_options<T> wo;
  wo.max_grad_norm = T(0.5);
  check_resume<lrs::adamw<T>>(wo);
}

TEST_CASE("a truncated, corrupt or mismatched state throws and changes nothing",
          "[optim][state][error]") {
  lrs::adam<double> opt;
  lrs::vector_t<double> p = lrs::vector_t<double>::Ones(9), g = lrs::vector_t<double>::Ones(9);
  opt.step(p, g, 0.1);
  opt.step(p, g, 0.1);
  const auto good = opt.state();

  lrs::adam<double> other;
  lrs::vector_t<double> q = lrs::vector_t<double>::Ones(4);
  other.step(q, lrs::vector_t<double>::Ones(4), 0.1);
  const auto before = other.state();

  for (std::size_t cut : {std::size_t(0), std::size_t(3), std::size_t(20), good.size() - 1}) {
    const std::vector<unsigned char> truncated(good.begin(), good.begin() + long(cut));
    CHECK_THROWS_AS(other.load_state(truncated), lrs::invalid_argument);
  }
  auto corrupt = good;
  corrupt[corrupt.size() / 2] ^= 0x40;
  CHECK_THROWS_AS(other.load_state(corrupt), lrs::invalid_argument);
  auto longer = good;
  longer.push_back(0);
  CHECK_THROWS_AS(other.load_state(longer), lrs::invalid_argument);

  lrs::adamw<double> w;  // other optimizer kind
  CHECK_THROWS_AS(w.load_state(good), lrs::invalid_argument);
  lrs::adam<float> f;  // other scalar type
  CHECK_THROWS_AS(f.load_state(good), lrs::invalid_argument);
  lrs::adam_options<double> ams;
  ams.amsgrad = true;
  lrs::adam<double> a2(ams);  // amsgrad needs a third buffer
  CHECK_THROWS_AS(a2.load_state(good), lrs::invalid_argument);
  try {
    other.load_state(corrupt);
  } catch (const lrs::invalid_argument& e) {
    CHECK(std::string(e.what()) ==
          "lrs::adam: load_state: checksum mismatch (the bytes were corrupted after they were "
          "written)");
  }
  CHECK(other.state() == before);
  CHECK(other.step_count() == 1);

  // A state for 9 parameters cannot step a tensor of 4.
  lrs::adam<double> loaded;
  loaded.load_state(good);
  CHECK_THROWS_AS(loaded.step(q, lrs::vector_t<double>::Ones(4), 0.1), lrs::invalid_argument);
  CHECK(loaded.state() == good);
}

TEST_CASE("bad hyper-parameters and inputs give clear errors", "[optim][error]") {
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const lrs::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no throw");
  };
  lrs::sgd_options<double> s;
  s.momentum = -0.1;
  CHECK(message([&] { lrs::sgd<double>{s}; }) == "lrs::sgd: momentum must be >= 0, got -0.1");
  s.momentum = 0;
  s.nesterov = true;
  CHECK(message([&] { lrs::sgd<double>{s}; }) ==
        "lrs::sgd: momentum must be > 0 with nesterov, got 0");
  s.momentum = 0.9;
  s.dampening = 0.1;
  CHECK_THROWS_AS(lrs::sgd<double>(s), lrs::invalid_argument);
  s = {};
  s.weight_decay = -1;
  CHECK_THROWS_AS(lrs::sgd<double>(s), lrs::invalid_argument);
  s = {};
  s.max_grad_norm = -1;
  CHECK_THROWS_AS(lrs::sgd<double>(s), lrs::invalid_argument);

  lrs::adam_options<double> a;
  a.beta1 = 1.0;
  CHECK(message([&] { lrs::adam<double>{a}; }) == "lrs::adam: beta1 must be in [0, 1), got 1");
  a = {};
  a.beta2 = -0.1;
  CHECK_THROWS_AS(lrs::adam<double>(a), lrs::invalid_argument);
  a = {};
  a.eps = 0;
  CHECK(message([&] { lrs::adam<double>{a}; }) == "lrs::adam: eps must be > 0, got 0");
  lrs::adamw_options<float> w;
  w.weight_decay = std::nanf("");
  CHECK(message([&] { lrs::adamw<float>{w}; }) ==
        "lrs::adamw: weight_decay must be finite, got nan");

  lrs::adam<double> opt;
  lrs::vector_t<double> p = lrs::vector_t<double>::Zero(3);
  CHECK(message([&] { opt.step(p, lrs::vector_t<double>::Zero(3), -0.1); }) ==
        "lrs::adam: lr must be >= 0 and finite, got -0.1");
  CHECK(message([&] { opt.step(p, lrs::vector_t<double>::Zero(4), 0.1); }) ==
        "lrs::adam: grads size must be equal to params size 3, got 4");
  CHECK_THROWS_AS(opt.set_beta1(1.5), lrs::invalid_argument);
  CHECK_THROWS_AS(opt.add_group({-1.0, 0.0}), lrs::invalid_argument);
  lrs::vector_t<double> g = lrs::vector_t<double>::Zero(3);
  CHECK(message([&] { opt.step({lrs::param_tensor<double>(p, g, 1)}, 0.1); }) ==
        "lrs::adam: group of tensor 0 must be < the number of groups 1, got 1");
  CHECK(opt.step_count() == 0);  // nothing was stepped by the failed calls
  opt.step(p, g, 0.1);
  lrs::vector_t<double> p4 = lrs::vector_t<double>::Zero(4);
  CHECK_THROWS_AS(opt.step(p4, lrs::vector_t<double>::Zero(4), 0.1), lrs::invalid_argument);
  CHECK(opt.step_count() == 1);
}

TEMPLATE_TEST_CASE("SIMD lanes and the scalar tail compute the same update", "[optim][property]",
                   float, double) {
  using T = TestType;
  // 37 identical coordinates: packets cover the head, scalar code the tail; any approximate
  // packet sqrt or division would make them differ.
  const Eigen::Index n = 37;
  lrs::adam_options<T> o;
  o.amsgrad = true;
  o.weight_decay = T(0.01);
  lrs::adam<T> adam(o);
  lrs::sgd_options<T> so;
  so.momentum = T(0.9);
  so.nesterov = true;
  lrs::sgd<T> sgd(so);
  lrs::vector_t<T> p = lrs::vector_t<T>::Constant(n, T(0.3)), q = p;
  for (int s = 0; s < 5; ++s) {
    const lrs::vector_t<T> g = lrs::vector_t<T>::Constant(n, T(0.7) / T(1 + s * s));
    adam.step(p, g, T(0.01));
    sgd.step(q, g, T(0.01));
  }
  for (Eigen::Index i = 1; i < n; ++i) {
    CHECK(p[i] == p[0]);
    CHECK(q[i] == q[0]);
  }
  // A scalar replay of the same PyTorch formula, in the same operation order.
  T m = 0, v = 0, vmax = 0, x = T(0.3);
  for (int s = 0; s < 5; ++s) {
    const T g0 = T(0.7) / T(1 + s * s);
    const T g = g0 + o.weight_decay * x;
    m = m * T(0.9) + T(1.0 - double(T(0.9))) * g;
    v = v * T(0.999) + (T(1.0 - double(T(0.999))) * g) * g;
    vmax = std::max(vmax, v);
    const double bc1 = 1.0 - std::pow(double(T(0.9)), s + 1);
    const double bc2 = 1.0 - std::pow(double(T(0.999)), s + 1);
    const T denom = std::sqrt(vmax) / T(std::sqrt(bc2)) + T(1e-8);
    x = x + (T(-(0.01 / bc1) * 1.0) * m) / denom;
  }
  CHECK_THAT(p[0], WithinRel(x, T(4) * std::numeric_limits<T>::epsilon()));
}

namespace {
// A schedule that cycles momentum the way OneCycleLR does (momentum high when the LR is low).
struct cycling_schedule {
  double operator()(lrs::step_t t) const { return 0.01 * double(1 + t % 4); }
  double momentum(lrs::step_t t) const { return 0.95 - 0.05 * double(t % 4); }
};
}  // namespace

TEST_CASE("scheduled_lr sets cycled momentum or beta1 and returns the LR", "[optim][schedule]") {
  static_assert(lrs::has_momentum_v<cycling_schedule>);
  const cycling_schedule s;
  lrs::sgd_options<double> so;
  so.momentum = 0.9;
  lrs::sgd<double> sgd(so);
  lrs::adam<float> adam;
  for (lrs::step_t t = 0; t < 6; ++t) {
    CHECK(lrs::scheduled_lr(sgd, s, t) == s(t));
    CHECK(sgd.momentum() == s.momentum(t));
    CHECK(lrs::scheduled_lr(adam, s, t) == float(s(t)));
    CHECK(adam.beta1() == float(s.momentum(t)));
  }
  // A schedule without momentum leaves it alone; an erased one asks has_momentum().
  const lrs::cosine_annealing_lr<double> plain(0.1, 10);
  CHECK(lrs::scheduled_lr(sgd, plain, 3) == plain(3));
  CHECK(sgd.momentum() == s.momentum(5));
  const lrs::any_schedule<double> erased_plain = plain;
  CHECK(lrs::scheduled_lr(sgd, erased_plain, 3) == plain(3));
  CHECK(sgd.momentum() == s.momentum(5));
  const lrs::any_schedule<double> erased = s;
  lrs::scheduled_lr(sgd, erased, 2);
  CHECK(sgd.momentum() == s.momentum(2));
}

TEST_CASE("param_tensor takes segments and rejects bad views", "[optim][views]") {
  Eigen::VectorXd flat = Eigen::VectorXd::Zero(10);
  const Eigen::VectorXd grads = Eigen::VectorXd::Ones(10);
  lrs::sgd<double> opt;
  opt.step({lrs::param_tensor<double>(flat.head(4), grads.head(4)),
            lrs::param_tensor<double>(flat.tail(6), grads.tail(6))},
           0.5);
  CHECK(flat.isApprox(Eigen::VectorXd::Constant(10, -0.5)));
  CHECK(opt.tensor_count() == 2);
  CHECK_THROWS_AS(lrs::param_tensor<double>(flat, grads.head(3)), lrs::invalid_argument);
  Eigen::MatrixXd m = Eigen::MatrixXd::Ones(3, 3);
  CHECK_THROWS_AS(lrs::param_tensor<double>(flat.head(3), m.row(0)), lrs::invalid_argument);
}
