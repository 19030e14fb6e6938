// error.hpp — the one exception type core/ throws.
//
// Every failure a user can cause carries an SQLSTATE so that the extension can
// re-raise it as ereport(ERROR) with the right code and the worker can decide
// whether retrying could help. core/ knows SQLSTATEs (a SQL standard notion), not
// PostgreSQL.
#pragma once

#include <stdexcept>
#include <string>

namespace automl {

namespace sqlstate {
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kNullValueNotAllowed = "22004";
inline constexpr const char* kInvalidTextRepresentation = "22P02";
inline constexpr const char* kDataException = "22000";
inline constexpr const char* kFeatureNotSupported = "0A000";
inline constexpr const char* kUndefinedObject = "42704";
inline constexpr const char* kDataCorrupted = "XX001";
inline constexpr const char* kInternalError = "XX000";
inline constexpr const char* kQueryCanceled = "57014";
}  // namespace sqlstate

class Error : public std::runtime_error {
 public:
  Error(const char* sqlstate, const std::string& message, std::string detail = {})
      : std::runtime_error(message), sqlstate_(sqlstate), detail_(std::move(detail)) {}

  const char* sqlstate() const noexcept { return sqlstate_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  const char* sqlstate_;
  std::string detail_;
};

// Shorthand for the most common case: a value the user passed is wrong.
[[noreturn]] inline void invalid(const std::string& message, std::string detail = {}) {
  throw Error(sqlstate::kInvalidParameterValue, message, std::move(detail));
}

}  // namespace automl
