// SPDX-License-Identifier: MIT
// lrs::lanczos_lr_controller: learner values on known spectra, the re-estimation cadence,
// failures, option validation, and resuming from state().
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/controllers/curvature_lr.hpp>

#include "catch.hpp"

namespace {

using vec = Eigen::VectorXd;
using mat = Eigen::MatrixXd;
using controller = lrs::lanczos_lr_controller<double>;

// H v for a constant Hessian (a quadratic loss): the parameters do not matter.
controller::hvp_function constant_hessian(const mat& h) {
  return [h](const vec&, const vec& v) -> vec { return h * v; };
}

mat diagonal(std::initializer_list<double> d) {
  vec v(static_cast<Eigen::Index>(d.size()));
  Eigen::Index i = 0;
  for (double x : d) v[i++] = x;
  return v.asDiagonal();
}

// Spectra of tests/data/controllers/curvature_lr.py.
mat spectrum_a() {
  return diagonal({0.02, 0.05, 0.1, 0.3, 0.7, 1.1, 2.0, 3.5, 6.0, 11.0, 19.0, 42.0});
}
mat spectrum_b() {
  return diagonal({0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.5, 2.0, 7.0, 30.0});
}
mat spectrum_c() {
  const Eigen::Index n = 30;
  vec u(n), d(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    u[i] = double(i + 1);
    d[i] = std::pow(10.0, -3.0 + 5.0 * double(i) / double(n - 1));
  }
  const mat p = mat::Identity(n, n) - 2.0 * u * u.transpose() / u.squaredNorm();
  return p * d.asDiagonal() * p;
}

// One estimate at step 0 with lanczos_steps = n.
controller estimate_once(const mat& h, lrs::curvature_learner learner, lrs::mu_rule mu,
                         lrs::momentum_formula formula = lrs::momentum_formula::polyak) {
  lrs::lanczos_lr_options<double> o;
  o.lanczos_steps = int(h.rows());
  o.learner = learner;
  o.mu = mu;
  o.formula = formula;
  o.seed = 11;
  controller c(constant_hessian(h), 100, o);
  c.update(vec::Zero(h.rows()));
  return c;
}

constexpr double tol = 1e-12;  // Lanczos with full re-orthogonalisation, k = n

}  // namespace

using lrs::curvature_learner;
using lrs::momentum_formula;
using lrs::mu_rule;

TEST_CASE("lanczos_lr_controller: learners on a diagonal spectrum (k = n)",
          "[controllers][curvature_lr]") {
  const mat h = spectrum_a();
  SECTION("SSGD: 2 / (L + median)") {
    const auto c = estimate_once(h, curvature_learner::ssgd, mu_rule::minimum);
    CHECK_THAT(c.bounds().l, WithinRel(42.0, tol));
    CHECK_THAT(c.bounds().median, WithinRel(1.55, tol));
    CHECK_THAT(c.bounds().mu, WithinRel(0.02, 1e-10));
    CHECK_THAT(c.lr(), WithinRel(0.045924225028702644, tol));
    CHECK(c.momentum() == 0.0);  // SSGD keeps initial_momentum
    CHECK(c.estimates() == 1);
    CHECK(c.last_estimate_step() == 0);
  }
  SECTION("heavy ball, mu = minimum, Polyak's momentum") {
    const auto c = estimate_once(h, curvature_learner::heavy_ball, mu_rule::minimum);
    CHECK_THAT(c.lr(), WithinRel(0.09121376503845195, 1e-11));
    CHECK_THAT(c.momentum(), WithinRel(0.9164012034578756, 1e-11));
  }
  SECTION("heavy ball, mu = minimum, the authors' code's momentum") {
    const auto c = estimate_once(h, curvature_learner::heavy_ball, mu_rule::minimum,
                                 momentum_formula::granziol_code);
    CHECK_THAT(c.lr(), WithinRel(0.09121376503845195, 1e-11));
    CHECK_THAT(c.momentum(), WithinRel(0.950954139348432, 1e-11));
  }
  SECTION("heavy ball MN, mu = minimum") {
    const auto c = estimate_once(h, curvature_learner::heavy_ball_mn, mu_rule::minimum);
    CHECK_THAT(c.lr(), WithinRel(0.02182178902359924, 1e-11));
    CHECK_THAT(c.momentum(), WithinRel(0.9572884640785533, 1e-11));
  }
  SECTION("heavy ball and MN, mu = median") {
    const auto hb = estimate_once(h, curvature_learner::heavy_ball, mu_rule::median);
    CHECK_THAT(hb.lr(), WithinRel(0.06701636453151626, tol));
    CHECK_THAT(hb.momentum(), WithinRel(0.45928133767376617, tol));
    const auto code = estimate_once(h, curvature_learner::heavy_ball, mu_rule::median,
                                    momentum_formula::granziol_code);
    CHECK_THAT(code.momentum(), WithinRel(0.42505655556758387, tol));
    const auto mn = estimate_once(h, curvature_learner::heavy_ball_mn, mu_rule::median);
    CHECK_THAT(mn.lr(), WithinRel(0.1921061214661363, tol));
    CHECK_THAT(mn.momentum(), WithinRel(0.677702986324958, tol));
  }
}

