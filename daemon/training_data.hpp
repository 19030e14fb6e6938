// training_data.hpp — reading a training relation into a core Dataset.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "automl/dataset.hpp"
#include "automl/preprocessor.hpp"
#include "job_control.hpp"

namespace automl_worker {

struct TrainingData {
  automl::Dataset dataset;
  nlohmann::json notes;  // rows read and skipped, skipped columns: reported in the job result
};

// The shape of a claimed job's training relation: column names and types, and the
// planner's estimate of its rows.
struct SourceShape {
  std::vector<std::string> names;
  std::vector<pqxx::oid> types;
  double estimated_rows = 0;
};

// Opens the reading of a claimed job's data in `txn`: read only, and the reading
// connection's backend made known to the control thread, which cancels its
// statement when the job is stopped (cancel, --max-job-time, shutdown). The worker runs none of the
// tenant's SQL itself: the relation is planned and read by automl_internal._training_shape /
// _training_rows inside the backend, as the submitter in a security-restricted operation.
SourceShape begin_reading(pqxx::work& txn, JobControl& control);

// The COPY source that streams `columns` of the job's relation, of `types` (their
// format_type names; the last column, the target, is read as text): at most
// `row_limit` rows, each kept with probability `fraction`.
std::string training_rows_query(pqxx::work& txn, const JobControl& control,
                                const std::vector<std::string>& columns,
                                const std::vector<std::string>& types, long long row_limit,
                                double fraction);

// Reads the claimed job's relation (`relation` names it in messages) through one
// COPY … TO STDOUT. Every column but the target becomes a typed feature column
// (numbers, booleans, text and enums, dates and timestamps, number arrays) unless
// `options.exclude` names it; other types fail with 0A000 naming the column, or are
// skipped when `options.skip_unsupported`. Rows whose target is NULL are skipped
// and counted; NULL features are kept for imputation.
// `max_rows` (search 'auto' under a time budget): when the planner expects more rows,
// a random sample of about that many is read instead, and the notes say so.
// `split_column` (train's, boolean, never a feature) fills dataset.held_out; a NULL in
// a row with a target fails the read with 22023 naming the column.
TrainingData read_training_data(pqxx::connection_base& conn, JobControl& control,
                                const std::string& relation, const std::string& target,
                                const automl::PreprocessOptions& options, long long max_rows = 0,
                                const std::optional<std::string>& split_column = std::nullopt);

}  // namespace automl_worker
