// SPDX-License-Identifier: MIT
// Shared input handling of the scaling-law subcommands (fit, predict, choose): files, laws, areas.
#ifndef LRS_TOOLS_SCALING_LAW_IO_HPP
#define LRS_TOOLS_SCALING_LAW_IO_HPP

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include <lrs/analysis/multi_power_law.hpp>
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/core/format.hpp>
#include <lrs/io/csv.hpp>
#include <lrs/io/parse_schedule.hpp>

#include "commands.hpp"

namespace lrs_tool {

/// Options shared by the scaling-law subcommands: lambda and the warm-up convention.
struct area_flags {
  double lambda = 0.999;
  std::int64_t warmup_steps = -1;
  bool as_recorded = false;
  CLI::Option* lambda_option = nullptr;

  void add_to(CLI::App& cmd) {
    lambda_option =
        cmd.add_option("--lambda", lambda,
                       "decay factor of the annealing momentum, in [0, 1] (default: the lambda "
                       "of an --law given as `lrs fit` JSON, else 0.999)")
            ->capture_default_str();
    cmd.add_option("--warmup-steps", warmup_steps,
                   "steps 0..W count at the peak LR in S1/S2 (-1: detect the first peak)")
        ->capture_default_str()
        ->transform(whole_number());
    cmd.add_flag("--warmup-as-recorded", as_recorded,
                 "use the LR curve as it is instead of counting warm-up at the peak LR");
  }
  [[nodiscard]] lrs::area_options options() const {
    lrs::area_options o;
    o.lambda = lambda;
    o.warmup_steps = warmup_steps;
    o.warmup = as_recorded ? lrs::warmup_convention::as_recorded : lrs::warmup_convention::at_peak;
    o.validate("area_options");
    return o;
  }
};

/// An LR curve file (`step,lr`, steps 0, 1, 2, ... without gaps, LRs finite and >= 0).
struct lr_curve {
  std::string source;
  std::vector<double> lr;
};

inline lr_curve read_lr_curve(const std::string& path) {
  const auto s = lrs::read_step_series_file(path, "step", "lr");
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.steps[i] != static_cast<lrs::step_t>(i))
      s.fail(i, "LR curve steps must be 0, 1, 2, ... without gaps: expected step " +
                    std::to_string(i) + ", got " + std::to_string(s.steps[i]));
    if (s.values[i] < 0)
      s.fail(i, "lr must be >= 0, got " + lrs::detail::format_value(s.values[i]));
  }
  return {path, s.values};
}

/// Most steps of a curve the scaling-law commands hold in memory: each step takes a few doubles
/// (LR, S1, S2, loss), about 3 GB at this limit.
constexpr std::int64_t max_curve_steps = 100'000'000;

/// Throws usage_error unless 0 < steps <= max_curve_steps, before anything is allocated.
inline void check_curve_steps(const std::string& who, std::int64_t steps) {
  if (steps <= 0) throw usage_error(who + "--steps must be > 0, got " + std::to_string(steps));
  if (steps > max_curve_steps)
    throw usage_error(who + "--steps must be <= " + std::to_string(max_curve_steps) +
                      " (the curve is held in memory, some 32 bytes a step), got " +
                      std::to_string(steps));
}

/// A schedule spec evaluated at steps 0..steps-1.
inline lr_curve schedule_curve(const std::string& spec, double lr, std::int64_t steps) {
  check_curve_steps("", steps);
  lrs::spec_context ctx;
  ctx.lr = lr;
  ctx.steps = steps;
  const auto sched = lrs::parse_schedule(spec, ctx);
  lr_curve out{spec, std::vector<double>(static_cast<std::size_t>(steps))};
  for (std::int64_t t = 0; t < steps; ++t) out.lr[static_cast<std::size_t>(t)] = sched(t);
  return out;
}

/// A loss file (`step,loss`) checked against the LR curve it goes with.
inline lrs::step_series read_losses(const std::string& path, const lr_curve& curve) {
  auto s = lrs::read_step_series_file(path, "step", "loss");
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!(s.values[i] > 0))
      s.fail(i, "loss must be > 0, got " + lrs::detail::format_value(s.values[i]));
    if (s.steps[i] >= static_cast<lrs::step_t>(curve.lr.size()))
      s.fail(i, "step " + std::to_string(s.steps[i]) + " is beyond the LR curve (" + curve.source +
                    " has steps 0.." + std::to_string(curve.lr.size() - 1) + ")");
  }
  return s;
}

