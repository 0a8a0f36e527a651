// SPDX-License-Identifier: MIT
// lrs::thread_pool: a fixed set of worker threads that run the chunks of one job at a time
// (the optimizer step, the scaling-law fit), with no allocation and no thread creation per job.
#ifndef LRS_CORE_THREAD_POOL_HPP
#define LRS_CORE_THREAD_POOL_HPP

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <lrs/core/error.hpp>

namespace lrs {

/// A pool of `size()` threads: the caller of run() and `size() - 1` workers started once, in the
/// constructor, and joined in the destructor.
///
/// `run(tasks, f)` calls `f(i)` once for every task index i in [0, tasks), spread over the caller
/// and the workers (each takes the next index from a shared counter), and returns when all calls
/// have returned. Which thread runs which index is not fixed, so a caller that wants the same
/// result for every pool size writes each task's result to its own slot and combines the slots in
/// index order afterwards (what the optimizers and the scaling-law fit do).
///
/// Thread safety: run() may be called from several threads; the calls are serialised (one job at
/// a time). run() must not be called from inside a task of the same pool (it would deadlock),
/// and `f` must not throw (an exception escaping a task calls std::terminate).
///
/// Pinning: the optional `on_start(worker)` callback runs first thing in each worker thread
/// (worker = 1, ..., size() - 1; the caller is 0), e.g. to call pthread_setaffinity_np on
/// pthread_self(); native_handle(worker) gives the std::thread handle as well.
class thread_pool {
 public:
  /// @param threads total number of threads running a job, the caller included (>= 1; 1 starts
  ///        no thread and runs every task on the caller).
  /// @param on_start called once in each worker thread before it takes work (may be empty).
  /// @throws lrs::invalid_argument if threads is 0 or above 4096; std::system_error if a thread
  ///         cannot be started (the threads already started are joined).
  explicit thread_pool(std::size_t threads,
                       std::function<void(std::size_t worker)> on_start = nullptr)
      : size_(threads) {
    detail::require(threads >= 1 && threads <= 4096, "thread_pool", "threads", "in [1, 4096]",
                    threads);
    workers_.reserve(threads - 1);
    try {
      for (std::size_t w = 1; w < threads; ++w)
        workers_.emplace_back([this, w, on_start] {
          if (on_start) on_start(w);
          work();
        });
    } catch (...) {
      stop_all();
      throw;
    }
  }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;
  ~thread_pool() { stop_all(); }

  /// Threads that run a job: the workers and the caller.
  std::size_t size() const noexcept { return size_; }

  /// The std::thread handle of worker w (1 <= w < size()), e.g. for pthread_setaffinity_np.
  /// @throws std::out_of_range if w is 0 or >= size().
  std::thread::native_handle_type native_handle(std::size_t w) {
    return workers_.at(w - 1).native_handle();
  }

  /// Calls f(i) for i in [0, tasks) on the pool's threads and returns when all are done.
  /// Runs on the caller alone when tasks <= 1 or size() == 1. No allocation.
  template <class F>
  void run(std::size_t tasks, F& f) {
    if (tasks == 0) return;
    if (tasks == 1 || size_ == 1) {
      for (std::size_t i = 0; i < tasks; ++i) f(i);
      return;
    }
    std::lock_guard<std::mutex> job_lock(job_mutex_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fn_ = [](void* ctx, std::size_t i) { (*static_cast<F*>(ctx))(i); };
      ctx_ = &f;
      tasks_ = tasks;
      next_.store(0, std::memory_order_relaxed);
      busy_ = workers_.size();
      ++generation_;
    }
    wake_.notify_all();
    drain();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
  }

 private:
  // Takes task indices until none is left.
  void drain() {
    for (;;) {
      const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
      if (i >= tasks_) return;
      fn_(ctx_, i);
    }
  }

  void work() {
    std::uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      drain();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--busy_ == 0) done_.notify_one();
      }
    }
  }

  void stop_all() noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_)
      if (t.joinable()) t.join();
  }

  std::size_t size_;
  std::vector<std::thread> workers_;
  std::mutex job_mutex_;  // one job at a time
  std::mutex mutex_;      // guards generation_, busy_, stop_ and the job fields below
  std::condition_variable wake_, done_;
  std::uint64_t generation_ = 0;
  std::size_t busy_ = 0;
  bool stop_ = false;
  void (*fn_)(void*, std::size_t) = nullptr;
  void* ctx_ = nullptr;
  std::size_t tasks_ = 0;
  std::atomic<std::size_t> next_{0};
};

}  // namespace lrs

#endif  // LRS_CORE_THREAD_POOL_HPP
