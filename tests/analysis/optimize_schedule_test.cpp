// SPDX-License-Identifier: MIT
// The best schedule under a law: final losses, their gradients, the optimiser, the closed form.
#include <lrs/analysis/optimize_schedule.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <lrs/analysis/choose_schedule.hpp>
#include <lrs/io/parse_schedule.hpp>

#include "catch.hpp"

namespace {

using lrs::mpl_convention;

// The Multi-Power Law authors' published parameters (their code's convention).
lrs::multi_power_law published(const std::string& size,
                               mpl_convention conv = mpl_convention::code) {
  if (size == "25M")
    return {3.04045406, 0.52468604, 0.50786857, 363.78751622,
            2.06560812, 0.58279013, 0.64142257, conv};
  if (size == "100M")
    return {2.6514477,  0.60115152, 0.45295811, 437.9464276,
            2.13245612, 0.59785199, 0.65523644, conv};
  return {2.37474466, 0.65421216, 0.42878731, 523.42464371,
          2.02462735, 0.59350493, 0.63472457, conv};
}

constexpr double peak = 3e-4, end_lr = 3e-5;
constexpr int W = 2160, T = 24000;

// The runs' schedules, rebuilt per step as in the data README (and mpl_final_loss.py).
std::vector<double> run_schedule(const std::string& name) {
  std::vector<double> lr(T, peak);
  for (int t = 0; t < W; ++t) lr[std::size_t(t)] = peak * t / (W - 1.0);
  const double pi = 3.14159265358979323846;
  for (int t = W; t < T; ++t) {
    double& v = lr[std::size_t(t)];
    if (name == "cosine")
      v = end_lr + 0.5 * (peak - end_lr) * (1 + std::cos(pi * (t - W) / (T - W)));
    if (name == "wsd_geometric" && t >= 20000)
      v = std::pow(peak, (24000.0 - t) / 4000) * std::pow(end_lr, (t - 20000.0) / 4000);
    if (name == "wsd_linear" && t >= 20000) {
      const double f = (t - 20000.0) / 4000;
      v = peak * (1 - f) + end_lr * f;
    }
  }
  return lr;
}

// tests/data/multi_power_law/mpl_final_loss.csv (NumPy): "size,schedule,convention" -> loss.
std::map<std::string, double> numpy_final_losses() {
  std::ifstream in(std::string(LRS_TEST_DATA_DIR) + "/multi_power_law/mpl_final_loss.csv");
  REQUIRE(in);
  std::map<std::string, double> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto c = line.rfind(',');
    out[line.substr(0, c)] = std::stod(line.substr(c + 1));
  }
  REQUIRE(out.size() == 24);
  return out;
}

lrs::optimize_options mpl_options() {
  lrs::optimize_options o;
  o.warmup_steps = W;
  return o;
}

// Central differences of `f` at every index in `at`, against `grad`.
template <class F>
void check_gradient(F&& f, std::vector<double> lr, const std::vector<double>& grad,
                    const std::vector<std::size_t>& at) {
  for (const std::size_t j : at) {
    const double h = 1e-4 * lr[j];
    const double v = lr[j];
    lr[j] = v + h;
    const double up = f(lr);
    lr[j] = v - h;
    const double down = f(lr);
    lr[j] = v;
    const double fd = (up - down) / (2 * h);
    INFO("step " << j << ": analytic " << grad[j] << ", central difference " << fd);
    CHECK(std::abs(grad[j] - fd) <= 1e-6 * std::abs(fd) + 1e-9);
  }
}

}  // namespace

TEST_CASE("MPL final loss of the published runs equals NumPy's", "[analysis][optimize]") {
  const auto expected = numpy_final_losses();
  for (const std::string size : {"25M", "100M", "400M"})
    for (const std::string name : {"cosine", "wsd_geometric", "wsd_linear", "constant"})
      for (const auto conv : {mpl_convention::code, mpl_convention::paper}) {
        const std::string key = size + "," + name + "," + lrs::name_of(conv);
        INFO(key);
        CHECK_THAT(lrs::mpl_final_loss(published(size, conv), run_schedule(name), W),
                   WithinRel(expected.at(key), 1e-11));
      }
  // The numbers papers.md section 8 quotes for the fixed schedules (code convention).
  CHECK_THAT(expected.at("400M,wsd_geometric,code"), WithinAbs(2.6998, 5e-5));
  CHECK_THAT(expected.at("400M,cosine,code"), WithinAbs(2.7571, 5e-5));
  CHECK_THAT(expected.at("100M,wsd_geometric,code"), WithinAbs(2.9352, 5e-5));
  CHECK_THAT(expected.at("100M,cosine,code"), WithinAbs(2.9900, 5e-5));
  CHECK_THAT(expected.at("25M,wsd_geometric,code"), WithinAbs(3.2663, 5e-5));
  CHECK_THAT(expected.at("25M,cosine,code"), WithinAbs(3.3152, 5e-5));
}

