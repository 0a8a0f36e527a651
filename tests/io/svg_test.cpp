// SPDX-License-Identifier: MIT
// Tests of lrs::svg_plot: axis ticks, coordinates, escaping, legend and argument errors.
#include <lrs/io/svg.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"

namespace {

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

void check_ticks(const lrs::detail::svg_axis& a, const std::vector<double>& expected) {
  REQUIRE(a.ticks.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    CHECK_THAT(a.ticks[i], WithinAbs(expected[i], 1e-12 * (1 + std::abs(expected[i]))));
}

}  // namespace

TEST_CASE("svg axis: nice linear ticks in 1-2-5 steps", "[io][svg]") {
  check_ticks(lrs::detail::make_axis(0.0, 1.0, false), {0, 0.2, 0.4, 0.6, 0.8, 1.0});
  // rough step 0.907/5 = 0.18 -> 0.2; range widened to [0, 1].
  check_ticks(lrs::detail::make_axis(0.013, 0.92, false), {0, 0.2, 0.4, 0.6, 0.8, 1.0});
  check_ticks(lrs::detail::make_axis(0.0, 1000.0, false), {0, 200, 400, 600, 800, 1000});
  // rough step 90/5 = 18 -> 20; [10, 100] -> [0, 100].
  check_ticks(lrs::detail::make_axis(10.0, 100.0, false), {0, 20, 40, 60, 80, 100});
  // rough step 0.05/5 = 0.01: the range is already on multiples of the step
  check_ticks(lrs::detail::make_axis(0.83, 0.88, false), {0.83, 0.84, 0.85, 0.86, 0.87, 0.88});
  // degenerate: [5, 5] -> [4.5, 5.5], step 0.2 -> [4.4, 5.6]
  check_ticks(lrs::detail::make_axis(5.0, 5.0, false), {4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.6});
  const auto a = lrs::detail::make_axis(-0.3, 0.3, false);
  CHECK_THAT(a.lo, WithinAbs(-0.3, 1e-12));
  CHECK_THAT(a.hi, WithinAbs(0.3, 1e-12));
  CHECK(a.ticks[3] == 0.0);  // exactly zero, printed "0" and not "-5.55e-17"
}

TEST_CASE("svg axis: log ticks at powers of ten", "[io][svg]") {
  const auto a = lrs::detail::make_axis(0.003, 0.5, true);
  CHECK_THAT(a.lo, WithinRel(1e-3, 1e-12));
  CHECK_THAT(a.hi, WithinRel(1.0, 1e-12));
  check_ticks(a, {1e-3, 1e-2, 1e-1, 1.0});
  const auto b = lrs::detail::make_axis(0.1, 0.1, true);  // one value: one decade, 1-2-5
  check_ticks(b, {0.1, 0.2, 0.5, 1.0});
  check_ticks(lrs::detail::make_axis(0.15, 7.0, true), {0.1, 0.2, 0.5, 1, 2, 5, 10});
  const auto c = lrs::detail::make_axis(1e-12, 1.0, true);  // 12 decades: every 2nd
  CHECK(c.ticks.size() == 7);
  CHECK_THAT(c.ticks[1], WithinRel(1e-10, 1e-9));
}

TEST_CASE("svg numbers read as on an axis", "[io][svg]") {
  CHECK(lrs::detail::svg_number(0.2) == "0.2");
  CHECK(lrs::detail::svg_number(1000) == "1000");
  CHECK(lrs::detail::svg_number(1e-5) == "1e-05");
  CHECK(lrs::detail::svg_number(0.30000000000000004) == "0.3");
  CHECK(lrs::detail::svg_escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");
}

TEST_CASE("svg plot: document, coordinates, legend", "[io][svg]") {
  lrs::svg_plot p({"", "step", "lr"});
  p.add_series("a & b", {0.0, 1.0}, {0.0, 1.0});
  p.add_series("second", {0.0, 0.5, 1.0}, {1.0, 0.5, 0.0});
  const std::string s = p.str();
  CHECK(s.rfind("<?xml", 0) == 0);
  CHECK(s.find("<svg xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
  CHECK(s.substr(s.size() - 7) == "</svg>\n");
  CHECK(count(s, "<polyline") == 2);
  CHECK(count(s, "<circle") == 0);
  // plot area: left 78, width 820-78-190 = 552; top 20 (no title), height 480-20-58 = 402
  CHECK(s.find("points=\"78.00,422.00 630.00,20.00\"") != std::string::npos);
  // three collinear points: the middle one is left out
  CHECK(s.find("points=\"78.00,20.00 630.00,422.00\"") != std::string::npos);
  CHECK(s.find(">a &amp; b</text>") != std::string::npos);  // legend entry, escaped
  CHECK(s.find(">second</text>") != std::string::npos);
  CHECK(s.find(">0.4</text>") != std::string::npos);  // a tick label
  CHECK(s.find(">step</text>") != std::string::npos);
  CHECK(s.find("rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">lr</text>") !=
        std::string::npos);
}

TEST_CASE("svg plot: log y and markers", "[io][svg]") {
  lrs::svg_plot_options o;
  o.title = "T";
  o.log_y = true;
  o.markers = true;
  lrs::svg_plot p(o);
  p.add_series("s", {0.0, 1.0, 2.0}, {1.0, 0.1, 0.01});
  const std::string s = p.str();
  CHECK(count(s, "<circle") == 3);
  CHECK(s.find(">0.01</text>") != std::string::npos);
  CHECK(s.find(">T</text>") != std::string::npos);
  // top 44 with a title, height 480-44-58 = 378; y = 0.1 is halfway between 0.01 and 1
  CHECK(s.find("cy=\"233.00\"") != std::string::npos);
}

TEST_CASE("svg plot: bad series are rejected and leave the plot unchanged", "[io][svg][error]") {
  lrs::svg_plot p;
  p.add_series("ok", {1.0}, {1.0});
  const std::string before = p.str();
  CHECK_THROWS_WITH(p.add_series("x", {}, {}), "lrs::svg_plot: x must be non-empty, got 0 points");
  CHECK_THROWS_WITH(p.add_series("x", {1, 2, 3}, {1, 2}),
                    "lrs::svg_plot: y must be as long as x (3 points), got 2 points");
  CHECK_THROWS_WITH(p.add_series("x", {1, 2}, {1, std::nan("")}),
                    "lrs::svg_plot: y must be finite, got nan");
  CHECK_THROWS_AS(p.add_series("x", {HUGE_VAL}, {1}), lrs::invalid_argument);
  CHECK(p.size() == 1);
  CHECK(p.str() == before);

  lrs::svg_plot_options o;
  o.log_y = true;
  lrs::svg_plot q(o);
  CHECK_THROWS_WITH(q.add_series("x", {1, 2}, {1, 0}),
                    "lrs::svg_plot: y must be > 0 on a log y axis, got 0");
  o.width = 100;
  CHECK_THROWS_WITH(lrs::svg_plot(o), "lrs::svg_plot: width must be >= 300, got 100");
  CHECK_THROWS_AS(p.write("/nonexistent-dir/plot.svg"), std::runtime_error);
}

TEST_CASE("svg simplify: straight runs shrink, corners and curves stay within tolerance",
          "[io][svg]") {
  using lrs::detail::svg_simplify;
  std::vector<double> x(1000), y(1000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = 0.5 * static_cast<double>(i);
    y[i] = 100.0 - 0.1 * static_cast<double>(i);
  }
  const auto line = svg_simplify(x, y);
  CHECK(line.front() == 0);
  CHECK(line.back() == 999);
  CHECK(line.size() <= 1000 / 64 + 2);
  // A step down at index 500: both sides of the corner are kept.
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = i < 500 ? 10.0 : 300.0;
  const auto steps = svg_simplify(x, y);
  CHECK(std::find(steps.begin(), steps.end(), 499) != steps.end());
  CHECK(std::find(steps.begin(), steps.end(), 500) != steps.end());
  // A curve: every left-out point lies within 0.25 px of the segment drawn in its place.
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 200.0 * std::sin(0.01 * static_cast<double>(i));
  const auto kept = svg_simplify(x, y);
  CHECK(kept.size() < 500);
  double worst = 0;
  for (std::size_t s = 0; s + 1 < kept.size(); ++s) {
    const std::size_t a = kept[s], b = kept[s + 1];
    for (std::size_t j = a + 1; j < b; ++j) {
      // distance to the line through a and b (the point projects inside the segment here)
      const double dx = x[b] - x[a], dy = y[b] - y[a];
      const double d = std::abs(dy * (x[j] - x[a]) - dx * (y[j] - y[a])) / std::hypot(dx, dy);
      worst = std::max(worst, d);
    }
  }
  CHECK(worst <= 0.25);
}

TEST_CASE("svg legend: long names are shortened, the tooltip keeps them", "[io][svg]") {
  CHECK(lrs::detail::svg_shorten("abcdefghij", 6) == "abc...");
  CHECK(lrs::detail::svg_shorten("abc", 6) == "abc");
  CHECK(lrs::detail::svg_shorten("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 6) ==
        "\xc3\xa9...");  // not mid-character
  const std::string name(100, 'n');
  lrs::svg_plot p;
  p.add_series(name, {0.0, 1.0}, {1.0, 2.0});
  const std::string s = p.str();
  CHECK(s.find("<title>" + name + "</title>") != std::string::npos);
  // legend up to 40 % of 820 px: (328 - 56) / 7 = 38 characters, "..." included
  CHECK(s.find(">" + std::string(35, 'n') + "...</text>") != std::string::npos);
}
