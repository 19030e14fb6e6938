// heartbeater.cpp — see heartbeater.hpp.
#include "heartbeater.hpp"

#include <unistd.h>

#include <stdexcept>

#include "log.hpp"
#include "worker_metrics.hpp"

namespace automl_worker {
namespace {

// This machine's name, read once: every heartbeat sends it.
const std::string& host_name() {
  static const std::string name = [] {
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    return std::string(host);
  }();
  return name;
}

}  // namespace

void HeartbeaterConfig::validate() const {
  if (worker.empty()) throw std::invalid_argument("the heartbeater needs a worker name");
  if (concurrency < 1)
    throw std::invalid_argument("the heartbeater reports a concurrency of at least 1");
  if (!(interval > 0)) throw std::invalid_argument("the heartbeat interval must be positive");
}

Heartbeater::Heartbeater(HeartbeaterConfig config) : config_(std::move(config)) {
  config_.validate();
}

void Heartbeater::tick(pqxx::connection_base& conn, Clock::time_point now,
                       const std::vector<std::shared_ptr<JobControl>>& jobs) {
  if (now - last_beat_ < std::chrono::duration<double>(config_.interval)) return;
  last_beat_ = now;
  pqxx::work txn(conn, "heartbeat");
  // Registers again whenever the row is gone (deleted, rescued, extension re-created).
  const bool registered_again =
      txn.exec_params1("SELECT automl_internal._worker_alive($1, $2, $3, $4, $5)", config_.worker,
                       host_name(), static_cast<int>(getpid()), config_.concurrency,
                       std::string(AUTOML_VERSION))[0]
          .as<bool>();
  for (const auto& job : jobs) {
    float progress;
    std::string message;
    job->snapshot(progress, message);
    const pqxx::result r =
        txn.exec_params("SELECT automl_internal._heartbeat($1, $2, $3, NULLIF($4, ''))", job->id,
                        job->lease, progress, message);
    // NULL: the claim is gone (rescued elsewhere); false: cancel was requested and
    // the NOTIFY may have been missed. Either way, stop working on it.
    if (r.empty() || r[0][0].is_null() || !r[0][0].as<bool>())
      job->request_stop(StopReason::Cancel);
  }
  txn.commit();
  worker_metrics().add(kHeartbeats, {});
  if (waiting_for_extension_)
    log_event(LogLevel::Info, "extension_installed", 0,
              "pg_automl is installed again; serving the queue");
  else if (registered_again && registered_)
    log_event(LogLevel::Warning, "reregistered", 0,
              "registered again: this worker's row in automl.workers was gone");
  else if (!registered_)
    log_event(LogLevel::Info, "registered", 0, "registered in automl.workers as " + config_.worker);
  waiting_for_extension_ = false;
  registered_ = alive_ = true;
}

void Heartbeater::extension_missing(const std::string& error, Clock::time_point now) {
  if (!waiting_for_extension_)
    log_event(LogLevel::Warning, "extension_missing", 0,
              "pg_automl is not installed in this database (" + error +
                  "); waiting for CREATE EXTENSION pg_automl");
  waiting_for_extension_ = true;
  alive_ = false;
  last_beat_ = now;  // look again after one heartbeat interval
}

void Heartbeater::unregister(pqxx::connection_base& conn) {
  if (!registered_) return;
  try {
    pqxx::work txn(conn, "unregister");
    txn.exec_params("SELECT automl_internal._unregister_worker($1)", config_.worker);
    txn.commit();
  } catch (const std::exception& e) {
    log_event(LogLevel::Warning, "unregister_failed", 0,
              std::string("could not unregister: ") + e.what());
  }
}

}  // namespace automl_worker
