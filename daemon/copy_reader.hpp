// copy_reader.hpp — the one reader of COPY … TO STDOUT text output, for every job
// kind: rows split into fields, "\N" read as NULL, backslash escapes decoded; and the
// PostgreSQL type OIDs the readers recognise.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

namespace automl_worker {

// PostgreSQL type OIDs (catalog/pg_type_d.h): stable across versions.
namespace pg_oid {
enum : pqxx::oid {
  kBool = 16,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kFloat4 = 700,
  kFloat8 = 701,
  kTextArray = 1009,
  kVarcharArray = 1015,
  kDate = 1082,
  kTimestamp = 1114,
  kTimestampTz = 1184,
  kNumeric = 1700,
};
}  // namespace pg_oid

// One field of COPY's text format: false for NULL ("\N"); otherwise `out` is the
// value with the escapes COPY writes (\b \f \n \r \t \v, and a backslash before any
// other character) decoded, in `scratch` when there was one, else a view of `raw`.
bool decode_copy_field(std::string_view raw, std::string& scratch, std::string_view& out);

// One row of COPY text output with a known number of fields.
class CopyRow {
 public:
  explicit CopyRow(std::size_t fields) : raw_(fields), scratch_(fields) {}

  // Takes one line (its trailing newline, which libpqxx 6 keeps, is dropped).
  // The last field runs to the end of the line. A line with fewer fields throws
  // Error(XX000) naming row `number`.
  void parse(std::string_view line, long long number);

  std::size_t size() const { return raw_.size(); }
  // Field `i` decoded, nullopt for NULL; valid until the next parse.
  std::optional<std::string_view> operator[](std::size_t i);

 private:
  std::string line_;
  std::vector<std::string_view> raw_;
  std::vector<std::string> scratch_;
};

// Streams `source` (a table name or a parenthesised query) with one COPY: libpq
// never holds the whole result.
class CopyReader {
 public:
  CopyReader(pqxx::transaction_base& txn, const std::string& source, std::size_t fields)
      : stream_(txn, source), row_(fields) {}

  // Reads the next row; false after the last one.
  bool next();
  // Rows read so far, the current one included.
  long long rows() const { return rows_; }
  CopyRow& row() { return row_; }
  // Ends the COPY; call it after next() returned false.
  void complete() { stream_.complete(); }

 private:
  pqxx::stream_from stream_;
  CopyRow row_;
  std::string line_;
  long long rows_ = 0;
};

}  // namespace automl_worker
