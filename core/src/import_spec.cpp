// import_spec.cpp — validation and normalisation of import job specs.
#include "automl/import_spec.hpp"

#include "automl/error.hpp"
#include "automl/spec_fields.hpp"

namespace automl {
namespace {

constexpr std::size_t kMaxUrlBytes = 2048;
constexpr std::size_t kMaxColumns = 1600;  // PostgreSQL's limit on a table's columns

std::optional<char> one_character(const nlohmann::json& options, const char* key) {
  auto it = options.find(key);
  if (it == options.end() || it->is_null()) return std::nullopt;
  if (!it->is_string() || it->get<std::string>().size() != 1)
    invalid(std::string("options.") + key + " must be one character", "got " + it->dump());
  const char c = it->get<std::string>()[0];
  if (c == '\n' || c == '\r' || c == '\0' || static_cast<unsigned char>(c) >= 0x80)
    invalid(std::string("options.") + key + " cannot be a line end, NUL or a non-ASCII byte");
  return c;
}

std::string one_of(const nlohmann::json& options, const char* key, const std::string& fallback,
                   std::initializer_list<const char*> allowed) {
  const std::string value = get_string(options, key, fallback);
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return value;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  invalid(std::string("options.") + key + " must be one of " + list, "got \"" + value + "\"");
}

std::string short_string(const nlohmann::json& value, const std::string& what) {
  if (!value.is_string() || value.get<std::string>().empty() ||
      value.get<std::string>().size() > 200)
    invalid(what + " must be a non-empty string of at most 200 bytes", "got " + value.dump());
  return value.get<std::string>();
}

std::vector<std::string> null_spellings(const nlohmann::json& value) {
  const nlohmann::json list = value.is_array() ? value : nlohmann::json::array({value});
  if (list.size() > 20) invalid("options.null lists at most 20 spellings");
  std::vector<std::string> out;
  for (const auto& v : list) {
    if (!v.is_string() || v.get<std::string>().size() > 64)
      invalid("options.null must be a string or an array of strings of at most 64 bytes",
              "got " + v.dump());
    out.push_back(v.get<std::string>());
  }
  return out;
}

void parse_columns(const nlohmann::json& columns, ImportSpec& s) {
  if (columns.is_object()) {
    if (columns.size() > kMaxColumns) invalid("options.columns names more than 1600 columns");
    for (const auto& [name, type] : columns.items())
      s.types_by_name.emplace_back(short_string(name, "a column name in options.columns"),
                                   short_string(type, "the type of column \"" + name + "\""));
    return;
  }
  if (!columns.is_array() || columns.empty() || columns.size() > kMaxColumns)
    invalid(
        "options.columns must be an object {name: type} or an array of 1 to 1600 columns",
        "e.g. {\"price\": \"numeric\"} or [\"id\", {\"name\": \"price\", \"type\": \"numeric\"}]");
  for (const auto& c : columns) {
    ImportColumn column;
    if (c.is_string()) {
      column.name = short_string(c, "a column name in options.columns");
    } else if (c.is_object()) {
      reject_unknown_keys(c, {"name", "type"}, "import", "options.columns");
      column.name = short_string(c.value("name", nlohmann::json()), "options.columns[].name");
      if (c.contains("type") && !c.at("type").is_null())
        column.type = short_string(c.at("type"), "the type of column \"" + column.name + "\"");
    } else {
      invalid("options.columns[] must be a name or {\"name\", \"type\"}", "got " + c.dump());
    }
    s.columns_by_position.push_back(std::move(column));
  }
}

void parse_options(const nlohmann::json& options, ImportSpec& s) {
  if (!options.is_object()) invalid("options must be a JSON object", "got " + options.dump());
  reject_unknown_keys(options,
                      {"delimiter", "quote", "escape", "header", "null", "columns", "if_exists",
                       "on_error", "max_errors", "max_bytes", "timeout", "stall_timeout", "gzip"},
                      "import", "options");
  s.delimiter = one_character(options, "delimiter");
  s.quote = one_character(options, "quote");
  s.escape = one_character(options, "escape");
  if (s.delimiter && s.quote && *s.delimiter == *s.quote)
    invalid("options.delimiter and options.quote must differ");
  if (options.contains("header") && !options.at("header").is_null())
    s.header = get_boolean(options, "header", true);
  if (options.contains("null") && !options.at("null").is_null())
    s.null_spellings = null_spellings(options.at("null"));
  if (options.contains("columns") && !options.at("columns").is_null())
    parse_columns(options.at("columns"), s);
  s.if_exists = one_of(options, "if_exists", "fail", {"fail", "append", "replace"});
  s.on_error = one_of(options, "on_error", "fail", {"fail", "skip"});
  s.max_errors = get_integer(options, "max_errors", 1000);
  if (s.max_errors < 0) invalid("options.max_errors must not be negative");
  if (options.contains("max_bytes") && !options.at("max_bytes").is_null()) {
    s.max_bytes = get_integer(options, "max_bytes", 0);
    if (*s.max_bytes < 1) invalid("options.max_bytes must be positive");
  }
  s.timeout_seconds = get_number(options, "timeout", 3600);
  s.stall_seconds = get_number(options, "stall_timeout", 60);
  if (s.timeout_seconds <= 0 || s.timeout_seconds > 86400 || s.stall_seconds <= 0 ||
      s.stall_seconds > 86400)
    invalid("options.timeout and options.stall_timeout are seconds, above 0 and at most 86400");
  s.gzip = one_of(options, "gzip", "auto", {"auto", "always", "never"});
}

nlohmann::json character_or_null(const std::optional<char>& c) {
  return c ? nlohmann::json(std::string(1, *c)) : nlohmann::json(nullptr);
}

}  // namespace

ImportSpec ImportSpec::parse(const nlohmann::json& spec) {
  if (!spec.is_object())
    invalid("the spec of an import job must be a JSON object", "got " + spec.dump());
  reject_unknown_keys(spec, {"url", "into_table", "options"}, "import");
  ImportSpec s;
  s.url = get_string(spec, "url", "", true);
  if (s.url.size() > kMaxUrlBytes) invalid("the url is longer than 2048 bytes");
  s.into_table = get_string(spec, "into_table", "", true);
  if (s.into_table.size() > 200) invalid("into_table is longer than 200 bytes");
  if (auto it = spec.find("options"); it != spec.end() && !it->is_null()) parse_options(*it, s);
  return s;
}

nlohmann::json ImportSpec::to_json() const {
  nlohmann::json columns = nullptr;
  if (!columns_by_position.empty()) {
    columns = nlohmann::json::array();
    for (const auto& c : columns_by_position)
      columns.push_back(c.type ? nlohmann::json{{"name", c.name}, {"type", *c.type}}
                               : nlohmann::json{{"name", c.name}});
  } else if (!types_by_name.empty()) {
    columns = nlohmann::json::object();
    for (const auto& [name, type] : types_by_name) columns[name] = type;
  }
  nlohmann::json options = {
      {"delimiter", character_or_null(delimiter)},
      {"quote", character_or_null(quote)},
      {"escape", character_or_null(escape)},
      {"header", header ? nlohmann::json(*header) : nlohmann::json(nullptr)},
      {"null", null_spellings ? nlohmann::json(*null_spellings) : nlohmann::json(nullptr)},
      {"columns", columns},
      {"if_exists", if_exists},
      {"on_error", on_error},
      {"max_errors", max_errors},
      {"max_bytes", max_bytes ? nlohmann::json(*max_bytes) : nlohmann::json(nullptr)},
      {"timeout", timeout_seconds},
      {"stall_timeout", stall_seconds},
      {"gzip", gzip}};
  return {{"url", url}, {"into_table", into_table}, {"options", options}};
}

}  // namespace automl
