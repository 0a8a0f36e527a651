// SPDX-License-Identifier: MIT
// The schedule x budget x seed sweep for any model: runs whose LR sequences share a prefix share
// its training (WSD's stable phase, a constant LR, schedule-free), on several threads.
#ifndef LRS_EXAMPLES_COMMON_SWEEP_ENGINE_HPP
#define LRS_EXAMPLES_COMMON_SWEEP_ENGINE_HPP

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/types.hpp>

#include "progress.hpp"

namespace lrs_example {

/// What a training task reports at the end of a run.
struct run_metrics {
  double test_accuracy = 0;  ///< fraction in [0, 1]; the table's number (higher is better)
  double test_loss = 0;
  double train_loss = 0;
};

/// One row of the table: a schedule (a short name or any spec string the library parses) and
/// the variant of the optimizer it drives.
struct candidate {
  std::string name;  ///< as shown in the table and the CSVs
  std::string spec;  ///< what make_schedule receives
  /// The task trains this row with its schedule-free optimizer (a task without one throws).
  bool schedule_free = false;
};

/// The outcome of one (candidate, budget, seed) run.
struct run_result {
  std::string schedule;  ///< candidate name
  double budget = 0;     ///< percent of the full run
  std::uint64_t seed = 0;
  lrs::step_t steps = 0;
  lrs::step_t shared_steps = 0;  ///< first steps taken from a longer run of the same candidate
  run_metrics metrics;
  std::vector<double> lr;   ///< per step
  std::vector<float> loss;  ///< per step, the task's minibatch loss before the update
};

/// A training task the sweep can drive (see examples/sweep_own_model.cpp for a complete one):
///
///     struct my_task {
///       using state = ...;  // copyable: the model, the optimizer, anything else a run carries
///       state init(const candidate& c, std::uint64_t seed) const;  // fresh run of c, seeded
///       float step(state& s, lrs::step_t t, double lr, std::optional<double> momentum) const;
///       run_metrics evaluate(const state& s) const;  // at the end of a run (s is not changed)
///     };
///
/// `step` does update t (0-based) with learning rate lr (and, for schedules that cycle it, the
/// momentum or beta1) and returns the minibatch loss before the update. Everything it does must
/// depend on the state, t, lr and momentum alone, not on the budget: then a run that branches
/// off a copy of another run's state at step p is, bit for bit, the run trained from scratch,
/// and the sweep shares the first p steps of runs whose LR and momentum agree there.
///
/// The schedules come from `make_schedule(spec, total_steps)`.
using schedule_factory =
    std::function<lrs::any_schedule<double>(const std::string& spec, lrs::step_t total_steps)>;

/// How a sweep is laid out.
struct sweep_layout {
  std::vector<double> budgets;       ///< percent, distinct, in (0, 100]
  std::vector<lrs::step_t> steps;    ///< updates of each budget, same order, >= 1
  std::vector<std::uint64_t> seeds;  ///< one run per seed
  int threads = 1;                   ///< runs trained in parallel
  /// A run branches off a longer one only if they agree on at least this fraction of its steps,
  /// and on two steps at least (shorter shared prefixes save too little to serialise the runs).
  double min_shared_fraction = 0.05;
};

namespace detail_sweep {

/// Steps on which two schedules agree bit for bit (LR and momentum) from step 0, up to `n`.
inline lrs::step_t common_prefix(const lrs::any_schedule<double>& a,
                                 const lrs::any_schedule<double>& b, lrs::step_t n) {
  for (lrs::step_t t = 0; t < n; ++t) {
    if (a(t) != b(t) || a.has_momentum() != b.has_momentum()) return t;
    if (a.has_momentum() && a.momentum(t) != b.momentum(t)) return t;
  }
  return n;
}

/// Runs of one (candidate, seed) as a forest: parent[j] = the run budget j branches off (-1:
/// trained from scratch) at step branch[j].
struct plan {
  std::vector<lrs::any_schedule<double>> sched;
  std::vector<int> parent;
  std::vector<lrs::step_t> branch;
};

inline plan make_plan(const std::string& spec, const sweep_layout& l,
                      const schedule_factory& make_schedule) {
  const std::size_t nb = l.budgets.size();
  plan p;
  for (std::size_t j = 0; j < nb; ++j) p.sched.push_back(make_schedule(spec, l.steps[j]));
  p.parent.assign(nb, -1);
  p.branch.assign(nb, 0);
  std::vector<std::size_t> order(nb);
  for (std::size_t j = 0; j < nb; ++j) order[j] = j;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return l.steps[a] > l.steps[b]; });
  for (std::size_t k = 1; k < nb; ++k) {
    const std::size_t j = order[k];
    for (std::size_t q = 0; q < k; ++q) {  // longer runs only
      const std::size_t i = order[q];
      const lrs::step_t c = common_prefix(p.sched[j], p.sched[i], l.steps[j]);
      if (c > p.branch[j]) {
        p.branch[j] = c;
        p.parent[j] = static_cast<int>(i);
      }
    }
    if (p.branch[j] < 2 || static_cast<double>(p.branch[j]) <
                               l.min_shared_fraction * static_cast<double>(l.steps[j])) {
      p.branch[j] = 0;
      p.parent[j] = -1;
    }
  }
  return p;
}

}  // namespace detail_sweep

