// pg/model_files.cpp — reading model files over SPI; parsing them is serve/'s.
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include "automl/serving_image.hpp"
#include "serve/answers.hpp"
#include "serve/model_cache.hpp"
#include "serve/serving_limits.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/guard.hpp"
#include "pg/model_files.hpp"
#include "pg/shared_deployments.hpp"
#include "pg/shared_models.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "access/detoast.h"
#include "miscadmin.h"
}

namespace pg_automl {
namespace {

SPIPlanPtr model_plan = nullptr;

// 54000 for a model file beyond automl.max_model_mb, before anything parses it.
void refuse_if_too_large(std::int64_t model_id, std::size_t size) {
  if (model_too_large(size))
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("model %lld is %zu MB; this server loads at most %d MB "
                           "(automl.max_model_mb)",
                           static_cast<long long>(model_id), size >> 20, max_model_mb)));
}

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
  refuse_if_too_large(model_id, *size);
  char* bytes = static_cast<char*>(SPI_palloc(*size + 1));
  std::memcpy(bytes, VARDATA_ANY(stored), *size);
  bytes[*size] = '\0';
  SPI_finish();
  return bytes;
}

namespace {

SPIPlanPtr key_plan = nullptr;

// The shared-cache key of the model row (42704 when there is none, 54000 when its
// file is beyond automl.max_model_mb), read without detoasting the file, or known to
// the shared deployment cache in this generation (then no query at all).
SharedModelKey model_row_key(std::int64_t model_id) {
  const std::uint64_t generation = shared_deployments_generation();
  ModelRow row;
  if (shared_model_row_find(generation, model_id, &row)) {
    refuse_if_too_large(model_id, row.size);
    return SharedModelKey{MyDatabaseId, row.table, row.xmin, model_id};
  }
  Oid types[1] = {INT8OID};
  Datum args[1] = {Int64GetDatum(model_id)};
  // Not read-only where that is allowed: a new snapshot (in READ COMMITTED), taken
  // after the generation was read, so that what is stored is what was committed last.
  const bool fresh = lookups_read_fresh_snapshots();
  select_one_row(&key_plan, "SELECT tableoid, xmin, model FROM automl.models WHERE id = $1", 1,
                 types, args, !fresh, "reading a model's row");
  if (SPI_processed == 0)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                    errmsg("model %lld does not exist", static_cast<long long>(model_id))));
  bool is_null = false;
  row.table = DatumGetObjectId(spi_value(1, &is_null));
  row.xmin = DatumGetTransactionId(spi_value(2, &is_null));
  row.size = toast_raw_datum_size(spi_value(3, &is_null)) - VARHDRSZ;
  SPI_finish();
  refuse_if_too_large(model_id, row.size);
  if (fresh) shared_model_row_store(generation, model_id, row);
  return SharedModelKey{MyDatabaseId, row.table, row.xmin, model_id};
}

// Parses the model file, and leaves its serving image in shared memory for the
// other backends.
const automl::Model* parse_and_share(std::int64_t model_id, const SharedModelKey& key) {
  std::size_t size = 0;
  char* bytes = read_model_file(model_id, &size);
  const automl::Model* model = cpp_guard(
      [&] { return model_cache().insert(model_id, parse_served_model(bytes, size, model_id)); });
  pfree(bytes);
  count_model_parse();
  if (shared_models_available()) {
    // Binary, so not cpp_guard's text: malloc'd bytes leave the guard as plain data.
    struct Bytes {
      char* data;
      std::size_t size;
    };
    const Bytes image = cpp_guard([&] {
      const std::string made = automl::serving_image(*model);
      Bytes out{static_cast<char*>(std::malloc(made.size())), made.size()};
      if (out.data == nullptr) throw std::bad_alloc();
      std::memcpy(out.data, made.data(), made.size());
      return out;
    });
    shared_model_publish(key, image.data, image.size);
    std::free(image.data);
  }
  return model;
}

}  // namespace

const automl::Model* load_model(std::int64_t model_id) {
  if (const automl::Model* cached = model_cache().find(model_id)) return cached;
  if (!shared_models_available()) return parse_and_share(model_id, SharedModelKey{});
  const SharedModelKey key = model_row_key(model_id);
  struct Load {
    std::int64_t model_id;
    const automl::Model* model;
  } load{model_id, nullptr};
  auto use = [](const char* image, std::size_t size, int slot, void* context) {
    auto* l = static_cast<Load*>(context);
    l->model = cpp_guard([&] {
      // The trees stay where they are in shared memory, pinned while this backend's
      // cache holds the model (a model without trees drops the pin at once); past
      // this backend's share of the cache, they are copied.
      std::shared_ptr<const SharedModelPin> pin;
      if (shared_model_may_pin(slot)) pin = std::make_shared<const SharedModelPin>(slot);
      return model_cache().insert(l->model_id,
                                  load_served_image(image, size, l->model_id, std::move(pin)));
    });
  };
  if (!shared_model_read(key, use, &load)) return parse_and_share(model_id, key);
  count_image_load();
  return load.model;
}

const automl::Model* load_model_to_explain(std::int64_t model_id) {
  if (const automl::Model* cached = explain_cache().find(model_id)) return cached;
  std::size_t size = 0;
  char* bytes = read_model_file(model_id, &size);
  const automl::Model* model = cpp_guard(
      [&] { return explain_cache().insert(model_id, parse_served_model(bytes, size, model_id)); });
  pfree(bytes);
  return model;
}

}  // namespace pg_automl
