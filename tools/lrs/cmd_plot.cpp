// SPDX-License-Identifier: MIT
// `lrs plot`: the learning rates of one or more schedule specs over N steps, and series read from
// CSV files (a recorded LR, `lrs predict` output), as an SVG line plot.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <lrs/core/types.hpp>
#include <lrs/io/csv.hpp>
#include <lrs/io/parse_schedule.hpp>
#include <lrs/io/svg.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace lrs_tool {

namespace {

struct plot_options {
  double lr = std::numeric_limits<double>::quiet_NaN();  // NaN: not given
  lrs::step_t steps = -1;                                // -1: not given
  std::string out;
  std::string title;
  bool log_y = false;
  std::vector<std::string> specs;
  std::vector<std::string> csvs;  // FILE or FILE:COLUMN
};

/// The whole text of a CSV file, read once (it may be a pipe, `--csv <(cmd)`, that cannot be read
/// again).
std::string read_whole_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw usage_error(fmt::format("plot: --csv: '{}' is a directory, not a CSV file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error(fmt::format("plot: --csv: cannot open '{}'", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw usage_error(fmt::format("plot: --csv: cannot read '{}'", path));
  return text.str();
}

/// The header fields of CSV text (its first line that is not blank or a comment).
std::vector<std::string> csv_header(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    if (lrs::detail::is_skipped(line)) continue;
    std::vector<std::string> out;
    for (const auto f : lrs::detail::split_fields(line)) out.emplace_back(f);
    return out;
  }
  throw usage_error(fmt::format("plot: --csv: '{}' has no header line", path));
}

/// `--csv FILE[:COLUMN]`: x from the column `step`, y from COLUMN (default: the first column
/// that is not `step`). The part after the last ':' is the column unless it holds a '/'.
struct csv_series {
  std::string label, file, column;
  std::vector<double> x, y;
};

csv_series read_csv_series(const std::string& arg) {
  csv_series c;
  c.label = arg;
  c.file = arg;
  const auto colon = arg.rfind(':');
  if (colon != std::string::npos && colon + 1 < arg.size() &&
      arg.find('/', colon) == std::string::npos) {
    c.file = arg.substr(0, colon);
    c.column = arg.substr(colon + 1);
  }
  const std::string text = read_whole_file(c.file);
  if (c.column.empty()) {
    for (const auto& h : csv_header(text, c.file))
      if (h != "step") {
        c.column = h;
        break;
      }
    if (c.column.empty())
      throw usage_error(
          fmt::format("plot: --csv: '{}' has no column besides 'step' to plot", c.file));
    c.label = c.file + ":" + c.column;
  }
  try {
    std::istringstream in(text);
    const auto s = lrs::read_step_series(in, "step", c.column, c.file);
    c.x.assign(s.steps.begin(), s.steps.end());
    c.y = s.values;
  } catch (const lrs::csv_error& e) {
    throw usage_error(fmt::format("plot: --csv: {}", e.what()));
  }
  return c;
}

/// `name` ends in ".svg" (any case).
bool is_svg_path(const std::string& name) {
  if (name.size() < 5) return false;
  std::string ext = name.substr(name.size() - 4);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".svg";
}

void run_plot(const plot_options& o) {
  if (o.out != "-" && !is_svg_path(o.out))
    throw usage_error(fmt::format(
        "plot: --out must name a .svg file (or be - for stdout), got '{}': only SVG is written",
        o.out));
  if (o.specs.empty() && o.csvs.empty())
    throw usage_error("plot: give at least one schedule spec or --csv FILE[:COLUMN]");
  if (!o.specs.empty() && std::isnan(o.lr))
    throw usage_error("plot: --lr is required to plot a schedule spec");
  if (!o.specs.empty() && o.steps == -1)
    throw usage_error("plot: --steps is required to plot a schedule spec");
  if (!std::isnan(o.lr) && (!(o.lr > 0) || !std::isfinite(o.lr)))
    throw usage_error(fmt::format("plot: --lr must be > 0, got {}", o.lr));
  if (o.steps != -1 && o.steps < 1)
    throw usage_error(fmt::format("plot: --steps must be >= 1, got {}", o.steps));
  if (o.steps > 10'000'000)
    throw usage_error(fmt::format("plot: --steps must be <= 10000000, got {}", o.steps));
  std::vector<csv_series> csvs;
  for (const auto& arg : o.csvs) csvs.push_back(read_csv_series(arg));
  lrs::spec_context ctx;
  ctx.lr = o.lr > 0 ? o.lr : 1.0;
  if (o.steps > 0) ctx.steps = o.steps;
  lrs::svg_plot_options po;
  if (!o.title.empty())
    po.title = o.title;
  else if (!o.specs.empty())
    po.title = fmt::format("Learning rate over {} steps (lr {})", o.steps, o.lr);
  else
    po.title = csvs.size() == 1 ? csvs[0].label : "CSV series";
  po.x_label = "step";
  po.y_label = o.specs.empty() && csvs.size() == 1 ? csvs[0].column : "learning rate";
  po.log_y = o.log_y;
  lrs::svg_plot plot(po);
  std::vector<double> x(static_cast<std::size_t>(std::max<lrs::step_t>(o.steps, 0)));
  for (lrs::step_t t = 0; t < o.steps; ++t) x[static_cast<std::size_t>(t)] = static_cast<double>(t);
  std::vector<std::string> notes;
  for (const auto& spec : o.specs) {
    const auto s = lrs::parse_schedule(spec, ctx);
    std::vector<double> y(x.size());
    for (lrs::step_t t = 0; t < o.steps; ++t) y[static_cast<std::size_t>(t)] = s(t);
    std::vector<double> xs = x;
    if (o.log_y) {  // a log axis has no place for LR <= 0: leave those points out, and say so
      std::size_t kept = 0;
      lrs::step_t first_left_out = -1;
      for (std::size_t i = 0; i < y.size(); ++i) {
        if (y[i] > 0 || !std::isfinite(y[i])) {  // non-finite values are reported below
          xs[kept] = xs[i];
          y[kept++] = y[i];
        } else if (first_left_out < 0) {
          first_left_out = static_cast<lrs::step_t>(i);
        }
      }
      if (kept == 0)
        throw usage_error(fmt::format(
            "plot: cannot plot '{}' on a log y axis: its LR is <= 0 at every step", spec));
      if (kept < y.size())
        notes.push_back(fmt::format(
            "lrs: note: '{}': {} of {} steps have LR <= 0 (the first at step {}) and are left "
            "out of the log-y plot",
            spec, y.size() - kept, y.size(), first_left_out));
      xs.resize(kept);
      y.resize(kept);
    }
    try {
      plot.add_series(spec, std::move(xs), std::move(y));
    } catch (const lrs::invalid_argument& e) {
      throw usage_error(fmt::format("plot: cannot plot '{}': {}", spec, e.what()));
    }
  }
  for (auto& c : csvs) {
    if (o.log_y)
      for (const double v : c.y)
        if (!(v > 0))
          throw usage_error(fmt::format(
              "plot: --csv '{}': cannot plot {} on a log y axis (values must be > 0)", c.label, v));
    plot.add_series(c.label, std::move(c.x), std::move(c.y));
  }
  const std::string where = o.out == "-" ? "stdout" : o.out;
  if (o.out == "-") {
    const std::string doc = plot.str();
    errno = 0;
    if (std::fwrite(doc.data(), 1, doc.size(), stdout) != doc.size() || std::fflush(stdout) != 0)
      throw usage_error(fmt::format("plot: cannot write the SVG to stdout: {}",
                                    std::strerror(errno != 0 ? errno : EIO)));
  } else {
    write_file("plot: --out: ", o.out, plot.str());
  }
  // Status lines go to stderr: stdout is for data (the SVG itself with --out -).
  for (const auto& n : notes) fmt::print(stderr, "{}\n", n);
  std::string what;
  if (!o.specs.empty())
    what = fmt::format("{} schedule{}, steps 0..{}", o.specs.size(), o.specs.size() == 1 ? "" : "s",
                       o.steps - 1);
  if (!o.csvs.empty())
    what += fmt::format("{}{} CSV series", what.empty() ? "" : ", ", o.csvs.size());
  fmt::print(stderr, "wrote {} ({})\n", where, what);
}

}  // namespace

