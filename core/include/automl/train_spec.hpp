// train_spec.hpp — the validated, normalised form of a training job's spec.
//
// One parser for everybody: the extension runs it when a job row is inserted (so a
// bad spec is refused at INSERT with a precise error) and the worker runs it again
// before training. Allowed algorithms and their hyper-parameters live in one table
// (algorithms.cpp); a value the product does not implement yet is refused with
// 0A000 rather than ignored.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "automl/preprocessor.hpp"
#include "automl/task.hpp"

namespace automl {

struct TrainSpec {
  std::string relation;
  std::string target;              // empty for clustering (stored as null)
  std::optional<Task> task;        // empty: "auto", chosen from the data (detect_task)
  std::string algorithm = "auto";  // resolved once the task is known
  nlohmann::json hyperparams = nlohmann::json::object();
  std::string search = "none";
  nlohmann::json search_params = nlohmann::json::object();
  // How a search scores its trials: "holdout" (80/20 of the training split), "cv"
  // (folds, default 5; repeated on few rows), or "auto" (by data size and budget).
  std::string eval = "auto";
  std::optional<std::string> metric;
  double test_size = 0.25;
  // A boolean column of the relation that names the held-out rows (true) and the
  // training rows (false), in place of test_size's random split; never a feature.
  std::optional<std::string> split_column;
  int folds = 0;
  std::optional<double> time_budget_seconds;
  std::string deploy = "if_better";  // if_better | always | never
  std::uint64_t seed = 42;
  // After the held-out evaluation, fit the chosen configuration (preprocessing too) on
  // every row read, and serve that model; the metrics stay the held-out ones.
  bool refit = true;
  PreprocessOptions preprocess;

  static TrainSpec parse(const nlohmann::json& spec);  // throws Error
  nlohmann::json to_json() const;                      // normalised, defaults filled in
};

// Validates and normalises the spec of any job kind ("train", "noop"); the result
// is what is stored in automl.jobs.spec.
nlohmann::json normalize_job_spec(const std::string& kind, const nlohmann::json& spec);

}  // namespace automl
