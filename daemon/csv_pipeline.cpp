// csv_pipeline.cpp — see csv_pipeline.hpp.
#include "csv_pipeline.hpp"

#include "automl/csv_values.hpp"
#include "automl/error.hpp"

namespace automl_worker {
namespace {

namespace csv = automl::csv;
constexpr std::size_t kRejectedListed = 100;

csv::SniffOptions sniff_options(const automl::ImportSpec& spec) {
  csv::SniffOptions o;
  o.delimiter = spec.delimiter;
  o.quote = spec.quote;
  o.escape = spec.escape;
  o.header = spec.header;
  o.null_spellings = spec.null_spellings;
  return o;
}

// The sniffed columns with options.columns applied: names and types by position, or
// types by name. A type this worker knows is checked row by row here; any other
// (a domain, uuid, jsonb…) is left to the database's own input function.
void apply_overrides(const automl::ImportSpec& spec, csv::Sniffed& sniffed,
                     std::vector<csv::ColumnSpec>& columns, std::vector<std::string>& types) {
  auto& guessed = sniffed.columns;
  if (!spec.columns_by_position.empty() && spec.columns_by_position.size() != guessed.size())
    throw automl::Error(automl::sqlstate::kInvalidParameterValue,
                        "options.columns lists " + std::to_string(spec.columns_by_position.size()) +
                            " columns, and the file has " + std::to_string(guessed.size()));
  std::vector<std::optional<std::string>> declared(guessed.size());
  for (std::size_t i = 0; i < spec.columns_by_position.size(); ++i) {
    guessed[i].name = spec.columns_by_position[i].name;
    declared[i] = spec.columns_by_position[i].type;
  }
  for (const auto& [name, type] : spec.types_by_name) {
    std::size_t i = 0;
    while (i < guessed.size() && guessed[i].name != name) ++i;
    if (i == guessed.size())
      throw automl::Error(
          automl::sqlstate::kUndefinedColumn,
          "options.columns names column \"" + name + "\", which the file does not have");
    declared[i] = type;
  }
  for (std::size_t i = 0; i < guessed.size(); ++i) {
    csv::ColumnSpec column{guessed[i].name, guessed[i].type, guessed[i].null_spellings};
    if (declared[i]) {
      column.type = csv::column_type_from_sql(*declared[i]);
      guessed[i].reason = "declared in options.columns";
      if (column.type) guessed[i].type = *column.type;
    }
    types.push_back(declared[i] ? *declared[i] : csv::sql_type_name(guessed[i].type));
    columns.push_back(std::move(column));
  }
}

// Text safe to show and store (the job's error, result JSON): well-formed UTF-8 is
// kept, any other byte and control characters become \xHH.
std::string printable(std::string_view text) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte >= 0x80 ? csv::utf8_sequence(text, i) : 1;
    if (byte >= 0x80 && length > 0) {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    if (byte < 0x20 || byte >= 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += static_cast<char>(byte);
    }
    ++i;
  }
  return out;
}

// The record as the file had it, cut short: what a rejected row shows.
std::string first_bytes(const std::vector<csv::Field>& fields, char delimiter) {
  std::string out;
  for (std::size_t i = 0; i < fields.size() && out.size() < 80; ++i) {
    if (i) out += delimiter;
    out.append(fields[i].text.substr(0, 80));
  }
  out = printable(out);
  if (out.size() > 80) {
    std::size_t cut = 80;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

}  // namespace

CsvPipeline::CsvPipeline(const automl::ImportSpec& spec, ImportLoad& load, std::size_t sample_bytes)
    : spec_(spec), load_(load), sample_bytes_(sample_bytes) {}

void CsvPipeline::feed(std::string_view bytes) {
  if (gzip_decided_) return pass(bytes);
  head_.append(bytes);
  if (head_.size() >= 2) decide_gzip();
}

// Decided on the body's first bytes (curl has already undone a Content-Encoding).
void CsvPipeline::decide_gzip() {
  gzip_decided_ = true;
  if (spec_.gzip == "always" || (spec_.gzip == "auto" && Gunzip::looks_gzipped(head_)))
    gunzip_ = std::make_unique<Gunzip>();
  std::string held;
  held.swap(head_);
  pass(held);
}

void CsvPipeline::pass(std::string_view bytes) {
  if (gunzip_)
    gunzip_->feed(bytes, [this](std::string_view p) { feed_plain(p); });
  else
    feed_plain(bytes);
}

void CsvPipeline::feed_plain(std::string_view bytes) {
  plain_bytes_ += static_cast<long long>(bytes.size());
  if (!reader_) {
    sample_.append(bytes);
    if (sample_.size() >= sample_bytes_) start(false);
    return;
  }
  reader_->feed(bytes, [this](const auto& fields, auto line) { on_record(fields, line); });
}

void CsvPipeline::start(bool whole_file) {
  sniffed_ = csv::sniff(sample_, whole_file, sniff_options(spec_));
  if (sniffed_->columns.empty())
    throw automl::Error(automl::sqlstate::kBadCopyFileFormat, "the file has no rows to import",
                        "the body of the URL is empty or holds only blank lines");
  apply_overrides(spec_, *sniffed_, columns_, sql_types_);
  std::vector<std::string> names;
  for (const auto& c : columns_) {
    if (!csv::valid_utf8(c.name))
      throw automl::Error(automl::sqlstate::kBadCopyFileFormat,
                          "column name \"" + printable(c.name) + "\" is not valid UTF-8", "",
                          "name the columns with options.columns");
    names.push_back(c.name);
  }
  table_ = load_.begin(names, sql_types_);
  reader_ = std::make_unique<csv::RecordReader>(sniffed_->dialect);
  encoder_ = std::make_unique<csv::CopyEncoder>(columns_);
  header_pending_ = sniffed_->dialect.header;
  std::string sample;
  sample.swap(sample_);
  reader_->feed(sample, [this](const auto& fields, auto line) { on_record(fields, line); });
}

void CsvPipeline::on_record(const std::vector<csv::Field>& fields, std::uint64_t line) {
  if (header_pending_) {
    header_pending_ = false;
    return;
  }
  line_.clear();
  if (auto error = encoder_->encode(fields, line_)) return reject(line, fields, *error);
  load_.add_row(line_, line);
}

void CsvPipeline::reject(std::uint64_t line, const std::vector<csv::Field>& fields,
                         const csv::RowError& row_error) {
  const std::string where =
      "line " + std::to_string(line) +
      (row_error.column >= 0 ? ", column \"" + columns_[row_error.column].name + "\"" : "");
  const csv::RowError error{row_error.column, printable(row_error.reason)};
  if (spec_.on_error != "skip")
    throw automl::Error(automl::sqlstate::kBadCopyFileFormat,
                        "cannot import " + where + ": " + error.reason, "",
                        "options.on_error 'skip' leaves such rows out and lists them");
  if (++rejected_ > spec_.max_errors)
    throw automl::Error(automl::sqlstate::kBadCopyFileFormat,
                        "more than " + std::to_string(spec_.max_errors) +
                            " rows could not be imported; the last: " + where + ": " + error.reason,
                        "", "options.max_errors sets how many rows may be left out");
  if (rejected_rows_.size() < kRejectedListed)
    rejected_rows_.push_back(
        {{"line", line},
         {"column", error.column >= 0 ? nlohmann::json(columns_[error.column].name)
                                      : nlohmann::json(nullptr)},
         {"reason", error.reason},
         {"first_bytes", first_bytes(fields, sniffed_->dialect.delimiter)}});
}

void CsvPipeline::finish() {
  if (!gzip_decided_) decide_gzip();  // a body shorter than two bytes
  if (gunzip_) gunzip_->finish();
  if (!reader_) start(true);
  reader_->finish([this](const auto& fields, auto line) { on_record(fields, line); });
}

nlohmann::json CsvPipeline::summary() const {
  nlohmann::json columns = nlohmann::json::array();
  for (std::size_t i = 0; i < sniffed_->columns.size(); ++i) {
    const auto& c = sniffed_->columns[i];
    columns.push_back({{"name", c.name},
                       {"type", sql_types_[i]},
                       {"null_spellings", c.null_spellings},
                       {"reason", c.reason}});
  }
  const auto& d = sniffed_->dialect;
  return {{"table", table_},
          {"dialect",
           {{"delimiter", std::string(1, d.delimiter)},
            {"quote", std::string(1, d.quote)},
            {"escape", std::string(1, d.escape)},
            {"header", d.header},
            {"reason", sniffed_->dialect_reason}}},
          {"columns", columns},
          {"gzip", gunzip_ != nullptr},
          {"decoded_bytes", plain_bytes_},
          {"rejected_count", rejected_},
          {"rejected", rejected_rows_}};
}

}  // namespace automl_worker