TEST_CASE("final-loss gradients equal central differences", "[analysis][optimize]") {
  // A short run with a warm-up, a plateau, a cosine decay and a step: every kind of term.
  std::vector<double> lr(400);
  for (std::size_t t = 0; t < lr.size(); ++t) {
    lr[t] = t < 40 ? peak * (t + 1) / 40.0 : peak;
    if (t >= 200) lr[t] = peak * (0.55 + 0.45 * std::cos(3.14159265358979 * (t - 200) / 200.0));
    if (t >= 350) lr[t] *= 0.5;
  }
  const std::vector<std::size_t> at = {0, 1, 39, 40, 41, 100, 200, 201, 300, 349, 350, 398, 399};
  SECTION("MPL, both conventions") {
    for (const auto conv : {mpl_convention::code, mpl_convention::paper}) {
      const auto p = published("400M", conv);
      std::vector<double> grad;
      const double f = lrs::mpl_final_loss_gradient(p, lr, 40, grad);
      CHECK(f == lrs::mpl_final_loss(p, lr, 40));
      check_gradient([&](const std::vector<double>& x) { return lrs::mpl_final_loss(p, x, 40); },
                     lr, grad, at);
    }
  }
  SECTION("momentum law, warm-up at the peak and as recorded") {
    const lrs::annealing_law law(2.6, 0.43, 0.55, 0.41);
    for (const auto rule : {lrs::warmup_convention::at_peak, lrs::warmup_convention::as_recorded})
      for (const double lambda : {0.999, 0.9, 1.0}) {
        lrs::area_options o;
        o.lambda = lambda;
        o.warmup = rule;
        o.warmup_steps = rule == lrs::warmup_convention::at_peak ? 39 : -1;
        std::vector<double> grad;
        const double f = lrs::annealing_final_loss_gradient(law, lr, o, grad);
        const auto direct = [&](const std::vector<double>& x) {
          const auto a = lrs::compute_final_areas(x, o);
          return law(a.first, a.second);
        };
        CHECK_THAT(f, WithinRel(direct(lr), 1e-13));
        // Under at_peak, steps 0..38 copy step 39: their own gradient is 0.
        check_gradient(direct, lr, grad, {39, 40, 41, 100, 200, 201, 300, 349, 350, 398, 399});
        if (rule == lrs::warmup_convention::at_peak) CHECK(grad[0] == 0.0);
      }
  }
}

TEST_CASE("optimised schedules under the published MPL beat the authors'",
          "[analysis][optimize][mpl]") {
  // Paper section 6.1 (code convention): the authors' optimised schedule (printed to 4 digits),
  // WSD with a 4000-step geometric decay, cosine; the last two from NumPy. At 25M the default
  // tolerance stops at 3.258012, the authors' 3.2580 at the digits printed.
  const auto expected = numpy_final_losses();
  struct row {
    const char* size;
    double authors;
    double slack;
  };
  for (const row r :
       {row{"400M", 2.6891, 0.0}, row{"100M", 2.9247, 0.0}, row{"25M", 3.2580, 5e-5}}) {
    INFO(r.size);
    const auto p = published(r.size);
    const auto o = lrs::optimize_schedule(p, T, peak, mpl_options());
    REQUIRE(o.lr.size() == std::size_t(T));
    CHECK(o.final_loss <= r.authors + r.slack);
    CHECK(o.final_loss < expected.at(std::string(r.size) + ",wsd_geometric,code"));
    CHECK(o.final_loss < expected.at(std::string(r.size) + ",cosine,code"));
    CHECK(o.final_loss < o.constant_final_loss);
    // The reported loss is the loss of the reported LRs.
    CHECK_THAT(lrs::mpl_final_loss(p, o.lr, W), WithinRel(o.final_loss, 1e-12));
    // The warm-up is kept; after it the LRs do not rise and stay in [floor, peak].
    for (int t = 0; t < W; ++t)
      CHECK(o.lr[std::size_t(t)] == run_schedule("constant")[std::size_t(t)]);
    bool monotone = true;
    for (int t = W; t < T; ++t) {
      monotone = monotone && o.lr[std::size_t(t)] <= (t == W ? peak : o.lr[std::size_t(t) - 1]);
      monotone = monotone && o.lr[std::size_t(t)] >= 1e-6 * peak;
    }
    CHECK(monotone);
    // WSD-like: flat for most of the run, a decay over roughly the last tenth (paper: 1.5).
    const auto& cf = o.closed_form;
    CHECK(cf.decay_fraction > 0.05);
    CHECK(cf.decay_fraction < 0.2);
    CHECK(cf.power > 1.0);
    CHECK(cf.power < 2.5);
    CHECK(cf.final_loss < expected.at(std::string(r.size) + ",wsd_geometric,code"));
    CHECK_THAT(lrs::mpl_final_loss(p, cf.lr, W), WithinRel(cf.final_loss, 1e-12));
  }
}

