// SPDX-License-Identifier: MIT
// Tests of the demo's shared code (examples/common): PRNG, IDX parsing, synthetic data, MLP
// gradients, progress bar, the budget schedules and the determinism of the budget sweep.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "../examples/common/sweep.hpp"
#include "catch.hpp"

// A namespace of its own: its using-directives and helpers stay out of the other test files
// when several are compiled as one unit.
namespace budget_sweep_test {

using namespace lrs_example;

TEST_CASE("rng: splitmix64 reference values", "[example][rng]") {
  rng r(0);  // reference output of splitmix64 seeded with 0
  CHECK(r.next() == 0xE220A8397B1DCDAFull);
  CHECK(r.next() == 0x6E789E6AA1B965F4ull);
  rng a(7), b(7);
  std::vector<int> v(50), w(50);
  for (int i = 0; i < 50; ++i) v[static_cast<std::size_t>(i)] = w[static_cast<std::size_t>(i)] = i;
  a.shuffle(v);
  b.shuffle(w);
  CHECK(v == w);
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 50; ++i) CHECK(sorted[static_cast<std::size_t>(i)] == i);  // a permutation
}

namespace {

void put32(std::vector<unsigned char>& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<unsigned char>(v >> s));
}

// Two 2x3 images and their labels in IDX format.
std::vector<unsigned char> idx_images() {
  std::vector<unsigned char> b;
  put32(b, 0x803);
  put32(b, 2);
  put32(b, 2);
  put32(b, 3);
  for (unsigned char p : {0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 0}) b.push_back(p);
  return b;
}
std::vector<unsigned char> idx_labels(unsigned char second = 9) {
  std::vector<unsigned char> b;
  put32(b, 0x801);
  put32(b, 2);
  b.push_back(3);
  b.push_back(second);
  return b;
}

}  // namespace

TEST_CASE("parse_idx reads IDX images and labels", "[example][data]") {
  const dataset d = parse_idx(idx_images(), idx_labels(), "img", "lbl");
  REQUIRE(d.size() == 2);
  REQUIRE(d.features() == 6);
  CHECK(d.labels == std::vector<int>{3, 9});
  CHECK_THAT(d.images(1, 0), WithinAbs(0.2, 1e-7));  // 51 / 255
  CHECK_THAT(d.images(5, 0), WithinAbs(1.0, 1e-7));
  CHECK_THAT(d.images(0, 1), WithinAbs(1.0, 1e-7));
  CHECK(d.images(1, 1) == 0.0f);
}

TEST_CASE("parse_idx names the file and the problem", "[example][data][error]") {
  auto bad_magic = idx_images();
  bad_magic[3] = 0x01;
  CHECK_THROWS_WITH(parse_idx(bad_magic, idx_labels(), "img", "lbl"),
                    "img: not an IDX image file (magic 0x00000801, expected 0x00000803)");
  CHECK_THROWS_WITH(parse_idx(idx_images(), idx_images(), "img", "lbl"),
                    "lbl: not an IDX label file (magic 0x00000803, expected 0x00000801)");
  auto truncated = idx_images();
  truncated.pop_back();
  CHECK_THROWS_WITH(parse_idx(truncated, idx_labels(), "img", "lbl"),
                    "img: 27 bytes, header says 28 (2 images of 2x3)");
  CHECK_THROWS_WITH(parse_idx(idx_images(), idx_labels(10), "img", "lbl"),
                    "lbl: label 10 of example 1 is not in [0, 10)");
  CHECK_THROWS_WITH(parse_idx({1, 2}, idx_labels(), "img", "lbl"),
                    "img: too short for an IDX image header (2 bytes)");
  auto three = idx_labels();
  three[7] = 3;
  three.push_back(1);
  CHECK_THROWS_WITH(parse_idx(idx_images(), three, "img", "lbl"),
                    "lbl: 3 labels but img has 2 images");
}

