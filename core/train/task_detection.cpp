// task_detection.cpp — classification or regression, given or decided from the target.
#include "task_detection.hpp"

#include <set>

#include "automl/error.hpp"
#include "automl/trainer.hpp"

namespace automl {

Task detect_task(const Dataset& data, std::string* reason, int max_classes) {
  auto say = [&](const std::string& r) {
    if (reason) *reason = r;
  };
  if (data.target_kind == ValueKind::Text || data.target_kind == ValueKind::Boolean) {
    say(std::string("target is ") + to_string(data.target_kind));
    return Task::Classification;
  }
  std::set<std::string> distinct;
  for (const auto& v : data.target) {
    distinct.insert(v);
    if (distinct.size() >= static_cast<size_t>(max_classes)) break;
  }
  if (distinct.size() < static_cast<size_t>(max_classes)) {
    say("target has " + std::to_string(distinct.size()) + " distinct values (fewer than " +
        std::to_string(max_classes) + ")");
    return Task::Classification;
  }
  say("target is numeric with " + std::to_string(max_classes) + " or more distinct values");
  return Task::Regression;
}

Task task_for(const TrainSpec& spec, const Dataset& data, std::string* reason) {
  if (!spec.task) return detect_task(data, reason, spec.preprocess.max_auto_classes);
  if (*spec.task == Task::Tagging)
    throw Error(sqlstate::kFeatureNotSupported, "train() does not train taggers",
                "a spec with task 'tagging' is run by the tagging runner");
  if (reason) *reason = "given by the job";
  return *spec.task;
}

}  // namespace automl
