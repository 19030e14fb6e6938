// error.hpp — the one exception type core/ throws.
//
// Every failure a user can cause carries an SQLSTATE so that the extension can
// re-raise it as ereport(ERROR) with the right code and the worker can decide
// whether retrying could help. core/ knows SQLSTATEs (a SQL standard notion), not
// PostgreSQL. Like ereport, an Error has a message (what went wrong, naming the
// offending thing), an optional detail (the facts: the value, the limit) and an
// optional hint (what to do about it).
#pragma once

#include <stdexcept>
#include <string>

namespace automl {

namespace sqlstate {
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kNullValueNotAllowed = "22004";
inline constexpr const char* kInvalidTextRepresentation = "22P02";
inline constexpr const char* kBadCopyFileFormat = "22P04";
inline constexpr const char* kDataException = "22000";
inline constexpr const char* kFeatureNotSupported = "0A000";
inline constexpr const char* kUndefinedObject = "42704";
inline constexpr const char* kInsufficientPrivilege = "42501";
inline constexpr const char* kUndefinedColumn = "42703";
inline constexpr const char* kOutOfMemory = "53200";
inline constexpr const char* kProgramLimitExceeded = "54000";
inline constexpr const char* kDataCorrupted = "XX001";
inline constexpr const char* kInternalError = "XX000";
inline constexpr const char* kQueryCanceled = "57014";
}  // namespace sqlstate

class Error : public std::runtime_error {
 public:
  Error(const char* sqlstate, const std::string& message, std::string detail = {},
        std::string hint = {})
      : std::runtime_error(message),
        sqlstate_(sqlstate),
        detail_(std::move(detail)),
        hint_(std::move(hint)) {}

  const char* sqlstate() const noexcept { return sqlstate_; }
  // Facts about the failure (errdetail); empty when there are none.
  const std::string& detail() const noexcept { return detail_; }
  // What the user can do about it (errhint); empty when there is no advice.
  const std::string& hint() const noexcept { return hint_; }

 private:
  const char* sqlstate_;
  std::string detail_;
  std::string hint_;
};

// Shorthand for the most common case: a value the user passed is wrong.
[[noreturn]] inline void invalid(const std::string& message, std::string detail = {},
                                 std::string hint = {}) {
  throw Error(sqlstate::kInvalidParameterValue, message, std::move(detail), std::move(hint));
}

}  // namespace automl
