// shared_state.hpp — what the worker's threads share: the wake-up signal that runners
// wait on, and the jobs running now, by runner.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "job_control.hpp"

namespace automl_worker {

// A generation counter: a runner reads it before claiming and waits for it to move,
// so a wake-up that arrives during the claim is not lost.
class Wakeup {
 public:
  void wake() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++generation_;
    }
    changed_.notify_all();
  }
  std::uint64_t generation() {
    std::lock_guard<std::mutex> lock(mutex_);
    return generation_;
  }
  // Until the generation moves past `seen`, `stop()` holds, or `seconds` pass.
  template <typename Stop>
  void wait(std::uint64_t seen, double seconds, Stop stop) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::duration<double>(seconds),
                      [&] { return stop() || generation_ != seen; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t generation_ = 0;
};

// The job each runner runs now, for the control thread's heartbeats and stops.
class RunningJobs {
 public:
  void put(int runner, std::shared_ptr<JobControl> job) {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_[runner] = std::move(job);
  }
  void erase(int runner) {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.erase(runner);
  }
  std::vector<std::shared_ptr<JobControl>> all() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::shared_ptr<JobControl>> out;
    for (auto& [runner, job] : jobs_) out.push_back(job);
    return out;
  }

 private:
  std::mutex mutex_;
  std::map<int, std::shared_ptr<JobControl>> jobs_;
};

}  // namespace automl_worker
