// SPDX-License-Identifier: MIT
// Built-in profiles against the paper's table and the formulas evaluated in Python.
#include <lrs/schedules/profiles.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <type_traits>

#include "budgeted_csv.hpp"
#include "catch.hpp"
#include "tolerance.hpp"

namespace {

namespace p = lrs::profiles;
using ds = p::decay_shape;

template <class T>
std::map<std::string, std::function<T(T)>> builtins() {
  return {
      {"constant", p::constant{}},
      {"linear", p::linear{}},
      {"cosine", p::cosine{}},
      {"rex(0.5)", p::rex{}},
      {"rex(0.9)", p::rex(0.9)},
      {"rex(0)", p::rex(0.0)},
      {"rex(1)", p::rex(1.0)},
      {"exponential(4)", p::exponential{}},
      {"exponential(1.5)", p::exponential(1.5)},
      {"step(0.1)", p::step{}},
      {"step(0.5;0.5)", p::step(0.5, {0.5})},
      {"polynomial(2)", p::polynomial(2.0)},
      {"polynomial(0.5)", p::polynomial(0.5)},
      {"inverse_sqrt(0.01)", p::inverse_sqrt{}},
      {"inverse_sqrt(0.5)", p::inverse_sqrt(0.5)},
      {"wsd(0.2;linear)", p::wsd{}},
      {"wsd(0.2;cosine)", p::wsd(0.2, ds::cosine)},
      {"wsd(0.2;1-sqrt)", p::wsd(0.2, ds::one_sqrt)},
      {"wsd(0.2;1-square)", p::wsd(0.2, ds::one_square)},
      {"wsd(1;linear)", p::wsd(1.0, ds::linear)},
  };
}

}  // namespace

TEST_CASE("REX profile matches the paper's table evaluated by hand", "[profile][rex]") {
  // papers.md section 1, "Test vectors": z, REX d=0.5, REX d=0.9.
  const double table[][3] = {{0, 1, 1},
                             {0.1, 0.9473684211, 0.9890109890},
                             {0.25, 0.8571428571, 0.9677419355},
                             {0.5, 0.6666666667, 0.9090909091},
                             {0.75, 0.4, 0.7692307692},
                             {0.9, 0.1818181818, 0.5263157895},
                             {0.99, 0.0198019802, 0.0917431193},
                             {1.0, 0, 0}};
  const p::rex paper{}, wolfe(0.9);
  CHECK(paper.d() == 0.5);
  for (const auto& row : table) {
    CHECK_THAT(paper(row[0]), WithinAbs(row[1], 1e-10));
    CHECK_THAT(wolfe(row[0]), WithinAbs(row[2], 1e-10));
    CHECK_THAT(paper(static_cast<float>(row[0])), WithinAbs(static_cast<float>(row[1]), 1e-6));
  }
}

TEST_CASE("linear, cosine and exp(-4z) profiles match the paper's table", "[profile]") {
  const double table[][4] = {{0, 1, 1, 1},
                             {0.1, 0.9, 0.9755282581, 0.6703200460},
                             {0.25, 0.75, 0.8535533906, 0.3678794412},
                             {0.5, 0.5, 0.5, 0.1353352832},
                             {0.75, 0.25, 0.1464466094, 0.0497870684},
                             {0.9, 0.1, 0.0244717419, 0.0273237224},
                             {0.99, 0.01, 0.0002467198, 0.0190631143},
                             {1.0, 0, 0, 0.0183156389}};
  for (const auto& row : table) {
    CHECK_THAT(p::linear{}(row[0]), WithinAbs(row[1], 1e-10));
    CHECK_THAT(p::cosine{}(row[0]), WithinAbs(row[2], 1e-10));
    CHECK_THAT(p::exponential{}(row[0]), WithinAbs(row[3], 1e-10));
  }
}

TEMPLATE_TEST_CASE("every built-in profile matches its formula evaluated in Python",
                   "[profile][golden]", float, double) {
  using T = TestType;
  const auto rows = read_budgeted_csv("profiles.csv");
  const auto profiles = builtins<T>();
  REQUIRE(rows.size() == profiles.size() * 12);
  const T tol = std::is_same_v<T, float> ? T(2e-6) : T(1e-13);
  for (const auto& r : rows) {
    INFO(r.name << " at z = " << r.x);
    const auto it = profiles.find(r.name);
    REQUIRE(it != profiles.end());
    CHECK_THAT(it->second(static_cast<T>(r.x)), WithinAbs(static_cast<T>(r.value), tol));
  }
}

TEMPLATE_TEST_CASE("built-in profiles start at 1, stay in [0, 1] and never increase",
                   "[profile][property]", float, double) {
  using T = TestType;
  for (const auto& [name, prof] : builtins<T>()) {
    INFO(name);
    CHECK(prof(T(0)) == T(1));
    T prev = prof(T(0));
    for (int i = 1; i <= 1000; ++i) {
      const T z = static_cast<T>(i) / T(1000);
      const T v = prof(z);
      INFO("z = " << z);
      CHECK(v >= T(0));
      CHECK(v <= T(1));
      CHECK(v <= prev);
      prev = v;
    }
  }
}

