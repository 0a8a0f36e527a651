// SPDX-License-Identifier: MIT
// Schedule-free SGD and AdamW on several threads: every thread count gives bit-identical
// parameters (y after a step, x after eval(), y again after train()), buffers (z, x, v, m), group
// averages, gradient norms and clip scales; with a norm_reduction the norms are the exact sums.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <lrs/core/thread_pool.hpp>
#include <lrs/optim.hpp>

#include "catch.hpp"
#include "support/bits.hpp"

namespace {

using lrs_test::same_bits;

// Sizes around the packet and chunk edges: empty, one element, 15/16/17 (packet tails), and
// 65 553 (two pieces: a whole step chunk of 65 536 and a 17-element tail).
const std::vector<Eigen::Index> sf_sizes = {0, 1, 15, 16, 17, 65553, 16, 1, 0, 17};

template <class T>
struct sf_run {
  std::vector<lrs::vector_t<T>> after_steps, after_eval, after_train, buffers;
  std::vector<lrs::step_info<T>> infos;
  std::vector<double> weight_sums;
  long double l2 = 0, l1 = 0;  // long double sums of the last step's gradients
};

// Three steps over the awkward tensors (two groups; the LR rises, so lr_max and the averaging
// weights change), eval(), train(), then a fourth step; on `pool` (nullptr: one thread).
template <class Opt, class T = typename Opt::scalar_type>
sf_run<T> run_sf(Opt opt, lrs::thread_pool* pool, T grad_scale, bool reduction) {
  opt.set_thread_pool(pool);
  if (reduction) opt.set_norm_reduction([](std::int64_t*, std::size_t) {});
  const std::size_t half = opt.add_group({T(0.5), T(0)});
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<lrs::vector_t<T>> params, grads;
  for (Eigen::Index n : sf_sizes) {
    lrs::vector_t<T> p(n);
    for (Eigen::Index i = 0; i < n; ++i) p[i] = T(normal(rng));
    params.push_back(p);
    grads.emplace_back(n);
  }
  std::vector<lrs::param_tensor<T>> tensors;
  for (std::size_t k = 0; k < grads.size(); ++k)
    tensors.emplace_back(params[k].data(), grads[k].data(), grads[k].size(), k % 2 == 0 ? 0 : half);
  sf_run<T> r;
  auto step = [&](int s) {
    for (std::size_t k = 0; k < grads.size(); ++k)
      for (Eigen::Index i = 0; i < grads[k].size(); ++i)
        grads[k][i] = grad_scale * T(normal(rng)) * T(1 + k % 3);
    r.infos.push_back(opt.step(tensors, T(0.01) * T(1 + s)));
  };
  for (int s = 0; s < 3; ++s) step(s);
  r.after_steps = params;
  opt.eval(tensors);
  r.after_eval = params;
  opt.train(tensors);
  r.after_train = params;
  step(3);
  for (std::size_t k = 0; k < grads.size(); ++k)
    for (int b = 0; b < 4; ++b) r.buffers.push_back(opt.buffer(k, b));
  r.weight_sums = {opt.weight_sum(0), opt.weight_sum(half)};
  for (const auto& g : grads)
    for (Eigen::Index i = 0; i < g.size(); ++i) {
      r.l2 += (long double)g[i] * g[i];
      r.l1 += std::fabs((long double)g[i]);
    }
  return r;
}

template <class T>
void same_run(const sf_run<T>& one, const sf_run<T>& many) {
  for (std::size_t k = 0; k < one.after_steps.size(); ++k) {
    CHECK(same_bits(one.after_steps[k], many.after_steps[k]));
    CHECK(same_bits(one.after_eval[k], many.after_eval[k]));
    CHECK(same_bits(one.after_train[k], many.after_train[k]));
  }
  for (std::size_t k = 0; k < one.buffers.size(); ++k)
    CHECK(same_bits(one.buffers[k], many.buffers[k]));
  for (std::size_t s = 0; s < one.infos.size(); ++s) {
    CHECK(same_bits(one.infos[s].grad_l2, many.infos[s].grad_l2));
    CHECK(same_bits(one.infos[s].grad_l1, many.infos[s].grad_l1));
    CHECK(same_bits(one.infos[s].clip_scale, many.infos[s].clip_scale));
  }
  CHECK(same_bits(one.weight_sums[0], many.weight_sums[0]));
  CHECK(same_bits(one.weight_sums[1], many.weight_sums[1]));
}

template <class Opt>
void check_sf_thread_counts(const Opt& opt, const std::string& what) {
  using T = typename Opt::scalar_type;
  static lrs::thread_pool pool2(2), pool3(3), pool8(8);
  for (bool reduction : {false, true})
    for (T grad_scale : {T(1), T(1e-3)}) {
      const sf_run<T> one = run_sf(opt, nullptr, grad_scale, reduction);
      // The reported norms of the last step against long double sums of its gradients; with a
      // reduction they are the exact sums rounded once (to double, then to T).
      const auto& last = one.infos.back();
      const double tol = sizeof(T) == 4 ? (reduction ? 1.2e-7 : 1e-6) : (reduction ? 1e-14 : 1e-12);
      const long double l2 = std::sqrt(one.l2);
      CHECK(std::fabs(double(last.grad_l2) - double(l2)) <= tol * double(l2));
      CHECK(std::fabs(double(last.grad_l1) - double(one.l1)) <= tol * double(one.l1));
      // x after eval() is not y: the switch did something.
      CHECK_FALSE(same_bits(one.after_eval[5], one.after_steps[5]));
      // train() gives back the bits the step wrote.
      for (std::size_t k = 0; k < one.after_steps.size(); ++k)
        CHECK(same_bits(one.after_steps[k], one.after_train[k]));
      for (lrs::thread_pool* pool : {&pool2, &pool3, &pool8}) {
        INFO(what << ", " << pool->size() << " threads, gradient scale " << grad_scale
                  << (reduction ? ", norm reduction" : ""));
        same_run(one, run_sf(opt, pool, grad_scale, reduction));
      }
    }
}

}  // namespace

