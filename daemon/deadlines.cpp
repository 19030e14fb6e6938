// deadlines.cpp — see deadlines.hpp.
#include "deadlines.hpp"

#include <stdexcept>
#include <string>

#include "log.hpp"

namespace automl_worker {

void DeadlinesConfig::validate() const {
  if (!(grace_period > 0)) throw std::invalid_argument("the grace period must be positive");
}

Deadlines::Deadlines(DeadlinesConfig config) : config_(config) { config_.validate(); }

bool Deadlines::enforce(Clock::time_point now, bool stopping,
                        const std::vector<std::shared_ptr<JobControl>>& jobs) {
  bool first_seen = false;
  if (stopping && !stop_seen_) {
    stop_seen_ = first_seen = true;
    stop_seen_at_ = now;
    log_event(
        LogLevel::Info, "stopping", 0,
        "stopping: no new jobs; running jobs have " + std::to_string(config_.grace_period) + " s");
  }
  if (stop_seen_ && now - stop_seen_at_ >= std::chrono::duration<double>(config_.grace_period))
    for (const auto& job : jobs) job->request_stop(StopReason::Release);
  for (const auto& job : jobs)
    if (now - job->started >= std::chrono::duration<double>(job->limits.max_job_seconds))
      job->request_stop(StopReason::Timeout);
  return first_seen;
}

void cancel_stopped_statements(pqxx::connection_base& conn,
                               const std::vector<std::shared_ptr<JobControl>>& jobs) {
  for (const auto& job : jobs) {
    const int backend = job->reading_backend;
    if (!job->stop || backend == 0 || job->reading_cancelled) continue;
    job->reading_cancelled = true;
    pqxx::work txn(conn, "cancel_reading");
    txn.exec_params("SELECT pg_cancel_backend($1)", backend);
    txn.commit();
  }
}

}  // namespace automl_worker
