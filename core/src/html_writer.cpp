// html_writer.cpp — escaping, number formatting and JSON access for the report pages.
// The strings in a report document belong to tenants (project names, class labels,
// column names, top values), so nothing from the document reaches the page except
// through HtmlOut::text(), and nothing numeric except through format_number() or
// HtmlOut::coord(), which cannot write "nan" or a locale's decimal comma.
#include "html_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace automl::report {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = at(i);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (!continuation(at(i + k))) return 0;
  return n;
}

const char* entity(unsigned char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&#39;";
    default:
      return nullptr;
  }
}

bool control(unsigned char c) { return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F; }

}  // namespace

std::string format_number(double v, int digits) {
  if (!std::isfinite(v)) return "–";
  char buf[64];
  std::to_chars_result r;
  if (std::fabs(v) < 1e15 && v == std::floor(v))
    r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(v));
  else if (std::fabs(v) >= std::pow(10.0, digits) && std::fabs(v) < 1e9)  // 57360, not 5.736e+04
    r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(std::llround(v)));
  else
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
  std::string s(buf, r.ptr);
  return s == "-0" ? "0" : s;
}

std::string truncate_text(std::string_view s, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (continuation(static_cast<unsigned char>(s[i]))) continue;
    if (chars == max_chars) return std::string(s.substr(0, i)) + "…";
    ++chars;
  }
  return std::string(s);
}

HtmlOut& HtmlOut::text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (const char* e = entity(c))
        buf_.append(e);
      else if (control(c))
        buf_.append(kReplacement);
      else
        buf_.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      buf_.append(kReplacement);
      ++i;
    } else {
      buf_.append(s.substr(i, n));
      i += n;
    }
  }
  return *this;
}

HtmlOut& HtmlOut::coord(double v) {
  if (!std::isfinite(v)) v = 0;
  v = std::clamp(v, -1e6, 1e6);
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.remove_suffix(2);
  if (s == "-0") s = "0";
  return raw(s);
}

HtmlOut& HtmlOut::attr(std::string_view name, std::string_view value) {
  raw(" ").raw(name).raw("=\"").text(value).raw("\"");
  return *this;
}

HtmlOut& HtmlOut::attr_coord(std::string_view name, double v) {
  raw(" ").raw(name).raw("=\"").coord(v).raw("\"");
  return *this;
}

const nlohmann::json& member(const nlohmann::json& j, std::string_view key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::optional<double> finite_number(const nlohmann::json& v) {
  if (!v.is_number()) return std::nullopt;
  const double x = v.get<double>();
  if (!std::isfinite(x)) return std::nullopt;
  return x;
}

std::string display_text(const nlohmann::json& v, std::size_t limit) {
  if (v.is_string()) return truncate_text(v.get_ref<const std::string&>(), limit);
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "";
  if (v.is_number()) {
    const double x = v.get<double>();
    // Large integers keep every digit (ids, byte counts).
    if (v.is_number_integer() && std::fabs(x) >= 1e15) return v.dump();
    return format_number(x, 6);
  }
  return truncate_text(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), limit);
}

std::string object_entries(const nlohmann::json& object, std::string_view separator,
                           std::size_t limit, int digits) {
  std::string out;
  if (!object.is_object()) return out;
  std::size_t n = 0;
  for (const auto& [key, value] : object.items()) {
    if (n > 0) out += separator;
    if (n++ == limit) {
      out += "… and " + format_number(static_cast<double>(object.size() - limit)) + " more";
      break;
    }
    out += truncate_text(key, 100) + " = ";
    out += value.is_number() && !value.is_number_integer()
               ? format_number(value.get<double>(), digits)
               : display_text(value, 200);
  }
  return out;
}

std::vector<double> number_array(const nlohmann::json& a) {
  std::vector<double> out;
  if (!a.is_array()) return out;
  out.reserve(a.size());
  for (const auto& v : a) out.push_back(finite_number(v).value_or(NAN));
  return out;
}

const nlohmann::json* non_empty_array(const nlohmann::json& v) {
  return v.is_array() && !v.empty() ? &v : nullptr;
}

}  // namespace automl::report
