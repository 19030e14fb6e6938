// pg/claimed_job.hpp — a job as the worker that claimed it may act on it (PostgreSQL
// land).
//
// The worker's functions that run something for a job's submitter (reading training
// data, creating and filling an import's table) never take what to do from the
// worker: they read it again from the job row, and only while the job still carries
// the caller's lease. The caller must be able to act as the submitter, as SET ROLE
// would require (the worker's login is GRANTed each submitting role).
#pragma once

#include <cstdint>

#include "pg/postgres.hpp"

namespace pg_automl {

struct ClaimedJobRow {
  Oid submitter;
  const char* submitter_name;
  const char* search_path;  // the submitter's, recorded at submission
  const char* fields[3];    // the values of `fields` below, NULL where SQL NULL
};

// Reads job `job_id` while it is running under `lease` (55P03 otherwise) and checks
// that the caller may act as its submitter (42501 otherwise). `fields` is a list of
// up to three SQL expressions over the job row `j` (e.g. "j.spec ->> 'relation'"),
// fixed per call site: `*plan` holds their plan for the backend's lifetime. Connects
// and finishes SPI itself; the strings are palloc'd in the caller's context.
ClaimedJobRow read_claimed_job(std::int64_t job_id, std::int64_t lease, SPIPlanPtr* plan,
                               const char* fields);

}  // namespace pg_automl