TEST_CASE("synthetic task: deterministic, in range, every class", "[example][data]") {
  const auto a = synthetic_classification(150, 50, 5);
  const auto b = synthetic_classification(150, 50, 5);
  const auto c = synthetic_classification(150, 50, 6);
  CHECK(a.synthetic);
  CHECK(a.train.size() == 150);
  CHECK(a.test.size() == 50);
  CHECK(a.train.features() == 784);
  CHECK(a.train.images == b.train.images);
  CHECK(a.test.labels == b.test.labels);
  CHECK(a.train.images != c.train.images);
  CHECK(a.train.images.minCoeff() >= 0.0f);
  CHECK(a.train.images.maxCoeff() <= 1.0f);
  std::vector<int> seen(10, 0);
  for (int y : a.train.labels) ++seen.at(static_cast<std::size_t>(y));
  for (int n : seen) CHECK(n > 5);
}

TEST_CASE("mlp: loss and accuracy by hand", "[example][mlp]") {
  basic_mlp<double> net(2, 2, 2);
  // W1 = I, b1 = 0, W2 = I, b2 = 0: logits = relu(x).
  Eigen::VectorXd p(net.num_params());
  p << 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0;
  Eigen::MatrixXd x(2, 2);
  x << 1, 0, 0, 1;
  const int labels[2] = {0, 1};
  const auto e = net.evaluate(p, x, labels);
  CHECK(e.accuracy == 1.0);
  CHECK_THAT(e.loss, WithinRel(0.31326168751822286, 1e-12));  // log(1 + e^-1)

  basic_mlp<double> net3(4, 5, 3);
  Eigen::VectorXd zero = Eigen::VectorXd::Zero(net3.num_params());
  Eigen::MatrixXd x3 = Eigen::MatrixXd::Ones(4, 4);
  const int y3[4] = {0, 0, 1, 2};
  Eigen::VectorXd g;
  CHECK_THAT(net3.loss_and_gradient(zero, x3, y3, g), WithinRel(1.0986122886681098, 1e-12));
  // db2 = mean(softmax - onehot) = 1/3 - (2/4, 1/4, 1/4)
  const Eigen::Index b2 = net3.num_params() - 3;
  CHECK_THAT(g(b2), WithinAbs(1.0 / 3 - 0.5, 1e-12));
  CHECK_THAT(g(b2 + 1), WithinAbs(1.0 / 3 - 0.25, 1e-12));
  CHECK_THAT(g(b2 + 2), WithinAbs(1.0 / 3 - 0.25, 1e-12));
}

TEST_CASE("mlp: gradient matches central finite differences", "[example][mlp]") {
  basic_mlp<double> net(5, 4, 3);
  Eigen::VectorXd p = net.initial_params(11);
  rng r(3);
  for (Eigen::Index i = 0; i < p.size(); ++i) p(i) += 0.1 * r.normal();  // non-zero biases too
  Eigen::MatrixXd x(5, 6);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = r.normal();
  const int y[6] = {0, 1, 2, 2, 1, 0};
  Eigen::VectorXd g, scratch;
  net.loss_and_gradient(p, x, y, g);
  REQUIRE(g.size() == net.num_params());
  const double h = 1e-6;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    Eigen::VectorXd up = p, down = p;
    up(i) += h;
    down(i) -= h;
    const double fd =
        (net.loss_and_gradient(up, x, y, scratch) - net.loss_and_gradient(down, x, y, scratch)) /
        (2 * h);
    CHECK_THAT(g(i), WithinAbs(fd, 1e-7));
  }
}

TEST_CASE("mlp: bad shapes are rejected", "[example][mlp][error]") {
  CHECK_THROWS_WITH(mlp(784, 0, 10), "mlp: hidden must be >= 1, got 0");
  mlp net(3, 2, 2);
  Eigen::VectorXf p = net.initial_params(1), g;
  const int y[1] = {0};
  CHECK_THROWS_WITH(net.loss_and_gradient(p, Eigen::MatrixXf::Zero(4, 1), y, g),
                    "mlp: batch has 4 rows, expected 3");
  CHECK_THROWS_WITH(
      net.loss_and_gradient(Eigen::VectorXf::Zero(3), Eigen::MatrixXf::Zero(3, 1), y, g),
      "mlp: params has size 3, expected 14");
}

