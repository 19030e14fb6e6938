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

#include "automl/error.hpp"
#include "worker_metrics.hpp"

namespace automl_worker {

enum class StopReason : int { None = 0, Cancel = 1, Release = 2, Timeout = 3 };

// What one job may use (automl-worker --max-*): beyond a limit the job fails with
// 54000 and a message naming the flag, instead of exhausting the machine.
struct JobLimits {
  long long max_rows = 50'000'000;
  long long max_columns = 2'000;
  long long max_model_bytes = 512LL * 1024 * 1024;
  double max_job_seconds = 24 * 3600;
  long long max_memory_bytes = 0;  // 0: half the machine's memory (set by parse_options)
  long long max_import_bytes = 10240LL * 1024 * 1024;  // an import's body, decoded

  // Each raises 54000 naming the flag when the limit is exceeded.
  void check_rows(long long rows, const std::string& relation) const {
    if (rows > max_rows)
      throw automl::Error(
          automl::sqlstate::kProgramLimitExceeded,
          relation + " has more than " + std::to_string(max_rows) +
              " rows; this worker reads at most that many (automl-worker --max-rows)",
          "train on a sample: relation => 'SELECT … FROM … TABLESAMPLE SYSTEM (10)'");
  }
  void check_model_size(std::size_t bytes) const {
    if (static_cast<long long>(bytes) > max_model_bytes)
      throw automl::Error(
          automl::sqlstate::kProgramLimitExceeded,
          "the trained model takes " + std::to_string(bytes >> 20) +
              " MB; this worker stores at most " + std::to_string(max_model_bytes >> 20) +
              " MB (automl-worker --max-model-mb)",
          "fewer or shallower trees, fewer categories (preprocess.max_categories) or, for a "
          "tagger, a higher min_feature_count make it smaller");
  }
};

struct JobControl {
  long long id = 0;
  long long lease = 0;
  int threads = 1;  // cores a tree learner may use (--threads)
  JobLimits limits;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<bool> stop{false};
  std::atomic<int> stop_reason{static_cast<int>(StopReason::None)};
  // The backend reading the job's data (0: not reading): a stop cancels its
  // statement (pg_cancel_backend from the control connection), so a slow query
  // stops within a heartbeat instead of running to its end.
  std::atomic<int> reading_backend{0};
  bool reading_cancelled = false;  // control thread only
  JobPhases phases;                // its kind label and phase timings; runner thread only

  void request_stop(StopReason reason) {
    int none = static_cast<int>(StopReason::None);
    stop_reason.compare_exchange_strong(none, static_cast<int>(reason));
    stop = true;
  }
  StopReason reason() const { return static_cast<StopReason>(stop_reason.load()); }
  // Once stopped: throws what the stop means for the job (54000 naming
  // --max-job-time for a timeout, else 57014).
  void throw_if_stopped() const {
    if (stop && reason() == StopReason::Timeout)
      throw automl::Error(
          automl::sqlstate::kProgramLimitExceeded,
          "the job ran longer than this worker allows (automl-worker --max-job-time " +
              std::to_string(static_cast<long long>(limits.max_job_seconds)) + " s)");
    if (stop) throw automl::Error(automl::sqlstate::kQueryCanceled, "job was stopped");
  }

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
