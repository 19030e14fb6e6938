// import_runner.hpp — runs a job of kind import (a CSV file from a URL into a table).
#pragma once

#include <pqxx/pqxx>

#include "job_control.hpp"
#include "job_runner.hpp"

namespace automl_worker {

// Fetches, sniffs and loads the job's URL, and finishes the job in the transaction
// that creates and fills its table. Throws what run_job records as the failure.
void run_import(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control);

}  // namespace automl_worker