TEST_CASE("lanczos_lr_controller: a degenerate bulk is deleted by the minimum rule",
          "[controllers][curvature_lr]") {
  // 0.01 eight times: one Ritz value of weight 8/12 > 0.5; the Krylov space has dimension 5, so
  // Lanczos stops early even though 12 steps are asked for.
  const mat h = spectrum_b();
  const auto ssgd = estimate_once(h, curvature_learner::ssgd, mu_rule::minimum);
  CHECK_THAT(ssgd.bounds().l, WithinRel(30.0, tol));
  CHECK_THAT(ssgd.bounds().median, WithinRel(2.0, tol));
  CHECK_THAT(ssgd.bounds().mu, WithinRel(0.5, tol));
  CHECK_THAT(ssgd.lr(), WithinRel(0.0625, tol));
  const auto hb = estimate_once(h, curvature_learner::heavy_ball, mu_rule::minimum);
  CHECK_THAT(hb.lr(), WithinRel(0.1045861915890154, tol));
  CHECK_THAT(hb.momentum(), WithinRel(0.5949394217324849, tol));
  const auto code = estimate_once(h, curvature_learner::heavy_ball, mu_rule::minimum,
                                  momentum_formula::granziol_code);
  CHECK_THAT(code.momentum(), WithinRel(0.6368821799438664, tol));
  const auto mn = estimate_once(h, curvature_learner::heavy_ball_mn, mu_rule::minimum);
  CHECK_THAT(mn.lr(), WithinRel(0.12909944487358055, tol));
  CHECK_THAT(mn.momentum(), WithinRel(0.7713231629689886, tol));
  const auto med = estimate_once(h, curvature_learner::heavy_ball, mu_rule::median);
  CHECK_THAT(med.lr(), WithinRel(0.08422482966923638, tol));
  CHECK_THAT(med.momentum(), WithinRel(0.34759727470778223, tol));
}

TEST_CASE("lanczos_lr_controller: a dense ill-conditioned Hessian (condition 1e5, n = 30)",
          "[controllers][curvature_lr]") {
  const mat h = spectrum_c();
  const auto ssgd = estimate_once(h, curvature_learner::ssgd, mu_rule::minimum);
  CHECK_THAT(ssgd.bounds().l, WithinRel(100.00000000000004, tol));
  CHECK_THAT(ssgd.bounds().median, WithinRel(0.3224782109284069, 1e-11));
  CHECK_THAT(ssgd.lr(), WithinRel(0.01993571167365893, tol));
  const auto hb = estimate_once(h, curvature_learner::heavy_ball, mu_rule::median);
  CHECK_THAT(hb.lr(), WithinRel(0.03581664738621398, 1e-11));
  CHECK_THAT(hb.momentum(), WithinRel(0.7966074134959795, 1e-11));
  const auto code = estimate_once(h, curvature_learner::heavy_ball, mu_rule::median,
                                  momentum_formula::granziol_code);
  CHECK_THAT(code.momentum(), WithinRel(0.8349326686327746, 1e-11));
  const auto mn = estimate_once(h, curvature_learner::heavy_ball_mn, mu_rule::median);
  CHECK_THAT(mn.lr(), WithinRel(0.056787165004814844, 1e-11));
  CHECK_THAT(mn.momentum(), WithinRel(0.8925286625627098, 1e-11));
}

