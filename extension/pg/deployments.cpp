// pg/deployments.cpp — SPI look-up of a project's deployment, and the backend-wide
// cache (serve/deployment_cache.hpp) that lets predict skip it: valid until a
// deployment changes anywhere (a relcache invalidation, sent by a trigger on
// automl.deployments, bumps the generation).
#include "serve/deployment_cache.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/deployments.hpp"
#include "pg/guard.hpp"
#include "pg/internal_schema.hpp"
#include "pg/shared_deployments.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "utils/inval.h"
#include "utils/syscache.h"
}

namespace pg_automl {
namespace {

// What serves a project, with its split and shadow, and whether the project exists
// at all (for 42704 vs 42501), as the caller sees it.
#define DEPLOYED_SQL(schema)                                                              \
  "SELECT d.model_id, p.name IS NOT NULL,"                                                \
  "       ARRAY(SELECT (a->>'model_id')::bigint"                                          \
  "               FROM jsonb_array_elements(d.arms) WITH ORDINALITY x(a, i) ORDER BY i)," \
  "       ARRAY(SELECT sum((a->>'weight')::float8) OVER (ORDER BY i)"                     \
  "               FROM jsonb_array_elements(d.arms) WITH ORDINALITY x(a, i) ORDER BY i)," \
  "       d.shadow_model_id, p.log_sample_rate, " schema                                  \
  "._project_exists($1)"                                                                  \
  "  FROM (SELECT 1) one LEFT JOIN automl.projects p ON p.name = $1"                      \
  "       LEFT JOIN automl.deployed_models d ON d.project = $1"
const char* const kDeployedSql[2] = AUTOML_BY_LAYOUT(DEPLOYED_SQL);
SPIPlanPtr deployed_plan[2] = {nullptr, nullptr};  // by InternalLayout

// Bumped by the relcache callback when automl.deployments changes (in any session,
// delivered at our next statement) or when the cache is reset.
std::uint64_t deployments_generation = 1;
Oid deployments_relid = InvalidOid;
Oid projects_relid = InvalidOid;  // its log_sample_rate is part of a Deployment
Oid grants_relid = InvalidOid;    // who may be served what

// Project → deployment per role, for the generation it was filled in. An entry read
// under an old snapshot (REPEATABLE READ, SERIALIZABLE, a parallel worker) holds for
// that transaction only: kept longer, it would outlive the invalidation that it
// predates, and serve a replaced model or a revoked grant.
DeploymentCache deployed;

// The shared entries are ended by the writers when they commit (shared_deployments.hpp),
// not here: a relcache invalidation also comes from VACUUM or ANALYZE of these tables,
// which changes nothing served.
void on_relcache_invalidation(Datum, Oid relid) {
  if (relid == InvalidOid || deployments_relid == InvalidOid || relid == deployments_relid ||
      relid == projects_relid || relid == grants_relid)
    ++deployments_generation;
}

// GRANT role TO role changes who owns what through membership.
void on_membership_invalidation(Datum, int, uint32) { ++deployments_generation; }

void find_relids() {
  if (deployments_relid != InvalidOid) return;
  const Oid ns = get_namespace_oid("automl", true);
  if (ns == InvalidOid) return;
  deployments_relid = get_relname_relid("deployments", ns);
  projects_relid = get_relname_relid("projects", ns);
  grants_relid = get_relname_relid("project_grants", ns);
}

// The arms of a split and their cumulative weights, from the arrays the SQL side
// built (columns 3 and 4); leaves `d` a single model when there is no split.
void read_split(Deployment* d) {
  bool ids_null = false, weights_null = false;
  const Datum ids = spi_value(3, &ids_null);
  const Datum weights = spi_value(4, &weights_null);
  if (ids_null || weights_null) return;
  Datum *id_values, *weight_values;
  int n_ids, n_weights;
  deconstruct_array(DatumGetArrayTypeP(ids), INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
                    &id_values, nullptr, &n_ids);
  deconstruct_array(DatumGetArrayTypeP(weights), FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
                    &weight_values, nullptr, &n_weights);
  if (n_ids < 1 || n_ids != n_weights || n_ids > Deployment::kMaxArms) return;
  d->n_arms = n_ids;
  for (int i = 0; i < n_ids; ++i) {
    d->model_ids[i] = DatumGetInt64(id_values[i]);
    d->cumulative[i] = DatumGetFloat8(weight_values[i]);
  }
  d->cumulative[n_ids - 1] = 1.0;  // rounding never leaves a gap at the top
}

DeploymentStatus lookup_deployment(text* project, Deployment* out) {
  Oid types[1] = {TEXTOID};
  Datum args[1] = {PointerGetDatum(project)};
  // Not read-only where that is allowed: SPI then reads with a new snapshot (in READ
  // COMMITTED), so what is cached beyond this statement is what was committed last.
  const int layout = layout_index(installed_layout());
  select_one_row(&deployed_plan[layout], kDeployedSql[layout], 1, types, args, IsInParallelMode(),
                 "looking up the deployed model");
  if (SPI_processed != 1) elog(ERROR, "pg_automl: looking up the deployed model failed");
  bool id_null = false, exists_null = false, shadow_null = false, rate_null = false,
       anyone_null = false;
  const Datum id = spi_value(1, &id_null);
  const bool exists = DatumGetBool(spi_value(2, &exists_null));
  Deployment d;
  d.n_arms = 1;
  d.model_ids[0] = id_null ? 0 : DatumGetInt64(id);
  d.cumulative[0] = 1.0;
  if (!id_null) read_split(&d);
  const Datum shadow = spi_value(5, &shadow_null);
  const Datum rate = spi_value(6, &rate_null);
  d.shadow_model_id = shadow_null ? 0 : DatumGetInt64(shadow);
  d.log_sample_rate = rate_null ? 0 : DatumGetFloat8(rate);
  const bool exists_for_anyone = DatumGetBool(spi_value(7, &anyone_null));
  SPI_finish();
  if (!exists && exists_for_anyone)
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied for project \"%s\"", text_to_cstring(project)),
                    errhint("Its owner can share it: automl.grant_project('%s', '%s', 'predict').",
                            text_to_cstring(project), GetUserNameFromId(GetUserId(), false))));
  if (!exists) return DeploymentStatus::NoProject;
  if (id_null) return DeploymentStatus::NoDeployment;
  *out = d;
  return DeploymentStatus::Deployed;
}

}  // namespace

