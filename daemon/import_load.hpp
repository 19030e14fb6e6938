// import_load.hpp — the database side of an import: one transaction that creates the
// table, loads it chunk by chunk and finishes the job (daemon/import_runner.cpp).
//
// Rows arrive as lines of COPY's text format and go to the backend in chunks of a
// few megabytes (automl_internal._import_rows), so memory stays bounded however big
// the file. Nothing commits before finish(): a failed or cancelled import leaves no
// table and no rows. A chunk the database refuses (a domain's check, a constraint, a
// type this worker does not check itself) fails naming the file's line.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "job_control.hpp"
#include "job_runner.hpp"

namespace automl_worker {

class ImportLoad {
 public:
  ImportLoad(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control,
             std::size_t chunk_bytes = 4 << 20);
  ~ImportLoad();

  // Opens the transaction and creates (or finds) the table; returns its qualified name.
  std::string begin(const std::vector<std::string>& names, const std::vector<std::string>& types);
  // One row: a COPY text line ending in '\n', from the file's line `source_line`.
  void add_row(std::string_view copy_line, std::uint64_t source_line);
  // Loads what is left, finishes the job with `result` and commits.
  void finish(nlohmann::json result);

  long long rows() const { return rows_; }
  bool begun() const { return txn_ != nullptr; }

 private:
  void flush();

  pqxx::connection_base& conn_;
  const ClaimedJob& job_;
  JobControl& control_;
  std::size_t chunk_bytes_;
  std::unique_ptr<pqxx::work> txn_;
  std::string table_oid_;
  std::string names_array_;  // the column names as a text[] literal
  std::string chunk_;
  std::vector<std::uint64_t> chunk_lines_;  // the file's line of each row in chunk_
  long long rows_ = 0;
};

}  // namespace automl_worker
