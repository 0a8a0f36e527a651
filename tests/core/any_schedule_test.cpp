// SPDX-License-Identifier: MIT
#include <cmath>
#include <thread>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/schedules/cosine_annealing_lr.hpp>
#include <lrs/schedules/step_lr.hpp>

#include "catch.hpp"

TEST_CASE("any_schedule gives the held schedule's values", "[any_schedule]") {
  const lrs::step_lr<double> direct(0.1, 30);
  const lrs::any_schedule<double> erased = direct;
  const auto t = GENERATE(0, 1, 29, 30, 31, 95, 1000);
  CHECK(erased(t) == direct(t));
}

TEST_CASE("any_schedule copies share the schedule and stay valid", "[any_schedule]") {
  lrs::any_schedule<double> a;
  CHECK(a.empty());
  CHECK_FALSE(a);
  {
    const lrs::any_schedule<double> tmp = lrs::cosine_annealing_lr(1.0, 4);
    a = tmp;
  }
  REQUIRE_FALSE(a.empty());
  CHECK_THAT(a(2), WithinRel(0.5, 1e-15));
  REQUIRE(a.target<lrs::cosine_annealing_lr<double>>() != nullptr);
  CHECK(a.target<lrs::cosine_annealing_lr<double>>()->t_max() == 4);
  CHECK(a.target<lrs::step_lr<double>>() == nullptr);
}

TEST_CASE("any_schedule<float> converts a double schedule", "[any_schedule]") {
  const lrs::any_schedule<float> f = lrs::step_lr<double>(0.1, 1, 0.5);
  CHECK(f(1) == 0.05f);
}

TEST_CASE("any_schedule is safe to evaluate from several threads", "[any_schedule]") {
  const lrs::any_schedule<double> s = lrs::cosine_annealing_lr(1.0, 1000, 0.01);
  std::vector<double> sums(4, 0.0);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < sums.size(); ++k)
    threads.emplace_back([&, k] {
      const lrs::any_schedule<double> copy = s;
      for (lrs::step_t t = 0; t < 1000; ++t) sums[k] += copy(t);
    });
  for (auto& th : threads) th.join();
  // Sum over a half period of the cosine: sum_t (1 + cos(pi t / 1000)) / 2 for t in [0, 1000)
  // = 500 + 1/2 (sum of cos over a half period = 1 from the t = 0 term, the rest cancels pairwise),
  // so the total is 0.01 * 1000 + 0.99 * 500.5.
  for (double v : sums) CHECK_THAT(v, WithinRel(0.01 * 1000 + 0.99 * 500.5, 1e-12));
}

TEST_CASE("any_schedule never gives -0", "[any_schedule]") {
  // A -0 parameter passes the ">= 0" checks (-0 >= 0) and the schedule returns -0, which
  // `lrs curve` printed as "-0". Through any_schedule (every spec-built schedule) it is +0.
  const lrs::step_lr<double> direct(-0.0, 30, 0.5);
  REQUIRE(std::signbit(direct(0)));
  const lrs::any_schedule<double> s(direct);
  const lrs::any_schedule<float> f(direct);
  const lrs::any_schedule<double> lambda([](lrs::step_t) { return -0.0; });
  for (const lrs::step_t t : {lrs::step_t{0}, lrs::step_t{30}, lrs::step_t{1} << 62}) {
    CHECK(s(t) == 0.0);
    CHECK_FALSE(std::signbit(s(t)));
    CHECK_FALSE(std::signbit(f(t)));
    CHECK_FALSE(std::signbit(lambda(t)));
  }
  // Every other value is unchanged.
  CHECK(lrs::any_schedule<double>(lrs::step_lr<double>(0.1, 30))(0) == 0.1);
}
