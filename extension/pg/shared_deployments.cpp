// pg/shared_deployments.cpp — the shared deployment cache (see shared_deployments.hpp).
//
// A fixed table reserved at server start: a slot per database (its generation) and
// set-associative buckets of entries, the least recently used of a bucket replaced.
// Readers copy an entry out under the shared lock; a backend stores what it looked
// up under the exclusive lock, once per role, project and generation. Generations end
// by atomic increments, from a commit callback or the utility hook.
#include <cstring>

#include "serve/deployment_cache.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/shared_deployments.hpp"

extern "C" {
#include "access/xact.h"
#include "access/xlog.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "tcop/utility.h"
#include "utils/timestamp.h"
}

namespace pg_automl {
namespace {

constexpr int kDatabases = 64;  // databases served since start; later ones go without
constexpr int kWays = 8;
constexpr int kBuckets = 512;
constexpr std::size_t kMaxProject = DeploymentCache::kMaxProject;  // longer: never stored

struct DatabaseSlot {
  pg_atomic_uint32 database;    // InvalidOid: free
  pg_atomic_uint64 generation;  // from 1
};

struct Entry {
  std::uint64_t generation;  // 0: never used
  int slot;                  // its database's
  Oid user;
  TimestampTz stored_at;
  std::uint32_t project_length;
  char project[kMaxProject];
  Deployment deployment;
  pg_atomic_uint64 last_used;
};

struct RowEntry {
  std::uint64_t generation;  // 0: never used
  int slot;
  std::int64_t model_id;
  TimestampTz stored_at;
  ModelRow row;
};
constexpr int kRowSlots = 2048;  // direct-mapped

struct SharedDeployments {
  LWLock* lock;
  pg_atomic_uint64 clock, hits, stores;
  DatabaseSlot databases[kDatabases];
  Entry entries[kBuckets * kWays];
  RowEntry rows[kRowSlots];
};

SharedDeployments* shared = nullptr;
shmem_request_hook_type previous_request_hook = nullptr;
shmem_startup_hook_type previous_startup_hook = nullptr;
ProcessUtility_hook_type previous_utility_hook = nullptr;
const char* const kName = "pg_automl shared deployments";

// What the current transaction ends when it commits.
bool end_own_at_commit = false;
bool end_all_at_commit = false;

void request_shared_memory() {
  if (previous_request_hook != nullptr) previous_request_hook();
  RequestAddinShmemSpace(sizeof(SharedDeployments));
  RequestNamedLWLockTranche(kName, 1);
}

void attach_shared_memory() {
  if (previous_startup_hook != nullptr) previous_startup_hook();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found = false;
  auto* s =
      static_cast<SharedDeployments*>(ShmemInitStruct(kName, sizeof(SharedDeployments), &found));
  if (!found) {
    s->lock = &(GetNamedLWLockTranche(kName))->lock;
    for (pg_atomic_uint64* counter : {&s->clock, &s->hits, &s->stores})
      pg_atomic_init_u64(counter, 0);
    for (DatabaseSlot& d : s->databases) {
      pg_atomic_init_u32(&d.database, InvalidOid);
      pg_atomic_init_u64(&d.generation, 1);
    }
    for (Entry& e : s->entries) {
      e.generation = 0;
      pg_atomic_init_u64(&e.last_used, 0);
    }
    for (RowEntry& r : s->rows) r.generation = 0;
  }
  LWLockRelease(AddinShmemInitLock);
  shared = s;
}

// This backend's database slot, or -1. A slot, once claimed, is its database's
// until the server stops (a backend's database never changes).
int my_slot(bool claim) {
  static int known = -1;
  if (known >= 0 || shared == nullptr || MyDatabaseId == InvalidOid) return known;
  for (int i = 0; i < kDatabases; ++i)
    if (pg_atomic_read_u32(&shared->databases[i].database) == MyDatabaseId) return known = i;
  if (!claim) return -1;
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  for (int i = 0; i < kDatabases && known < 0; ++i) {
    const Oid db = pg_atomic_read_u32(&shared->databases[i].database);
    if (db == MyDatabaseId || db == InvalidOid) known = i;
  }
  if (known >= 0) pg_atomic_write_u32(&shared->databases[known].database, MyDatabaseId);
  LWLockRelease(shared->lock);
  return known;
}

// The slot to read and store in: none on a standby.
int usable_slot(bool claim) { return RecoveryInProgress() ? -1 : my_slot(claim); }

std::uint32_t bucket_of(Oid user, std::string_view project) {
  std::uint32_t h = hash_bytes(reinterpret_cast<const unsigned char*>(project.data()),
                               static_cast<int>(project.size()));
  h = hash_combine(h, murmurhash32(MyDatabaseId));
  h = hash_combine(h, murmurhash32(user));
  return h % kBuckets;
}

bool is_entry_of(const Entry& e, int slot, Oid user, std::string_view project) {
  return e.generation != 0 && e.slot == slot && e.user == user &&
         project == std::string_view(e.project, e.project_length);
}

bool is_current(const Entry& e, TimestampTz now) {
  return e.generation != 0 &&
         e.generation == pg_atomic_read_u64(&shared->databases[e.slot].generation) &&
         !TimestampDifferenceExceeds(e.stored_at, now, kMaxAgeSeconds * 1000);
}

bool is_current_row(const RowEntry& r, int slot, std::int64_t model_id, std::uint64_t generation,
                    TimestampTz now) {
  return r.generation == generation && r.slot == slot && r.model_id == model_id &&
         generation == pg_atomic_read_u64(&shared->databases[slot].generation) &&
         !TimestampDifferenceExceeds(r.stored_at, now, kMaxAgeSeconds * 1000);
}

RowEntry& row_slot_of(std::int64_t model_id) {
  const std::uint32_t h =
      hash_combine(murmurhash32(MyDatabaseId), murmurhash32(static_cast<std::uint32_t>(model_id)) ^
                                                   static_cast<std::uint32_t>(model_id >> 32));
  return shared->rows[h % kRowSlots];
}

void touch(Entry& e) {
  pg_atomic_write_u64(&e.last_used, pg_atomic_add_fetch_u64(&shared->clock, 1));
}

void on_transaction_end(XactEvent event, void*) {
  switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PREPARE:  // committed later, by COMMIT PREPARED: see the utility hook
      if (end_all_at_commit || end_own_at_commit) end_shared_deployments(end_all_at_commit);
      break;
    default:
      break;
  }
  if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_PREPARE || event == XACT_EVENT_ABORT ||
      event == XACT_EVENT_PARALLEL_ABORT || event == XACT_EVENT_PARALLEL_COMMIT)
    end_own_at_commit = end_all_at_commit = false;
}

