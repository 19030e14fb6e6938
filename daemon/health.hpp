// health.hpp — what GET /healthz answers: whether this worker can serve the queue.
// The control thread keeps it current (each heartbeat and queue look); a request
// only reads it, so probing the endpoint never queries the database.
#pragma once

#include <atomic>
#include <string>

namespace automl_worker {

struct HealthState {
  std::atomic<bool> connected{false};  // the control connection is open
  std::atomic<bool> registered{
      false};                       // the last heartbeat found (or wrote) our automl.workers row
  std::atomic<bool> paused{false};  // the whole queue is paused (automl.pause_queue())

  bool healthy() const { return connected && registered && !paused; }
  // {"healthy":…,"connected":…,"registered":…,"paused":…,"worker":…,"version":…,"running_jobs":…}
  std::string json(const std::string& worker, int running_jobs) const;
};

}  // namespace automl_worker