TEST_CASE("lanczos_lr_controller: few Lanczos steps find a separated top eigenvalue",
          "[controllers][curvature_lr]") {
  // A deep-net-like spectrum: a bulk of 197 eigenvalues spread over [0, 1] and three outliers
  // 5, 10, 50; 20 Lanczos steps of 200.
  const Eigen::Index n = 200;
  vec d(n);
  for (Eigen::Index i = 0; i < n - 3; ++i) d[i] = double(i) / double(n - 4);
  d[n - 3] = 5.0;
  d[n - 2] = 10.0;
  d[n - 1] = 50.0;
  lrs::lanczos_lr_options<double> o;
  o.seed = 3;
  controller c(constant_hessian(d.asDiagonal()), 10, o);
  c.update(vec::Zero(n));
  CHECK_THAT(c.bounds().l, WithinRel(50.0, 1e-12));
  CHECK_THAT(c.lr(), WithinRel(2.0 / (50.0 + c.bounds().median), 1e-15));
  CHECK(c.lr() < 2.0 / 50.0);  // stable for gradient descent on the top eigenvalue
}

TEST_CASE("lanczos_lr_controller: re-estimates exactly every k steps from first_step",
          "[controllers][curvature_lr]") {
  // H(x) = (1 + x_0^2) diag(1..6): at step t the loop passes x_0 = t, so an estimate at step t
  // gives L = 6 (1 + t^2), median = 3.5 (1 + t^2) and lr = 2 / (9.5 (1 + t^2)).
  const vec d = (vec(6) << 1, 2, 3, 4, 5, 6).finished();
  std::vector<std::int64_t> calls_at;  // the step of each Hessian-vector product
  std::int64_t now = -1;
  const auto hvp = [&](const vec& x, const vec& v) -> vec {
    calls_at.push_back(now);
    return (1.0 + x[0] * x[0]) * d.cwiseProduct(v);
  };
  lrs::lanczos_lr_options<double> o;
  o.first_step = 3;
  o.lanczos_steps = 6;
  o.initial_lr = 0.25;
  o.initial_momentum = 0.5;
  const std::int64_t k = 7;
  controller c(hvp, k, o);
  CHECK(c.lr() == 0.25);
  CHECK(c.momentum() == 0.5);
  std::int64_t last = -1;
  for (std::int64_t t = 0; t < 40; ++t) {
    now = t;
    vec x = vec::Zero(6);
    x[0] = double(t);
    const double lr = c.update(x);
    const bool expect_estimate = t >= 3 && (t - 3) % k == 0;
    CHECK(c.estimates_at(t) == expect_estimate);
    if (expect_estimate) last = t;
    INFO("step " << t);
    if (last < 0) {
      CHECK(lr == 0.25);
    } else {
      const double s = 1.0 + double(last) * double(last);
      CHECK_THAT(lr, WithinRel(2.0 / (9.5 * s), 1e-13));
      CHECK(c.last_estimate_step() == last);
    }
    CHECK(c.momentum() == 0.5);  // SSGD keeps the initial momentum
    CHECK(c.step() == t + 1);
  }
  // Estimates at 3, 10, 17, 24, 31, 38, each with exactly 6 products made at that step.
  CHECK(c.estimates() == 6);
  std::vector<std::int64_t> expected;
  for (std::int64_t t : {3, 10, 17, 24, 31, 38})
    for (int j = 0; j < 6; ++j) expected.push_back(t);
  CHECK(calls_at == expected);
}

