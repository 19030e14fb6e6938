// serve/scoring.hpp — one row scored by one model, for every predict flavour.
//
// predict, predict_label and predict_proba differ only in what they ask the model
// and how they return it; the primary model and the shadow are asked the same way.
// Templates, so the hot path stays one inlined call into core/. C++ only.
#pragma once

#include "automl/model.hpp"
#include "automl/values.hpp"
#include "serve/outcome.hpp"

namespace pg_automl {

// Scores row `x` (doubles in feature order, or one InputValue per input); `proba`
// has room for the model's n_classes() when output is Proba. Throws automl::Error.
template <Output output, typename Row>
Outcome score(const automl::Model& model, const Row* x, double* proba) {
  Outcome o;
  if constexpr (output == Output::Value) {
    o.value = model.predict(x);
  } else if constexpr (output == Output::Label) {
    o.label = model.predict_class(x);
  } else {
    model.predict_proba(x, proba);
    o.proba = proba;
  }
  return o;
}

// The shadow's answer; false when it has none (a classifier-only output of a
// regressor, or any exception): a shadow never fails the call.
template <Output output, typename Row>
bool score_shadow(const automl::Model& shadow, const Row* x, double* proba, Outcome* out) noexcept {
  try {
    if (output != Output::Value && shadow.task() != automl::Task::Classification) return false;
    *out = score<output>(shadow, x, proba);
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace pg_automl
