// pg/call_site.cpp — fn_extra of the predict functions (see call_site.hpp).
#include <type_traits>

#include "serve/model_cache.hpp"
#include "serve/served.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/call_site.hpp"
#include "pg/deployments.hpp"
#include "pg/internal_schema.hpp"
#include "pg/model_files.hpp"
#include "pg/named_features.hpp"
#include "pg/prediction_log.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/pg_prng.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
}

namespace pg_automl {

static_assert(std::is_same_v<TimestampTz, decltype(SiteIdentity::statement_start)>);
static_assert(std::is_same_v<LocalTransactionId, decltype(SiteIdentity::transaction)>);
static_assert(std::is_same_v<Oid, decltype(SiteIdentity::user)>);

namespace {

// What fn_extra holds for one predict call site. Plain data: it lives in palloc'd
// memory that PostgreSQL frees without running destructors.
struct CallSite {
  SiteKey key;
  Deployment deployment;
  const automl::Model* models[Deployment::kMaxArms];
  const automl::Model* shadow;
  bool log;  // the project logs and this backend can
  // How this site reads its named-feature argument for each model (named_features.cpp);
  // emptied on every resolution, so it never outlives the models it was made for.
  void* feature_readers;
  // Whether its features argument is a table row: 0 not asked yet, 1 a row, 2 not.
  // The expression fixes the type, so the catalog is asked once per site.
  int row_argument;
};

// fn_extra of predict_model: the model it checked and loaded, per statement and role.
struct ModelSite {
  SiteKey key;  // no project: the model id says what was checked
  std::int64_t model_id;
  const automl::Model* model;
};

#define MODEL_PROJECT_SQL(schema) "SELECT " schema "._model_project($1)"
const char* const kModelProjectSql[2] = AUTOML_BY_LAYOUT(MODEL_PROJECT_SQL);
SPIPlanPtr model_access_plan[2] = {nullptr, nullptr};  // by InternalLayout

template <typename Site>
Site* site_of(FunctionCallInfo fcinfo) {
  if (fcinfo->flinfo->fn_extra == nullptr)
    fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(Site));
  return static_cast<Site*>(fcinfo->flinfo->fn_extra);
}

// The draw that picks an arm: the split key's hash when given, else at random.
double arm_draw(const text* split_key) {
  if (split_key == nullptr) return pg_prng_double(&pg_global_prng_state);
  const auto* bytes = reinterpret_cast<const unsigned char*>(VARDATA_ANY(split_key));
  const int length = static_cast<int>(VARSIZE_ANY_EXHDR(split_key));
  return static_cast<double>(DatumGetUInt32(hash_any(bytes, length))) / 4294967296.0;
}

// Resolves the site for `project`: its deployment and every model it may run.
void resolve(CallSite* site, FunctionCallInfo fcinfo, text* project) {
  const Deployment d = deployment_of(project);
  for (int i = 0; i < d.n_arms; ++i) site->models[i] = load_model(d.model_ids[i]);
  site->shadow = d.shadow_model_id != 0 ? load_model(d.shadow_model_id) : nullptr;
  site->log = d.log_sample_rate > 0 && prediction_log_available();
  set_site_key(&site->key, fcinfo, project, models_epoch());
  site->deployment = d;
  release_feature_readers(site->feature_readers);
  site->feature_readers = nullptr;
}

}  // namespace

SiteIdentity current_site_identity(std::uint64_t epoch) {
  return SiteIdentity{GetCurrentStatementStartTimestamp(), MyProc->lxid, GetUserId(), epoch};
}

bool site_matches(const SiteKey& key, const text* project, std::uint64_t epoch) {
  const SiteIdentity now = current_site_identity(epoch);
  if (project == nullptr) return key.matches(now, nullptr, 0);
  return key.matches(now, VARDATA_ANY(project), VARSIZE_ANY_EXHDR(project));
}

void set_site_key(SiteKey* key, FunctionCallInfo fcinfo, const text* project, std::uint64_t epoch) {
  key->identity = current_site_identity(epoch);
  if (key->project != nullptr) pfree(key->project);
  key->project = nullptr;
  key->project_length = 0;
  if (project != nullptr) {
    key->project_length = VARSIZE_ANY_EXHDR(project);
    key->project =
        static_cast<char*>(MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, key->project_length + 1));
    std::memcpy(key->project, VARDATA_ANY(project), key->project_length);
  }
}

Served model_for_project(FunctionCallInfo fcinfo, text* project, const text* split_key) {
  auto* site = site_of<CallSite>(fcinfo);
  if (!site_matches(site->key, project, models_epoch())) resolve(site, fcinfo, project);
  const Deployment& d = site->deployment;
  const int arm = d.n_arms == 1 ? 0 : choose_arm(d, arm_draw(split_key));
  const double rate = d.log_sample_rate;
  const bool log =
      site->log && sampled(rate, rate >= 1.0 ? 0.0 : pg_prng_double(&pg_global_prng_state));
  return Served{site->models[arm], d.model_ids[arm],  d.n_arms > 1 ? arm + 1 : 0,
                site->shadow,      d.shadow_model_id, log};
}

void** feature_reader_slot(FunctionCallInfo fcinfo) {
  return &site_of<CallSite>(fcinfo)->feature_readers;
}

bool features_are_a_row(FunctionCallInfo fcinfo) {
  auto* site = site_of<CallSite>(fcinfo);
  if (site->row_argument == 0) {
    const Oid type = get_fn_expr_argtype(fcinfo->flinfo, 1);
    site->row_argument = type != JSONBOID && type_is_rowtype(type) ? 1 : 2;
  }
  return site->row_argument == 1;
}

const automl::Model* model_for_caller(FunctionCallInfo fcinfo, std::int64_t model_id) {
  auto* site = site_of<ModelSite>(fcinfo);
  if (site->model != nullptr && site->model_id == model_id &&
      site_matches(site->key, nullptr, models_epoch()))
    return site->model;
  // 42704 for an unknown id, 42501 for a model of a project the caller may not use.
  Oid types[1] = {INT8OID};
  Datum args[1] = {Int64GetDatum(model_id)};
  const int layout = layout_index(installed_layout());
  select_one_row(&model_access_plan[layout], kModelProjectSql[layout], 1, types, args, true,
                 "checking access to a model");
  SPI_finish();
  const automl::Model* model = load_model(model_id);
  set_site_key(&site->key, fcinfo, nullptr, models_epoch());
  site->model_id = model_id;
  site->model = model;
  return model;
}

}  // namespace pg_automl