TEST_CASE("the closed form's spec builds its LRs", "[analysis][optimize]") {
  const auto o = lrs::optimize_schedule(published("400M"), T, peak, mpl_options());
  const auto& cf = o.closed_form;
  REQUIRE(!cf.spec.empty());
  const auto s = lrs::parse_schedule(cf.spec);
  for (int t = 0; t < T; ++t) {
    INFO("step " << t << " of " << cf.spec);
    REQUIRE_THAT(s(t), WithinRel(cf.lr[std::size_t(t)], 1e-12));
  }
  // The per-step schedule.
  const auto sched = o.schedule();
  CHECK(sched(0) == o.lr[0]);
  CHECK(sched(T - 1) == o.lr.back());
  CHECK(sched(T + 5) == o.lr.back());
}

TEST_CASE("the optimised schedule beats every WSD and cosine under a momentum law",
          "[analysis][optimize][momentum]") {
  // The authors' example data fitted by SciPy (tests/data/scaling_law/authors_fit_scipy.csv).
  const lrs::annealing_law law(2.6277947500862919, 0.42966732917561273, 0.54984394676470938,
                               0.41077147803665665);
  for (const double lambda : {0.999, 0.99})
    for (const lrs::step_t w : {0, 100}) {
      INFO("lambda " << lambda << ", warm-up " << w);
      lrs::area_options areas;
      areas.lambda = lambda;
      lrs::optimize_options opt;
      opt.warmup_steps = w;
      const lrs::step_t steps = 4000;
      const auto o = lrs::optimize_schedule(law, steps, 2e-4, areas, opt);
      const auto a = lrs::compute_final_areas(o.lr, areas);
      CHECK_THAT(law(a.first, a.second), WithinRel(o.final_loss, 1e-12));
      lrs::family_setup fs;
      fs.steps = steps;
      fs.peak_lr = 2e-4;
      fs.warmup_steps = w;
      lrs::choose_options co;
      co.areas = areas;
      for (const auto f : {lrs::schedule_family::wsd_decay_fraction,
                           lrs::schedule_family::cosine_floor, lrs::schedule_family::rex_shape}) {
        const auto c = lrs::choose_schedule(law, f, fs, co);
        for (const double v : c.grid_final_loss) CHECK(o.final_loss <= v);
        CHECK(o.final_loss <= c.final_loss);
      }
    }
}

TEST_CASE("optimize_schedule validates its input", "[analysis][optimize]") {
  const auto p = published("400M");
  const auto msg = [](auto&& f) {
    try {
      f();
    } catch (const lrs::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  lrs::optimize_options o;
  CHECK(msg([&] { (void)lrs::optimize_schedule(p, 1, peak, o); }) ==
        "lrs::optimize_schedule: steps must be >= 2, got 1");
  CHECK(msg([&] { (void)lrs::optimize_schedule(p, 100, 0.0, o); }) ==
        "lrs::optimize_schedule: peak must be > 0, got 0");
  o.min_lr = 2 * peak;
  CHECK(msg([&] { (void)lrs::optimize_schedule(p, 100, peak, o); }) ==
        "lrs::optimize_schedule: min_lr must be in [0, 0.0003], got 0.0006");
  o = {};
  o.warmup_steps = 100;
  CHECK(msg([&] { (void)lrs::optimize_schedule(p, 100, peak, o); }) ==
        "lrs::optimize_schedule: warmup_steps must be in [0, steps), got 100");
  o = {};
  o.warmup = {0.0, -1.0};
  CHECK(msg([&] { (void)lrs::optimize_schedule(p, 100, peak, o); }) ==
        "lrs::optimize_schedule: warmup[1] must be finite and >= 0, got -1");
  CHECK(msg([&] {
          (void)lrs::optimize_schedule(lrs::multi_power_law(2, 1, 0.4, 1, 1, -0.5, 0.5), 100, peak);
        }) == "lrs::multi_power_law: beta must be >= 0, got -0.5");
  CHECK(msg([&] {
          (void)lrs::mpl_final_loss(p, {0.0, 0.0});
        }) == "lrs::mpl_final_loss: lr must be a sequence with a positive sum, got 0");
}

TEST_CASE("an explicit warm-up and a floor", "[analysis][optimize]") {
  lrs::optimize_options o;
  o.warmup = {1e-5, 5e-5, 1e-4};
  o.min_lr = 1e-5;
  const auto r = lrs::optimize_schedule(published("25M"), 3000, 1e-4, o);
  CHECK(r.lr[0] == 1e-5);
  CHECK(r.lr[2] == 1e-4);
  for (std::size_t t = 3; t < r.lr.size(); ++t) {
    CHECK(r.lr[t] <= r.lr[t - 1]);
    CHECK(r.lr[t] >= 1e-5);
  }
  CHECK(r.final_loss < r.constant_final_loss);
  CHECK(r.closed_form.spec.empty());  // an explicit warm-up: parameters only
  CHECK(r.closed_form.decay_steps >= 1);
}
