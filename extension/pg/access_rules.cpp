// pg/access_rules.cpp — the access rules, decided for the role that calls.
//
// The rules read automl.projects and project_grants, which row-level security
// protects, so they must run with more rights than the caller: as the extension's
// owner. A SECURITY DEFINER function cannot tell who called it (current_user is
// its owner inside), and a role passed as an argument can be anybody's. These C
// functions read the caller's id first, then run the definer-side rule as the
// owner, for that id only. They are what policies and functions call; the
// role-taking rules behind them are for the worker and the owner alone.
#include "pg/guard.hpp"
#include "pg/postgres.hpp"
#include "pg/run_as.hpp"

extern "C" {
#include "miscadmin.h"
#include "utils/acl.h"
}

namespace pg_automl {
namespace {

SPIPlanPtr can_plan = nullptr, projects_plan = nullptr, can_job_plan = nullptr;

// Evaluates a rule with the caller's name as $1, as the owner of the calling function.
Datum rule_for_caller(FunctionCallInfo fcinfo, SPIPlanPtr* slot, const char* sql, int nargs,
                      Oid* types, Datum* args, bool* is_null) {
  args[0] = caller_name();
  return query_one_as_owner(fcinfo->flinfo->fn_oid, slot, sql, nargs, types, args, nullptr, true,
                            is_null);
}

}  // namespace

// automl_admin and automl_worker see every project.
AUTOML_FUNCTION(automl_caller_sees_all) {
  const Oid me = GetUserId();
  const Oid admin = get_role_oid("automl_admin", true),
            worker = get_role_oid("automl_worker", true);
  PG_RETURN_BOOL((OidIsValid(admin) && is_member_of_role(me, admin)) ||
                 (OidIsValid(worker) && is_member_of_role(me, worker)));
}

// _can(project, need): may the caller use the project at that level?
AUTOML_FUNCTION(automl_caller_can) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) PG_RETURN_BOOL(false);
  Oid types[3] = {NAMEOID, TEXTOID, TEXTOID};
  Datum args[3] = {0, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)};
  bool is_null = false;
  Datum v = rule_for_caller(fcinfo, &can_plan, "SELECT automl_internal._can($2, $3, $1)", 3, types,
                            args, &is_null);
  PG_RETURN_BOOL(!is_null && DatumGetBool(v));
}

// _projects_for(need): every project the caller may use at that level.
AUTOML_FUNCTION(automl_caller_projects) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  Oid types[2] = {NAMEOID, TEXTOID};
  Datum args[2] = {0, PG_GETARG_DATUM(0)};
  bool is_null = false;
  Datum v = rule_for_caller(fcinfo, &projects_plan, "SELECT automl_internal._projects_for($1, $2)",
                            2, types, args, &is_null);
  if (is_null) PG_RETURN_NULL();
  PG_RETURN_DATUM(v);
}

// _can_job(job_id): is the caller the job's submitter or a manager of its project?
AUTOML_FUNCTION(automl_caller_can_job) {
  if (PG_ARGISNULL(0)) PG_RETURN_BOOL(false);
  Oid types[2] = {NAMEOID, INT8OID};
  Datum args[2] = {0, PG_GETARG_DATUM(0)};
  bool is_null = false;
  Datum v = rule_for_caller(fcinfo, &can_job_plan, "SELECT automl_internal._can_job($2, $1)", 2,
                            types, args, &is_null);
  PG_RETURN_BOOL(!is_null && DatumGetBool(v));
}

}  // namespace pg_automl
