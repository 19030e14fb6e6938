// model_catalog.cpp — SPI look-ups of deployments and model bytes, and the caches
// that make predict skip them: a backend-wide map of project → deployed model,
// valid until a deployment changes anywhere (a relcache invalidation, sent by a
// trigger on automl.deployments, bumps the generation), and a per-call-site slot.
#include "model_catalog.hpp"

#include <cstring>

#include "guard.hpp"
#include "pg/internal_schema.hpp"
#include "pg/spi_plan.hpp"
#include "serving_limits.hpp"
#include "model_cache.hpp"
#include "prediction_log.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "common/pg_prng.h"
#include "miscadmin.h"
#include "utils/inval.h"
#include "utils/syscache.h"
}

namespace pg_automl {
namespace {

SPIPlanPtr deployed_plan[2] = {nullptr, nullptr};  // by InternalLayout
SPIPlanPtr model_plan = nullptr;

// What fn_extra holds for one predict call site. Plain data: it lives in palloc'd
// memory that PostgreSQL frees without running destructors.
struct CallSite {
  SiteKey key;
  Deployment deployment;
  const automl::Model* models[Deployment::kMaxArms];
  const automl::Model* shadow;
  bool log;  // the project logs and this backend can
};

// The arm of a split for this call: by the key's hash when given (stable across
// sessions and servers), else at random.
int choose_arm(const Deployment& d, const text* split_key) {
  if (d.n_arms == 1) return 0;
  const double u = split_key != nullptr
                       ? static_cast<double>(DatumGetUInt32(hash_any(reinterpret_cast<const unsigned char*>(VARDATA_ANY(split_key)),
                                                                     static_cast<int>(VARSIZE_ANY_EXHDR(split_key))))) /
                             4294967296.0
                       : pg_prng_double(&pg_global_prng_state);
  for (int i = 0; i < d.n_arms; ++i)
    if (u < d.cumulative[i]) return i;
  return d.n_arms - 1;
}

bool same_text(const text* a, const text* b) {
  return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
         std::memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

}  // namespace

bool SiteKey::matches(const text* project_now, std::uint64_t epoch_now) const {
  return statement_start == GetCurrentStatementStartTimestamp() && transaction == MyProc->lxid &&
         user == GetUserId() && cache_epoch == epoch_now &&
         (project_now == nullptr ? project == nullptr : project != nullptr && same_text(project, project_now));
}

void SiteKey::set(FunctionCallInfo fcinfo, const text* project_now, std::uint64_t epoch_now) {
  statement_start = GetCurrentStatementStartTimestamp();
  transaction = MyProc->lxid;
  user = GetUserId();
  cache_epoch = epoch_now;
  if (project != nullptr) pfree(project);
  project = nullptr;
  if (project_now != nullptr) {
    project = static_cast<text*>(MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE_ANY(project_now)));
    std::memcpy(project, project_now, VARSIZE_ANY(project_now));
  }
}

namespace {

// Bumped by the relcache callback when automl.deployments changes (in any session,
// delivered at our next statement) or when the cache is reset.
std::uint64_t deployments_generation = 1;
Oid deployments_relid = InvalidOid;
Oid projects_relid = InvalidOid;  // its log_sample_rate is part of a Deployment
Oid grants_relid = InvalidOid;    // who may be served what

void on_relcache_invalidation(Datum, Oid relid) {
  if (relid == InvalidOid || deployments_relid == InvalidOid || relid == deployments_relid || relid == projects_relid ||
      relid == grants_relid)
    ++deployments_generation;
}

// GRANT role TO role changes who owns what through membership.
void on_membership_invalidation(Datum, int, uint32) { ++deployments_generation; }

// Backend-wide project → deployed model id, for the generation it was filled in.
// An entry read under an old snapshot (REPEATABLE READ, SERIALIZABLE, a parallel
// worker) holds for that transaction only: kept longer, it would outlive the
// invalidation that it predates, and serve a replaced model or a revoked grant.
struct DeployedEntry {
  Oid user;
  char project[NAMEDATALEN * 2];
  Deployment deployment;
  LocalTransactionId only_in;  // InvalidLocalTransactionId: any later transaction too
};
constexpr int kDeployedSlots = 64;
DeployedEntry deployed_slots[kDeployedSlots];
int deployed_used = 0;
std::uint64_t deployed_slots_generation = 0;

}  // namespace

void register_deployment_invalidation() {
  CacheRegisterRelcacheCallback(on_relcache_invalidation, PointerGetDatum(nullptr));
  CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, on_membership_invalidation, PointerGetDatum(nullptr));
}

