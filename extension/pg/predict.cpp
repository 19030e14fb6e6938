// pg/predict.cpp — the inference functions: predict, predict_proba, predict_label
// (each on a float8[] row or on named features), predict_model and explain. They run
// inside the calling backend (and in parallel workers): read the row, find the
// model, score it (serve/scoring.hpp), hand shadow and logging to after_predict.
#include <type_traits>

#include "automl/model.hpp"
#include "serve/answers.hpp"
#include "serve/scoring.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/after_predict.hpp"
#include "pg/call_site.hpp"
#include "pg/float8_array.hpp"
#include "pg/guard.hpp"
#include "pg/model_files.hpp"
#include "pg/named_features.hpp"

extern "C" {
#include "utils/lsyscache.h"
#include "utils/memutils.h"
}

namespace pg_automl {
namespace {

// Raises the wrong-feature-count error. `subject` names what was asked
// for ("project \"iris\"" or "model 7") so the error says which model expects what.
[[noreturn]] void wrong_feature_count(const automl::Model* model, const FeatureVector& x,
                                      const char* subject) {
  StringInfoData names;
  initStringInfo(&names);
  for (const auto& name : model->feature_names())
    appendStringInfo(&names, "%s%s", names.len ? ", " : "", name.c_str());
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("%s expects %ld features, got %d", subject,
                         static_cast<long>(model->n_features()), x.length),
                  errdetail("Features in order: %s.", names.data)));
  pg_unreachable();
}

const char* project_subject(text* project) {
  return psprintf("project \"%s\"", text_to_cstring(project));
}

// What serves the project in argument 0 for this call (argument 2, when given, is
// the split key). Only a classifier answers predict_label and predict_proba (a
// clustering model answers predict alone: the nearest centre's index).
Served project_model(FunctionCallInfo fcinfo, Output output) {
  text* project = PG_GETARG_TEXT_PP(0);
  const text* split_key = PG_NARGS() > 2 && !PG_ARGISNULL(2) ? PG_GETARG_TEXT_PP(2) : nullptr;
  const Served served = model_for_project(fcinfo, project, split_key);
  if (output != Output::Value && served.model->task() == automl::Task::Clustering)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("%s is a clustering model; %s is not defined for clustering",
                           project_subject(project), function_name(output)),
                    errhint("automl.predict returns the index of the nearest cluster centre.")));
  if (output != Output::Value && served.model->task() != automl::Task::Classification)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s is a regression model; %s needs a classifier",
                           project_subject(project), function_name(output)),
                    errhint("Use automl.predict for regression.")));
  return served;
}

// A float8[] row (argument 1) and what serves it, its length checked.
Served positional_row(FunctionCallInfo fcinfo, Output output, const double** x) {
  const FeatureVector v = read_feature_array(PG_GETARG_ARRAYTYPE_P(1));
  const Served served = project_model(fcinfo, output);
  if (v.length != served.model->n_features())
    wrong_feature_count(served.model, v, project_subject(PG_GETARG_TEXT_PP(0)));
  *x = v.values;
  return served;
}

// The body of every project predict function: `Row` is double (a float8[] in the
// model's order) or automl::InputValue (named features).
// Scores row `x` with what serves the call, hands shadow and logging on, and returns
// the answer: `Row` is double (numbers in the model's order) or automl::InputValue.
template <Output output, typename Row>
Datum answer_call(FunctionCallInfo fcinfo, const Served& served, const Row* x) {
  double* proba = nullptr;
  if constexpr (output == Output::Proba)
    proba = static_cast<double*>(palloc(sizeof(double) * served.model->n_classes()));
  const Outcome answer = cpp_guard([&] { return score<output>(*served.model, x, proba); });
  // Shadow and logging, when this call is logged: one branch per call otherwise.
  if (served.log) after_predict(served, PG_GETARG_TEXT_PP(0), output, x, answer);
  if constexpr (output == Output::Value) {
    PG_RETURN_FLOAT8(answer.value);
  } else if constexpr (output == Output::Label) {
    const auto& classes = served.model->labels().classes();
    PG_RETURN_TEXT_P(cstring_to_text(classes[static_cast<size_t>(answer.label)].c_str()));
  } else {
    PG_RETURN_ARRAYTYPE_P(make_float8_array(proba, served.model->n_classes()));
  }
}

