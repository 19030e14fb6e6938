// task_detection.hpp — the task of a training run: the job's, or for task 'auto'
// the one its target suggests (detect_task, trainer.hpp).
#pragma once

#include <string>

#include "automl/dataset.hpp"
#include "automl/train_spec.hpp"

namespace automl {

// spec.task, or detect_task's choice when it is empty; `reason` says which. A
// tagging spec is refused: taggers are trained by the tagging runner.
Task task_for(const TrainSpec& spec, const Dataset& data, std::string* reason);

}  // namespace automl
