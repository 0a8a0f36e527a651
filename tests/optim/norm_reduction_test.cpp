// SPDX-License-Identifier: MIT
// lrs::norm_reduction and the exact accumulator behind it: IEEE rounding identities, invariance
// under any split of the elements (the property sharded data-parallel steps rely on), and the hook
// wired into the optimizers.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <lrs/optim.hpp>

#include "catch.hpp"
#include "support/bits.hpp"

namespace {

using lrs_test::same_bits;

double exact(const std::vector<double>& xs) {
  lrs::detail::exact_sum s;
  for (double x : xs) s.add(x);
  return s.value();
}

}  // namespace

TEST_CASE("exact_sum: sums that plain double addition gets wrong", "[optim][norm_reduction]") {
  // 1e16 + 1 rounds back to 1e16 in double; the exact sum is 2.
  CHECK(exact({1e16, 1.0, 1.0, -1e16}) == 2.0);
  // Ten times 0.1 (the double nearest 0.1) is 1.0000000000000000555..., rounded: 1.0 (what
  // Python's math.fsum([0.1] * 10) prints), while left-to-right addition gives 0.9999999999999999.
  CHECK(exact(std::vector<double>(10, 0.1)) == 1.0);
  const double tiny = std::ldexp(1.0, -1074), big = std::ldexp(1.0, 1023);
  CHECK(exact({tiny, big, -big}) == tiny);
  CHECK(exact({big, big}) == std::numeric_limits<double>::infinity());
  CHECK(exact({}) == 0.0);
  CHECK(exact({-3.5, 1.25}) == -2.25);
}

TEST_CASE("exact_sum: rounds once, to nearest, ties to even", "[optim][norm_reduction]") {
  const double half_ulp = std::ldexp(1.0, -53);                                // half an ulp of 1
  CHECK(exact({1.0, half_ulp}) == 1.0);                                        // tie, even: down
  CHECK(exact({1.0, half_ulp, std::ldexp(1.0, -200)}) == 1.0 + 2 * half_ulp);  // above the tie
  CHECK(exact({1.0 + 2 * half_ulp, half_ulp}) == 1.0 + 4 * half_ulp);          // tie, odd: up
  CHECK(exact({1.0, half_ulp, -std::ldexp(1.0, -200)}) == 1.0);                // below the tie
  // A carry out of the mantissa: (2 - ulp) + half an ulp of it rounds up to 2.
  const double below_two = 2.0 - std::ldexp(1.0, -52);
  CHECK(exact({below_two, std::ldexp(1.0, -53)}) == 2.0);
}

TEST_CASE("exact_sum: NaN and infinities are counted", "[optim][norm_reduction]") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(std::isnan(exact({1.0, std::nan(""), inf})));
  CHECK(exact({1.0, inf}) == inf);
}

TEST_CASE("exact_sum: the same bits for every split of the elements", "[optim][norm_reduction]") {
  std::mt19937_64 rng(7);
  // Magnitudes over ~30 decades, and over ~2 (where plain sums of the pieces differ most).
  for (double sigma : {6.0, 1.0})
    for (int n : {17, 1001}) {
      std::lognormal_distribution<double> mag(0.0, sigma);
      std::vector<double> x(static_cast<std::size_t>(n));
      for (auto& v : x) v = (rng() & 1 ? -1.0 : 1.0) * mag(rng);
      lrs::detail::exact_sum whole2, whole1;
      lrs::detail::exact_grad_norms(x.data(), n, whole2, whole1);
      const double l2 = whole2.value(), l1 = whole1.value();
      // Left-to-right double sums of the same terms differ from some split's sum: the property
      // below is not vacuous.
      int plain_differs = 0;
      for (int k = 0; k <= n; ++k) {
        lrs::detail::exact_sum a2, a1, b2, b1;
        lrs::detail::exact_grad_norms(x.data(), k, a2, a1);
        lrs::detail::exact_grad_norms(x.data() + k, n - k, b2, b1);
        std::int64_t wa[lrs::detail::exact_sum::words], wb[lrs::detail::exact_sum::words];
        a2.store(wa);
        b2.store(wb);
        for (std::size_t i = 0; i < lrs::detail::exact_sum::words; ++i) wa[i] += wb[i];
        lrs::detail::exact_sum r2;
        r2.load(wa, 0);
        a1.store(wa);
        b1.store(wb);
        for (std::size_t i = 0; i < lrs::detail::exact_sum::words; ++i) wa[i] += wb[i];
        lrs::detail::exact_sum r1;
        r1.load(wa, 0);
        REQUIRE(same_bits(r2.value(), l2));
        REQUIRE(same_bits(r1.value(), l1));
        double p0 = 0, p1 = 0;
        for (int i = 0; i < k; ++i) p0 += x[std::size_t(i)] * x[std::size_t(i)];
        for (int i = k; i < n; ++i) p1 += x[std::size_t(i)] * x[std::size_t(i)];
        plain_differs += !same_bits(p0 + p1, l2);
      }
      if (sigma == 1.0) CHECK(plain_differs > 0);
    }
  float f[3] = {1e-30f, 3.0f, -4.0f};
  lrs::detail::exact_sum s2, s1;
  lrs::detail::exact_grad_norms(f, 3, s2, s1);
  CHECK(s2.value() == 25.0 + double(1e-30f) * double(1e-30f));  // float squares are exact
}

