// pg/spi_plan.hpp — SPI plans prepared once per backend and kept for its lifetime.
#pragma once

#include "pg/postgres.hpp"

namespace pg_automl {

// Prepares `sql` into *slot on first use (SPI must be connected); raises on failure.
inline SPIPlanPtr prepare_once(SPIPlanPtr* slot, const char* sql, int nargs, Oid* types) {
  if (*slot == nullptr) {
    SPIPlanPtr plan = SPI_prepare(sql, nargs, types);
    if (plan == nullptr) elog(ERROR, "pg_automl: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    SPI_keepplan(plan);
    *slot = plan;
  }
  return *slot;
}

}  // namespace pg_automl
