// import_spec.hpp — the validated, normalised spec of an import job (a CSV file
// fetched from a URL into a new or existing table; docs/import.md).
//
// Like TrainSpec: the INSERT trigger parses it (a bad spec is refused when queued)
// and the worker parses the stored, normalised form again before it fetches.
// Whether the URL may be fetched, and where the table goes, are the database's
// to decide (automl_internal._check_outbound_url, _resolve_import_table); this
// only checks shape.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace automl {

// A column the user names or types in options.columns.
struct ImportColumn {
  std::string name;                 // empty: keep the sniffed name (an object form override)
  std::optional<std::string> type;  // a PostgreSQL type name; resolved by the database
};

struct ImportSpec {
  std::string url;
  std::string into_table;  // schema-qualified once queued
  // Dialect overrides; unset: sniffed.
  std::optional<char> delimiter, quote, escape;
  std::optional<bool> header;
  std::optional<std::vector<std::string>> null_spellings;
  // options.columns: by position (an array: names, and optionally types) or by name
  // (an object: sniffed name -> type).
  std::vector<ImportColumn> columns_by_position;
  std::vector<std::pair<std::string, std::string>> types_by_name;
  std::string if_exists = "fail";         // fail | append | replace
  std::string on_error = "fail";          // fail | skip
  std::int64_t max_errors = 1000;         // with on_error 'skip': more than this fails the job
  std::optional<std::int64_t> max_bytes;  // unset: the worker's --max-import-mb
  double timeout_seconds = 3600;          // the whole transfer
  double stall_seconds = 60;              // no byte for this long fails the transfer
  std::string gzip = "auto";              // auto (Content-Encoding, .gz, magic) | always | never

  static ImportSpec parse(const nlohmann::json& spec);  // throws Error (22023)
  nlohmann::json to_json() const;                       // normalised, defaults filled in
};

}  // namespace automl
