// SPDX-License-Identifier: MIT
// Optimizer states in the lrs state format: golden bytes, every truncation and bit flip, wrong
// kind / scalar type / hyper-parameter, crafted out-of-range fields, amsgrad on a size-0 tensor.
#include <lrs/optim.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "catch.hpp"
#include "support/errors.hpp"
#include "support/state_corruption.hpp"

namespace {

using lrs_test::check_every_corruption;
using lrs_test::message_of;

using bytes_t = std::vector<unsigned char>;

bytes_t read_optim_golden(const std::string& name) {
  std::ifstream f(std::string(LRS_TEST_DATA_DIR) + "/state/" + name, std::ios::binary);
  REQUIRE(f.good());
  return bytes_t(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// A state with adam<double>'s default hyper-parameters and a hand-written payload.
bytes_t craft_adam(const std::function<void(lrs::state_writer&)>& payload, bool amsgrad = false) {
  lrs::state_writer w("adam", lrs::state_scalar::f64);
  w.hyper("beta2", 0.999).hyper("eps", 1e-8).hyper("weight_decay", 0.0);
  w.hyper("amsgrad", amsgrad).hyper("maximize", false).hyper("max_grad_norm", 0.0);
  w.hyper("groups", 1);
  w.f64(0.9);  // beta1
  payload(w);
  return w.finish();
}

// Every truncation and every single-bit flip of `good` must throw lrs::state_error and leave
// `target` byte-for-byte as it was.
template <class Opt>
void two_steps(Opt& opt, lrs::vector_t<typename Opt::scalar_type>& p) {
  using T = typename Opt::scalar_type;
  lrs::vector_t<T> g = lrs::vector_t<T>::LinSpaced(p.size(), T(-1), T(2));
  opt.step(p, g, T(0.01));
  opt.step(p, g, T(0.02));
}

}  // namespace

TEST_CASE("adam loads the golden state written by Python and writes it back exactly",
          "[optim][state]") {
  const bytes_t golden = read_optim_golden("adam.bin");
  lrs::adam<double> opt;
  opt.load_state(golden);
  CHECK(opt.tensor_count() == 2);
  CHECK(opt.step_count(0) == 2);
  CHECK(opt.step_count(1) == 0);
  CHECK(opt.beta1() == 0.85);
  REQUIRE(opt.buffer(0, 0).size() == 3);
  CHECK(opt.buffer(0, 0)[0] == 0.1);
  CHECK(opt.buffer(0, 0)[1] == -0.2);
  CHECK(opt.buffer(0, 0)[2] == 0.3);
  CHECK(opt.buffer(0, 1)[2] == 0.09);
  CHECK(opt.buffer(0, 2).size() == 0);
  // The golden bytes are kind version 1 (no tensor groups); state() writes version 2, which
  // loads back to the same optimizer and is written again byte for byte.
  const bytes_t v2 = opt.state();
  CHECK(v2 != golden);
  lrs::adam<double> again;
  again.load_state(v2);
  CHECK(again.buffer(0, 1) == opt.buffer(0, 1));
  CHECK(again.state() == v2);
}

TEST_CASE("every truncation and bit flip of an optimizer state throws and changes nothing",
          "[optim][state][error]") {
  SECTION("sgd") {
    lrs::sgd_options<double> o;
    o.momentum = 0.9;
    lrs::sgd<double> a(o), b(o);
    lrs::vector_t<double> p = lrs::vector_t<double>::Ones(5), q = p;
    two_steps(a, p);
    b.step(q, lrs::vector_t<double>::Ones(5), 0.5);
    check_every_corruption(b, a.state());
  }
  SECTION("adam amsgrad, float") {
    lrs::adam_options<float> o;
    o.amsgrad = true;
    lrs::adam<float> a(o), b(o);
    lrs::vector_t<float> p = lrs::vector_t<float>::Ones(4), q = p;
    two_steps(a, p);
    two_steps(b, q);
    b.set_beta1(0.5f);
    check_every_corruption(b, a.state());
  }
  SECTION("adamw with two groups") {
    lrs::adamw<double> a, b;
    a.add_group({0.5, 0.0});
    b.add_group({0.5, 0.0});
    lrs::vector_t<double> p = lrs::vector_t<double>::Ones(3), q = p;
    two_steps(a, p);
    check_every_corruption(b, a.state());
  }
}

TEST_CASE("a state of another optimizer, scalar type or configuration is refused by name",
          "[optim][state][error]") {
  lrs::adam<double> a;
  lrs::vector_t<double> p = lrs::vector_t<double>::Ones(3);
  two_steps(a, p);
  const bytes_t good = a.state();

  lrs::sgd<double> s;
  CHECK(message_of<lrs::state_error>([&] { s.load_state(good); }) ==
        "lrs::sgd: load_state: checkpoint was written by adam, this is sgd");
  lrs::adamw<double> w;
  CHECK(message_of<lrs::state_error>([&] { w.load_state(good); }) ==
        "lrs::adamw: load_state: checkpoint was written by adam, this is adamw");
  lrs::adam<float> f;
  CHECK(message_of<lrs::state_error>([&] { f.load_state(good); }) ==
        "lrs::adam: load_state: checkpoint holds double values, this is adam with float values");
  lrs::adam_options<double> o;
  o.beta2 = 0.99;
  lrs::adam<double> b2(o);
  CHECK(message_of<lrs::state_error>([&] { b2.load_state(good); }) ==
        "lrs::adam: load_state: hyper-parameter 'beta2' is 0.999 in the checkpoint, 0.99 here");
  o = {};
  o.amsgrad = true;
  lrs::adam<double> ams(o);
  CHECK(message_of<lrs::state_error>([&] { ams.load_state(good); }) ==
        "lrs::adam: load_state: hyper-parameter 'amsgrad' is false in the checkpoint, true here");
  lrs::adam<double> grouped;
  grouped.add_group({2.0, 0.0});
  CHECK(message_of<lrs::state_error>([&] { grouped.load_state(good); }) ==
        "lrs::adam: load_state: hyper-parameter 'groups' is 1 in the checkpoint, 2 here");
  lrs::sgd_options<double> so;
  so.momentum = 0.9;
  so.dampening = 0.1;
  lrs::sgd<double> s1(so);
  two_steps(s1, p);
  so.dampening = 0.2;
  lrs::sgd<double> s2(so);
  CHECK(message_of<lrs::state_error>([&] { s2.load_state(s1.state()); }) ==
        "lrs::sgd: load_state: hyper-parameter 'dampening' is 0.1 in the checkpoint, 0.2 here");
  // momentum itself is state (cycled momentum): restored, not compared.
  so.dampening = 0.1;
  so.momentum = 0.5;
  lrs::sgd<double> s3(so);
  s3.load_state(s1.state());
  CHECK(s3.momentum() == 0.9);
}

TEST_CASE("a crafted state with step INT64_MAX is refused, INT64_MAX - 1 steps once, then stops",
          "[optim][state][error]") {
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  auto with_step = [](std::int64_t step) {
    return craft_adam([step](lrs::state_writer& w) {
      w.u64(1).i64(step).i64(2);
      w.reals(std::vector<double>{0.0, 0.0}).reals(std::vector<double>{0.0, 0.0});
      w.reals(std::vector<double>{});
    });
  };
  lrs::adam<double> opt;
  opt.load_state(with_step(5));  // the crafting itself is right
  CHECK(opt.step_count() == 5);
  const bytes_t before = opt.state();
  CHECK(message_of<lrs::state_error>([&] { opt.load_state(with_step(max)); }) ==
        "lrs::adam: load_state: field 'tensor 0 step' is 9223372036854775807 in the checkpoint; "
        "it must be in [0, 9223372036854775806]");
  CHECK(message_of<lrs::state_error>([&] {
          opt.load_state(with_step(-1));
        }).find("'tensor 0 step' is -1") != std::string::npos);
  CHECK(opt.state() == before);

  opt.load_state(with_step(max - 1));
  lrs::vector_t<double> p = lrs::vector_t<double>::Ones(2), g = p;
  opt.step(p, g, 0.1);
  CHECK(opt.step_count() == max);
  const bytes_t at_max = opt.state();
  const lrs::vector_t<double> p_before = p;
  CHECK_THROWS_WITH(opt.step(p, g, 0.1),
                    "lrs::adam: step count of tensor 0 must be < 2^63 - 1 to count one more step, "
                    "got 9223372036854775807");
  CHECK(opt.state() == at_max);
  CHECK(p == p_before);
}

TEST_CASE("crafted sizes that wrap or disagree are refused before allocating",
          "[optim][state][error]") {
  lrs::adam<double> opt;
  const std::uint64_t wraps = std::uint64_t(1) << 61;  // * sizeof(double) == 2^64 == 0
  auto expect_state_error = [&](const bytes_t& bytes, const std::string& part) {
    const std::string msg = message_of<lrs::state_error>([&] { opt.load_state(bytes); });
    INFO(msg);
    CHECK(msg.find(part) != std::string::npos);
  };
  // Buffer count 2^61 with a tensor size to match.
  expect_state_error(craft_adam([&](lrs::state_writer& w) {
                       w.u64(1).i64(1).i64(std::int64_t(wraps)).u64(wraps);
                       for (int i = 0; i < 8; ++i) w.f64(0.0);  // enough bytes for one tensor
                     }),
                     "field 'tensor 0 buffer 0' says 2305843009213693952 elements of 8 bytes, but "
                     "only 64 bytes are left");
  // Tensor count 2^61.
  expect_state_error(craft_adam([&](lrs::state_writer& w) { w.u64(wraps).i64(1); }),
                     "field 'tensor count' says 2305843009213693952 elements of 40 bytes");
  // Every all-ones count.
  expect_state_error(craft_adam([&](lrs::state_writer& w) { w.u64(~std::uint64_t(0)); }),
                     "field 'tensor count' says 18446744073709551615");
  // A buffer that is neither empty nor the tensor's size.
  expect_state_error(craft_adam([&](lrs::state_writer& w) {
                       w.u64(1).i64(1).i64(3).reals(std::vector<double>{1.0, 2.0});
                       w.reals(std::vector<double>{}).reals(std::vector<double>{});
                     }),
                     "field 'tensor 0 buffer 0 size' is 2 in the checkpoint; it must be 0 or the "
                     "tensor size 3");
  // exp_avg_sq missing for a stepped tensor.
  expect_state_error(craft_adam([&](lrs::state_writer& w) {
                       w.u64(1).i64(1).i64(2).reals(std::vector<double>{1.0, 2.0});
                       w.reals(std::vector<double>{}).reals(std::vector<double>{});
                     }),
                     "tensor 0 lacks exp_avg or exp_avg_sq");
  // beta1 out of range.
  lrs::state_writer w("adam", lrs::state_scalar::f64);
  w.hyper("beta2", 0.999).hyper("eps", 1e-8).hyper("weight_decay", 0.0);
  w.hyper("amsgrad", false).hyper("maximize", false).hyper("max_grad_norm", 0.0);
  w.hyper("groups", 1);
  w.f64(1.0).u64(0);
  expect_state_error(w.finish(), "field 'beta1' is 1 in the checkpoint; it must be in [0, 1)");
  CHECK(opt.tensor_count() == 0);
}

TEST_CASE("adam(amsgrad) loads its own state after a step on a size-0 tensor", "[optim][state]") {
  for (const bool decoupled : {false, true}) {
    lrs::vector_t<double> empty(0), p = lrs::vector_t<double>::Ones(3);
    const lrs::vector_t<double> g = lrs::vector_t<double>::Constant(3, 0.5);
    const lrs::vector_t<double> g0(0);
    auto run = [&](auto& opt) {
      std::vector<lrs::param_tensor<double>> ts{{empty.data(), g0.data(), 0},
                                                {p.data(), g.data(), 3}};
      opt.step(ts, 0.1);
      const bytes_t saved = opt.state();
      auto fresh = opt;
      fresh.reset();
      fresh.load_state(saved);
      CHECK(fresh.state() == saved);
      CHECK(fresh.step_count(0) == 1);
    };
    if (decoupled) {
      lrs::adamw_options<double> o;
      o.amsgrad = true;
      lrs::adamw<double> opt(o);
      run(opt);
    } else {
      lrs::adam_options<double> o;
      o.amsgrad = true;
      lrs::adam<double> opt(o);
      run(opt);
    }
  }
}
