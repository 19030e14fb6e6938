// fuzz_csv.cpp — libFuzzer: any bytes as a downloaded CSV file. The first byte picks
// where the download is cut in two, the second whether the sniffer sees the whole
// file; the rest is the file. It is sniffed, read in one feed and in two, and each
// record is encoded for COPY with the sniffed columns. Beyond not crashing, it traps
// when the two reads differ, when a column name or reason is not what PostgreSQL can
// take (valid UTF-8, names non-empty, distinct, at most 63 bytes), when an encoded
// line is not one well-formed COPY text row, or when a refused row touched the output.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "automl/copy_encoder.hpp"
#include "automl/csv_reader.hpp"
#include "automl/csv_sniffer.hpp"
#include "automl/csv_values.hpp"
#include "automl/error.hpp"

namespace {

using namespace automl::csv;

using Record = std::vector<std::pair<std::string, bool>>;  // text, quoted

// Every record as one string (line, quoted flags and fields), or with the error that
// ended the read; `records` gets copies of the fields.
std::string read_all(std::string_view file, const Dialect& dialect, std::size_t cut,
                     std::vector<Record>& records) {
  std::string trace;
  const RecordReader::Callback keep = [&](const std::vector<Field>& fields, std::uint64_t line) {
    trace += std::to_string(line) + ":";
    Record& record = records.emplace_back();
    for (const Field& f : fields) {
      trace += (f.quoted ? "q" : "u") + std::to_string(f.text.size()) + "=";
      trace.append(f.text);
      record.emplace_back(std::string(f.text), f.quoted);
    }
    trace += "\n";
  };
  try {
    RecordReader reader(dialect, 1 << 16);
    reader.feed(file.substr(0, cut), keep);
    reader.feed(file.substr(cut), keep);
    reader.finish(keep);
  } catch (const automl::Error& e) {
    trace += std::string("error: ") + e.what();
  }
  return trace;
}

// One COPY text row of `columns` values: columns - 1 tabs, no raw line end but the last.
bool well_formed(std::string_view line, std::size_t columns) {
  if (line.empty() || line.back() != '\n' || !valid_utf8(line)) return false;
  std::size_t tabs = 0;
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    if (line[i] == '\\')
      ++i;  // an escape pair
    else if (line[i] == '\t')
      ++tabs;
    else if (line[i] == '\n' || line[i] == '\r')
      return false;
  }
  return tabs + 1 == columns;
}

bool usable(const Sniffed& sniffed) {
  std::set<std::string> names;
  for (const ColumnGuess& c : sniffed.columns) {
    if (c.name.empty() || c.name.size() > 63 || !valid_utf8(c.name) || !valid_utf8(c.reason) ||
        !names.insert(c.name).second)
      return false;
  }
  return valid_utf8(sniffed.dialect_reason);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view file(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::size_t cut = data[0] % (file.size() + 1);
  const bool whole = data[1] & 1;

  const Sniffed sniffed = sniff(file, whole, {});  // throws only for contradictory options
  if (!usable(sniffed)) __builtin_trap();
  std::vector<Record> records, ignored;
  if (read_all(file, sniffed.dialect, cut, records) !=
      read_all(file, sniffed.dialect, file.size(), ignored))
    __builtin_trap();

  std::vector<ColumnSpec> specs;
  for (const ColumnGuess& c : sniffed.columns) specs.push_back({c.name, c.type, c.null_spellings});
  if (specs.empty()) specs.push_back({"column1", ColumnType::Text, {}});
  CopyEncoder encoder(specs);
  std::string out = "earlier rows\n";
  std::vector<Field> fields;
  for (const Record& record : records) {
    fields.clear();
    for (const auto& [text, quoted] : record) fields.push_back({text, quoted});
    const std::size_t before = out.size();
    if (encoder.encode(fields, out)) {
      if (out.size() != before) __builtin_trap();
    } else if (!well_formed(std::string_view(out).substr(before), specs.size())) {
      __builtin_trap();
    }
  }
  return 0;
}