/// Training steps a candidate's runs cost together for one seed, in full runs (the longest
/// budget = 1): budgets that branch off a longer run only pay for their own last steps.
inline double compute_in_runs(const std::vector<run_result>& results, const std::string& name,
                              std::uint64_t seed, lrs::step_t full_steps) {
  double steps = 0;
  for (const auto& r : results)
    if (r.schedule == name && r.seed == seed)
      steps += static_cast<double>(r.steps - r.shared_steps);
  return steps / static_cast<double>(full_steps);
}

/// Every candidate x every budget x every seed. Results are in the order candidate, budget, seed
/// (candidates[0] at budgets[0] for every seed, then at budgets[1], ...) and, like every number in
/// them, do not depend on the thread count: a job (one candidate and seed, with the runs that
/// branch off each other) runs on one thread, and nothing is shared between jobs.
/// @throws the first exception a run threw (std::invalid_argument for a bad layout).
template <class Task>
std::vector<run_result> run_sweep(const Task& task, const std::vector<candidate>& candidates,
                                  const sweep_layout& l, const schedule_factory& make_schedule,
                                  progress* bar = nullptr) {
  const std::size_t nb = l.budgets.size(), ns = l.seeds.size(), nc = candidates.size();
  if (nb == 0 || l.steps.size() != nb)
    throw std::invalid_argument("run_sweep: need one step count per budget");
  if (ns == 0) throw std::invalid_argument("run_sweep: need at least one seed");
  for (std::size_t i = 0; i < nb; ++i) {
    if (l.steps[i] < 1)
      throw std::invalid_argument("run_sweep: steps must be >= 1, got " +
                                  std::to_string(l.steps[i]));
    for (std::size_t j = 0; j < i; ++j)
      if (l.budgets[i] == l.budgets[j])
        throw std::invalid_argument("run_sweep: budgets must be distinct");
  }
  using state = typename Task::state;
  std::vector<run_result> results(nc * nb * ns);
  const auto slot = [&](std::size_t c, std::size_t b, std::size_t s) -> run_result& {
    return results[(c * nb + b) * ns + s];
  };
  // Plans depend on the candidate only; make them up front (this also checks every spec).
  std::vector<detail_sweep::plan> plans;
  for (const auto& c : candidates)
    plans.push_back(detail_sweep::make_plan(c.spec, l, make_schedule));

  struct job {
    std::size_t c, s, root;
    double cost;
  };
  std::vector<job> jobs;
  double total_work = 0;
  for (std::size_t c = 0; c < nc; ++c) {
    const auto& p = plans[c];
    for (std::size_t s = 0; s < ns; ++s)
      for (std::size_t j = 0; j < nb; ++j) {
        if (p.parent[j] >= 0) continue;
        double cost = 0;  // the steps of j and of every run branching off it, transitively
        for (std::size_t k = 0; k < nb; ++k) {
          std::size_t r = k;
          while (p.parent[r] >= 0) r = static_cast<std::size_t>(p.parent[r]);
          if (r == j) cost += static_cast<double>(l.steps[k] - p.branch[k]);
        }
        jobs.push_back({c, s, j, cost});
        total_work += cost;
      }
  }
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const job& a, const job& b) { return a.cost > b.cost; });  // longest first
  if (bar != nullptr) bar->set_total_work(total_work);

  // Trains run j of a job from `st` (at step branch[j]); the runs branching off it afterwards.
  std::function<void(const job&, std::size_t, state)> train = [&](const job& jb, std::size_t j,
                                                                  state st) {
    const auto& p = plans[jb.c];
    const auto& sched = p.sched[j];
    run_result& r = slot(jb.c, j, jb.s);
    r.schedule = candidates[jb.c].name;
    r.budget = l.budgets[j];
    r.seed = l.seeds[jb.s];
    r.steps = l.steps[j];
    r.shared_steps = p.branch[j];
    if (p.parent[j] >= 0) {  // the shared first steps, as recorded by the parent run
      const run_result& from = slot(jb.c, static_cast<std::size_t>(p.parent[j]), jb.s);
      r.lr.assign(from.lr.begin(), from.lr.begin() + p.branch[j]);
      r.loss.assign(from.loss.begin(), from.loss.begin() + p.branch[j]);
    }
    r.lr.reserve(static_cast<std::size_t>(r.steps));
    r.loss.reserve(static_cast<std::size_t>(r.steps));
    std::vector<std::pair<std::size_t, std::optional<state>>> children;
    for (std::size_t k = 0; k < nb; ++k)
      if (p.parent[k] == static_cast<int>(j)) children.emplace_back(k, std::nullopt);
    const auto save = [&](lrs::step_t t) {
      for (auto& [k, snapshot] : children)
        if (p.branch[k] == t) snapshot = st;  // the state after t updates
    };
    for (lrs::step_t t = p.branch[j]; t < r.steps; ++t) {
      save(t);
      const double lr = sched(t);
      std::optional<double> momentum;
      if (sched.has_momentum()) momentum = sched.momentum(t);
      r.loss.push_back(task.step(st, t, lr, momentum));
      r.lr.push_back(lr);
    }
    save(r.steps);
    r.metrics = task.evaluate(st);
    for (auto& [k, snapshot] : children) train(jb, k, std::move(*snapshot));
  };

  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto worker = [&] {
    for (std::size_t k; (k = next.fetch_add(1)) < jobs.size();) {
      const job& jb = jobs[k];
      try {
        train(jb, jb.root, task.init(candidates[jb.c], l.seeds[jb.s]));
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
      if (bar != nullptr) bar->advance(1, jb.cost);
    }
  };
  const int nt = std::max(1, std::min<int>(l.threads, static_cast<int>(jobs.size())));
  std::vector<std::thread> pool;
  for (int i = 1; i < nt; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  return results;
}

/// Jobs (independent trees of runs) a sweep will train: what its progress bar counts.
inline std::size_t count_jobs(const std::vector<candidate>& candidates, const sweep_layout& l,
                              const schedule_factory& make_schedule) {
  std::size_t n = 0;
  for (const auto& c : candidates) {
    const auto p = detail_sweep::make_plan(c.spec, l, make_schedule);
    for (const int parent : p.parent) n += parent < 0 ? l.seeds.size() : 0;
  }
  return n;
}

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_COMMON_SWEEP_ENGINE_HPP
