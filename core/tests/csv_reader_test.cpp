// csv_reader_test.cpp — the streaming CSV tokenizer gives the same records however the
// bytes are cut into feeds, reads RFC 4180 and the files in the wild, and refuses
// what would take unbounded memory.
#include "automl/csv_reader.hpp"

#include <gtest/gtest.h>

#include <random>

#include "sqlstate_of.hpp"

namespace automl::csv {
namespace {

struct Record {
  std::vector<std::string> fields;
  std::vector<bool> quoted;
  std::uint64_t line;
  bool operator==(const Record& o) const {
    return fields == o.fields && quoted == o.quoted && line == o.line;
  }
};

std::ostream& operator<<(std::ostream& os, const Record& r) {
  os << "line " << r.line << ":";
  for (std::size_t i = 0; i < r.fields.size(); ++i)
    os << " [" << (r.quoted[i] ? "q:" : "") << r.fields[i] << "]";
  return os;
}

// The records of `input` fed in pieces that end at `cuts` (ascending offsets).
std::vector<Record> read(std::string_view input, const std::vector<std::size_t>& cuts = {},
                         Dialect dialect = {}, bool finish = true) {
  std::vector<Record> out;
  const RecordReader::Callback keep = [&](const std::vector<Field>& fields, std::uint64_t line) {
    Record r{{}, {}, line};
    for (const Field& f : fields) {
      r.fields.emplace_back(f.text);
      r.quoted.push_back(f.quoted);
    }
    out.push_back(std::move(r));
  };
  RecordReader reader(dialect);
  std::size_t at = 0;
  for (const std::size_t cut : cuts) {
    reader.feed(input.substr(at, cut - at), keep);
    at = cut;
  }
  reader.feed(input.substr(at), keep);
  if (finish) reader.finish(keep);
  return out;
}

std::vector<Record> byte_by_byte(std::string_view input, Dialect dialect = {}) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
  return read(input, cuts, dialect);
}

Record rec(std::uint64_t line, std::vector<std::string> fields, std::vector<bool> quoted = {}) {
  if (quoted.empty()) quoted.assign(fields.size(), false);
  return {std::move(fields), std::move(quoted), line};
}

// Everything at once: BOM, quoted delimiters, doubled quotes, LF and CRLF inside
// quotes, CRLF, lone CR and empty lines, empty and trailing fields, text after a
// closing quote, a quote inside an unquoted field, UTF-8, no final line end.
const std::string kTricky =
    "\xEF\xBB\xBFid,name,note\r\n"
    "1,\"Smith, J\",\"said \"\"hi\"\"\"\r\n"
    "\r\n"
    "2,\"two\nlines\",\"crlf\r\ninside\"\n"
    "3,,\"\"\r"
    "4,5'10\",\"closed\" tail\n"
    "\n"
    "5,caf\xC3\xA9,\xE2\x82\xAC,\n"
    "6,\"\",last";

const std::vector<Record> kTrickyRecords = {
    rec(1, {"id", "name", "note"}),
    rec(2, {"1", "Smith, J", "said \"hi\""}, {false, true, true}),
    rec(4, {"2", "two\nlines", "crlf\r\ninside"}, {false, true, true}),
    rec(7, {"3", "", ""}, {false, false, true}),
    rec(8, {"4", "5'10\"", "closed tail"}, {false, false, true}),
    rec(10, {"5", "caf\xC3\xA9", "\xE2\x82\xAC", ""}),
    rec(11, {"6", "", "last"}, {false, true, false}),
};

TEST(CsvReader, ReadsTheTrickyInputInOneFeed) { EXPECT_EQ(read(kTricky), kTrickyRecords); }

TEST(CsvReader, EverySplitPointGivesTheSameRecords) {
  for (std::size_t cut = 0; cut <= kTricky.size(); ++cut)
    ASSERT_EQ(read(kTricky, {cut}), kTrickyRecords) << "cut at " << cut;
  EXPECT_EQ(byte_by_byte(kTricky), kTrickyRecords);
}

TEST(CsvReader, EveryPairOfSplitPointsGivesTheSameRecords) {
  for (std::size_t a = 0; a <= kTricky.size(); ++a)
    for (std::size_t b = a; b <= kTricky.size(); ++b)
      ASSERT_EQ(read(kTricky, {a, b}), kTrickyRecords) << "cuts at " << a << ", " << b;
}

TEST(CsvReader, EscapeOtherThanQuote) {
  Dialect d;
  d.escape = '\\';
  const std::string input = "\"a\\\"b\",\"c\\\\d\",\"e\\x\",\"f\"\"g\"\n";
  // \" and \\ are escapes; \x is kept; with a backslash escape "" is not one quote
  // but the end of the field followed by text.
  const std::vector<Record> want = {
      rec(1, {"a\"b", "c\\d", "e\\x", "f\"g\""}, {true, true, true, true})};
  EXPECT_EQ(read(input, {}, d), want);
  EXPECT_EQ(byte_by_byte(input, d), want);
}

TEST(CsvReader, SemicolonAndTabDelimiters) {
  Dialect semicolon;
  semicolon.delimiter = ';';
  EXPECT_EQ(read("a;b,c;\"d;e\"\n", {}, semicolon),
            (std::vector<Record>{rec(1, {"a", "b,c", "d;e"}, {false, false, true})}));
  Dialect tab;
  tab.delimiter = '\t';
  EXPECT_EQ(read("a\tb c\t\n", {}, tab), (std::vector<Record>{rec(1, {"a", "b c", ""})}));
}

TEST(CsvReader, SingleQuoteAsQuote) {
  Dialect d;
  d.quote = d.escape = '\'';
  EXPECT_EQ(read("'it''s, fine',\"x\"\n", {}, d),
            (std::vector<Record>{rec(1, {"it's, fine", "\"x\""}, {true, false})}));
}

TEST(CsvReader, LinesCountPhysicalLinesAndSkipEmptyOnes) {
  const auto records = read("\n\na\n\r\n\rb\r\n\"c\r\nd\"\r\n\"e\rf\ng\"\nh");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].line, 3u);
  EXPECT_EQ(records[1].line, 6u);
  EXPECT_EQ(records[2].line, 7u);  // its CRLF inside quotes counts as one line end
  EXPECT_EQ(records[3].line, 9u);
  EXPECT_EQ(records[4].line, 12u);  // a lone CR and an LF inside quotes: two more
}

