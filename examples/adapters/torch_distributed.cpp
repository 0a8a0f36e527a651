// SPDX-License-Identifier: MIT
// Data-parallel libtorch training on N processes with an lrs schedule: gradients all-reduced
// through c10d::ProcessGroupGloo, torch::optim::AdamW driven by lrs::adapters::torch_scheduler.
// The schedule is a pure function of the step, so the ranks never exchange anything about the LR.
//
// Start one process per rank, all with the same (empty, shared) store directory:
//   dir=$(mktemp -d)
//   ./torch_distributed 0 2 "$dir" & ./torch_distributed 1 2 "$dir"; wait
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

#include <lrs/adapters/torch.hpp>
#include <lrs/lrs.hpp>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: torch_distributed <rank> <world size> <store directory>\n");
    return 2;
  }
  const int rank = std::atoi(argv[1]), world = std::atoi(argv[2]);
  const std::string dir = argv[3];
  torch::set_num_threads(1);

  auto store = c10::make_intrusive<c10d::FileStore>(dir + "/store", world);
  auto options = c10d::ProcessGroupGloo::Options::create();
  options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  c10d::ProcessGroupGloo pg(store, rank, world, options);

  torch::manual_seed(0);  // the same initial model on every rank
  torch::nn::Sequential net(torch::nn::Linear(4, 32), torch::nn::Tanh(), torch::nn::Linear(32, 1));
  torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(1e-2));
  const int steps = 100;
  lrs::budget_options<double> bo;
  bo.warmup_steps = 10;
  bo.warmup_start = 1e-3;
  lrs::adapters::torch_scheduler sched(opt, lrs::cosine_decay(1e-2, steps, bo));

  for (int t = 0; t < steps; ++t) {
    // This rank's share of the batch: rows [16 rank, 16 (rank + 1)) of batch t.
    const auto i = torch::arange(16, torch::kFloat).unsqueeze(1) + float(16 * (rank + world * t));
    const auto x = torch::cat(
        {torch::sin(0.1 * i), torch::cos(0.3 * i), torch::sin(0.7 * i), torch::cos(1.1 * i)}, 1);
    const auto y = x.sum(1, true).square();
    opt.zero_grad();
    const auto loss = torch::mse_loss(net->forward(x), y);
    loss.backward();
    for (auto& p : net->parameters()) {  // average the gradients over the ranks
      std::vector<torch::Tensor> g{p.mutable_grad()};
      pg.allreduce(g)->wait();
      p.mutable_grad().div_(world);
    }
    opt.step();
    if (t % 20 == 0 || t == steps - 1)
      std::printf("rank %d step %3d lr %.6f local loss %.5f\n", rank, t, sched.last_lr(),
                  loss.item<double>());
    sched.step();
  }
  double checksum = 0;
  for (const auto& p : net->parameters()) checksum += p.sum().item<double>();
  std::printf("rank %d: sum of the final parameters %.17g\n", rank, checksum);
  return 0;
}
