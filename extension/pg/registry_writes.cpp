// pg/registry_writes.cpp — the only way a tenant's session writes automl.models and
// automl.deployments.
//
// Tenants hold no INSERT on either table: a row written by hand could claim what
// its model file is not, or name models the tenant may not use. The extension's
// functions (deploy*, import_model) write through these C functions, which check that
// the *calling* role manages the project — a SECURITY DEFINER function could not
// tell who called it — and then insert as the extension's owner, recording the
// caller as the row's author. Called directly, they apply the same check.
#include "pg/guard.hpp"
#include "pg/postgres.hpp"
#include "pg/run_as.hpp"

extern "C" {
#include "miscadmin.h"
}

namespace pg_automl {
namespace {

SPIPlanPtr manages_plan = nullptr, deployment_plan = nullptr, model_plan = nullptr;

// Inserts with the function's arguments as $1 … $n-1 (the first is the project)
// and the caller's name as $n, as the owner of the function, after checking that
// the caller may manage the project; returns the new row's id.
Datum insert_for_manager(FunctionCallInfo fcinfo, SPIPlanPtr* slot, const char* sql, int nargs,
                         Oid* types) {
  if (PG_ARGISNULL(0))
    ereport(ERROR,
            (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("the project must not be NULL")));
  Datum* args = static_cast<Datum*>(palloc(sizeof(Datum) * nargs));
  char* nulls = static_cast<char*>(palloc(nargs + 1));
  for (int i = 0; i < nargs - 1; ++i) {
    nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
    args[i] = PG_ARGISNULL(i) ? Datum(0) : PG_GETARG_DATUM(i);
  }
  args[nargs - 1] = caller_name();
  nulls[nargs - 1] = ' ';
  nulls[nargs] = '\0';
  const Oid fn = fcinfo->flinfo->fn_oid;
  Oid check_types[2] = {TEXTOID, NAMEOID};
  Datum check_args[2] = {args[0], args[nargs - 1]};
  bool is_null = false;
  const Datum may =
      query_one_as_owner(fn, &manages_plan, "SELECT automl_internal._can($1, 'manage', $2)", 2,
                         check_types, check_args, nullptr, true, &is_null);
  if (is_null || !DatumGetBool(may))
    ereport(ERROR,
            (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
             errmsg("permission denied for project \"%s\"", TextDatumGetCString(args[0])),
             errdetail("%s needs \"manage\" on it.", NameStr(*DatumGetName(args[nargs - 1])))));
  return query_one_as_owner(fn, slot, sql, nargs, types, args, nulls, false, &is_null);
}

}  // namespace

// _insert_deployment(project, model_id, strategy, previous_id, arms, shadow_model_id)
AUTOML_FUNCTION(automl_insert_deployment) {
  Oid types[7] = {TEXTOID, INT8OID, TEXTOID, INT8OID, JSONBOID, INT8OID, NAMEOID};
  return insert_for_manager(
      fcinfo, &deployment_plan,
      "INSERT INTO automl.deployments (project, model_id, strategy, previous_id, arms,"
      " shadow_model_id, deployed_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      7, types);
}

// _insert_model(project, version, model, metrics, info): import_model's row, its
// catalogue columns derived from the file by the serving parser (_model_summary), so
// the row describes what will serve whoever calls.
AUTOML_FUNCTION(automl_insert_model) {
  Oid types[6] = {TEXTOID, INT4OID, BYTEAOID, JSONBOID, JSONBOID, NAMEOID};
  return insert_for_manager(
      fcinfo, &model_plan,
      "INSERT INTO automl.models (project, version, algorithm, task, hyperparams, metrics, "
      "feature_names,"
      " feature_version, target, classes, format_version, model, info, created_by)"
      " SELECT $1, $2, s.doc ->> 'algorithm', s.doc ->> 'task', s.doc -> 'hyperparams', "
      "coalesce($4, '{}'),"
      "        ARRAY(SELECT jsonb_array_elements_text(s.doc -> 'feature_names')), s.doc ->> "
      "'feature_version',"
      "        s.doc ->> 'target',"
      "        CASE WHEN jsonb_typeof(s.doc -> 'classes') = 'array'"
      "             THEN ARRAY(SELECT jsonb_array_elements_text(s.doc -> 'classes')) END,"
      "        (convert_from($3, 'UTF8')::jsonb ->> 'format_version')::integer, $3, coalesce($5, "
      "'{}'), $6"
      "   FROM automl_internal._model_summary($3) AS s(doc)"
      " RETURNING id",
      6, types);
}

}  // namespace pg_automl
