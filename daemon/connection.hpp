// connection.hpp — what every role's connection shares: opening it with backoff under
// a recognisable application_name, and telling "pg_automl is not installed" apart
// from other errors.
#pragma once

#include <atomic>
#include <exception>
#include <memory>
#include <pqxx/pqxx>
#include <string>

namespace automl_worker {

// Opens a connection, retrying with exponential backoff (capped at 10 s) until it
// works or `stopping` is raised (then nullptr). `purpose` names it in the log and,
// with `worker`, in pg_stat_activity: application_name "automl-worker <purpose> <worker>".
std::unique_ptr<pqxx::connection> connect(const std::string& dsn, const std::atomic<bool>& stopping,
                                          const char* purpose, const std::string& worker);

// `dsn` (a conninfo string, a URI, or "" for the PG* variables) as a conninfo string
// with fallback_application_name `name`: set from the connection's first query, while
// an application_name of the dsn (or PGAPPNAME) still wins. A dsn libpq cannot parse
// comes back unchanged, for libpq to report when connecting.
std::string with_application_name(const std::string& dsn, const std::string& name);

// An error that means pg_automl is not (or no longer) installed in the database:
// its schema or functions are missing, e.g. between DROP and CREATE EXTENSION.
bool extension_missing(const std::exception& e);

}  // namespace automl_worker
