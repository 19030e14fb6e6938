// pg/spi.hpp — the extension's own SPI queries: plans prepared once per backend and
// kept for its lifetime, run under the pinned search_path.
#pragma once

#include "pg/postgres.hpp"
#include "pg/run_as.hpp"

namespace pg_automl {

// Prepares `sql` into *slot on first use (SPI must be connected); raises on failure.
// Analysed under the pinned search_path; execute it with execute_pinned, since a
// cached plan is analysed again under whatever search_path is current when it runs.
inline SPIPlanPtr prepare_once(SPIPlanPtr* slot, const char* sql, int nargs, Oid* types) {
  if (*slot == nullptr) {
    const int level = enter_pinned_search_path();
    SPIPlanPtr plan = SPI_prepare(sql, nargs, types);
    leave_pinned_search_path(level);
    if (plan == nullptr)
      elog(ERROR, "pg_automl: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    SPI_keepplan(plan);
    *slot = plan;
  }
  return *slot;
}

// SPI_execute_plan under the pinned search_path: a caller's search_path never
// rebinds a name or an operator in the extension's own SQL.
inline int execute_pinned(SPIPlanPtr plan, Datum* args, const char* nulls, bool read_only,
                          long count) {
  const int level = enter_pinned_search_path();
  const int rc = SPI_execute_plan(plan, args, nulls, read_only, count);
  leave_pinned_search_path(level);
  return rc;
}

// One catalog read: connects SPI, runs the SELECT in *slot (prepared from `sql` on
// first use) with `args`, for at most one row, and raises naming `what` when it
// fails. The caller reads SPI_tuptable / SPI_processed, then calls SPI_finish.
inline void select_one_row(SPIPlanPtr* slot, const char* sql, int nargs, Oid* types, Datum* args,
                           bool read_only, const char* what) {
  SPI_connect();
  SPIPlanPtr plan = prepare_once(slot, sql, nargs, types);
  if (execute_pinned(plan, args, nullptr, read_only, 1) != SPI_OK_SELECT)
    elog(ERROR, "pg_automl: %s failed", what);
}

// Column `column` (1-based) of the first row SPI returned; *is_null set.
inline Datum spi_value(int column, bool* is_null) {
  return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, is_null);
}

}  // namespace pg_automl
