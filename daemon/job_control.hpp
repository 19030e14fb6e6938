// job_control.hpp — what a worker and one of its running jobs share.
//
// The runner thread trains; the control thread heartbeats and hears
// cancellations. They meet here: `stop` is the flag core/ polls, `stop_reason`
// says what to do once the job has stopped, and progress/message are what the next
// heartbeat reports.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

namespace automl_worker {

enum class StopReason : int { None = 0, Cancel = 1, Release = 2, Timeout = 3 };

// What one job may use (automl-worker --max-*): beyond a limit the job fails with
// 54000 and a message naming the flag, instead of exhausting the machine.
struct JobLimits {
  long long max_rows = 50'000'000;
  long long max_columns = 2'000;
  long long max_model_bytes = 512LL * 1024 * 1024;
  double max_job_seconds = 24 * 3600;
};

struct JobControl {
  long long id = 0;
  long long lease = 0;
  int threads = 1;  // cores a tree learner may use (--threads)
  JobLimits limits;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<bool> stop{false};
  std::atomic<int> stop_reason{static_cast<int>(StopReason::None)};

  void request_stop(StopReason reason) {
    int none = static_cast<int>(StopReason::None);
    stop_reason.compare_exchange_strong(none, static_cast<int>(reason));
    stop = true;
  }
  StopReason reason() const { return static_cast<StopReason>(stop_reason.load()); }

  void report(float value, std::string text) {
    std::lock_guard<std::mutex> lock(mutex_);
    progress_ = value;
    message_ = std::move(text);
  }
  void snapshot(float& value, std::string& text) {
    std::lock_guard<std::mutex> lock(mutex_);
    value = progress_;
    text = message_;
  }

 private:
  std::mutex mutex_;
  float progress_ = 0;
  std::string message_;
};

}  // namespace automl_worker
