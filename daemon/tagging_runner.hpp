// tagging_runner.hpp — a train job with task 'tagging': read token and tag arrays,
// fit the CRF, evaluate on a held-out split, store and deploy like any model.
#pragma once

#include <pqxx/pqxx>

#include "automl/train_spec.hpp"
#include "job_control.hpp"
#include "job_runner.hpp"

namespace automl_worker {

void run_tagging(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control,
                 const automl::TrainSpec& spec);

}  // namespace automl_worker
