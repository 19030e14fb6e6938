// csv_values.hpp — recognisers for the text of CSV values, one per column type.
//
// A CSV import creates typed columns and loads them with COPY, which fails the
// whole load on the first value its input function refuses. So each recogniser here
// accepts only text that PostgreSQL 15's input function accepts for that type (and
// csv_values_test.cpp checks the cases against a real server): a value we pass never
// fails in COPY. Each accepts a subset — only the spellings files actually use, and
// never one whose meaning depends on a setting: 01/02/2023 is January or February
// by DateStyle, so it is not a date here; it stays text.
//
// All accept the surrounding white space PostgreSQL skips (space, tab, CR, LF, VT,
// FF); the COPY encoder trims it from typed values anyway.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "automl/csv_dialect.hpp"

namespace automl::csv {

// t/f, true/false, yes/no, y/n, on/off in any case; not 1/0 (those are integers).
std::optional<bool> parse_boolean(std::string_view text);

// [+-]digits within int4 / int8 (PostgreSQL 15 has no 1_000 or 0x10 yet).
bool is_integer(std::string_view text);
bool is_bigint(std::string_view text);

// A decimal number ([+-] digits [. digits] or [+-] . digits, optional exponent),
// NaN, Infinity, inf, -Infinity, -inf (any case) that float8 reads without overflow
// or underflow to zero: 1e400 and 1e-400 are refused as float8in refuses them.
bool is_double(std::string_view text);
// The same decimal numbers and spellings within numeric's limits (a 1000-digit
// mantissa and an exponent within ±1000, well inside PostgreSQL's).
bool is_numeric(std::string_view text);
// A decimal number with more than 15 significant digits: float8 would not give
// them back, so the column should be numeric.
bool needs_numeric(std::string_view text);

// YYYY-MM-DD, a real calendar date in years 1 to 9999.
bool is_date(std::string_view text);
// A date, or a date and HH:MM[:SS[.fraction]] after a space or T (hours 0-23,
// seconds 0-59, up to 9 fraction digits) — without a zone.
bool is_timestamp(std::string_view text);
// As is_timestamp, with or without a zone after the time: Z, ±HH, ±HH:MM or ±HHMM
// (offsets up to 15:59, as PostgreSQL allows).
bool is_timestamptz(std::string_view text);
// A timestamp with a zone: what makes a column timestamptz rather than timestamp.
bool has_zone(std::string_view text);

// The recogniser of the type: whether text is a value of it (any text for Text).
bool fits_type(ColumnType type, std::string_view text);

// Text PostgreSQL can store in a UTF-8 database: well-formed UTF-8 (no overlong
// forms, no surrogates, nothing above U+10FFFF) and no NUL byte.
bool valid_utf8(std::string_view text);

// The length of the well-formed UTF-8 sequence whose lead byte (≥ 0x80) is text[i],
// or 0 when it is malformed, overlong, a surrogate, above U+10FFFF or cut short.
std::size_t utf8_sequence(std::string_view text, std::size_t i);

// Without the white space that the recognisers skip.
std::string_view trim_space(std::string_view text);

}  // namespace automl::csv
