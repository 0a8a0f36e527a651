// SPDX-License-Identifier: MIT
// lrs::thread_pool and optimizer steps on several threads: every thread count gives bit-identical
// parameters, buffers, gradient norms and clip scales.
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <lrs/core/thread_pool.hpp>
#include <lrs/optim.hpp>

#include "catch.hpp"
#include "support/bits.hpp"

TEST_CASE("thread_pool runs every task once", "[optim][threads]") {
  for (std::size_t threads : {1u, 2u, 3u, 8u}) {
    lrs::thread_pool pool(threads);
    CHECK(pool.size() == threads);
    for (std::size_t tasks : {0u, 1u, 2u, 7u, 1000u}) {
      std::vector<std::atomic<int>> hits(tasks);
      for (auto& h : hits) h.store(0);
      auto f = [&](std::size_t i) { hits[i].fetch_add(1); };
      pool.run(tasks, f);
      pool.run(tasks, f);
      for (std::size_t i = 0; i < tasks; ++i) CHECK(hits[i].load() == 2);
    }
  }
}

TEST_CASE("thread_pool rejects 0 threads; threads start once", "[optim][threads]") {
  CHECK_THROWS_WITH(lrs::thread_pool(0), Catch::Contains("threads") &&
                                             Catch::Contains("[1, 4096]") &&
                                             Catch::Contains("got 0"));
  lrs::adam<float> opt;
  CHECK_THROWS_WITH(opt.set_threads(0), Catch::Contains("lrs::adam") &&
                                            Catch::Contains("threads") && Catch::Contains("got 0"));
  CHECK(opt.threads() == 1);

  std::atomic<int> started{0};
  lrs::thread_pool pool(3, [&](std::size_t) { started.fetch_add(1); });
  opt.set_thread_pool(&pool);
  CHECK(opt.threads() == 3);
  lrs::vector_t<float> p = lrs::vector_t<float>::Ones(300000);
  const lrs::vector_t<float> g = lrs::vector_t<float>::Constant(300000, 0.5f);
  for (int i = 0; i < 20; ++i) opt.step(p, g, 1e-3f);
  CHECK(started.load() == 2);  // the two workers, started by the constructor only
  opt.set_threads(1);
  CHECK(opt.threads() == 1);
  opt.set_threads(2);
  CHECK(opt.threads() == 2);
}

