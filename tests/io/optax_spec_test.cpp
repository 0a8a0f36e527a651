// SPDX-License-Identifier: MIT
// optax's schedules pasted as Python calls: every configuration of
// tests/data/schedules/optax/golden.txt parsed from its call text (with `optax.`,
// `optax.schedules.` and no module path) against the values of optax's formulas.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <vector>

#include <lrs/io/parse_schedule.hpp>

#include "../data/schedules/optax/optax_golden.hpp"
#include "catch.hpp"

namespace {

// Every `from` in s replaced by `to`.
std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

// The call with every module path written as `path` ("" for none).
std::string with_path(const std::string& call, const std::string& path) {
  const std::string bare = replace_all(replace_all(call, "optax.schedules.", ""), "optax.", "");
  if (path.empty()) return bare;
  std::string out = bare;
  for (const char* name :
       {"constant_schedule", "polynomial_schedule", "linear_schedule",
        "piecewise_constant_schedule", "exponential_decay", "cosine_decay_schedule",
        "piecewise_interpolate_schedule", "linear_onecycle_schedule", "cosine_onecycle_schedule",
        "warmup_constant_schedule", "warmup_cosine_decay_schedule",
        "warmup_exponential_decay_schedule", "sgdr_schedule", "join_schedules"}) {
    // Prefix whole names only (linear_schedule inside piecewise_... is not a separate call).
    std::string next;
    const std::string n = std::string(name) + "(";
    std::size_t last = 0;
    for (std::size_t p = out.find(n); p != std::string::npos; p = out.find(n, p + n.size())) {
      const bool whole = p == 0 || !(std::isalnum(static_cast<unsigned char>(out[p - 1])) ||
                                     out[p - 1] == '_' || out[p - 1] == '.');
      next += out.substr(last, p - last) + (whole ? path : "");
      last = p;
    }
    out = next + out.substr(last);
  }
  return out;
}

}  // namespace

TEST_CASE("optax specs: every configuration pasted as Python gives optax's values",
          "[optax][spec]") {
  const auto golden = optax_golden::load();
  REQUIRE(golden.size() >= 20);
  std::size_t compared = 0;
  double worst = 0;
  for (const auto& c : golden) {
    for (const std::string path : {"", "optax.", "optax.schedules."}) {
      const std::string call = with_path(c.call, path);
      INFO(c.name << ": " << call);
      lrs::spec_context ctx;
      ctx.lr = 0.37;  // absolute values: --lr has no effect
      ctx.steps = 1000;
      const auto s = lrs::parse_schedule(call, ctx);
      for (const auto& [step, want] : c.values) {
        INFO("step " << step);
        const double err = optax_golden::rel_error(s(step), want);
        worst = std::max(worst, err);
        ++compared;
        CHECK(err <= 1e-12);
      }
    }
    // And the text exactly as generate.py evaluated it.
    const auto s = lrs::parse_schedule(c.call);
    for (const auto& [step, want] : c.values)
      CHECK(optax_golden::rel_error(s(step), want) <= 1e-12);
  }
  CHECK(compared > 9000);
  CHECK(worst <= 1e-12);
}

TEST_CASE("optax specs: the module path is rewritten as the test means", "[optax][spec]") {
  CHECK(with_path("join_schedules([linear_schedule(0, 1, 2), constant_schedule(1)], [2])",
                  "optax.") ==
        "optax.join_schedules([optax.linear_schedule(0, 1, 2), optax.constant_schedule(1)], [2])");
}

TEST_CASE("optax specs: a pasted call from a training script", "[optax][spec]") {
  const auto s = lrs::parse_schedule(
      "schedule = optax.warmup_cosine_decay_schedule(\n"
      "    init_value=0.0,\n"
      "    peak_value=1e-3,  # the peak\n"
      "    warmup_steps=100,\n"
      "    decay_steps=10_000,\n"
      "    end_value=1e-5,\n"
      ")");
  CHECK(s(0) == 0.0);
  CHECK(s(100) == Approx(1e-3).epsilon(1e-15));
  CHECK(s(10000) == Approx(1e-5).epsilon(1e-12));
  // Integer keys and float values in boundaries_and_scales, as optax's docs write them.
  const auto p = lrs::parse_schedule(
      "optax.piecewise_constant_schedule(init_value=0.1, boundaries_and_scales={100: 0.5, "
      "200: 0.1})");
  CHECK(p(99) == 0.1);
  CHECK(p(100) == 0.05);
  CHECK(p(200) == Approx(0.005).epsilon(1e-15));
}

