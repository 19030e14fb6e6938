// worker.hpp — the worker process and its roles, one thread each: runner threads
// that claim and run jobs (executor.hpp), a control thread that hears
// notifications (listener.hpp), heartbeats (heartbeater.hpp) and enforces the grace
// period and job time limits (deadlines.hpp), and a rescuer thread that returns
// stale jobs to the queue while this worker leads (rescuer.hpp), and a webhook thread
// that posts the outbox's events (webhook_deliverer.hpp). With --metrics-address the
// control thread also keeps the health state and queue gauges current
// (queue_observer.hpp) that metrics_server.hpp serves.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "deadlines.hpp"
#include "executor.hpp"
#include "health.hpp"
#include "heartbeater.hpp"
#include "listener.hpp"
#include "metrics_server.hpp"
#include "options.hpp"
#include "queue_observer.hpp"
#include "rescuer.hpp"
#include "shared_state.hpp"
#include "webhook_deliverer.hpp"

namespace pqxx {
class connection_base;
}

namespace automl_worker {

class Worker {
 public:
  // Throws std::invalid_argument when `options` make an invalid role config.
  explicit Worker(Options options);
  // Runs until stop() (or, with --once, until no job is runnable) and every running
  // job has finished or been released. Returns the process exit code.
  int run();
  // Async-signal-safe: only sets a flag; threads notice within a poll tick.
  void stop() noexcept { stopping_ = true; }

  // For the metrics server's thread: the /metrics text and the /healthz answer,
  // from memory only.
  std::string metrics_text();
  HealthAnswer health();

 private:
  void control_loop();
  void control_tick(pqxx::connection_base& conn);

  Options options_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> active_runners_{0};
  Wakeup wakeup_;
  RunningJobs running_;
  Executor executor_;
  Listener listener_;
  Heartbeater heartbeater_;
  Deadlines deadlines_;
  Rescuer rescuer_;
  WebhookDeliverer webhooks_;
  HealthState health_;
  std::optional<QueueObserver> queue_observer_;  // with --metrics-address only
};

}  // namespace automl_worker
