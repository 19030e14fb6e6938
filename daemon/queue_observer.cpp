// queue_observer.cpp — see queue_observer.hpp.
#include "queue_observer.hpp"

#include <stdexcept>

#include "worker_metrics.hpp"

namespace automl_worker {

void QueueObserverConfig::validate() const {
  if (!(interval > 0))
    throw std::invalid_argument("the queue observer's interval must be positive");
}

QueueObserver::QueueObserver(QueueObserverConfig config, HealthState& health)
    : config_(config), health_(health) {
  config_.validate();
}

// automl_internal._queue_paused(NULL): the whole queue's pause. A pg_automl without
// queue pausing (no such function, SQLSTATE 42883) never pauses.
bool QueueObserver::queue_paused(pqxx::connection_base& conn) {
  try {
    pqxx::nontransaction txn(conn, "queue_paused");
    const pqxx::row r = txn.exec1("SELECT automl_internal._queue_paused(NULL::text)");
    return !r[0].is_null() && r[0].as<bool>();
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == "42883") return false;
    throw;
  }
}

void QueueObserver::tick(pqxx::connection_base& conn, Clock::time_point now) {
  if (now - last_look_ < std::chrono::duration<double>(config_.interval)) return;
  last_look_ = now;
  try {
    {
      pqxx::nontransaction txn(conn, "queue_depth");
      // The partial index jobs_claim_order holds exactly the queued rows.
      worker_metrics().set(
          kQueueDepth, {},
          txn.exec1("SELECT count(*) FROM automl.jobs WHERE status = 'queued'")[0].as<double>());
    }
    health_.paused = queue_paused(conn);
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const std::exception&) {
    // pg_automl not installed, or a privilege missing: the heartbeat says so; keep
    // the last values rather than invent new ones.
  }
}

}  // namespace automl_worker
