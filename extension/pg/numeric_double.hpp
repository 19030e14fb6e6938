// pg/numeric_double.hpp — a numeric as float8, exactly as numeric_float8 rounds it,
// without its detour through text for the numbers jsonb usually holds.
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "utils/numeric.h"
}

namespace pg_automl {

double numeric_to_double(Numeric n);

}  // namespace pg_automl
