// worker.cpp — starts the roles' threads and runs the control thread's loop: one
// connection, re-opened with backoff, on which the listener waits, the heartbeater
// beats and the deadlines' stops reach running statements, and whose state
// /healthz reports.
#include "worker.hpp"

#include <chrono>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "connection.hpp"
#include "log.hpp"
#include "worker_metrics.hpp"

namespace automl_worker {
namespace {

ExecutorConfig executor_config(const Options& o) {
  return {o.dsn, o.name, o.once, o.poll_interval, o.threads, o.limits};
}
HeartbeaterConfig heartbeater_config(const Options& o) {
  return {o.name, o.concurrency, o.heartbeat_interval};
}
RescuerConfig rescuer_config(const Options& o) { return {o.dsn, o.name, o.rescue_after}; }
WebhookDelivererConfig webhook_config(const Options& o) {
  return {o.dsn, o.name, o.webhook_timeout, o.webhook_retry_base, o.poll_interval};
}

}  // namespace

Worker::Worker(Options options)
    : options_(std::move(options)),
      executor_(executor_config(options_), Claimer(ClaimerConfig{options_.name}), stopping_,
                wakeup_, running_),
      listener_(
          ListenerConfig{}, [this] { wakeup_.wake(); }, [this] { heartbeater_.beat_soon(); }),
      heartbeater_(heartbeater_config(options_)),
      deadlines_(DeadlinesConfig{options_.grace_period}),
      rescuer_(rescuer_config(options_)),
      webhooks_(webhook_config(options_)) {
  if (!options_.metrics_host.empty())
    queue_observer_.emplace(QueueObserverConfig{options_.heartbeat_interval}, health_);
  set_worker_info(options_.name);
}

std::string Worker::metrics_text() {
  MetricsRegistry& m = worker_metrics();
  m.set(kResidentMemory, {}, resident_memory_bytes());
  m.set(kUp, {}, health_.connected ? 1 : 0);
  return m.render();
}

HealthAnswer Worker::health() {
  return {health_.healthy(), health_.json(options_.name, static_cast<int>(running_.all().size()))};
}

// One round of the control thread's periodic duties.
void Worker::control_tick(pqxx::connection_base& conn) {
  const auto now = std::chrono::steady_clock::now();
  if (deadlines_.enforce(now, stopping_, running_.all())) wakeup_.wake();
  heartbeater_.tick(conn, now, running_.all());
  health_.registered = heartbeater_.alive();
  if (queue_observer_) queue_observer_->tick(conn, now);
  cancel_stopped_statements(conn, running_.all());
}

void Worker::control_loop() {
  std::unique_ptr<pqxx::connection> conn;
  // Runs until the last runner has exited, even while stopping: running jobs still
  // need heartbeats, cancellations and, past the grace period, their release.
  while (active_runners_ > 0) {
    try {
      if (!conn || !conn->is_open()) {
        health_.connected = false;
        listener_.detach();
        conn = connect(options_.dsn, stopping_, "control", options_.name);
        if (!conn) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        listener_.attach(*conn);
        health_.connected = true;
        heartbeater_.beat_soon();  // the first heartbeat registers
        wakeup_.wake();            // jobs may have arrived while we were not listening
      }
      listener_.await(*conn);
      control_tick(*conn);
    } catch (const pqxx::broken_connection& e) {
      log_event(LogLevel::Warning, "connection_lost", 0,
                std::string("control connection lost: ") + e.what());
      worker_metrics().add(kReconnects, {});
      health_.connected = false;
      listener_.detach();
      conn.reset();
    } catch (const std::exception& e) {
      if (extension_missing(e)) {
        heartbeater_.extension_missing(e.what(), std::chrono::steady_clock::now());
        health_.registered = false;
      } else {
        log_event(LogLevel::Error, "error", 0, std::string("control error: ") + e.what());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  listener_.detach();
  if (conn) heartbeater_.unregister(*conn);
  health_.connected = health_.registered = false;
}

int Worker::run() {
  log_event(LogLevel::Info, "starting", 0,
            "starting " + options_.name + " with concurrency " +
                std::to_string(options_.concurrency) + (options_.once ? " (--once)" : ""));
  active_runners_ = options_.concurrency;
  std::vector<std::thread> runners;
  for (int i = 0; i < options_.concurrency; ++i)
    runners.emplace_back([this, i] {
      executor_.run(i);
      --active_runners_;
      wakeup_.wake();
    });
  std::thread control([this] { control_loop(); });
  std::thread rescuer([this] { rescuer_.run(stopping_, [this] { return active_runners_ > 0; }); });
  std::thread webhooks(
      [this] { webhooks_.run(stopping_, [this] { return active_runners_ > 0; }); });
  for (auto& t : runners) t.join();
  control.join();
  rescuer.join();
  webhooks.join();
  log_event(LogLevel::Info, "stopped", 0, "stopped");
  return 0;
}

}  // namespace automl_worker