TEST_CASE("norm_reduction: the hook sees this rank's sums and its result is used",
          "[optim][norm_reduction]") {
  Eigen::VectorXd p = Eigen::VectorXd::Constant(5, 1.0), g(5);
  g << 3, -4, 0, 12, 0;  // |g|_2 = 13, |g|_1 = 19
  lrs::sgd_options<double> o;
  o.max_grad_norm = 13.0;
  lrs::sgd<double> opt(o);
  int calls = 0;
  // Two ranks holding the same gradients: the global sums double.
  opt.set_norm_reduction([&](std::int64_t* w, std::size_t n) {
    ++calls;
    REQUIRE(n == lrs::norm_partials_size);
    for (std::size_t i = 0; i < n; ++i) w[i] *= 2;
  });
  const auto info = opt.step(p, g, 0.5);
  CHECK(calls == 1);
  CHECK(info.grad_l2 == Approx(13.0 * std::sqrt(2.0)).epsilon(1e-15));
  CHECK(info.grad_l1 == 38.0);
  // PyTorch's clip_grad_norm_: max_norm / (total_norm + 1e-6).
  CHECK(info.clip_scale == Approx(13.0 / (13.0 * std::sqrt(2.0) + 1e-6)).epsilon(1e-14));
  // Without clipping the hook still runs: step_info reports the global norms.
  lrs::sgd<double> plain;
  plain.set_norm_reduction([&](std::int64_t* w, std::size_t n) {
    ++calls;
    for (std::size_t i = 0; i < n; ++i) w[i] *= 4;
  });
  const auto info2 = plain.step(p, g, 0.5);
  CHECK(calls == 2);
  CHECK(info2.grad_l2 == 26.0);
  CHECK(info2.grad_l1 == 76.0);
  CHECK(info2.clip_scale == 1.0);
}

TEST_CASE("norm_reduction: a reduction that is not a sum is refused before any update",
          "[optim][norm_reduction]") {
  Eigen::VectorXd p = Eigen::VectorXd::Constant(3, 1.0), g = Eigen::VectorXd::Constant(3, 0.5);
  lrs::adam_options<double> o;
  o.max_grad_norm = 1.0;
  lrs::adam<double> opt(o);
  opt.set_norm_reduction([](std::int64_t* w, std::size_t) { w[3] = -1; });
  CHECK_THROWS_WITH(opt.step(p, g, 0.1), Catch::Contains("reduced word 3"));
  CHECK(p == Eigen::VectorXd::Constant(3, 1.0));
  CHECK(opt.step_count() == 0);
}