namespace {

using lrs_test::same_bits;

// Sizes around the packet and chunk edges: empty, one element, 15/16/17 (packet tails), and one
// tensor cut into two pieces: a whole step chunk of 65 536 and a 17-element tail.
const std::vector<Eigen::Index> awkward_sizes = {0, 1, 15, 16, 17, 65553, 16, 1, 0, 17};

template <class T>
struct threaded_run {
  std::vector<lrs::vector_t<T>> params;
  std::vector<lrs::vector_t<T>> buffers;
  std::vector<lrs::step_info<T>> infos;
};

// Three steps of `opt` over the awkward tensors (two groups), on `pool` (nullptr: one thread).
template <class Opt, class T = typename Opt::scalar_type>
threaded_run<T> run_threaded_steps(Opt opt, lrs::thread_pool* pool, T grad_scale) {
  opt.set_thread_pool(pool);
  const std::size_t half = opt.add_group({T(0.5), T(0)});
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(0.0, 1.0);
  threaded_run<T> r;
  std::vector<lrs::vector_t<T>> grads;
  for (Eigen::Index n : awkward_sizes) {
    lrs::vector_t<T> p(n), g(n);
    for (Eigen::Index i = 0; i < n; ++i) p[i] = T(normal(rng));
    r.params.push_back(p);
    grads.push_back(g);
  }
  for (int step = 0; step < 3; ++step) {
    std::vector<lrs::param_tensor<T>> tensors;
    for (std::size_t k = 0; k < grads.size(); ++k) {
      for (Eigen::Index i = 0; i < grads[k].size(); ++i)
        grads[k][i] = grad_scale * T(normal(rng)) * T(1 + k % 3);
      tensors.emplace_back(r.params[k].data(), grads[k].data(), grads[k].size(),
                           k % 2 == 0 ? 0 : half);
    }
    r.infos.push_back(opt.step(tensors, T(0.01)));
  }
  for (std::size_t k = 0; k < grads.size(); ++k)
    for (int b = 0; b < 3; ++b) r.buffers.push_back(opt.buffer(k, b));
  // Independent check of the reported norms of the last step: long double sums of the gradients.
  long double l2 = 0, l1 = 0;
  for (const auto& g : grads)
    for (Eigen::Index i = 0; i < g.size(); ++i) {
      l2 += (long double)g[i] * g[i];
      l1 += std::fabs((long double)g[i]);
    }
  const auto& last = r.infos.back();
  const double tol = sizeof(T) == 4 ? 1e-6 : 1e-12;
  CHECK(std::fabs(double(last.grad_l2) - double(std::sqrt(l2))) <= tol * double(std::sqrt(l2)));
  CHECK(std::fabs(double(last.grad_l1) - double(l1)) <= tol * double(l1));
  return r;
}

template <class Opt>
void check_thread_counts(const Opt& opt, const std::string& what) {
  using T = typename Opt::scalar_type;
  static lrs::thread_pool pool2(2), pool3(3), pool8(8);
  for (T grad_scale : {T(1), T(1e-3)}) {
    const threaded_run<T> one = run_threaded_steps(opt, nullptr, grad_scale);
    for (lrs::thread_pool* pool : {&pool2, &pool3, &pool8}) {
      INFO(what << ", " << pool->size() << " threads, gradient scale " << grad_scale);
      const threaded_run<T> many = run_threaded_steps(opt, pool, grad_scale);
      for (std::size_t k = 0; k < one.params.size(); ++k)
        CHECK(same_bits(one.params[k], many.params[k]));
      for (std::size_t k = 0; k < one.buffers.size(); ++k)
        CHECK(same_bits(one.buffers[k], many.buffers[k]));
      for (std::size_t s = 0; s < one.infos.size(); ++s) {
        CHECK(same_bits(one.infos[s].grad_l2, many.infos[s].grad_l2));
        CHECK(same_bits(one.infos[s].grad_l1, many.infos[s].grad_l1));
        CHECK(same_bits(one.infos[s].clip_scale, many.infos[s].clip_scale));
      }
    }
  }
}

}  // namespace

TEMPLATE_TEST_CASE("optimizer steps are bit-identical on 1, 2, 3 and 8 threads", "[optim][threads]",
                   float, double) {
  using T = TestType;
  for (T clip : {T(0), T(50)}) {  // 50: below the norm at gradient scale 1, above it at 1e-3
    const std::string c = clip > T(0) ? " clipped" : "";
    {
      lrs::sgd_options<T> o;
      o.max_grad_norm = clip;
      check_thread_counts(lrs::sgd<T>(o), "sgd" + c);
      o.momentum = T(0.9);
      o.weight_decay = T(0.01);
      check_thread_counts(lrs::sgd<T>(o), "sgd momentum wd" + c);
      o.nesterov = true;
      o.maximize = true;
      check_thread_counts(lrs::sgd<T>(o), "sgd nesterov maximize" + c);
    }
    {
      lrs::adam_options<T> o;
      o.max_grad_norm = clip;
      check_thread_counts(lrs::adam<T>(o), "adam" + c);
      o.amsgrad = true;
      o.weight_decay = T(0.01);
      check_thread_counts(lrs::adam<T>(o), "adam amsgrad wd" + c);
    }
    {
      lrs::adamw_options<T> o;
      o.max_grad_norm = clip;
      check_thread_counts(lrs::adamw<T>(o), "adamw" + c);
      o.amsgrad = true;
      check_thread_counts(lrs::adamw<T>(o), "adamw amsgrad" + c);
    }
  }
}

TEST_CASE("a threaded step over many small tensors matches one thread", "[optim][threads]") {
  // 3000 tensors of 64 floats are grouped into a few chunks; 2 threads give the same bits.
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
  lrs::adamw_options<float> o;
  o.max_grad_norm = 1.f;
  lrs::adamw<float> a(o), b(o);
  b.set_threads(2);
  for (int s = 0; s < 3; ++s) {
    const auto i1 = a.step(t1, 1e-3f);
    const auto i2 = b.step(t2, 1e-3f);
    CHECK(same_bits(i1.grad_l2, i2.grad_l2));
    CHECK(same_bits(i1.clip_scale, i2.clip_scale));
    CHECK(i1.clip_scale < 1.f);
  }
  for (std::size_t k = 0; k < count; ++k) CHECK(same_bits(p1[k], p2[k]));
}