TEMPLATE_TEST_CASE("schedule-free steps are bit-identical on 1, 2, 3 and 8 threads",
                   "[optim][threads][schedule_free]", float, double) {
  using T = TestType;
  for (T clip : {T(0), T(50)}) {  // 50: below the norm at gradient scale 1, above it at 1e-3
    const std::string c = clip > T(0) ? " clipped" : "";
    {
      lrs::sgd_schedule_free_options<T> o;
      o.max_grad_norm = clip;
      check_sf_thread_counts(lrs::sgd_schedule_free<T>(o), "sgd_schedule_free" + c);
      o.weight_decay = T(0.01);
      o.r = T(1);
      check_sf_thread_counts(lrs::sgd_schedule_free<T>(o), "sgd_schedule_free wd r" + c);
    }
    {
      lrs::adamw_schedule_free_options<T> o;
      o.max_grad_norm = clip;
      check_sf_thread_counts(lrs::adamw_schedule_free<T>(o), "adamw_schedule_free" + c);
      o.weight_decay = T(0.01);
      o.inner_momentum = T(0.9);
      check_sf_thread_counts(lrs::adamw_schedule_free<T>(o), "adamw_schedule_free wd inner" + c);
      o.decay_at_z = true;
      check_sf_thread_counts(lrs::adamw_schedule_free<T>(o),
                             "adamw_schedule_free wd at z inner" + c);
    }
  }
}

TEST_CASE("schedule-free: set_threads, a refused step changes nothing on threads",
          "[optim][threads][schedule_free]") {
  lrs::adamw_schedule_free<float> opt;
  CHECK(opt.threads() == 1);
  CHECK_THROWS_WITH(opt.set_threads(0), Catch::Contains("lrs::adamw_schedule_free") &&
                                            Catch::Contains("threads") && Catch::Contains("got 0"));
  opt.set_threads(2);
  CHECK(opt.threads() == 2);
  lrs::vector_t<float> p = lrs::vector_t<float>::LinSpaced(200000, -1.f, 1.f);
  const lrs::vector_t<float> p0 = p;
  const lrs::vector_t<float> g = lrs::vector_t<float>::Constant(200000, 0.25f);
  // A reduction that does not return sums is refused before anything changes.
  opt.set_norm_reduction([](std::int64_t* w, std::size_t) { w[0] = -1; });
  CHECK_THROWS_WITH(opt.step(p, g, 1e-3f), Catch::Contains("reduced word 0"));
  CHECK(same_bits(p, p0));
  CHECK(opt.step_count() == 0);
  CHECK(opt.tensor_count() == 0);
  opt.set_norm_reduction({});
  opt.step(p, g, 1e-3f);
  CHECK(opt.step_count() == 1);
  opt.set_threads(1);
  CHECK(opt.threads() == 1);
}

TEST_CASE("schedule-free: a threaded step over many small tensors matches one thread",
          "[optim][threads][schedule_free]") {
  // 3000 tensors of 64 floats, grouped into a few chunks; clipped; 2 threads give the same bits.
  const std::size_t count = 3000;
  std::vector<lrs::vector_t<float>> p1(count, lrs::vector_t<float>::LinSpaced(64, -1.f, 1.f));
  std::vector<lrs::vector_t<float>> p2 = p1;
  std::vector<lrs::vector_t<float>> g(count, lrs::vector_t<float>::LinSpaced(64, 0.5f, -0.25f));
  std::vector<lrs::param_tensor<float>> t1, t2;
  for (std::size_t k = 0; k < count; ++k) {
    g[k] *= float(k % 7 + 1);
    t1.emplace_back(p1[k].data(), g[k].data(), 64);
    t2.emplace_back(p2[k].data(), g[k].data(), 64);
  }
  lrs::adamw_schedule_free_options<float> o;
  o.max_grad_norm = 1.f;
  o.weight_decay = 0.01f;
  lrs::adamw_schedule_free<float> a(o), b(o);
  b.set_threads(2);
  for (int s = 0; s < 3; ++s) {
    const auto i1 = a.step(t1, 1e-3f);
    const auto i2 = b.step(t2, 1e-3f);
    CHECK(same_bits(i1.grad_l2, i2.grad_l2));
    CHECK(same_bits(i1.clip_scale, i2.clip_scale));
    CHECK(i1.clip_scale < 1.f);
  }
  for (std::size_t k = 0; k < count; ++k) CHECK(same_bits(p1[k], p2[k]));
  a.eval(t1);
  b.eval(t2);
  for (std::size_t k = 0; k < count; ++k) CHECK(same_bits(p1[k], p2[k]));
}
