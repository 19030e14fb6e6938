// predict.cpp — the inference functions: predict, predict_proba, predict_label,
// predict_model. They run inside the calling backend (and in parallel workers):
// read the feature array, find the model, score one row.
#include "after_predict.hpp"
#include "guard.hpp"
#include "model_catalog.hpp"
#include "pg/float8_array.hpp"
#include "pg/named_features.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(automl_predict);
PG_FUNCTION_INFO_V1(automl_predict_proba);
PG_FUNCTION_INFO_V1(automl_predict_label);
PG_FUNCTION_INFO_V1(automl_predict_model);
PG_FUNCTION_INFO_V1(automl_predict_named);
PG_FUNCTION_INFO_V1(automl_predict_proba_named);
PG_FUNCTION_INFO_V1(automl_predict_label_named);
}

namespace pg_automl {
namespace {

// Raises the wrong-feature-count error. `subject` names what was asked
// for ("project \"iris\"" or "model 7") so the error says which model expects what.
void check_feature_count(const automl::Model* model, const FeatureVector& x, const char* subject) {
  StringInfoData names;
  initStringInfo(&names);
  for (const auto& name : model->feature_names())
    appendStringInfo(&names, "%s%s", names.len ? ", " : "", name.c_str());
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("%s expects %ld features, got %d", subject,
                         static_cast<long>(model->n_features()), x.length),
                  errdetail("Features in order: %s.", names.data)));
}

const char* project_subject(text* project) {
  return psprintf("project \"%s\"", text_to_cstring(project));
}

// What serves the project in argument 0 for this call. `classifier_function` names
// the caller when only a classifier will do.
Served project_model(FunctionCallInfo fcinfo, const char* classifier_function = nullptr) {
  text* project = PG_GETARG_TEXT_PP(0);
  const text* split_key = PG_NARGS() > 2 && !PG_ARGISNULL(2) ? PG_GETARG_TEXT_PP(2) : nullptr;
  const Served served = model_for_project(fcinfo, project, split_key);
  if (classifier_function != nullptr && served.model->task() != automl::Task::Classification)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s is a regression model; %s needs a classifier", project_subject(project),
                           classifier_function),
                    errhint("Use automl.predict for regression.")));
  return served;
}

// The same, checked against a float8[] row.
Served project_model(FunctionCallInfo fcinfo, const FeatureVector& x, const char* classifier_function = nullptr) {
  const Served served = project_model(fcinfo, classifier_function);
  if (x.length != served.model->n_features())
    check_feature_count(served.model, x, project_subject(PG_GETARG_TEXT_PP(0)));
  return served;
}

// The row of a named-feature call: jsonb, a table row, or any number array.
const automl::InputValue* named_inputs(FunctionCallInfo fcinfo, const automl::Model* model) {
  return inputs_from_argument(*model, fcinfo, 1, PG_GETARG_TEXT_PP(0));
}

// Shadow and logging, when the deployment has either: one branch per call otherwise.
template <typename Row>
void finish_call(FunctionCallInfo fcinfo, const Served& served, Output output, const Row* x, const Outcome& answer) {
  if (needs_after_predict(served)) after_predict(served, PG_GETARG_TEXT_PP(0), output, x, answer);
}

}  // namespace
}  // namespace pg_automl

using namespace pg_automl;

extern "C" Datum automl_predict(PG_FUNCTION_ARGS) {
  FeatureVector x = read_feature_array(PG_GETARG_ARRAYTYPE_P(1));
  const Served served = project_model(fcinfo, x);
  Outcome answer;
  answer.value = cpp_guard([&] { return served.model->predict(x.values); });
  finish_call(fcinfo, served, Output::Value, x.values, answer);
  PG_RETURN_FLOAT8(answer.value);
}

extern "C" Datum automl_predict_model(PG_FUNCTION_ARGS) {
  const int64 model_id = PG_GETARG_INT64(0);
  FeatureVector x = read_feature_array(PG_GETARG_ARRAYTYPE_P(1));
  const automl::Model* model = model_for_caller(fcinfo, model_id);
  if (x.length != model->n_features())
    check_feature_count(model, x, psprintf("model %lld", static_cast<long long>(model_id)));
  PG_RETURN_FLOAT8(cpp_guard([&] { return model->predict(x.values); }));
}

