// csv_values.cpp — the CSV value recognisers: PostgreSQL 15's input syntax, or a
// strict subset of it, one type at a time.
#include "automl/csv_values.hpp"

#include <locale.h>
#include <stdlib.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace automl::csv {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != b[i]) return false;
  return true;
}

// [+-]digits with a magnitude of at most `limit` (`limit` + 1 when negative), as
// pg_strtoint32/64 read it: leading zeros are fine, nothing else is.
bool whole_number(std::string_view text, std::uint64_t limit) {
  text = trim_space(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  while (text.size() > 1 && text.front() == '0') text.remove_prefix(1);
  if (text.size() > 19) return false;  // 19 digits fit in 64 bits unchecked
  std::uint64_t value = 0;
  for (const char c : text) {
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value <= limit + (negative ? 1 : 0);
}

// The parts of a decimal number, as read by read_decimal.
struct Decimal {
  std::string_view digits;  // the mantissa without its sign, decimal point included
  std::size_t point = 0;    // digits before the decimal point: where it is, if any
  long exponent = 0;        // clamped to ±100000: beyond that nothing is valid anyway
  bool special = false;     // NaN or Infinity
};

bool is_special(std::string_view text) {
  std::string_view unsigned_text = text;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) unsigned_text.remove_prefix(1);
  if (equals_ignoring_case(text, "nan")) return true;  // no signed NaN
  return equals_ignoring_case(unsigned_text, "infinity") ||
         equals_ignoring_case(unsigned_text, "inf");
}

// [+-] (digits [. digits] | . digits) [(e|E) [+-] digits], or a special spelling.
bool read_decimal(std::string_view text, Decimal& out) {
  text = trim_space(text);
  if (is_special(text)) {
    out.special = true;
    return true;
  }
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  const std::size_t start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  out.point = i - start;
  std::size_t fraction = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) ++i, ++fraction;
  }
  if (out.point + fraction == 0) return false;
  out.digits = text.substr(start, i - start);
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (i == text.size()) return false;
    long e = 0;
    for (; i < text.size() && is_digit(text[i]); ++i)
      if (e < 100000) e = e * 10 + (text[i] - '0');
    out.exponent = negative ? -e : e;
  }
  return i == text.size();
}

// What float8in does with the number: strtod in the C locale, and out of range
// only when the result overflowed or underflowed to zero (a denormal is fine).
bool fits_float8(std::string_view text) {
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  const std::string copy(trim_space(text));
  char* end = nullptr;
  errno = 0;
  const double value = strtod_l(copy.c_str(), &end, c_locale);
  if (end != copy.c_str() + copy.size()) return false;
  return !(errno == ERANGE && (value == 0.0 || std::isinf(value)));
}

// Exactly `count` digits at text[pos], as a number; pos moves past them.
bool read_fixed(std::string_view text, std::size_t& pos, int count, int& out) {
  out = 0;
  for (int i = 0; i < count; ++i, ++pos) {
    if (pos >= text.size() || !is_digit(text[pos])) return false;
    out = out * 10 + (text[pos] - '0');
  }
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

bool leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// YYYY-MM-DD at text[pos], a real day of years 1 to 9999.
bool read_date(std::string_view text, std::size_t& pos) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, m, d;
  if (!read_fixed(text, pos, 4, y) || !expect(text, pos, '-') || !read_fixed(text, pos, 2, m) ||
      !expect(text, pos, '-') || !read_fixed(text, pos, 2, d))
    return false;
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && leap_year(y) ? 1 : 0);
}

// [ T]HH:MM[:SS[.fraction]] at text[pos].
bool read_time(std::string_view text, std::size_t& pos) {
  if (!expect(text, pos, ' ') && !expect(text, pos, 'T')) return false;
  int h, m, s;
  if (!read_fixed(text, pos, 2, h) || !expect(text, pos, ':') || !read_fixed(text, pos, 2, m) ||
      h > 23 || m > 59)
    return false;
  if (!expect(text, pos, ':')) return true;
  if (!read_fixed(text, pos, 2, s) || s > 59) return false;
  if (!expect(text, pos, '.')) return true;
  std::size_t digits = 0;
  while (pos < text.size() && is_digit(text[pos])) ++pos, ++digits;
  return digits >= 1 && digits <= 9;
}

