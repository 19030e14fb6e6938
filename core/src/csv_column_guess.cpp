// csv_column_guess.cpp — one column's type and NULL spellings from its sampled values,
// and the sentence that says why (the rules are in csv_sniffer.hpp).
#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "automl/csv_values.hpp"
#include "csv_sniffer_internal.hpp"

namespace automl::csv {

const std::vector<std::string> kNullSpellings = {"NULL", "null", "Null", "NA",  "N/A",
                                                 "n/a",  "#N/A", "NaN",  "nan", "\\N",
                                                 "None", "none", "nil",  "-"};

namespace sniffer_internal {
namespace {

// The candidate types in widening order; Number is double precision or numeric.
enum Level { kBoolean, kInteger, kBigInt, kNumber, kDate, kTimestamp, kTimestampTz, kLevels };

bool fits_level(Level level, std::string_view text) {
  switch (level) {
    case kBoolean:
      return parse_boolean(text).has_value();
    case kInteger:
      return is_integer(text);
    case kBigInt:
      return is_bigint(text);
    case kNumber:
      return is_numeric(text);
    case kDate:
      return is_date(text);
    case kTimestamp:
      return is_timestamp(text);
    case kTimestampTz:
      return is_timestamptz(text);
    default:
      return false;
  }
}

struct Example {
  std::uint64_t count = 0;
  std::string text;
  std::uint64_t line = 0;

  void add(std::string_view value, std::uint64_t at) {
    if (count++ == 0) {
      text.assign(value);
      line = at;
    }
  }
  std::string shown() const { return shown_value(text) + " on line " + std::to_string(line); }
};

// What the values of a column fit, with an example of each way they widen a type.
struct Tally {
  std::uint64_t values = 0;
  std::array<Example, kLevels> misfit;
  Example beyond_int4, beyond_int8, wide_number, zoned;

