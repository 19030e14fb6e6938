// connection.hpp — what every role's connection shares: opening it with backoff, and
// telling "pg_automl is not installed" apart from other errors.
#pragma once

#include <atomic>
#include <exception>
#include <memory>
#include <pqxx/pqxx>
#include <string>

namespace automl_worker {

// Opens a connection, retrying with exponential backoff (capped at 10 s) until it
// works or `stopping` is raised (then nullptr). `purpose` names it in the log.
std::unique_ptr<pqxx::connection> connect(const std::string& dsn, const std::atomic<bool>& stopping,
                                          const char* purpose);

// An error that means pg_automl is not (or no longer) installed in the database:
// its schema or functions are missing, e.g. between DROP and CREATE EXTENSION.
bool extension_missing(const std::exception& e);

}  // namespace automl_worker
