// pg/shared_models.hpp — serving images of parsed models in shared memory, so that a
// model file is parsed once per server instead of once per backend and parallel
// worker (automl.shared_model_cache_size; needs shared_preload_libraries).
//
// An entry is keyed by the model row itself: database, the table's oid and the row's
// xmin besides the id. A model id reused after DROP EXTENSION and CREATE EXTENSION,
// or a row rewritten by an UPDATE, is another key, never the old image. Backends
// look an image up only after their own query on automl.models returned the row,
// so the cache never answers for a model the caller could not read.
//
// A backend serves a tree model's image where it lies, without copying it: it holds
// a pin on the entry for as long as its own model cache keeps the model, and pinned
// entries are never evicted (a backend's pins end with it).
#pragma once

#include <cstddef>
#include <cstdint>

#include "pg/postgres.hpp"

namespace pg_automl {

struct SharedModelKey {
  Oid database;
  Oid table;
  TransactionId xmin;
  std::int64_t model_id;
};

// Reserves the shared memory and defines the setting (from _PG_init while
// shared_preload_libraries is processed; otherwise the cache is off).
void shared_models_init();
bool shared_models_available();

// Calls use(image, size, slot, context) on the image stored under `key`, in shared
// memory under the cache's shared lock (an error raised there releases it); false
// when there is none. `use` may pin the entry (SharedModelPin(slot)) to keep reading
// the image after the lock is released.
bool shared_model_read(const SharedModelKey& key,
                       void (*use)(const char* image, std::size_t size, int slot, void* context),
                       void* context);
// Stores an image (16-byte aligned), evicting the least recently used entries no
// backend pins; too large, or no room beside the pinned ones: not stored.
void shared_model_publish(const SharedModelKey& key, const char* image, std::size_t size);

// Whether this backend may pin one more entry: what it pins stays within an eighth
// of the cache (otherwise, it copies what it reads). Inside `use` only.
bool shared_model_may_pin(int slot);

// While one lives, the entry at `slot` stays where it is. Made only inside
// shared_model_read's `use`; destroyed anywhere, from C++ too (no error, no lock).
// When the backend exits, its pins are released even if their owners never are.
class SharedModelPin {
 public:
  explicit SharedModelPin(int slot);
  ~SharedModelPin();
  SharedModelPin(const SharedModelPin&) = delete;
  SharedModelPin& operator=(const SharedModelPin&) = delete;

 private:
  int slot_;
};

// Counts, since the server started, of JSON parses and image loads by backends.
void count_model_parse();
void count_image_load();

}  // namespace pg_automl
