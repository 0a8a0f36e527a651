// SPDX-License-Identifier: MIT
// libtorch: a small MLP on Fashion-MNIST trained with SGD + momentum and an lrs REX schedule.
#include <cstdio>
#include <exception>
#include <string>

#include <torch/torch.h>

#include <lrs/adapters/torch.hpp>
#include <lrs/lrs.hpp>

#include "fashion_mnist_gz.hpp"

namespace {

torch::Tensor to_images(const lrs_example::idx_set& s, std::size_t first, std::size_t count) {
  const std::size_t px = s.rows * s.cols;
  auto bytes = torch::from_blob(const_cast<std::uint8_t*>(s.pixels.data() + first * px),
                                {static_cast<long>(count), static_cast<long>(px)}, torch::kUInt8);
  return bytes.to(torch::kFloat32).div(255.0);
}

torch::Tensor to_labels(const lrs_example::idx_set& s, std::size_t first, std::size_t count) {
  auto bytes = torch::from_blob(const_cast<std::uint8_t*>(s.labels.data() + first),
                                {static_cast<long>(count)}, torch::kUInt8);
  return bytes.to(torch::kInt64);
}

// Cross-entropy of the model on batch t (consecutive images, wrapping around the set).
torch::Tensor batch_loss(torch::nn::Sequential& model, const lrs_example::idx_set& train,
                         lrs::step_t t, lrs::step_t batch) {
  const auto first = static_cast<std::size_t>(t * batch) % train.size();
  return torch::nn::functional::cross_entropy(model->forward(to_images(train, first, batch)),
                                              to_labels(train, first, batch));
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
  const auto train = lrs_example::load_fashion_mnist(dir, "train");
  const auto test = lrs_example::load_fashion_mnist(dir, "t10k");
  torch::manual_seed(0);
  torch::set_num_threads(1);

  torch::nn::Sequential model(torch::nn::Linear(784, 128), torch::nn::ReLU(),
                              torch::nn::Linear(128, 10));
  const lrs::step_t steps = 400, batch = 64;

  // [readme-torch]
  torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  lrs::adapters::torch_scheduler sched(opt, lrs::rex(0.1, steps));  // REX, d = 0.5
  for (lrs::step_t t = 0; t < steps; ++t) {
    opt.zero_grad();
    auto loss = batch_loss(model, train, t, batch);
    loss.backward();
    if (t % 25 == 0 || t == steps - 1)
      std::printf("step %3lld  lr %.6f  loss %.4f\n", static_cast<long long>(t),
                  opt.param_groups()[0].options().get_lr(), loss.item<double>());
    opt.step();
    sched.step();
  }
  // [readme-torch-end]

  torch::NoGradGuard no_grad;
  const std::size_t n = 2000;
  auto pred = model->forward(to_images(test, 0, n)).argmax(1);
  const double acc = pred.eq(to_labels(test, 0, n)).to(torch::kFloat64).mean().item<double>();
  std::printf("test accuracy on %zu images: %.4f\n", n, acc);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "torch_fashion_mnist: %s\n", e.what());
  return 1;
}
