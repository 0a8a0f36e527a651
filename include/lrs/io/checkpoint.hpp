// SPDX-License-Identifier: MIT
// lrs::checkpoint: several named states in one file, written atomically, loaded all or none;
// weights go in as lrs::tensor_blob (<lrs/io/tensor_blob.hpp>, included here).
#ifndef LRS_IO_CHECKPOINT_HPP
#define LRS_IO_CHECKPOINT_HPP

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#define LRS_CHECKPOINT_POSIX 1
#endif

#include <lrs/config.hpp>
#include <lrs/core/state.hpp>
#include <lrs/io/tensor_blob.hpp>  // weights as a checkpoint entry

namespace lrs {

/// Thrown when a checkpoint file cannot be written or read, or its contents are not a complete
/// checkpoint: `lrs::checkpoint: <path>: <problem>`. A std::runtime_error (the file system or the
/// file is at fault, not an argument). A state that is in the file but does not fit the object it
/// is loaded into throws lrs::state_error from that object's load_state.
class checkpoint_error : public std::runtime_error {
 public:
  /// @param path the file; @param what the problem, e.g. "no such file".
  checkpoint_error(const std::string& path, const std::string& what)
      : std::runtime_error("lrs::checkpoint: " + path + ": " + what), path_(path) {}
  /// The file the error is about.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

/// Named states (the bytes of each object's state()) kept in memory, saved to and loaded from
/// one file. The file is itself one state in the lrs state format (kind "checkpoint"): a u32
/// count, then for each entry its name (u32 length + bytes) and its state (u64 length + bytes),
/// in the order they were added; the CRC-32 covers all of it.
class checkpoint {
 public:
  /// The bytes of one state, and of the whole checkpoint.
  using bytes_type = std::vector<unsigned char>;

  /// Adds the state `bytes` under `name`.
  /// @throws lrs::invalid_argument if name is empty or longer than 255 bytes, or already used.
  checkpoint& add(std::string name, bytes_type bytes) {
    detail::require(!name.empty() && name.size() <= 255, "checkpoint", "state name",
                    "1 to 255 bytes long", name);
    detail::require(!contains(name), "checkpoint", "state name", "unique in the checkpoint", name);
    entries_.emplace_back(std::move(name), std::move(bytes));
    return *this;
  }
  /// Adds `object.state()` under `name` (any lrs stateful object).
  template <class Object, class = decltype(std::declval<const Object&>().state())>
  checkpoint& add(std::string name, const Object& object) {
    return add(std::move(name), bytes_type(object.state()));
  }

  /// Whether a state is saved under `name`.
  [[nodiscard]] bool contains(std::string_view name) const noexcept {
    for (const auto& e : entries_)
      if (e.first == name) return true;
    return false;
  }
  /// The state saved under `name`. @throws lrs::invalid_argument if there is none.
  [[nodiscard]] const bytes_type& at(std::string_view name) const {
    for (const auto& e : entries_)
      if (e.first == name) return e.second;
    detail::throw_invalid("checkpoint", "state name", "one of " + names_text(), std::string(name));
  }
  /// Names in the order added.
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.first);
    return out;
  }
  /// Number of states.
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

  /// The whole checkpoint in the lrs state format.
  [[nodiscard]] bytes_type bytes() const {
    state_writer w("checkpoint");
    std::size_t total = 4;
    for (const auto& e : entries_) total += 4 + e.first.size() + 8 + e.second.size();
    w.reserve_payload(total);
    w.u32(static_cast<std::uint32_t>(entries_.size()));
    for (const auto& e : entries_) w.string(e.first).bytes(e.second);
    return w.finish();
  }

