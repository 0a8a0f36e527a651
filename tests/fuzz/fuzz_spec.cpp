// SPDX-License-Identifier: MIT
// libFuzzer target: the spec parser. Parses the input with lrs::parse_schedule (public API only);
// a spec that parses must give a finite, non-negative LR (and momentum, where it cycles one) at
// every probed step from 0 to 2^63 - 1. A bad spec must be refused with lrs::invalid_argument
// (lrs::spec_error); any other exception, a crash, a sanitizer report, a non-finite or negative
// value is a finding, and so is an input that takes longer than scripts/fuzz.sh's per-input
// -timeout (a hang in the parser or in a schedule's constructor or evaluation).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include <lrs/io/parse_schedule.hpp>

namespace {

constexpr lrs::step_t M = std::numeric_limits<lrs::step_t>::max();
constexpr lrs::step_t probe_steps[] = {
    0,     1,     2, 9, 10, 11, 999, 1000, 1001, lrs::step_t(1) << 31, lrs::step_t(1) << 53,
    M / 2, M - 1, M};

[[noreturn]] void finding(std::string_view spec, const char* what, lrs::step_t t, double v) {
  std::fprintf(stderr, "fuzz_spec: %s at step %lld: %.17g\nspec: %.*s\n", what,
               static_cast<long long>(t), v, static_cast<int>(spec.size()), spec.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  lrs::any_schedule<double> s;
  try {
    lrs::spec_context ctx;
    ctx.lr = 0.1;
    ctx.steps = 1000;  // the budget of budget-native schedules that do not give one
    s = lrs::parse_schedule(spec, ctx);
  } catch (const lrs::invalid_argument&) {
    return 0;  // refused with the library's error: fine
  }
  for (const lrs::step_t t : probe_steps) {
    const double v = s(t);
    if (!std::isfinite(v)) finding(spec, "non-finite LR", t, v);
    if (v < 0) finding(spec, "negative LR", t, v);
    if (s.has_momentum()) {
      const double m = s.momentum(t);
      if (!std::isfinite(m)) finding(spec, "non-finite momentum", t, m);
      if (m < 0) finding(spec, "negative momentum", t, m);
    }
  }
  return 0;
}
