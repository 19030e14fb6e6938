// pg/postgres.hpp — PostgreSQL's C headers, included the one way C++ may see them.
//
// Files that include this are "PostgreSQL land" (extension/pg/): code there may
// elog(ERROR), which longjmps, so no C++ object with a destructor may be alive
// across such calls; C++ work that can throw goes through pg/guard.hpp. Only C
// headers and the few standard ones every pg/ file uses come in here — not Eigen,
// nlohmann or core/'s models; a file that needs those includes them first (see
// below) or, better, asks serve/ (plain C++) to do the work.
#pragma once

#ifdef PG_AUTOML_CPP_ONLY_FILE
#error "pg/postgres.hpp included in a C++-only file (serve/cpp_only.hpp)"
#endif

// C++ headers first: port.h #defines snprintf and friends, which breaks any C++
// header (nlohmann/json, Eigen, <string>) included after it. Files of pg/ include
// their C++ headers (automl/, serve/, the standard library) in a block before
// their pg/ headers.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

extern "C" {
#include "postgres.h"
// Everything else after postgres.h.
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
}
