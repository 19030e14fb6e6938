// copy_reader.cpp — see copy_reader.hpp.
#include "copy_reader.hpp"

#include "automl/error.hpp"

namespace automl_worker {
namespace {

char unescaped(char escape) {
  switch (escape) {
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    default:
      return escape;
  }
}

}  // namespace

bool decode_copy_field(std::string_view raw, std::string& scratch, std::string_view& out) {
  if (raw == "\\N") return false;
  if (raw.find('\\') == std::string_view::npos) {
    out = raw;
    return true;
  }
  scratch.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) c = unescaped(raw[++i]);
    scratch += c;
  }
  out = scratch;
  return true;
}

void CopyRow::parse(std::string_view line, long long number) {
  line_.assign(line);
  if (!line_.empty() && line_.back() == '\n') line_.pop_back();
  const std::string_view text(line_);
  std::size_t start = 0;
  for (std::size_t f = 0; f < raw_.size(); ++f) {
    const std::size_t tab = f + 1 == raw_.size() ? text.size() : text.find('\t', start);
    if (tab == std::string_view::npos || start > text.size())
      throw automl::Error(automl::sqlstate::kInternalError,
                          "COPY row " + std::to_string(number) + " is short");
    raw_[f] = text.substr(start, tab - start);
    start = tab + 1;
  }
}

std::optional<std::string_view> CopyRow::operator[](std::size_t i) {
  std::string_view value;
  if (!decode_copy_field(raw_[i], scratch_[i], value)) return std::nullopt;
  return value;
}

bool CopyReader::next() {
  if (!stream_.get_raw_line(line_)) return false;
  ++rows_;
  row_.parse(line_, rows_);
  return true;
}

}  // namespace automl_worker
