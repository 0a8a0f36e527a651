// SPDX-License-Identifier: MIT
// torch::optim::Adam (libtorch, C++) step CPU time per parameter, float32, one thread, best of 5.
// Not part of the CMake build (bench/torch/ is not globbed); build by hand, see bench/README.md.
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <limits>

int main() {
  torch::set_num_threads(1);
  torch::NoGradGuard no_grad;
  std::printf("%-10s %18s\n", "n", "ns/param");
  for (long n : {10000L, 100000L, 1000000L, 10000000L}) {
    auto p = torch::rand({n}, torch::kFloat32).requires_grad_(true);
    p.mutable_grad() = torch::rand({n}, torch::kFloat32) * 1e-3;
    torch::optim::Adam opt({p}, torch::optim::AdamOptions(1e-3));
    opt.step();  // first step allocates the state
    double best = std::numeric_limits<double>::infinity();
    for (int rep = 0; rep < 5; ++rep) {
      long iters = 0;
      const std::clock_t start = std::clock();
      double elapsed = 0;
      do {
        opt.step();
        ++iters;
        elapsed = double(std::clock() - start) / CLOCKS_PER_SEC;
      } while (elapsed < 0.1);
      best = std::min(best, elapsed / double(iters));
    }
    std::printf("%-10ld %18.3f\n", n, best * 1e9 / double(n));
  }
}
