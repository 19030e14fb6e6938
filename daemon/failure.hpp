// failure.hpp — how the worker classifies a job's failure: retried, or final at once.
#pragma once

#include <pqxx/pqxx>
#include <string>

namespace automl_worker {

// _lock_claimed_job's SQLSTATE (lock_not_available): the job no longer carries our lease.
inline const std::string kClaimLost = "55P03";

// A failure that retrying cannot fix (a property of the job or its data, not of the
// moment): the job fails at once.
bool is_permanent(const std::string& sqlstate);

// The SQLSTATE of a server error. libpqxx 6.4 throws insufficient_privilege for
// 42501 without passing the code on, so sqlstate() is empty there.
std::string sqlstate_of(const pqxx::sql_error& e);

// `sqlstate` as a pointer that lives as long as the program (automl::Error keeps
// the pointer it is given); "XX000" when empty.
const char* interned_sqlstate(const std::string& sqlstate);

// libpq's message is "ERROR:  text\nDETAIL: ...\nCONTEXT: ..."; users want the text.
std::string primary_message(const std::string& what);

}  // namespace automl_worker
