// SPDX-License-Identifier: MIT
#include <string>

#include <lrs/io/parse_schedule.hpp>
#include <lrs/lrs.hpp>

#include "catch.hpp"
#include "support/spec.hpp"

namespace {

using lrs_test::spec_error_of;
std::size_t column_of(const std::string& spec) {
  try {
    (void)lrs::parse_schedule(spec);
  } catch (const lrs::spec_error& e) {
    return e.column();
  }
  return 0;
}
}  // namespace

TEST_CASE("spec: keyword and positional arguments build the named schedule", "[spec]") {
  lrs::spec_context ctx;
  ctx.lr = 0.1;
  const auto a = lrs::parse_schedule("StepLR(step_size=30, gamma=0.5)", ctx);
  CHECK(a(29) == 0.1);
  CHECK(a(30) == 0.05);
  const auto b = lrs::parse_schedule("  StepLR( 30 )  ", ctx);  // gamma defaults to 0.1
  CHECK_THAT(b(30), WithinRel(0.01, 1e-15));
  const auto c = lrs::parse_schedule("StepLR(30, 0.5)", ctx);
  CHECK(c(30) == 0.05);
}

TEST_CASE("spec: numbers in C and Python forms", "[spec]") {
  const auto gamma_of = [](const std::string& g) {
    return lrs::parse_schedule("StepLR(step_size=1, gamma=" + g + ")")(1);
  };
  CHECK(gamma_of(".5") == 0.5);
  CHECK(gamma_of("5e-1") == 0.5);
  CHECK(gamma_of("5E-1") == 0.5);
  CHECK(gamma_of("0.5") == 0.5);
  CHECK(gamma_of("+0.5") == 0.5);
  CHECK(gamma_of("1") == 1.0);
  // A whole number written as a float is accepted where an integer is expected.
  CHECK(lrs::parse_schedule("StepLR(step_size=1e1)")(10) == 0.1);
  CHECK(lrs::parse_schedule("StepLR(step_size=1_000)")(999) == 1.0);
}

TEST_CASE("spec: nested SequentialLR matches the schedule built in C++", "[spec][sequential]") {
  lrs::spec_context ctx;
  ctx.lr = 0.1;
  const auto parsed = lrs::parse_schedule(
      "SequentialLR(schedulers=[StepLR(step_size=2, gamma=0.5), CosineAnnealingLR(T_max=90)], "
      "milestones=[10])",
      ctx);
  const lrs::sequential direct(
      std::tuple{lrs::step_lr(0.1, 2, 0.5), lrs::cosine_annealing_lr(0.1, 90)}, {10});
  const auto t = GENERATE(range(0, 120));
  CHECK(parsed(t) == direct(t));
}

TEST_CASE("spec: ChainedScheduler multiplies factors of the base LR", "[spec][chained]") {
  lrs::spec_context ctx;
  ctx.lr = 2.0;
  const auto s = lrs::parse_schedule(
      "ChainedScheduler([StepLR(step_size=2, gamma=0.5), StepLR(step_size=3, gamma=0.1)])", ctx);
  CHECK(s(0) == 2.0);
  CHECK_THAT(s(6), WithinRel(2.0 * 0.125 * 0.01, 1e-15));  // 0.5^3 and 0.1^2
}

TEST_CASE("spec: unknown names come with a suggestion and a column", "[spec][error]") {
  CHECK(spec_error_of("CosineAnnealingLR(tmax=10)") ==
        "unknown parameter 'tmax' for CosineAnnealingLR at column 19; did you mean 'T_max'?");
  CHECK(column_of("CosineAnnealingLR(tmax=10)") == 19);
  CHECK(spec_error_of("CosineAnealingLR(T_max=10)") ==
        "unknown schedule 'CosineAnealingLR' at column 1; did you mean 'CosineAnnealingLR'?");
  CHECK(spec_error_of("StepLR(step_size=3, frobnicate=2)") ==
        "unknown parameter 'frobnicate' for StepLR at column 21");
}

TEST_CASE("spec: missing, repeated and mistyped parameters", "[spec][error]") {
  CHECK(spec_error_of("CosineAnnealingLR(eta_min=0.1)") ==
        "missing required parameter 'T_max' for CosineAnnealingLR at column 1");
  CHECK(spec_error_of("StepLR") == "missing required parameter 'step_size' for StepLR at column 1");
  CHECK(spec_error_of("StepLR(step_size=3, step_size=4)") ==
        "parameter 'step_size' given twice for StepLR at column 21");
  CHECK(spec_error_of("StepLR(3, step_size=4)") ==
        "parameter 'step_size' given twice for StepLR at column 11");
  CHECK(spec_error_of("CosineAnnealingLR(T_max='ten')") ==
        "parameter 'T_max' of CosineAnnealingLR at column 19 must be a whole number, got a "
        "string 'ten'");
  CHECK(spec_error_of("CosineAnnealingLR(T_max=2.5)") ==
        "parameter 'T_max' of CosineAnnealingLR at column 25 must be a whole number, got 2.5");
  CHECK(spec_error_of("StepLR(step_size=2, gamma=True)") ==
        "parameter 'gamma' of StepLR at column 21 must be a number, got a boolean");
  CHECK(spec_error_of("StepLR(step_size=2, 0.5)") ==
        "positional argument follows keyword argument in StepLR at column 21");
  CHECK(spec_error_of("StepLR(1, 2, 3)") ==
        "too many positional arguments for StepLR at column 14 (it takes 2)");
}

