// csv_sniffer.cpp — sniff(): reads the sample under every candidate dialect, keeps the
// most consistent one, decides the header and asks csv_column_guess.cpp for each
// column's type. The rules are in csv_sniffer.hpp.
#include "automl/csv_sniffer.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "automl/csv_reader.hpp"
#include "automl/csv_values.hpp"
#include "automl/error.hpp"
#include "automl/interrupt.hpp"
#include "csv_sniffer_internal.hpp"

namespace automl::csv {

using sniffer_internal::guess_column;
using sniffer_internal::is_null_like;
using sniffer_internal::SampleRecord;
using sniffer_internal::shown_value;
using sniffer_internal::with_commas;

namespace {

constexpr std::size_t kPiece = 64 << 10;  // the sample is fed as a download would be

// Feeds the sample to a reader of the dialect, handing on at most `limit` records;
// false when the dialect cannot read it (22P04). Other errors (an interrupt) go on.
bool read_sample(std::string_view sample, bool whole, const Dialect& dialect, std::size_t limit,
                 const RecordReader::Callback& on_record) {
  std::size_t seen = 0;
  const RecordReader::Callback take = [&](const std::vector<Field>& fields, std::uint64_t line) {
    if (seen++ < limit) on_record(fields, line);
  };
  try {
    RecordReader reader(dialect);
    for (std::size_t at = 0; at < sample.size() && seen < limit; at += kPiece)
      reader.feed(sample.substr(at, kPiece), take);
    // Only a whole file's last record is complete without a line end.
    if (whole && seen < limit) reader.finish(take);
  } catch (const Error& e) {
    if (std::string_view(e.sqlstate()) != sqlstate::kBadCopyFileFormat) throw;
    return false;
  }
  return true;
}

struct Candidate {
  Dialect dialect;
  std::uint64_t records = 0;
  std::uint64_t consistent = 0;  // records with the most common field count
  std::size_t fields = 0;        // that count
};

std::optional<Candidate> try_dialect(std::string_view sample, bool whole, const Dialect& dialect,
                                     std::size_t limit) {
  Candidate c;
  c.dialect = dialect;
  std::map<std::size_t, std::uint64_t> histogram;
  const bool readable = read_sample(sample, whole, dialect, limit,
                                    [&](const std::vector<Field>& fields, std::uint64_t) {
                                      ++histogram[fields.size()];
                                      ++c.records;
                                    });
  if (!readable || c.records == 0) return std::nullopt;
  for (const auto& [fields, count] : histogram) {
    if (count >= c.consistent) {  // ties to more fields
      c.consistent = count;
      c.fields = fields;
    }
  }
  return c;
}

// Whether a reads the sample better than b (the rule in csv_sniffer.hpp).
bool better(const Candidate& a, const Candidate& b) {
  if ((a.fields > 1) != (b.fields > 1)) return a.fields > 1;
  if (a.consistent != b.consistent) return a.consistent > b.consistent;
  return a.fields > b.fields;
}

std::vector<Dialect> candidates(const SniffOptions& options) {
  const auto either = [](const std::optional<char>& given, std::vector<char> guesses) {
    return given ? std::vector<char>{*given} : guesses;
  };
  std::vector<Dialect> out;
  for (const char d : either(options.delimiter, {',', ';', '\t', '|'}))
    for (const char q : either(options.quote, {'"', '\''}))
      for (const char e : either(options.escape, {q, '\\'})) {
        const bool line_end =
            d == '\n' || d == '\r' || q == '\n' || q == '\r' || e == '\n' || e == '\r';
        if (d != q && d != e && !line_end) out.push_back({d, q, e, true});
      }
  if (out.empty())
    invalid("CSV delimiter, quote and escape given cannot go together", {},
            "The delimiter must differ from the quote and the escape, and none may be a "
            "line end.");
  return out;
}

std::string shown_char(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (c == '\t') return "tab";
  if (b < 0x20 || b >= 0x7f) return "byte " + std::to_string(b);  // keeps reasons UTF-8
  return std::string("'") + c + "'";
}

std::string dialect_reason(const Candidate& best, const std::optional<Candidate>& runner_up,
                           const SniffOptions& options) {
  const Dialect& d = best.dialect;
  std::string out = "delimiter " + shown_char(d.delimiter) +
                    (options.delimiter ? " as given" : "") + ", quote " + shown_char(d.quote) +
                    (options.quote ? " as given" : "");
  if (d.escape != d.quote) out += ", escape " + shown_char(d.escape);
  out += ": " + with_commas(best.consistent) + " of " + with_commas(best.records) +
         " sampled records have " + with_commas(best.fields) +
         (best.fields == 1 ? " field" : " fields");
  if (runner_up)
    out += " (next best, " + shown_char(runner_up->dialect.delimiter) + ": " +
           with_commas(runner_up->consistent) + " with " + with_commas(runner_up->fields) + ")";
  return out;
}

struct DialectChoice {
  Candidate best;
  std::string reason;
};

std::optional<DialectChoice> choose_dialect(std::string_view sample, bool whole,
                                            const SniffOptions& options) {
  std::optional<Candidate> best;
  std::vector<Candidate> all;
  for (const Dialect& dialect : candidates(options)) {
    check_interrupt();
    const auto c = try_dialect(sample, whole, dialect, options.sample_records + 1);
    if (!c) continue;
    all.push_back(*c);
    if (!best || better(*c, *best)) best = c;
  }
  if (!best) return std::nullopt;
  std::optional<Candidate> runner_up;  // the best with another delimiter
  for (const Candidate& c : all)
    if (c.dialect.delimiter != best->dialect.delimiter && (!runner_up || better(c, *runner_up)))
      runner_up = c;
  return DialectChoice{*best, dialect_reason(*best, runner_up, options)};
}

std::vector<SampleRecord> read_records(std::string_view sample, bool whole, const Dialect& dialect,
                                       std::size_t limit) {
  std::vector<SampleRecord> records;
  read_sample(sample, whole, dialect, limit,
              [&](const std::vector<Field>& fields, std::uint64_t line) {
                SampleRecord r;
                r.line = line;
                r.values.reserve(fields.size());
                for (const Field& f : fields) r.values.push_back({std::string(f.text), f.quoted});
                records.push_back(std::move(r));
              });
  return records;
}

std::vector<ColumnGuess> guess_columns(const std::vector<const SampleRecord*>& rows,
                                       std::size_t count, const SniffOptions& options) {
  std::vector<ColumnGuess> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(guess_column(rows, i, options));
  return out;
}

std::string with_article(ColumnType type) {
  const std::string name = sql_type_name(type);
  return (name[0] == 'i' ? "an " : "a ") + name;
}

struct HeaderChoice {
  bool header;
  std::string reason;
};

// The header rule for columns that are all text: names are distinct, non-empty,
// and not all of them values that also occur in the data.
HeaderChoice text_header(const SampleRecord& first, const std::vector<const SampleRecord*>& rest,
                         std::size_t count) {
  const std::string prefix = "no typed column decides it; ";
  std::set<std::string_view> seen;
  std::optional<std::string> unmatched;
  for (std::size_t c = 0; c < count && c < first.values.size(); ++c) {
    const std::string_view v = trim_space(first.values[c].text);
    if (v.empty()) return {false, "no header: " + prefix + "the first row has an empty value"};
    if (!seen.insert(v).second)
      return {false, "no header: " + prefix + "the first row has " + shown_value(v) + " twice"};
    if (unmatched) continue;
    const auto same = [&](const SampleRecord* r) { return trim_space(r->values[c].text) == v; };
    if (std::none_of(rest.begin(), rest.end(), same)) unmatched = shown_value(v);
  }
  if (!unmatched)
    return {false, "no header: " + prefix + "every value of the first row also appears below it"};
  return {true, "header: " + prefix + "the first row's values are distinct and non-empty, and " +
                    *unmatched + " appears nowhere below"};
}

HeaderChoice choose_header(const SampleRecord& first, const std::vector<const SampleRecord*>& rest,
                           const std::vector<ColumnGuess>& guesses, const SniffOptions& options) {
  if (options.header)
    return {*options.header, *options.header ? "header as given" : "no header as given"};
  const std::string below = " like the " + with_commas(rest.size()) + " rows below";
  std::optional<std::string> fitting;
  for (std::size_t c = 0; c < guesses.size() && c < first.values.size(); ++c) {
    const ColumnType type = guesses[c].type;
    if (type == ColumnType::Text || is_null_like(first.values[c], options)) continue;
    const std::string shown = shown_value(first.values[c].text);
    if (!fits_type(type, first.values[c].text))
      return {true, "header: first row " + shown + " is not " + with_article(type) + below};
    if (!fitting) fitting = "no header: first row " + shown + " is " + with_article(type) + below;
  }
  if (fitting) return {false, *fitting};
  return text_header(first, rest, guesses.size());
}

}  // namespace

Sniffed sniff(std::string_view sample, bool sample_is_whole_file, const SniffOptions& options) {
  Sniffed out;
  if (options.header) out.dialect.header = *options.header;
  const auto choice = choose_dialect(sample, sample_is_whole_file, options);
  if (!choice) {
    out.dialect_reason = "no complete record in the " + with_commas(sample.size()) +
                         "-byte sample: nothing to guess from";
    return out;
  }
  out.dialect = choice->best.dialect;
  const std::size_t count = choice->best.fields;
  const std::vector<SampleRecord> records =
      read_records(sample, sample_is_whole_file, out.dialect, options.sample_records + 1);
  std::vector<const SampleRecord*> rest;  // the records after the first, of `count` fields
  for (std::size_t i = 1; i < records.size(); ++i)
    if (records[i].values.size() == count) rest.push_back(&records[i]);
  std::vector<ColumnGuess> guesses = guess_columns(rest, count, options);
  const HeaderChoice header = choose_header(records.front(), rest, guesses, options);
  out.dialect.header = header.header;
  out.dialect_reason = choice->reason + "; " + header.reason;
  std::vector<std::string> names;
  if (header.header) {
    for (const auto& v : records.front().values) names.push_back(v.text);
  } else {
    if (records.front().values.size() == count) rest.insert(rest.begin(), &records.front());
    if (rest.size() > options.sample_records) rest.pop_back();
    guesses = guess_columns(rest, count, options);
  }
  const std::vector<std::string> named = column_names(names, count);
  for (std::size_t i = 0; i < count; ++i) guesses[i].name = named[i];
  out.columns = std::move(guesses);
  return out;
}

namespace sniffer_internal {

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string shown_value(std::string_view text) {
  if (!valid_utf8(text)) return "a value that is not valid UTF-8";
  if (text.size() <= 40) return "'" + std::string(text) + "'";
  std::size_t n = 40;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return "'" + std::string(text.substr(0, n)) + "…'";
}

}  // namespace sniffer_internal
}  // namespace automl::csv
