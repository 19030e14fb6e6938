// design_runner.hpp — runs a job of kind design (a D-, I- or A-optimal experimental
// design, core/include/automl/design.hpp).
#pragma once

#include <pqxx/pqxx>

#include "job_control.hpp"
#include "job_runner.hpp"

namespace automl_worker {

// Searches for the design, then finishes the job in one transaction that also
// writes the runs into the spec's into_table (as the submitter, through the import
// machinery) when there is one; without, the runs are in the job's result.
void run_design(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control);

}  // namespace automl_worker