// Statements that can change who may read the projects, deployments and grants (or
// how): roles and membership, privileges, policies, owners, the tables and functions
// themselves, the extension.
bool may_change_access(const Node* statement) {
  switch (nodeTag(statement)) {
    case T_GrantStmt:
    case T_GrantRoleStmt:
    case T_AlterRoleStmt:
    case T_DropRoleStmt:
    case T_RenameStmt:
    case T_AlterOwnerStmt:
    case T_ReassignOwnedStmt:
    case T_DropOwnedStmt:
    case T_CreatePolicyStmt:
    case T_AlterPolicyStmt:
    case T_DropStmt:
    case T_AlterTableStmt:
    case T_CreateTrigStmt:
    case T_CreateFunctionStmt:
    case T_AlterFunctionStmt:
    case T_ViewStmt:
    case T_CreateExtensionStmt:
    case T_AlterExtensionStmt:
    case T_AlterExtensionContentsStmt:
    case T_DropdbStmt:
      return true;
    default:
      return false;
  }
}

void on_utility(PlannedStmt* pstmt, const char* query, bool read_only_tree,
                ProcessUtilityContext context, ParamListInfo params, QueryEnvironment* env,
                DestReceiver* dest, QueryCompletion* qc) {
  const Node* statement = pstmt->utilityStmt;
  if (may_change_access(statement)) end_shared_deployments_at_commit(true);
  // COMMIT PREPARED commits a transaction that is not this one: it is done when the
  // statement returns.
  const bool commits_prepared =
      IsA(statement, TransactionStmt) &&
      reinterpret_cast<const TransactionStmt*>(statement)->kind == TRANS_STMT_COMMIT_PREPARED;
  if (previous_utility_hook != nullptr)
    previous_utility_hook(pstmt, query, read_only_tree, context, params, env, dest, qc);
  else
    standard_ProcessUtility(pstmt, query, read_only_tree, context, params, env, dest, qc);
  if (commits_prepared) end_shared_deployments(true);
}

}  // namespace

void shared_deployments_init() {
  if (!process_shared_preload_libraries_in_progress) return;
  previous_request_hook = shmem_request_hook;
  shmem_request_hook = request_shared_memory;
  previous_startup_hook = shmem_startup_hook;
  shmem_startup_hook = attach_shared_memory;
  previous_utility_hook = ProcessUtility_hook;
  ProcessUtility_hook = on_utility;
  RegisterXactCallback(on_transaction_end, nullptr);
}

bool lookups_read_fresh_snapshots() { return !IsolationUsesXactSnapshot() && !IsInParallelMode(); }

std::uint64_t shared_deployments_generation() {
  const int slot = usable_slot(true);
  if (slot < 0) return 0;
  return pg_atomic_read_u64(&shared->databases[slot].generation);
}

