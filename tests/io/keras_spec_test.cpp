// SPDX-License-Identifier: MIT
// Keras's names in the spec parser: every reference configuration from its Python call text,
// defaults, `name=`, ctx.lr not used, and errors that name the parameter.
#include <algorithm>
#include <cstddef>
#include <string>

#include <lrs/io/parse_schedule.hpp>
#include <lrs/lrs.hpp>

#include "../keras_reference.hpp"
#include "catch.hpp"
#include "support/spec.hpp"

namespace {

using lrs_test::spec_error_of;
}  // namespace

TEST_CASE("keras spec: every reference call gives Keras's values", "[keras][spec]") {
  const auto refs = load_keras_reference();
  REQUIRE(refs.size() >= 30);
  lrs::spec_context ctx;
  ctx.lr = 7.0;  // absolute values: the optimizer's LR must not matter
  double worst = 0.0;
  for (const auto& r : refs) {
    INFO(r.call);
    const auto s = lrs::parse_schedule(r.call, ctx);
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
      INFO("step " << r.steps[i]);
      const double err = keras_error(s(r.steps[i]), r.values[i]);
      CHECK(err <= 1e-12);
      worst = std::max(worst, err);
    }
  }
  CHECK(worst <= 1e-12);
}

TEST_CASE("keras spec: the reference calls with Keras's module paths", "[keras][spec][paste]") {
  const auto refs = load_keras_reference();
  double worst = 0.0;
  for (const char* path : {"keras.optimizers.schedules.", "tf.keras.optimizers.schedules.",
                           "tensorflow.keras.optimizers.schedules."}) {
    for (const auto& r : refs) {
      const std::string call = std::string(path) + r.call;
      INFO(call);
      const auto s = lrs::parse_schedule(call);
      for (std::size_t i = 0; i < r.steps.size(); ++i) {
        const double err = keras_error(s(r.steps[i]), r.values[i]);
        CHECK(err <= 1e-12);
        worst = std::max(worst, err);
      }
    }
  }
  CHECK(worst <= 1e-12);
  // As pasted from a Keras script: an assignment, a line break and a comment.
  const auto pasted = lrs::parse_schedule(
      "lr_schedule = keras.optimizers.schedules.CosineDecay(\n"
      "    0.0, 1000, warmup_target=0.1, warmup_steps=1000)  # Goyal warm-up\n");
  CHECK_THAT(pasted(500), WithinRel(0.05, 1e-15));
  CHECK(pasted(1000) == 0.1);
  // Another library's path is not Keras's.
  CHECK_THAT(spec_error_of("optax.CosineDecay(0.1, 10)"), Catch::Matchers::Contains("CosineDecay"));
}

TEST_CASE("keras spec: defaults and name", "[keras][spec]") {
  // PolynomialDecay: end_learning_rate 0.0001, power 1.
  const auto p = lrs::parse_schedule("PolynomialDecay(0.1, 10)");
  CHECK(p(10) == 0.0001);
  CHECK_THAT(p(5), WithinRel((0.1 - 0.0001) * 0.5 + 0.0001, 1e-15));
  // CosineDecayRestarts: t_mul 2, m_mul 1, alpha 0.
  const auto r = lrs::parse_schedule("CosineDecayRestarts(0.1, 10)");
  CHECK(r(10) == 0.1);
  CHECK(r(30) == 0.1);
  // name is accepted positionally, by keyword, or as None.
  CHECK(lrs::parse_schedule("ExponentialDecay(0.1, 10, 0.5, True, 'lr')")(10) == 0.05);
  CHECK(lrs::parse_schedule("InverseTimeDecay(0.1, 1, 1.0, name=None)")(1) == 0.05);
  CHECK(lrs::parse_schedule("CosineDecay(0.1, 10, 0.0, 'x', 0.2, 5)")(5) == 0.2);
}

TEST_CASE("keras spec: errors name the parameter", "[keras][spec]") {
  using Catch::Matchers::Contains;
  CHECK_THAT(spec_error_of("ExponentialDecay(0.1, 0, 0.9)"),
             Contains("decay_steps must be > 0, got 0"));
  CHECK_THAT(spec_error_of("ExponentialDecay(0.1, 10)"), Contains("decay_rate"));
  CHECK_THAT(spec_error_of("PiecewiseConstantDecay([10, 10], [1.0, 0.5, 0.1])"),
             Contains("boundaries must be strictly increasing"));
  CHECK_THAT(spec_error_of("PiecewiseConstantDecay([10.5], [1.0, 0.5])"), Contains("boundaries"));
  CHECK_THAT(spec_error_of("PiecewiseConstantDecay([10], [1.0])"),
             Contains("values must be a list one longer than boundaries"));
  CHECK_THAT(spec_error_of("PolynomialDecay(0.1, 10, cycle=1)"), Contains("cycle"));
  CHECK_THAT(spec_error_of("CosineDecay(0.1, 10, warmup_target='high')"),
             Contains("warmup_target"));
  CHECK_THAT(spec_error_of("CosineDecay(0.1, 10, name=3)"), Contains("name"));
  CHECK_THAT(spec_error_of("CosineDecayRestarts(0.1, 10, t_mul=0.5)"),
             Contains("t_mul must be >= 1, got 0.5"));
  CHECK_THAT(spec_error_of("CosineDecayRestarts(0.1, 10, decay_steps=5)"),
             Contains("unknown parameter 'decay_steps'"));
}
