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

TEST_CASE("svg axis: nice linear ticks in 1-2-5 steps inside the range", "[io][svg]") {
  using lrs::detail::make_axis;
  // pad 0 (the x axis): the axis is exactly the data's range.
  check_ticks(make_axis(0.0, 1.0, false, 0), {0, 0.2, 0.4, 0.6, 0.8, 1.0});
  const auto x = make_axis(0.0, 2339.0, false, 0);  // 2340 steps: ends at 2339, not 2500
  CHECK(x.lo == 0.0);
  CHECK(x.hi == 2339.0);
  check_ticks(x, {0, 500, 1000, 1500, 2000});
  // rough step 0.907/5 = 0.18 -> 0.2; ticks inside [0.013, 0.92] only.
  check_ticks(make_axis(0.013, 0.92, false, 0), {0.2, 0.4, 0.6, 0.8});
  // rough step 0.05/5 = 0.01
  check_ticks(make_axis(0.83, 0.88, false, 0), {0.83, 0.84, 0.85, 0.86, 0.87, 0.88});
  // 5 % headroom (the y axis): [0, 1] -> [-0.05, 1.05], so 0 and 1 are off the frame.
  const auto y = make_axis(0.0, 1.0, false);
  CHECK_THAT(y.lo, WithinAbs(-0.05, 1e-12));
  CHECK_THAT(y.hi, WithinAbs(1.05, 1e-12));
  check_ticks(y, {0, 0.2, 0.4, 0.6, 0.8, 1.0});
  // degenerate: [5, 5] -> [4.5, 5.5], ticks every 0.2
  check_ticks(make_axis(5.0, 5.0, false), {4.6, 4.8, 5.0, 5.2, 5.4});
  const auto a = make_axis(-0.3, 0.3, false, 0);
  CHECK_THAT(a.lo, WithinAbs(-0.3, 1e-12));
  CHECK_THAT(a.hi, WithinAbs(0.3, 1e-12));
  CHECK(a.ticks[3] == 0.0);  // exactly zero, printed "0" and not "-5.55e-17"
  CHECK(a.labels[3] == "0");
}

TEST_CASE("svg axis: log ticks at powers of ten, with headroom", "[io][svg]") {
  using lrs::detail::make_axis;
  const auto a = make_axis(0.003, 0.5, true);  // 2.22 decades, 0.11 of headroom each side
  CHECK_THAT(std::log10(a.lo),
             WithinAbs(std::log10(0.003) - 0.05 * std::log10(0.5 / 0.003), 1e-12));
  CHECK_THAT(std::log10(a.hi), WithinAbs(std::log10(0.5) + 0.05 * std::log10(0.5 / 0.003), 1e-12));
  check_ticks(a, {1e-2, 1e-1});
  CHECK(a.labels == std::vector<std::string>{"0.01", "0.1"});
  const auto b = make_axis(0.1, 0.1, true);  // one value: half a decade each side, 1-2-5
  check_ticks(b, {0.05, 0.1, 0.2});
  // Loss-like data in [0.25, 2.6]: 2 and 5 times the powers of ten inside.
  check_ticks(make_axis(0.25, 2.6, true), {0.5, 1, 2});
  const auto c = make_axis(1e-12, 1.0, true);  // 12 decades: every 2nd
  CHECK(c.ticks.size() == 7);
  CHECK_THAT(c.ticks[1], WithinRel(1e-10, 1e-9));
  // Within one power of ten: linear 1-2-5 ticks, so the axis has at least two.
  CHECK(make_axis(0.3, 0.6, true).ticks.size() >= 2);
}

TEST_CASE("svg tick labels: one notation per axis", "[io][svg]") {
  using lrs::detail::svg_tick_labels;
  CHECK(svg_tick_labels({1e-5, 1e-4, 1e-3}) == std::vector<std::string>{"1e-5", "1e-4", "1e-3"});
  CHECK(svg_tick_labels({1e-4, 2e-4, 5e-4, 1e-3}) ==
        std::vector<std::string>{"1e-4", "2e-4", "5e-4", "1e-3"});
  CHECK(svg_tick_labels({0, 2.5e-5, 5e-5}) == std::vector<std::string>{"0", "2.5e-5", "5e-5"});
  CHECK(svg_tick_labels({0.001, 0.01, 0.1}) == std::vector<std::string>{"0.001", "0.01", "0.1"});
  CHECK(svg_tick_labels({0, 0.25, 0.5}) == std::vector<std::string>{"0", "0.25", "0.5"});
  CHECK(svg_tick_labels({1e4, 1e5, 1e6}) == std::vector<std::string>{"1e4", "1e5", "1e6"});
  // An axis from a 1e-5 to 1e-2 schedule: never "0.0001" next to "1e-05".
  for (const auto& l : lrs::detail::make_axis(1e-5, 1e-2, true).labels)
    CHECK(l.find('e') != std::string::npos);
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
  // plot area: left 78, width 820-78-190 = 552; top 20 (no title), height 480-20-58 = 402;
  // x in [0, 1] exactly, y in [-0.05, 1.05]: y = 0 at 20 + 402 * 1.05 / 1.1 = 403.73, y = 1 at
  // 20 + 402 * 0.05 / 1.1 = 38.27
  CHECK(s.find("points=\"78.00,403.73 630.00,38.27\"") != std::string::npos);
  // three collinear points: the middle one is left out
  CHECK(s.find("points=\"78.00,38.27 630.00,403.73\"") != std::string::npos);
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
  // top 44 with a title, height 480-44-58 = 378; y = 0.1 is halfway between 0.01 and 1, and
  // so between the padded ends 10^-2.1 and 10^0.1
  CHECK(s.find("cy=\"233.00\"") != std::string::npos);
  // markers at the ends are whole: nothing is clipped
  CHECK(s.find("clip-path") == std::string::npos);
  CHECK(s.find("cx=\"78.00\"") != std::string::npos);
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
  // cut at 60 characters, "..." included
  CHECK(s.find(">" + std::string(57, 'n') + "...</text>") != std::string::npos);
  // The document widens for the legend (56 + 7 * 60 = 476 px instead of 190): the plot area keeps
  // its 552 px from x = 78 to 630.
  CHECK(p.document_width() == 820 + 476 - 190);
  CHECK(s.find("width=\"1106\"") != std::string::npos);
  CHECK(s.find("points=\"78.00,") != std::string::npos);
  CHECK(s.find(" 630.00,") != std::string::npos);
}

