// SPDX-License-Identifier: MIT
// lrs::lion against the paper's update rule (tests/data/optim/lion/lion_reference.py), its sign(0)
// convention, option errors, state round trip and corruption, and thread bit-identity.
#include <cmath>
#include <cstddef>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <lrs/optim/adam.hpp>
#include <lrs/optim/lion.hpp>

#include "catch.hpp"
#include "support/bits.hpp"
#include "support/errors.hpp"
#include "support/state_corruption.hpp"

namespace lion_test {

struct lion_step {
  double lr = 0;
  std::vector<double> g, x, m;
};

struct lion_case {
  std::string name;
  double beta1 = 0, beta2 = 0, weight_decay = 0;
  std::vector<double> x0;
  std::vector<lion_step> steps;
};

inline std::vector<double> read_values(std::istream& in, const char* tag, std::size_t n) {
  std::string word;
  in >> word;
  REQUIRE(word == tag);
  std::vector<double> v(n);
  for (auto& x : v) in >> x;
  return v;
}

inline std::vector<lion_case> load_cases() {
  std::ifstream in(std::string(LRS_TEST_DATA_DIR) + "/optim/lion/lion_reference.txt");
  REQUIRE(in.good());
  std::vector<lion_case> cases;
  std::string word;
  while (in >> word) {
    REQUIRE(word == "case");
    lion_case c;
    std::size_t size = 0, steps = 0;
    in >> c.name >> c.beta1 >> c.beta2 >> c.weight_decay >> size >> steps;
    c.x0 = read_values(in, "x0", size);
    for (std::size_t s = 0; s < steps; ++s) {
      lion_step st;
      in >> word >> st.lr;
      REQUIRE(word == "step");
      st.g = read_values(in, "g", size);
      st.x = read_values(in, "x", size);
      st.m = read_values(in, "m", size);
      c.steps.push_back(st);
    }
    in >> word;
    REQUIRE(word == "end");
    cases.push_back(c);
  }
  REQUIRE(cases.size() == 3);
  return cases;
}

template <class T>
lrs::vector_t<T> to_vector(const std::vector<double>& v) {
  lrs::vector_t<T> out(static_cast<Eigen::Index>(v.size()));
  for (std::size_t i = 0; i < v.size(); ++i) out[Eigen::Index(i)] = static_cast<T>(v[i]);
  return out;
}

// Three steps of a lion over tensors of awkward sizes (two groups), on `pool` (nullptr: one
// thread); the parameters, then the momentum buffers.
template <class T>
std::vector<lrs::vector_t<T>> threaded_run(const lrs::lion_options<T>& o, lrs::thread_pool* pool) {
  lrs::lion<T> opt(o);
  opt.set_thread_pool(pool);
  const std::size_t half = opt.add_group({T(0.5), T(0)});
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<lrs::vector_t<T>> params, grads;
  for (Eigen::Index n : {0, 1, 15, 16, 17, 100003, 17}) {
    params.push_back(lrs::vector_t<T>(n));
    grads.push_back(lrs::vector_t<T>(n));
    for (Eigen::Index i = 0; i < n; ++i) params.back()[i] = T(normal(rng));
  }
  for (int step = 0; step < 3; ++step) {
    std::vector<lrs::param_tensor<T>> tensors;
    for (std::size_t k = 0; k < grads.size(); ++k) {
      for (Eigen::Index i = 0; i < grads[k].size(); ++i) grads[k][i] = T(normal(rng));
      tensors.emplace_back(params[k].data(), grads[k].data(), grads[k].size(), k % 2 ? half : 0);
    }
    opt.step(tensors, T(0.01));
  }
  for (std::size_t k = 0; k < grads.size(); ++k) params.push_back(opt.buffer(k, 0));
  return params;
}

}  // namespace lion_test

TEST_CASE("lion follows Algorithm 2 of the paper bit for bit in double", "[optim][lion]") {
  for (const auto& c : lion_test::load_cases()) {
    INFO(c.name);
    lrs::lion<double> opt(
        lrs::lion_options<double>{}.with_beta1(c.beta1).with_beta2(c.beta2).with_weight_decay(
            c.weight_decay));
    lrs::vector_t<double> x = lion_test::to_vector<double>(c.x0);
    for (std::size_t s = 0; s < c.steps.size(); ++s) {
      INFO("step " << s);
      opt.step(x, lion_test::to_vector<double>(c.steps[s].g), c.steps[s].lr);
      CHECK(lrs_test::same_bits(x, lion_test::to_vector<double>(c.steps[s].x)));
      CHECK(lrs_test::same_bits(opt.buffer(0, 0), lion_test::to_vector<double>(c.steps[s].m)));
      CHECK(opt.step_count() == std::int64_t(s + 1));
    }
  }
}

TEST_CASE("lion in float stays within float rounding of the double reference", "[optim][lion]") {
  for (const auto& c : lion_test::load_cases()) {
    INFO(c.name);
    lrs::lion_options<float> o;
    o.beta1 = float(c.beta1);
    o.beta2 = float(c.beta2);
    o.weight_decay = float(c.weight_decay);
    lrs::lion<float> opt(o);
    lrs::vector_t<float> x = lion_test::to_vector<float>(c.x0);
    for (const auto& st : c.steps) {
      opt.step(x, lion_test::to_vector<float>(st.g), float(st.lr));
      for (Eigen::Index i = 0; i < x.size(); ++i) {
        CHECK_THAT(x[i], WithinAbs(st.x[std::size_t(i)], 1e-5));
        CHECK_THAT(opt.buffer(0, 0)[i], WithinAbs(st.m[std::size_t(i)], 1e-5));
      }
    }
  }
}

