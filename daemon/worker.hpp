// worker.hpp — the worker process: runner threads that claim and run jobs, and
// one control thread that listens for notifications and sends heartbeats.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <cstdint>

#include "options.hpp"

namespace automl_worker {

class Worker {
 public:
  explicit Worker(Options options);
  // Runs until stop() (or, with --once, until no job is runnable). Returns the
  // process exit code.
  int run();
  // Async-signal-safe: only sets a flag; threads notice within a poll tick.
  void stop() noexcept { stopping_ = true; }

 private:
  struct Running {
    long long id;
    int attempt;
    std::atomic<bool> cancel{false};
  };

  void runner_loop(int index);
  void control_loop();
  void wake_runners();
  std::uint64_t wake_generation();
  void wait_for_work(std::uint64_t seen);
  void cancel_job(long long id);

  Options options_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> active_runners_{0};
  std::mutex mutex_;
  std::condition_variable work_available_;
  std::uint64_t wake_generation_ = 0;
  std::map<int, std::shared_ptr<Running>> running_;  // by runner index
};

}  // namespace automl_worker
