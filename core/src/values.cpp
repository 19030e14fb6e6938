// values.cpp — parsing numbers, booleans, dates and timestamps from text.
#include "automl/values.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace automl {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool is_leap(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(long long y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Reads exactly `digits` digits at `pos`.
bool read_digits(std::string_view s, size_t& pos, int digits, long long& out) {
  if (pos + static_cast<size_t>(digits) > s.size()) return false;
  out = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = s[pos + static_cast<size_t>(i)];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  pos += static_cast<size_t>(digits);
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Parses the date at the start of s; pos is left after it.
bool read_date(std::string_view s, size_t& pos, long long& days) {
  long long y, m, d;
  if (!read_digits(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-' ||
      !read_digits(s, pos, 2, m) || pos >= s.size() || s[pos++] != '-' ||
      !read_digits(s, pos, 2, d))
    return false;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, static_cast<unsigned>(m))) return false;
  days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(x))
    return std::nullopt;
  return x;
}

std::optional<bool> parse_boolean(std::string_view text) {
  text = trim(text);
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "t" || lower == "true" || lower == "yes" || lower == "y" || lower == "on" ||
      lower == "1")
    return true;
  if (lower == "f" || lower == "false" || lower == "no" || lower == "n" || lower == "off" ||
      lower == "0")
    return false;
  return std::nullopt;
}

std::optional<double> parse_date(std::string_view text) {
  text = trim(text);
  size_t pos = 0;
  long long days;
  if (!read_date(text, pos, days) || pos != text.size()) return std::nullopt;
  return static_cast<double>(days) * 86400.0;
}

std::optional<double> parse_timestamp(std::string_view text) {
  text = trim(text);
  size_t pos = 0;
  long long days;
  if (!read_date(text, pos, days)) return std::nullopt;
  double seconds = static_cast<double>(days) * 86400.0;
  if (pos == text.size()) return seconds;
  if (text[pos] != ' ' && text[pos] != 'T' && text[pos] != 't') return std::nullopt;
  ++pos;
  long long hh, mm, ss = 0;
  if (!read_digits(text, pos, 2, hh) || pos >= text.size() || text[pos++] != ':' ||
      !read_digits(text, pos, 2, mm))
    return std::nullopt;
  double fraction = 0;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_digits(text, pos, 2, ss)) return std::nullopt;
    if (pos < text.size() && text[pos] == '.') {
      double scale = 0.1;
      ++pos;
      const size_t start = pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        fraction += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
  }
  if (hh > 24 || mm > 59 || ss > 60) return std::nullopt;
  seconds += static_cast<double>(hh * 3600 + mm * 60 + ss) + fraction;
  if (pos == text.size()) return seconds;
  if (text[pos] == 'Z' || text[pos] == 'z')
    return pos + 1 == text.size() ? std::optional<double>(seconds) : std::nullopt;
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos++] == '+' ? 1 : -1;
  long long oh, om = 0;
  if (!read_digits(text, pos, 2, oh)) return std::nullopt;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size() && !read_digits(text, pos, 2, om)) return std::nullopt;
  if (pos != text.size() || oh > 15 || om > 59) return std::nullopt;
  return seconds - sign * static_cast<double>(oh * 3600 + om * 60);
}

bool parse_number_array(std::string_view text, std::vector<double>& out) {
  out.clear();
  text = trim(text);
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return false;
  text = text.substr(1, text.size() - 2);
  if (trim(text).empty()) return true;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = trim(text.substr(start, comma - start));
    if (item == "NULL" || item == "null") {
      out.push_back(std::nan(""));
    } else {
      std::optional<double> x = parse_number(item);
      if (!x) {
        if (item == "NaN")
          x = std::nan("");
        else
          return false;
      }
      out.push_back(*x);
    }
    start = comma + 1;
  }
  return true;
}

bool parse_text_array(std::string_view text, std::vector<std::string>& out) {
  out.clear();
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return false;
  size_t i = 1;
  const size_t end = text.size() - 1;
  if (i == end) return true;  // {}
  while (true) {
    std::string item;
    if (text[i] == '"') {
      for (++i;; ++i) {
        if (i >= end) return false;
        if (text[i] == '\\') {
          if (++i >= end) return false;
          item.push_back(text[i]);
        } else if (text[i] == '"') {
          ++i;
          break;
        } else {
          item.push_back(text[i]);
        }
      }
    } else {
      const size_t start = i;
      while (i < end && text[i] != ',') {
        if (text[i] == '"' || text[i] == '{' || text[i] == '}' || text[i] == '\\') return false;
        ++i;
      }
      item.assign(text.substr(start, i - start));
      if (item.empty() || item == "NULL") return false;  // no NULL or empty unquoted elements
    }
    out.push_back(std::move(item));
    if (i == end) return true;
    if (text[i] != ',') return false;
    ++i;
  }
}

CalendarParts calendar_parts(double epoch_seconds) {
  const double day_number = std::floor(epoch_seconds / 86400.0);
  const auto days = static_cast<long long>(day_number);
  long long y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  CalendarParts p;
  p.year = static_cast<double>(y);
  p.month = m;
  p.day = d;
  p.day_of_week = static_cast<double>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  p.day_of_year = static_cast<double>(days - days_from_civil(y, 1, 1) + 1);
  p.hour = std::floor((epoch_seconds - day_number * 86400.0) / 3600.0);
  return p;
}

std::string number_to_text(double x) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(x);
}

}  // namespace automl
