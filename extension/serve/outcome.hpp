// serve/outcome.hpp — the three predict flavours and one model's answer to one row.
// Plain data, light enough for PostgreSQL-facing headers. C++ only.
#pragma once

namespace pg_automl {

enum class Output { Value, Label, Proba };  // predict, predict_label, predict_proba

// One model's answer: `value` (predict), `label` (class index), or `proba`
// (n_classes() probabilities), depending on the Output.
struct Outcome {
  double value = 0;
  int label = 0;
  const double* proba = nullptr;
};

// The SQL function an Output answers (for the prediction log).
constexpr const char* function_name(Output output) {
  return output == Output::Label   ? "predict_label"
         : output == Output::Proba ? "predict_proba"
                                   : "predict";
}

}  // namespace pg_automl
