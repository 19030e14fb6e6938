// task.hpp — what a model learns to predict. The name is parsed once, where a job's
// spec or a model file is read; inside core/ the task is this enum, and only JSON
// documents and SQL carry its name.
#pragma once

#include <optional>
#include <string_view>

namespace automl {

// Clustering learns no target: k-means groups the rows of a relation (kmeans.hpp).
enum class Task { Classification, Regression, Tagging, Clustering };

// "classification", "regression", "tagging" or "clustering": the name in specs,
// model files and SQL.
const char* to_string(Task task);
// The task of a name; empty for any other text ("auto" included).
std::optional<Task> task_from_name(std::string_view name);

}  // namespace automl
