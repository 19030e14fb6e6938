// algorithms.hpp — the catalogue of algorithms: which task each serves and which
// hyper-parameters it accepts, with scikit-learn's names and defaults.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "automl/task.hpp"

namespace automl {

struct AlgorithmInfo {
  const char* name;
  bool implemented;
  bool classification;
  bool regression;
  bool clustering = false;
};

// Whether the algorithm serves the task (crf: tagging, kmeans: clustering).
bool serves_task(const AlgorithmInfo& info, Task task);

const std::vector<AlgorithmInfo>& algorithm_catalogue();
const AlgorithmInfo& find_algorithm(const std::string& name);  // throws 22023 for unknown

// The algorithm `auto` stands for, until AutoML search widens it.
std::string default_algorithm(Task task);

// Checks names, types and ranges of hyper-parameters and fills in defaults.
// Throws Error 22023 naming the offending parameter.
nlohmann::json resolve_hyperparams(const std::string& algorithm, const nlohmann::json& given);

// Whether an algorithm can serve a task; throws 22023 with a hint otherwise.
void check_algorithm_task(const std::string& algorithm, Task task);

}  // namespace automl
