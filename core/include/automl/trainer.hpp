// trainer.hpp — one training run: split, preprocess, fit, evaluate, serialise.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "automl/dataset.hpp"
#include "automl/model.hpp"
#include "automl/train_spec.hpp"

namespace automl {

struct TrainOutcome {
  std::string model_bytes;  // Model::serialize(), what is stored and served
  Task task;
  std::string algorithm;
  nlohmann::json hyperparams;  // effective values, defaults included
  nlohmann::json metrics;      // evaluated on the held-out split with the parsed-back model
  nlohmann::json info;         // rows, split sizes, how the task was chosen, solver notes
  // The numbers behind the report's charts (evaluation.hpp), bounded in size.
  nlohmann::json evaluation;
};

// Decides classification vs regression for task "auto": a text or boolean target,
// or one with fewer than max_classes distinct values, is a classification target.
Task detect_task(const Dataset& data, std::string* reason, int max_classes = 10);

struct TrainOptions {
  const std::atomic<bool>* cancel = nullptr;  // raised: stop with 57014
  int threads = 1;                            // cores a tree learner may use
  // search => 'auto' finishes its search and final fit before this instant.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::function<void(float progress, const std::string& message)> progress;
  // Refuse (54000) before encoding when the encoded rows would take more (0: no limit).
  std::size_t max_memory_bytes = 0;
};

TrainOutcome train(const TrainSpec& spec, const Dataset& data, const TrainOptions& options);

// `threads`: cores a tree learner may use. Linked from automl_train (core/train/).
TrainOutcome train(const TrainSpec& spec, const Dataset& data,
                   const std::atomic<bool>* cancel = nullptr, int threads = 1);

}  // namespace automl