TEST_CASE("lanczos_lr_controller: each estimate starts from the vector of seed + step",
          "[controllers][curvature_lr]") {
  // With 2 of 12 Lanczos steps the Ritz values depend on the start vector: the controller's
  // estimate at step t equals lanczos(hvp, n, 2, seed + t) evaluated directly.
  const mat h = spectrum_a();
  lrs::lanczos_lr_options<double> o;
  o.lanczos_steps = 2;
  o.seed = 100;
  controller c(constant_hessian(h), 5, o);
  const auto product = [&](const vec& v) -> vec { return h * v; };
  for (std::int64_t t = 0; t < 11; ++t) {
    c.update(vec::Zero(12));
    if (t % 5 != 0) continue;
    const auto r = lrs::lanczos<double>(product, 12, 2, 100 + std::uint64_t(t));
    const double top = r.ritz_values.cwiseAbs().maxCoeff();
    CHECK(c.bounds().l == top);
  }
}

TEST_CASE("lanczos_lr_controller: a non-finite Hessian-vector product",
          "[controllers][curvature_lr]") {
  const vec d = (vec(8) << 1, 2, 3, 4, 5, 6, 7, 8).finished();
  bool poison = false;
  int product = 0;
  const auto hvp = [&](const vec&, const vec& v) -> vec {
    vec w = d.cwiseProduct(v);
    if (poison && product++ == 2) w[3] = std::numeric_limits<double>::quiet_NaN();
    return w;
  };
  lrs::lanczos_lr_options<double> o;
  o.lanczos_steps = 8;
  o.learner = curvature_learner::heavy_ball;
  SECTION("rethrow: names the training step and the Lanczos step, controller unchanged") {
    controller c(hvp, 4, o);
    for (int t = 0; t < 8; ++t) c.update(vec::Ones(8));
    const double lr = c.lr(), mom = c.momentum();
    poison = true;
    try {
      c.update(vec::Ones(8));
      FAIL("no throw");
    } catch (const lrs::invalid_argument& e) {
      const std::string msg = e.what();
      CHECK(msg.find("lanczos_lr_controller") != std::string::npos);
      CHECK(msg.find("training step 8") != std::string::npos);
      CHECK(msg.find("hessian-vector product at step 2 must be finite, got nan") !=
            std::string::npos);
    }
    CHECK(c.step() == 8);
    CHECK(c.lr() == lr);
    CHECK(c.momentum() == mom);
    CHECK(c.estimates() == 2);
    // The same step can be retried once the products are finite again.
    poison = false;
    c.update(vec::Ones(8));
    CHECK(c.step() == 9);
    CHECK(c.estimates() == 3);
    CHECK(c.last_estimate_step() == 8);
  }
  SECTION("keep_previous: the LR and momentum are held, the failure counted") {
    o.on_failure = lrs::curvature_failure::keep_previous;
    controller c(hvp, 4, o);
    for (int t = 0; t < 8; ++t) c.update(vec::Ones(8));
    const double lr = c.lr(), mom = c.momentum();
    poison = true;
    CHECK(c.update(vec::Ones(8)) == lr);
    CHECK(c.momentum() == mom);
    CHECK(c.failures() == 1);
    CHECK(c.estimates() == 2);
    CHECK(c.last_estimate_step() == 4);
    CHECK(c.last_failure().find("training step 8") != std::string::npos);
    poison = false;
    for (int t = 9; t < 13; ++t) c.update(vec::Ones(8));
    CHECK(c.estimates() == 3);
    CHECK(c.last_estimate_step() == 12);
  }
  SECTION("keep_previous also covers non-finite parameters") {
    o.on_failure = lrs::curvature_failure::keep_previous;
    o.initial_lr = 0.01;
    controller c(hvp, 4, o);
    vec x = vec::Ones(8);
    x[5] = std::numeric_limits<double>::infinity();
    CHECK(c.update(x) == 0.01);
    CHECK(c.failures() == 1);
    CHECK(c.last_failure().find("params at training step 0 must be finite") != std::string::npos);
  }
}

