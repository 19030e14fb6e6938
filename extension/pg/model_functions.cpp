// pg/model_functions.cpp — SQL access to core/'s model file reader, so that an
// imported model is checked by the very parser that will serve it.
#include "serve/answers.hpp"
#include "serve/serving_limits.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/guard.hpp"

namespace pg_automl {

// Parses model bytes (XX001 / 0A000 when they are not a model this version reads)
// and returns what the catalogue stores about it.
AUTOML_FUNCTION(automl_model_summary) {
  bytea* bytes = PG_GETARG_BYTEA_PP(0);
  const char* data = VARDATA_ANY(bytes);
  const size_t size = VARSIZE_ANY_EXHDR(bytes);
  if (model_too_large(size))
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("the model file is %zu MB; this server loads at most %d MB "
                           "(automl.max_model_mb)",
                           size >> 20, max_model_mb)));
  char* summary = cpp_guard([&] { return model_summary_json(data, size); });
  PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(summary)));
}

}  // namespace pg_automl
