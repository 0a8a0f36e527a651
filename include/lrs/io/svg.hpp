// SPDX-License-Identifier: MIT
// lrs::svg_plot: a small line-plot writer (several series, axes, ticks, labels, legend, log-y).
#ifndef LRS_IO_SVG_HPP
#define LRS_IO_SVG_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/core/error.hpp>
#include <lrs/core/format.hpp>

namespace lrs {

/// Appearance of an svg_plot.
struct svg_plot_options {
  std::string title;     ///< drawn above the plot; empty for none
  std::string x_label;   ///< under the x axis
  std::string y_label;   ///< left of the y axis, rotated
  bool log_y = false;    ///< logarithmic y axis (every y must then be > 0)
  bool markers = false;  ///< a dot at every point as well as the line
  int width = 820;       ///< pixels, >= 300; grows when the legend needs more room
  int height = 480;      ///< pixels, >= 200
  /// Legend entries from the highest last value to the lowest (the order of the lines at the
  /// right end of the plot); false: in the order the series were added.
  bool legend_by_last_value = true;

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = svg_plot_options{}.with_title(...)`); they do not validate, the function taking
  // the options does.
  /// Sets `title` (see the field); returns *this for chaining.
  svg_plot_options& with_title(std::string v) {
    title = std::move(v);
    return *this;
  }
  /// Sets `x_label` (see the field); returns *this for chaining.
  svg_plot_options& with_x_label(std::string v) {
    x_label = std::move(v);
    return *this;
  }
  /// Sets `y_label` (see the field); returns *this for chaining.
  svg_plot_options& with_y_label(std::string v) {
    y_label = std::move(v);
    return *this;
  }
  /// Sets `log_y` (see the field); returns *this for chaining.
  svg_plot_options& with_log_y(bool v) noexcept {
    log_y = v;
    return *this;
  }
  /// Sets `markers` (see the field); returns *this for chaining.
  svg_plot_options& with_markers(bool v) noexcept {
    markers = v;
    return *this;
  }
  /// Sets `width` (see the field); returns *this for chaining.
  svg_plot_options& with_width(int v) noexcept {
    width = v;
    return *this;
  }
  /// Sets `height` (see the field); returns *this for chaining.
  svg_plot_options& with_height(int v) noexcept {
    height = v;
    return *this;
  }
  /// Sets `legend_by_last_value` (see the field); returns *this for chaining.
  svg_plot_options& with_legend_by_last_value(bool v) noexcept {
    legend_by_last_value = v;
    return *this;
  }
};

namespace detail {

/// Length of the UTF-8 character at the start of `s` (non-empty) if it is one XML 1.0 allows in
/// text (tab, line feed, carriage return, U+0020 to U+D7FF, U+E000 to U+FFFD, U+10000 to
/// U+10FFFF) and prints (not DEL or a C1 control); 0 for a control character, a byte that does
/// not start a well-formed UTF-8 sequence, U+FFFE or U+FFFF.
inline std::size_t svg_xml_char(std::string_view s) noexcept {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return (b0 >= 0x20 && b0 != 0x7F) || b0 == '\t' || b0 == '\n' || b0 == '\r';
  std::size_t n = 0;
  std::uint32_t cp = 0, min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF ||
      (cp >= 0x80 && cp <= 0x9F))
    return 0;
  return n;
}

/// Text for an SVG (XML 1.0) document: the five XML special characters escaped, and every byte
/// XML cannot hold (control characters, malformed UTF-8, U+FFFE, U+FFFF; C1 controls) written
/// visibly as `\xNN` (each byte), so that a title, label or series name from anywhere (a spec
/// comment, a CSV header, a command line) always gives a well-formed document. Tab, line feed and
/// carriage return are kept.
inline std::string svg_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = svg_xml_char(s.substr(i));
    if (n == 0) {
      constexpr char hex[] = "0123456789abcdef";
      const auto b = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out += hex[b >> 4];
      out += hex[b & 0xF];
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    switch (const char c = s[i++]) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// A number as it reads on an axis ("0.25", "1000", "1e-05"): format_number with six
/// significant digits at most.
inline std::string svg_number(double v) {
  return format_number(v, 6);
}

/// Pixel coordinate with two decimals (format_fixed).
inline std::string svg_coord(double v) {
  return format_fixed(v, 2);
}

/// "Nice" tick step for [lo, hi] aiming at about `target` intervals: 1, 2 or 5 times a power of
/// ten. @pre hi > lo, both finite.
inline double nice_step(double lo, double hi, int target = 5) {
  const double rough = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(rough)));
  const double norm = rough / mag;
  const double k = norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0;
  return k * mag;
}

/// Axis range, ticks and tick labels.
struct svg_axis {
  double lo = 0, hi = 1;
  bool log = false;
  std::vector<double> ticks;
  std::vector<std::string> labels;  ///< one per tick, all in one notation (svg_tick_labels)
};

/// Tick labels in one notation: plain decimals ("0.25", "1000") when every tick reads well so
/// (nonzero magnitudes in [1e-3, 1e5)), else every label in scientific notation with the shortest
/// mantissa ("1e-4", "2.5e-5", "1e6"), never "0.0001" next to "1e-05". Zero is "0".
inline std::vector<std::string> svg_tick_labels(const std::vector<double>& ticks) {
  bool plain = true;
  for (const double t : ticks) {
    const double m = std::abs(t);
    if (m != 0 && (m < 1e-3 || m >= 1e5)) plain = false;
  }
  std::vector<std::string> out;
  for (const double t : ticks) {
    if (t == 0 || plain) {
      out.push_back(t == 0 ? "0" : format_number(t, 6));
      continue;
    }
    const int e = static_cast<int>(std::floor(std::log10(std::abs(t)) + 1e-9));
    double mant = t / std::pow(10.0, e);
    mant = std::round(mant * 1e5) / 1e5;
    out.push_back(format_number(mant, 6) + "e" + std::to_string(e));
  }
  return out;
}

/// The axis over data in [lo, hi] (lo <= hi, finite; > 0 on a log axis), with `pad` (a fraction
/// of the data's span, of its decades on a log axis) of headroom on each side so that no line
/// lies on the frame; pad = 0 ends the axis exactly at the data (the x axis). A degenerate range
/// is widened around its value (by 10 %, or by 1 around zero; by half a decade on a log axis).
/// Linear ticks: the multiples of a 1-2-5 step (nice_step) inside the range. Log ticks: the
/// powers of ten inside it (over more than 8 decades only those whose exponent is a multiple of k,
/// about decades / 8), with 2 and 5 times them when the range spans two decades or less, and 1-2-5
/// linear ticks when that still leaves fewer than two.
inline svg_axis make_axis(double lo, double hi, bool log, double pad = 0.05) {
  svg_axis a;
  a.log = log;
  if (log) {
    double l = std::log10(lo), h = std::log10(hi);
    if (!(h > l)) {
      l -= 0.5;
      h += 0.5;
    } else {
      const double p = pad * (h - l);
      l -= p;
      h += p;
    }
    a.lo = std::pow(10.0, l);
    a.hi = std::pow(10.0, h);
    const auto inside = [&](double v) { return v >= a.lo * (1 - 1e-9) && v <= a.hi * (1 + 1e-9); };
    const int e0 = static_cast<int>(std::floor(l)), e1 = static_cast<int>(std::ceil(h));
    const int decades = e1 - e0;
    const int every = decades > 8 ? (decades + 7) / 8 : 1;
    for (int e = e0; e <= e1; ++e) {
      const double p10 = std::pow(10.0, e);
      if (((e % every) + every) % every == 0 && inside(p10)) a.ticks.push_back(p10);
      if (h - l <= 2.0 + 1e-9) {
        if (inside(2 * p10)) a.ticks.push_back(2 * p10);
        if (inside(5 * p10)) a.ticks.push_back(5 * p10);
      }
    }
    if (a.ticks.size() < 2) {
      a.ticks.clear();
      const double step = nice_step(a.lo, a.hi);
      for (double v = std::ceil(a.lo / step - 1e-9) * step; v <= a.hi * (1 + 1e-9); v += step)
        if (v > 0) a.ticks.push_back(std::round(v / step) * step);
    }
    std::sort(a.ticks.begin(), a.ticks.end());
    a.labels = svg_tick_labels(a.ticks);
    return a;
  }
  if (!(hi > lo)) {
    const double p = lo == 0.0 ? 1.0 : std::abs(lo) * 0.1;
    lo -= p;
    hi += p;
  } else {
    const double p = pad * (hi - lo);
    lo -= p;
    hi += p;
  }
  a.lo = lo;
  a.hi = hi;
  const double step = nice_step(lo, hi);
  const long first = std::lround(std::ceil(lo / step - 1e-9)),
             last = std::lround(std::floor(hi / step + 1e-9));
  for (long i = first; i <= last; ++i) {
    double v = static_cast<double>(i) * step;
    if (std::abs(v) < step * 1e-9) v = 0.0;
    a.ticks.push_back(v);
  }
  a.labels = svg_tick_labels(a.ticks);
  return a;
}

/// `s` cut to at most `n` bytes ending in "..." when longer, never inside a UTF-8 sequence.
inline std::string svg_shorten(const std::string& s, std::size_t n) {
  if (s.size() <= n || n < 4) return s;
  std::size_t cut = n - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

/// Indices of the points of a polyline worth drawing: the first, the last, and as few others as
/// keep every left-out point within `tolerance` pixels of the drawn segment that replaces it
/// (and between its ends). Straight runs (constant or linear stretches of a schedule) shrink to a
/// point every `max_span` steps, corners (the drops of a step schedule) are kept, and the cost is
/// at most n * max_span distance checks.
inline std::vector<std::size_t> svg_simplify(const std::vector<double>& px,
                                             const std::vector<double>& py, double tolerance = 0.25,
                                             std::size_t max_span = 64) {
  std::vector<std::size_t> keep;
  const std::size_t n = std::min(px.size(), py.size());
  if (n == 0) return keep;
  const auto covers = [&](std::size_t a, std::size_t b) {
    const double dx = px[b] - px[a], dy = py[b] - py[a];
    const double len2 = dx * dx + dy * dy;
    for (std::size_t j = a + 1; j < b; ++j) {
      const double ux = px[j] - px[a], uy = py[j] - py[a];
      const double along = len2 > 0 ? (ux * dx + uy * dy) / len2 : 0.0;
      const double cx = ux - std::clamp(along, 0.0, 1.0) * dx;
      const double cy = uy - std::clamp(along, 0.0, 1.0) * dy;
      if (cx * cx + cy * cy > tolerance * tolerance) return false;
    }
    return true;
  };
  keep.push_back(0);
  for (std::size_t k = 1; k + 1 < n; ++k) {
    const std::size_t a = keep.back();
    if (k + 1 - a > max_span || !covers(a, k + 1)) keep.push_back(k);
  }
  if (n > 1) keep.push_back(n - 1);
  return keep;
}

}  // namespace detail

/// A line plot written as a standalone SVG 1.1 document that any browser shows: one polyline per
/// series (points within a quarter pixel of a straight line through their neighbours are left
/// out), optionally with a shaded band (say, mean +- sd over seeds), axes with "nice" ticks (1-2-5
/// steps, or powers of ten on a log y axis) in one notation per axis, axis labels, a title and a
/// legend to the right of the plot.
///
/// What a reader can trust: the x axis ends where the data ends; the y axis has 5 % headroom
/// (of the span, of the decades on a log axis) above and below the data and bands, so that no
/// line lies on the frame; nothing is clipped; colours come from the Okabe-Ito palette, which
/// stays distinguishable with the common colour-vision deficiencies (its yellow left out: too
/// pale on white), and series 8 on repeat them dashed, then dotted; the legend lists the series
/// in the order of their last value (highest first; legend_by_last_value); a long name widens
/// the document, never narrows the plot area (names longer than 60 characters are cut with
/// "...", the full name stays in the line's tooltip).
///
/// Standard library only. Numbers are written with std::to_chars (core/format.hpp), whatever the
/// locale.
///
/// @code
/// lrs::svg_plot plot({"LR", "step", "learning rate"});
/// plot.add_series("cosine", steps, lrs_values);
/// plot.write("lr.svg");
/// @endcode
class svg_plot {
 public:
  /// Left, right (legend), top and bottom margins around the plot area, in pixels, with a title.
  static constexpr double margin_left = 78;    ///< left of the plot area (y labels)
  static constexpr double legend_width = 190;  ///< right of the plot area (the legend)
  static constexpr double margin_top = 44;     ///< above the plot area (the title)
  static constexpr double margin_bottom = 58;  ///< below the plot area (x labels)
  /// Longest legend name drawn in full.
  static constexpr std::size_t legend_max_chars = 60;

  /// @throws lrs::invalid_argument if width < 300 or height < 200.
  explicit svg_plot(svg_plot_options options = {}) : opt_(std::move(options)) {
    detail::require(opt_.width >= 300, "svg_plot", "width", ">= 300", opt_.width);
    detail::require(opt_.height >= 200, "svg_plot", "height", ">= 200", opt_.height);
  }

  /// Adds a series drawn as a line through (x[i], y[i]) in order.
  /// @throws lrs::invalid_argument if x is empty, the sizes differ, a value is not finite, or the
  /// y axis is logarithmic and a y is <= 0. The plot is unchanged when it throws.
  svg_plot& add_series(std::string name, std::vector<double> x, std::vector<double> y) {
    check(x, y, "y");
    series_.push_back({std::move(name), std::move(x), std::move(y), {}, {}});
    return *this;
  }

  /// Adds a series with a band from lo[i] to hi[i] around it (drawn shaded in the series'
  /// colour, under every line), e.g. mean -+ standard deviation over seeds.
  /// @throws lrs::invalid_argument as the other overload, and if lo or hi differ in size from x,
  /// are not finite, lo[i] > hi[i], or (log y axis) lo[i] <= 0. The plot is unchanged then.
  svg_plot& add_series(std::string name, std::vector<double> x, std::vector<double> y,
                       std::vector<double> lo, std::vector<double> hi) {
    check(x, y, "y");
    check(x, lo, "lo");
    check(x, hi, "hi");
    for (std::size_t i = 0; i < lo.size(); ++i)
      detail::require(lo[i] <= hi[i], "svg_plot", "lo", "<= hi (" + svg_number(hi[i]) + ")", lo[i]);
    series_.push_back({std::move(name), std::move(x), std::move(y), std::move(lo), std::move(hi)});
    return *this;
  }

  /// Number of series added.
  [[nodiscard]] std::size_t size() const noexcept { return series_.size(); }
  /// The options it was made with.
  [[nodiscard]] const svg_plot_options& options() const noexcept { return opt_; }

  /// The x axis (range and ticks) the plot will draw: exactly the range of the data.
  [[nodiscard]] detail::svg_axis x_axis() const { return axis(true); }
  /// The y axis (range and ticks) the plot will draw: the data and bands with 5 % headroom.
  [[nodiscard]] detail::svg_axis y_axis() const { return axis(false); }

  /// Colour of series i: the Okabe-Ito palette without its yellow, seven colours.
  static std::string colour(std::size_t i) {
    static const char* const colours[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                          "#56B4E9", "#CC79A7", "#000000"};
    return colours[i % 7];
  }
  /// Dash pattern of series i: solid for the first seven, then dashed, then dotted, repeating.
  static std::string dash(std::size_t i) {
    static const char* const dashes[] = {"", "7 4", "2 3"};
    return dashes[(i / 7) % 3];
  }

  /// Indices of the series in legend order (see legend_by_last_value; ties keep the order added).
  [[nodiscard]] std::vector<std::size_t> legend_order() const {
    std::vector<std::size_t> order(series_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (opt_.legend_by_last_value)
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return series_[a].y.back() > series_[b].y.back();
      });
    return order;
  }

  /// Width of the document: options().width, plus what the legend needs beyond legend_width.
  [[nodiscard]] double document_width() const {
    std::size_t longest = 0;
    for (const auto& ser : series_)
      longest = std::max(longest, detail::svg_shorten(ser.name, legend_max_chars).size());
    const double legend = std::max(legend_width, 56.0 + 7.0 * static_cast<double>(longest));
    return opt_.width + (legend - legend_width);
  }

  /// The SVG document.
  [[nodiscard]] std::string str() const {
    const frame f = layout();
    std::string s;
    draw_header(s, f);
    draw_axes(s, f);
    draw_bands(s, f);
    draw_series(s, f);
    draw_legend(s, f);
    s += "</svg>\n";
    return s;
  }

  /// Writes str() to `path`.
  /// @throws std::runtime_error naming the file if it cannot be written.
  void write(const std::string& path) const {
    const std::string doc = str();
    std::ofstream f(path, std::ios::binary);
    if (f) f.write(doc.data(), static_cast<std::streamsize>(doc.size()));
    if (!f) LRS_THROW(std::runtime_error("lrs::svg_plot: cannot write " + path));
  }

 private:
  struct series {
    std::string name;
    std::vector<double> x, y, lo, hi;  // lo, hi: empty without a band
  };

  static std::string svg_number(double v) { return detail::svg_number(v); }

  // Where str() draws: the document's size, the plot area and the axes, and the map from data
  // to document coordinates.
  struct frame {
    double w, h, left, top, bottom, pw, ph;
    detail::svg_axis xa, ya;
    double tx(double v) const { return left + (v - xa.lo) / (xa.hi - xa.lo) * pw; }
    double ty(double v) const {
      const double f =
          ya.log ? (std::log10(v) - std::log10(ya.lo)) / (std::log10(ya.hi) - std::log10(ya.lo))
                 : (v - ya.lo) / (ya.hi - ya.lo);
      return top + (1.0 - f) * ph;
    }
  };

  frame layout() const {
    const double w = document_width(), h = opt_.height;
    const double left = margin_left, top = opt_.title.empty() ? 20 : margin_top,
                 bottom = margin_bottom;
    return {
        w,        h,       left, top, bottom, opt_.width - left - legend_width, h - top - bottom,
        x_axis(), y_axis()};
  }

  // The XML prologue, the <svg> element, the background and the title.
  void draw_header(std::string& s, const frame& f) const {
    s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + svg_number(f.w) + "\" height=\"" +
         svg_number(f.h) + "\" viewBox=\"0 0 " + svg_number(f.w) + " " + svg_number(f.h) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    if (!opt_.title.empty())
      s += "<text x=\"" + detail::svg_coord(f.left + f.pw / 2) +
           "\" y=\"26\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" +
           detail::svg_escape(opt_.title) + "</text>\n";
  }

  // Grid, tick labels, the frame and the axis labels.
  void draw_axes(std::string& s, const frame& f) const {
    using detail::svg_coord;
    using detail::svg_escape;
    const detail::svg_axis& xa = f.xa;
    const detail::svg_axis& ya = f.ya;
    s += "<g class=\"grid\" stroke=\"#e0e0e0\" stroke-width=\"1\">\n";
    for (const double t : xa.ticks)
      s += "<line x1=\"" + svg_coord(f.tx(t)) + "\" y1=\"" + svg_coord(f.top) + "\" x2=\"" +
           svg_coord(f.tx(t)) + "\" y2=\"" + svg_coord(f.top + f.ph) + "\"/>\n";
    for (const double t : ya.ticks)
      s += "<line x1=\"" + svg_coord(f.left) + "\" y1=\"" + svg_coord(f.ty(t)) + "\" x2=\"" +
           svg_coord(f.left + f.pw) + "\" y2=\"" + svg_coord(f.ty(t)) + "\"/>\n";
    s += "</g>\n<g class=\"ticks\">\n";
    for (std::size_t i = 0; i < xa.ticks.size(); ++i)
      s += "<text x=\"" + svg_coord(f.tx(xa.ticks[i])) + "\" y=\"" + svg_coord(f.top + f.ph + 18) +
           "\" text-anchor=\"middle\">" + xa.labels[i] + "</text>\n";
    for (std::size_t i = 0; i < ya.ticks.size(); ++i)
      s += "<text x=\"" + svg_coord(f.left - 8) + "\" y=\"" + svg_coord(f.ty(ya.ticks[i]) + 4) +
           "\" text-anchor=\"end\">" + ya.labels[i] + "</text>\n";
    s += "</g>\n";
    s += "<rect class=\"frame\" x=\"" + svg_coord(f.left) + "\" y=\"" + svg_coord(f.top) +
         "\" width=\"" + svg_coord(f.pw) + "\" height=\"" + svg_coord(f.ph) +
         "\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>\n";
    if (!opt_.x_label.empty())
      s += "<text x=\"" + svg_coord(f.left + f.pw / 2) + "\" y=\"" + svg_coord(f.h - 14) +
           "\" text-anchor=\"middle\" font-size=\"13\">" + svg_escape(opt_.x_label) + "</text>\n";
    if (!opt_.y_label.empty())
      s += "<text transform=\"translate(18," + svg_coord(f.top + f.ph / 2) +
           ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">" + svg_escape(opt_.y_label) +
           "</text>\n";
  }

  // The bands, under every line.
  void draw_bands(std::string& s, const frame& f) const {
    using detail::svg_coord;
    for (std::size_t i = 0; i < series_.size(); ++i) {
      const auto& ser = series_[i];
      if (ser.lo.empty()) continue;
      s += "<polygon class=\"band\" fill=\"" + colour(i) +
           "\" fill-opacity=\"0.18\" stroke=\"none\" points=\"";
      const std::size_t n = ser.x.size();
      std::vector<double> px(n), plo(n), phi(n);
      for (std::size_t k = 0; k < n; ++k) {
        px[k] = f.tx(ser.x[k]);
        plo[k] = f.ty(ser.lo[k]);
        phi[k] = f.ty(ser.hi[k]);
      }
      bool first = true;
      for (const std::size_t k : detail::svg_simplify(px, phi)) {
        s += (first ? "" : " ") + svg_coord(px[k]) + "," + svg_coord(phi[k]);
        first = false;
      }
      const auto low = detail::svg_simplify(px, plo);
      for (auto it = low.rbegin(); it != low.rend(); ++it)
        s += " " + svg_coord(px[*it]) + "," + svg_coord(plo[*it]);
      s += "\"/>\n";
    }
  }

  // One polyline per series (with its name as tooltip), and its markers.
  void draw_series(std::string& s, const frame& f) const {
    using detail::svg_coord;
    s += "<g fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\">\n";
    for (std::size_t i = 0; i < series_.size(); ++i) {
      const auto& ser = series_[i];
      const std::string c = colour(i), d = dash(i);
      s += "<polyline class=\"series\" stroke=\"" + c + "\"" +
           (d.empty() ? "" : " stroke-dasharray=\"" + d + "\"") + " points=\"";
      std::vector<double> px(ser.x.size()), py(ser.y.size());
      for (std::size_t k = 0; k < ser.x.size(); ++k) {
        px[k] = f.tx(ser.x[k]);
        py[k] = f.ty(ser.y[k]);
      }
      bool first = true;
      for (const std::size_t k : detail::svg_simplify(px, py)) {
        if (!first) s += ' ';
        first = false;
        s += svg_coord(px[k]) + "," + svg_coord(py[k]);
      }
      s += "\"><title>" + detail::svg_escape(ser.name) + "</title></polyline>\n";
      if (opt_.markers)
        for (std::size_t k = 0; k < ser.x.size(); ++k)
          s += "<circle cx=\"" + svg_coord(px[k]) + "\" cy=\"" + svg_coord(py[k]) +
               "\" r=\"3.5\" fill=\"" + c + "\" stroke=\"none\"/>\n";
    }
    s += "</g>\n";
  }

  // The legend right of the plot area, in legend_order().
  void draw_legend(std::string& s, const frame& f) const {
    using detail::svg_coord;
    s += "<g class=\"legend\">\n";
    const auto order = legend_order();
    for (std::size_t row = 0; row < order.size(); ++row) {
      const std::size_t i = order[row];
      const double ly = f.top + 10 + 20.0 * static_cast<double>(row);
      const double lx = f.left + f.pw + 16;
      const std::string d = dash(i);
      s += "<line x1=\"" + svg_coord(lx) + "\" y1=\"" + svg_coord(ly) + "\" x2=\"" +
           svg_coord(lx + 24) + "\" y2=\"" + svg_coord(ly) + "\" stroke=\"" + colour(i) +
           "\" stroke-width=\"3\"" + (d.empty() ? "" : " stroke-dasharray=\"" + d + "\"") + "/>\n";
      s += "<text x=\"" + svg_coord(lx + 30) + "\" y=\"" + svg_coord(ly + 4) + "\">" +
           detail::svg_escape(detail::svg_shorten(series_[i].name, legend_max_chars)) + "</text>\n";
    }
    s += "</g>\n";
  }

  void check(const std::vector<double>& x, const std::vector<double>& y, const char* what) const {
    detail::require(!x.empty(), "svg_plot", "x", "non-empty", "0 points");
    detail::require(y.size() == x.size(), "svg_plot", what,
                    "as long as x (" + std::to_string(x.size()) + " points)",
                    std::to_string(y.size()) + " points");
    for (const double v : x) detail::require_finite("svg_plot", "x", v);
    for (const double v : y) {
      detail::require_finite("svg_plot", what, v);
      if (opt_.log_y) detail::require(v > 0.0, "svg_plot", what, "> 0 on a log y axis", v);
    }
  }

  detail::svg_axis axis(bool is_x) const {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    const auto take = [&](const std::vector<double>& v) {
      for (const double e : v) {
        lo = std::min(lo, e);
        hi = std::max(hi, e);
      }
    };
    for (const auto& ser : series_) {
      take(is_x ? ser.x : ser.y);
      if (!is_x) {
        take(ser.lo);
        take(ser.hi);
      }
    }
    if (series_.empty()) {
      lo = is_x || !opt_.log_y ? 0.0 : 0.1;
      hi = 1.0;
    }
    return detail::make_axis(lo, hi, !is_x && opt_.log_y, is_x ? 0.0 : 0.05);
  }

  svg_plot_options opt_;
  std::vector<series> series_;
};

}  // namespace lrs

#endif  // LRS_IO_SVG_HPP
