// spec_functions.cpp — SQL access to core/'s job-spec validation and metric
// catalogue, so the INSERT trigger and the worker apply the same rules.
#include <cstdlib>
#include <cstring>
#include <string>

#include "automl/metrics.hpp"
#include "automl/train_spec.hpp"
#include "guard.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(automl_normalize_job_spec);
PG_FUNCTION_INFO_V1(automl_metric_higher_is_better);
}

using namespace pg_automl;

// Validates a job's spec; returns it normalised (defaults filled in).
extern "C" Datum automl_normalize_job_spec(PG_FUNCTION_ARGS) {
  if (PG_ARGISNULL(0))
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("job kind must not be NULL")));
  const char* kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
  const char* spec = "{}";
  if (!PG_ARGISNULL(1)) {
    Jsonb* jb = PG_GETARG_JSONB_P(1);
    spec = JsonbToCString(nullptr, &jb->root, VARSIZE(jb));
  }
  // The result crosses the guard as malloc'd C text: no C++ object outlives it.
  char* normalized = cpp_guard([&] {
    const auto parsed = nlohmann::json::parse(spec);
    const std::string out = automl::normalize_job_spec(kind, parsed).dump();
    return malloc_copy(out);
  });
  char* text = pstrdup(normalized);
  std::free(normalized);
  PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
}

extern "C" Datum automl_metric_higher_is_better(PG_FUNCTION_ARGS) {
  const char* metric = text_to_cstring(PG_GETARG_TEXT_PP(0));
  PG_RETURN_BOOL(cpp_guard([&] { return automl::metric_higher_is_better(metric); }));
}