TEST_CASE("spec: values out of range name the parameter and the place", "[spec][error]") {
  CHECK(spec_error_of(
            "SequentialLR(schedulers=[StepLR(1), CosineAnnealingLR(T_max=0)], milestones=[5])") ==
        "lrs::cosine_annealing_lr: T_max must be > 0, got 0 (in CosineAnnealingLR at column 37)");
  CHECK(spec_error_of("SequentialLR(schedulers=[StepLR(1), StepLR(2)], milestones=[5, 6])") ==
        "lrs::sequential: the number of milestones must be one less than the number of "
        "schedulers (1), got 2 (in SequentialLR at column 1)");
  lrs::spec_context bad;
  bad.lr = -1;
  CHECK_THROWS_WITH(lrs::parse_schedule("StepLR(1)", bad),
                    "lrs::parse_schedule: lr must be >= 0, got -1");
}

TEST_CASE("spec: syntax errors say where", "[spec][error]") {
  CHECK(spec_error_of("") == "empty schedule spec");
  CHECK(spec_error_of("StepLR(step_size=3") ==
        "expected ',' or ')' at column 19, got the end of the spec");
  CHECK(spec_error_of("StepLR(step_size=3))") == "unexpected ')' after the schedule");
  CHECK(column_of("StepLR(step_size=3))") == 20);
  CHECK(spec_error_of("StepLR(gamma='0.5)") == "unterminated string starting at column 14");
  CHECK(spec_error_of("StepLR(step_size=1e)") == "bad number '1e' at column 18");
  CHECK(spec_error_of("3.5") == "expected a schedule such as StepLR(step_size=30), got a number");
  // '#' starts a Python comment, to the end of the line.
  CHECK(spec_error_of("StepLR(step_size=#)") ==
        "expected a value at column 20, got the end of the spec");
}

TEST_CASE("spec: values of every kind parse", "[spec]") {
  const lrs::spec_call c = lrs::parse_spec(
      "F(a=1, b=-2.5e-3, c=True, d=false, e='x y', f=\"q\", g=word, h=None, "
      "i=[1, 2,], j=(0.9, 0.99), k=G(), l=[])");
  REQUIRE(c.name == "F");
  REQUIRE(c.args.size() == 12);
  using k = lrs::spec_value::kind;
  CHECK((c.args[0].val.type == k::number && c.args[0].val.integral && c.args[0].val.number == 1));
  CHECK((c.args[1].val.type == k::number && !c.args[1].val.integral &&
         c.args[1].val.number == -2.5e-3));
  CHECK((c.args[2].val.type == k::boolean && c.args[2].val.boolean));
  CHECK((c.args[3].val.type == k::boolean && !c.args[3].val.boolean));
  CHECK((c.args[4].val.type == k::string && c.args[4].val.text == "x y"));
  CHECK(c.args[5].val.text == "q");
  CHECK((c.args[6].val.type == k::string && c.args[6].val.text == "word"));
  CHECK(c.args[7].val.type == k::none);
  CHECK((c.args[8].val.type == k::list && c.args[8].val.items.size() == 2));
  CHECK((c.args[9].val.type == k::list && c.args[9].val.items[1].number == 0.99));
  CHECK((c.args[10].val.type == k::call && c.args[10].val.nested->name == "G"));
  CHECK((c.args[11].val.type == k::list && c.args[11].val.items.empty()));
}

TEST_CASE("spec: a user registry adds names", "[spec]") {
  lrs::spec_registry reg;
  reg.add({"halving",
           "lr / 2^t",
           {{"floor", "0", "lowest value"}},
           [](const lrs::spec_args& a, const lrs::spec_context& ctx) -> lrs::any_schedule<double> {
             const double base = ctx.lr, floor = a.number("floor", 0.0);
             return [base, floor](lrs::step_t t) {
               return std::max(floor,
                               base / double(std::int64_t{1} << std::min<lrs::step_t>(t, 62)));
             };
           }});
  lrs::spec_context ctx;
  ctx.lr = 8.0;
  const auto s = lrs::parse_schedule("halving(floor=0.5)", ctx, reg);
  CHECK(s(1) == 4.0);
  CHECK(s(10) == 0.5);
  CHECK_THROWS_AS(lrs::parse_schedule("StepLR(1)", ctx, reg), lrs::spec_error);
}
