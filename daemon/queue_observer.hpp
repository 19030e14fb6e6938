// queue_observer.hpp — with --metrics-address, the control thread's look at the
// queue as a whole: how many jobs are queued (automl_worker_queue_depth) and whether
// the whole queue is paused (/healthz). One cheap query each, at most once per
// interval, on the control connection: scrapes and probes never reach the database.
#pragma once

#include <chrono>
#include <pqxx/pqxx>

#include "health.hpp"

namespace automl_worker {

struct QueueObserverConfig {
  double interval = 2.0;  // seconds between looks: the heartbeat interval

  void validate() const;  // throws std::invalid_argument
};

class QueueObserver {
 public:
  using Clock = std::chrono::steady_clock;

  QueueObserver(QueueObserverConfig config, HealthState& health);

  // Looks when an interval has passed since the last look. Throws only
  // pqxx::broken_connection; other errors leave the last values in place.
  void tick(pqxx::connection_base& conn, Clock::time_point now);

 private:
  bool queue_paused(pqxx::connection_base& conn);

  QueueObserverConfig config_;
  HealthState& health_;
  Clock::time_point last_look_{};
};

}  // namespace automl_worker
