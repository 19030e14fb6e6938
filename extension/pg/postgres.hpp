// pg/postgres.hpp — PostgreSQL's C headers, included the one way C++ may see them.
//
// Files that include this are "PostgreSQL land": code there may elog(ERROR), which
// longjmps, so no C++ object with a destructor may be alive across such calls.
// C++ work that can throw goes through guard.hpp.
#pragma once

// C++ headers first: port.h #defines snprintf and friends, which breaks any
// C++ header (nlohmann/json, Eigen, <string>) included after it.
#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <string>

#include "automl/error.hpp"
#include "automl/metrics.hpp"
#include "automl/model.hpp"
#include "automl/train_spec.hpp"

extern "C" {
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "storage/proc.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "lib/stringinfo.h"
}
