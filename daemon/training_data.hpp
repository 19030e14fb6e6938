// training_data.hpp — reading a training relation into a core Dataset.
#pragma once

#include <pqxx/pqxx>
#include <nlohmann/json.hpp>
#include <string>

#include "automl/dataset.hpp"

namespace automl_worker {

struct TrainingData {
  automl::Dataset dataset;
  nlohmann::json notes;  // skipped rows, ignored columns: reported in the job result
};

// Reads `relation` (a schema-qualified name or a SELECT statement, as normalised at
// INSERT) with the privileges of `role`, in a read-only transaction. Numeric and
// boolean columns other than the target become features; rows with a NULL feature
// or target are skipped and counted.
TrainingData read_training_data(pqxx::connection_base& conn, const std::string& relation,
                                const std::string& target, const std::string& role);

}  // namespace automl_worker
