// dataset.hpp — a training table as core/ sees it: typed input columns and a target.
//
// The worker fills it from PostgreSQL (COPY text format); tests fill it by hand.
// Columns keep their SQL meaning (number, boolean, category, date, array) so that
// the preprocessing fitted on them (preprocessor.hpp) can be stored in the model
// and applied again, identically, to one row at predict time. The target keeps
// the text PostgreSQL printed plus its kind, so that labels round-trip exactly.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace automl {

// The SQL type family of a target.
enum class ValueKind { Integer, Float, Boolean, Text };
const char* to_string(ValueKind kind);
ValueKind value_kind_from_string(const std::string& name);

// The SQL type family of an input column, which decides its preprocessing.
enum class ColumnType {
  Numeric,       // smallint … float8, numeric
  Boolean,       // boolean, as 0/1
  Categorical,   // text, varchar, char, enum: one-hot encoded
  Date,          // date: expanded into calendar parts
  Timestamp,     // timestamp, timestamptz (read in UTC): calendar parts and hour
  NumericArray,  // float8[], real[], int[] of one fixed length: one feature per element
};
const char* to_string(ColumnType type);
ColumnType column_type_from_string(const std::string& name);  // throws Error 22023

struct ColumnSchema {
  std::string name;
  ColumnType type = ColumnType::Numeric;
  int width = 1;         // NumericArray: elements per value (0 until known); otherwise 1
  std::string sql_type;  // as PostgreSQL names it, for messages and describe
};

// One input column, stored column-major. A NULL is NaN in `numbers`, or a set flag
// in `nulls` for categories. Dates and timestamps are seconds since 1970-01-01 UTC.
struct Column {
  ColumnSchema schema;
  std::vector<double> numbers;     // Numeric, Boolean, Date, Timestamp; NumericArray: rows × width
  std::vector<std::string> texts;  // Categorical
  std::vector<std::uint8_t> nulls;  // Categorical; NumericArray (a NULL array)
};

// Appends one value in PostgreSQL's text output (COPY text format, DateStyle ISO,
// TimeZone UTC) to a column; `row` (1-based) is only for messages. NaN is a NULL;
// infinity and unparsable text throw Error 22P02/22023 naming the column and row.
// An array column takes its width from its first non-NULL value (schema.width 0).
void append_value(Column& column, std::string_view text, bool is_null, long long row);

// Clustering data has no target: target_name and target stay empty, and the columns
// alone say how many rows there are.
struct Dataset {
  std::vector<Column> columns;
  std::string target_name;
  ValueKind target_kind = ValueKind::Float;
  std::vector<std::string> target;  // one value per row, as PostgreSQL prints it
  // train(..., split_column): one per row, 1 for a row held out for evaluation and 0
  // for a training row; empty when the trainer splits by test_size.
  std::vector<std::uint8_t> held_out;

  // One per target value; without a target, the length of the first column.
  Eigen::Index rows() const;

  // A dataset of numeric columns, one per column of X (tests, float8[] callers); an
  // empty target for clustering.
  static Dataset numeric(const Eigen::MatrixXd& X, const std::vector<std::string>& names,
                         std::string target_name, ValueKind target_kind,
                         std::vector<std::string> target);
};

}  // namespace automl