TEST(CsvReader, QuotedEmptyIsNotAnEmptyLine) {
  EXPECT_EQ(read("\"\"\n\n,\n"), (std::vector<Record>{rec(1, {""}, {true}), rec(3, {"", ""})}));
}

TEST(CsvReader, BomOnlyAtTheStartAndOnlyWhole) {
  EXPECT_EQ(read("\xEF\xBB\xBF"
                 "a\n\xEF\xBB\xBF"
                 "b\n"),
            (std::vector<Record>{rec(1, {"a"}), rec(2, {"\xEF\xBB\xBF"
                                                        "b"})}));
  EXPECT_EQ(read("\xEF\xBBx\n", {1}), (std::vector<Record>{rec(1, {"\xEF\xBBx"})}));
  EXPECT_EQ(read("\xEF\xBB", {1}), (std::vector<Record>{rec(1, {"\xEF\xBB"})}));
  EXPECT_TRUE(read("\xEF\xBB\xBF", {1, 2}).empty());
}

TEST(CsvReader, ACutSampleKeepsItsLastRecordUntilFinish) {
  EXPECT_EQ(read("a,b\nc,\"d\ne", {}, {}, false), (std::vector<Record>{rec(1, {"a", "b"})}));
  EXPECT_EQ(read("a,b\nc,d\r", {}, {}, false),
            (std::vector<Record>{rec(1, {"a", "b"}), rec(2, {"c", "d"})}));
}

TEST(CsvReader, CountsBytesAndLines) {
  RecordReader reader({});
  const RecordReader::Callback ignore = [](const std::vector<Field>&, std::uint64_t) {};
  reader.feed(
      "\xEF\xBB\xBF"
      "a\r\n",
      ignore);
  reader.feed("b\n", ignore);
  reader.finish(ignore);
  EXPECT_EQ(reader.bytes_seen(), 8u);
  EXPECT_EQ(reader.lines_seen(), 3u);
}

