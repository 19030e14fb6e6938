// worker_metrics.cpp — see worker_metrics.hpp.
#include "worker_metrics.hpp"

#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace automl_worker {
namespace {

// Upper bounds in seconds: jobs take from a fraction of a second to a day
// (--max-job-time); one claim a millisecond to, on a loaded server, seconds.
const std::vector<double> kJobBuckets = {0.05, 0.1, 0.25, 0.5, 1,    2.5,  5,     10,    30,
                                         60,   120, 300,  600, 1800, 3600, 10800, 43200, 86400};
const std::vector<double> kClaimBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                           0.25,  0.5,    1,     2.5,  5,     10};
const char* const kKinds[] = {"train", "tagging", "import", "design", "noop"};

void define_all(MetricsRegistry& m) {
  using T = MetricType;
  m.define(kJobsStarted, T::Counter, "Job attempts this worker claimed and started.");
  m.define(kJobsSucceeded, T::Counter, "Job attempts that succeeded.");
  m.define(kJobsFailed, T::Counter, "Job attempts that failed for good (no retry left).");
  m.define(kJobsRetried, T::Counter, "Job attempts that failed and went back to the queue.");
  m.define(kJobDuration, T::Histogram,
           "Seconds from the claim to the attempt's recorded outcome, by job kind.", kJobBuckets);
  m.define(kPhaseDuration, T::Histogram,
           "Seconds a job attempt spent in each completed phase (read, train, store, fetch, "
           "search).",
           kJobBuckets);
  m.define(kClaimLatency, T::Histogram, "Seconds one claim transaction took, found or not.",
           kClaimBuckets);
  m.define(kQueueDepth, T::Gauge,
           "Jobs queued in automl.jobs (any worker's), as of the last heartbeat that read it.");
  m.define(kRunningJobs, T::Gauge, "Jobs this worker runs now.");
  m.define(kHeartbeats, T::Counter, "Heartbeats this worker committed.");
  m.define(kReconnects, T::Counter,
           "Connections to PostgreSQL dropped (lost, or reset after an error) to be opened again.");
  m.define(kResidentMemory, T::Gauge, "Resident memory of this worker process in bytes.");
  m.define(kUp, T::Gauge, "1 while the worker's control connection to PostgreSQL is open.");
  m.define(kInfo, T::Gauge, "Always 1; the labels name this worker and its version.");
  // Series that exist from the start, so rate() sees the first job of each kind.
  for (const char* kind : kKinds)
    for (const char* counter : {kJobsStarted, kJobsSucceeded, kJobsFailed, kJobsRetried})
      m.add(counter, {{"kind", kind}}, 0);
  for (const char* name : {kHeartbeats, kReconnects, kRunningJobs, kQueueDepth, kUp})
    m.add(name, {}, 0);
}

}  // namespace

MetricsRegistry& worker_metrics() {
  static MetricsRegistry registry;
  static const bool defined = (define_all(registry), true);  // once, thread-safe
  (void)defined;
  return registry;
}

void set_worker_info(const std::string& worker) {
  worker_metrics().set(kInfo, {{"version", AUTOML_VERSION}, {"worker", worker}}, 1);
}

std::string job_kind_label(const std::string& kind, const std::string& spec_json) {
  if (kind == "train") {
    const auto spec = nlohmann::json::parse(spec_json, nullptr, false);
    if (spec.is_object() && ((spec.contains("task") && spec["task"] == "tagging") ||
                             (spec.contains("algorithm") && spec["algorithm"] == "crf")))
      return "tagging";
    return kind;
  }
  for (const char* known : kKinds)
    if (kind == known) return kind;
  return "other";
}

double resident_memory_bytes() {
  std::ifstream statm("/proc/self/statm");
  double total_pages = 0, resident_pages = 0;
  if (!(statm >> total_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<double>(sysconf(_SC_PAGESIZE));
}

void record_job_outcome(const std::string& kind, const std::string& outcome, double seconds) {
  MetricsRegistry& m = worker_metrics();
  const Labels labels = {{"kind", kind}};
  if (outcome == "succeeded") m.add(kJobsSucceeded, labels);
  if (outcome == "failed") m.add(kJobsFailed, labels);
  if (outcome == "retried") m.add(kJobsRetried, labels);
  m.observe(kJobDuration, labels, seconds);
}

void JobPhases::begin(const char* phase) {
  end();
  phase_ = phase;
  phase_started_ = Clock::now();
}

void JobPhases::end() {
  if (phase_ == nullptr) return;
  const double seconds = std::chrono::duration<double>(Clock::now() - phase_started_).count();
  worker_metrics().observe(kPhaseDuration, {{"kind", kind_}, {"phase", phase_}}, seconds);
  phase_ = nullptr;
}

double JobPhases::seconds() const {
  return std::chrono::duration<double>(Clock::now() - started_).count();
}

}  // namespace automl_worker