namespace {

DeploymentStatus lookup_deployment(text* project, Deployment* out);

// Whether lookup_deployment read with a snapshot taken after every invalidation this
// backend had accepted: READ COMMITTED outside parallel mode, where the lookup takes
// a fresh snapshot of its own (after its plan's locks have accepted invalidations).
bool lookup_was_fresh() { return !IsolationUsesXactSnapshot() && !IsInParallelMode(); }

}  // namespace

DeploymentStatus find_deployment(text* project, Deployment* out) {
  const char* name = text_to_cstring(project);
  // Deployments and grants committed since this transaction last looked: a call site
  // resolves once per statement, so this costs one check of the queue per statement.
  AcceptInvalidationMessages();
  if (deployed_slots_generation != deployments_generation) {
    deployed_used = 0;
    deployed_slots_generation = deployments_generation;
  }
  const Oid user = GetUserId();
  for (int i = 0; i < deployed_used; ++i)
    if (deployed_slots[i].user == user && std::strcmp(deployed_slots[i].project, name) == 0 &&
        (deployed_slots[i].only_in == InvalidLocalTransactionId || deployed_slots[i].only_in == MyProc->lxid)) {
      *out = deployed_slots[i].deployment;
      return DeploymentStatus::Deployed;
    }
  const DeploymentStatus status = lookup_deployment(project, out);
  if (status != DeploymentStatus::Deployed) return status;  // not cached: the next statement asks again
  const std::int64_t id = out->model_ids[0];
  if (deployments_relid == InvalidOid) {
    const Oid ns = get_namespace_oid("automl", true);
    if (ns != InvalidOid) {
      deployments_relid = get_relname_relid("deployments", ns);
      projects_relid = get_relname_relid("projects", ns);
      grants_relid = get_relname_relid("project_grants", ns);
    }
  }
  if (std::strlen(name) < sizeof deployed_slots[0].project && deployed_slots_generation == deployments_generation) {
    // A slot of this project and role (an entry of an earlier transaction) first.
    int slot = -1;
    for (int i = 0; i < deployed_used && slot < 0; ++i)
      if (deployed_slots[i].user == user && std::strcmp(deployed_slots[i].project, name) == 0) slot = i;
    if (slot < 0) slot = deployed_used < kDeployedSlots ? deployed_used++ : static_cast<int>(id % kDeployedSlots);
    DeployedEntry& e = deployed_slots[slot];
    e.user = user;
    std::strcpy(e.project, name);
    e.deployment = *out;
    e.only_in = lookup_was_fresh() ? InvalidLocalTransactionId : MyProc->lxid;
  }
  return status;
}

