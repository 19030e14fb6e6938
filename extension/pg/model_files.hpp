// pg/model_files.hpp — model files read from automl.models and parsed once per backend.
#pragma once

#include <cstddef>
#include <cstdint>

namespace automl {
class Model;
}

namespace pg_automl {

// The stored bytes of a model (palloc'd, `*size` set); 42704 for an unknown id,
// 54000 beyond automl.max_model_mb.
char* read_model_file(std::int64_t model_id, std::size_t* size);

// The parsed model with this id, from the backend cache or read and parsed once.
// No access check: callers have resolved it through a deployment or model_for_caller.
const automl::Model* load_model(std::int64_t model_id);

// The same model parsed from its file, as explain needs it: a model loaded from a
// shared serving image carries its trees compiled for predictions only.
const automl::Model* load_model_to_explain(std::int64_t model_id);

}  // namespace pg_automl