void register_deployment_invalidation() {
  CacheRegisterRelcacheCallback(on_relcache_invalidation, PointerGetDatum(nullptr));
  CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, on_membership_invalidation,
                                PointerGetDatum(nullptr));
}

DeploymentStatus find_deployment(text* project, Deployment* out) {
  const std::string_view name(VARDATA_ANY(project), VARSIZE_ANY_EXHDR(project));
  // Deployments and grants committed since this transaction last looked: a call site
  // resolves once per statement, so this costs one check of the queue per statement.
  AcceptInvalidationMessages();
  deployed.sync(deployments_generation);
  const Oid user = GetUserId();
  if (const Deployment* cached = deployed.find(user, name, MyProc->lxid)) {
    *out = *cached;
    return DeploymentStatus::Deployed;
  }
  // What another backend looked up for this role. The generation is read before our
  // look-up takes its snapshot: a change committed after that ends it.
  const std::uint64_t shared_generation = shared_deployments_generation();
  if (shared_deployment_find(shared_generation, user, name, out)) {
    deployed.store(deployments_generation, user, name, *out, InvalidLocalTransactionId);
    return DeploymentStatus::Deployed;
  }
  const DeploymentStatus status = lookup_deployment(project, out);
  if (status != DeploymentStatus::Deployed) return status;  // not cached: asked again next time
  find_relids();
  const bool fresh = lookups_read_fresh_snapshots();
  deployed.store(deployments_generation, user, name, *out,
                 fresh ? InvalidLocalTransactionId : MyProc->lxid);
  if (fresh) shared_deployment_store(shared_generation, user, name, *out);
  return status;
}

Deployment deployment_of(text* project) {
  Deployment d;
  switch (find_deployment(project, &d)) {
    case DeploymentStatus::Deployed:
      break;
    case DeploymentStatus::NoProject:
      ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                      errmsg("project \"%s\" does not exist", text_to_cstring(project)),
                      errhint("Train one with automl.train(project => ...).")));
    case DeploymentStatus::NoDeployment:
      ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                      errmsg("project \"%s\" has no deployed model", text_to_cstring(project)),
                      errhint("Deploy one with automl.deploy('%s').", text_to_cstring(project))));
  }
  return d;
}

// Statement trigger on automl.deployments: a relcache invalidation of the table
// reaches every backend at its next statement, and their callback drops the
// cached project → model map. No catalog query per predict call, and no
// shared_preload_libraries needed.
AUTOML_FUNCTION(automl_deployments_changed) {
  if (!CALLED_AS_TRIGGER(fcinfo))
    elog(ERROR, "automl_deployments_changed must be called as a trigger");
  auto* data = reinterpret_cast<TriggerData*>(fcinfo->context);
  CacheInvalidateRelcacheByRelid(RelationGetRelid(data->tg_relation));
  end_shared_deployments_at_commit(false);  // new backends read no earlier invalidation
  return PointerGetDatum(nullptr);
}

}  // namespace pg_automl
