// pg/spec_functions.cpp — SQL access to core/'s job-spec validation and metric
// catalogue, so the INSERT trigger and the worker apply the same rules.
#include <nlohmann/json.hpp>
#include <string>

#include "automl/metrics.hpp"
#include "automl/train_spec.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/guard.hpp"

namespace pg_automl {

// Validates a job's spec; returns it normalised (defaults filled in).
AUTOML_FUNCTION(automl_normalize_job_spec) {
  if (PG_ARGISNULL(0))
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("job kind must not be NULL")));
  const char* kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
  const char* spec = "{}";
  if (!PG_ARGISNULL(1)) {
    Jsonb* jb = PG_GETARG_JSONB_P(1);
    spec = JsonbToCString(nullptr, &jb->root, VARSIZE(jb));
  }
  char* normalized = cpp_guard(
      [&] { return automl::normalize_job_spec(kind, nlohmann::json::parse(spec)).dump(); });
  PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(normalized)));
}

AUTOML_FUNCTION(automl_metric_higher_is_better) {
  const char* metric = text_to_cstring(PG_GETARG_TEXT_PP(0));
  PG_RETURN_BOOL(cpp_guard([&] { return automl::metric_higher_is_better(metric); }));
}

}  // namespace pg_automl
