// pg/model_files.cpp — reading model files over SPI; parsing them is serve/'s.
#include "serve/answers.hpp"
#include "serve/model_cache.hpp"
#include "serve/serving_limits.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/guard.hpp"
#include "pg/model_files.hpp"
#include "pg/spi.hpp"

namespace pg_automl {
namespace {

SPIPlanPtr model_plan = nullptr;

}  // namespace

char* read_model_file(std::int64_t model_id, std::size_t* size) {
  Oid types[1] = {INT8OID};
  Datum args[1] = {Int64GetDatum(model_id)};
  select_one_row(&model_plan, "SELECT model FROM automl.models WHERE id = $1", 1, types, args, true,
                 "reading a model file");
  if (SPI_processed == 0)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                    errmsg("model %lld does not exist", static_cast<long long>(model_id))));
  bool is_null = false;
  bytea* stored = DatumGetByteaPP(spi_value(1, &is_null));
  // Copy out of SPI's memory, which SPI_finish releases.
  *size = VARSIZE_ANY_EXHDR(stored);
  if (model_too_large(*size))
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("model %lld is %zu MB; this server loads at most %d MB "
                           "(automl.max_model_mb)",
                           static_cast<long long>(model_id), *size >> 20, max_model_mb)));
  char* bytes = static_cast<char*>(SPI_palloc(*size + 1));
  std::memcpy(bytes, VARDATA_ANY(stored), *size);
  bytes[*size] = '\0';
  SPI_finish();
  return bytes;
}

const automl::Model* load_model(std::int64_t model_id) {
  if (const automl::Model* cached = model_cache().find(model_id)) return cached;
  std::size_t size = 0;
  char* bytes = read_model_file(model_id, &size);
  const automl::Model* model = cpp_guard(
      [&] { return model_cache().insert(model_id, parse_served_model(bytes, size, model_id)); });
  pfree(bytes);
  return model;
}

}  // namespace pg_automl
