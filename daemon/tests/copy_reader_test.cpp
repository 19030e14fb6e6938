// copy_reader_test.cpp — COPY text format as PostgreSQL writes it: NULLs, every
// backslash escape, and rows split into fields.
#include "copy_reader.hpp"

#include <gtest/gtest.h>

#include "automl/error.hpp"

namespace automl_worker {
namespace {

std::optional<std::string> decode(std::string_view raw) {
  std::string scratch;
  std::string_view out;
  if (!decode_copy_field(raw, scratch, out)) return std::nullopt;
  return std::string(out);
}

TEST(DecodeCopyField, BackslashNIsNull) {
  EXPECT_EQ(decode("\\N"), std::nullopt);
  EXPECT_EQ(decode("N"), "N");
  EXPECT_EQ(decode("\\\\N"), "\\N");  // the text \N, escaped by COPY
  EXPECT_EQ(decode(""), "");          // an empty string is not NULL
}

TEST(DecodeCopyField, DecodesEveryEscapeCopyWrites) {
  EXPECT_EQ(decode("a\\tb\\nc\\rd"), "a\tb\nc\rd");
  EXPECT_EQ(decode("\\b\\f\\v"), "\b\f\v");
  EXPECT_EQ(decode("back\\\\slash"), "back\\slash");
  EXPECT_EQ(decode("\\x"), "x");  // any other escaped character stands for itself
  EXPECT_EQ(decode("end\\"), "end\\");
}

TEST(DecodeCopyField, PlainTextIsAViewOfTheInput) {
  const std::string raw = "plain";
  std::string scratch;
  std::string_view out;
  ASSERT_TRUE(decode_copy_field(raw, scratch, out));
  EXPECT_EQ(out.data(), raw.data());
  EXPECT_TRUE(scratch.empty());
}

TEST(CopyRow, SplitsOnTabsAndDecodesEachField) {
  CopyRow row(3);
  row.parse("1.5\t\\N\tx\\ty\n", 1);
  EXPECT_EQ(row[0], std::optional<std::string_view>("1.5"));
  EXPECT_EQ(row[1], std::nullopt);
  EXPECT_EQ(row[2], std::optional<std::string_view>("x\ty"));
  // Decoded fields stay valid together: each has its own scratch.
  row.parse("a\\nb\tc\\nd\t", 2);
  const auto first = row[0], second = row[1], third = row[2];
  EXPECT_EQ(*first, "a\nb");
  EXPECT_EQ(*second, "c\nd");
  EXPECT_EQ(*third, "");
}

TEST(CopyRow, TheLastFieldRunsToTheEndOfTheLine) {
  CopyRow row(1);
  row.parse("{a,b}", 7);
  EXPECT_EQ(row[0], std::optional<std::string_view>("{a,b}"));
  EXPECT_EQ(row.size(), 1u);
}

TEST(CopyRow, AShortRowIsAnInternalError) {
  CopyRow row(3);
  try {
    row.parse("only\ttwo", 12);
    FAIL() << "a short row was accepted";
  } catch (const automl::Error& e) {
    EXPECT_EQ(e.sqlstate(), automl::sqlstate::kInternalError);
    EXPECT_STREQ(e.what(), "COPY row 12 is short");
  }
}

}  // namespace
}  // namespace automl_worker
