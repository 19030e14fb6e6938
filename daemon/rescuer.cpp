// rescuer.cpp — see rescuer.hpp.
#include "rescuer.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "connection.hpp"
#include "log.hpp"
#include "worker_metrics.hpp"

namespace automl_worker {

double RescuerConfig::period() const { return std::max(rescue_after / 4, 1.0); }

void RescuerConfig::validate() const {
  if (worker.empty()) throw std::invalid_argument("the rescuer needs a worker name");
  if (!(rescue_after > 0))
    throw std::invalid_argument("the rescuer's --rescue-after must be positive");
}

Rescuer::Rescuer(RescuerConfig config) : config_(std::move(config)) { config_.validate(); }

// The leader's lock: key -1 in the job locks' space, which job keys (0 and up,
// automl_internal._job_lock_key) never take. Session-level, on a connection that holds
// nothing else, so no pg_advisory_unlock_all of a runner can drop it.
bool Rescuer::try_to_lead(pqxx::connection_base& conn) {
  pqxx::nontransaction txn(conn, "lead_rescue");
  if (!txn.exec1("SELECT pg_try_advisory_lock(automl_internal._job_lock_space(), -1)")[0]
           .as<bool>())
    return false;
  log_event(LogLevel::Info, "rescue_leader", 0, "this worker leads the rescue of stale jobs");
  return true;
}

// A leader whose rescuer session has been idle much longer than a period is hung
// (stopped, not dead: its session and lock live on). Then every worker rescues, as
// all did before there was a leader; _rescue_stale_jobs skips rows another locks.
bool Rescuer::leader_stalled(pqxx::connection_base& conn) {
  pqxx::nontransaction txn(conn, "check_rescue_leader");
  return txn
      .exec_params1(
          "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
          " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2"
          " AND l.classid::bigint = automl_internal._job_lock_space() AND l.objid::bigint = "
          "4294967295"
          " AND a.state = 'idle' AND a.state_change < now() - make_interval(secs => $1))",
          std::max(2 * config_.rescue_after, 10.0))[0]
      .as<bool>();
}

void Rescuer::rescue(pqxx::connection_base& conn) {
  pqxx::work txn(conn, "rescue");
  const auto rescued =
      txn.exec_params1("SELECT automl_internal._rescue_stale_jobs(make_interval(secs => $1))",
                       config_.rescue_after)[0]
          .as<int>();
  txn.commit();
  if (rescued > 0)
    log_event(LogLevel::Warning, "rescued", 0,
              "rescued " + std::to_string(rescued) + " job(s) whose worker stopped heartbeating");
}

void Rescuer::round(const std::atomic<bool>& stopping) {
  try {
    if (!conn_ || !conn_->is_open()) {
      leading_ = false;  // a new session holds no lock
      conn_ = connect(config_.dsn, stopping, "rescuer", config_.worker);
      if (!conn_) return;
    }
    if (!leading_) leading_ = try_to_lead(*conn_);
    if (leading_ || leader_stalled(*conn_)) rescue(*conn_);
  } catch (const pqxx::broken_connection& e) {
    log_event(LogLevel::Warning, "connection_lost", 0,
              std::string("rescuer connection lost: ") + e.what());
    worker_metrics().add(kReconnects, {});
    conn_.reset();
  } catch (const std::exception& e) {
    // pg_automl not installed: the control thread says so; try again next period.
    if (!extension_missing(e))
      log_event(LogLevel::Error, "error", 0, std::string("rescuer error: ") + e.what());
  }
}

void Rescuer::run(const std::atomic<bool>& stopping, const std::function<bool()>& keep_running) {
  using Clock = std::chrono::steady_clock;
  const auto period =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(config_.period()));
  auto next = Clock::now();
  while (keep_running()) {
    if (Clock::now() >= next) {
      round(stopping);
      next = Clock::now() + period;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  conn_.reset();  // a leader that stops lets go of the lock with its session
}

}  // namespace automl_worker
