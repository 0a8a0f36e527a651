// SPDX-License-Identifier: MIT
// dlib: a small network on Fashion-MNIST trained by dnn_trainer with an lrs warmup + cosine.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <dlib/dnn.h>

#include <lrs/adapters/dlib.hpp>
#include <lrs/lrs.hpp>

#include "fashion_mnist_gz.hpp"

namespace {

using net_type = dlib::loss_multiclass_log<
    dlib::fc<10, dlib::relu<dlib::fc<64, dlib::input<dlib::matrix<unsigned char>>>>>>;

std::vector<dlib::matrix<unsigned char>> to_images(const lrs_example::idx_set& s, std::size_t first,
                                                   std::size_t count) {
  std::vector<dlib::matrix<unsigned char>> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i].set_size(static_cast<long>(s.rows), static_cast<long>(s.cols));
    const auto* p = s.pixels.data() + (first + i) * s.rows * s.cols;
    for (long r = 0; r < out[i].nr(); ++r)
      for (long c = 0; c < out[i].nc(); ++c) out[i](r, c) = *p++;
  }
  return out;
}

std::vector<unsigned long> to_labels(const lrs_example::idx_set& s, std::size_t first,
                                     std::size_t count) {
  return {s.labels.begin() + static_cast<long>(first),
          s.labels.begin() + static_cast<long>(first + count)};
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
  const auto train = lrs_example::load_fashion_mnist(dir, "train");
  const auto test = lrs_example::load_fashion_mnist(dir, "t10k");
  net_type net;
  const lrs::step_t steps = 300, batch = 64;

  // [readme-dlib]
  dlib::dnn_trainer<net_type> trainer(net, dlib::sgd(0.0005, 0.9));
  // PyTorch's SequentialLR([LinearLR warmup over 20 steps, CosineAnnealingLR(T_max=280,
  // eta_min=1e-4)], milestones=[20]); dlib needs every LR > 0, hence the floor.
  const auto warmup = [](lrs::step_t t) { return 0.05 * double(t + 1) / 20.0; };
  const lrs::sequential schedule(std::tuple{warmup, lrs::cosine_annealing_lr(0.05, 280, 1e-4)},
                                 {20});
  lrs::adapters::dlib_scheduler sched(trainer, schedule);
  for (lrs::step_t t = 0; t < steps; ++t) {
    const auto first = static_cast<std::size_t>(t * batch) % train.size();
    trainer.train_one_step(to_images(train, first, batch), to_labels(train, first, batch));
    if (t % 25 == 0 || t == steps - 1)
      std::printf("step %3lld  lr %.6f  avg loss %.4f\n", static_cast<long long>(t),
                  trainer.get_learning_rate(), trainer.get_average_loss());
    sched.step();
  }
  // [readme-dlib-end]

  trainer.get_net();
  const std::size_t n = 2000;
  const auto pred = net(to_images(test, 0, n));
  std::size_t right = 0;
  for (std::size_t i = 0; i < n; ++i) right += pred[i] == test.labels[i] ? 1 : 0;
  std::printf("test accuracy on %zu images: %.4f\n", n, double(right) / double(n));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "dlib_fashion_mnist: %s\n", e.what());
  return 1;
}
