// csv_sniffer_test.cpp — the sniffer finds the dialect, the header, the column types
// and the NULL spellings of the files people export, and says why.
#include "automl/csv_sniffer.hpp"

#include <gtest/gtest.h>

#include "automl/csv_reader.hpp"
#include "automl/interrupt.hpp"
#include "sqlstate_of.hpp"

namespace automl::csv {
namespace {

std::vector<ColumnType> types(const Sniffed& s) {
  std::vector<ColumnType> out;
  for (const auto& c : s.columns) out.push_back(c.type);
  return out;
}

std::vector<std::string> names(const Sniffed& s) {
  std::vector<std::string> out;
  for (const auto& c : s.columns) out.push_back(c.name);
  return out;
}

// n data rows of the given line, after a header.
std::string repeated(const std::string& header, const std::string& row, int n) {
  std::string out = header + "\n";
  for (int i = 0; i < n; ++i) out += row + "\n";
  return out;
}

TEST(CsvSniffer, CommaFileWithHeaderAndTypes) {
  const std::string csv =
      "id,price,active,day,at,at_utc,name\n"
      "1,4.5,true,2024-02-29,2024-02-29 10:00,2024-02-29 10:00:00Z,\"Smith, J\"\n"
      "2,3,false,2023-12-31,2023-12-31T23:59:59,2023-12-31 23:59+02:00,Lee\n"
      "3,-1e3,yes,2000-01-01,2000-01-01,2000-01-01 00:00,\"\"\n";
  const Sniffed s = sniff(csv, true, {});
  EXPECT_EQ(s.dialect.delimiter, ',');
  EXPECT_EQ(s.dialect.quote, '"');
  EXPECT_EQ(s.dialect.escape, '"');
  EXPECT_TRUE(s.dialect.header);
  EXPECT_EQ(names(s),
            (std::vector<std::string>{"id", "price", "active", "day", "at", "at_utc", "name"}));
  EXPECT_EQ(types(s),
            (std::vector<ColumnType>{ColumnType::Integer, ColumnType::Double, ColumnType::Boolean,
                                     ColumnType::Date, ColumnType::Timestamp,
                                     ColumnType::TimestampTz, ColumnType::Text}));
  EXPECT_EQ(s.dialect_reason,
            "delimiter ',', quote '\"': 4 of 4 sampled records have 7 fields (next best, ';': 4 "
            "with 1); header: first row 'id' is not an integer like the 3 rows below");
  EXPECT_EQ(s.columns[0].reason, "integer: all 3 sampled values are whole numbers within int4");
  EXPECT_EQ(s.columns[1].reason,
            "double precision: all 3 sampled values are numbers, 2 with a fraction, an exponent "
            "or beyond int8 (e.g. '4.5' on line 2)");
}

TEST(CsvSniffer, SemicolonAndTabFiles) {
  const Sniffed semi = sniff(repeated("a;b;c", "1,5;x, y;2", 5), true, {});
  EXPECT_EQ(semi.dialect.delimiter, ';');
  EXPECT_EQ(types(semi),
            (std::vector<ColumnType>{ColumnType::Text, ColumnType::Text, ColumnType::Integer}));
  const Sniffed tab = sniff(repeated("a\tb", "1\t2024-01-01", 5), true, {});
  EXPECT_EQ(tab.dialect.delimiter, '\t');
  EXPECT_EQ(types(tab), (std::vector<ColumnType>{ColumnType::Integer, ColumnType::Date}));
  const Sniffed pipe = sniff(repeated("a|b", "x|y", 3), true, {});
  EXPECT_EQ(pipe.dialect.delimiter, '|');
}

TEST(CsvSniffer, QuoteAndEscapeCandidates) {
  const Sniffed single = sniff(repeated("a,b", "'x, y',1", 4), true, {});
  EXPECT_EQ(single.dialect.quote, '\'');
  EXPECT_EQ(single.columns.size(), 2u);
  const Sniffed backslash = sniff(repeated("a,b", "\"say \\\"hi, there\\\"\",1", 4), true, {});
  EXPECT_EQ(backslash.dialect.quote, '"');
  EXPECT_EQ(backslash.dialect.escape, '\\');
  EXPECT_NE(backslash.dialect_reason.find("escape '\\'"), std::string::npos);
}

TEST(CsvSniffer, OneColumnWhenNoDelimiterSplitsRecords) {
  const Sniffed s = sniff("word\nalpha\nbeta\ngamma\n", true, {});
  EXPECT_EQ(s.columns.size(), 1u);
  EXPECT_EQ(s.columns[0].name, "word");
}

TEST(CsvSniffer, MoreFieldsBeatMoreConsistentSingleFields) {
  // Under ';' all five records agree on one field, under ',' four agree on two: two win.
  const Sniffed s = sniff("a,b\n1,2\n3,4\n5,6\n7\n", true, {});
  EXPECT_EQ(s.dialect.delimiter, ',');
  EXPECT_EQ(s.columns.size(), 2u);
}

TEST(CsvSniffer, HeaderlessTypedFile) {
  const Sniffed s = sniff("1,2.5,2024-01-01\n2,3.5,2024-01-02\n3,4,2024-01-03\n", true, {});
  EXPECT_FALSE(s.dialect.header);
  EXPECT_EQ(names(s), (std::vector<std::string>{"column1", "column2", "column3"}));
  EXPECT_EQ(types(s),
            (std::vector<ColumnType>{ColumnType::Integer, ColumnType::Double, ColumnType::Date}));
  EXPECT_NE(s.dialect_reason.find("no header: first row '1' is an integer like the 2 rows below"),
            std::string::npos)
      << s.dialect_reason;
  EXPECT_EQ(s.columns[0].reason, "integer: all 3 sampled values are whole numbers within int4");
}

TEST(CsvSniffer, HeaderOfAnAllTextFile) {
  const Sniffed with = sniff("name,city\nann,paris\nbob,rome\n", true, {});
  EXPECT_TRUE(with.dialect.header);
  EXPECT_NE(with.dialect_reason.find("'name' appears nowhere below"), std::string::npos);
  // Each first-row value appears again below: data.
  const Sniffed without = sniff("red,small\nblue,large\nred,small\n", true, {});
  EXPECT_FALSE(without.dialect.header);
  // An empty or repeated value is no header either.
  EXPECT_FALSE(sniff("a,\nx,y\nz,w\n", true, {}).dialect.header);
  EXPECT_FALSE(sniff("a,a\nx,y\nz,w\n", true, {}).dialect.header);
}

TEST(CsvSniffer, HeaderGivenOverridesTheGuess) {
  SniffOptions no_header;
  no_header.header = false;
  const Sniffed s = sniff("id,n\n1,2\n3,4\n", true, no_header);
  EXPECT_FALSE(s.dialect.header);
  EXPECT_EQ(types(s), (std::vector<ColumnType>{ColumnType::Text, ColumnType::Text}));
  EXPECT_NE(s.dialect_reason.find("no header as given"), std::string::npos);
}

TEST(CsvSniffer, IntegerBoundaryDecidesInt4OrInt8) {
  EXPECT_EQ(sniff("n\n1\n2147483647\n-2147483648\n", true, {}).columns[0].type,
            ColumnType::Integer);
  const Sniffed big = sniff("n\n1\n2147483648\n", true, {});
  EXPECT_EQ(big.columns[0].type, ColumnType::BigInt);
  EXPECT_EQ(big.columns[0].reason,
            "bigint: all 2 sampled values are whole numbers, 1 beyond int4 (e.g. '2147483648' on "
            "line 3)");
  EXPECT_EQ(sniff("n\n1\n9223372036854775808\n", true, {}).columns[0].type, ColumnType::Numeric);
  EXPECT_EQ(sniff("n\n1.5\n3.141592653589793238\n", true, {}).columns[0].type, ColumnType::Numeric);
  EXPECT_EQ(sniff("n\n1\n0\n", true, {}).columns[0].type, ColumnType::Integer);  // not boolean
}

TEST(CsvSniffer, DatesAndTimestamps) {
  EXPECT_EQ(sniff("d\n2024-02-29\n2023-01-01\n", true, {}).columns[0].type, ColumnType::Date);
  EXPECT_EQ(sniff("d\n2023-02-29\n2023-01-01\n", true, {}).columns[0].type, ColumnType::Text);
  EXPECT_EQ(sniff("d\n01/02/2023\n03/04/2023\n", true, {}).columns[0].type, ColumnType::Text);
  EXPECT_EQ(sniff("d\n2023-01-01\n2023-01-01 10:00\n", true, {}).columns[0].type,
            ColumnType::Timestamp);
  const Sniffed tz = sniff("d\n2023-01-01 10:00\n2023-01-01 10:00+01\n", true, {});
  EXPECT_EQ(tz.columns[0].type, ColumnType::TimestampTz);
  EXPECT_EQ(tz.columns[0].reason,
            "timestamp with time zone: all 2 sampled values are ISO dates or timestamps, 1 with "
            "a zone (e.g. '2023-01-01 10:00+01' on line 3)");
}

TEST(CsvSniffer, NullSpellingsOnlyWhereTheyKeepAColumnFromItsType) {
  const Sniffed s = sniff(
      "score,label,ratio,flag\n"
      "1.5,NA,NaN,true\n"
      "NA,x,2.5,-\n"
      ",y,,NaN\n"
      "2,NA,NA,false\n",
      true, {});
  ASSERT_EQ(s.columns.size(), 4u);
  EXPECT_EQ(s.columns[0].type, ColumnType::Double);
  EXPECT_EQ(s.columns[0].null_spellings, (std::vector<std::string>{"NA"}));
  EXPECT_EQ(s.columns[0].reason,
            "double precision: all 2 sampled values are numbers, 1 with a fraction, an exponent "
            "or beyond int8 (e.g. '1.5' on line 2); 'NA' (1 time) counts as NULL");
  EXPECT_EQ(s.columns[1].type, ColumnType::Text);  // NA is a label like any other
  EXPECT_TRUE(s.columns[1].null_spellings.empty());
  EXPECT_EQ(s.columns[2].type, ColumnType::Double);  // NaN is a double; NA is NULL
  EXPECT_EQ(s.columns[2].null_spellings, (std::vector<std::string>{"NA"}));
  EXPECT_EQ(s.columns[3].type, ColumnType::Boolean);  // NaN is NULL outside numbers
  EXPECT_EQ(s.columns[3].null_spellings, (std::vector<std::string>{"NaN", "-"}));
}

TEST(CsvSniffer, NullSpellingsGivenApplyEverywhere) {
  SniffOptions options;
  options.null_spellings = std::vector<std::string>{"?"};
  const Sniffed s = sniff("a,b\n1,x\n?,?\nNA,y\n", true, options);
  EXPECT_EQ(s.columns[0].type, ColumnType::Text);  // NA is not NULL now
  EXPECT_EQ(s.columns[0].null_spellings, (std::vector<std::string>{"?"}));
  EXPECT_EQ(s.columns[1].null_spellings, (std::vector<std::string>{"?"}));
  EXPECT_EQ(sniff("a\n1\n?\n", true, options).columns[0].type, ColumnType::Integer);
}

TEST(CsvSniffer, ColumnsWithoutValuesAreText) {
  const Sniffed s = sniff("a,b,c\n1,,NA\n2,\"\",NA\n", true, {});
  EXPECT_EQ(types(s),
            (std::vector<ColumnType>{ColumnType::Integer, ColumnType::Text, ColumnType::Text}));
  EXPECT_EQ(s.columns[1].reason, "text: no non-NULL value among the 2 sampled records");
  EXPECT_EQ(s.columns[2].reason,
            "text: its only values are 'NA' (2 times), which stay text: no type needs them to be "
            "NULL");
}

TEST(CsvSniffer, TextReasonNamesTheValueThatDidNotFit) {
  const Sniffed s = sniff("n\n1\n2\nabc\n4\n", true, {});
  EXPECT_EQ(s.columns[0].type, ColumnType::Text);
  EXPECT_EQ(s.columns[0].reason,
            "text: 1 of 4 sampled values are not numbers (e.g. 'abc' on line 4)");
}

TEST(CsvSniffer, NamesAreTrimmedFilledDeduplicatedAndCut) {
  const std::string long_name(70, 'x');
  const std::string accented = std::string(62, 'a') + "\xC3\xA9";  // 64 bytes: é would split
  const Sniffed s = sniff(" id ,,id,id," + long_name + "," + long_name + "," + accented +
                              ",na\xC3\xAFve\n" + "1,2,3,4,5,6,7,8\n",
                          true, {});
  ASSERT_EQ(s.columns.size(), 8u);
  EXPECT_EQ(names(s), (std::vector<std::string>{"id", "column2", "id_2", "id_3",
                                                std::string(63, 'x'), std::string(61, 'x') + "_2",
                                                std::string(62, 'a'), "na\xC3\xAFve"}));
  EXPECT_EQ(column_names({"a", "\xFF", "a_2", "a"}, 5),
            (std::vector<std::string>{"a", "column2", "a_2", "a_3", "column5"}));
}

TEST(CsvSniffer, CutSampleIgnoresItsLastRecord) {
  // The last record is cut in the middle of its number: as a whole file it is text.
  const std::string sample = "a,b\n1,2\n3,4\n5,x";
  EXPECT_EQ(sniff(sample, false, {}).columns[1].type, ColumnType::Integer);
  EXPECT_EQ(sniff(sample, true, {}).columns[1].type, ColumnType::Text);
  // An open quote at the end of a whole file rules its quote out.
  const std::string open = "a,b\n1,2\n3,\"4\n";
  EXPECT_EQ(sniff(open, true, {}).dialect.quote, '\'');
}

TEST(CsvSniffer, SampleRecordsBoundsTheRowsLookedAt) {
  SniffOptions options;
  options.sample_records = 2;
  EXPECT_EQ(sniff("n\n1\n2\nabc\n", true, options).columns[0].type, ColumnType::Integer);
}

TEST(CsvSniffer, GivenDialectIsNotGuessed) {
  SniffOptions options;
  options.delimiter = ';';
  const Sniffed s = sniff("a,b\n1,2\n", true, options);
  EXPECT_EQ(s.dialect.delimiter, ';');
  EXPECT_EQ(s.columns.size(), 1u);
  EXPECT_NE(s.dialect_reason.find("delimiter ';' as given"), std::string::npos);
  SniffOptions contradictory;
  contradictory.delimiter = contradictory.quote = ',';
  EXPECT_EQ(sqlstate_of([&] { sniff("a\n", true, contradictory); }), "22023");
}

TEST(CsvSniffer, NothingToGuessFrom) {
  EXPECT_TRUE(sniff("", true, {}).columns.empty());
  const Sniffed cut = sniff("a,b,c", false, {});
  EXPECT_TRUE(cut.columns.empty());
  EXPECT_EQ(cut.dialect_reason, "no complete record in the 5-byte sample: nothing to guess from");
}

TEST(CsvSniffer, BomAndCrlfAndUtf8Values) {
  const Sniffed s = sniff("\xEF\xBB\xBFnom,prix\r\ncaf\xC3\xA9,2\r\nth\xC3\xA9,3\r\n", true, {});
  EXPECT_EQ(names(s), (std::vector<std::string>{"nom", "prix"}));
  EXPECT_EQ(types(s), (std::vector<ColumnType>{ColumnType::Text, ColumnType::Integer}));
}

// A cancelled import stops in the sniffer or between feeds with 57014, not taken for
// a dialect that cannot read the file.
TEST(CsvSniffer, StopsWhenTheHostAsks) {
  set_interrupt_hook([]() -> bool { return true; });
  EXPECT_EQ(sqlstate_of([] { sniff("a,b\n1,2\n", true, {}); }), "57014");
  RecordReader reader({});
  EXPECT_EQ(
      sqlstate_of([&] { reader.feed("a\n", [](const std::vector<Field>&, std::uint64_t) {}); }),
      "57014");
  set_interrupt_hook(nullptr);
  EXPECT_EQ(sniff("a,b\n1,2\n", true, {}).columns.size(), 2u);
}

TEST(CsvSniffer, ReasonsUseThousandsSeparators) {
  const Sniffed s = sniff(repeated("price", "4999", 4999), true, {});
  EXPECT_EQ(s.columns[0].reason, "integer: all 4,999 sampled values are whole numbers within int4");
}

}  // namespace
}  // namespace automl::csv