  /// Parses bytes() output. @throws lrs::state_error if they are not a complete checkpoint.
  [[nodiscard]] static checkpoint from_bytes(const bytes_type& bytes) {
    state_reader r(bytes, "checkpoint");
    const std::uint32_t n = r.u32("number of states");
    // Each entry takes at least 4 + 1 + 8 bytes.
    if (n > r.remaining() / 13)
      r.fail("it says " + std::to_string(n) + " states, more than its " +
             std::to_string(r.remaining()) + " bytes can hold");
    checkpoint c;
    std::unordered_set<std::string> seen;  // constant-time check for a repeated name
    for (std::uint32_t i = 0; i < n; ++i) {
      std::string name = r.string("state name");
      if (name.empty() || name.size() > 255 || !seen.insert(name).second)
        r.fail("state " + std::to_string(i) + " has an empty, too long or repeated name " +
               detail::state_quote(name));
      c.entries_.emplace_back(std::move(name), r.bytes("state bytes"));
    }
    r.finish();
    return c;
  }

 private:
  std::string names_text() const {
    if (entries_.empty()) return std::string("(the checkpoint is empty)");
    std::string s;
    for (const auto& e : entries_) s.append(s.empty() ? "" : ", ").append("'" + e.first + "'");
    return s;
  }

  std::vector<std::pair<std::string, bytes_type>> entries_;
};

namespace detail {

[[noreturn]] inline void checkpoint_fail(const std::string& path, const std::string& what) {
  LRS_THROW(checkpoint_error(path, what));
}

inline std::string errno_text(int e) {
  return std::strerror(e);
}

/// A temporary file name next to `path`, unique per process and call.
inline std::string checkpoint_temp_name(const std::string& path) {
  static std::atomic<unsigned long long> counter{0};
  std::string t = path + ".tmp.";
#if defined(LRS_CHECKPOINT_POSIX)
  t += std::to_string(static_cast<long long>(::getpid())) + ".";
#endif
  return t + std::to_string(counter.fetch_add(1));
}

#if defined(LRS_CHECKPOINT_POSIX)
/// fsync of the directory holding `path`, so that the rename itself survives a power loss.
/// Best effort: some file systems refuse to open or sync directories.
inline void sync_parent_directory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  (void)::fsync(fd);
  (void)::close(fd);
}
#endif

}  // namespace detail

/// Writes `bytes` to `path` atomically: to a temporary file in the same directory
/// (`<path>.tmp.<pid>.<n>`), flushed and fsync'ed, then renamed over `path`, and the directory
/// fsync'ed where the platform allows. A reader (or a process after a crash) sees either the old
/// file or the new one, never a mix. A crash can leave the temporary file behind; it is safe to
/// delete.
/// @throws checkpoint_error naming the file and the system's reason if any step fails (the
///         temporary file is removed then, and `path` is untouched).
inline void write_file_atomically(const std::string& path,
                                  const std::vector<unsigned char>& bytes) {
  const std::string tmp = detail::checkpoint_temp_name(path);
#if defined(LRS_CHECKPOINT_POSIX)
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0644);
  if (fd < 0)
    detail::checkpoint_fail(
        path, "cannot create the temporary file " + tmp + ": " + detail::errno_text(errno));
  auto abandon = [&](const std::string& what) {
    const int e = errno;
    (void)::close(fd);
    (void)::unlink(tmp.c_str());
    detail::checkpoint_fail(path, what + ": " + detail::errno_text(e));
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ::ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      abandon("cannot write " + tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) abandon("cannot flush " + tmp + " to disk");
  if (::close(fd) != 0) {
    const int e = errno;
    (void)::unlink(tmp.c_str());
    detail::checkpoint_fail(path, "cannot close " + tmp + ": " + detail::errno_text(e));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    (void)::unlink(tmp.c_str());
    detail::checkpoint_fail(path, "cannot rename " + tmp + " over it: " + detail::errno_text(e));
  }
  detail::sync_parent_directory(path);
#else
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) detail::checkpoint_fail(path, "cannot create the temporary file " + tmp);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) {
      f.close();
      std::remove(tmp.c_str());
      detail::checkpoint_fail(path, "cannot write " + tmp);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);  // replaces an existing file
  if (ec) {
    std::remove(tmp.c_str());
    detail::checkpoint_fail(path, "cannot rename " + tmp + " over it: " + ec.message());
  }
