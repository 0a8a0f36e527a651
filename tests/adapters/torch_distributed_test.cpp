// SPDX-License-Identifier: MIT
// lrs driving libtorch on two data-parallel ranks: c10d::ProcessGroupGloo over 127.0.0.1 (a
// FileStore in a temporary directory), gradients all-reduced, torch::optim::SGD driven by
// lrs::adapters::torch_scheduler (OneCycleLR, which also cycles the momentum), then a
// ReduceLROnPlateau phase fed the all-reduced validation loss. Rank 0 writes checkpoints (model,
// optimizer, scheduler step, controller state, in one lrs checkpoint file); both ranks resume from
// them. Checked: the same LR and momentum on both ranks at every step, the same final parameters,
// and resumed runs bit-identical to the uninterrupted one.
//
// Run without arguments: starts its two ranks (itself, with --worker), waits at most 240 s, kills
// them on timeout, and compares what they wrote. Exit code 0 on success.
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <torch/torch.h>
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

#include <lrs/adapters/torch.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>
#include <lrs/io/checkpoint.hpp>
#include <lrs/lrs.hpp>

namespace {

constexpr int world = 2;
constexpr int schedule_steps = 40;  // OneCycleLR phase: steps [0, 40)
constexpr int total_steps = 80;     // ReduceLROnPlateau phase: steps [40, 80)
constexpr int eval_every = 4;       // validation loss every 4 steps
const int checkpoint_steps[] = {20, 60};

struct Net : torch::nn::Module {
  Net() {
    fc1 = register_module("fc1", torch::nn::Linear(8, 16));
    fc2 = register_module("fc2", torch::nn::Linear(16, 1));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return fc2->forward(torch::tanh(fc1->forward(x)));
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};

/// Deterministic data: batch `step` of rank `rank` (validation: step = -1 - k), a function of the
/// indices only, so a resumed run sees the same batches.
std::pair<torch::Tensor, torch::Tensor> batch(int step, int rank) {
  const auto i = torch::arange(16, torch::kFloat).unsqueeze(1) + float(16 * (rank + world * step));
  const auto f = torch::arange(8, torch::kFloat).unsqueeze(0);
  const auto x = torch::sin(0.37 * i + 0.61 * f);
  const auto y = (torch::cos(0.5 * f) * x).sum(1, true) + 0.1 * torch::sin(3.1 * i);
  return {x, y};
}

std::uint64_t fnv1a(const Net& net) {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto& p : net.parameters()) {
    const auto c = p.detach().contiguous();
    const auto* b = static_cast<const unsigned char*>(c.data_ptr());
    for (std::size_t k = 0; k < std::size_t(c.numel()) * sizeof(float); ++k)
      h = (h ^ b[k]) * 1099511628211ull;
  }
  return h;
}

std::vector<unsigned char> torch_bytes(
    const std::function<void(torch::serialize::OutputArchive&)>& f) {
  torch::serialize::OutputArchive a;
  f(a);
  std::ostringstream os;
  a.save_to(os);
  const std::string s = os.str();
  return {s.begin(), s.end()};
}
void torch_load(const std::vector<unsigned char>& bytes,
                const std::function<void(torch::serialize::InputArchive&)>& f) {
  std::istringstream is(std::string(bytes.begin(), bytes.end()));
  torch::serialize::InputArchive a;
  a.load_from(is);
  f(a);
}

/// torch_scheduler_state in the lrs state format (kind "torch_scheduler").
std::vector<unsigned char> scheduler_bytes(const lrs::adapters::torch_scheduler_state& s) {
  lrs::state_writer w("torch_scheduler");
  w.i64(s.step).reals(s.base_lrs);
  return w.finish();
}
lrs::adapters::torch_scheduler_state scheduler_state(const std::vector<unsigned char>& bytes) {
  lrs::state_reader r(bytes, "torch_scheduler");
  lrs::adapters::torch_scheduler_state s;
  s.step = r.i64("step", 0, INT64_MAX - 1);
  s.base_lrs.resize(r.count("base_lrs", sizeof(double)));
  for (auto& v : s.base_lrs) v = r.f64("base_lr");
  r.finish();
  return s;
}

void allreduce_mean(c10d::ProcessGroup& pg, torch::Tensor& t) {
  std::vector<torch::Tensor> v{t};
  pg.allreduce(v)->wait();
  t.div_(world);
}

/// One training run from `resume` (-1: from scratch) to the end; rank 0 saves the checkpoints
/// when not resuming. Appends "lr", "plateau" lines to `log` and returns the parameters' hash.
std::uint64_t train(c10d::ProcessGroup& pg, int rank, const std::string& dir, int resume,
                    std::ostream& log) {
  torch::manual_seed(0);  // the same initial parameters on every rank
  auto net = std::make_shared<Net>();
  torch::optim::SGD opt(net->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  const lrs::one_cycle_lr<double> cycle(0.05, schedule_steps);
  lrs::adapters::torch_scheduler<lrs::one_cycle_lr<double>> sched(opt, cycle);
  lrs::reduce_lr_on_plateau<double> plateau(0.01, lrs::plateau_mode::min, 0.5, 1, 0.05);
  lrs::adapters::torch_lr_setter setter(opt);

  int start = 0;
  if (resume >= 0) {
    const auto ck = lrs::load_checkpoint(dir + "/ckpt" + std::to_string(resume) + ".lrs");
    torch_load(ck.at("model"), [&](auto& a) { net->load(a); });
    torch_load(ck.at("optimizer"), [&](auto& a) { opt.load(a); });
    sched.load_state(scheduler_state(ck.at("scheduler")));
    plateau.load_state(ck.at("plateau"));
    if (resume >= schedule_steps) setter.set_lr(plateau.lr());
    start = resume;
  }
  for (int t = start; t < total_steps; ++t) {
    if (resume < 0 && rank == 0)
      for (int c : checkpoint_steps)
        if (t == c) {
          lrs::checkpoint ck;
          ck.add("model", torch_bytes([&](auto& a) { net->save(a); }));
          ck.add("optimizer", torch_bytes([&](auto& a) { opt.save(a); }));
          ck.add("scheduler", scheduler_bytes(sched.state()));
          ck.add("plateau", plateau);
          lrs::save_checkpoint(dir + "/ckpt" + std::to_string(t) + ".lrs", ck);
        }
    const auto& g0 = static_cast<torch::optim::SGDOptions&>(opt.param_groups()[0].options());
    log << "lr " << t << ' ' << g0.lr() << ' ' << g0.momentum() << '\n';
    auto [x, y] = batch(t, rank);
    opt.zero_grad();
    torch::mse_loss(net->forward(x), y).backward();
    for (auto& p : net->parameters()) allreduce_mean(pg, p.mutable_grad());
    opt.step();
    if (t + 1 < schedule_steps) sched.step();
    if ((t + 1) % eval_every == 0) {
      torch::NoGradGuard no_grad;
      auto [vx, vy] = batch(-1 - t, rank);
      auto val = torch::mse_loss(net->forward(vx), vy).detach().clone();
      allreduce_mean(pg, val);
      if (t + 1 >= schedule_steps) {  // the controller's phase, from the schedule's last step
        plateau.observe(val.item<double>());
        setter.set_lr(plateau.lr());
        log << "plateau " << t << ' ' << val.item<double>() << ' ' << plateau.lr() << '\n';
      }
    }
  }
  pg.barrier()->wait();  // rank 0's checkpoints are on disk before anyone resumes
  return fnv1a(*net);
}

int worker(int rank, const std::string& dir) {
  torch::set_num_threads(1);
  auto store = c10::make_intrusive<c10d::FileStore>(dir + "/store", world);
  auto options = c10d::ProcessGroupGloo::Options::create();
  options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  c10d::ProcessGroupGloo pg(store, rank, world, options);

  std::ostringstream log;
  const std::uint64_t whole = train(pg, rank, dir, -1, log);
  std::ofstream out(dir + "/rank" + std::to_string(rank) + ".txt");
  out << log.str();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, whole);
  out << "final uninterrupted " << buf << '\n';
  for (int c : checkpoint_steps) {
    std::ostringstream resumed_log;
    const std::uint64_t h = train(pg, rank, dir, c, resumed_log);
    std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
    out << "final resumed_from_" << c << ' ' << buf << '\n';
    // The resumed run's LRs and controller decisions are those of the uninterrupted run.
    const std::string tail = log.str().substr(log.str().find("lr " + std::to_string(c) + " "));
    out << "log resumed_from_" << c << ' ' << (resumed_log.str() == tail ? "same" : "DIFFERENT")
        << '\n';
  }
  return 0;
}

std::string read_all(const std::string& path) {
  std::ifstream f(path);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

int launch(const char* self) {
  const auto start = std::chrono::steady_clock::now();
  char tmpl[] = "/tmp/lrs_torch_dist_XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string dir = tmpl;
  std::vector<pid_t> pids;
  for (int r = 0; r < world; ++r) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      const std::string rank = std::to_string(r);
      ::execl(self, self, "--worker", rank.c_str(), dir.c_str(), static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    pids.push_back(pid);
  }
  int failed = 0, running = world;
  while (running > 0) {
    for (auto& pid : pids) {
      if (pid <= 0) continue;
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
        pid = 0;
        --running;
      }
    }
    if (running > 0 && std::chrono::steady_clock::now() - start > std::chrono::seconds(240)) {
      std::fprintf(stderr, "torch_distributed: timeout, killing the ranks\n");
      for (auto& pid : pids)
        if (pid > 0) ::kill(pid, SIGKILL), ::waitpid(pid, nullptr, 0), pid = 0;
      failed = world;
      running = 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string r0 = read_all(dir + "/rank0.txt"), r1 = read_all(dir + "/rank1.txt");
  bool ok = failed == 0 && !r0.empty() && r0 == r1;
  // Resumed runs end with the uninterrupted run's parameters and logs.
  std::istringstream in(r0);
  std::string line, whole;
  int lrs_seen = 0, plateau_seen = 0, resumed = 0;
  while (std::getline(in, line)) {
    if (line.rfind("lr ", 0) == 0) ++lrs_seen;
    if (line.rfind("plateau ", 0) == 0) ++plateau_seen;
    if (line.rfind("final uninterrupted ", 0) == 0) whole = line.substr(20);
    if (line.rfind("final resumed_from_", 0) == 0) {
      ++resumed;
      ok = ok && line.substr(line.rfind(' ') + 1) == whole;
    }
    if (line.rfind("log resumed_from_", 0) == 0) ok = ok && line.find("same") != std::string::npos;
    if (line.rfind("lr ", 0) == 0 && (line.rfind("lr 0 ", 0) == 0 || line.rfind("lr 20 ", 0) == 0 ||
                                      line.rfind("lr 39 ", 0) == 0 || line.rfind("lr 79 ", 0) == 0))
      std::printf("  %s\n", line.c_str());
  }
  ok = ok && lrs_seen == total_steps &&
       plateau_seen == (total_steps - schedule_steps) / eval_every + 1 && resumed == 2;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "rank 0 and rank 1 logs %s (%d LR lines, %d plateau lines); final parameters "
      "fnv1a %s on both; resumed from steps 20 and 60: %s\n",
      r0 == r1 ? "identical" : "DIFFER", lrs_seen, plateau_seen, whole.c_str(),
      ok ? "bit-identical" : "MISMATCH");
  std::printf("%s (%.1f s)\n", ok ? "PASS" : "FAIL", secs);
  if (ok)
    std::filesystem::remove_all(dir);
  else
    std::printf("rank outputs kept in %s\n", dir.c_str());
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--worker") {
    try {
      return worker(std::atoi(argv[2]), argv[3]);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "rank %s: %s\n", argv[2], e.what());
      return 1;
    }
  }
  return launch("/proc/self/exe");
}
