// SPDX-License-Identifier: MIT
// Tests of the AutoLRS controller: tau schedule, LR choice on a quadratic, state save/load.
#include <lrs/controllers/autolrs.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "catch.hpp"

namespace {

// Noisy gradient descent on f(w) = h |w|^2 / (2 d) from w = 1: w <- w - lr (h w + sigma xi),
// xi ~ N(0, 1). The loss reported for a step is f before the update. Its expected value after t
// steps is h/2 [rho^t + lr^2 sigma^2 (1 - rho^t) / (1 - rho)], rho = (1 - lr h)^2: an exponential
// a e^{bt} + c, so the forecaster's model is exact up to noise, and the best constant LR for tau
// steps is known from this formula.
struct noisy_trainer : lrs::autolrs_trainer {
  noisy_trainer(int dim, double curvature, double noise)
      : h(curvature), sigma(noise), w(static_cast<std::size_t>(dim), 1.0) {}
  double h, sigma;
  std::vector<double> w, saved_w;
  lrs::detail::splitmix64 rng{7}, saved_rng{7};
  int saves = 0, restores = 0;
  std::vector<lrs::step_t> train_calls;

  double gauss() {
    const double u1 = rng.uniform(), u2 = rng.uniform();
    return std::sqrt(-2 * std::log(1 - u1)) * std::cos(6.283185307179586 * u2);
  }
  double loss() const {
    double s = 0;
    for (double v : w) s += v * v;
    return 0.5 * h * s / static_cast<double>(w.size());
  }
  void save_checkpoint() override {
    ++saves;
    saved_w = w;
    saved_rng = rng;
  }
  void restore_checkpoint() override {
    ++restores;
    w = saved_w;
    rng = saved_rng;
  }
  std::vector<double> train(lrs::step_t n, double lr) override {
    train_calls.push_back(n);
    std::vector<double> out;
    for (lrs::step_t t = 0; t < n; ++t) {
      out.push_back(loss());
      for (double& v : w) v -= lr * (h * v + sigma * gauss());
    }
    return out;
  }
};

double expected_loss(double lr, double h, double sigma, double tau) {
  const double rho = (1 - lr * h) * (1 - lr * h);
  return 0.5 * h *
         (std::pow(rho, tau) + lr * lr * sigma * sigma * (1 - std::pow(rho, tau)) / (1 - rho));
}

// The quadratic trainer with a validation loss (the noise-free loss, offset) that counts calls.
struct validating_trainer : noisy_trainer {
  using noisy_trainer::noisy_trainer;
  double offset = 0;
  int validations = 0;
  bool has_validation() const override { return true; }
  double validation_loss() override {
    ++validations;
    return loss() + offset;
  }
};

lrs::autolrs_options small_options(std::uint64_t seed = 0) {
  lrs::autolrs_options o;
  o.min_lr = 1e-3;
  o.max_lr = 1.0;
  o.tau = 200;
  o.tau_max = 200;
  o.candidates = 10;
  o.seed = seed;
  return o;
}

}  // namespace

TEST_CASE("autolrs tau schedule follows the authors' doubling", "[controller][autolrs]") {
  lrs::autolrs_options o;  // tau = 1000, tau' = 100, tau_max = 8000
  const auto plan = lrs::autolrs_tau_schedule(o, 7);
  const std::vector<std::array<long, 3>> expected{{100, 1000, 0}, {200, 2000, 0}, {400, 4000, 0},
                                                  {800, 8000, 0}, {800, 8000, 1}, {800, 8000, 1},
                                                  {800, 8000, 1}};
  REQUIRE(plan.size() == expected.size());
  for (std::size_t i = 0; i < plan.size(); ++i) {
    CHECK(plan[i].tau_prime == expected[i][0]);
    CHECK(plan[i].tau == expected[i][1]);
    CHECK(plan[i].validation == (expected[i][2] == 1));
  }
  const auto no_val = lrs::autolrs_tau_schedule(o, 6, false);
  CHECK(no_val.back().tau == 8000);
  CHECK_FALSE(no_val.back().validation);
}

