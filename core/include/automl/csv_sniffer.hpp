// csv_sniffer.hpp — guesses a CSV file's dialect, header and column types from its
// first bytes, the way DuckDB's sniffer does, and says why in plain sentences.
//
// The rules, in the order they are applied:
// - Dialect. Every candidate (delimiter , ; TAB |, quote " or ', escape the quote
//   itself or a backslash; a choice given in SniffOptions is not guessed) reads the
//   sample. The winner has the most records with its most common field count; ties
//   go to more fields, then to the order above. A candidate whose most common count
//   is 1 wins only when every candidate's is. A candidate that cannot read the
//   sample (a quote still open at the end of a whole file) is out. Records with
//   another field count are left out of everything below.
// - Column types. A column's type is the first of boolean < integer < bigint <
//   double precision < date < timestamp < timestamptz that every non-NULL sampled
//   value fits (numeric instead of double precision when a value has more than 15
//   significant digits or is beyond float8); no non-NULL value, or none fits: text.
//   csv_values.hpp decides what fits.
// - NULL. An unquoted empty field is NULL in every column; a quoted empty one ("")
//   is an empty string in a text column and NULL in a typed one. The spellings in
//   kNullSpellings (NULL, NA, N/A, \N, None, nil, -, …) are NULL only in a column
//   they would otherwise keep from being typed — an integer column with NA in it is
//   integer with NA as NULL, a text column keeps NA as text, and a double column
//   keeps NaN as a number — and are listed in that column's null_spellings. Given
//   SniffOptions::null_spellings replace that guess: those, and only those, are NULL
//   in every column.
// - Header (unless given). Column types are guessed from the records after the
//   first. The first record is a header when one of its values does not fit its
//   column's guessed type (and is not NULL). When it fits every typed column, it is
//   data. When no column is typed: a header when its values are non-empty, distinct
//   and not every one of them also appears below it in its column.
// - Names. From the header: trimmed, empty ones column<N> (1-based), cut to 63
//   bytes (PostgreSQL's identifier limit) at a UTF-8 boundary, duplicates suffixed
//   _2, _3, …; without a header column1 … columnN.
//
// The sample is the file's first bytes (up to about 1 MiB). When it is not the whole
// file, its last record may be cut and is ignored. A sample without one complete
// record gives no columns; dialect_reason says so.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "automl/csv_dialect.hpp"

namespace automl::csv {

// The spellings of NULL a column may have (see NULL above), in the order they are
// listed in ColumnGuess::null_spellings.
extern const std::vector<std::string> kNullSpellings;

struct SniffOptions {
  std::optional<char> delimiter, quote, escape;
  std::optional<bool> header;
  // When given, these spellings are NULL in every column (and nothing else is guessed).
  std::optional<std::vector<std::string>> null_spellings;
  std::size_t sample_records = 20000;  // data records looked at, after the header
};

struct ColumnGuess {
  std::string name;
  ColumnType type;
  std::vector<std::string> null_spellings;  // besides the unquoted empty field
  std::string reason;  // "integer: all 4,998 sampled values are whole numbers within int4"
};

struct Sniffed {
  Dialect dialect;
  std::vector<ColumnGuess> columns;
  // Why this delimiter and quote, and why (no) header: "…; header: first row 'price'
  // is not a double precision like the 4,999 rows below".
  std::string dialect_reason;
};

Sniffed sniff(std::string_view sample, bool sample_is_whole_file, const SniffOptions& options = {});

// Column names from header fields as the rules above make them (count columns;
// missing header fields are named as empty ones). Also for a caller that has names
// of its own to clean up.
std::vector<std::string> column_names(const std::vector<std::string>& header, std::size_t count);

}  // namespace automl::csv
