// SPDX-License-Identifier: MIT
// A thread-safe progress bar on stderr: runs done, elapsed time and estimated time left.
#ifndef LRS_EXAMPLES_COMMON_PROGRESS_HPP
#define LRS_EXAMPLES_COMMON_PROGRESS_HPP

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <utility>

#include <unistd.h>

namespace lrs_example {

/// "m:ss" (or "h:mm:ss") for a number of seconds.
inline std::string format_duration(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

/// Progress of `total` units of work (runs), redrawn in place on a terminal, one line per update
/// otherwise:
///
///   [##########..........]  16/32 runs  elapsed 1:02  left 1:02
///
/// The bar and the estimate of the time left follow the work done: the units done, or their cost
/// when set_total_work() was given (the time left then assumes a constant cost per unit of work).
/// `advance()` may be called from several threads. Prints nothing when `quiet`.
class progress {
 public:
  progress(long total, std::string unit = "runs", bool quiet = false, std::FILE* out = stderr)
      : total_(total > 0 ? total : 1),
        unit_(std::move(unit)),
        quiet_(quiet),
        out_(out),
        tty_(out != nullptr && isatty(fileno(out)) != 0),
        start_(clock::now()) {
    if (!quiet_ && tty_) draw();
  }

  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;
  ~progress() { finish(); }

  /// Weights the estimate of the time left: the units together cost `total` (say, training steps),
  /// and each advance() says what its units cost. Without it every unit costs the same.
  void set_total_work(double total) {
    std::lock_guard<std::mutex> lock(mutex_);
    total_work_ = total > 0 ? total : 0;
  }

  /// Marks `n` more units done, which cost `work` (see set_total_work), and redraws.
  void advance(long n = 1, double work = 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ += n;
    work_done_ += work;
    if (!quiet_) draw();
  }

  /// Ends the line on a terminal (called by the destructor too; idempotent).
  void finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!quiet_ && tty_ && !finished_) std::fputc('\n', out_);
    finished_ = true;
  }

  [[nodiscard]] long done() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return done_;
  }

  /// The text of the bar as it is drawn now (without the leading carriage return).
  [[nodiscard]] std::string line() const {
    constexpr int width = 24;
    const double elapsed = std::chrono::duration<double>(clock::now() - start_).count();
    const long done = done_ < total_ ? done_ : total_;
    const double frac = total_work_ > 0 ? std::min(1.0, work_done_ / total_work_)
                                        : static_cast<double>(done) / static_cast<double>(total_);
    const int filled = static_cast<int>(width * frac);
    std::string bar = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                      std::string(static_cast<std::size_t>(width - filled), '.') + "]";
    std::string eta = "?";
    if (frac > 0) eta = format_duration(elapsed / frac * (1.0 - frac));
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s %3ld/%ld %s  elapsed %s  left %s", bar.c_str(), done, total_,
                  unit_.c_str(), format_duration(elapsed).c_str(), eta.c_str());
    return buf;
  }

 private:
  using clock = std::chrono::steady_clock;

  void draw() {
    if (out_ == nullptr) return;
    if (tty_)
      std::fprintf(out_, "\r%s", line().c_str());
    else
      std::fprintf(out_, "%s\n", line().c_str());
    std::fflush(out_);
  }

  long total_;
  long done_ = 0;
  double total_work_ = 0, work_done_ = 0;
  std::string unit_;
  bool quiet_;
  std::FILE* out_;
  bool tty_;
  bool finished_ = false;
  clock::time_point start_;
  mutable std::mutex mutex_;
};

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_COMMON_PROGRESS_HPP