TEST_CASE("autolrs controller runs the tau schedule and counts its steps",
          "[controller][autolrs]") {
  lrs::autolrs_options o;
  o.min_lr = 1e-3;
  o.max_lr = 0.5;
  o.tau = 160;  // tau' = 16
  o.tau_max = 640;
  o.candidates = 3;
  validating_trainer tr(4, 1.0, 0.01);
  lrs::autolrs ctl(o);
  const auto plan = lrs::autolrs_tau_schedule(o, 5);
  // Hand count: stages (16,160), (32,320), (64,640), then validation (64,640) twice.
  CHECK(plan[2].tau == 640);
  CHECK(plan[3].validation);
  lrs::step_t kept = 0, total = 0;
  for (int s = 0; s < 5; ++s) {
    const std::size_t calls_before = tr.train_calls.size();
    const int val_before = tr.validations;
    for (int c = 0; c < 3; ++c) CHECK_FALSE(ctl.step(tr));
    CHECK(ctl.step(tr));
    const auto& h = ctl.history().back();
    CHECK(h.tau == plan[static_cast<std::size_t>(s)].tau);
    CHECK(h.tau_prime == plan[static_cast<std::size_t>(s)].tau_prime);
    CHECK(h.validation == plan[static_cast<std::size_t>(s)].validation);
    CHECK(h.lrs.size() == 3);
    CHECK(std::find(h.lrs.begin(), h.lrs.end(), h.lr) != h.lrs.end());
    for (double lr : h.lrs) {
      CHECK(lr >= o.min_lr * (1 - 1e-12));
      CHECK(lr <= o.max_lr * (1 + 1e-12));
    }
    const std::vector<lrs::step_t> calls(
        tr.train_calls.begin() + static_cast<std::ptrdiff_t>(calls_before), tr.train_calls.end());
    if (!h.validation) {
      // k calls of tau' steps, then tau steps.
      CHECK(calls == std::vector<lrs::step_t>{h.tau_prime, h.tau_prime, h.tau_prime, h.tau});
      CHECK(tr.validations == val_before);
      total += 3 * h.tau_prime + h.tau;
    } else {
      // tau' / 16 = 4 steps between 16 validation samples, per candidate.
      CHECK(calls.size() == 3 * 16 + 1);
      CHECK(calls.front() == 4);
      CHECK(calls.back() == h.tau);
      CHECK(tr.validations == val_before + 3 * 16);
      total += 3 * 64 + h.tau;
    }
    kept += h.tau;
  }
  CHECK(tr.saves == 5);
  CHECK(tr.restores == 5 * 3);  // k - 1 before candidates, 1 before exploitation
  CHECK(ctl.kept_steps() == kept);
  CHECK(ctl.total_steps() == total);
  CHECK(kept == 160 + 320 + 640 + 640 + 640);
}

TEST_CASE("autolrs in validation mode keeps the last sample when it exceeds the first loss",
          "[controller][autolrs]") {
  lrs::autolrs_options o = small_options();
  o.min_lr = 1e-3;
  o.max_lr = 1e-2;  // slow enough that the losses stay well above rounding
  o.tau = 160;
  o.tau_max = 160;  // validation from the second stage
  o.candidates = 2;
  validating_trainer tr(4, 1.0, 0.0);
  tr.offset = 10.0;  // every validation loss >= the first training loss (0.5)
  lrs::autolrs ctl(o);
  for (int i = 0; i < 6; ++i) ctl.step(tr);
  REQUIRE(ctl.history().size() == 2);
  const auto& h = ctl.history()[1];
  REQUIRE(h.validation);
  // Noise-free descent from the stage checkpoint w0 (all coordinates equal): the last of 16
  // samples, taken 16 * 1 steps later, is h/2 w16^2 + 10 with w16 = w0 (1 - lr)^16.
  const double w0 = tr.saved_w[0];
  CHECK_THAT(w0, WithinRel(std::pow(1 - ctl.history()[0].lr, 160), 1e-12));
  for (std::size_t i = 0; i < h.lrs.size(); ++i) {
    const double w16 = w0 * std::pow(1 - h.lrs[i], 16);
    CHECK_THAT(h.forecasts[i], WithinRel(0.5 * w16 * w16 + 10.0, 1e-12));
  }
  CHECK(h.forecasts[0] != h.forecasts[1]);
}

TEST_CASE("autolrs picks an LR near the best one for a quadratic of known curvature",
          "[controller][autolrs]") {
  const double sigma = 0.1;
  const double curvature = GENERATE(1.0, 4.0);
  for (std::uint64_t seed = 0; seed < 2; ++seed) {
    noisy_trainer tr(64, curvature, sigma);
    lrs::autolrs ctl(small_options(seed));
    while (ctl.history().empty()) ctl.step(tr);
    const auto& h = ctl.history()[0];
    // Best constant LR for tau = 200 steps from the closed form, by a fine scan of the range.
    double best_lr = 0, best = std::numeric_limits<double>::infinity();
    for (int i = 0; i <= 3000; ++i) {
      const double lr = 1e-3 * std::pow(1e3, i / 3000.0);
      if (lr * curvature >= 2) break;
      const double e = expected_loss(lr, curvature, sigma, 200);
      if (e < best) {
        best = e;
        best_lr = lr;
      }
    }
    INFO("curvature " << curvature << " seed " << seed << " chosen " << h.lr << " best "
                      << best_lr);
    CHECK(h.lr > best_lr / 3);
    CHECK(h.lr < best_lr * 3);
    CHECK(expected_loss(h.lr, curvature, sigma, 200) < 3 * best);
  }
}

