// csv_values_test.cpp — the CSV value recognisers accept what PostgreSQL 15's input
// functions accept, within the subset documented in csv_values.hpp. Every case below
// was also cast by a PostgreSQL 15 server ('v'::integer and so on): each accepted
// one is valid there, and each refused one is either refused there too or marked as
// one PostgreSQL takes but we leave to text.
#include "automl/csv_values.hpp"

#include <gtest/gtest.h>

#include <string>

namespace automl::csv {
namespace {

using std::string_literals::operator""s;

TEST(CsvValues, Booleans) {
  for (const char* v : {"t", "f", "true", "FALSE", "Yes", "no", "y", "N", "on", "OFF", " true "})
    EXPECT_TRUE(parse_boolean(v).has_value()) << v;
  EXPECT_EQ(parse_boolean("TRUE"), true);
  EXPECT_EQ(parse_boolean("off"), false);
  for (const char* v : {"", "o", "yess", "truth", "t t", "nope"})  // PostgreSQL refuses too
    EXPECT_FALSE(parse_boolean(v).has_value()) << v;
  for (const char* v : {"1", "0"}) EXPECT_FALSE(parse_boolean(v).has_value()) << v;  // integers
}

TEST(CsvValues, IntegersAtTheInt4AndInt8Boundaries) {
  EXPECT_TRUE(is_integer("2147483647"));
  EXPECT_FALSE(is_integer("2147483648"));
  EXPECT_TRUE(is_bigint("2147483648"));
  EXPECT_TRUE(is_integer("-2147483648"));
  EXPECT_FALSE(is_integer("-2147483649"));
  EXPECT_TRUE(is_bigint("9223372036854775807"));
  EXPECT_FALSE(is_bigint("9223372036854775808"));
  EXPECT_TRUE(is_bigint("-9223372036854775808"));
  EXPECT_FALSE(is_bigint("-9223372036854775809"));
  EXPECT_FALSE(is_bigint("99999999999999999999"));
  EXPECT_TRUE(is_integer("0000000000000000000000042"));  // leading zeros are fine
}

TEST(CsvValues, IntegerSyntax) {
  for (const char* v : {"0", "-0", "+5", " 42 ", "\t7\n", "007"}) EXPECT_TRUE(is_integer(v)) << v;
  // PostgreSQL 15 refuses these too (1_000 and 0x10 arrive in 16).
  for (const char* v : {"", " ", "-", "+", "1.0", "1e3", "1 2", "0x10", "1_000", "--1", "½"})
    EXPECT_FALSE(is_integer(v)) << v;
}

TEST(CsvValues, Doubles) {
  for (const char* v : {"1.5", ".5", "5.", "-.5e-3", "+1E10", "1e308", "1e-320", "0e-400", "NaN",
                        "nan", "Infinity", "-Infinity", "+infinity", "inf", "-INF", " 2.5 "})
    EXPECT_TRUE(is_double(v)) << v;
  // Overflow and underflow to zero fail in float8in, as do the malformed ones.
  for (const char* v : {"1e400", "-1e400", "1e-400", ".", "e5", "1e", "1e+", "1.2.3", "1,5",
                        "Infinit", "infinity x", ""})
    EXPECT_FALSE(is_double(v)) << v;
  // glibc's strtod reads these and so does PostgreSQL; no CSV means them as numbers.
  for (const char* v : {"0x10", "-NaN"}) EXPECT_FALSE(is_double(v)) << v;
  EXPECT_TRUE(is_double("1" + std::string(300, '0')));
  EXPECT_FALSE(is_double("1" + std::string(309, '0')));
  EXPECT_TRUE(is_double("0." + std::string(300, '0') + "1"));
  EXPECT_FALSE(is_double("0." + std::string(330, '0') + "1"));
}

TEST(CsvValues, NumericWhenFloat8WouldLoseDigits) {
  EXPECT_FALSE(needs_numeric("1234567890.12345"));  // 15 significant digits
  EXPECT_TRUE(needs_numeric("1234567890.123456"));  // 16
  EXPECT_TRUE(needs_numeric("3.14159265358979323846"));
  EXPECT_TRUE(needs_numeric("12345678901234567890"));
  EXPECT_FALSE(needs_numeric("100000000000000000000"));  // one significant digit
  EXPECT_FALSE(needs_numeric("0.000000000000000001"));
  EXPECT_FALSE(needs_numeric("1.0000000000000000000"));
  EXPECT_FALSE(needs_numeric("NaN"));
  EXPECT_FALSE(needs_numeric("abc"));
  for (const char* v : {"1e400", "1e-400", "NaN", "-Infinity", "12345678901234567890.5"})
    EXPECT_TRUE(is_numeric(v)) << v;
  EXPECT_FALSE(is_numeric("1e1001"));  // beyond our bound, not beyond PostgreSQL's
  EXPECT_FALSE(is_numeric("1,5"));
}

TEST(CsvValues, DatesAreRealIsoDates) {
  for (const char* v : {"2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", " 2023-01-02 "})
    EXPECT_TRUE(is_date(v)) << v;
  for (const char* v : {"2023-02-29", "1900-02-29", "2023-02-30", "2023-04-31", "2023-13-01",
                        "2023-00-10", "2023-01-00", "0000-01-01"})  // PostgreSQL refuses too
    EXPECT_FALSE(is_date(v)) << v;
  // PostgreSQL takes these, some by DateStyle (01/02/2023 is January or February): text.
  for (const char* v : {"01/02/2023", "02.01.2023", "2023/01/02", "Jan 2 2023", "20230102",
                        "2023-1-5", "10000-01-01"})
    EXPECT_FALSE(is_date(v)) << v;
}

TEST(CsvValues, TimestampsWithoutZone) {
  for (const char* v : {"2023-01-02 03:04", "2023-01-02T03:04:05", "2023-01-02 23:59:59.123456",
                        "2023-01-02 00:00:00.123456789", "2024-02-29 12:00", "2023-01-02"})
    EXPECT_TRUE(is_timestamp(v)) << v;
  for (const char* v : {"2023-01-02 23:60", "2023-02-29 00:00", "2023-01-02 03"})
    EXPECT_FALSE(is_timestamp(v)) << v;  // PostgreSQL refuses too
  // PostgreSQL takes these (and drops the zone of a timestamp); we leave them to text, or
  // the zoned one to timestamptz.
  for (const char* v :
       {"2023-01-02 24:00", "2023-01-02 23:59:60", "2023-01-02 3:04", "2023-01-02 03:04:05.",
        "2023-01-02 03:04:05.1234567890", "2023-01-02  03:04", "2023-01-02 03:04Z"})
    EXPECT_FALSE(is_timestamp(v)) << v;
}

TEST(CsvValues, TimestampsWithZone) {
  for (const char* v : {"2023-01-02 03:04Z", "2023-01-02T03:04:05z", "2023-01-02 03:04:05+02",
                        "2023-01-02 03:04-05:30", "2023-01-02 03:04:05.5+0530",
                        "2023-01-02 03:04+15:59", "9999-12-31 23:59-15"}) {
    EXPECT_TRUE(is_timestamptz(v)) << v;
    EXPECT_TRUE(has_zone(v)) << v;
  }
  EXPECT_TRUE(is_timestamptz("2023-01-02 03:04"));
  EXPECT_FALSE(has_zone("2023-01-02 03:04"));
  EXPECT_TRUE(is_timestamptz("2023-01-02"));
  for (const char* v : {"2023-01-02 03:04+16", "2023-01-02 03:04+05:60"})
    EXPECT_FALSE(is_timestamptz(v)) << v;  // beyond PostgreSQL's offsets
  // PostgreSQL takes these; zone names depend on the server's tz data, the rest are rare.
  for (const char* v : {"2023-01-02 03:04+5", "2023-01-02 03:04+05:3", "2023-01-02 03:04 UTC",
                        "2023-01-02 03:04 +02", "2023-01-02 03:04+05:30:00", "2023-01-02Z"})
    EXPECT_FALSE(is_timestamptz(v)) << v;
}

TEST(CsvValues, FitsTypeUsesTheRecogniserOfEachType) {
  EXPECT_TRUE(fits_type(ColumnType::Boolean, "yes"));
  EXPECT_TRUE(fits_type(ColumnType::Integer, "-7"));
  EXPECT_FALSE(fits_type(ColumnType::Integer, "3000000000"));
  EXPECT_TRUE(fits_type(ColumnType::BigInt, "3000000000"));
  EXPECT_TRUE(fits_type(ColumnType::Double, "2.5"));
  EXPECT_TRUE(fits_type(ColumnType::Numeric, "1e400"));
  EXPECT_TRUE(fits_type(ColumnType::Date, "2024-02-29"));
  EXPECT_TRUE(fits_type(ColumnType::Timestamp, "2024-02-29 10:00"));
  EXPECT_TRUE(fits_type(ColumnType::TimestampTz, "2024-02-29 10:00Z"));
  EXPECT_TRUE(fits_type(ColumnType::Text, "anything \xFF"));
}

TEST(CsvValues, Utf8) {
  for (const std::string& v : {""s, "plain ascii text"s, "caf\xC3\xA9"s, "\xE2\x82\xAC"s,
                               "\xF0\x9D\x84\x9E"s, "\xF4\x8F\xBF\xBF"s, "\xEF\xBB\xBF"s,
                               "\xE0\xA0\x80"s, "\xED\x9F\xBF"s, "0123456789abcdef\xC3\xA9"s})
    EXPECT_TRUE(valid_utf8(v)) << v;
  for (const std::string& v :
       {"\xC0\x80"s, "\xC1\xBF"s, "\xE0\x80\x80"s, "\xE0\x9F\xBF"s, "\xF0\x8F\xBF\xBF"s,
        "\xED\xA0\x80"s, "\xED\xBF\xBF"s, "\xF4\x90\x80\x80"s, "\xF5\x80\x80\x80"s, "\xFF"s,
        "\x80"s, "\xC3"s, "\xE2\x82"s, "abc\xC3"s, "\xC3(x"s, "a\0b"s, "abcdefg\0hijklmno"s,
        "abcdefgh\xE2\x28\xA1"s})
    EXPECT_FALSE(valid_utf8(v)) << v;
}

TEST(CsvValues, TrimSpaceDropsWhatPostgresSkips) {
  EXPECT_EQ(trim_space(" \t\r\n\v\f42 \t"), "42");
  EXPECT_EQ(trim_space("   "), "");
  EXPECT_EQ(trim_space("a b"), "a b");
}

TEST(CsvDialect, SqlTypeNamesBothWays) {
  const ColumnType all[] = {ColumnType::Boolean,   ColumnType::Integer,     ColumnType::BigInt,
                            ColumnType::Double,    ColumnType::Numeric,     ColumnType::Date,
                            ColumnType::Timestamp, ColumnType::TimestampTz, ColumnType::Text};
  for (const ColumnType t : all) EXPECT_EQ(column_type_from_sql(sql_type_name(t)), t);
  EXPECT_STREQ(sql_type_name(ColumnType::Double), "double precision");
  EXPECT_STREQ(sql_type_name(ColumnType::TimestampTz), "timestamp with time zone");
  EXPECT_EQ(column_type_from_sql("INT"), ColumnType::Integer);
  EXPECT_EQ(column_type_from_sql("int4"), ColumnType::Integer);
  EXPECT_EQ(column_type_from_sql("Int8"), ColumnType::BigInt);
  EXPECT_EQ(column_type_from_sql("float8"), ColumnType::Double);
  EXPECT_EQ(column_type_from_sql("  Double   Precision "), ColumnType::Double);
  EXPECT_EQ(column_type_from_sql("bool"), ColumnType::Boolean);
  EXPECT_EQ(column_type_from_sql("TIMESTAMPTZ"), ColumnType::TimestampTz);
  EXPECT_EQ(column_type_from_sql("decimal"), ColumnType::Numeric);
  for (const char* other : {"real", "smallint", "varchar", "numeric(10,2)", "timestamp(3)",
                            "timestamp with time", "json", "", "int4[]"})
    EXPECT_EQ(column_type_from_sql(other), std::nullopt) << other;
}

}  // namespace
}  // namespace automl::csv