void add_plot_command(CLI::App& app) {
  auto o = std::make_shared<plot_options>();
  CLI::App* cmd = app.add_subcommand(
      "plot", "Plot the learning rate of one or more schedule specs over N steps as an SVG file");
  cmd->add_option("--lr", o->lr, "Initial (peak) learning rate the specs scale");
  cmd->add_option("--steps", o->steps,
                  "Number of steps to plot (also the budget of "
                  "budget-native schedules)")
      ->transform(whole_number());
  cmd->add_option("--out,-o", o->out, "Output SVG file (.svg), or - for stdout")->required();
  cmd->add_option("--title", o->title, "Plot title");
  cmd->add_flag("--log-y", o->log_y,
                "Logarithmic learning-rate axis (steps with LR <= 0 are left out, with a note)");
  cmd->add_option("--csv", o->csvs,
                  "Also plot a CSV series: FILE[:COLUMN], x from the column 'step', y from COLUMN "
                  "(default: the first other column), e.g. `lrs predict` output (repeatable)");
  cmd->add_option("specs", o->specs,
                  "Schedule specs in PyTorch call syntax, e.g. 'CosineAnnealingLR(T_max=100)' "
                  "(needs --lr and --steps)");
  cmd->callback([o] { run_plot(*o); });
}

}  // namespace lrs_tool
