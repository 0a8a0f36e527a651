// SPDX-License-Identifier: MIT
// lrs::svg_plot: a small line-plot writer (several series, axes, ticks, labels, legend, log-y).
#ifndef LRS_IO_SVG_HPP
#define LRS_IO_SVG_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
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
  int width = 820;       ///< pixels, >= 300
  int height = 480;      ///< pixels, >= 200
};

namespace detail {

/// Escapes the five XML special characters.
inline std::string svg_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
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

/// Axis range and ticks. Linear: [lo, hi] widened to multiples of a nice step, ticks at every
/// multiple. Log: [10^floor(log10 lo), 10^ceil(log10 hi)], ticks at powers of ten (also at 2 and 5
/// times them over one or two decades; every k-th decade over more than 8). A degenerate range is
/// widened around its value.
struct svg_axis {
  double lo = 0, hi = 1;
  bool log = false;
  std::vector<double> ticks;
};

inline svg_axis make_axis(double lo, double hi, bool log) {
  svg_axis a;
  a.log = log;
  if (log) {
    double l = std::floor(std::log10(lo)), h = std::ceil(std::log10(hi));
    if (h <= l) h = l + 1;
    a.lo = std::pow(10.0, l);
    a.hi = std::pow(10.0, h);
    const int decades = static_cast<int>(h - l);
    const int every = decades > 8 ? (decades + 7) / 8 : 1;
    for (int e = 0; e <= decades; e += every) {
      a.ticks.push_back(std::pow(10.0, l + e));
      if (decades <= 2 && e < decades) {  // few decades: 2 and 5 as well
        a.ticks.push_back(2 * std::pow(10.0, l + e));
        a.ticks.push_back(5 * std::pow(10.0, l + e));
      }
    }
    return a;
  }
  if (!(hi > lo)) {
    const double pad = lo == 0.0 ? 1.0 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double step = nice_step(lo, hi);
  a.lo = std::floor(lo / step + 1e-9) * step;
  a.hi = std::ceil(hi / step - 1e-9) * step;
  const long n = std::lround((a.hi - a.lo) / step);
  for (long i = 0; i <= n; ++i) {
    double v = a.lo + static_cast<double>(i) * step;
    if (std::abs(v) < step * 1e-9) v = 0.0;
    a.ticks.push_back(std::round(v / step) * step);
  }
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
/// series in a ten-colour palette (points within a quarter pixel of a straight line through their
/// neighbours are left out), axes with "nice" ticks (1-2-5 steps, or powers of ten on a log
/// y axis), axis labels, a title and a legend to the right of the plot.
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
  /// @throws lrs::invalid_argument if width < 300 or height < 200.
  explicit svg_plot(svg_plot_options options = {}) : opt_(std::move(options)) {
    detail::require(opt_.width >= 300, "svg_plot", "width", ">= 300", opt_.width);
    detail::require(opt_.height >= 200, "svg_plot", "height", ">= 200", opt_.height);
  }

  /// Adds a series drawn as a line through (x[i], y[i]) in order.
  /// @throws lrs::invalid_argument if x is empty, the sizes differ, a value is not finite, or the
  /// y axis is logarithmic and a y is <= 0. The plot is unchanged when it throws.
  svg_plot& add_series(std::string name, std::vector<double> x, std::vector<double> y) {
    detail::require(!x.empty(), "svg_plot", "x", "non-empty", "0 points");
    detail::require(y.size() == x.size(), "svg_plot", "y",
                    "as long as x (" + std::to_string(x.size()) + " points)",
                    std::to_string(y.size()) + " points");
    for (const double v : x) detail::require_finite("svg_plot", "x", v);
    for (const double v : y) {
      detail::require_finite("svg_plot", "y", v);
      if (opt_.log_y) detail::require(v > 0.0, "svg_plot", "y", "> 0 on a log y axis", v);
    }
    series_.push_back({std::move(name), std::move(x), std::move(y)});
    return *this;
  }

  [[nodiscard]] std::size_t size() const noexcept { return series_.size(); }
  [[nodiscard]] const svg_plot_options& options() const noexcept { return opt_; }

  /// The x axis (range and ticks) the plot will draw.
  [[nodiscard]] detail::svg_axis x_axis() const { return axis(true); }
  /// The y axis (range and ticks) the plot will draw.
  [[nodiscard]] detail::svg_axis y_axis() const { return axis(false); }

  /// The SVG document.
  [[nodiscard]] std::string str() const {
    using detail::svg_coord;
    using detail::svg_escape;
    using detail::svg_number;
    const double w = opt_.width, h = opt_.height;
    // The legend sits right of the plot and widens for long names, up to 40 % of the width;
    // longer names are cut there with '...' (the full name stays in the line's tooltip).
    std::size_t longest = 0;
    for (const auto& ser : series_) longest = std::max(longest, ser.name.size());
    const double right = std::min(std::max(190.0, 0.4 * w),
                                  std::max(190.0, 56.0 + 7.0 * static_cast<double>(longest)));
    const auto legend_chars = static_cast<std::size_t>((right - 56.0) / 7.0);
    const double left = 78, top = opt_.title.empty() ? 20 : 44, bottom = 58;
    const double pw = w - left - right, ph = h - top - bottom;
    const detail::svg_axis xa = x_axis(), ya = y_axis();
    const auto tx = [&](double v) { return left + (v - xa.lo) / (xa.hi - xa.lo) * pw; };
    const auto ty = [&](double v) {
      const double f =
          ya.log ? (std::log10(v) - std::log10(ya.lo)) / (std::log10(ya.hi) - std::log10(ya.lo))
                 : (v - ya.lo) / (ya.hi - ya.lo);
      return top + (1.0 - f) * ph;
    };
    std::string s;
    s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + svg_number(w) + "\" height=\"" +
         svg_number(h) + "\" viewBox=\"0 0 " + svg_number(w) + " " + svg_number(h) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    if (!opt_.title.empty())
      s += "<text x=\"" + svg_coord(left + pw / 2) +
           "\" y=\"26\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" +
           svg_escape(opt_.title) + "</text>\n";
    s += "<defs><clipPath id=\"plot-area\"><rect x=\"" + svg_coord(left) + "\" y=\"" +
         svg_coord(top) + "\" width=\"" + svg_coord(pw) + "\" height=\"" + svg_coord(ph) +
         "\"/></clipPath></defs>\n";
    // Grid and ticks.
    s += "<g class=\"grid\" stroke=\"#e0e0e0\" stroke-width=\"1\">\n";
    for (const double t : xa.ticks)
      s += "<line x1=\"" + svg_coord(tx(t)) + "\" y1=\"" + svg_coord(top) + "\" x2=\"" +
           svg_coord(tx(t)) + "\" y2=\"" + svg_coord(top + ph) + "\"/>\n";
    for (const double t : ya.ticks)
      s += "<line x1=\"" + svg_coord(left) + "\" y1=\"" + svg_coord(ty(t)) + "\" x2=\"" +
           svg_coord(left + pw) + "\" y2=\"" + svg_coord(ty(t)) + "\"/>\n";
    s += "</g>\n<g class=\"ticks\">\n";
    for (const double t : xa.ticks)
      s += "<text x=\"" + svg_coord(tx(t)) + "\" y=\"" + svg_coord(top + ph + 18) +
           "\" text-anchor=\"middle\">" + svg_number(t) + "</text>\n";
    for (const double t : ya.ticks)
      s += "<text x=\"" + svg_coord(left - 8) + "\" y=\"" + svg_coord(ty(t) + 4) +
           "\" text-anchor=\"end\">" + svg_number(t) + "</text>\n";
    s += "</g>\n";
    s += "<rect x=\"" + svg_coord(left) + "\" y=\"" + svg_coord(top) + "\" width=\"" +
         svg_coord(pw) + "\" height=\"" + svg_coord(ph) +
         "\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>\n";
    if (!opt_.x_label.empty())
      s += "<text x=\"" + svg_coord(left + pw / 2) + "\" y=\"" + svg_coord(h - 14) +
           "\" text-anchor=\"middle\" font-size=\"13\">" + svg_escape(opt_.x_label) + "</text>\n";
    if (!opt_.y_label.empty())
      s += "<text transform=\"translate(18," + svg_coord(top + ph / 2) +
           ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">" + svg_escape(opt_.y_label) +
           "</text>\n";
    // Series.
    s += "<g clip-path=\"url(#plot-area)\" fill=\"none\" stroke-width=\"2\" "
         "stroke-linejoin=\"round\">\n";
    for (std::size_t i = 0; i < series_.size(); ++i) {
      const auto& ser = series_[i];
      const std::string colour = palette(i);
      s += "<polyline class=\"series\" stroke=\"" + colour + "\" points=\"";
      std::vector<double> px(ser.x.size()), py(ser.y.size());
      for (std::size_t k = 0; k < ser.x.size(); ++k) {
        px[k] = tx(ser.x[k]);
        py[k] = ty(ser.y[k]);
      }
      bool first = true;
      for (const std::size_t k : detail::svg_simplify(px, py)) {
        if (!first) s += ' ';
        first = false;
        s += svg_coord(px[k]) + "," + svg_coord(py[k]);
      }
      s += "\"><title>" + svg_escape(ser.name) + "</title></polyline>\n";
      if (opt_.markers)
        for (std::size_t k = 0; k < ser.x.size(); ++k)
          s += "<circle cx=\"" + svg_coord(tx(ser.x[k])) + "\" cy=\"" + svg_coord(ty(ser.y[k])) +
               "\" r=\"3.5\" fill=\"" + colour + "\" stroke=\"none\"/>\n";
    }
    s += "</g>\n";
    // Legend.
    s += "<g class=\"legend\">\n";
    for (std::size_t i = 0; i < series_.size(); ++i) {
      const double ly = top + 10 + 20.0 * static_cast<double>(i);
      const double lx = left + pw + 16;
      s += "<line x1=\"" + svg_coord(lx) + "\" y1=\"" + svg_coord(ly) + "\" x2=\"" +
           svg_coord(lx + 24) + "\" y2=\"" + svg_coord(ly) + "\" stroke=\"" + palette(i) +
           "\" stroke-width=\"3\"/>\n";
      s += "<text x=\"" + svg_coord(lx + 30) + "\" y=\"" + svg_coord(ly + 4) + "\">" +
           svg_escape(detail::svg_shorten(series_[i].name, legend_chars)) + "</text>\n";
    }
    s += "</g>\n</svg>\n";
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
    std::vector<double> x, y;
  };

  static std::string palette(std::size_t i) {
    static const char* const colours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    return colours[i % 10];
  }

  detail::svg_axis axis(bool is_x) const {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& ser : series_)
      for (const double v : is_x ? ser.x : ser.y) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    if (series_.empty()) {
      lo = is_x || !opt_.log_y ? 0.0 : 0.1;
      hi = 1.0;
    }
    return detail::make_axis(lo, hi, !is_x && opt_.log_y);
  }

  svg_plot_options opt_;
  std::vector<series> series_;
};

}  // namespace lrs

#endif  // LRS_IO_SVG_HPP
