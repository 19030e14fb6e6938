// model_catalog.hpp — finding models in the automl tables (PostgreSQL land).
#pragma once

#include <cstdint>

#include "automl/model.hpp"
#include "pg/postgres.hpp"

namespace pg_automl {

// What serves a project now: one model, or the arms of an A/B split with their
// cumulative weights; a shadow model; the share of calls logged.
// Raises 42704 for an unknown project or one without a deployment.
struct Deployment {
  static constexpr int kMaxArms = 8;
  int n_arms = 0;
  std::int64_t model_ids[kMaxArms] = {};
  double cumulative[kMaxArms] = {};
  std::int64_t shadow_model_id = 0;  // 0: none
  double log_sample_rate = 0;
};
Deployment deployment_of(text* project);

// The same without raising for a project that is unknown or has nothing deployed
// (automl.tag then uses its rules); another tenant's project still raises 42501.
enum class DeploymentStatus { Deployed, NoDeployment, NoProject };
DeploymentStatus find_deployment(text* project, Deployment* out);

// What fn_extra caches is valid for one statement, transaction and role (SET ROLE
// or a SECURITY DEFINER caller re-resolves), while the cache it points into keeps
// its epoch, and for one project. Plain data: fn_extra is freed without destructors.
struct SiteKey {
  TimestampTz statement_start;
  LocalTransactionId transaction;
  Oid user;
  std::uint64_t cache_epoch;
  text* project;  // copy in fn_mcxt

  bool matches(const text* project_now, std::uint64_t epoch_now) const;
  void set(FunctionCallInfo fcinfo, const text* project_now, std::uint64_t epoch_now);
};

// The stored bytes of a model (palloc'd, `*size` set); 42704 for an unknown id.
char* read_model_file(std::int64_t model_id, std::size_t* size);

// Registers the relcache callback that invalidates the project → model map (_PG_init).
void register_deployment_invalidation();

// The model predict_model(id) may use: checked once per statement and role
// (42704 unknown, 42501 another tenant's), then kept in fn_extra.
const automl::Model* model_for_caller(FunctionCallInfo fcinfo, std::int64_t model_id);

// The parsed model with this id, from the backend cache or read and parsed once.
// No access check: callers have resolved it through a deployment or model_for_caller.
const automl::Model* load_model(std::int64_t model_id);

// What one predict call runs.
struct Served {
  const automl::Model* model;   // answers
  std::int64_t model_id;
  int arm;                      // 1-based arm of an A/B split, 0 without a split
  const automl::Model* shadow;  // runs beside it and never answers; nullptr when none
  std::int64_t shadow_id;
  bool log;                     // this call is sampled for automl.prediction_log
};

// What a predict call site should use: resolved once per statement and kept in
// fn_extra, so a deployment committed elsewhere is served from the next statement
// on, without a catalog query per row.
// With an A/B split, each call picks an arm: by split_key's hash when given, else at random.
Served model_for_project(FunctionCallInfo fcinfo, text* project, const text* split_key = nullptr);

}  // namespace pg_automl
