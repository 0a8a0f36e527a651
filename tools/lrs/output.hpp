// SPDX-License-Identifier: MIT
// Checked output of the lrs tool: files written whole or not at all, and stdout checked at exit.
#ifndef LRS_TOOLS_OUTPUT_HPP
#define LRS_TOOLS_OUTPUT_HPP

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>

#include <unistd.h>

#include "commands.hpp"

namespace lrs_tool {

/// Set when a write to stdout found its reader gone (EPIPE, as in `lrs curve | head`): the
/// output was not wanted any more, which is not an error.
inline std::atomic<bool>& stdout_reader_gone() {
  static std::atomic<bool> gone{false};
  return gone;
}

/// Flushes std::cout and stdout; returns what went wrong with any write to them ("" if
/// everything was written, or if the reader has gone). A write that failed earlier (stdio keeps
/// only its error flag) is explained by errno when errno still holds a write error.
inline std::string stdout_error() {
  const int earlier = errno;
  errno = 0;
  std::cout.flush();
  const bool flushed = std::fflush(stdout) == 0;
  int e = errno;
  if (flushed && !std::ferror(stdout) && std::cout.good()) return {};
  if (e == 0) {
    for (const int w : {ENOSPC, EFBIG, EIO, EDQUOT, EPIPE, EBADF, ENXIO})
      if (earlier == w) e = earlier;
  }
  if (e == EPIPE || stdout_reader_gone()) return {};
  return std::string("cannot write to stdout") +
         (e != 0 ? ": " + std::string(std::strerror(e)) : "");
}

namespace detail {

/// Writes all of `text` to `f` and closes it; returns errno of the first failure, 0 if none.
inline int write_and_close(std::FILE* f, const std::string& text) {
  int e = 0;
  if (std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fflush(f) != 0)
    e = errno != 0 ? errno : EIO;
  if (std::fclose(f) != 0 && e == 0) e = errno != 0 ? errno : EIO;
  return e;
}

}  // namespace detail

/// Writes `text` to the file `path`, whole or not at all. A new or regular file (also through a
/// symbolic link) is written to a temporary file in the same directory, `<path>.tmp.<pid>.<n>`,
/// then renamed over it: if any write fails (a full disk, a file size limit), the temporary file
/// is removed and `path` is as it was. Anything else (a device such as /dev/stdout, a FIFO) is
/// written in place, and every write checked.
/// @throws usage_error "<who>cannot write <path>: <reason>".
inline void write_file(const std::string& who, const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  const auto fail = [&](int e) {
    throw usage_error(who + "cannot write " + path + ": " + std::strerror(e));
  };
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    errno = 0;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) fail(errno != 0 ? errno : EIO);
    if (const int e = detail::write_and_close(f, text)) fail(e);
    return;
  }
  // The temporary goes next to the file itself, so that the rename stays in one file system and
  // replaces the file a symbolic link points to rather than the link.
  std::string target = path;
  if (fs::is_symlink(fs::symlink_status(path, ec))) {
    const fs::path resolved = fs::canonical(path, ec);
    if (!ec) target = resolved.string();
  }
  static std::atomic<unsigned> counter{0};
  const std::string tmp = target + ".tmp." + std::to_string(static_cast<long long>(::getpid())) +
                          "." + std::to_string(counter.fetch_add(1));
  errno = 0;
  std::FILE* f = std::fopen(tmp.c_str(), "wbx");
  if (f == nullptr) fail(errno != 0 ? errno : EIO);
  int e = detail::write_and_close(f, text);
  if (e == 0 && std::rename(tmp.c_str(), target.c_str()) != 0) e = errno != 0 ? errno : EIO;
  if (e != 0) {
    std::remove(tmp.c_str());
    fail(e);
  }
}

}  // namespace lrs_tool

#endif  // LRS_TOOLS_OUTPUT_HPP