TEST_CASE("optax specs: bad values name the parameter", "[optax][spec]") {
  using Catch::Matchers::Contains;
  auto parse = [](const std::string& s) { return lrs::parse_schedule(s); };
  CHECK_THROWS_WITH(parse("optax.cosine_decay_schedule(0.1, 0)"), Contains("decay_steps"));
  CHECK_THROWS_WITH(parse("optax.cosine_decay_schedule(0.1, 10, alpha=-1)"), Contains("alpha"));
  CHECK_THROWS_WITH(parse("optax.cosine_decay_schedule(0.1, 10.5)"),
                    Contains("decay_steps") && Contains("whole number"));
  CHECK_THROWS_WITH(parse("optax.warmup_cosine_decay_schedule(0.0, 1.0, 10, 10)"),
                    Contains("decay_steps") && Contains("warmup_steps"));
  CHECK_THROWS_WITH(parse("optax.exponential_decay(0.1, 10, -0.5)"), Contains("decay_rate"));
  CHECK_THROWS_WITH(parse("optax.exponential_decay(0.1, 10, 0.5, end_value='x')"),
                    Contains("end_value"));
  CHECK_THROWS_WITH(parse("optax.piecewise_constant_schedule(0.1, {100.5: 0.5})"),
                    Contains("boundaries_and_scales") && Contains("whole"));
  CHECK_THROWS_WITH(parse("optax.piecewise_constant_schedule(0.1, {100: -0.5})"),
                    Contains("boundaries_and_scales[100]"));
  CHECK_THROWS_WITH(parse("optax.piecewise_constant_schedule(0.1, {'a': 0.5})"),
                    Contains("boundaries_and_scales"));
  CHECK_THROWS_WITH(parse("optax.piecewise_interpolate_schedule('cubic', 0.1)"),
                    Contains("interpolate_type") && Contains("'linear'"));
  CHECK_THROWS_WITH(parse("optax.linear_onecycle_schedule(0, 0.1)"), Contains("transition_steps"));
  CHECK_THROWS_WITH(parse("optax.sgdr_schedule([{'init_value': 0.0, 'peak_value': 0.1, "
                          "'warmup_steps': 1}])"),
                    Contains("cosine_kwargs[0]") && Contains("decay_steps"));
  CHECK_THROWS_WITH(parse("optax.sgdr_schedule([{'init_value': 0.0, 'peak_value': 0.1, "
                          "'warmup_steps': 1, 'decay_steps': 10, 'alpha': 0.1}])"),
                    Contains("cosine_kwargs[0]") && Contains("alpha"));
  CHECK_THROWS_WITH(parse("optax.sgdr_schedule([dict(init_value=0.0, peak_value=0.1, "
                          "warmup_steps=5, decay_steps=5)])"),
                    Contains("cosine_kwargs[0].decay_steps"));
  CHECK_THROWS_WITH(parse("optax.sgdr_schedule(5)"), Contains("cosine_kwargs"));
  CHECK_THROWS_WITH(parse("optax.join_schedules([optax.constant_schedule(0.1), "
                          "optax.constant_schedule(0.2)], [])"),
                    Contains("boundaries"));
  CHECK_THROWS_WITH(parse("optax.join_schedules([optax.constant_schedule(0.1), "
                          "optax.constant_schedule(0.2), optax.constant_schedule(0.3)], [10, 5])"),
                    Contains("boundaries[1]"));
  CHECK_THROWS_WITH(parse("optax.warmup_constant_schedule(0.0, 1.0)"), Contains("warmup_steps"));
  CHECK_THROWS_WITH(parse("optax.warmup_constant_schedule(0.0, 1.0, 10, warmup=3)"),
                    Contains("warmup"));
  CHECK_THROWS_WITH(parse("torch.optim.lr_scheduler.cosine_decay_schedule(0.1, 10)"),
                    Contains("optax."));
}
