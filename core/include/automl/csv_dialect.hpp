// csv_dialect.hpp — how a CSV file is spelled (delimiter, quote, escape, header) and
// the SQL column types a CSV import can create.
//
// Shared by the reader (csv_reader.hpp), the sniffer that guesses both from a sample
// (csv_sniffer.hpp) and the COPY encoder (copy_encoder.hpp). The types are the ones
// whose PostgreSQL input syntax csv_values.hpp recognises exactly; any other type a
// user asks for is the database's to check.
#pragma once

#include <optional>
#include <string_view>

namespace automl::csv {

struct Dialect {
  char delimiter = ',';
  char quote = '"';
  // Inside a quoted field: escape followed by quote or escape stands for that
  // character. Equal to quote, it is RFC 4180's doubled quote ("").
  char escape = '"';
  bool header = true;  // the first record names the columns
};

// In widening order: the sniffer picks the first type every sampled value fits.
enum class ColumnType {
  Boolean,
  Integer,
  BigInt,
  Double,
  Numeric,
  Date,
  Timestamp,
  TimestampTz,
  Text
};

// PostgreSQL's own name of the type ("double precision", "timestamp with time zone").
const char* sql_type_name(ColumnType type);

// The type a SQL type name means: the names above and their common aliases (int,
// int4, int8, float8, bool, timestamptz, …), case and spacing as a user types them.
// nullopt for any other type, including ones that only look alike (real, varchar).
std::optional<ColumnType> column_type_from_sql(std::string_view name);

}  // namespace automl::csv
