// job_runner.hpp — runs one claimed job and records its outcome.
#pragma once

#include <atomic>
#include <pqxx/pqxx>
#include <string>

namespace automl_worker {

struct ClaimedJob {
  long long id = 0;
  std::string kind;
  std::string project;
  std::string spec;  // JSON text
  int attempt = 0;
  std::string created_by;
};

// Runs the job on `conn` and writes its final state (succeeded, retry, failed or
// cancelled) in the same transaction as its effect. `cancel` is raised by the
// worker when the job is cancelled; the job stops at its next check.
// Throws only pqxx::broken_connection: the caller reconnects and the job's
// heartbeat lapses, so it is rescued rather than lost.
void run_job(pqxx::connection_base& conn, const ClaimedJob& job, const std::atomic<bool>& cancel);

}  // namespace automl_worker
