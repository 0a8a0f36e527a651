// SPDX-License-Identifier: MIT
// The examples' MLP gives the same bits on every processor once Eigen's product blocking is fixed
// (lrs_example::fix_product_blocking): a short training run under two processors' cache sizes,
// against per-step losses recorded on an AMD EPYC (GCC 12, -O0 and -O2 alike).
#include <vector>

#include <Eigen/Core>
#include <lrs/optim/sgd.hpp>

#include "../examples/common/mlp.hpp"
#include "../examples/common/random.hpp"
#include "catch.hpp"

namespace {

/// 40 steps of SGD with momentum (linear decay from 0.05, no transcendental function) on a
/// 784-64-10 MLP, data drawn from the examples' portable generator; the loss of each step.
std::vector<float> short_run() {
  const int in = 784, hid = 64, cls = 10, batch = 64, n = 1024, steps = 40;
  lrs_example::rng r(17);
  Eigen::MatrixXf x(in, n);
  std::vector<int> y(n);
  for (int j = 0; j < n; ++j) {
    y[static_cast<std::size_t>(j)] = static_cast<int>(r.below(cls));
    for (int i = 0; i < in; ++i)
      x(i, j) = static_cast<float>(r.uniform() +
                                   (i % cls == y[static_cast<std::size_t>(j)] ? 0.25 : 0.0));
  }
  lrs_example::basic_mlp<float> net(in, hid, cls);
  Eigen::VectorXf p = net.initial_params(3), g;
  lrs::sgd_options<float> o;
  o.momentum = 0.9f;
  lrs::sgd<float> opt(o);
  std::vector<float> losses;
  for (int t = 0; t < steps; ++t) {
    const int s = (t * batch) % n;
    losses.push_back(net.loss_and_gradient(p, x.middleCols(s, batch), y.data() + s, g));
    opt.step(p, g, 0.05f * static_cast<float>(steps - t) / steps);
  }
  return losses;
}

// Recorded with the blocking fixed (fix_product_blocking), on an AMD EPYC.
const std::vector<float> recorded = {
    0x1.37bbep+1f,  0x1.2f09e8p+1f, 0x1.2998aep+1f, 0x1.30271ep+1f, 0x1.29bf5cp+1f, 0x1.26b3p+1f,
    0x1.1a743ep+1f, 0x1.2847aap+1f, 0x1.1cd04ap+1f, 0x1.0fd64p+1f,  0x1.10cd1ep+1f, 0x1.1ee81ap+1f,
    0x1.0fb15ap+1f, 0x1.00802ep+1f, 0x1.104b4ep+1f, 0x1.1b0c56p+1f, 0x1.ed459ep+0f, 0x1.c3633ep+0f,
    0x1.ae1974p+0f, 0x1.bbc326p+0f, 0x1.d5256p+0f,  0x1.a42dbap+0f, 0x1.851468p+0f, 0x1.8defb6p+0f,
    0x1.72bd2ep+0f, 0x1.7dfe98p+0f, 0x1.74543ap+0f, 0x1.578aap+0f,  0x1.67dd5cp+0f, 0x1.507cdap+0f,
    0x1.394eb6p+0f, 0x1.4ed6f2p+0f, 0x1.2dcbeep+0f, 0x1.0c8d42p+0f, 0x1.021722p+0f, 0x1.0f3e98p+0f,
    0x1.02d9b8p+0f, 0x1.03057p+0f,  0x1.fa6fe2p-1f, 0x1.11f03ap+0f};

}  // namespace

TEST_CASE("examples' MLP: the same bits on any processor with the blocking fixed",
          "[examples][mlp]") {
  // Eigen reads the cache sizes from the processor; these stand for two processors.
  const std::ptrdiff_t small[3] = {16 * 1024, 256 * 1024, 8 << 20};
  const std::ptrdiff_t large[3] = {48 * 1024, 1280 * 1024, 32 << 20};
  std::ptrdiff_t keep[3];
  Eigen::internal::manage_caching_sizes(Eigen::GetAction, &keep[0], &keep[1], &keep[2]);
  Eigen::setCpuCacheSizes(small[0], small[1], small[2]);
  const auto on_small = short_run();
  Eigen::setCpuCacheSizes(large[0], large[1], large[2]);
  const auto on_large = short_run();
  // The processor's caches change the bits (the cause of the demo's machine dependence) ...
  CHECK(on_small != on_large);
  // ... unless the blocking is fixed, whatever the processor's sizes were.
  Eigen::setCpuCacheSizes(small[0], small[1], small[2]);
  lrs_example::fix_product_blocking();
  const auto fixed_small = short_run();
  Eigen::setCpuCacheSizes(large[0], large[1], large[2]);
  lrs_example::fix_product_blocking();
  const auto fixed_large = short_run();
  Eigen::setCpuCacheSizes(keep[0], keep[1], keep[2]);
  CHECK(fixed_small == recorded);
  CHECK(fixed_large == recorded);
}