TEMPLATE_TEST_CASE("lion: sign(0) = 0, so a zero direction leaves only the weight decay",
                   "[optim][lion]", float, double) {
  using T = TestType;
  const lrs::vector_t<T> zero = lrs::vector_t<T>::Zero(5);
  lrs::vector_t<T> x = lrs::vector_t<T>::Constant(5, T(2));
  lrs::lion<T> plain;
  plain.step(x, zero, T(0.5));  // m = 0, g = 0: c = 0, sign(c) = 0
  CHECK(lrs_test::same_bits(x, lrs::vector_t<T>::Constant(5, T(2)).eval()));
  lrs::lion<T> decayed(lrs::lion_options<T>{}.with_weight_decay(T(0.25)));
  decayed.step(x, zero, T(0.5));  // x = 2 - 0.5 * (0 + 0.25 * 2) = 1.75, exact in binary
  CHECK(lrs_test::same_bits(x, lrs::vector_t<T>::Constant(5, T(1.75)).eval()));
  // A positive and a negative gradient: c = (1 - beta1) g, the step is -lr * sign(g) exactly.
  lrs::vector_t<T> y = lrs::vector_t<T>::Zero(3);
  lrs::vector_t<T> g(3);
  g << T(1e-30), T(-3), T(0);
  lrs::lion<T> signs;
  signs.step(y, g, T(0.125));
  CHECK(y[0] == T(-0.125));
  CHECK(y[1] == T(0.125));
  CHECK(y[2] == T(0));
  // A NaN gradient gives NaN, not a silent zero step.
  g << std::numeric_limits<T>::quiet_NaN(), T(1), T(1);
  lrs::lion<T> nan_opt;
  nan_opt.step(y, g, T(0.1));
  CHECK(std::isnan(y[0]));
  CHECK(!std::isnan(y[1]));
}

TEST_CASE("lion: bad options and inputs are refused with the parameter and the range",
          "[optim][lion][error]") {
  using lrs_test::message_of;
  CHECK(message_of([] { lrs::lion<double>(lrs::lion_options<double>{}.with_beta1(1.0)); }) ==
        "lrs::lion: beta1 must be in [0, 1), got 1");
  CHECK(message_of([] { lrs::lion<double>(lrs::lion_options<double>{}.with_beta2(-0.1)); }) ==
        "lrs::lion: beta2 must be in [0, 1), got -0.1");
  CHECK_THAT(
      message_of([] { lrs::lion<float>(lrs::lion_options<float>{}.with_weight_decay(-1.0f)); }),
      Catch::Contains("lrs::lion: weight_decay") && Catch::Contains("got -1"));
  CHECK_THAT(message_of([] {
               lrs::lion<double>(lrs::lion_options<double>{}.with_max_grad_norm(
                   std::numeric_limits<double>::infinity()));
             }),
             Catch::Contains("lrs::lion: max_grad_norm"));
  lrs::lion<double> opt;
  lrs::vector_t<double> x = lrs::vector_t<double>::Ones(3);
  CHECK_THAT(message_of([&] { opt.step(x, lrs::vector_t<double>::Ones(3), -1.0); }),
             Catch::Contains("lrs::lion: lr must be >= 0 and finite"));
  CHECK(opt.step_count() == 0);
}

TEST_CASE("lion: a resumed run is bit-identical; a corrupt or foreign state is refused",
          "[optim][lion][state]") {
  const auto o = lrs::lion_options<double>{}.with_weight_decay(0.01);
  lrs::lion<double> a(o), b(o);
  lrs::vector_t<double> x = lrs::vector_t<double>::LinSpaced(9, -1.0, 1.0), y;
  const auto grad = [](int t) {
    return lrs::vector_t<double>::LinSpaced(9, -0.5 + 0.1 * t, 0.7 - 0.2 * t).eval();
  };
  for (int t = 0; t < 3; ++t) a.step(x, grad(t), 1e-2);
  y = x;
  b.load_state(a.state());
  CHECK(b.state() == a.state());
  for (int t = 3; t < 6; ++t) {
    a.step(x, grad(t), 1e-2);
    b.step(y, grad(t), 1e-2);
  }
  CHECK(lrs_test::same_bits(x, y));
  CHECK(lrs_test::same_bits(a.buffer(0, 0), b.buffer(0, 0)));
  CHECK(b.step_count() == 6);

  lrs::lion<double> fresh(o);
  lrs_test::check_every_corruption(fresh, a.state());
  CHECK_THROWS_AS(fresh.load_state(lrs::adam<double>().state()), lrs::state_error);
  lrs::lion<double> other(lrs::lion_options<double>{}.with_beta2(0.9));
  const auto good = a.state();
  CHECK_THAT(lrs_test::message_of<lrs::state_error>([&] { other.load_state(good); }),
             Catch::Contains("beta2"));
}

TEMPLATE_TEST_CASE("lion steps are bit-identical on 1, 2 and 3 threads", "[optim][lion][threads]",
                   float, double) {
  using T = TestType;
  lrs::thread_pool pool2(2), pool3(3);
  for (T wd : {T(0), T(0.1)}) {
    const auto o = lrs::lion_options<T>{}.with_weight_decay(wd);
    const auto one = lion_test::threaded_run<T>(o, nullptr);
    for (lrs::thread_pool* pool : {&pool2, &pool3}) {
      const auto many = lion_test::threaded_run<T>(o, pool);
      REQUIRE(many.size() == one.size());
      for (std::size_t k = 0; k < one.size(); ++k) CHECK(lrs_test::same_bits(one[k], many[k]));
    }
  }
}