std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(CsvReader, RefusesARecordOverTheLimitNamingItsLine) {
  const RecordReader::Callback ignore = [](const std::vector<Field>&, std::uint64_t) {};
  const std::string big = "ok\n" + std::string(101, 'x') + "\n";
  for (const std::size_t piece : {std::size_t{1000}, std::size_t{7}}) {
    const auto run = [&] {
      RecordReader reader({}, 100);
      for (std::size_t at = 0; at < big.size(); at += piece)
        reader.feed(big.substr(at, piece), ignore);
      reader.finish(ignore);
    };
    EXPECT_EQ(sqlstate_of(run), "22P04");
    EXPECT_EQ(error_message(run), "CSV record on line 2 is longer than 100 bytes");
  }
  // An open quote makes the rest of the stream one record: refused once it is too long,
  // however little is fed at a time.
  RecordReader reader({}, 100);
  EXPECT_EQ(sqlstate_of([&] {
              reader.feed("\"", ignore);
              for (int i = 0; i < 200; ++i) reader.feed("x\n", ignore);
            }),
            "22P04");
  RecordReader exact({}, 3);
  EXPECT_EQ(sqlstate_of([&] { exact.feed("abc\n", ignore); }), "none");
}

TEST(CsvReader, RefusesAnOpenQuoteAtTheEnd) {
  const auto run = [] { read("a,b\n1,\"open\n\nstill"); };
  EXPECT_EQ(sqlstate_of(run), "22P04");
  EXPECT_EQ(error_message(run), "unterminated quoted field in CSV record on line 2");
  EXPECT_EQ(sqlstate_of([] { read("\"a\\", {}, {',', '"', '\\', true}); }), "22P04");
  EXPECT_EQ(sqlstate_of([] { read("\"a\"\"", {}); }), "22P04");
  EXPECT_EQ(sqlstate_of([] { read("\"a\"", {}); }), "none");
}

TEST(CsvReader, RefusesTooManyFields) {
  const std::string wide(RecordReader::kMaxFields, ',');
  EXPECT_EQ(sqlstate_of([&] { read(wide + "\n"); }), "22P04");
  EXPECT_EQ(read(wide.substr(1) + "\n").front().fields.size(), RecordReader::kMaxFields);
}

TEST(CsvReader, RefusesAnAmbiguousDialect) {
  EXPECT_EQ(sqlstate_of([] { RecordReader({',', ',', '"', true}); }), "22023");
  EXPECT_EQ(sqlstate_of([] { RecordReader({',', '"', ',', true}); }), "22023");
  EXPECT_EQ(sqlstate_of([] { RecordReader({'\n', '"', '"', true}); }), "22023");
  EXPECT_EQ(sqlstate_of([] { RecordReader({',', '\r', '\r', true}); }), "22023");
}

// Random inputs over the bytes that matter: split anywhere, the records (or the
// error) are those of the whole input in one feed.
TEST(CsvReader, RandomInputsReadTheSameAtRandomSplits) {
  std::mt19937 rng(20240229);
  const std::string alphabet = "a,\"\n\r\\;x";
  for (int round = 0; round < 3000; ++round) {
    std::string input(rng() % 40, ' ');
    for (char& c : input) c = alphabet[rng() % alphabet.size()];
    Dialect d;
    if (round % 2) d.escape = '\\';
    std::vector<std::size_t> cuts;
    for (std::size_t i = 0; i < input.size(); ++i)
      if (rng() % 4 == 0) cuts.push_back(i);
    std::string whole_error = "none", split_error = "none";
    std::vector<Record> whole, split;
    try {
      whole = read(input, {}, d);
    } catch (const Error& e) {
      whole_error = e.what();
    }
    try {
      split = read(input, cuts, d);
    } catch (const Error& e) {
      split_error = e.what();
    }
    ASSERT_EQ(whole_error, split_error) << input;
    ASSERT_EQ(whole, split) << input;
  }
}

}  // namespace
}  // namespace automl::csv
