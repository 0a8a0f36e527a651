// SPDX-License-Identifier: MIT
// `lrs curve`: the learning rate (and cycled momentum) of a spec string at every step, as CSV.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include <fmt/core.h>
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <lrs/core/format.hpp>
#include <lrs/io/parse_schedule.hpp>
#include <lrs/schedules/combinators.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace lrs_tool {

namespace {

struct curve_options {
  double lr = 1.0;
  lrs::step_t steps = 0;
  lrs::step_t every = 1;
  lrs::step_t from = 0;
  lrs::step_t to = 0;
  lrs::step_t steps_per_epoch = 0;
  bool per_epoch = false;  // --steps-per-epoch given: the spec is stepped once per epoch
  bool to_given = false;   // otherwise the last step is steps - 1
  std::string spec;
};

/// Output kept in memory before the first write: an error found while it fills (a bad value in
/// the first ~64 KiB of CSV) leaves stdout empty.
constexpr std::size_t flush_bytes = std::size_t{1} << 16;

/// Writes `out` to stdout. Returns false when the reader has gone (EPIPE: `lrs curve | head`).
bool write_out(const fmt::memory_buffer& out) {
  if (out.size() == 0) return true;
  if (std::fwrite(out.data(), 1, out.size(), stdout) == out.size() && std::fflush(stdout) == 0)
    return true;
  if (errno == EPIPE) {
    stdout_reader_gone() = true;
    return false;
  }
  throw usage_error(fmt::format("curve: cannot write the output: {}", std::strerror(errno)));
}

void run_curve(const curve_options& o) {
  if (!std::isfinite(o.lr) || o.lr < 0)
    throw usage_error(fmt::format("--lr must be finite and >= 0, got {}", o.lr));
  if (o.steps < 1) throw usage_error(fmt::format("--steps must be >= 1, got {}", o.steps));
  if (o.every < 1) throw usage_error(fmt::format("--every must be >= 1, got {}", o.every));
  if (o.from < 0) throw usage_error(fmt::format("--from must be >= 0, got {}", o.from));
  const lrs::step_t to = o.to_given ? o.to : o.steps - 1;
  if (to < o.from)
    throw usage_error(fmt::format("--to must be >= --from ({}), got {}", o.from, to));
  if (o.per_epoch && o.steps_per_epoch < 1)
    throw usage_error(fmt::format("--steps-per-epoch must be >= 1, got {}", o.steps_per_epoch));
  lrs::spec_context ctx;
  ctx.lr = o.lr;
  ctx.steps = o.steps;
  const lrs::step_t k = o.per_epoch ? o.steps_per_epoch : 0;
  // An epoch-stepped spec: its budget is in epochs (the last one may be partial), and update t
  // takes the LR of epoch floor(t / k).
  if (k > 0) ctx.steps = o.steps / k + (o.steps % k != 0 ? 1 : 0);
  lrs::any_schedule<double> s = lrs::parse_schedule(o.spec, ctx);
  if (k > 0) s = lrs::any_schedule<double>(lrs::per_epoch(std::move(s), k));
  const bool mom = s.has_momentum();

  // Streamed: each row is formatted, checked and written as it is computed, so memory stays
  // bounded and `lrs curve ... | head` returns at once. SIGPIPE (or EPIPE where it is ignored)
  // ends the output quietly.
  fmt::memory_buffer out;
  auto put = [&out](const char* text) { out.append(std::string_view(text)); };
  put(mom ? "step,lr,momentum\n" : "step,lr\n");
  bool streaming = false;
  for (lrs::step_t t = o.from;;) {
    const double lr = s(t);
    const double m = mom ? s.momentum(t) : 0.0;
    if (!std::isfinite(lr) || !std::isfinite(m))
      throw usage_error(fmt::format(
          "curve: the schedule gives {} {} at step {}; lrs curve prints finite values only{}",
          std::isfinite(lr) ? "momentum" : "LR",
          lrs::detail::format_number(std::isfinite(lr) ? m : lr), t,
          streaming ? " (the rows before it were written)" : ""));
    fmt::format_to(std::back_inserter(out), "{},", t);
    put(lrs::detail::format_number(lr, 17).c_str());
    if (mom) {
      out.push_back(',');
      put(lrs::detail::format_number(m, 17).c_str());
    }
    out.push_back('\n');
    if (out.size() >= flush_bytes) {
      if (!write_out(out)) return;
      out.clear();
      streaming = true;
    }
    if (t == to) break;
    t = to - t <= o.every ? to : t + o.every;  // the last step always, without overflow
  }
  write_out(out);
}

}  // namespace

void add_curve_command(CLI::App& app) {
  auto opt = std::make_shared<curve_options>();
  CLI::App* cmd = app.add_subcommand(
      "curve", "Print a schedule's LR at steps 0..N-1 as CSV: step,lr[,momentum]");
  cmd->add_option("--lr", opt->lr,
                  "the optimizer's initial LR (PyTorch's lr of the param group; default 1)");
  cmd->add_option("--steps", opt->steps,
                  "number of steps N (also the budget of budget-native "
                  "schedules)")
      ->required()
      ->transform(whole_number());
  cmd->add_option("--every", opt->every, "print every K-th step (and always the last one)")
      ->transform(whole_number());
  CLI::Option* spe =
      cmd->add_option("--steps-per-epoch", opt->steps_per_epoch,
                      "K updates per epoch: the spec is stepped once per epoch (as a PyTorch "
                      "scheduler stepped after each epoch) and update t prints the LR of epoch "
                      "floor(t / K); --steps still counts updates, and budget-native schedules get "
                      "ceil(N / K) epochs")
          ->transform(whole_number());
  cmd->add_option("--from", opt->from, "first step printed (default 0)")->transform(whole_number());
  CLI::Option* to =
      cmd->add_option("--to", opt->to, "last step printed, inclusive (default N-1; may exceed it)")
          ->transform(whole_number());
  cmd->add_option("spec", opt->spec,
                  "schedule in PyTorch call syntax, e.g. \"CosineAnnealingLR(T_max=90)\"")
      ->required();
  cmd->footer(
      "Output is streamed. A non-finite value stops it with exit status 2; found in the first "
      "64 KiB of output, it leaves stdout empty.");
  cmd->callback([opt, to, spe] {
    opt->to_given = to->count() > 0;
    opt->per_epoch = spe->count() > 0;
    run_curve(*opt);
  });
}

}  // namespace lrs_tool
