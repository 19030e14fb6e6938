// copy_encoder_test.cpp — CSV records become COPY text lines that load as they should,
// or row errors that name the column and the reason, leaving the output untouched.
#include "automl/copy_encoder.hpp"

#include <gtest/gtest.h>

namespace automl::csv {
namespace {

std::vector<Field> unquoted(const std::vector<std::string_view>& texts) {
  std::vector<Field> out;
  for (const auto t : texts) out.push_back({t, false});
  return out;
}

ColumnSpec column(std::optional<ColumnType> type, std::vector<std::string> nulls = {}) {
  return {"c", type, std::move(nulls)};
}

// The COPY line for one record, or "error <column>: <reason>".
std::string encoded(CopyEncoder& encoder, const std::vector<Field>& fields) {
  std::string out;
  if (const auto error = encoder.encode(fields, out))
    return "error " + std::to_string(error->column) + ": " + error->reason;
  return out;
}

TEST(CopyEncoder, WritesTabSeparatedLines) {
  CopyEncoder e(
      {column(ColumnType::Integer), column(ColumnType::Text), column(ColumnType::Double)});
  EXPECT_EQ(encoded(e, unquoted({"1", "a b", "2.5"})), "1\ta b\t2.5\n");
  std::string out = "earlier\n";
  EXPECT_FALSE(e.encode(unquoted({"2", "x", "3"}), out));
  EXPECT_EQ(out, "earlier\n2\tx\t3\n");
}

TEST(CopyEncoder, EscapesWhatCopyTextFormatWouldRead) {
  CopyEncoder e({column(ColumnType::Text), column(std::nullopt)});
  EXPECT_EQ(encoded(e, unquoted({"back\\slash\ttab", "line\nend\r\n"})),
            "back\\\\slash\\ttab\tline\\nend\\r\\n\n");
  EXPECT_EQ(encoded(e, unquoted({"\\N", "\\."})), "\\\\N\t\\\\.\n");  // data, not markers
}

TEST(CopyEncoder, EmptyFieldsAndNull) {
  CopyEncoder e({column(ColumnType::Text), column(ColumnType::Integer), column(std::nullopt)});
  EXPECT_EQ(encoded(e, unquoted({"", "", ""})), "\\N\t\\N\t\\N\n");
  // A quoted empty field is an empty string where the column can hold one.
  EXPECT_EQ(encoded(e, {{"", true}, {"", true}, {"", true}}), "\t\\N\t\n");
  // Spaces are text's own; in a typed column they are trimmed, and nothing left is NULL.
  EXPECT_EQ(encoded(e, unquoted({"  ", " 7 ", " x "})), "  \t7\t x \n");
  EXPECT_EQ(encoded(e, unquoted({"a", "   ", "b"})), "a\t\\N\tb\n");
}

TEST(CopyEncoder, NullSpellingsOfAColumn) {
  CopyEncoder e({column(ColumnType::Double, {"NA", "-"}), column(ColumnType::Text, {"NA"}),
                 column(ColumnType::Double)});
  EXPECT_EQ(encoded(e, unquoted({" NA ", "NA", "NaN"})), "\\N\t\\N\tNaN\n");
  EXPECT_EQ(encoded(e, {{"-", true}, {" NA", false}, {"1", false}}), "\\N\t NA\t1\n");
  EXPECT_EQ(encoded(e, unquoted({"1", "x", "NA"})),
            "error 2: 'NA' is not a double precision number");
}

TEST(CopyEncoder, BooleansAreCanonical) {
  CopyEncoder e(
      {column(ColumnType::Boolean), column(ColumnType::Boolean), column(ColumnType::Boolean)});
  EXPECT_EQ(encoded(e, unquoted({"TRUE", " no ", "On"})), "t\tf\tt\n");
  EXPECT_EQ(encoded(e, unquoted({"t", "f", "1"})),
            "error 2: '1' is not a boolean (true/false, yes/no, on/off)");
}

TEST(CopyEncoder, RefusesValuesThatDoNotFitTheirType) {
  CopyEncoder e({column(ColumnType::Integer), column(ColumnType::BigInt),
                 column(ColumnType::Double), column(ColumnType::Date),
                 column(ColumnType::Timestamp), column(ColumnType::TimestampTz)});
  const auto row = [&](std::vector<std::string_view> v) { return encoded(e, unquoted(v)); };
  EXPECT_EQ(row({"2147483647", "2147483648", "1e308", "2024-02-29", "2024-02-29 23:59:59.5",
                 "2024-02-29 23:59+05:30"}),
            "2147483647\t2147483648\t1e308\t2024-02-29\t2024-02-29 23:59:59.5\t2024-02-29 "
            "23:59+05:30\n");
  EXPECT_EQ(row({"abc", "1", "1", "2024-01-01", "2024-01-01", "2024-01-01"}),
            "error 0: 'abc' is not an integer");
  EXPECT_EQ(row({"2147483648", "1", "1", "2024-01-01", "2024-01-01", "2024-01-01"}),
            "error 0: '2147483648' is out of range for integer");
  EXPECT_EQ(row({"1", "9223372036854775808", "1", "2024-01-01", "2024-01-01", "2024-01-01"}),
            "error 1: '9223372036854775808' is out of range for bigint");
  EXPECT_EQ(row({"1", "1", "1e400", "2024-01-01", "2024-01-01", "2024-01-01"}),
            "error 2: '1e400' is out of range for double precision");
  EXPECT_EQ(row({"1", "1", "1", "2023-02-29", "2024-01-01", "2024-01-01"}),
            "error 3: '2023-02-29' is not a date (YYYY-MM-DD)");
  EXPECT_EQ(row({"1", "1", "1", "2024-01-01", "2024-01-01 10:00Z", "2024-01-01"}),
            "error 4: '2024-01-01 10:00Z' is not a timestamp (YYYY-MM-DD HH:MM[:SS])");
  EXPECT_EQ(row({"1", "1", "1", "2024-01-01", "2024-01-01", "2024-01-01 10:00 EST"}),
            "error 5: '2024-01-01 10:00 EST' is not a timestamp with time zone");
}

TEST(CopyEncoder, UnknownTypesPassAsGiven) {
  CopyEncoder e({column(std::nullopt, {"NA"})});
  EXPECT_EQ(encoded(e, unquoted({" 12 "})), " 12 \n");
  EXPECT_EQ(encoded(e, unquoted({"NA"})), "\\N\n");
}

TEST(CopyEncoder, WrongFieldCountIsARowError) {
  CopyEncoder e({column(ColumnType::Text), column(ColumnType::Text), column(ColumnType::Text),
                 column(ColumnType::Text)});
  std::string out = "kept";
  const auto error = e.encode(unquoted({"a", "b", "c"}), out);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->column, -1);
  EXPECT_EQ(error->reason, "has 3 fields, 4 expected");
  EXPECT_EQ(out, "kept");
  EXPECT_EQ(encoded(e, unquoted({"a"})), "error -1: has 1 field, 4 expected");
}

TEST(CopyEncoder, RefusesBadUtf8AndNulWithoutTouchingTheOutput) {
  CopyEncoder e({column(ColumnType::Text), column(ColumnType::Text), column(ColumnType::Integer)});
  std::string out = "kept";
  using std::string_view_literals::operator""sv;
  const auto bad = e.encode(unquoted({"fine", "caf\xC3", "1"}), out);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->column, 1);
  EXPECT_EQ(bad->reason, "is not valid UTF-8 (byte 4)");
  EXPECT_EQ(out, "kept");
  EXPECT_EQ(encoded(e, unquoted({"a\0b"sv, "x", "1"})),
            "error 0: contains a NUL byte, which text cannot hold");
  EXPECT_EQ(encoded(e, unquoted({"\xED\xA0\x80", "x", "1"})),
            "error 0: is not valid UTF-8 (byte 1)");  // a surrogate
  EXPECT_EQ(encoded(e, unquoted({"a", "b", "\xFF"})), "error 2: is not valid UTF-8 (byte 1)");
  EXPECT_EQ(encoded(e, unquoted({"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9D\x84\x9E", "b", "1"})),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9D\x84\x9E\tb\t1\n");
}

TEST(CopyEncoder, LongValuesAreCutInMessages) {
  CopyEncoder e({column(ColumnType::Integer)});
  const std::string value = std::string(39, '9') + "\xC3\xA9" + "tail";
  EXPECT_EQ(encoded(e, unquoted({value})),
            "error 0: '" + std::string(39, '9') + "…' is not an integer");
}

}  // namespace
}  // namespace automl::csv
