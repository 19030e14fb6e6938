// csv_dialect.cpp — SQL names of the CSV column types, both ways.
#include "automl/csv_dialect.hpp"

#include <cctype>
#include <string>

namespace automl::csv {
namespace {

// Lower case, surrounding space dropped, inner runs of space as one: the form in
// which "Double  Precision" and "double precision" are the same name.
std::string normalised(std::string_view name) {
  std::string out;
  bool space = false;
  for (const char c : name) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

struct Alias {
  const char* name;
  ColumnType type;
};

// Only exact equivalents: a typmod (numeric(10,2), timestamp(3)) or a near relative
// (real, smallint, varchar) restricts values in ways the recognisers do not check.
constexpr Alias kAliases[] = {
    {"boolean", ColumnType::Boolean},
    {"bool", ColumnType::Boolean},
    {"integer", ColumnType::Integer},
    {"int", ColumnType::Integer},
    {"int4", ColumnType::Integer},
    {"bigint", ColumnType::BigInt},
    {"int8", ColumnType::BigInt},
    {"double precision", ColumnType::Double},
    {"float8", ColumnType::Double},
    {"float", ColumnType::Double},
    {"numeric", ColumnType::Numeric},
    {"decimal", ColumnType::Numeric},
    {"date", ColumnType::Date},
    {"timestamp", ColumnType::Timestamp},
    {"timestamp without time zone", ColumnType::Timestamp},
    {"timestamptz", ColumnType::TimestampTz},
    {"timestamp with time zone", ColumnType::TimestampTz},
    {"text", ColumnType::Text},
};

}  // namespace

const char* sql_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::Boolean:
      return "boolean";
    case ColumnType::Integer:
      return "integer";
    case ColumnType::BigInt:
      return "bigint";
    case ColumnType::Double:
      return "double precision";
    case ColumnType::Numeric:
      return "numeric";
    case ColumnType::Date:
      return "date";
    case ColumnType::Timestamp:
      return "timestamp without time zone";
    case ColumnType::TimestampTz:
      return "timestamp with time zone";
    case ColumnType::Text:
      return "text";
  }
  return "text";
}

std::optional<ColumnType> column_type_from_sql(std::string_view name) {
  const std::string key = normalised(name);
  for (const Alias& alias : kAliases)
    if (key == alias.name) return alias.type;
  return std::nullopt;
}

}  // namespace automl::csv
