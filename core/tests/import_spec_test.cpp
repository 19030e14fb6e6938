// import_spec_test.cpp — the import job's spec: defaults, both forms of
// options.columns, and what is refused (22023) before anything is fetched.
#include "automl/import_spec.hpp"

#include <gtest/gtest.h>

#include "automl/error.hpp"
#include "automl/train_spec.hpp"

namespace automl {
namespace {

nlohmann::json spec_with(nlohmann::json options) {
  return {{"url", "https://example.com/a.csv"}, {"into_table", "public.a"}, {"options", options}};
}

std::string refusal(const nlohmann::json& spec) {
  try {
    ImportSpec::parse(spec);
    return "ok";
  } catch (const Error& e) {
    return std::string(e.sqlstate()) + ": " + e.what();
  }
}

TEST(ImportSpec, DefaultsAreFilledInAndSurviveARoundTrip) {
  const nlohmann::json normalized = normalize_job_spec("import", spec_with({}));
  EXPECT_EQ(normalized["options"]["if_exists"], "fail");
  EXPECT_EQ(normalized["options"]["on_error"], "fail");
  EXPECT_EQ(normalized["options"]["gzip"], "auto");
  EXPECT_TRUE(normalized["options"]["delimiter"].is_null()) << "sniffed";
  EXPECT_EQ(normalize_job_spec("import", normalized), normalized) << "the worker reads it again";
}

TEST(ImportSpec, ColumnsByPositionOrByName) {
  const ImportSpec positional =
      ImportSpec::parse(spec_with({{"columns", {"id", {{"name", "price"}, {"type", "numeric"}}}}}));
  ASSERT_EQ(positional.columns_by_position.size(), 2u);
  EXPECT_FALSE(positional.columns_by_position[0].type);
  EXPECT_EQ(*positional.columns_by_position[1].type, "numeric");
  const ImportSpec named = ImportSpec::parse(spec_with({{"columns", {{"price", "numeric"}}}}));
  ASSERT_EQ(named.types_by_name.size(), 1u);
  EXPECT_EQ(named.types_by_name[0].second, "numeric");
  const nlohmann::json again = ImportSpec::parse(named.to_json()).to_json();
  EXPECT_EQ(again, named.to_json());
}

TEST(ImportSpec, BadSpecsAreRefusedNamingTheKey) {
  EXPECT_NE(refusal({{"into_table", "t"}}).find("needs \"url\""), std::string::npos);
  EXPECT_NE(refusal({{"url", "http://x/"}, {"into_table", "t"}, {"extra", 1}}).find("unknown key"),
            std::string::npos);
  EXPECT_NE(refusal(spec_with({{"delimiter", ",,"}})).find("one character"), std::string::npos);
  EXPECT_NE(refusal(spec_with({{"quote", "\n"}})).find("line end"), std::string::npos);
  EXPECT_NE(refusal(spec_with({{"if_exists", "merge"}})).find("fail, append, replace"),
            std::string::npos);
  EXPECT_NE(refusal(spec_with({{"max_errors", -1}})).find("negative"), std::string::npos);
  EXPECT_NE(refusal(spec_with({{"null", nlohmann::json::array({1})}})).find("options.null"),
            std::string::npos);
  EXPECT_NE(refusal(spec_with({{"columns", nlohmann::json::array()}})).find("options.columns"),
            std::string::npos);
  EXPECT_NE(refusal(spec_with({{"timeout", 0}})).find("timeout"), std::string::npos);
  EXPECT_EQ(refusal({{"url", std::string(3000, 'a')}, {"into_table", "t"}}).substr(0, 5), "22023");
  EXPECT_EQ(refusal(spec_with({{"delimiter", ";"}, {"quote", ";"}})).substr(0, 5), "22023");
}

}  // namespace
}  // namespace automl
