// pg/spi_plan.hpp — SPI plans prepared once per backend and kept for its lifetime.
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
    if (plan == nullptr) elog(ERROR, "pg_automl: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    SPI_keepplan(plan);
    *slot = plan;
  }
  return *slot;
}

// SPI_execute_plan under the pinned search_path: a caller's search_path never
// rebinds a name or an operator in the extension's own SQL.
inline int execute_pinned(SPIPlanPtr plan, Datum* args, const char* nulls, bool read_only, long count) {
  const int level = enter_pinned_search_path();
  const int rc = SPI_execute_plan(plan, args, nulls, read_only, count);
  leave_pinned_search_path(level);
  return rc;
}

}  // namespace pg_automl
