// training_data.hpp — reading a training relation into a core Dataset.
#pragma once

#include <pqxx/pqxx>
#include <nlohmann/json.hpp>
#include <string>

#include "automl/dataset.hpp"
#include "automl/preprocessor.hpp"
#include "job_control.hpp"

namespace automl_worker {

struct TrainingData {
  automl::Dataset dataset;
  nlohmann::json notes;  // rows read and skipped, skipped columns: reported in the job result
};

// Opens the reading of a training relation in `txn`: read only, as `role` (the
// submitter), and returns what to put after FROM: the name, or a SELECT statement as
// a subquery on lines of its own (a trailing -- comment cannot swallow the parenthesis).
std::string begin_reading(pqxx::work& txn, const std::string& relation, const std::string& role);

// Reads `relation` (a schema-qualified name or a SELECT statement, as normalised at
// INSERT) with the privileges of `role`, in a read-only transaction, through one
// COPY … TO STDOUT. Every column but the target becomes a typed feature column
// (numbers, booleans, text and enums, dates and timestamps, number arrays) unless
// `options.exclude` names it; other types fail with 0A000 naming the column, or are
// skipped when `options.skip_unsupported`. Rows whose target is NULL are skipped
// and counted; NULL features are kept for imputation.
// `max_rows` (search 'auto' under a time budget): when the planner expects more rows,
// a random sample of about that many is read instead, and the notes say so.
TrainingData read_training_data(pqxx::connection_base& conn, const std::string& relation,
                                const std::string& target, const std::string& role,
                                const automl::PreprocessOptions& options, long long max_rows = 0,
                                const JobLimits& limits = JobLimits());

}  // namespace automl_worker
