// claimer.cpp — see claimer.hpp.
#include "claimer.hpp"

#include <stdexcept>

namespace automl_worker {

void ClaimerConfig::validate() const {
  if (worker.empty()) throw std::invalid_argument("the claimer needs a worker name");
}

std::optional<ClaimedJob> Claimer::claim(pqxx::connection_base& conn) const {
  pqxx::work txn(conn, "claim");
  const pqxx::result r = txn.exec_params(
      "SELECT id, kind, coalesce(project, ''), spec::text, attempts, created_by, lease, "
      "automl_internal._hold_job_lock(id) FROM automl_internal._claim_job($1)",
      config_.worker);
  txn.commit();
  if (r.empty()) return std::nullopt;
  ClaimedJob job;
  job.id = r[0][0].as<long long>();
  job.kind = r[0][1].as<std::string>();
  job.project = r[0][2].as<std::string>();
  job.spec = r[0][3].as<std::string>();
  job.attempt = r[0][4].as<int>();
  job.created_by = r[0][5].as<std::string>();
  job.lease = r[0][6].as<long long>();
  return job;
}

void Claimer::release(pqxx::connection_base& conn) {
  pqxx::nontransaction txn(conn, "release_job_lock");
  txn.exec("SELECT pg_advisory_unlock_all()");
}

}  // namespace automl_worker
