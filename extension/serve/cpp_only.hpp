// serve/cpp_only.hpp — the compile-time wall between serve/ and PostgreSQL.
//
// serve/ is plain C++: what a predict call serves, the backend's caches, the scoring
// and the JSON answers. It may throw, it may hold std::string and std::vector, and it
// never sees PostgreSQL's headers, whose ereport longjmps over C++ destructors. Every
// serve/*.cpp includes this file last: the build fails if anything above it pulled in
// postgres.h, and pg/postgres.hpp refuses to be included after it.
#pragma once

#ifdef POSTGRES_H
#error "serve/ is C++ only, but a header included above pulls in postgres.h"
#endif

#define PG_AUTOML_CPP_ONLY_FILE 1