TEST_CASE("exact_sum: the float fast path gives the general loop's sums",
          "[optim][norm_reduction]") {
  // Per-exponent integer bins (flushed every 2^17 values) against one add per value: both exact,
  // so the same bits, over more than two flushes, with zeros, subnormals and huge values.
  std::mt19937_64 rng(11);
  std::lognormal_distribution<float> mag(0.0f, 8.0f);
  std::vector<float> g(300001);
  for (auto& v : g) v = (rng() & 1 ? -1.0f : 1.0f) * mag(rng);
  g[5] = 0.0f;
  g[6] = std::numeric_limits<float>::denorm_min();
  g[7] = std::numeric_limits<float>::max();
  const auto n = std::ptrdiff_t(g.size());
  lrs::detail::exact_sum fast2, fast1, slow2, slow1;
  lrs::detail::exact_grad_norms(g.data(), n, fast2, fast1);
  lrs::detail::exact_grad_norms<float>(g.data(), n, slow2, slow1);
  CHECK(same_bits(fast2.value(), slow2.value()));
  CHECK(same_bits(fast1.value(), slow1.value()));
  g[200000] = std::numeric_limits<float>::infinity();
  lrs::detail::exact_sum i2, i1;
  lrs::detail::exact_grad_norms(g.data(), n, i2, i1);
  CHECK(i2.value() == std::numeric_limits<double>::infinity());
  CHECK(i1.value() == std::numeric_limits<double>::infinity());
  g[3] = std::numeric_limits<float>::quiet_NaN();
  lrs::detail::exact_sum n2, n1;
  lrs::detail::exact_grad_norms(g.data(), n, n2, n1);
  CHECK(std::isnan(n2.value()));
  CHECK(std::isnan(n1.value()));
}

TEST_CASE("norm_reduction: garbage that is not negative is refused before any update",
          "[optim][norm_reduction]") {
  // Gradients (0.5, 0.5, 0.5): this rank's sum of squares is 0.75, of |g| 1.5. Each hook below
  // leaves every word >= 0, but no sum over ranks that includes this rank gives its result.
  const Eigen::VectorXd g = Eigen::VectorXd::Constant(3, 0.5);
  const std::size_t nan_count = lrs::detail::exact_sum::words - 1;  // of the sum of squares
  struct bad_hook {
    const char* what;
    lrs::norm_reduction hook;
    const char* message;
  };
  const bad_hook hooks[] = {
      {"a NaN counted", [&](std::int64_t* w, std::size_t) { w[nan_count] = 1; },
       "lrs::norm_reduction: the reduced sum of squared gradients must be finite and >= this "
       "rank's own (0.75), got nan"},
      {"words zeroed", [](std::int64_t* w, std::size_t n) { std::fill(w, w + n, 0); },
       "lrs::norm_reduction: the reduced sum of squared gradients must be finite and >= this "
       "rank's own (0.75), got 0"},
      {"the top limb of |g| set: a sum >= 2^1024",
       [](std::int64_t* w, std::size_t) {
         w[lrs::detail::exact_sum::words + lrs::detail::exact_sum::limbs - 1] = 1;
       },
       "lrs::norm_reduction: the reduced sum of absolute gradients must be finite and >= this "
       "rank's own (1.5), got inf"},
  };
  for (const auto& h : hooks) {
    CAPTURE(h.what);
    Eigen::VectorXd p = Eigen::VectorXd::Constant(3, 1.0);
    lrs::adam_options<double> o;
    o.max_grad_norm = 1.0;
    lrs::adam<double> opt(o);
    opt.set_norm_reduction(h.hook);
    CHECK_THROWS_WITH(opt.step(p, g, 0.1), Catch::StartsWith(h.message));
    CHECK(p == Eigen::VectorXd::Constant(3, 1.0));
    CHECK(opt.step_count() == 0);
    // The state is untouched: a step with a one-rank reduction now matches a fresh optimizer's.
    opt.set_norm_reduction([](std::int64_t*, std::size_t) {});
    lrs::adam<double> fresh(o);
    Eigen::VectorXd q = Eigen::VectorXd::Constant(3, 1.0);
    const auto a = opt.step(p, g, 0.1);
    const auto b = fresh.step(q, g, 0.1);
    CHECK(p == q);
    CHECK(a.clip_scale == b.clip_scale);
    CHECK(opt.state() == fresh.state());
  }
}

TEST_CASE("norm_reduction: a NaN gradient on any rank is refused on every rank",
          "[optim][norm_reduction]") {
  Eigen::VectorXd p = Eigen::VectorXd::Constant(2, 1.0), g(2);
  g << 1.0, std::numeric_limits<double>::quiet_NaN();
  lrs::sgd_options<double> o;
  o.max_grad_norm = 1.0;
  lrs::sgd<double> opt(o);
  opt.set_norm_reduction([](std::int64_t*, std::size_t) {});
  CHECK_THROWS_WITH(opt.step(p, g, 0.1),
                    Catch::StartsWith("lrs::norm_reduction: the reduced sum of squared gradients "
                                      "must be finite and >= this rank's own (nan), got nan"));
  CHECK(p == Eigen::VectorXd::Constant(2, 1.0));
}