#endif
}

/// Reads a whole file. @throws checkpoint_error if it does not exist, is not a regular file or
/// cannot be read.
inline std::vector<unsigned char> read_file_bytes(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) detail::checkpoint_fail(path, "no such file");
  if (!std::filesystem::is_regular_file(status))
    detail::checkpoint_fail(path, "not a regular file (a directory or a device)");
  std::ifstream f(path, std::ios::binary);
  if (!f) detail::checkpoint_fail(path, "cannot open the file for reading");
  std::vector<unsigned char> out;
  char buf[1 << 16];
  while (f) {
    f.read(buf, sizeof buf);
    out.insert(out.end(), buf, buf + f.gcount());
  }
  if (f.bad()) detail::checkpoint_fail(path, "read error");
  return out;
}

/// Saves the checkpoint to `path` atomically (see write_file_atomically).
/// @throws checkpoint_error if the file cannot be written; `path` is then unchanged.
inline void save_checkpoint(const std::string& path, const checkpoint& c) {
  write_file_atomically(path, c.bytes());
}

namespace detail {

/// What is wrong with a checkpoint file of `file_size` bytes that starts with `head` (its first
/// min(file_size, state_prefix_size) bytes), judged from the header alone: not an lrs state, an
/// unknown format version, or a total length other than the file's. "" when the header fits the
/// file. The messages are the state reader's.
inline std::string checkpoint_header_problem(const std::vector<unsigned char>& head,
                                             std::uint64_t file_size) {
  const bool magic =
      head.size() >= 4 && std::memcmp(head.data(), ::lrs::detail::state_magic.data(), 4) == 0;
  if (head.size() >= 4 && !magic) return "not an lrs state (it does not start with \"LRSS\")";
  if (head.size() < ::lrs::detail::state_prefix_size)
    return "truncated at byte " + std::to_string(file_size) + " of at least " +
           std::to_string(::lrs::detail::state_prefix_size + ::lrs::detail::state_crc_size) +
           " (the header is incomplete)";
  const auto version = static_cast<std::uint32_t>(::lrs::detail::get_le(head.data() + 4, 4));
  if (version > ::lrs::state_format_version)
    return "checkpoint uses state format version " + std::to_string(version) +
           ", newer than the versions this library reads (1 to " +
           std::to_string(::lrs::state_format_version) + ")";
  if (version == 0) return "checkpoint has state format version 0, which does not exist";
  const std::uint64_t total = ::lrs::detail::get_le(head.data() + 8, 8);
  if (file_size < total)
    return "truncated at byte " + std::to_string(file_size) + " of " + std::to_string(total);
  if (file_size > total)
    return "the header says " + std::to_string(total) + " bytes, but there are " +
           std::to_string(file_size) + " (trailing bytes or a corrupt header)";
  return {};
}

}  // namespace detail

