// pg/after_predict.cpp — shadow evaluation and prediction-log records (see the header).
#include <cmath>
#include <string_view>

#include "automl/model.hpp"
#include "serve/scoring.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/after_predict.hpp"
#include "pg/prediction_log.hpp"

extern "C" {
#include "common/shortest_dec.h"
#include "utils/json.h"
}

namespace pg_automl {
namespace {

void append_number(StringInfo out, double x) {
  if (std::isfinite(x)) {
    char digits[DOUBLE_SHORTEST_DECIMAL_LEN];  // float8out's shortest exact text: 0.2, not
                                               // 0.20000000000000001
    double_to_shortest_decimal_buf(x, digits);
    appendStringInfoString(out, digits);
  } else
    appendStringInfoString(out, "null");  // JSON has no NaN or infinities
}

void append_string(StringInfo out, std::string_view s) {
  char* copy = pnstrdup(s.data(), s.size());  // escape_json wants a C string
  escape_json(out, copy);
  pfree(copy);
}

void append_value(StringInfo out, double x) { append_number(out, x); }

void append_value(StringInfo out, const automl::InputValue& v) {
  switch (v.kind) {
    case automl::InputValue::Kind::Null:
      appendStringInfoString(out, "null");
      break;
    case automl::InputValue::Kind::Number:
      append_number(out, v.number);
      break;
    case automl::InputValue::Kind::Text:
      append_string(out, v.text);
      break;
    case automl::InputValue::Kind::Array:
      appendStringInfoChar(out, '[');
      for (int i = 0; i < v.length; ++i) {
        if (i > 0) appendStringInfoChar(out, ',');
        append_number(out, v.array[i]);
      }
      appendStringInfoChar(out, ']');
      break;
  }
}

// The row as a JSON object keyed by the model's input names.
template <typename Value>
char* features_json(const automl::Model& model, const Value* x) {
  StringInfoData out;
  initStringInfo(&out);
  appendStringInfoChar(&out, '{');
  const auto& names = model.feature_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) appendStringInfoChar(&out, ',');
    append_string(&out, names[i]);
    appendStringInfoChar(&out, ':');
    append_value(&out, x[i]);
  }
  appendStringInfoChar(&out, '}');
  return out.data;
}

// A number, a label, or {label: probability}.
char* outcome_json(const automl::Model& model, Output output, const Outcome& o) {
  StringInfoData out;
  initStringInfo(&out);
  const auto& classes = model.labels().classes();
  switch (output) {
    case Output::Value:
      append_number(&out, o.value);
      break;
    case Output::Label:
      append_string(&out, classes[static_cast<size_t>(o.label)]);
      break;
    case Output::Proba:
      appendStringInfoChar(&out, '{');
      for (size_t k = 0; k < classes.size(); ++k) {
        if (k > 0) appendStringInfoChar(&out, ',');
        append_string(&out, classes[k]);
        appendStringInfoChar(&out, ':');
        append_number(&out, o.proba[k]);
      }
      appendStringInfoChar(&out, '}');
      break;
  }
  return out.data;
}

// The shadow's answer to the same row, asked the way the primary was.
template <typename Row>
bool run_shadow(const automl::Model& shadow, Output output, const Row* x, Outcome* result) {
  double* proba = output == Output::Proba
                      ? static_cast<double*>(palloc(sizeof(double) * shadow.n_classes()))
                      : nullptr;
  switch (output) {
    case Output::Value:
      return score_shadow<Output::Value>(shadow, x, proba, result);
    case Output::Label:
      return score_shadow<Output::Label>(shadow, x, proba, result);
    case Output::Proba:
      return score_shadow<Output::Proba>(shadow, x, proba, result);
  }
  return false;
}

template <typename Row>
void after_predict_impl(const Served& served, text* project, Output output, const Row* x,
                        const Outcome& answer) {
  LogRecord record;
  record.call_id = next_call_id();
  record.model_id = served.model_id;
  record.arm = served.arm;
  record.shadow = false;
  record.function_name = function_name(output);
  record.project = VARDATA_ANY(project);
  record.project_length = static_cast<int>(VARSIZE_ANY_EXHDR(project));
  record.features = features_json(*served.model, x);
  record.prediction = outcome_json(*served.model, output, answer);
  enqueue_prediction_log(record);
  Outcome shadow_answer;
  if (served.shadow != nullptr && run_shadow(*served.shadow, output, x, &shadow_answer)) {
    record.model_id = served.shadow_id;
    record.shadow = true;
    record.prediction = outcome_json(*served.shadow, output, shadow_answer);
    enqueue_prediction_log(record);
  }
}

}  // namespace

void after_predict(const Served& served, text* project, Output output, const double* x,
                   const Outcome& answer) {
  after_predict_impl(served, project, output, x, answer);
}

void after_predict(const Served& served, text* project, Output output, const automl::InputValue* x,
                   const Outcome& answer) {
  after_predict_impl(served, project, output, x, answer);
}

}  // namespace pg_automl
