// heartbeater.hpp — the worker's heartbeat, on the control connection: keeps this
// worker's row in automl.workers (writing it again whenever it is gone), reports
// each running job's progress, and stops a job whose claim is gone or whose
// cancellation was requested.
#pragma once

#include <chrono>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "job_control.hpp"

namespace automl_worker {

struct HeartbeaterConfig {
  std::string worker;     // --name
  int concurrency = 1;    // reported in automl.workers
  double interval = 2.0;  // --heartbeat-interval

  void validate() const;  // throws std::invalid_argument
};

class Heartbeater {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Heartbeater(HeartbeaterConfig config);

  // The next tick beats at once: a new connection registers, a cancellation
  // notification is checked.
  void beat_soon() { last_beat_ = Clock::time_point{}; }
  // Beats when an interval has passed since the last beat.
  void tick(pqxx::connection_base& conn, Clock::time_point now,
            const std::vector<std::shared_ptr<JobControl>>& jobs);
  // pg_automl is not installed: said once per outage; the next look is one interval away.
  void extension_missing(const std::string& error, Clock::time_point now);
  // Removes this worker's row, if it ever wrote one.
  void unregister(pqxx::connection_base& conn);
  // The last heartbeat found or wrote this worker's row (and pg_automl is installed).
  bool alive() const { return alive_; }

 private:
  HeartbeaterConfig config_;
  Clock::time_point last_beat_{};
  bool registered_ = false;             // the row was written once
  bool alive_ = false;                  // the last heartbeat saw the row
  bool waiting_for_extension_ = false;  // said once per outage, not every tick
};

}  // namespace automl_worker