TEST_CASE("autolrs resumes mid-stage from its saved state", "[controller][autolrs][state]") {
  auto o = small_options(11);
  o.candidates = 6;  // a stage is 7 step() calls
  noisy_trainer tr_a(16, 1.0, 0.1);
  lrs::autolrs a(o);
  for (int i = 0; i < 7 + 7; ++i) a.step(tr_a);  // two stages uninterrupted

  noisy_trainer tr_b(16, 1.0, 0.1);
  lrs::autolrs b(o);
  for (int i = 0; i < 7 + 3; ++i) b.step(tr_b);  // stage 1, candidate 3 next
  const auto saved = b.state();
  noisy_trainer tr_c = tr_b;  // the trainer keeps its own stage checkpoint
  lrs::autolrs c(o);
  c.load_state(saved);
  CHECK(c.state() == saved);
  CHECK(c.stage() == 1);
  CHECK(c.candidate() == 3);
  for (int i = 0; i < 4; ++i) c.step(tr_c);

  REQUIRE(c.history().size() == 2);
  for (std::size_t s = 0; s < 2; ++s) {
    CHECK(c.history()[s].lrs == a.history()[s].lrs);
    CHECK(c.history()[s].forecasts == a.history()[s].forecasts);
    CHECK(c.history()[s].lr == a.history()[s].lr);
  }
  CHECK(c.state() == a.state());
  CHECK(tr_c.w == tr_a.w);
}

TEST_CASE("autolrs rejects a corrupt or mismatched state and keeps its own",
          "[controller][autolrs][state][error]") {
  const auto o = small_options(3);
  noisy_trainer tr(8, 1.0, 0.1);
  lrs::autolrs a(o);
  for (int i = 0; i < 14; ++i) a.step(tr);
  const auto good = a.state();
  lrs::autolrs b(o);
  b.step(tr);
  const auto before = b.state();
  auto corrupt = [&](const std::vector<unsigned char>& s) {
    CHECK_THROWS_AS(b.load_state(s), lrs::state_error);
    CHECK(b.state() == before);
  };
  corrupt({});
  corrupt(std::vector<unsigned char>(good.begin(), good.begin() + long(good.size() / 2)));
  auto longer = good;
  longer.push_back(0);
  corrupt(longer);
  auto flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  corrupt(flipped);
  lrs::autolrs_options other = o;
  other.max_lr = 2.0;
  lrs::autolrs c(other);
  CHECK_THROWS_WITH(c.load_state(good),
                    Catch::Matchers::Contains("lrs::autolrs: load_state: hyper-parameter 'max_lr' "
                                              "is 1 in the checkpoint, 2 here"));
  CHECK_NOTHROW(b.load_state(good));
  CHECK(b.state() == good);
}

TEST_CASE("autolrs scores diverging candidates 1e6 and never keeps them", "[controller][autolrs]") {
  // lr * h >= 2 diverges: with h = 4 every LR above 0.5 blows up to inf/NaN within tau' steps.
  struct diverging : noisy_trainer {
    using noisy_trainer::noisy_trainer;
    std::vector<double> train(lrs::step_t n, double lr) override {
      auto out = noisy_trainer::train(n, lr);
      if (lr > 0.5) out[static_cast<std::size_t>(n / 2)] = std::numeric_limits<double>::quiet_NaN();
      return out;
    }
  };
  diverging tr(8, 4.0, 0.1);
  auto o = small_options(5);
  o.max_lr = 10.0;
  lrs::autolrs ctl(o);
  while (ctl.history().empty()) ctl.step(tr);
  const auto& h = ctl.history()[0];
  bool saw_nan = false;
  for (std::size_t i = 0; i < h.lrs.size(); ++i)
    if (h.lrs[i] > 0.5) {
      CHECK(h.forecasts[i] == 1e6);
      saw_nan = true;
    }
  CHECK(saw_nan);
  CHECK(h.lr <= 0.5);
}

TEST_CASE("autolrs rejects bad options and a trainer that returns the wrong count",
          "[controller][autolrs][error]") {
  lrs::autolrs_options o;
  CHECK_THROWS_WITH(lrs::autolrs(o), "lrs::autolrs: min_lr must be > 0, got 0");
  o.min_lr = 0.1;
  o.max_lr = 0.1;
  CHECK_THROWS_AS(lrs::autolrs(o), lrs::invalid_argument);
  o.max_lr = 1.0;
  o.tau = 100;  // tau' = 10 < 16
  CHECK_THROWS_WITH(lrs::autolrs(o), Catch::Matchers::Contains("tau_prime must be >= 16"));
  o.tau = 1000;
  o.candidates = 0;
  CHECK_THROWS_AS(lrs::autolrs(o), lrs::invalid_argument);
  o.candidates = 10;
  o.kappa = -1;
  CHECK_THROWS_AS(lrs::autolrs(o), lrs::invalid_argument);

  struct short_trainer : noisy_trainer {
    using noisy_trainer::noisy_trainer;
    std::vector<double> train(lrs::step_t n, double lr) override {
      auto out = noisy_trainer::train(n, lr);
      out.pop_back();
      return out;
    }
  };
  short_trainer tr(4, 1.0, 0.1);
  lrs::autolrs ctl(small_options());
  const auto before = ctl.state();
  CHECK_THROWS_AS(ctl.step(tr), lrs::invalid_argument);
  CHECK(ctl.state() == before);
}
