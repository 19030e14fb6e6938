// csv_sniffer_internal.hpp — what the sniffer's two halves share: the sampled records
// (csv_sniffer.cpp reads them and picks the dialect and header) and the guess of one
// column from them (csv_column_guess.cpp), plus the wording of their reasons.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "automl/csv_sniffer.hpp"

namespace automl::csv::sniffer_internal {

struct SampleValue {
  std::string text;
  bool quoted;
};

struct SampleRecord {
  std::vector<SampleValue> values;
  std::uint64_t line;
};

// The guess for column `index` of `rows` (every row has the column).
ColumnGuess guess_column(const std::vector<const SampleRecord*>& rows, std::size_t index,
                         const SniffOptions& options);

// Whether a value says nothing about a column's type: an empty field (quoted or
// not, white space only included) or a spelling of NULL — the guessed or given ones.
bool is_null_like(const SampleValue& value, const SniffOptions& options);

// 4998 → "4,998".
std::string with_commas(std::uint64_t n);
// A value as a reason shows it: quoted, cut to 40 bytes, never invalid UTF-8.
std::string shown_value(std::string_view text);

}  // namespace automl::csv::sniffer_internal