TEST_CASE("lanczos_lr_controller: a zero Hessian has no finite LR", "[controllers][curvature_lr]") {
  // A flat region (e.g. every ReLU dead): all Ritz values are 0, no learner has an answer.
  lrs::lanczos_lr_options<double> o;
  o.lanczos_steps = 4;
  o.initial_lr = 0.3;
  controller ssgd(constant_hessian(mat::Zero(4, 4)), 3, o);
  CHECK_THROWS_WITH(ssgd.update(vec::Zero(4)),
                    "lrs::lanczos_lr_controller: the curvature estimate at training step 0 "
                    "failed: lrs::ssgd_lr: L + median must be > 0 and finite, got 0");
  CHECK(ssgd.step() == 0);
  CHECK(ssgd.lr() == 0.3);
  o.learner = curvature_learner::heavy_ball;
  controller hb(constant_hessian(mat::Zero(4, 4)), 3, o);
  CHECK_THROWS_WITH(
      hb.update(vec::Zero(4)),
      Catch::Matchers::Contains("training step 0 failed: lrs::heavy_ball: L must be > 0"));
  o.on_failure = lrs::curvature_failure::keep_previous;
  controller keep(constant_hessian(mat::Zero(4, 4)), 3, o);
  CHECK(keep.update(vec::Zero(4)) == 0.3);
  CHECK(keep.failures() == 1);
}

TEST_CASE("lanczos_lr_controller: invalid options", "[controllers][curvature_lr]") {
  const auto hvp = constant_hessian(spectrum_a());
  lrs::lanczos_lr_options<double> o;
  CHECK_THROWS_WITH(controller(controller::hvp_function{}, 5, o),
                    Catch::Matchers::Contains("hvp must be a callable"));
  CHECK_THROWS_WITH(controller(hvp, 0, o),
                    "lrs::lanczos_lr_controller: interval must be >= 1, got 0");
  CHECK_THROWS_WITH(controller(hvp, -3, o),
                    Catch::Matchers::Contains("interval must be >= 1, got -3"));
  auto bad = o;
  bad.first_step = -1;
  CHECK_THROWS_WITH(controller(hvp, 5, bad),
                    Catch::Matchers::Contains("first_step must be >= 0, got -1"));
  bad = o;
  bad.lanczos_steps = 0;
  CHECK_THROWS_WITH(controller(hvp, 5, bad),
                    Catch::Matchers::Contains("lanczos_steps must be >= 1, got 0"));
  bad = o;
  bad.initial_lr = -0.1;
  CHECK_THROWS_WITH(controller(hvp, 5, bad),
                    Catch::Matchers::Contains("initial_lr must be >= 0, got -0.1"));
  bad.initial_lr = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(controller(hvp, 5, bad),
                    Catch::Matchers::Contains("initial_lr must be finite, got nan"));
  bad = o;
  bad.first_step = 10;  // then the initial LR is used and must be > 0
  CHECK_THROWS_WITH(
      controller(hvp, 5, bad),
      Catch::Matchers::Contains("initial_lr (used before first_step > 0) must be > 0, got 0"));
  bad = o;
  bad.initial_momentum = 1.0;
  CHECK_THROWS_WITH(controller(hvp, 5, bad),
                    Catch::Matchers::Contains("initial_momentum must be in [0, 1), got 1"));
  bad.initial_momentum = -0.5;
  CHECK_THROWS_WITH(controller(hvp, 5, bad),
                    Catch::Matchers::Contains("initial_momentum must be in [0, 1), got -0.5"));
  bad = o;
  bad.learner = static_cast<curvature_learner>(7);
  CHECK_THROWS_WITH(controller(hvp, 5, bad), Catch::Matchers::Contains("learner must be ssgd"));
  bad = o;
  bad.mu = static_cast<mu_rule>(-1);
  CHECK_THROWS_WITH(controller(hvp, 5, bad), Catch::Matchers::Contains("got -1"));
  bad = o;
  bad.formula = static_cast<momentum_formula>(2);
  CHECK_THROWS_WITH(controller(hvp, 5, bad), Catch::Matchers::Contains("formula must be"));
  bad = o;
  bad.on_failure = static_cast<lrs::curvature_failure>(5);
  CHECK_THROWS_WITH(controller(hvp, 5, bad), Catch::Matchers::Contains("on_failure must be"));

  // More Lanczos steps than parameters: an error at the estimate, not a silent clamp.
  controller c(hvp, 5, o);  // 20 steps
  CHECK_THROWS_WITH(c.update(vec::Zero(12)),
                    "lrs::lanczos_lr_controller: params.size() (the problem size) at training "
                    "step 0 must be >= lanczos_steps = 20, got 12");
  CHECK(c.step() == 0);
}

