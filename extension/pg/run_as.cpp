// pg/run_as.cpp — see run_as.hpp.
#include "pg/run_as.hpp"

#include "pg/spi.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/syscache.h"
}

namespace pg_automl {
namespace {

void set_local(const char* name, const char* value) {
  (void)set_config_option(name, value, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

}  // namespace

SavedIdentity enter_restricted(Oid user, const char* search_path) {
  SavedIdentity saved{};
  GetUserIdAndSecContext(&saved.user, &saved.sec_context);
  SetUserIdAndSecContext(
      user, saved.sec_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
  saved.guc_level = NewGUCNestLevel();
  set_local("search_path", search_path);
  return saved;
}

void leave_restricted(const SavedIdentity& saved) {
  AtEOXact_GUC(false, saved.guc_level);  // roll back whatever the query set
  SetUserIdAndSecContext(saved.user, saved.sec_context);
}

SavedIdentity enter_owner_of(Oid fn) {
  HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
  if (!HeapTupleIsValid(tuple)) elog(ERROR, "pg_automl: cache lookup failed for function %u", fn);
  const Oid owner = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple))->proowner;
  ReleaseSysCache(tuple);
  SavedIdentity saved{};
  GetUserIdAndSecContext(&saved.user, &saved.sec_context);
  SetUserIdAndSecContext(owner, saved.sec_context | SECURITY_LOCAL_USERID_CHANGE);
  saved.guc_level = NewGUCNestLevel();
  set_local("search_path", kPinnedSearchPath);
  return saved;
}

void leave_owner(const SavedIdentity& saved) {
  AtEOXact_GUC(true, saved.guc_level);
  SetUserIdAndSecContext(saved.user, saved.sec_context);
}

Datum caller_name() {
  return DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(GetUserId(), false)));
}

Datum query_one_as_owner(Oid fn, SPIPlanPtr* slot, const char* sql, int nargs, Oid* types,
                         Datum* args, const char* nulls, bool read_only, bool* is_null) {
  const SavedIdentity saved = enter_owner_of(fn);
  SPI_connect();
  SPIPlanPtr plan = prepare_once(slot, sql, nargs, types);
  // No row count: with one, the executor would stop at the first row, and an INSERT …
  // RETURNING would never fire its AFTER STATEMENT triggers (the deployment
  // invalidation every backend waits for).
  if (SPI_execute_plan(plan, args, nulls, read_only, 0) < 0 || SPI_processed != 1)
    elog(ERROR, "pg_automl: \"%s\" did not return one row", sql);
  Datum value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, is_null);
  const Form_pg_attribute column = TupleDescAttr(SPI_tuptable->tupdesc, 0);
  if (!*is_null) value = SPI_datumTransfer(value, column->attbyval, column->attlen);
  SPI_finish();
  leave_owner(saved);
  return value;
}

int enter_pinned_search_path() {
  const int level = NewGUCNestLevel();
  set_local("search_path", kPinnedSearchPath);
  return level;
}

void leave_pinned_search_path(int level) { AtEOXact_GUC(true, level); }

}  // namespace pg_automl