TEST_CASE("progress: bar text, quiet, durations", "[example][progress]") {
  CHECK(format_duration(75) == "1:15");
  CHECK(format_duration(3725) == "1:02:05");
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  {
    progress bar(4, "runs", false, f);
    bar.advance(2);
    CHECK(bar.line().rfind("[############............]   2/4 runs  elapsed 0:00", 0) == 0);
  }
  CHECK(std::ftell(f) > 0);  // not a terminal: one line per update
  {
    progress bar(4, "runs", true, f);
    bar.set_total_work(100);
    bar.advance(1, 75);  // one long run done: the bar follows the work, 3/4 of 24
    CHECK(bar.line().rfind("[##################......]   1/4 runs", 0) == 0);
  }
  std::FILE* q = std::tmpfile();
  REQUIRE(q != nullptr);
  {
    progress bar(4, "runs", true, q);
    bar.advance(4);
    CHECK(bar.done() == 4);
  }
  CHECK(std::ftell(q) == 0);
  std::fclose(f);
  std::fclose(q);
}

TEST_CASE("budget schedules: rescaled profiles against the REX paper's vectors",
          "[example][schedule]") {
  // REX (d = 1/2), T = 10, peak 1: papers.md, pytorch_optimizer semantics.
  const double rex[] = {1,
                        0.9473684211,
                        0.8888888889,
                        0.8235294118,
                        0.75,
                        0.6666666667,
                        0.5714285714,
                        0.4615384615,
                        0.3333333333,
                        0.1818181818,
                        0};
  const auto s = make_budget_schedule("rex", 1.0, 10);
  for (int t = 0; t <= 10; ++t) CHECK_THAT(s(t), WithinAbs(rex[t], 1e-10));
  // OneCycleLR(max_lr=1, total_steps=100) from PyTorch.
  const auto oc = make_budget_schedule("onecycle", 1.0, 100);
  const std::pair<int, double> one_cycle[] = {{0, 0.04},
                                              {1, 0.042813780565907456},
                                              {14, 0.49401332387899954},
                                              {29, 1.0},
                                              {30, 0.9994965352845243},
                                              {50, 0.793893450575732},
                                              {64, 0.500002},
                                              {99, 4e-06}};
  for (const auto& [t, v] : one_cycle) CHECK_THAT(oc(t), WithinRel(v, 1e-9));
  // Profiles at p = 0.25 and 0.9 (papers.md table), peak 0.1, T = 1000.
  const auto at = [](const char* n, int t) { return make_budget_schedule(n, 0.1, 1000)(t); };
  CHECK_THAT(at("linear", 250), WithinRel(0.075, 1e-12));
  CHECK_THAT(at("cosine", 250), WithinRel(0.08535533906, 1e-9));
  CHECK_THAT(at("exponential", 900), WithinRel(0.002732372245, 1e-9));
  CHECK_THAT(at("rex", 900), WithinRel(0.01818181818, 1e-9));
  CHECK(at("constant", 999) == 0.1);
  // 30-60-90 step and WSD (decay over the last 20 %).
  const auto step = make_budget_schedule("step", 1.0, 100);
  CHECK(step(29) == 1.0);
  CHECK_THAT(step(30), WithinRel(0.1, 1e-12));
  CHECK_THAT(step(60), WithinRel(0.01, 1e-12));
  CHECK_THAT(step(90), WithinRel(0.001, 1e-12));
  const auto wsd = make_budget_schedule("wsd", 1.0, 100);
  CHECK_THAT(wsd(80), WithinRel(1.0, 1e-12));
  CHECK_THAT(wsd(90), WithinRel(0.5, 1e-12));
  CHECK_THAT(wsd(99), WithinRel(0.05, 1e-12));
  // Any other name is a spec for the library's parser, with peak and budget from the sweep.
  const auto spec = make_budget_schedule("wsd(decay=0.5, shape='1-sqrt')", 2.0, 100);
  CHECK(spec(49) == 2.0);
  CHECK_THAT(spec(75), WithinRel(2.0 * (1 - std::sqrt(0.5)), 1e-12));  // u = (0.75 - 0.5) / 0.5
  const auto torch = make_budget_schedule("CosineAnnealingLR(T_max=10)", 1.0, 100);
  CHECK_THAT(torch(5), WithinAbs(0.5, 1e-12));  // (1 + cos(pi / 2)) / 2
  CHECK_THROWS_AS(make_budget_schedule("sqrt", 1.0, 10), std::invalid_argument);
}