/// A run file `step,lr,loss` (one CSV per run, as training logs export it; more columns are
/// ignored; `loss_column` names the loss, e.g. a validation loss `val_loss`). Its LR column gives
/// every step's LR when it holds steps 0, 1, 2, ... without gaps; otherwise (LR logged every k
/// steps) `schedule`, when given, gives every step's LR and each logged LR must agree with it to
/// 1e-6 relative. The loss logged at step k is the loss after the update of step k (the law's S1
/// includes the LR of step k).
/// @throws usage_error / csv_error naming the file, line and value.
inline lrs::loss_run read_run(const std::string& path, const std::optional<lr_curve>& schedule,
                              const std::string& loss_column = "loss") {
  std::ifstream in(path);
  if (!in) throw usage_error("--run: cannot read " + lrs::detail::csv_quote(path));
  const auto cols = lrs::read_csv(in, {"step", "lr", loss_column}, path);
  const auto& st = cols["step"];
  const auto& lr = cols["lr"];
  const auto& loss = cols[loss_column];
  lrs::loss_run run;
  bool dense = !st.empty();
  for (std::size_t i = 0; i < st.size(); ++i) {
    if (!(st[i] >= 0 && st[i] == std::floor(st[i]) && st[i] < 9e15))
      throw usage_error("--run " + path + ": step must be a whole number >= 0, got " +
                        lrs::detail::format_number(st[i]) + " (row " + std::to_string(i + 1) + ")");
    if (st[i] != static_cast<double>(i)) dense = false;
    if (!(lr[i] >= 0))
      throw usage_error("--run " + path + ": lr must be >= 0, got " +
                        lrs::detail::format_number(lr[i]) + " at step " +
                        lrs::detail::format_number(st[i]));
    if (i > 0 && !(st[i] > st[i - 1]))
      throw usage_error("--run " + path + ": steps must increase, got " +
                        lrs::detail::format_number(st[i]) + " after " +
                        lrs::detail::format_number(st[i - 1]));
  }
  if (schedule) {
    run.lr = schedule->lr;
    for (std::size_t i = 0; i < st.size(); ++i) {
      const auto k = static_cast<std::size_t>(st[i]);
      if (k >= run.lr.size())
        throw usage_error("--run " + path + ": step " + std::to_string(k) + " is beyond " +
                          schedule->source + " (" + std::to_string(run.lr.size()) + " steps)");
      if (std::abs(run.lr[k] - lr[i]) > 1e-6 * std::max(std::abs(lr[i]), 1e-300))
        throw usage_error("--run " + path + ": the logged lr " + lrs::detail::format_number(lr[i]) +
                          " at step " + std::to_string(k) + " is not the schedule's " +
                          lrs::detail::format_number(run.lr[k]) + " (" + schedule->source + ")");
    }
  } else if (dense) {
    run.lr = lr;
  } else {
    throw usage_error("--run " + path + ": the lr column is logged at some steps only (first " +
                      lrs::detail::format_number(st.front()) +
                      "); the laws need every step's LR: give the run's --schedule SPEC with --lr "
                      "and --steps, or log the LR at every step");
  }
  for (std::size_t i = 0; i < st.size(); ++i) {
    if (!std::isfinite(loss[i])) continue;  // a step with the LR only
    run.steps.push_back(static_cast<lrs::step_t>(st[i]));
    run.losses.push_back(loss[i]);
  }
  return run;
}

/// Parses `L0=...,A=...,alpha=...,C=...` (any order, each exactly once).
inline lrs::annealing_law parse_law_pairs(const std::string& text) {
  const char* names[4] = {"L0", "A", "alpha", "C"};
  double v[4] = {0, 0, 0, 0};
  bool seen[4] = {false, false, false, false};
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw usage_error("--law: expected NAME=VALUE, got " + lrs::detail::csv_quote(item) + " in " +
                        lrs::detail::csv_quote(text));
    const std::string name = item.substr(0, eq), value = item.substr(eq + 1);
    int k = -1;
    for (int j = 0; j < 4; ++j)
      if (name == names[j]) k = j;
    if (k < 0)
      throw usage_error("--law: unknown parameter " + lrs::detail::csv_quote(name) +
                        " (use L0, A, alpha, C)");
    if (seen[k]) throw usage_error("--law: " + name + " given twice");
    char* end = nullptr;
    v[k] = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size())
      throw usage_error("--law: " + name + " is not a number: " + lrs::detail::csv_quote(value));
    seen[k] = true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  for (int j = 0; j < 4; ++j)
    if (!seen[j])
      throw usage_error("--law: missing " + std::string(names[j]) + " in " +
                        lrs::detail::csv_quote(text));
  return lrs::annealing_law(v[0], v[1], v[2], v[3]);
}