TEST_CASE("lanczos_lr_controller<float>", "[controllers][curvature_lr]") {
  const Eigen::VectorXf d = (Eigen::VectorXf(4) << 1, 2, 3, 4).finished();
  lrs::lanczos_lr_options<float> o;
  o.lanczos_steps = 4;
  lrs::lanczos_lr_controller<float> c(
      [&](const Eigen::VectorXf&, const Eigen::VectorXf& v) -> Eigen::VectorXf {
        return d.cwiseProduct(v);
      },
      2, o);
  CHECK_THAT(c.update(Eigen::VectorXf::Zero(4)), WithinRel(2.0 / 6.5, 1e-5));
}

namespace {

// f(x) = sum d_i x_i^2 / 2 + x_i^4 / 4: H(x) = diag(d + 3 x^2) changes as training moves x.
struct quartic {
  vec d;
  vec grad(const vec& x) const { return d.cwiseProduct(x) + x.cwiseProduct(x).cwiseProduct(x); }
  controller::hvp_function hvp() const {
    return [d = d](const vec& x, const vec& v) -> vec {
      return (d + 3.0 * x.cwiseProduct(x)).cwiseProduct(v);
    };
  }
};

struct trace {
  std::vector<double> lrs, momenta;
  vec x;
};

// Heavy ball (v = m v + g; x -= lr v) driven by the controller for steps [from, to).
void train(controller& c, const quartic& q, vec& x, vec& v, std::int64_t from, std::int64_t to,
           trace& out) {
  for (std::int64_t t = from; t < to; ++t) {
    c.update(x);
    out.lrs.push_back(c.lr());
    out.momenta.push_back(c.momentum());
    v = c.momentum() * v + q.grad(x);
    x -= c.lr() * v;
  }
  out.x = x;
}

lrs::lanczos_lr_options<double> resume_options() {
  lrs::lanczos_lr_options<double> o;
  o.lanczos_steps = 8;  // of 16: the estimates depend on the start vector
  o.learner = curvature_learner::heavy_ball;
  o.first_step = 2;
  o.initial_lr = 0.01;
  o.initial_momentum = 0.3;
  o.seed = 99;
  return o;
}

}  // namespace

TEST_CASE("lanczos_lr_controller: a resumed run is bit-identical", "[controllers][curvature_lr]") {
  quartic q;
  q.d.resize(16);
  for (Eigen::Index i = 0; i < 16; ++i) q.d[i] = 0.1 * double(i + 1) * double(i + 1);
  vec x0(16);
  for (Eigen::Index i = 0; i < 16; ++i) x0[i] = std::sin(double(i + 1));
  const auto o = resume_options();
  const std::int64_t k = 5, total = 40;

  trace whole;
  controller a(q.hvp(), k, o);
  vec xa = x0, va = vec::Zero(16);
  train(a, q, xa, va, 0, total, whole);
  REQUIRE(a.estimates() == 8);  // steps 2, 7, ..., 37

  for (std::int64_t j : {0, 1, 2, 3, 12, 17, 39}) {
    INFO("saved at step " << j);
    trace part;
    controller b(q.hvp(), k, o);
    vec xb = x0, vb = vec::Zero(16);
    train(b, q, xb, vb, 0, j, part);
    const std::vector<unsigned char> saved = b.state();
    controller fresh(q.hvp(), k, o);
    fresh.load_state(saved);
    CHECK(fresh.state() == saved);
    train(fresh, q, xb, vb, j, total, part);
    CHECK(part.lrs == whole.lrs);  // exact equality, every step
    CHECK(part.momenta == whole.momenta);
    CHECK(part.x == whole.x);
    CHECK(fresh.state() == a.state());
  }
}

