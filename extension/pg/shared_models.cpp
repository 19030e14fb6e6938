// pg/shared_models.cpp — the shared arena of serving images (see shared_models.hpp).
//
// A fixed region reserved at server start: a table of entries and the bytes they
// point into, first fit, least recently used evicted. Readers load an image in place
// under the shared lock and may pin it to go on reading it there; writers (a backend
// that parsed a model) take the exclusive lock once per model per server and evict
// only entries nobody pins.
//
// Pins are counted in the entry (pg_atomic) and, per slot, in the backend that holds
// them: the backend gives back whatever it still holds when it exits
// (before_shmem_exit), so a pin never outlives its process. A crashed backend makes
// the postmaster reinitialise shared memory, pins and all.
#include <algorithm>
#include <cstring>

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/guard.hpp"
#include "pg/shared_deployments.hpp"
#include "pg/shared_models.hpp"

extern "C" {
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/guc.h"
}

namespace pg_automl {
namespace {

constexpr int kSlots = 1024;
constexpr std::uint64_t kImageAlignment = 64;  // ≥ what images need (byte_image.hpp: 16)
// One backend pins at most this share of the arena: a session that sets
// automl.model_cache_size high and serves many big models cannot keep every other
// model out of the cache alone (past it, it copies the trees, as before pins).
constexpr std::uint64_t kPinShare = 8;
int cache_mb = 128;  // automl.shared_model_cache_size

struct Entry {
  SharedModelKey key;
  bool used;
  std::uint64_t offset, size;
  pg_atomic_uint64 last_used;  // updated under the shared lock
  pg_atomic_uint32 pins;       // taken under the shared lock, given back without it
};

struct SharedModels {
  LWLock* lock;
  pg_atomic_uint64 clock;
  pg_atomic_uint64 parses, image_loads, published, evicted;
  std::uint64_t capacity;
  Entry entries[kSlots];
  char data[FLEXIBLE_ARRAY_MEMBER];
};

SharedModels* shared = nullptr;
shmem_request_hook_type previous_request_hook = nullptr;
shmem_startup_hook_type previous_startup_hook = nullptr;

// This backend's pins per slot, and whether it has given them all back (exiting).
std::uint32_t my_pins[kSlots];
std::uint64_t my_pinned_bytes = 0;  // of the entries this backend pins, each counted once
bool pins_given_back = false;
bool give_back_registered = false;

std::size_t arena_bytes() { return static_cast<std::size_t>(cache_mb) * 1024 * 1024; }
std::size_t region_bytes() {
  return add_size(offsetof(SharedModels, data), arena_bytes() + kImageAlignment);
}
// The arena starts aligned, so every entry's image does.
char* arena() { return reinterpret_cast<char*>(TYPEALIGN(kImageAlignment, shared->data)); }
std::uint64_t aligned(std::uint64_t offset) { return TYPEALIGN(kImageAlignment, offset); }

void request_shared_memory() {
  if (previous_request_hook != nullptr) previous_request_hook();
  RequestAddinShmemSpace(region_bytes());
  RequestNamedLWLockTranche("pg_automl shared models", 1);
}

void attach_shared_memory() {
  if (previous_startup_hook != nullptr) previous_startup_hook();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found = false;
  auto* s = static_cast<SharedModels*>(
      ShmemInitStruct("pg_automl shared models", region_bytes(), &found));
  if (!found) {
    s->lock = &(GetNamedLWLockTranche("pg_automl shared models"))->lock;
    for (pg_atomic_uint64* counter :
         {&s->clock, &s->parses, &s->image_loads, &s->published, &s->evicted})
      pg_atomic_init_u64(counter, 0);
    s->capacity = arena_bytes();
    for (Entry& e : s->entries) {
      e.used = false;
      pg_atomic_init_u64(&e.last_used, 0);
      pg_atomic_init_u32(&e.pins, 0);
    }
  }
  LWLockRelease(AddinShmemInitLock);
  shared = s;
}

bool same_key(const SharedModelKey& a, const SharedModelKey& b) {
  return a.database == b.database && a.table == b.table && a.xmin == b.xmin &&
         a.model_id == b.model_id;
}

Entry* find(const SharedModelKey& key) {
  for (Entry& e : shared->entries)
    if (e.used && same_key(e.key, key)) return &e;
  return nullptr;
}

// First fit among the gaps between used entries; UINT64_MAX when none is big enough.
// No allocation: this runs under the exclusive lock, in PostgreSQL land.
std::uint64_t free_offset(std::uint64_t size) {
  static std::pair<std::uint64_t, std::uint64_t> taken[kSlots];  // offset, end
  int n = 0;
  for (const Entry& e : shared->entries)
    if (e.used) taken[n++] = {e.offset, e.offset + e.size};
  std::sort(taken, taken + n);
  std::uint64_t at = 0;
  for (int i = 0; i < n; ++i) {
    if (taken[i].first >= at && taken[i].first - at >= size) return at;
    at = aligned(std::max(at, taken[i].second));
  }
  return at <= shared->capacity && shared->capacity - at >= size ? at : UINT64_MAX;
}

// nullptr when every entry is pinned (or none is used).
Entry* least_recently_used_unpinned() {
  Entry* oldest = nullptr;
  for (Entry& e : shared->entries)
    if (e.used && pg_atomic_read_u32(&e.pins) == 0 &&
        (oldest == nullptr ||
         pg_atomic_read_u64(&e.last_used) < pg_atomic_read_u64(&oldest->last_used)))
      oldest = &e;
  return oldest;
}

void give_back_pins(int, Datum) {
  for (int slot = 0; slot < kSlots; ++slot)
    if (my_pins[slot] > 0) pg_atomic_fetch_sub_u32(&shared->entries[slot].pins, my_pins[slot]);
  pins_given_back = true;
}

Entry* free_slot() {
  for (Entry& e : shared->entries)
    if (!e.used) return &e;
  return nullptr;
}

}  // namespace

void shared_models_init() {
  if (!process_shared_preload_libraries_in_progress) return;
  DefineCustomIntVariable(
      "automl.shared_model_cache_size",
      "Shared memory for parsed models, so each model is parsed once per server.",
      "0 turns it off: every backend then parses the models it serves.", &cache_mb, 128, 0,
      64 * 1024, PGC_POSTMASTER, GUC_UNIT_MB, nullptr, nullptr, nullptr);
  if (cache_mb == 0) return;
  previous_request_hook = shmem_request_hook;
  shmem_request_hook = request_shared_memory;
  previous_startup_hook = shmem_startup_hook;
  shmem_startup_hook = attach_shared_memory;
}

bool shared_models_available() { return shared != nullptr; }

bool shared_model_read(const SharedModelKey& key,
                       void (*use)(const char* image, std::size_t size, int slot, void* context),
                       void* context) {
  if (shared == nullptr) return false;
  // Here, in PostgreSQL land, not in the pin's C++ constructor: registering may fail.
  if (!give_back_registered) {
    before_shmem_exit(give_back_pins, 0);
    give_back_registered = true;
  }
  LWLockAcquire(shared->lock, LW_SHARED);
  Entry* e = find(key);
  if (e != nullptr) {
    pg_atomic_write_u64(&e->last_used, pg_atomic_add_fetch_u64(&shared->clock, 1));
    // Read in place: a copy would cost a backend as many page faults again.
    use(arena() + e->offset, e->size, static_cast<int>(e - shared->entries), context);
  }
  LWLockRelease(shared->lock);
  return e != nullptr;
}

void shared_model_publish(const SharedModelKey& key, const char* image, std::size_t size) {
  // One image may take at most a quarter: a few big models never flush all others.
  if (shared == nullptr || size == 0 || size > shared->capacity / 4) return;
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  if (find(key) == nullptr) {
    std::uint64_t at;
    Entry* slot;
    while ((at = free_offset(size)) == UINT64_MAX || (slot = free_slot()) == nullptr) {
      Entry* victim = least_recently_used_unpinned();
      if (victim == nullptr) {  // all that is there is in use: this one is not shared
        LWLockRelease(shared->lock);
        return;
      }
      victim->used = false;
      pg_atomic_fetch_add_u64(&shared->evicted, 1);
    }
    std::memcpy(arena() + at, image, size);
    slot->key = key;
    slot->offset = at;
    slot->size = size;
    pg_atomic_write_u64(&slot->last_used, pg_atomic_add_fetch_u64(&shared->clock, 1));
    slot->used = true;
    pg_atomic_fetch_add_u64(&shared->published, 1);
  }
  LWLockRelease(shared->lock);
}

bool shared_model_may_pin(int slot) {
  return my_pins[slot] > 0 ||
         my_pinned_bytes + shared->entries[slot].size <= shared->capacity / kPinShare;
}

// Atomics only: made in C++ (inside cpp_guard), it can neither fail nor longjmp.
SharedModelPin::SharedModelPin(int slot) : slot_(slot) {
  pg_atomic_fetch_add_u32(&shared->entries[slot].pins, 1);
  if (my_pins[slot]++ == 0) my_pinned_bytes += shared->entries[slot].size;
}

SharedModelPin::~SharedModelPin() {
  if (pins_given_back || my_pins[slot_] == 0) return;  // exiting: given back already
  if (--my_pins[slot_] == 0) my_pinned_bytes -= shared->entries[slot_].size;
  pg_atomic_fetch_sub_u32(&shared->entries[slot_].pins, 1);
}

void count_model_parse() {
  if (shared != nullptr) pg_atomic_fetch_add_u64(&shared->parses, 1);
}
void count_image_load() {
  if (shared != nullptr) pg_atomic_fetch_add_u64(&shared->image_loads, 1);
}

// automl.shared_model_cache_status(): what the shared caches hold and what backends did.
AUTOML_FUNCTION(automl_shared_model_cache_status) {
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
    elog(ERROR, "return type must be a row type");
  desc = BlessTupleDesc(desc);
  constexpr int kColumns = 11;
  Datum values[kColumns] = {};
  bool nulls[kColumns] = {};
  for (bool& n : nulls) n = true;
  values[0] = BoolGetDatum(shared != nullptr);
  nulls[0] = false;
  if (shared != nullptr) {
    std::int64_t models = 0, bytes = 0, pinned = 0;
    LWLockAcquire(shared->lock, LW_SHARED);
    for (Entry& e : shared->entries)
      if (e.used) {
        ++models, bytes += static_cast<std::int64_t>(e.size);
        pinned += pg_atomic_read_u32(&e.pins) > 0;
      }
    LWLockRelease(shared->lock);
    values[10] = Int64GetDatum(pinned);
    nulls[10] = false;
    const std::int64_t counts[6] = {
        models,
        bytes,
        static_cast<std::int64_t>(shared->capacity),
        static_cast<std::int64_t>(pg_atomic_read_u64(&shared->parses)),
        static_cast<std::int64_t>(pg_atomic_read_u64(&shared->image_loads)),
        static_cast<std::int64_t>(pg_atomic_read_u64(&shared->evicted))};
    for (int i = 0; i < 6; ++i) {
      values[i + 1] = Int64GetDatum(counts[i]);
      nulls[i + 1] = false;
    }
  }
  // The deployment cache beside it (shared_deployments.cpp): on whenever preloaded.
  const SharedDeploymentCounts d = shared_deployment_counts();
  if (d.available) {
    const std::int64_t counts[3] = {d.entries, d.hits, d.stores};
    for (int i = 0; i < 3; ++i) {
      values[i + 7] = Int64GetDatum(counts[i]);
      nulls[i + 7] = false;
    }
  }
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

}  // namespace pg_automl
