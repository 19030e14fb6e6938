// csv_column_names.cpp — column names from a CSV header that PostgreSQL can take as
// they are: non-empty, valid UTF-8, within its 63-byte identifier limit (a longer
// name would be cut by the server, silently, and could then collide) and distinct.
#include <set>

#include "automl/csv_sniffer.hpp"
#include "automl/csv_values.hpp"

namespace automl::csv {
namespace {

constexpr std::size_t kMaxNameBytes = 63;  // NAMEDATALEN - 1

// At most `bytes` bytes of valid UTF-8 text, never half a character.
std::string cut(std::string_view text, std::size_t bytes) {
  if (text.size() <= bytes) return std::string(text);
  while (bytes > 0 && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) --bytes;
  return std::string(text.substr(0, bytes));
}

}  // namespace

std::vector<std::string> column_names(const std::vector<std::string>& header, std::size_t count) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view given = i < header.size() ? trim_space(header[i]) : "";
    std::string base = valid_utf8(given) ? cut(given, kMaxNameBytes) : std::string();
    if (base.empty()) base = "column" + std::to_string(i + 1);
    std::string name = base;
    for (std::size_t k = 2; used.count(name) > 0; ++k) {
      const std::string suffix = "_" + std::to_string(k);
      name = cut(base, kMaxNameBytes - suffix.size()) + suffix;
    }
    used.insert(name);
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace automl::csv