/// Loads a checkpoint file. Its header is read and checked first (the magic, the format version,
/// and the total length it declares against the file's size), so that a file that is not a
/// checkpoint, or whose header is corrupt, is refused without reading the rest of it, whatever
/// its size; then the whole file is read and checked (checksum, structure) before anything is
/// returned.
/// @throws checkpoint_error naming the file and the problem ("truncated at byte 1204 of 4096",
///         "checksum mismatch", "no such file", "not an lrs state", a file too large for the
///         memory available, ...).
[[nodiscard]] inline checkpoint load_checkpoint(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) detail::checkpoint_fail(path, "no such file");
  if (!std::filesystem::is_regular_file(status))
    detail::checkpoint_fail(path, "not a regular file (a directory or a device)");
  std::ifstream f(path, std::ios::binary);
  if (!f) detail::checkpoint_fail(path, "cannot open the file for reading");
  // The size of the file opened, not of the path: a save renaming a new file over `path` between
  // the open and a stat of the path would pair this file's header with the other file's size.
  f.seekg(0, std::ios::end);
  const std::streamoff end = f.tellg();
  f.seekg(0, std::ios::beg);
  if (!f || end < 0) detail::checkpoint_fail(path, "cannot read its size");
  const std::uintmax_t size = static_cast<std::uintmax_t>(end);
  std::vector<unsigned char> bytes(
      static_cast<std::size_t>(std::min<std::uintmax_t>(size, ::lrs::detail::state_prefix_size)));
  f.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (f.bad()) detail::checkpoint_fail(path, "read error");
  bytes.resize(static_cast<std::size_t>(f.gcount()));
  const std::string problem = detail::checkpoint_header_problem(bytes, size);
  if (!problem.empty()) detail::checkpoint_fail(path, problem);
  if (size > std::numeric_limits<std::size_t>::max())
    detail::checkpoint_fail(path, "the file is " + std::to_string(size) +
                                      " bytes, more than this platform can hold in memory");
  try {
    bytes.resize(static_cast<std::size_t>(size));
  } catch (const std::bad_alloc&) {
    detail::checkpoint_fail(path, "the file is " + std::to_string(size) +
                                      " bytes, more than the memory available to load it");
  }
  const std::size_t head = ::lrs::detail::state_prefix_size;
  f.read(reinterpret_cast<char*>(bytes.data() + head),
         static_cast<std::streamsize>(bytes.size() - head));
  if (f.bad()) detail::checkpoint_fail(path, "read error");
  bytes.resize(head + static_cast<std::size_t>(f.gcount()));  // shorter if the file shrank
  try {
    return checkpoint::from_bytes(bytes);
  } catch (const state_error& e) {
    // "lrs::checkpoint: load_state: <what>" -> "lrs::checkpoint: <path>: <what>"
    const std::string msg = e.what();
    const std::string prefix = "lrs::checkpoint: load_state: ";
    detail::checkpoint_fail(
        path, msg.compare(0, prefix.size(), prefix) == 0 ? msg.substr(prefix.size()) : msg);
  }
}

class state_target;
inline void restore_all(const checkpoint& c, std::initializer_list<state_target> targets);

/// One object to restore with restore_all: its name in the checkpoint and the object.
class state_target {
 public:
  /// `object` (any lrs stateful object: state() and load_state()) under `name`; it is kept by
  /// reference and must outlive the restore_all call.
  template <class Object, class = decltype(std::declval<Object&>().load_state(
                              std::declval<const std::vector<unsigned char>&>()))>
  state_target(std::string name, Object& object)
      : name_(std::move(name)),
        save_([&object] { return std::vector<unsigned char>(object.state()); }),
        load_([&object](const std::vector<unsigned char>& b) { object.load_state(b); }) {}

  /// The name of its state in the checkpoint.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  friend void restore_all(const checkpoint&, std::initializer_list<state_target>);
  std::string name_;
  std::function<std::vector<unsigned char>()> save_;
  std::function<void(const std::vector<unsigned char>&)> load_;
};

/// Loads every target from the checkpoint, all or none: if a state is missing or one object's
/// load_state throws, the objects loaded before it are put back to their previous state and the
/// error is rethrown, so every object is unchanged.
/// @throws lrs::invalid_argument if a name is not in the checkpoint; lrs::state_error (or what
///         the object's load_state throws) if a state does not fit its object.
inline void restore_all(const checkpoint& c, std::initializer_list<state_target> targets) {
  for (const auto& t : targets) (void)c.at(t.name_);  // every name present before any load
  std::vector<std::vector<unsigned char>> before;
  before.reserve(targets.size());
  for (const auto& t : targets) before.push_back(t.save_());
  std::size_t loaded = 0;
  try {
    for (const auto& t : targets) {
      t.load_(c.at(t.name_));
      ++loaded;
    }
  } catch (...) {
    auto it = targets.begin();
    for (std::size_t i = 0; i < loaded; ++i, ++it) it->load_(before[i]);
    throw;
  }
}

}  // namespace lrs

#endif  // LRS_IO_CHECKPOINT_HPP