TEST_CASE("the --schedules list splits at semicolons and at top-level commas",
          "[example][schedule]") {
  CHECK(split_schedule_list({"rex;wsd(decay=0.1, shape='1-sqrt');cosine(min_lr=1e-4)"}) ==
        std::vector<std::string>{"rex", "wsd(decay=0.1, shape='1-sqrt')", "cosine(min_lr=1e-4)"});
  CHECK(split_schedule_list({"linear,onecycle", " step ; x(a=[1, 2], b=';')"}) ==
        std::vector<std::string>{"linear", "onecycle", "step", "x(a=[1, 2], b=';')"});
  CHECK(split_schedule_list({"a;;b"}) ==
        std::vector<std::string>{"a", "", "b"});  // validated later
}

namespace {

sweep_options tiny_options() {
  sweep_options o;
  o.epochs = 1;
  o.hidden = 8;
  o.batch = 32;
  o.budgets = {50, 100};
  o.schedules = {"constant", "linear", "rex"};
  o.seed = 3;
  o.threads = 1;
  return o;
}

}  // namespace

TEST_CASE("budget sweep: same options and seed give the same numbers", "[example][sweep]") {
  const auto data = synthetic_classification(512, 128, 9, 10);  // 10x10 images: fast
  auto o = tiny_options();
  const auto a = run_sweep(data, o);
  const auto b = run_sweep(data, o);
  o.threads = 2;
  const auto c = run_sweep(data, o);
  REQUIRE(a.size() == 6);
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].schedule == o.schedules[i / 2]);
    CHECK(a[i].budget == o.budgets[i % 2]);
    CHECK(a[i].metrics.test_accuracy == b[i].metrics.test_accuracy);
    CHECK(a[i].metrics.train_loss == b[i].metrics.train_loss);
    CHECK(a[i].loss == b[i].loss);
    CHECK(a[i].lr == b[i].lr);
    CHECK(a[i].loss == c[i].loss);  // thread count does not matter
    CHECK(a[i].metrics.test_accuracy == c[i].metrics.test_accuracy);
  }
  // 512 / 32 = 16 steps per epoch: 8 steps at 50 %, 16 at 100 %.
  CHECK(a[0].steps == 8);
  CHECK(a[1].steps == 16);
  // Rescaled to the budget: linear is at half its peak halfway through each run.
  CHECK_THAT(a[2].lr[4], WithinRel(0.025, 1e-12));
  CHECK_THAT(a[3].lr[8], WithinRel(0.025, 1e-12));
  // Same initialisation and data order: constant LR at 50 % is a prefix of constant at 100 %.
  for (std::size_t t = 0; t < 8; ++t) CHECK(a[0].loss[t] == a[1].loss[t]);
  // Every run starts from the same loss.
  for (const auto& r : a) CHECK(r.loss[0] == a[0].loss[0]);
  // A different seed changes the numbers.
  o.seed = 4;
  CHECK(run_sweep(data, o)[1].loss != a[1].loss);
}

TEST_CASE("budget sweep: training reduces the loss", "[example][sweep]") {
  const auto data = synthetic_classification(1024, 256, 2, 10);
  auto o = tiny_options();
  o.hidden = 64;
  o.epochs = 2;
  o.peak_lr = 0.2;
  o.budgets = {100};
  o.schedules = {"cosine"};
  const auto r = run_sweep(data, o).at(0);
  CHECK(r.steps == 64);
  CHECK(r.metrics.train_loss < 0.7 * r.loss[0]);  // from about 2.4 (chance is log 10 = 2.3)
  CHECK(r.metrics.test_accuracy > 0.3);           // chance is 0.1
}

TEST_CASE("budget sweep: training with Adam reduces the loss", "[example][sweep]") {
  const auto data = synthetic_classification(1024, 256, 2, 10);
  auto o = tiny_options();
  o.hidden = 64;
  o.epochs = 2;
  o.peak_lr = 0.02;
  o.optimizer = "adam";
  o.budgets = {100};
  o.schedules = {"cosine"};
  const auto a = run_sweep(data, o).at(0);
  CHECK(a.metrics.train_loss < 0.7 * a.loss[0]);
  CHECK(a.metrics.test_accuracy > 0.3);
  CHECK(a.loss[1] != a.loss[0]);
}

}  // namespace budget_sweep_test
