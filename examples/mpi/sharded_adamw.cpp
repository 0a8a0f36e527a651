// SPDX-License-Identifier: MIT
// Data-parallel training with lrs::adamw sharded over MPI ranks (ZeRO-1 style): every rank
// computes the gradient of its share of the data, the gradients are all-reduced, each rank steps
// only its slice [r n / N, (r + 1) n / N) of the parameters (so it holds only that slice's Adam
// state), clipping uses the global norm through lrs::norm_reduction, and the slices are
// all-gathered. The LR is a pure function of the step: no communication for it.
//
//   mpirun -np 2 build/mpi/mpi_sharded_adamw        (scripts/test-mpi.sh builds it)
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <mpi.h>

#include <lrs/lrs.hpp>
#include <lrs/optim.hpp>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);

  // Least squares y = X w on 512 samples of 37 features, split between the ranks.
  const int features = 37, samples = 512, steps = 200;
  auto x_of = [](int s, int f) { return std::sin(0.1 * s + 0.7 * f); };
  auto y_of = [&](int s) {
    double y = 0;
    for (int f = 0; f < features; ++f) y += x_of(s, f) * std::cos(0.3 * f);
    return y;
  };
  const int first = rank * samples / ranks, last = (rank + 1) * samples / ranks;

  const std::size_t n = features;
  const std::size_t lo = std::size_t(rank) * n / std::size_t(ranks);
  const std::size_t hi = std::size_t(rank + 1) * n / std::size_t(ranks);
  std::vector<int> counts, displs;
  for (int q = 0; q < ranks; ++q) {
    displs.push_back(int(std::size_t(q) * n / std::size_t(ranks)));
    counts.push_back(int(std::size_t(q + 1) * n / std::size_t(ranks)) - displs.back());
  }

  std::vector<double> w(n, 0.0), grad(n);
  lrs::adamw_options<double> o;
  o.max_grad_norm = 1.0;
  lrs::adamw<double> opt(o);
  opt.set_norm_reduction([](std::int64_t* words, std::size_t count) {
    MPI_Allreduce(MPI_IN_PLACE, words, int(count), MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  });
  lrs::budget_options<double> bo;
  bo.warmup_steps = 10;
  bo.warmup_start = 0.01;
  const auto schedule = lrs::cosine_decay(0.1, steps, bo);

  for (int t = 0; t < steps; ++t) {
    // Local gradient of the mean squared error over this rank's samples, then the global mean.
    std::fill(grad.begin(), grad.end(), 0.0);
    double loss = 0;
    for (int s = first; s < last; ++s) {
      double r = -y_of(s);
      for (int f = 0; f < features; ++f) r += x_of(s, f) * w[std::size_t(f)];
      loss += r * r / samples;
      for (int f = 0; f < features; ++f) grad[std::size_t(f)] += 2 * r * x_of(s, f) / samples;
    }
    MPI_Allreduce(MPI_IN_PLACE, grad.data(), int(n), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, &loss, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);

    // This rank's slice only; the norm (for clipping) is global through the hook.
    const double lr = schedule(t);
    const auto info =
        opt.step(Eigen::Map<Eigen::VectorXd>(w.data() + lo, Eigen::Index(hi - lo)),
                 Eigen::Map<const Eigen::VectorXd>(grad.data() + lo, Eigen::Index(hi - lo)), lr);
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, w.data(), counts.data(), displs.data(),
                   MPI_DOUBLE, MPI_COMM_WORLD);
    if (rank == 0 && (t % 40 == 0 || t == steps - 1))
      std::printf("step %3d  lr %.5f  loss %.6f  |g| %.5f  clip %.4f\n", t, lr, loss,
                  double(info.grad_l2), double(info.clip_scale));
  }
  MPI_Finalize();
  return 0;
}
