// copy_encoder.cpp — CopyEncoder: checks and escapes one record into COPY text format.
#include "automl/copy_encoder.hpp"

#include <algorithm>
#include <array>

#include "automl/csv_values.hpp"

namespace automl::csv {
namespace {

// What a byte of a text value needs: nothing, a COPY escape, a UTF-8 check, or
// refusal (NUL). One pass does both jobs, so plain ASCII costs a table look-up a byte.
enum ByteClass : unsigned char { kPlain, kEscape, kMultibyte, kNul };

constexpr std::array<ByteClass, 256> byte_classes() {
  std::array<ByteClass, 256> classes{};
  for (int c = 0x80; c < 256; ++c) classes[c] = kMultibyte;
  classes['\\'] = classes['\t'] = classes['\n'] = classes['\r'] = kEscape;
  classes[0] = kNul;
  return classes;
}
constexpr std::array<ByteClass, 256> kByteClasses = byte_classes();

// Appends text in COPY text format (backslash, tab, LF and CR escaped; every other
// byte as is), or returns why it cannot be stored, having appended part of it.
std::optional<std::string> append_text(std::string& out, std::string_view text) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size();) {
    const ByteClass k = kByteClasses[static_cast<unsigned char>(text[i])];
    if (k == kPlain) {
      ++i;
    } else if (k == kMultibyte) {
      const std::size_t length = utf8_sequence(text, i);
      if (length == 0) return "is not valid UTF-8 (byte " + std::to_string(i + 1) + ")";
      i += length;
    } else if (k == kNul) {
      return std::string("contains a NUL byte, which text cannot hold");
    } else {
      const char c = text[i];
      out.append(text.data() + start, i - start);
      out += '\\';
      out += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
      start = ++i;
    }
  }
  out.append(text.data() + start, text.size() - start);
  return std::nullopt;
}

// A value as an error message quotes it: at most 40 bytes, cut between characters.
std::string shown(std::string_view value) {
  if (value.size() <= 40) return "'" + std::string(value) + "'";
  std::size_t n = 40;
  while (n > 0 && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;
  return "'" + std::string(value.substr(0, n)) + "…'";
}

const char* described(ColumnType type) {
  switch (type) {
    case ColumnType::Boolean:
      return "a boolean (true/false, yes/no, on/off)";
    case ColumnType::Integer:
      return "an integer";
    case ColumnType::BigInt:
      return "a bigint";
    case ColumnType::Double:
      return "a double precision number";
    case ColumnType::Numeric:
      return "a numeric";
    case ColumnType::Date:
      return "a date (YYYY-MM-DD)";
    case ColumnType::Timestamp:
      return "a timestamp (YYYY-MM-DD HH:MM[:SS])";
    case ColumnType::TimestampTz:
      return "a timestamp with time zone";
    case ColumnType::Text:
      break;
  }
  return "text";
}

// [+-]digits, of any size.
bool whole_number_syntax(std::string_view value) {
  if (!value.empty() && (value.front() == '+' || value.front() == '-')) value.remove_prefix(1);
  return !value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos;
}

// Why a trimmed value is not of the type: out of range when it is a number that the
// type cannot hold, else not of the type at all.
std::string misfit(ColumnType type, std::string_view value) {
  std::string ignored;
  if (auto reason = append_text(ignored, value)) return *reason;  // not text at all
  const bool whole = type == ColumnType::Integer || type == ColumnType::BigInt;
  const bool too_big =
      (whole && whole_number_syntax(value)) || (type == ColumnType::Double && is_numeric(value));
  if (too_big) return shown(value) + " is out of range for " + sql_type_name(type);
  return shown(value) + " is not " + described(type);
}

bool is_spelled_null(const ColumnSpec& column, std::string_view value) {
  return std::find(column.null_spellings.begin(), column.null_spellings.end(), value) !=
         column.null_spellings.end();
}

}  // namespace

CopyEncoder::CopyEncoder(std::vector<ColumnSpec> columns) : columns_(std::move(columns)) {}

std::optional<RowError> CopyEncoder::encode(const std::vector<Field>& fields, std::string& out) {
  if (fields.size() != columns_.size())
    return RowError{-1, "has " + std::to_string(fields.size()) +
                            (fields.size() == 1 ? " field, " : " fields, ") +
                            std::to_string(columns_.size()) + " expected"};
  const std::size_t size = out.size();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += '\t';
    if (auto reason = encode_field(columns_[i], fields[i], out)) {
      out.resize(size);
      return RowError{static_cast<int>(i), std::move(*reason)};
    }
  }
  out += '\n';
  return std::nullopt;
}

std::optional<std::string> CopyEncoder::encode_field(const ColumnSpec& column, const Field& field,
                                                     std::string& out) const {
  const bool typed = column.type && *column.type != ColumnType::Text;
  if (field.text.empty()) {
    if (!field.quoted || typed) out += "\\N";
    return std::nullopt;
  }
  const std::string_view value = typed ? trim_space(field.text) : field.text;
  if (value.empty() || is_spelled_null(column, value)) {
    out += "\\N";
    return std::nullopt;
  }
  if (!typed) return append_text(out, value);
  // Every value a recogniser accepts is plain ASCII without tab, LF, CR or backslash:
  // nothing to check or escape once it fits.
  const ColumnType type = *column.type;
  if (type == ColumnType::Boolean) {
    const std::optional<bool> b = parse_boolean(value);
    if (!b) return misfit(type, value);
    out += *b ? 't' : 'f';
    return std::nullopt;
  }
  if (!fits_type(type, value)) return misfit(type, value);
  out.append(value);
  return std::nullopt;
}

}  // namespace automl::csv
