// csv_pipeline.hpp — an import's body on its way to the table: inflated when it is
// gzip, its first megabyte sniffed (dialect, header, names, types, NULL spellings;
// core's csv_sniffer), then read record by record, each checked against its column
// and written as a COPY text line into the load (import_load.hpp).
//
// Only the sample and the record being read are held; a row that does not fit
// fails the import naming its line and column, or, with options.on_error 'skip',
// is left out and listed in the result (up to options.max_errors of them).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "automl/copy_encoder.hpp"
#include "automl/csv_reader.hpp"
#include "automl/csv_sniffer.hpp"
#include "automl/import_spec.hpp"
#include "gunzip.hpp"
#include "import_load.hpp"

namespace automl_worker {

class CsvPipeline {
 public:
  CsvPipeline(const automl::ImportSpec& spec, ImportLoad& load, std::size_t sample_bytes = 1 << 20);

  // Raw body bytes, in order.
  void feed(std::string_view bytes);
  void finish();

  // What was inferred and why, the rows rejected, byte counts; for the job's result.
  nlohmann::json summary() const;

 private:
  void decide_gzip();
  void pass(std::string_view bytes);
  void feed_plain(std::string_view bytes);
  void start(bool whole_file);
  void on_record(const std::vector<automl::csv::Field>& fields, std::uint64_t line);
  void reject(std::uint64_t line, const std::vector<automl::csv::Field>& fields,
              const automl::csv::RowError& error);

  const automl::ImportSpec& spec_;
  ImportLoad& load_;
  std::size_t sample_bytes_;
  std::string head_;    // the body's first bytes, until gzip or not is decided
  std::string sample_;  // the plain text's first bytes, until sniffed
  bool gzip_decided_ = false;
  std::unique_ptr<Gunzip> gunzip_;
  long long plain_bytes_ = 0;

  std::optional<automl::csv::Sniffed> sniffed_;
  std::vector<automl::csv::ColumnSpec> columns_;
  std::vector<std::string> sql_types_;  // what the table is created with
  std::string table_;
  std::unique_ptr<automl::csv::RecordReader> reader_;
  std::unique_ptr<automl::csv::CopyEncoder> encoder_;
  bool header_pending_ = false;
  std::string line_;  // the COPY line being built
  long long rejected_ = 0;
  nlohmann::json rejected_rows_ = nlohmann::json::array();
};

}  // namespace automl_worker
