// deadlines.hpp — when running jobs must stop: past the shutdown grace period
// (released back to the queue) and past --max-job-time (failed); and how a stop
// reaches a job's running statement.
#pragma once

#include <chrono>
#include <memory>
#include <pqxx/pqxx>
#include <vector>

#include "job_control.hpp"

namespace automl_worker {

struct DeadlinesConfig {
  double grace_period = 30.0;  // --grace-period: after a stop, running jobs may take this long

  void validate() const;  // throws std::invalid_argument
};

class Deadlines {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadlines(DeadlinesConfig config);

  // Stops each job past its deadline. Returns true once, when it first sees
  // `stopping` (the runners must then be woken to stop claiming).
  bool enforce(Clock::time_point now, bool stopping,
               const std::vector<std::shared_ptr<JobControl>>& jobs);

 private:
  DeadlinesConfig config_;
  bool stop_seen_ = false;
  Clock::time_point stop_seen_at_{};
};

// A stopped job still running a statement (reading its data): cancels it, once,
// with pg_cancel_backend on `conn`.
void cancel_stopped_statements(pqxx::connection_base& conn,
                               const std::vector<std::shared_ptr<JobControl>>& jobs);

}  // namespace automl_worker
