// copy_encoder.hpp — one CSV record as one line of PostgreSQL COPY text format, or
// the reason the row cannot be loaded.
//
// A CSV import sends COPY … FROM STDIN in text format, where a single bad value fails
// the whole load. The encoder checks each value against its column first, with the
// same recognisers the sniffer typed the column by (csv_values.hpp), so a row it
// passes loads and a row it refuses can be counted, reported and skipped by the
// caller instead. Per field:
// - unquoted empty → NULL (\N) in every column; quoted empty ("") → the empty
//   string in a text column (or one of a type this library does not know), NULL in
//   a typed one;
// - a column's null_spellings → NULL: in typed columns compared after trimming the
//   surrounding white space (an all-space value is NULL there too), elsewhere as is;
// - typed columns: trimmed, checked, booleans written as t/f, the rest as given;
//   text columns keep their spaces; columns of an unknown type are passed as given
//   for the database to check;
// - every value must be valid UTF-8 without NUL bytes; backslash, tab, LF and CR are
//   written as \\ \t \n \r.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "automl/csv_dialect.hpp"
#include "automl/csv_reader.hpp"

namespace automl::csv {

struct ColumnSpec {
  std::string name;
  // nullopt: a type this library does not know (the database checks it).
  std::optional<ColumnType> type;
  std::vector<std::string> null_spellings;
};

struct RowError {
  int column;          // 0-based; -1: the whole row
  std::string reason;  // "has 3 fields, 4 expected", "'abc' is not an integer"
};

class CopyEncoder {
 public:
  explicit CopyEncoder(std::vector<ColumnSpec> columns);

  // Appends the record and its line end to `out`, or returns why not and leaves
  // `out` as it was.
  std::optional<RowError> encode(const std::vector<Field>& fields, std::string& out);

  const std::vector<ColumnSpec>& columns() const { return columns_; }

 private:
  std::optional<std::string> encode_field(const ColumnSpec& column, const Field& field,
                                          std::string& out) const;

  std::vector<ColumnSpec> columns_;
};

}  // namespace automl::csv