extern "C" Datum automl_predict_proba(PG_FUNCTION_ARGS) {
  FeatureVector x = read_feature_array(PG_GETARG_ARRAYTYPE_P(1));
  const Served served = project_model(fcinfo, x, "predict_proba");
  const int k = served.model->n_classes();
  double* proba = static_cast<double*>(palloc(sizeof(double) * static_cast<size_t>(k)));
  cpp_guard([&] { served.model->predict_proba(x.values, proba); });
  Outcome answer;
  answer.proba = proba;
  finish_call(fcinfo, served, Output::Proba, x.values, answer);
  PG_RETURN_ARRAYTYPE_P(make_float8_array(proba, k));
}

extern "C" Datum automl_predict_label(PG_FUNCTION_ARGS) {
  FeatureVector x = read_feature_array(PG_GETARG_ARRAYTYPE_P(1));
  const Served served = project_model(fcinfo, x, "predict_label");
  Outcome answer;
  answer.label = cpp_guard([&] { return served.model->predict_class(x.values); });
  finish_call(fcinfo, served, Output::Label, x.values, answer);
  PG_RETURN_TEXT_P(cstring_to_text(served.model->labels().classes()[static_cast<size_t>(answer.label)].c_str()));
}

extern "C" Datum automl_predict_named(PG_FUNCTION_ARGS) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) PG_RETURN_NULL();  // the split_key overloads are not STRICT
  const Served served = project_model(fcinfo);
  const automl::InputValue* x = named_inputs(fcinfo, served.model);
  Outcome answer;
  answer.value = cpp_guard([&] { return served.model->predict(x); });
  finish_call(fcinfo, served, Output::Value, x, answer);
  PG_RETURN_FLOAT8(answer.value);
}

extern "C" Datum automl_predict_proba_named(PG_FUNCTION_ARGS) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) PG_RETURN_NULL();  // the split_key overloads are not STRICT
  const Served served = project_model(fcinfo, "predict_proba");
  const automl::InputValue* x = named_inputs(fcinfo, served.model);
  const int k = served.model->n_classes();
  double* proba = static_cast<double*>(palloc(sizeof(double) * static_cast<size_t>(k)));
  cpp_guard([&] { served.model->predict_proba(x, proba); });
  Outcome answer;
  answer.proba = proba;
  finish_call(fcinfo, served, Output::Proba, x, answer);
  PG_RETURN_ARRAYTYPE_P(make_float8_array(proba, k));
}

extern "C" Datum automl_predict_label_named(PG_FUNCTION_ARGS) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) PG_RETURN_NULL();  // the split_key overloads are not STRICT
  const Served served = project_model(fcinfo, "predict_label");
  const automl::InputValue* x = named_inputs(fcinfo, served.model);
  Outcome answer;
  answer.label = cpp_guard([&] { return served.model->predict_class(x); });
  finish_call(fcinfo, served, Output::Label, x, answer);
  PG_RETURN_TEXT_P(cstring_to_text(served.model->labels().classes()[static_cast<size_t>(answer.label)].c_str()));
}

namespace pg_automl {
namespace {

// The explanation as JSON text (C++ land; the caller turns it into jsonb).
std::string explanation_json(const automl::Model& model, const automl::InputValue* x) {
  const automl::Model::Explanation e = model.explain(x);
  const auto& names = model.preprocessor().output_names();
  const auto& sources = model.preprocessor().output_sources();
  nlohmann::json encoded = nlohmann::json::object(), by_input = nlohmann::json::object();
  for (const auto& input : model.feature_names()) by_input[input] = 0.0;
  for (size_t j = 0; j < names.size(); ++j) {
    encoded[names[j]] = e.contributions[j];
    const std::string& owner = sources[j] >= 0 ? model.feature_names()[static_cast<size_t>(sources[j])] : names[j];
    by_input[owner] = by_input.value(owner, 0.0) + e.contributions[j];
  }
  nlohmann::json out = {{"features", by_input}, {"contributions", encoded}, {"bias", e.bias},
                        {"raw_score", e.raw_score}, {"algorithm", model.algorithm()}};
  if (model.task() == automl::Task::Classification) {
    out["explains"] = model.labels().classes()[static_cast<size_t>(e.output)];
    out["prediction"] = model.labels().classes()[static_cast<size_t>(model.predict_class(x))];
  } else {
    out["prediction"] = model.predict(x);
  }
  return out.dump();
}

}  // namespace
}  // namespace pg_automl

extern "C" {
PG_FUNCTION_INFO_V1(automl_explain);
}

extern "C" Datum automl_explain(PG_FUNCTION_ARGS) {
  const automl::Model* model = project_model(fcinfo).model;
  const automl::InputValue* x = named_inputs(fcinfo, model);
  static std::string text;  // filled inside the guard, copied into palloc'd memory below
  cpp_guard([&] { text = explanation_json(*model, x); });
  PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(pstrdup(text.c_str()))));
}