TEST_CASE("svg plot: headroom, x range, palette, legend order, bands", "[io][svg]") {
  // A constant LR at the peak over 2340 steps next to a decay to 0: both lines clear the frame.
  std::vector<double> x(2340), flat(2340, 0.05), decay(2340);
  for (std::size_t t = 0; t < x.size(); ++t) {
    x[t] = static_cast<double>(t);
    decay[t] = 0.05 * (1 - static_cast<double>(t) / 2340);
  }
  lrs::svg_plot p({"", "step", "lr"});
  p.add_series("constant", x, flat);
  p.add_series("linear", x, decay);
  const auto ya = p.y_axis();
  const double span = ya.hi - ya.lo;
  CHECK((ya.hi - 0.05) / span > 0.04);  // the constant line is >= 4 % of the height below the top
  CHECK((decay.back() - ya.lo) / span > 0.04);
  CHECK(p.x_axis().hi == 2339.0);  // x ends at the last step
  CHECK(p.x_axis().lo == 0.0);

  // Okabe-Ito, seven distinct colours; then the same colours dashed.
  std::vector<std::string> colours;
  for (std::size_t i = 0; i < 7; ++i) colours.push_back(lrs::svg_plot::colour(i));
  CHECK(colours == std::vector<std::string>{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9",
                                            "#CC79A7", "#000000"});
  CHECK(lrs::svg_plot::dash(6).empty());
  CHECK(!lrs::svg_plot::dash(7).empty());
  CHECK(lrs::svg_plot::dash(14) != lrs::svg_plot::dash(7));
  lrs::svg_plot many;
  for (int i = 0; i < 9; ++i) many.add_series("s" + std::to_string(i), {0, 1}, {0, 1.0 * i});
  const std::string m = many.str();
  CHECK(count(m, "<polyline class=\"series\" stroke=\"#0072B2\" stroke-dasharray=") == 1);

  // Legend from the highest last value down; ties and the option off keep the order added.
  lrs::svg_plot l;
  l.add_series("low", {0, 1}, {5, 1});
  l.add_series("high", {0, 1}, {0, 3});
  l.add_series("mid", {0, 1}, {9, 2});
  CHECK(l.legend_order() == std::vector<std::size_t>{1, 2, 0});
  const std::string ls = l.str();
  CHECK(ls.find(">high</text>") < ls.find(">mid</text>"));
  CHECK(ls.find(">mid</text>") < ls.find(">low</text>"));
  lrs::svg_plot_options keep;
  keep.legend_by_last_value = false;
  lrs::svg_plot k(keep);
  k.add_series("low", {0, 1}, {5, 1});
  k.add_series("high", {0, 1}, {0, 3});
  CHECK(k.legend_order() == std::vector<std::size_t>{0, 1});

  // A band: one shaded polygon under the lines, inside the y range.
  lrs::svg_plot b;
  b.add_series("mean", {10, 25, 50, 100}, {80, 84, 86, 87}, {79, 83.5, 85.8, 86.9},
               {81, 84.5, 86.2, 87.1});
  const std::string bs = b.str();
  CHECK(count(bs, "<polygon class=\"band\"") == 1);
  CHECK(bs.find("fill-opacity=\"0.18\"") != std::string::npos);
  CHECK(bs.find("<polygon") < bs.find("<polyline"));
  CHECK(b.y_axis().lo < 79);
  CHECK(b.y_axis().hi > 87.1);
  CHECK(b.x_axis().hi == 100);
  const std::string before = bs;
  CHECK_THROWS_WITH(b.add_series("bad", {0, 1}, {1, 1}, {0, 2}, {2, 1.5}),
                    "lrs::svg_plot: lo must be <= hi (1.5), got 2");
  CHECK_THROWS_WITH(b.add_series("bad", {0, 1}, {1, 1}, {0}, {2, 2}),
                    "lrs::svg_plot: lo must be as long as x (2 points), got 1 points");
  CHECK(b.str() == before);
}