TEST_CASE("profiles that decay to zero end at exactly 0", "[profile]") {
  const auto all = builtins<double>();
  for (const char* name : {"linear", "cosine", "rex(0.5)", "rex(0.9)", "rex(0)", "rex(1)",
                           "polynomial(2)", "polynomial(0.5)", "wsd(0.2;linear)", "wsd(0.2;cosine)",
                           "wsd(0.2;1-sqrt)", "wsd(0.2;1-square)"}) {
    INFO(name);
    CHECK_THAT(all.at(name)(1.0), WithinAbs(0.0, 1e-16));
  }
  // The others end above zero: exp(-rate), gamma^3, sqrt(tau / (1 + tau)), 1.
  CHECK_THAT(p::exponential(2.0)(1.0), WithinRel(std::exp(-2.0), 1e-15));
  CHECK_THAT(p::step{}(1.0), WithinRel(1e-3, 1e-12));
  CHECK_THAT(p::inverse_sqrt(0.25)(1.0), WithinRel(std::sqrt(0.2), 1e-15));
  CHECK(p::constant{}(1.0) == 1.0);
}

TEST_CASE("REX special shapes: d = 0 is linear, d = 1 is a step at the end", "[profile][rex]") {
  const auto z = GENERATE(0.0, 0.125, 0.5, 0.875, 0.999);
  CHECK_THAT(p::rex(0.0)(z), WithinAbs(1.0 - z, 1e-15));
  CHECK(p::rex(1.0)(z) == 1.0);
  CHECK(p::rex(1.0)(1.0) == 0.0);
}

TEST_CASE("polynomial: whole powers and fractional powers agree with (1 - z)^power", "[profile]") {
  // (1 - 0.5)^3 = 0.125, (1 - 0.75)^1.5 = 0.125, (1 - 0.2)^1 = 0.8.
  CHECK(p::polynomial(3.0)(0.5) == 0.125);
  CHECK_THAT(p::polynomial(1.5)(0.75), WithinRel(0.125, 1e-15));
  CHECK_THAT(p::polynomial{}(0.2), WithinRel(0.8, 1e-15));
  CHECK(p::polynomial(3.0)(1.0) == 0.0);
}

TEST_CASE("step profile decays at the fractions, including the fraction itself", "[profile]") {
  const p::step s(0.5, {0.25, 0.5});
  CHECK(s(0.2499) == 1.0);
  CHECK(s(0.25) == 0.5);
  CHECK(s(0.4999) == 0.5);
  CHECK(s(0.5) == 0.25);
  CHECK(s(1.0) == 0.25);
  CHECK(p::step(0.1, {}).fractions().empty());
  CHECK(p::step(0.1, {})(1.0) == 1.0);
}

TEST_CASE("wsd is stable before 1 - decay and hits the shape's midpoint value", "[profile][wsd]") {
  // u = 0.5 at z = 0.9 for decay 0.2: 1 - u, cosine 0.5, 1 - sqrt(0.5), 1 - 0.25.
  CHECK(p::wsd{}(0.7999) == 1.0);
  CHECK_THAT(p::wsd{}(0.9), WithinAbs(0.5, 1e-12));
  CHECK_THAT(p::wsd(0.2, ds::cosine)(0.9), WithinAbs(0.5, 1e-12));
  CHECK_THAT(p::wsd(0.2, ds::one_sqrt)(0.9), WithinAbs(1.0 - std::sqrt(0.5), 1e-12));
  CHECK_THAT(p::wsd(0.2, ds::one_square)(0.9), WithinAbs(0.75, 1e-12));
  CHECK(p::to_string(ds::one_sqrt) == "1-sqrt");
  CHECK(p::to_string(ds::one_square) == "1-square");
}

TEST_CASE("profiles reject bad parameters with a message naming them", "[profile][error]") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(p::rex(-0.1), lrs::invalid_argument);
  CHECK_THROWS_AS(p::rex(1.5), lrs::invalid_argument);
  CHECK_THROWS_WITH(p::rex(1.5), "lrs::rex: d must be in [0, 1], got 1.5");
  CHECK_THROWS_AS(p::exponential(-1.0), lrs::invalid_argument);
  CHECK_THROWS_AS(p::exponential(inf), lrs::invalid_argument);
  CHECK_THROWS_AS(p::step(1.5), lrs::invalid_argument);
  CHECK_THROWS_AS(p::step(0.1, {0.0}), lrs::invalid_argument);
  CHECK_THROWS_AS(p::step(0.1, {0.5, 0.5}), lrs::invalid_argument);
  CHECK_THROWS_WITH(p::step(0.1, {0.6, 0.3}),
                    "lrs::step: fractions must be strictly increasing, got 0.3");
  CHECK_THROWS_AS(p::step(0.1, {0.3, 1.2}), lrs::invalid_argument);
  CHECK_THROWS_AS(p::polynomial(0.0), lrs::invalid_argument);
  CHECK_THROWS_AS(p::inverse_sqrt(0.0), lrs::invalid_argument);
  CHECK_THROWS_AS(p::wsd(0.0), lrs::invalid_argument);
  CHECK_THROWS_AS(p::wsd(1.1), lrs::invalid_argument);
  CHECK_THROWS_WITH(p::wsd(0.0), "lrs::wsd: decay must be in (0, 1], got 0");
}