/// A law read from `--law`, with the lambda it was fitted with when the text says.
struct law_input {
  lrs::annealing_law law;
  std::optional<double> lambda;
  /// Set when the JSON is a Multi-Power Law (`lrs fit --law mpl`: it has B, beta and gamma).
  std::optional<lrs::multi_power_law> mpl;
  /// The half-width of the prediction interval (`lrs fit --law auto`: "interval").
  std::optional<double> interval;
  /// The momentum law's JSON says "warmup": "as_recorded".
  bool as_recorded = false;
};

namespace detail {

/// The numbers of the top-level members of a JSON object (nested values are skipped), as `lrs fit`
/// prints it: {"L0": 2.1, "A": 0.4, ..., "runs": [...]}. A member that is null is left out.
/// @throws usage_error for text that is not one JSON object.
inline std::vector<std::pair<std::string, double>> json_top_numbers(const std::string& text) {
  std::size_t i = 0;
  const auto fail = [&](const std::string& what) {
    throw usage_error("--law: not the JSON that `lrs fit` prints: " + what + " at byte " +
                      std::to_string(i + 1));
  };
  const auto ws = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  const auto string_at = [&]() -> std::string {
    if (i >= text.size() || text[i] != '"') fail("expected a string");
    std::string out;
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      out.push_back(text[i]);
    }
    if (i >= text.size()) fail("unterminated string");
    ++i;
    return out;
  };
  // Skips one value (string, number, literal, array or object), nested to any depth.
  const auto skip_value = [&] {
    std::size_t depth = 0;
    do {
      ws();
      if (i >= text.size()) fail("unexpected end");
      const char c = text[i];
      if (c == '"') {
        (void)string_at();
      } else if (c == '{' || c == '[') {
        ++depth;
        ++i;
      } else if (c == '}' || c == ']') {
        if (depth == 0) fail("unexpected '" + std::string(1, c) + "'");
        --depth;
        ++i;
      } else if (c == ',' || c == ':') {
        ++i;
      } else {  // a number or a literal (true, false, null)
        while (i < text.size() && std::string(",:]} \t\r\n").find(text[i]) == std::string::npos)
          ++i;
      }
    } while (depth > 0);
  };
  std::vector<std::pair<std::string, double>> out;
  ws();
  if (i >= text.size() || text[i] != '{') fail("expected '{'");
  ++i;
  ws();
  if (i < text.size() && text[i] == '}') return out;
  for (;;) {
    ws();
    const std::string key = string_at();
    ws();
    if (i >= text.size() || text[i] != ':') fail("expected ':'");
    ++i;
    ws();
    const std::size_t start = i;
    if (i < text.size() && (text[i] == '-' || std::isdigit(static_cast<unsigned char>(text[i])))) {
      char* end = nullptr;
      const double v = std::strtod(text.c_str() + i, &end);
      i = static_cast<std::size_t>(end - text.c_str());
      if (i == start) fail("bad number");
      out.emplace_back(key, v);
    } else {
      skip_value();
    }
    ws();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (i < text.size() && text[i] == '}') break;
    fail("expected ',' or '}'");
  }
  ++i;
  ws();
  if (i != text.size()) fail("text after the object");
  return out;
}

/// At most `limit` bytes of `in`; more is an error (a law is a few hundred bytes).
inline std::string read_small(std::istream& in, const std::string& name) {
  constexpr std::size_t limit = 1 << 20;
  std::string text;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit)
      throw usage_error("--law: " + name + " is larger than 1 MiB; a law is a few hundred bytes");
  }
  if (in.bad()) throw usage_error("--law: cannot read " + name);
  return text;
}

}  // namespace detail

