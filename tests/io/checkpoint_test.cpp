// SPDX-License-Identifier: MIT
// lrs::checkpoint: golden file, round trip, errors naming the file, all-or-none restore, and a
// process killed mid-save (fork + SIGKILL) never leaving a file that loads as something else.
#include <lrs/analysis/refinement.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>
#include <lrs/io/checkpoint.hpp>
#include <lrs/optim.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#define LRS_TEST_HAVE_FORK 1
#endif

#include "catch.hpp"
#include "support/errors.hpp"

namespace fs = std::filesystem;

namespace {

using lrs_test::message_of;

using bytes_t = std::vector<unsigned char>;

// A fresh directory for one test, removed with everything in it at the end.
struct checkpoint_temp_dir {
  fs::path path;
  explicit checkpoint_temp_dir(const std::string& name) {
    path =
        fs::temp_directory_path() / ("lrs_" + name + "_" + std::to_string(std::random_device{}()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~checkpoint_temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

void write_bytes(const std::string& path, const bytes_t& b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

lrs::reduce_lr_on_plateau<float> checkpoint_plateau() {
  return lrs::reduce_lr_on_plateau<float>({0.1f, 0.2f}, lrs::plateau_mode::max, 0.5f, 3, 0.01f,
                                          lrs::threshold_mode::abs, 2, {0.001f, 0.0f}, 1e-8f);
}

}  // namespace

TEST_CASE("a golden checkpoint file written by Python loads into its objects", "[io][checkpoint]") {
  const std::string path = std::string(LRS_TEST_DATA_DIR) + "/state/checkpoint.bin";
  const lrs::checkpoint c = lrs::load_checkpoint(path);
  CHECK(c.names() == std::vector<std::string>{"optimizer", "scheduler"});
  lrs::adam<double> opt;
  auto sched = checkpoint_plateau();
  lrs::restore_all(c, {{"optimizer", opt}, {"scheduler", sched}});
  CHECK(opt.step_count() == 2);
  CHECK(opt.beta1() == 0.85);
  CHECK(sched.lrs() == std::vector<float>{0.05f, 0.1f});
  CHECK(sched.state_values().last_epoch == 7);
  // Written back by the C++ side: the same bytes.
  lrs::checkpoint again;
  again.add("optimizer", opt).add("scheduler", sched);
  // The scheduler's bytes are the golden ones; the optimizer writes kind version 2 (tensor groups,
  // docs/state.md), which loads back and is written again byte for byte.
  CHECK(again.at("scheduler") == c.at("scheduler"));
  lrs::adam<double> reloaded;
  reloaded.load_state(again.at("optimizer"));
  CHECK(reloaded.state() == again.at("optimizer"));
}

TEST_CASE("save_checkpoint / load_checkpoint round trip and replace the file", "[io][checkpoint]") {
  checkpoint_temp_dir dir("ckpt_roundtrip");
  const std::string path = dir.file("run.ckpt");
  lrs::sgd_options<double> so;
  so.momentum = 0.9;
  lrs::sgd<double> opt(so);
  lrs::vector_t<double> p = lrs::vector_t<double>::Ones(10), g = p;
  opt.step(p, g, 0.1);
  lrs::grad_norm_recorder rec;
  rec.record(1.5);
  lrs::checkpoint c;
  c.add("opt", opt).add("norms", rec);
  lrs::save_checkpoint(path, c);
  rec.record(2.5);
  lrs::save_checkpoint(path, lrs::checkpoint().add("opt", opt).add("norms", rec));

  lrs::sgd<double> opt2(so);
  lrs::grad_norm_recorder rec2;
  lrs::restore_all(lrs::load_checkpoint(path), {{"opt", opt2}, {"norms", rec2}});
  CHECK(opt2.state() == opt.state());
  CHECK(rec2.norms() == std::vector<double>{1.5, 2.5});
  // Only the target remains: no temporary files.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir.path)) {
    (void)e;
    ++files;
  }
  CHECK(files == 1);
  CHECK_THROWS_AS(c.add("opt", opt), lrs::invalid_argument);  // names are unique
}

TEST_CASE("checkpoint errors name the file and the problem", "[io][checkpoint][error]") {
  checkpoint_temp_dir dir("ckpt_errors");
  const std::string path = dir.file("run.ckpt");
  CHECK(message_of<lrs::checkpoint_error>([&] { (void)lrs::load_checkpoint(path); }) ==
        "lrs::checkpoint: " + path + ": no such file");
  CHECK(message_of<lrs::checkpoint_error>([&] { (void)lrs::load_checkpoint(dir.path.string()); }) ==
        "lrs::checkpoint: " + dir.path.string() + ": not a regular file (a directory or a device)");

  lrs::grad_norm_recorder rec;
  for (int i = 0; i < 100; ++i) rec.record(i);
  const bytes_t full = lrs::checkpoint().add("norms", rec).bytes();
  write_bytes(path, bytes_t(full.begin(), full.begin() + 500));
  CHECK(message_of<lrs::checkpoint_error>([&] { (void)lrs::load_checkpoint(path); }) ==
        "lrs::checkpoint: " + path + ": truncated at byte 500 of " + std::to_string(full.size()));
  bytes_t flipped = full;
  flipped[300] ^= 1;
  write_bytes(path, flipped);
  CHECK(message_of<lrs::checkpoint_error>([&] { (void)lrs::load_checkpoint(path); }) ==
        "lrs::checkpoint: " + path +
            ": checksum mismatch (the bytes were corrupted after they were written)");
  write_bytes(path, rec.state());  // a state, but not a checkpoint
  CHECK(message_of<lrs::checkpoint_error>([&] { (void)lrs::load_checkpoint(path); }) ==
        "lrs::checkpoint: " + path +
            ": checkpoint was written by grad_norm_recorder, this is checkpoint");

  const std::string missing_dir = dir.file("no/such/dir/run.ckpt");
  const std::string msg = message_of<lrs::checkpoint_error>(
      [&] { lrs::save_checkpoint(missing_dir, lrs::checkpoint().add("norms", rec)); });
  CHECK(msg.rfind("lrs::checkpoint: " + missing_dir + ": cannot create the temporary file", 0) ==
        0);
}

TEST_CASE("restore_all loads every object or none", "[io][checkpoint][error]") {
  lrs::adam<double> a;
  lrs::vector_t<double> p = lrs::vector_t<double>::Ones(4), g = p;
  a.step(p, g, 0.1);
  lrs::grad_norm_recorder rec;
  rec.record(3.0);
  const lrs::checkpoint c = lrs::checkpoint().add("opt", a).add("norms", rec);

  lrs::adam<double> b;
  lrs::grad_norm_recorder wrong(lrs::grad_norm_kind::l1);  // refuses an l2 recorder's state
  wrong.record(9.0);
  const bytes_t b_before = b.state(), wrong_before = wrong.state();
  CHECK_THROWS_AS(lrs::restore_all(c, {{"opt", b}, {"norms", wrong}}), lrs::state_error);
  CHECK(b.state() == b_before);  // loaded, then put back
  CHECK(wrong.state() == wrong_before);
  CHECK_THROWS_AS(lrs::restore_all(c, {{"opt", b}, {"missing", rec}}), lrs::invalid_argument);
  CHECK(b.state() == b_before);
}

#if defined(LRS_TEST_HAVE_FORK)
namespace {

// The content of version v: recorder "a" holds n(v) copies of v, recorder "b" holds {v}.
std::size_t version_length(std::uint64_t v) {
  return 4000 + std::size_t(v % 7) * 1000;
}

lrs::checkpoint version(std::uint64_t v) {
  lrs::grad_norm_recorder a, b;
  a.assign(std::vector<double>(version_length(v), double(v)));
  b.record(double(v));
  lrs::checkpoint c;
  c.add("a", a).add("b", b);
  return c;
}

// Returns the version the file holds, or throws if it is not exactly one saved version.
std::uint64_t check_version(const std::string& path) {
  const lrs::checkpoint c = lrs::load_checkpoint(path);
  lrs::grad_norm_recorder a, b;
  lrs::restore_all(c, {{"a", a}, {"b", b}});
  REQUIRE(b.norms().size() == 1);
  const double v = b.norms()[0];
  REQUIRE(a.norms() == std::vector<double>(version_length(std::uint64_t(v)), v));
  return std::uint64_t(v);
}

// True once the file at path holds a version written by the child whose versions start at base.
bool saved_by(const std::string& path, std::uint64_t base) {
  if (!fs::exists(path)) return false;
  const lrs::checkpoint c = lrs::load_checkpoint(path);
  lrs::grad_norm_recorder a, b;
  lrs::restore_all(c, {{"a", a}, {"b", b}});
  return b.norms().size() == 1 && b.norms()[0] >= double(base);
}

}  // namespace

TEST_CASE("a process killed mid-save never leaves a file that loads as something else",
          "[io][checkpoint][kill]") {
  checkpoint_temp_dir dir("ckpt_kill");
  const std::string path = dir.file("run.ckpt");
  // Kill delays span about three saves, measured here (sanitizers and load slow saves down), so
  // that kills land before the first save, mid-write and between saves.
  const std::string probe = dir.file("probe.ckpt");
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) lrs::save_checkpoint(probe, version(std::uint64_t(i)));
  const auto save_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count() /
      3;
  fs::remove(probe);
  const int max_delay_us = static_cast<int>(std::min<long long>(3 * save_us + 1000, 20000));
  std::mt19937_64 rng(12345);
  std::uniform_int_distribution<int> delay_us(0, max_delay_us);
  // 150 kills, or as many as fit in 5 s (at least 40) where saves are slow.
  constexpr int max_kills = 150, min_kills = 40;
  int kills = 0;
  int absent = 0, loaded = 0, killed_mid_write = 0;
  bool ever_saved = false;
  std::uint64_t last = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int k = 0; k < max_kills; ++k) {
    if (k >= min_kills && std::chrono::steady_clock::now() - start > std::chrono::seconds(5)) break;
    ++kills;
    const std::uint64_t base = std::uint64_t(k + 1) * 1000000;
    std::fflush(nullptr);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // Saves versions base, base + 1, ... until killed. Never returns into the test runner.
      try {
        for (std::uint64_t v = base;; ++v) lrs::save_checkpoint(path, version(v));
      } catch (...) {
      }
      ::_exit(3);
    }
    if (k % 10 == 9) {
      // Every tenth child is first seen to complete a save of its own (the file is replaced by
      // rename, so reading it here is safe), so that completed saves are killed on a loaded
      // machine too, where random delays alone may all land before the first save ends.
      const auto wait_start = std::chrono::steady_clock::now();
      while (!saved_by(path, base)) {
        REQUIRE(std::chrono::steady_clock::now() - wait_start < std::chrono::seconds(30));
        ::usleep(1000);
      }
    }
    ::usleep(static_cast<useconds_t>(delay_us(rng)));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));  // the child was saving, not failing
    for (const auto& e : fs::directory_iterator(dir.path))
      if (e.path().filename().string() != "run.ckpt") {
        ++killed_mid_write;
        fs::remove(e.path());  // a temporary file left by the kill
      }
    if (!fs::exists(path)) {
      CHECK_FALSE(ever_saved);  // once a save completed, the file is never missing again
      ++absent;
      continue;
    }
    ever_saved = true;
    const std::uint64_t v = check_version(path);
    // Either this child's version or, if it completed no save, the previous one.
    const bool this_child = v >= base && v < base + 1000000;
    CHECK((this_child || v == last));
    last = v;
    ++loaded;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO("one save " << save_us << " us, kills " << kills << ", absent " << absent << ", loaded "
                   << loaded << ", temporary files left by a kill " << killed_mid_write << ", "
                   << seconds << " s");
  CHECK(kills >= min_kills);
  CHECK(absent + loaded == kills);
  CHECK(loaded >= kills / 10);
  if (std::getenv("LRS_TEST_REPORT") != nullptr)
    WARN("checkpoint kill test: " << kills << " kills, " << loaded << " complete loads, " << absent
                                  << " before the first save, " << killed_mid_write
                                  << " kills mid-write, one save " << save_us << " us, " << seconds
                                  << " s");
}
#endif

#undef LRS_TEST_HAVE_FORK