TEST_CASE("lanczos_lr_controller: bad states throw and change nothing",
          "[controllers][curvature_lr]") {
  quartic q;
  q.d = vec::LinSpaced(16, 0.5, 8.0);
  const auto o = resume_options();
  controller src(q.hvp(), 5, o);
  trace tr;
  vec x = vec::Constant(16, 0.5), v = vec::Zero(16);
  train(src, q, x, v, 0, 9, tr);  // estimates at 2 and 7
  const std::vector<unsigned char> good = src.state();

  controller target(q.hvp(), 5, o);
  trace tt;
  vec y = vec::Constant(16, -0.2), w = vec::Zero(16);
  train(target, q, y, w, 0, 4, tt);
  const std::vector<unsigned char> before = target.state();
  const auto unchanged = [&] {
    CHECK(target.state() == before);
    CHECK(target.step() == 4);
  };
  using Catch::Matchers::Contains;

  SECTION("truncated") {
    auto bad = good;
    bad.resize(bad.size() - 9);
    CHECK_THROWS_AS(target.load_state(bad), lrs::state_error);
    CHECK_THROWS_WITH(target.load_state(bad), Contains("truncated"));
    unchanged();
  }
  SECTION("a flipped payload bit") {
    auto bad = good;
    bad[bad.size() - 20] ^= 0x10;
    CHECK_THROWS_WITH(target.load_state(bad), Contains("checksum mismatch"));
    unchanged();
  }
  SECTION("another kind of object") {
    lrs::state_writer wr("reduce_lr_on_plateau", lrs::state_scalar::f64);
    CHECK_THROWS_WITH(target.load_state(wr.finish()),
                      Contains("written by reduce_lr_on_plateau, this is lanczos_lr_controller"));
    unchanged();
  }
  SECTION("another scalar type") {
    lrs::lanczos_lr_options<float> of;
    of.lanczos_steps = 4;
    lrs::lanczos_lr_controller<float> f(
        [](const Eigen::VectorXf&, const Eigen::VectorXf& vv) -> Eigen::VectorXf { return vv; }, 5,
        of);
    CHECK_THROWS_WITH(target.load_state(f.state()), Contains("float"));
    unchanged();
  }
  SECTION("other options") {
    controller other_interval(q.hvp(), 6, o);
    CHECK_THROWS_WITH(other_interval.load_state(good),
                      Contains("hyper-parameter 'interval' is 5 in the checkpoint, 6 here"));
    auto o2 = o;
    o2.learner = curvature_learner::heavy_ball_mn;
    controller other_learner(q.hvp(), 5, o2);
    CHECK_THROWS_WITH(other_learner.load_state(good), Contains("'learner'"));
    o2 = o;
    o2.seed = 98;
    controller other_seed(q.hvp(), 5, o2);
    CHECK_THROWS_WITH(other_seed.load_state(good), Contains("'seed'"));
    CHECK(other_seed.step() == 0);
  }

  // A structurally valid state with the given payload, written by hand.
  const auto forge = [&](std::int64_t step, double lr, double mom, std::int64_t estimates,
                         std::int64_t failures, std::int64_t last, double l, double med,
                         double mu) {
    lrs::state_writer wr("lanczos_lr_controller", lrs::state_scalar::f64);
    wr.hyper("interval", std::int64_t(5))
        .hyper("first_step", std::int64_t(2))
        .hyper("lanczos_steps", std::int64_t(8))
        .hyper("learner", "heavy_ball")
        .hyper("mu", "minimum")
        .hyper("formula", "polyak")
        .hyper("initial_lr", 0.01)
        .hyper("initial_momentum", 0.3)
        .hyper("seed", "99")
        .hyper("on_failure", "rethrow");
    wr.i64(step).f64(lr).f64(mom).i64(estimates).i64(failures).i64(last).f64(l).f64(med).f64(mu);
    return wr.finish();
  };
  SECTION("the forged good state loads (the forge matches state())") {
    const auto same = forge(9, src.lr(), src.momentum(), 2, 0, 7, src.bounds().l,
                            src.bounds().median, src.bounds().mu);
    CHECK(same == good);
    target.load_state(same);
    CHECK(target.step() == 9);
    CHECK(target.lr() == src.lr());
  }
  SECTION("inconsistent values") {
    const double l = 10, med = 2, mu = 0.5;
    CHECK_THROWS_WITH(target.load_state(forge(9, 0.1, 1.0, 2, 0, 7, l, med, mu)),
                      Contains("field 'momentum' is 1 in the checkpoint; it must be in [0, 1)"));
    CHECK_THROWS_WITH(target.load_state(forge(9, -0.1, 0.5, 2, 0, 7, l, med, mu)),
                      Contains("field 'lr' is -0.1"));
    CHECK_THROWS_WITH(target.load_state(forge(9, std::nan(""), 0.5, 2, 0, 7, l, med, mu)),
                      Contains("field 'lr' is nan"));
    CHECK_THROWS_WITH(target.load_state(forge(9, 0.1, 0.5, 3, 0, 7, l, med, mu)),
                      Contains("field 'estimates' is 3 in the checkpoint; it must be in [0, 2]"));
    CHECK_THROWS_WITH(target.load_state(forge(9, 0.1, 0.5, 2, 0, 6, l, med, mu)),
                      Contains("field 'last_estimate_step' is 6"));
    CHECK_THROWS_WITH(target.load_state(forge(9, 0.1, 0.5, 2, 0, 12, l, med, mu)),
                      Contains("field 'last_estimate_step' is 12 in the checkpoint; it must be in "
                               "[-1, 8]"));
    CHECK_THROWS_WITH(target.load_state(forge(9, 0.1, 0.5, 1, 1, 7, l, med, mu)),
                      Contains("field 'failures' is 1 in the checkpoint; it must be 0 with "
                               "on_failure = rethrow"));
    CHECK_THROWS_WITH(target.load_state(forge(9, 0.1, 0.5, 2, 0, 7, l, 11.0, mu)),
                      Contains("field 'median' is 11"));
    CHECK_THROWS_WITH(
        target.load_state(forge(1, 0.2, 0.3, 0, 0, -1, 0, 0, 0)),
        Contains("field 'lr' is 0.2 in the checkpoint; it must be initial_lr = 0.01"));
    CHECK_THROWS_WITH(target.load_state(forge(-1, 0.01, 0.3, 0, 0, -1, 0, 0, 0)),
                      Contains("field 'step' is -1"));
    unchanged();
  }
}

TEST_CASE("lanczos_lr_controller: other exceptions from hvp propagate unchanged",
          "[controllers][curvature_lr]") {
  int calls = 0;
  const auto hvp = [&](const vec&, const vec& v) -> vec {
    if (++calls == 3) throw std::runtime_error("device lost");
    return vec((vec(4) << 1, 2, 3, 4).finished().cwiseProduct(v));
  };
  lrs::lanczos_lr_options<double> o;
  o.lanczos_steps = 4;
  o.on_failure = lrs::curvature_failure::keep_previous;  // not a failed estimate: rethrown
  o.initial_lr = 0.5;
  controller c(hvp, 2, o);
  CHECK_THROWS_AS(c.update(vec::Ones(4)), std::runtime_error);
  CHECK(c.step() == 0);
  CHECK(c.failures() == 0);
  CHECK(c.lr() == 0.5);
  CHECK_THAT(c.update(vec::Ones(4)), WithinRel(2.0 / 6.5, 1e-13));  // 2 / (L + median)
  CHECK(c.estimates() == 1);
}