Deployment deployment_of(text* project) {
  Deployment d;
  switch (find_deployment(project, &d)) {
    case DeploymentStatus::Deployed: break;
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

namespace {

DeploymentStatus lookup_deployment(text* project, Deployment* out) {
  Oid types[1] = {TEXTOID};
  Datum args[1] = {PointerGetDatum(project)};
  SPI_connect();
  const InternalLayout layout = installed_layout();
  SPIPlanPtr plan = prepare_once(
      &deployed_plan[static_cast<int>(layout)],
      for_layout("SELECT d.model_id, p.name IS NOT NULL,"
      "       ARRAY(SELECT (a->>'model_id')::bigint FROM jsonb_array_elements(d.arms) WITH ORDINALITY x(a, i) ORDER BY i),"
      "       ARRAY(SELECT sum((a->>'weight')::float8) OVER (ORDER BY i)"
      "               FROM jsonb_array_elements(d.arms) WITH ORDINALITY x(a, i) ORDER BY i),"
      "       d.shadow_model_id, p.log_sample_rate, automl_internal._project_exists($1)"
      "  FROM (SELECT 1) one LEFT JOIN automl.projects p ON p.name = $1"
      "       LEFT JOIN automl.deployed_models d ON d.project = $1", layout).c_str(),
      1, types);
  // Not read-only where that is allowed: SPI then reads with a new snapshot (in READ
  // COMMITTED), so what is cached beyond this statement is what was committed last.
  if (execute_pinned(plan, args, nullptr, IsInParallelMode(), 1) != SPI_OK_SELECT || SPI_processed != 1)
    elog(ERROR, "pg_automl: looking up the deployed model failed");
  bool id_null = false, exists_null = false;
  Datum id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &id_null);
  bool exists = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &exists_null));
  Deployment d;
  d.n_arms = 1;
  d.model_ids[0] = id_null ? 0 : DatumGetInt64(id);
  d.cumulative[0] = 1.0;
  // A split: its arms and their cumulative weights, as arrays the SQL side built.
  bool ids_null = false, weights_null = false;
  Datum ids = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &ids_null);
  Datum weights = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &weights_null);
  if (!id_null && !ids_null && !weights_null) {
    Datum *id_values, *weight_values;
    int n_ids, n_weights;
    deconstruct_array(DatumGetArrayTypeP(ids), INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &id_values, nullptr, &n_ids);
    deconstruct_array(DatumGetArrayTypeP(weights), FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &weight_values,
                      nullptr, &n_weights);
    if (n_ids > 0 && n_ids == n_weights && n_ids <= Deployment::kMaxArms) {
      d.n_arms = n_ids;
      for (int i = 0; i < n_ids; ++i) {
        d.model_ids[i] = DatumGetInt64(id_values[i]);
        d.cumulative[i] = DatumGetFloat8(weight_values[i]);
      }
      d.cumulative[n_ids - 1] = 1.0;  // rounding never leaves a gap at the top
    }
  }
  bool shadow_null = false, rate_null = false;
  Datum shadow = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5, &shadow_null);
  Datum rate = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 6, &rate_null);
  d.shadow_model_id = shadow_null ? 0 : DatumGetInt64(shadow);
  d.log_sample_rate = rate_null ? 0 : DatumGetFloat8(rate);
  bool anyone_null = false;
  const bool exists_for_anyone =
      DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 7, &anyone_null));
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

namespace {

// fn_extra of predict_model: the model it checked and loaded, per statement and role.
struct ModelSite {
  SiteKey key;  // project unused: the model id says what was checked
  std::int64_t model_id;
  const automl::Model* model;
};

SPIPlanPtr model_access_plan[2] = {nullptr, nullptr};  // by InternalLayout

}  // namespace

const automl::Model* model_for_caller(FunctionCallInfo fcinfo, std::int64_t model_id) {
  auto* site = static_cast<ModelSite*>(fcinfo->flinfo->fn_extra);
  if (site != nullptr && site->key.matches(nullptr, model_cache().epoch()) && site->model_id == model_id)
    return site->model;
  // 42704 for an unknown id, 42501 for a model of a project the caller may not use.
  Oid types[1] = {INT8OID};
  Datum args[1] = {Int64GetDatum(model_id)};
  SPI_connect();
  const InternalLayout layout = installed_layout();
  SPIPlanPtr plan = prepare_once(&model_access_plan[static_cast<int>(layout)],
                                 for_layout("SELECT automl_internal._model_project($1)", layout).c_str(), 1, types);
  if (execute_pinned(plan, args, nullptr, true, 1) != SPI_OK_SELECT)
    elog(ERROR, "pg_automl: checking access to model %lld failed", static_cast<long long>(model_id));
  SPI_finish();
  const automl::Model* model = load_model(model_id);
  if (site == nullptr) {
    site = static_cast<ModelSite*>(MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ModelSite)));
    fcinfo->flinfo->fn_extra = site;
  }
  site->key.set(fcinfo, nullptr, model_cache().epoch());
  site->model_id = model_id;
  site->model = model;
  return model;
}

