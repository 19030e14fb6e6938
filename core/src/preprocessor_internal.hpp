// preprocessor_internal.hpp — what the preprocessor's phases (options, fit, apply,
// storage) share and nobody else needs: the one-hot names of imputed and rare
// categories, the width of calendar expansions and the wording of type errors.
#pragma once

#include <string>

#include "automl/dataset.hpp"
#include "automl/error.hpp"

namespace automl::preprocessor_internal {

inline constexpr const char* kOther = "__other__";
inline constexpr const char* kMissing = "__missing__";
// Calendar parts, in output order; Date uses the first six, Timestamp all seven.
inline constexpr const char* kCalendarParts[] = {"year", "month",      "day", "dow",
                                                 "doy",  "epoch_days", "hour"};

// Outputs per element of a column before one-hot expansion: calendar parts or 1.
inline int parts_per_value(ColumnType type) {
  return type == ColumnType::Date ? 6 : type == ColumnType::Timestamp ? 7 : 1;
}

inline std::string in_quotes(const std::string& name) { return "\"" + name + "\""; }

[[noreturn]] inline void wrong_type(const ColumnSchema& c, const std::string& expected,
                                    const std::string& got) {
  throw Error(sqlstate::kInvalidTextRepresentation,
              "feature " + in_quotes(c.name) + " must be " + expected + ", got " + got);
}

}  // namespace automl::preprocessor_internal
