// worker.cpp — starts the roles' threads and runs the control thread's loop: one
// connection, re-opened with backoff, on which the listener waits, the heartbeater
// beats and the deadlines' stops reach running statements.
#include "worker.hpp"

#include <chrono>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "connection.hpp"
#include "log.hpp"

namespace automl_worker {
namespace {

ExecutorConfig executor_config(const Options& o) {
  return {o.dsn, o.once, o.poll_interval, o.threads, o.limits};
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
      webhooks_(webhook_config(options_)) {}

// One round of the control thread's periodic duties.
void Worker::control_tick(pqxx::connection_base& conn) {
  const auto now = std::chrono::steady_clock::now();
  if (deadlines_.enforce(now, stopping_, running_.all())) wakeup_.wake();
  heartbeater_.tick(conn, now, running_.all());
  cancel_stopped_statements(conn, running_.all());
}

void Worker::control_loop() {
  std::unique_ptr<pqxx::connection> conn;
  // Runs until the last runner has exited, even while stopping: running jobs still
  // need heartbeats, cancellations and, past the grace period, their release.
  while (active_runners_ > 0) {
    try {
      if (!conn || !conn->is_open()) {
        listener_.detach();
        conn = connect(options_.dsn, stopping_, "control");
        if (!conn) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        listener_.attach(*conn);
        heartbeater_.beat_soon();  // the first heartbeat registers
        wakeup_.wake();            // jobs may have arrived while we were not listening
      }
      listener_.await(*conn);
      control_tick(*conn);
    } catch (const pqxx::broken_connection& e) {
      log_line(std::string("control connection lost: ") + e.what());
      listener_.detach();
      conn.reset();
    } catch (const std::exception& e) {
      if (extension_missing(e))
        heartbeater_.extension_missing(e.what(), std::chrono::steady_clock::now());
      else
        log_line(std::string("control error: ") + e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  listener_.detach();
  if (conn) heartbeater_.unregister(*conn);
}

int Worker::run() {
  log_line("starting " + options_.name + " with concurrency " +
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
  log_line("stopped");
  return 0;
}

}  // namespace automl_worker