/// Reads `--law`: NAME=VALUE pairs (`L0=...,A=...,alpha=...,C=...`), or the JSON that `lrs fit`
/// prints, given inline, as the path of a file, or as `-` for stdin (text with '=' is read as
/// pairs unless a file of that name exists). The JSON's lambda comes with it.
/// @throws usage_error naming what is wrong.
inline law_input read_law(const std::string& arg) {
  std::string text = arg;
  std::string from = "--law";
  if (arg == "-") {
    text = detail::read_small(std::cin, "stdin");
    from = "--law - (stdin)";
  } else if (std::error_code ec;
             arg.find('{') == std::string::npos &&
             (arg.find('=') == std::string::npos || std::filesystem::is_regular_file(arg, ec))) {
    if (std::filesystem::is_directory(arg, ec))
      throw usage_error("--law: " + arg + " is a directory, not a law");
    std::ifstream f(arg, std::ios::binary);
    if (!f)
      throw usage_error("--law: " + lrs::detail::csv_quote(arg) +
                        " is neither L0=...,A=...,alpha=...,C=... nor `lrs fit` JSON nor a "
                        "readable file");
    text = detail::read_small(f, arg);
    from = "--law " + arg;
  }
  const auto b = text.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) throw usage_error(from + " is empty");
  if (text[b] != '{') {
    const auto e = text.find_last_not_of(" \t\r\n");
    return {parse_law_pairs(text.substr(b, e - b + 1)), std::nullopt, std::nullopt, std::nullopt,
            false};
  }
  const auto members = detail::json_top_numbers(text);
  const auto number = [&](const char* name) -> std::optional<double> {
    for (const auto& m : members)
      if (m.first == name) return m.second;
    return std::nullopt;
  };
  if (number("B") && number("beta") && number("gamma")) {
    const char* mpl_names[7] = {"L0", "A", "alpha", "B", "C", "beta", "gamma"};
    std::array<double, 7> p{};
    for (std::size_t j = 0; j < 7; ++j) {
      const auto v = number(mpl_names[j]);
      if (!v)
        throw usage_error(from + ": the Multi-Power Law JSON has no number \"" +
                          std::string(mpl_names[j]) + "\" (null or missing: did the fit fail?)");
      p[j] = *v;
    }
    // "convention": "paper" (a string member; the numbers' reader skips strings).
    const bool paper = text.find("\"convention\": \"paper\"") != std::string::npos;
    law_input out{};
    out.mpl =
        lrs::multi_power_law(p, paper ? lrs::mpl_convention::paper : lrs::mpl_convention::code);
    out.interval = number("interval");
    return out;
  }
  const char* names[4] = {"L0", "A", "alpha", "C"};
  double v[4] = {0, 0, 0, 0};
  for (int j = 0; j < 4; ++j) {
    bool seen = false;
    for (const auto& m : members)
      if (m.first == names[j]) {
        v[j] = m.second;
        seen = true;
      }
    if (!seen)
      throw usage_error(from + ": the JSON has no number \"" + std::string(names[j]) +
                        "\" (null or missing: did the fit fail?)");
  }
  law_input out{lrs::annealing_law(v[0], v[1], v[2], v[3]), std::nullopt, std::nullopt,
                number("interval"), text.find("\"warmup\": \"as_recorded\"") != std::string::npos};
  for (const auto& m : members)
    if (m.first == "lambda") out.lambda = m.second;
  return out;
}

/// The law of `--law` (any form read_law reads).
inline lrs::annealing_law parse_law(const std::string& text) {
  return read_law(text).law;
}

/// The area options of `flags`, with the lambda of `law` unless --lambda was given, and the
/// warm-up rule as_recorded when the law was fitted with it.
inline lrs::area_options areas_for(const area_flags& flags, const law_input& law) {
  area_flags f = flags;
  if (law.lambda && (f.lambda_option == nullptr || f.lambda_option->count() == 0))
    f.lambda = *law.lambda;
  if (law.as_recorded) f.as_recorded = true;  // the rule the law was fitted with
  return f.options();
}

/// `text` as the inside of a JSON string: quotes, backslashes and control bytes escaped.
inline std::string json_escape(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

/// A double as JSON: 17 significant digits, null when not finite.
inline std::string json_number(double v) {
  return std::isfinite(v) ? lrs::detail::format_number(v, 17) : std::string("null");
}

}  // namespace lrs_tool

#endif  // LRS_TOOLS_SCALING_LAW_IO_HPP