bool shared_deployment_find(std::uint64_t generation, Oid user, std::string_view project,
                            Deployment* out) {
  const int slot = usable_slot(false);
  if (slot < 0 || generation == 0 || project.size() >= kMaxProject) return false;
  Entry* ways = &shared->entries[bucket_of(user, project) * kWays];
  const TimestampTz now = GetCurrentTimestamp();
  bool found = false;
  LWLockAcquire(shared->lock, LW_SHARED);
  for (int i = 0; i < kWays && !found; ++i) {
    Entry& e = ways[i];
    if (e.generation == generation && is_entry_of(e, slot, user, project) && is_current(e, now)) {
      *out = e.deployment;
      touch(e);
      found = true;
    }
  }
  LWLockRelease(shared->lock);
  if (found) pg_atomic_fetch_add_u64(&shared->hits, 1);
  return found;
}

void shared_deployment_store(std::uint64_t generation, Oid user, std::string_view project,
                             const Deployment& d) {
  const int slot = usable_slot(false);
  if (slot < 0 || generation == 0 || project.size() >= kMaxProject) return;
  Entry* ways = &shared->entries[bucket_of(user, project) * kWays];
  const TimestampTz now = GetCurrentTimestamp();
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  if (pg_atomic_read_u64(&shared->databases[slot].generation) == generation) {
    // This role's entry for the project, else one no longer current, else the least
    // recently used.
    Entry* chosen = nullptr;
    for (int i = 0; i < kWays && chosen == nullptr; ++i)
      if (is_entry_of(ways[i], slot, user, project)) chosen = &ways[i];
    for (int i = 0; i < kWays && chosen == nullptr; ++i)
      if (!is_current(ways[i], now)) chosen = &ways[i];
    if (chosen == nullptr) {
      chosen = &ways[0];
      for (int i = 1; i < kWays; ++i)
        if (pg_atomic_read_u64(&ways[i].last_used) < pg_atomic_read_u64(&chosen->last_used))
          chosen = &ways[i];
    }
    chosen->generation = generation;
    chosen->slot = slot;
    chosen->user = user;
    chosen->stored_at = now;
    chosen->project_length = static_cast<std::uint32_t>(project.size());
    std::memcpy(chosen->project, project.data(), project.size());
    chosen->deployment = d;
    touch(*chosen);
    pg_atomic_fetch_add_u64(&shared->stores, 1);
  }
  LWLockRelease(shared->lock);
}

bool shared_model_row_find(std::uint64_t generation, std::int64_t model_id, ModelRow* out) {
  const int slot = usable_slot(false);
  if (slot < 0 || generation == 0) return false;
  const TimestampTz now = GetCurrentTimestamp();
  RowEntry& r = row_slot_of(model_id);
  LWLockAcquire(shared->lock, LW_SHARED);
  const bool found = is_current_row(r, slot, model_id, generation, now);
  if (found) *out = r.row;
  LWLockRelease(shared->lock);
  return found;
}

void shared_model_row_store(std::uint64_t generation, std::int64_t model_id, const ModelRow& row) {
  const int slot = usable_slot(false);
  if (slot < 0 || generation == 0) return;
  const TimestampTz now = GetCurrentTimestamp();
  RowEntry& r = row_slot_of(model_id);
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  if (pg_atomic_read_u64(&shared->databases[slot].generation) == generation) {
    r.generation = generation;
    r.slot = slot;
    r.model_id = model_id;
    r.stored_at = now;
    r.row = row;
  }
  LWLockRelease(shared->lock);
}

void end_shared_deployments_at_commit(bool every_database) {
  (every_database ? end_all_at_commit : end_own_at_commit) = true;
}

void end_shared_deployments(bool every_database) {
  if (shared == nullptr) return;
  if (!every_database) {
    const int slot = my_slot(false);
    if (slot >= 0) pg_atomic_fetch_add_u64(&shared->databases[slot].generation, 1);
    return;
  }
  for (DatabaseSlot& d : shared->databases)
    if (pg_atomic_read_u32(&d.database) != InvalidOid) pg_atomic_fetch_add_u64(&d.generation, 1);
}

SharedDeploymentCounts shared_deployment_counts() {
  SharedDeploymentCounts c{0, 0, 0, shared != nullptr};
  if (shared == nullptr) return c;
  const TimestampTz now = GetCurrentTimestamp();
  LWLockAcquire(shared->lock, LW_SHARED);
  for (const Entry& e : shared->entries) c.entries += is_current(e, now) ? 1 : 0;
  LWLockRelease(shared->lock);
  c.hits = static_cast<std::int64_t>(pg_atomic_read_u64(&shared->hits));
  c.stores = static_cast<std::int64_t>(pg_atomic_read_u64(&shared->stores));
  return c;
}

}  // namespace pg_automl
