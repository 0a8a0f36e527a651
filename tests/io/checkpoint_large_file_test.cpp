// SPDX-License-Identifier: MIT
// load_checkpoint on files of gigabytes (sparse, so they take no disk space): the header and the
// length it declares are checked against the file's size before the file is read, so a file that
// is not a checkpoint, or whose header is corrupt, is refused at once with a checkpoint_error, and
// under a memory limit a file too large to hold is a checkpoint_error too, never std::bad_alloc.
#include <lrs/core/state.hpp>
#include <lrs/io/checkpoint.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <new>
#include <random>
#include <string>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#define LRS_TEST_HAVE_FORK 1
#endif

#if defined(__SANITIZE_ADDRESS__)
#define LRS_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LRS_TEST_ASAN 1
#endif
#endif

#include "catch.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t three_gib = std::uint64_t{3} << 30;

struct temp_dir {
  fs::path path;
  explicit temp_dir(const std::string& name) {
    path =
        fs::temp_directory_path() / ("lrs_" + name + "_" + std::to_string(std::random_device{}()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

/// A file of `size` bytes that starts with `head` and is zero (a hole) after it.
void sparse_file(const std::string& path, const std::vector<unsigned char>& head,
                 std::uint64_t size) {
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(head.data()), static_cast<std::streamsize>(head.size()));
  }
  fs::resize_file(path, size);
}

/// The 16-byte state prefix: "LRSS", format version 1, total length `total` (little-endian).
std::vector<unsigned char> prefix(std::uint64_t total, std::uint32_t version = 1) {
  std::vector<unsigned char> h = {'L', 'R', 'S', 'S'};
  for (int i = 0; i < 4; ++i) h.push_back(static_cast<unsigned char>(version >> (8 * i)));
  for (int i = 0; i < 8; ++i) h.push_back(static_cast<unsigned char>(total >> (8 * i)));
  return h;
}

/// "checkpoint_error: <message>", "bad_alloc", or what else load_checkpoint(path) did.
std::string outcome(const std::string& path) {
  try {
    (void)lrs::load_checkpoint(path);
  } catch (const lrs::checkpoint_error& e) {
    return std::string("checkpoint_error: ") + e.what();
  } catch (const std::bad_alloc&) {
    return "bad_alloc";
  } catch (const std::exception& e) {
    return std::string("other exception: ") + e.what();
  }
  return "loaded";
}

}  // namespace

TEST_CASE("load_checkpoint refuses a 3 GiB file by its header, without reading it",
          "[io][checkpoint][error][hardening]") {
  temp_dir dir("ckpt_large");
  const std::string path = dir.file("big.ckpt");
  const std::string where = "checkpoint_error: lrs::checkpoint: " + path + ": ";
  const auto t0 = std::chrono::steady_clock::now();

  sparse_file(path, {'P', 'K', 3, 4}, three_gib);  // a zip file, say
  CHECK(outcome(path) == where + "not an lrs state (it does not start with \"LRSS\")");
  sparse_file(path, prefix(100), three_gib);  // the header of a 100-byte state
  CHECK(outcome(path) == where +
                             "the header says 100 bytes, but there are 3221225472 (trailing "
                             "bytes or a corrupt header)");
  sparse_file(path, prefix(three_gib, 7), three_gib);
  CHECK(outcome(path) == where +
                             "checkpoint uses state format version 7, newer than the versions "
                             "this library reads (1 to 1)");
  sparse_file(path, prefix(std::uint64_t{1} << 62), three_gib);  // claims 4 EiB
  CHECK(outcome(path) == where + "truncated at byte 3221225472 of 4611686018427387904");
  // Reading 3 GiB would take seconds (and the memory): the header alone takes microseconds.
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 2.0);
}

TEST_CASE("load_checkpoint: short files are judged by the same header checks",
          "[io][checkpoint][error]") {
  temp_dir dir("ckpt_short");
  const std::string path = dir.file("short.ckpt");
  const std::string where = "checkpoint_error: lrs::checkpoint: " + path + ": ";
  sparse_file(path, {}, 0);
  CHECK(outcome(path) == where + "truncated at byte 0 of at least 20 (the header is incomplete)");
  sparse_file(path, {'L', 'R', 'S'}, 3);
  CHECK(outcome(path) == where + "truncated at byte 3 of at least 20 (the header is incomplete)");
  sparse_file(path, {'x', 'R', 'S', 'S', 0}, 5);
  CHECK(outcome(path) == where + "not an lrs state (it does not start with \"LRSS\")");
  sparse_file(path, prefix(16, 0), 16);
  CHECK(outcome(path) == where + "checkpoint has state format version 0, which does not exist");
  // A real checkpoint with one byte too many, and one too few.
  std::vector<unsigned char> good = lrs::checkpoint().add("x", {1, 2, 3}).bytes();
  std::vector<unsigned char> longer = good;
  longer.push_back(0);
  sparse_file(path, longer, longer.size());
  CHECK(outcome(path) == where + "the header says " + std::to_string(good.size()) +
                             " bytes, but there are " + std::to_string(longer.size()) +
                             " (trailing bytes or a corrupt header)");
  sparse_file(path, good, good.size());
  CHECK(outcome(path) == "loaded");
}

#if defined(LRS_TEST_HAVE_FORK) && !defined(LRS_TEST_ASAN)
TEST_CASE("load_checkpoint under a memory limit: a checkpoint_error, never bad_alloc",
          "[io][checkpoint][error][hardening]") {
  // ASan reserves terabytes of address space, so RLIMIT_AS cannot be used in an ASan build.
  temp_dir dir("ckpt_limit");
  const std::string junk = dir.file("junk.ckpt"), huge = dir.file("huge.ckpt");
  sparse_file(junk, {'P', 'K', 3, 4}, three_gib);
  sparse_file(huge, prefix(three_gib), three_gib);  // a header that fits the file
  // Exit code of a child that loads `path` with 1 GiB of address space left: 0 for a
  // checkpoint_error whose message contains `expect`, 1 for another message, 2 for bad_alloc,
  // 3 for anything else.
  const auto child = [](const std::string& path, const std::string& expect) {
    const pid_t pid = fork();
    if (pid == 0) {
      // 1 GiB more than the process has mapped already (the test binary, thread stacks).
      rlim_t used = 0;
      if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        unsigned long pages = 0;
        if (std::fscanf(f, "%lu", &pages) == 1)
          used = static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE));
        std::fclose(f);
      }
      rlimit lim{};
      lim.rlim_cur = lim.rlim_max = used + (rlim_t{1} << 30);
      if (setrlimit(RLIMIT_AS, &lim) != 0) _exit(4);
      const std::string o = outcome(path);
      _exit(o.rfind("checkpoint_error: ", 0) == 0 ? (o.find(expect) != std::string::npos ? 0 : 1)
            : o == "bad_alloc"                    ? 2
                                                  : 3);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  CHECK(child(junk, "not an lrs state") == 0);
  CHECK(child(huge, "the file is 3221225472 bytes, more than the memory available to load it") ==
        0);
}
#endif

#undef LRS_TEST_HAVE_FORK
#undef LRS_TEST_ASAN
