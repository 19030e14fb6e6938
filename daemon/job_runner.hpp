// job_runner.hpp — runs one claimed job and records its outcome.
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "job_control.hpp"

namespace automl_worker {

struct ClaimedJob {
  long long id = 0;
  std::string kind;
  std::string project;
  std::string spec;  // JSON text
  int attempt = 0;
  long long lease = 0;  // fencing token of this claim
  std::string created_by;
};

// Runs the job on `conn` and writes its final state (succeeded, retry, failed,
// cancelled, or released back to the queue) in the same transaction as its effect.
// `control.stop` is raised by the worker; the job stops at its next check.
// Throws only pqxx::broken_connection: the caller reconnects and the job's
// heartbeat lapses, so it is rescued rather than lost.
void run_job(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control);

}  // namespace automl_worker