// Z, ±HH, ±HH:MM or ±HHMM ending the text at pos.
bool read_zone(std::string_view text, std::size_t pos) {
  if (text.substr(pos) == "Z" || text.substr(pos) == "z") return true;
  if (!expect(text, pos, '+') && !expect(text, pos, '-')) return false;
  int h, m = 0;
  if (!read_fixed(text, pos, 2, h) || h > 15) return false;
  if (pos == text.size()) return true;
  expect(text, pos, ':');
  return read_fixed(text, pos, 2, m) && m <= 59 && pos == text.size();
}

enum class Zone { None, Present, Invalid };

// A date or timestamp, and whether a zone follows it.
Zone read_timestamp(std::string_view text) {
  text = trim_space(text);
  std::size_t pos = 0;
  if (!read_date(text, pos)) return Zone::Invalid;
  if (pos == text.size()) return Zone::None;
  if (!read_time(text, pos)) return Zone::Invalid;
  if (pos == text.size()) return Zone::None;
  return read_zone(text, pos) ? Zone::Present : Zone::Invalid;
}

}  // namespace

std::string_view trim_space(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<bool> parse_boolean(std::string_view text) {
  text = trim_space(text);
  if (text.empty() || text.size() > 5) return std::nullopt;
  char folded[5];
  for (std::size_t i = 0; i < text.size(); ++i) folded[i] = lower(text[i]);
  const std::string_view word(folded, text.size());
  if (word == "t" || word == "true" || word == "y" || word == "yes" || word == "on") return true;
  if (word == "f" || word == "false" || word == "n" || word == "no" || word == "off") return false;
  return std::nullopt;
}

bool is_integer(std::string_view text) { return whole_number(text, 2147483647ULL); }

bool is_bigint(std::string_view text) { return whole_number(text, 9223372036854775807ULL); }

bool is_double(std::string_view text) {
  Decimal d;
  if (!read_decimal(text, d)) return false;
  // Fewer than 200 digits and an exponent within ±100 keep the value within 1e±300,
  // far from float8's limits: the common case needs no strtod.
  const bool safe = d.digits.size() < 200 && d.exponent > -100 && d.exponent < 100;
  return d.special || safe || fits_float8(text);
}

bool is_numeric(std::string_view text) {
  Decimal d;
  if (!read_decimal(text, d)) return false;
  return d.special || (d.digits.size() <= 1000 && d.exponent >= -1000 && d.exponent <= 1000);
}

bool needs_numeric(std::string_view text) {
  Decimal d;
  if (!read_decimal(text, d) || d.special) return false;
  const std::size_t first = d.digits.find_first_of("123456789");
  if (first == std::string_view::npos) return false;
  const std::size_t last = d.digits.find_last_of("123456789");
  const bool point_between = d.point < d.digits.size() && first < d.point && d.point < last;
  return last - first + 1 - (point_between ? 1 : 0) > 15;
}

bool is_date(std::string_view text) {
  text = trim_space(text);
  std::size_t pos = 0;
  return read_date(text, pos) && pos == text.size();
}

bool is_timestamp(std::string_view text) { return read_timestamp(text) == Zone::None; }

bool is_timestamptz(std::string_view text) { return read_timestamp(text) != Zone::Invalid; }

bool has_zone(std::string_view text) { return read_timestamp(text) == Zone::Present; }

bool fits_type(ColumnType type, std::string_view text) {
  switch (type) {
    case ColumnType::Boolean:
      return parse_boolean(text).has_value();
    case ColumnType::Integer:
      return is_integer(text);
    case ColumnType::BigInt:
      return is_bigint(text);
    case ColumnType::Double:
      return is_double(text);
    case ColumnType::Numeric:
      return is_numeric(text);
    case ColumnType::Date:
      return is_date(text);
    case ColumnType::Timestamp:
      return is_timestamp(text);
    case ColumnType::TimestampTz:
      return is_timestamptz(text);
    case ColumnType::Text:
      return true;
  }
  return false;
}

std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char c = b(0);
  std::size_t length;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    low = c == 0xE0 ? 0xA0 : 0x80;
    high = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    low = c == 0xF0 ? 0x90 : 0x80;
    high = c == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + length > text.size() || b(1) < low || b(1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (b(k) < 0x80 || b(k) > 0xBF) return 0;
  return length;
}

bool valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {  // eight ASCII bytes, none of them NUL, at a time
      std::uint64_t w;
      std::memcpy(&w, s + i, 8);
      const std::uint64_t high = 0x8080808080808080ULL, ones = 0x0101010101010101ULL;
      if ((w & high) == 0 && ((w - ones) & ~w & high) == 0) {
        i += 8;
        continue;
      }
    }
    if (s[i] == 0) return false;
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

}  // namespace automl::csv
