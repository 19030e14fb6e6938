// values.hpp — one input value as predict receives it, and the text parsers shared
// by training (COPY text) and serving (jsonb strings).
//
// Training reads every column as PostgreSQL's text output (DateStyle ISO, TimeZone
// UTC); predict gets numbers, strings or arrays from jsonb or a row. Both end in
// the same parsers here, so a value means the same thing on both paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace automl {

struct InputValue {
  enum class Kind { Null, Number, Text, Array };
  Kind kind = Kind::Null;
  double number = 0;              // Number: the value (booleans as 0/1, dates as epoch seconds)
  std::string_view text;          // Text
  const double* array = nullptr;  // Array: `length` elements, NaN for NULL elements
  int length = 0;

  static InputValue null() { return {}; }
  static InputValue of(double x) {
    InputValue v;
    v.kind = Kind::Number;
    v.number = x;
    return v;
  }
  static InputValue of(std::string_view s) {
    InputValue v;
    v.kind = Kind::Text;
    v.text = s;
    return v;
  }
  static InputValue of(const double* a, int n) {
    InputValue v;
    v.kind = Kind::Array;
    v.array = a;
    v.length = n;
    return v;
  }
};

// Each returns nullopt when the text is not a valid value of its type.
std::optional<double> parse_number(std::string_view text);  // finite decimal numbers only
// PostgreSQL's spellings: t/true/yes/on/1 …
std::optional<bool> parse_boolean(std::string_view text);
// "YYYY-MM-DD" → seconds since 1970-01-01.
std::optional<double> parse_date(std::string_view text);
// "YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z|±HH[:MM]]" or a date → seconds since 1970-01-01 UTC.
std::optional<double> parse_timestamp(std::string_view text);

// PostgreSQL's text form of a one-dimensional number array, "{1,2.5,NULL}" (NULL → NaN).
bool parse_number_array(std::string_view text, std::vector<double>& out);

// PostgreSQL's text form of a one-dimensional text[] ("{3M,\"Aura 2\",N95}"), as COPY
// writes it. False for NULL elements, nested arrays or malformed text.
bool parse_text_array(std::string_view text, std::vector<std::string>& out);

// Calendar parts of a UTC time, for date and timestamp features.
struct CalendarParts {
  double year, month, day, day_of_week /* 0 = Sunday, like extract(dow) */, day_of_year, hour;
};
CalendarParts calendar_parts(double epoch_seconds);

// Shortest text that reads back as the same double, e.g. 3 → "3", 0.1 → "0.1".
std::string number_to_text(double x);

}  // namespace automl
