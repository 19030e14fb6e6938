// after_predict.hpp — what a predict call does once it has its answer: run the
// shadow model on the same row, and append the call to the prediction log when it
// was sampled. PostgreSQL land.
#pragma once

#include "automl/values.hpp"
#include "model_catalog.hpp"

namespace pg_automl {

enum class Output { Value, Label, Proba };  // predict, predict_label, predict_proba

// One model's answer: `value` (predict), `label` (class index), or `proba`
// (n_classes() probabilities), depending on the Output.
struct Outcome {
  double value = 0;
  int label = 0;
  const double* proba = nullptr;
};

// The shadow's result never reaches the caller and its failure never fails the call.
void after_predict(const Served& served, text* project, Output output, const double* x, const Outcome& answer);
void after_predict(const Served& served, text* project, Output output, const automl::InputValue* x,
                   const Outcome& answer);

inline bool needs_after_predict(const Served& served) { return served.shadow != nullptr || served.log; }

}  // namespace pg_automl
