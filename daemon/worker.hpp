// worker.hpp — the worker process: runner threads that claim and run jobs, and one
// control thread that listens for notifications, heartbeats, rescues stale jobs and
// enforces the shutdown grace period.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "job_control.hpp"
#include "options.hpp"

namespace pqxx {
class connection_base;
}

namespace automl_worker {

class Worker {
 public:
  explicit Worker(Options options);
  // Runs until stop() (or, with --once, until no job is runnable) and every running
  // job has finished or been released. Returns the process exit code.
  int run();
  // Async-signal-safe: only sets a flag; threads notice within a poll tick.
  void stop() noexcept { stopping_ = true; }

 private:
  void runner_loop(int index);
  void control_loop();
  void control_tick(pqxx::connection_base& conn);
  void wake_runners();
  std::uint64_t wake_generation();
  void wait_for_work(std::uint64_t seen);
  std::vector<std::shared_ptr<JobControl>> running_jobs();

  Options options_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> active_runners_{0};
  std::mutex mutex_;
  std::condition_variable work_available_;
  std::uint64_t wake_generation_ = 0;
  std::map<int, std::shared_ptr<JobControl>> running_;  // by runner index
  std::chrono::steady_clock::time_point last_heartbeat_{}, last_rescue_{}, stop_seen_at_{};
  bool stop_seen_ = false;
  bool registered_ = false;              // the control thread has written our row once
  bool waiting_for_extension_ = false;  // said once per outage, not every tick
};

}  // namespace automl_worker
