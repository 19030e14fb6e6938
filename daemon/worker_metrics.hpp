// worker_metrics.hpp — the metrics automl-worker exports (docs/operations.md,
// "Monitoring the worker"), kept in one process-wide registry that every role
// updates and GET /metrics renders.
//
// Labels stay few and bounded: `kind` is one of the job kinds this worker runs
// (train, tagging, import, design, noop) or "other"; `phase` one of read, train,
// store, fetch, search. Nothing a user writes becomes a label value.
#pragma once

#include <chrono>
#include <string>

#include "metrics.hpp"

namespace automl_worker {

inline constexpr const char* kJobsStarted = "automl_worker_jobs_started_total";
inline constexpr const char* kJobsSucceeded = "automl_worker_jobs_succeeded_total";
inline constexpr const char* kJobsFailed = "automl_worker_jobs_failed_total";
inline constexpr const char* kJobsRetried = "automl_worker_jobs_retried_total";
inline constexpr const char* kJobDuration = "automl_worker_job_duration_seconds";
inline constexpr const char* kPhaseDuration = "automl_worker_job_phase_duration_seconds";
inline constexpr const char* kClaimLatency = "automl_worker_claim_latency_seconds";
inline constexpr const char* kQueueDepth = "automl_worker_queue_depth";
inline constexpr const char* kRunningJobs = "automl_worker_running_jobs";
inline constexpr const char* kHeartbeats = "automl_worker_heartbeats_total";
inline constexpr const char* kReconnects = "automl_worker_reconnects_total";
inline constexpr const char* kResidentMemory = "automl_worker_resident_memory_bytes";
inline constexpr const char* kUp = "automl_worker_up";
inline constexpr const char* kInfo = "automl_worker_info";

// The registry, every family declared (on first use, so it exists before main's
// threads); `automl_worker_info` is set by set_worker_info.
MetricsRegistry& worker_metrics();
void set_worker_info(const std::string& worker);

// The `kind` label of a claimed job: its kind, "tagging" for a train job that trains
// a CRF tagger (it runs differently), "other" for a kind this worker does not know.
std::string job_kind_label(const std::string& kind, const std::string& spec_json);

// Resident set size of this process from /proc/self/statm (0 when unreadable).
double resident_memory_bytes();

// How an attempt ended, for the counters and the duration histogram: "succeeded",
// "failed" (for good), "retried", "cancelled" or "released".
void record_job_outcome(const std::string& kind, const std::string& outcome, double seconds);

// The phases of one job attempt, each observed into automl_worker_job_phase_duration_seconds
// as it ends. A phase the attempt did not complete (it failed or stopped) is not
// observed. Used by the runner thread only.
class JobPhases {
 public:
  using Clock = std::chrono::steady_clock;

  explicit JobPhases(std::string kind = "other") : kind_(std::move(kind)) {}
  const std::string& kind() const { return kind_; }
  // Ends the current phase, if any, and begins `phase` (a string literal).
  void begin(const char* phase);
  // Ends the current phase: the attempt completed it.
  void end();
  double seconds() const;  // since the attempt began

 private:
  std::string kind_;
  Clock::time_point started_ = Clock::now();
  const char* phase_ = nullptr;
  Clock::time_point phase_started_{};
};

}  // namespace automl_worker