  void add(std::string_view text, std::uint64_t line) {
    ++values;
    for (int level = 0; level < kLevels; ++level)
      if (!fits_level(static_cast<Level>(level), text)) misfit[level].add(text, line);
    if (is_bigint(text) && !is_integer(text)) beyond_int4.add(text, line);
    if (is_numeric(text) && !is_bigint(text)) beyond_int8.add(text, line);
    if (is_numeric(text) && (needs_numeric(text) || !is_double(text))) wide_number.add(text, line);
    if (has_zone(text)) zoned.add(text, line);
  }
  std::optional<Level> level() const {
    if (values == 0) return std::nullopt;
    for (int level = 0; level < kLevels; ++level)
      if (misfit[level].count == 0) return static_cast<Level>(level);
    return std::nullopt;
  }
};

ColumnType type_of(Level level, const Tally& tally) {
  switch (level) {
    case kBoolean:
      return ColumnType::Boolean;
    case kInteger:
      return ColumnType::Integer;
    case kBigInt:
      return ColumnType::BigInt;
    case kNumber:
      return tally.wide_number.count > 0 ? ColumnType::Numeric : ColumnType::Double;
    case kDate:
      return ColumnType::Date;
    case kTimestamp:
      return ColumnType::Timestamp;
    default:
      return ColumnType::TimestampTz;
  }
}

std::string typed_reason(ColumnType type, const Tally& t) {
  const std::string all = "all " + with_commas(t.values) + " sampled values are ";
  const auto some = [](const Example& e, const char* what) {
    return ", " + with_commas(e.count) + " " + what + " (e.g. " + e.shown() + ")";
  };
  switch (type) {
    case ColumnType::Boolean:
      return "boolean: " + all + "true/false, yes/no or on/off";
    case ColumnType::Integer:
      return "integer: " + all + "whole numbers within int4";
    case ColumnType::BigInt:
      return "bigint: " + all + "whole numbers" + some(t.beyond_int4, "beyond int4");
    case ColumnType::Double:
      return "double precision: " + all + "numbers" +
             some(t.beyond_int8, "with a fraction, an exponent or beyond int8");
    case ColumnType::Numeric:
      return "numeric: " + all + "numbers" +
             some(t.wide_number, "with more than 15 significant digits or beyond float8");
    case ColumnType::Date:
      return "date: " + all + "ISO dates (YYYY-MM-DD)";
    case ColumnType::Timestamp:
      return "timestamp without time zone: " + all + "ISO dates or timestamps without a zone";
    default:
      return "timestamp with time zone: " + all + "ISO dates or timestamps" +
             some(t.zoned, "with a zone");
  }
}

// Why a column with values is text: what most of them fit, and a value that does not.
std::string text_reason(const Tally& t) {
  struct Family {
    Level level;
    const char* noun;
  };
  const Family families[] = {
      {kBoolean, "booleans"}, {kNumber, "numbers"}, {kTimestampTz, "ISO dates or timestamps"}};
  const Family* best = &families[0];
  for (const Family& f : families)
    if (t.misfit[f.level].count < t.misfit[best->level].count) best = &f;
  const Example& misfit = t.misfit[best->level];
  if (misfit.count == t.values)
    return "text: no sampled value is a boolean, number, date or timestamp (e.g. " +
           misfit.shown() + ")";
  return "text: " + with_commas(misfit.count) + " of " + with_commas(t.values) +
         " sampled values are not " + best->noun + " (e.g. " + misfit.shown() + ")";
}

// "'NA' (12 times) and '-' (1 time)": the spellings met, in the order listed.
std::string spelling_list(const std::map<std::string, std::uint64_t>& counts,
                          const std::vector<std::string>& spellings) {
  std::string out;
  for (const std::string& s : spellings) {
    const auto it = counts.find(s);
    if (it == counts.end()) continue;
    out += (out.empty() ? "" : " and ") + shown_value(s) + " (" + with_commas(it->second) +
           (it->second == 1 ? " time)" : " times)");
  }
  return out;
}

}  // namespace

bool is_null_like(const SampleValue& value, const SniffOptions& options) {
  const std::string_view t = trim_space(value.text);
  const auto& spellings = options.null_spellings ? *options.null_spellings : kNullSpellings;
  return t.empty() || std::find(spellings.begin(), spellings.end(), t) != spellings.end();
}

ColumnGuess guess_column(const std::vector<const SampleRecord*>& rows, std::size_t index,
                         const SniffOptions& options) {
  const bool given = options.null_spellings.has_value();
  const auto& spellings = given ? *options.null_spellings : kNullSpellings;
  Tally tally;
  std::map<std::string, std::uint64_t> spelled;  // NULL spellings met, by count
  for (const SampleRecord* row : rows) {
    const std::string_view t = trim_space(row->values[index].text);
    if (t.empty()) continue;  // NULL, or an empty string that fits any text column
    if (std::find(spellings.begin(), spellings.end(), t) != spellings.end())
      ++spelled[std::string(t)];
    else
      tally.add(t, row->line);
  }
  ColumnGuess guess;
  const std::optional<Level> level = tally.level();
  guess.type = level ? type_of(*level, tally) : ColumnType::Text;
  std::map<std::string, std::uint64_t> kept;  // spellings that stay text
  if (given) {
    guess.null_spellings = spellings;
  } else if (guess.type == ColumnType::Text) {
    kept.swap(spelled);
  } else {
    // A spelling is NULL only where it would keep the column from its type; where
    // it fits the type (NaN in a number column) it is a value.
    for (auto it = spelled.begin(); it != spelled.end();) {
      if (!fits_type(guess.type, it->first)) {
        ++it;
        continue;
      }
      tally.values += it->second;
      it = spelled.erase(it);
    }
    for (const std::string& s : spellings)
      if (spelled.count(s)) guess.null_spellings.push_back(s);
  }
  if (guess.type != ColumnType::Text)
    guess.reason = typed_reason(guess.type, tally);
  else if (tally.values > 0)
    guess.reason = text_reason(tally);
  else if (!kept.empty())
    guess.reason = "text: its only values are " + spelling_list(kept, spellings) +
                   ", which stay text: no type needs them to be NULL";
  else
    guess.reason =
        "text: no non-NULL value among the " + with_commas(rows.size()) + " sampled records";
  const std::string nulls = spelling_list(spelled, guess.null_spellings);
  if (!nulls.empty())
    guess.reason += "; " + nulls + (spelled.size() == 1 ? " counts" : " count") + " as NULL" +
                    (given ? ", as given" : "");
  return guess;
}

}  // namespace sniffer_internal
}  // namespace automl::csv
