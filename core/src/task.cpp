// task.cpp — the names of the tasks.
#include "automl/task.hpp"

namespace automl {

const char* to_string(Task task) {
  switch (task) {
    case Task::Classification:
      return "classification";
    case Task::Regression:
      return "regression";
    case Task::Tagging:
      return "tagging";
    case Task::Clustering:
      return "clustering";
  }
  return "unknown";
}

std::optional<Task> task_from_name(std::string_view name) {
  for (Task task : {Task::Classification, Task::Regression, Task::Tagging, Task::Clustering})
    if (name == to_string(task)) return task;
  return std::nullopt;
}

}  // namespace automl
