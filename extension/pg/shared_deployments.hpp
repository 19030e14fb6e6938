// pg/shared_deployments.hpp — (database, role, project) → deployment, and each served
// model's row, in shared memory, so that a new backend serves its first predict
// without planning the deployment and model look-ups (queries under row-level
// security: milliseconds in a cold backend). Needs shared_preload_libraries; without it every
// backend looks up for itself, as before.
//
// Entries are read and stored by generation, one per database. A transaction that
// changes who is served what ends the generation when it commits: a write to
// automl.deployments, automl.projects or automl.project_grants (their triggers), or a
// statement that can change access (GRANT, REVOKE, role and policy changes, ALTER,
// DROP, extension changes: every database's generation). Only look-ups made with a
// fresh snapshot (READ COMMITTED, not in parallel mode) are stored, an entry is read
// for at most kMaxAgeSeconds, and a standby (whose changes arrive by replay, where no
// hook runs) does not use the cache.
#pragma once

#include <cstdint>
#include <string_view>

#include "serve/served.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/postgres.hpp"

namespace pg_automl {

// Reserves the shared memory (from _PG_init while shared_preload_libraries is
// processed; otherwise the cache is off).
void shared_deployments_init();

// Whether a look-up made now over SPI (not read-only) sees everything committed so
// far, and every invalidation this backend accepted: READ COMMITTED outside parallel
// mode, where it takes a snapshot of its own after its plan's locks. Only such
// look-ups outlive their transaction in the backend's caches, or are shared.
bool lookups_read_fresh_snapshots();

// This database's generation, read before the look-up takes its snapshot (a change
// committed after it ends that generation); 0 when there is no shared cache here.
std::uint64_t shared_deployments_generation();

// The deployment stored for this role and project in `generation`.
bool shared_deployment_find(std::uint64_t generation, Oid user, std::string_view project,
                            Deployment* out);
// Stores a deployment read in `generation`; ignored when that has ended.
void shared_deployment_store(std::uint64_t generation, Oid user, std::string_view project,
                             const Deployment& d);

// A served model's row as the same generation knows it: its table, xmin (the key of
// its parsed image, shared_models.hpp) and file size, so that a backend loads the
// image without a query on automl.models. Only for a model the caller was already
// allowed (load_model's callers check that); a rewritten or deleted model row ends
// the generation (a trigger on automl.models).
struct ModelRow {
  Oid table;
  TransactionId xmin;
  std::uint64_t size;
};
bool shared_model_row_find(std::uint64_t generation, std::int64_t model_id, ModelRow* out);
void shared_model_row_store(std::uint64_t generation, std::int64_t model_id, const ModelRow& row);

// What ends generations: the current transaction, when it commits (its own
// database's, or every database's), or a commit done now (COMMIT PREPARED).
void end_shared_deployments_at_commit(bool every_database);
void end_shared_deployments(bool every_database);

constexpr int kMaxAgeSeconds = 60;  // a bound on any change no hook above saw

// Counts since the server started, for automl.shared_model_cache_status().
struct SharedDeploymentCounts {
  std::int64_t entries, hits, stores;
  bool available;
};
SharedDeploymentCounts shared_deployment_counts();

}  // namespace pg_automl
