// SPDX-License-Identifier: MIT
// Quick start: warm-up + cosine in one line, an optimizer driven by it, and a run resumed from a
// checkpoint that continues bit for bit like the uninterrupted one.
#include <cstdio>
#include <filesystem>
#include <string>

#include <lrs/io/checkpoint.hpp>
#include <lrs/lrs.hpp>
#include <lrs/optim.hpp>

namespace {

// A least-squares problem: minimise 0.5 ||A w - y||^2.
struct problem {
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(8, 8) * 2.0;
  Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(8, -1.0, 1.0);
};

// Trains from `first` to `last` (exclusive), resuming from `path` if it exists; saves a
// checkpoint every 500 updates. Returns the weights.
template <class Schedule>
Eigen::VectorXd train(const Schedule& schedule, lrs::step_t last, const std::string& path,
                      lrs::step_t stop_at = -1) {
  const problem p;
  Eigen::VectorXd w = Eigen::VectorXd::Zero(8), g(8);
  lrs::adamw<double> opt;
  lrs::step_t start = 0;
  if (std::filesystem::exists(path)) {          // resume: weights and optimizer state; the schedule
    const auto c = lrs::load_checkpoint(path);  // needs nothing but the step
    opt.load_state(c.at("adamw"));
    lrs::load_tensor_blob(c.at("weights"), w);  // checks the size and the scalar type
    start = opt.step_count();
  }
  for (lrs::step_t t = start; t < last; ++t) {
    if (t == stop_at) return w;  // simulate a crash
    g = p.a.transpose() * (p.a * w - p.y);
    opt.step({lrs::param_tensor<double>(w, g)}, schedule(t));
    if ((t + 1) % 500 == 0) {
      lrs::checkpoint c;
      c.add("adamw", opt).add("weights", lrs::tensor_blob(w));
      lrs::save_checkpoint(path, c);
    }
  }
  return w;
}

}  // namespace

int main() {
  // Linear warm-up over 100 steps, then a cosine from 3e-2 down to 3e-3 over the other 1900.
  const auto schedule = lrs::with_warmup(lrs::cosine_decay(3e-2, 1900, 3e-3), 100);

  std::printf("step        lr\n");
  for (const lrs::step_t t : {0, 1, 50, 99, 100, 1000, 1999})
    std::printf("%4lld  %.6f\n", static_cast<long long>(t), schedule(t));

  const std::string path =
      (std::filesystem::temp_directory_path() / "lrs_quickstart.ckpt").string();
  std::filesystem::remove(path);
  std::filesystem::remove(path + ".straight");
  const Eigen::VectorXd straight = train(schedule, 2000, path + ".straight");
  std::filesystem::remove(path + ".straight");
  (void)train(schedule, 2000, path, 1234);                      // stops at update 1234 ...
  const Eigen::VectorXd resumed = train(schedule, 2000, path);  // ... resumes from update 1000
  std::filesystem::remove(path);
  std::printf("w[0] = %.6f (optimum %.6f)\n", straight[0], -0.5);
  std::printf("resumed run identical to the uninterrupted one: %s\n",
              lrs::tensor_blob(straight) == lrs::tensor_blob(resumed) ? "yes" : "no");

  // Bad parameters throw lrs::invalid_argument naming the parameter, value and allowed range.
  try {
    (void)lrs::with_warmup(lrs::cosine_decay(3e-2, 1900), -5);
  } catch (const lrs::invalid_argument& e) {
    std::printf("error: %s\n", e.what());
  }
  return lrs::tensor_blob(straight) == lrs::tensor_blob(resumed) ? 0 : 1;
}
