// SPDX-License-Identifier: MIT
// Sharded (ZeRO-1 style) lrs optimizers over MPI ranks against one process: rank r steps the
// elements [r n / N, (r + 1) n / N) of the flattened parameters, the global gradient norm comes
// through lrs::norm_reduction (MPI_Allreduce of integers), the parameters are all-gathered after
// every step. With clipping active, every rank must end with parameters bit-identical to one
// process stepping everything with a no-op norm_reduction, for sizes not divisible by N.
// Run: mpirun -np 2 build/mpi/lrs_mpi_sharded_test   (scripts/test-mpi.sh)
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <mpi.h>

#include <lrs/lrs.hpp>
#include <lrs/optim.hpp>

namespace {

int rank = 0, ranks = 1;

template <class T>
MPI_Datatype mpi_type() {
  return sizeof(T) == sizeof(double) ? MPI_DOUBLE : MPI_FLOAT;
}

std::uint64_t fnv1a(const void* data, std::size_t bytes) {
  std::uint64_t h = 1469598103934665603ull;
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

/// Deterministic gradient of element i at step t, the same on every rank: a quadratic pull to a
/// target plus a step-dependent term, large enough that clipping to max_norm is active.
template <class T>
T grad_of(const T* p, std::size_t i, int t) {
  const double target = std::sin(0.37 * double(i));
  const double noise = std::cos(1.3 * double(i) + 0.71 * t) * (1.0 + double(i % 7));
  return static_cast<T>(3.0 * (double(p[i]) - target) + noise);
}

struct layout {
  const char* name;
  std::vector<std::size_t> sizes;
};

/// One tensor's part inside [lo, hi) of the flat buffer.
struct piece {
  std::size_t tensor, begin, end;  // flat indices
};

template <class Opt, class T>
struct run_result {
  std::vector<T> params;
  std::vector<double> lrs, grad_l2, clip_scale;
};

template <class Opt, class T, class Options>
run_result<Opt, T> run(const Options& o, const layout& L, int steps, bool sharded, bool hook) {
  std::size_t n = 0;
  std::vector<std::size_t> offset;
  for (std::size_t s : L.sizes) {
    offset.push_back(n);
    n += s;
  }
  run_result<Opt, T> r;
  r.params.resize(n);
  for (std::size_t i = 0; i < n; ++i) r.params[i] = static_cast<T>(0.1 * std::cos(double(i)));
  std::vector<T> grads(n);

  const std::size_t lo = sharded ? std::size_t(rank) * n / std::size_t(ranks) : 0;
  const std::size_t hi = sharded ? std::size_t(rank + 1) * n / std::size_t(ranks) : n;
  std::vector<piece> pieces;
  for (std::size_t k = 0; k < L.sizes.size(); ++k) {
    const std::size_t b = std::max(lo, offset[k]), e = std::min(hi, offset[k] + L.sizes[k]);
    if (b < e) pieces.push_back({k, b, e});
  }
  std::vector<int> counts(static_cast<std::size_t>(ranks)), displs(static_cast<std::size_t>(ranks));
  for (int q = 0; q < ranks; ++q) {
    displs[std::size_t(q)] = int(std::size_t(q) * n / std::size_t(ranks));
    counts[std::size_t(q)] =
        int(std::size_t(q + 1) * n / std::size_t(ranks)) - displs[std::size_t(q)];
  }

  Opt opt(o);
  // Tensor 1 (when present) in a group with half the LR and no weight decay.
  const std::size_t half = opt.add_group({T(0.5), T(0)});
  if (hook) {
    if (sharded)
      opt.set_norm_reduction([](std::int64_t* w, std::size_t count) {
        MPI_Allreduce(MPI_IN_PLACE, w, int(count), MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
      });
    else
      opt.set_norm_reduction([](std::int64_t*, std::size_t) {});
  }
  // Warmup then cosine: a pure function of the step, so every rank computes it alone.
  lrs::budget_options<double> bo;
  bo.warmup_steps = 3;
  bo.warmup_start = 0.005;
  const auto sched = lrs::cosine_decay(0.05, steps, bo);

  for (int t = 0; t < steps; ++t) {
    for (const auto& pc : pieces)
      for (std::size_t i = pc.begin; i < pc.end; ++i) grads[i] = grad_of(r.params.data(), i, t);
    std::vector<lrs::param_tensor<T>> ts;
    for (const auto& pc : pieces)
      ts.emplace_back(r.params.data() + pc.begin, grads.data() + pc.begin,
                      Eigen::Index(pc.end - pc.begin), pc.tensor == 1 ? half : 0);
    const double lr = sched(t);
    const auto info = opt.step(ts, T(lr));
    r.lrs.push_back(lr);
    r.grad_l2.push_back(double(info.grad_l2));
    r.clip_scale.push_back(double(info.clip_scale));
    if (sharded)
      MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, r.params.data(), counts.data(),
                     displs.data(), mpi_type<T>(), MPI_COMM_WORLD);
  }
  return r;
}

int failures = 0;

template <class Opt, class T, class Options>
void check(const char* opt_name, const Options& o, const layout& L) {
  const int steps = 25;
  const auto one = run<Opt, T>(o, L, steps, false, true);
  const auto plain = run<Opt, T>(o, L, steps, false, false);
  const auto sh = run<Opt, T>(o, L, steps, true, true);
  const std::size_t bytes = one.params.size() * sizeof(T);
  bool same = std::memcmp(one.params.data(), sh.params.data(), bytes) == 0;
  bool same_info = one.grad_l2 == sh.grad_l2 && one.clip_scale == sh.clip_scale;
  int clipped = 0;
  for (double c : sh.clip_scale) clipped += c < 1.0;
  const std::uint64_t h = fnv1a(sh.params.data(), bytes);
  // Every rank's checksum, to show they agree.
  std::vector<std::uint64_t> all(static_cast<std::size_t>(ranks));
  MPI_Gather(&h, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  int ok_local = same && same_info && clipped > 0 ? 1 : 0, ok = 0;
  MPI_Allreduce(&ok_local, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (rank == 0) {
    std::string sums;
    for (auto v : all) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " %016" PRIx64, v);
      sums += buf;
    }
    const bool plain_same = std::memcmp(one.params.data(), plain.params.data(), bytes) == 0;
    std::printf(
        "%-4s %-6s %-6s n=%-5zu clipped %2d/%d  lr[0,3,24]=%.6g,%.6g,%.6g  per-rank "
        "fnv1a%s  %s  (fast-norm 1-process run: %s)\n",
        ok ? "ok" : "FAIL", opt_name, sizeof(T) == 4 ? "float" : "double", one.params.size(),
        clipped, steps, sh.lrs[0], sh.lrs[3], sh.lrs[24], sums.c_str(),
        same ? "bit-identical to 1 process" : "DIFFERS from 1 process",
        plain_same ? "same bits" : "differs in the last bits");
  }
  if (!ok) ++failures;
}

template <class T>
void all_cases() {
  const layout layouts[] = {{"1001", {1001}}, {"17", {17}}, {"3 tensors", {7, 301, 93}}};
  for (const auto& L : layouts) {
    lrs::sgd_options<T> s;
    s.momentum = T(0.9);
    s.nesterov = true;
    s.weight_decay = T(1e-3);
    s.max_grad_norm = T(1);
    check<lrs::sgd<T>, T>("sgd", s, L);
    lrs::adam_options<T> a;
    a.weight_decay = T(1e-2);
    a.amsgrad = true;
    a.max_grad_norm = T(1);
    check<lrs::adam<T>, T>("adam", a, L);
    lrs::adamw_options<T> w;
    w.max_grad_norm = T(1);
    check<lrs::adamw<T>, T>("adamw", w, L);
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (rank == 0) std::printf("sharded lrs optimizers on %d ranks vs one process\n", ranks);
  all_cases<float>();
  all_cases<double>();
  if (rank == 0) std::printf("%s: %d failing case(s)\n", failures ? "FAIL" : "PASS", failures);
  MPI_Finalize();
  return failures ? 1 : 0;
}