// The body of every project predict function: a float8[] row (positional) or named
// features (jsonb, a table row, any number array).
template <Output output, bool positional>
Datum predict_call(FunctionCallInfo fcinfo) {
  if constexpr (positional) {
    const double* x = nullptr;
    const Served served = positional_row(fcinfo, output, &x);
    return answer_call<output>(fcinfo, served, x);
  } else {
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
      PG_RETURN_NULL();  // the split_key overloads are not STRICT
    const Served served = project_model(fcinfo, output);
    if (features_are_a_row(fcinfo)) {
      const HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(1);
      // A row of number columns for a model of numbers: read as doubles, scored as float8[].
      if (const double* numbers = numbers_from_row(*served.model, row, fcinfo))
        return answer_call<output>(fcinfo, served, numbers);
      return answer_call<output>(fcinfo, served, inputs_from_row(*served.model, row, fcinfo));
    }
    const automl::InputValue* x =
        inputs_from_argument(*served.model, fcinfo, 1, PG_GETARG_TEXT_PP(0));
    return answer_call<output>(fcinfo, served, x);
  }
}

// The body of predict_batch (Value) and predict_proba_batch (Proba): every row of a
// float8[][] through one model, drawn once per call when the project splits traffic.
template <Output output>
Datum predict_batch_call(FunctionCallInfo fcinfo) {
  const FeatureMatrix m = read_feature_matrix(PG_GETARG_ARRAYTYPE_P(1));
  const Served served = project_model(fcinfo, output);
  const int k = output == Output::Proba ? served.model->n_classes() : 1;
  if (m.rows == 0)
    PG_RETURN_ARRAYTYPE_P(output == Output::Proba ? construct_empty_array(FLOAT8OID)
                                                  : make_float8_array(nullptr, 0));
  if (m.columns != served.model->n_features())
    wrong_feature_count(served.model, FeatureVector{m.values, m.columns},
                        project_subject(PG_GETARG_TEXT_PP(0)));
  const auto rows = static_cast<std::size_t>(m.rows);
  if (rows > MaxAllocSize / sizeof(double) / static_cast<std::size_t>(k))
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("too many rows in one call")));
  auto* out = static_cast<double*>(palloc(sizeof(double) * rows * static_cast<std::size_t>(k)));
  cpp_guard([&] {
    if constexpr (output == Output::Proba)
      served.model->predict_proba_rows(m.values, rows, out);
    else
      served.model->predict_rows(m.values, rows, out);
  });
  // A logged call logs each of its rows (and the shadow's answer to it).
  if (served.log)
    for (std::size_t i = 0; i < rows; ++i) {
      Outcome answer;
      answer.value = out[i * static_cast<std::size_t>(k)];
      answer.proba = out + i * static_cast<std::size_t>(k);
      after_predict(served, PG_GETARG_TEXT_PP(0), output,
                    m.values + i * static_cast<std::size_t>(m.columns), answer);
    }
  if constexpr (output == Output::Proba)
    PG_RETURN_ARRAYTYPE_P(make_float8_matrix(out, m.rows, k));
  else
    PG_RETURN_ARRAYTYPE_P(make_float8_array(out, m.rows));
}

}  // namespace

AUTOML_FUNCTION(automl_predict_batch) { return predict_batch_call<Output::Value>(fcinfo); }
AUTOML_FUNCTION(automl_predict_proba_batch) { return predict_batch_call<Output::Proba>(fcinfo); }

AUTOML_FUNCTION(automl_predict) { return predict_call<Output::Value, true>(fcinfo); }
AUTOML_FUNCTION(automl_predict_label) { return predict_call<Output::Label, true>(fcinfo); }
AUTOML_FUNCTION(automl_predict_proba) { return predict_call<Output::Proba, true>(fcinfo); }

AUTOML_FUNCTION(automl_predict_named) { return predict_call<Output::Value, false>(fcinfo); }
AUTOML_FUNCTION(automl_predict_label_named) { return predict_call<Output::Label, false>(fcinfo); }
AUTOML_FUNCTION(automl_predict_proba_named) { return predict_call<Output::Proba, false>(fcinfo); }

AUTOML_FUNCTION(automl_predict_model) {
  const int64 model_id = PG_GETARG_INT64(0);
  const FeatureVector x = read_feature_array(PG_GETARG_ARRAYTYPE_P(1));
  const automl::Model* model = model_for_caller(fcinfo, model_id);
  if (x.length != model->n_features())
    wrong_feature_count(model, x, psprintf("model %lld", static_cast<long long>(model_id)));
  PG_RETURN_FLOAT8(cpp_guard([&] { return model->predict(x.values); }));
}

AUTOML_FUNCTION(automl_explain) {
  const Served served = project_model(fcinfo, Output::Value);
  // The model's file, parsed here: a shared image predicts but cannot explain.
  const automl::Model* model = load_model_to_explain(served.model_id);
  const automl::InputValue* x = inputs_from_argument(*model, fcinfo, 1, PG_GETARG_TEXT_PP(0));
  char* json = cpp_guard([&] { return explanation_json(*model, x); });
  PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}

}  // namespace pg_automl