const automl::Model* load_model(std::int64_t model_id) {
  if (const automl::Model* cached = model_cache().find(model_id)) return cached;
  std::size_t size = 0;
  char* bytes = read_model_file(model_id, &size);
  const automl::Model* model = cpp_guard([&] {
    automl::Model parsed = automl::Model::parse(std::string_view(bytes, size));
    if (parsed.task() == automl::Task::Classification)
      check_labels(parsed.labels().classes().size(), "model " + std::to_string(model_id));
    return model_cache().insert(model_id, std::move(parsed));
  });
  pfree(bytes);
  return model;
}

char* read_model_file(std::int64_t model_id, std::size_t* size) {
  Oid types[1] = {INT8OID};
  Datum args[1] = {Int64GetDatum(model_id)};
  SPI_connect();
  SPIPlanPtr plan = prepare_once(&model_plan, "SELECT model FROM automl.models WHERE id = $1", 1, types);
  if (execute_pinned(plan, args, nullptr, true, 1) != SPI_OK_SELECT)
    elog(ERROR, "pg_automl: reading model %lld failed", static_cast<long long>(model_id));
  if (SPI_processed == 0)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                    errmsg("model %lld does not exist", static_cast<long long>(model_id))));
  bool is_null = false;
  Datum value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null);
  bytea* stored = DatumGetByteaPP(value);
  // Copy out of SPI's memory, which SPI_finish releases.
  *size = VARSIZE_ANY_EXHDR(stored);
  if (model_too_large(*size))
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("model %lld is %zu MB; this server loads at most %d MB (automl.max_model_mb)",
                           static_cast<long long>(model_id), *size >> 20, max_model_mb)));
  char* bytes = static_cast<char*>(SPI_palloc(*size + 1));
  std::memcpy(bytes, VARDATA_ANY(stored), *size);
  bytes[*size] = '\0';
  SPI_finish();
  return bytes;
}

Served model_for_project(FunctionCallInfo fcinfo, text* project, const text* split_key) {
  auto* site = static_cast<CallSite*>(fcinfo->flinfo->fn_extra);
  if (site == nullptr || !site->key.matches(project, model_cache().epoch())) {
    if (site == nullptr) {
      site = static_cast<CallSite*>(MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CallSite)));
      fcinfo->flinfo->fn_extra = site;
    }
    const Deployment d = deployment_of(project);
    for (int i = 0; i < d.n_arms; ++i) site->models[i] = load_model(d.model_ids[i]);
    site->shadow = d.shadow_model_id != 0 ? load_model(d.shadow_model_id) : nullptr;
    site->log = d.log_sample_rate > 0 && prediction_log_available();
    site->key.set(fcinfo, project, model_cache().epoch());
    site->deployment = d;
  }
  const Deployment& d = site->deployment;
  const int arm = choose_arm(d, split_key);
  return Served{site->models[arm], d.model_ids[arm], d.n_arms > 1 ? arm + 1 : 0, site->shadow, d.shadow_model_id,
                site->log && (d.log_sample_rate >= 1.0 || pg_prng_double(&pg_global_prng_state) < d.log_sample_rate)};
}

}  // namespace pg_automl

extern "C" {
PG_FUNCTION_INFO_V1(automl_deployments_changed);
}

// Statement trigger on automl.deployments: a relcache invalidation of the table
// reaches every backend at its next statement, and their callback drops the
// cached project → model map. No catalog query per predict call, and no
// shared_preload_libraries needed.
extern "C" Datum automl_deployments_changed(PG_FUNCTION_ARGS) {
  if (!CALLED_AS_TRIGGER(fcinfo)) elog(ERROR, "automl_deployments_changed must be called as a trigger");
  auto* data = reinterpret_cast<TriggerData*>(fcinfo->context);
  CacheInvalidateRelcacheByRelid(RelationGetRelid(data->tg_relation));
  return PointerGetDatum(nullptr);
}
