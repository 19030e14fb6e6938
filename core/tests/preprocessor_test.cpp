// preprocessor_test.cpp — typed columns into features: parsing, imputation,
// one-hot encoding, calendar parts, arrays, ratios; the row path equals the batch
// path; the stored form round-trips.
#include "automl/preprocessor.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "automl/error.hpp"
#include "automl/model.hpp"
#include "automl/trainer.hpp"
#include "automl/values.hpp"

namespace automl {
namespace {

Column column(const std::string& name, ColumnType type, std::vector<const char*> texts) {
  Column c;
  c.schema = {name, type, type == ColumnType::NumericArray ? 0 : 1, ""};
  long long row = 0;
  for (const char* t : texts) append_value(c, t ? t : "", t == nullptr, ++row);
  return c;
}

Dataset mixed() {
  Dataset d;
  d.columns.push_back(column("age", ColumnType::Numeric, {"10", "20", nullptr, "40", "30"}));
  d.columns.push_back(
      column("city", ColumnType::Categorical, {"oslo", "rome", "oslo", nullptr, "lima"}));
  d.columns.push_back(column("member", ColumnType::Boolean, {"t", "f", "t", nullptr, "t"}));
  d.columns.push_back(column("day", ColumnType::Date,
                             {"2024-02-29", "2023-01-01", nullptr, "1999-12-31", "2024-03-01"}));
  d.columns.push_back(
      column("v", ColumnType::NumericArray, {"{1,2}", nullptr, "{3,NULL}", "{5,6}", "{7,8}"}));
  d.target_name = "y";
  d.target = {"a", "b", "a", "b", "a"};
  d.target_kind = ValueKind::Text;
  return d;
}

std::vector<Eigen::Index> all_rows(const Dataset& d) {
  std::vector<Eigen::Index> rows(static_cast<size_t>(d.rows()));
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<Eigen::Index>(i);
  return rows;
}

TEST(Values, ParseLikePostgres) {
  EXPECT_EQ(*parse_number(" 2.5 "), 2.5);
  EXPECT_EQ(*parse_number("-1e3"), -1000);
  EXPECT_FALSE(parse_number("1.2.3"));
  EXPECT_FALSE(parse_number("Infinity"));
  EXPECT_FALSE(parse_number(""));
  EXPECT_EQ(*parse_boolean("YES"), true);
  EXPECT_EQ(*parse_boolean("f"), false);
  EXPECT_FALSE(parse_boolean("maybe"));
  EXPECT_EQ(*parse_date("1970-01-02"), 86400);
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_EQ(*parse_timestamp("1970-01-01 01:00:00+01"), 0);
  EXPECT_EQ(*parse_timestamp("1970-01-01T00:00:01.5Z"), 1.5);
  EXPECT_EQ(*parse_timestamp("2000-01-01 00:00:00"), 946684800);
  EXPECT_FALSE(parse_timestamp("yesterday"));
  std::vector<double> a;
  EXPECT_TRUE(parse_number_array("{1, 2.5,NULL}", a));
  EXPECT_EQ(a.size(), 3u);
  EXPECT_TRUE(std::isnan(a[2]));
  EXPECT_FALSE(parse_number_array("{{1,2}}", a));
  const CalendarParts p = calendar_parts(*parse_timestamp("2024-02-29 13:45:00Z"));
  EXPECT_EQ(p.year, 2024);
  EXPECT_EQ(p.month, 2);
  EXPECT_EQ(p.day, 29);
  EXPECT_EQ(p.day_of_week, 4);  // a Thursday, as extract(dow) says
  EXPECT_EQ(p.day_of_year, 60);
  EXPECT_EQ(p.hour, 13);
  EXPECT_EQ(calendar_parts(-86400).day_of_week, 3);  // 1969-12-31, a Wednesday
}

TEST(Values, AppendValueNamesTheColumnAndRow) {
  Column c;
  c.schema = {"price", ColumnType::Numeric, 1, "numeric"};
  append_value(c, "NaN", false, 1);
  EXPECT_TRUE(std::isnan(c.numbers[0]));
  try {
    append_value(c, "Infinity", false, 7);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"price\""), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("row 7"), std::string::npos);
  }
  Column arrays;
  arrays.schema = {"v", ColumnType::NumericArray, 0, ""};
  append_value(arrays, "", true, 1);
  append_value(arrays, "{1,2,3}", false, 2);
  EXPECT_EQ(arrays.schema.width, 3);
  EXPECT_EQ(arrays.numbers.size(), 6u) << "the NULL array read first gets its NaN elements";
  EXPECT_THROW(append_value(arrays, "{1,2}", false, 3), Error);
}

TEST(Preprocessor, EncodesEveryTypeAndImputes) {
  const Dataset d = mixed();
  PreprocessOptions options;
  options.scale = false;
  const Preprocessor p = Preprocessor::fit(d, all_rows(d), options);
  EXPECT_EQ(p.output_names(),
            (std::vector<std::string>{"age", "city=lima", "city=oslo", "city=rome", "member",
                                      "day.year", "day.month", "day.day", "day.dow", "day.doy",
                                      "day.epoch_days", "v[1]", "v[2]"}));
  const Eigen::MatrixXd X = p.transform(d, {});
  EXPECT_EQ(X(2, 0), (10 + 20 + 40 + 30) / 4.0) << "NULL age: the mean";
  EXPECT_EQ(X(3, 2), 1.0) << "NULL city: the most frequent, oslo";
  EXPECT_EQ(X(3, 4), 1.0) << "NULL member: the most frequent, true";
  EXPECT_EQ(X(0, 5), 2024);
  EXPECT_EQ(X(0, 9), 60);
  EXPECT_EQ(X(1, 11), (1 + 3 + 5 + 7) / 4.0) << "NULL array: element means";
  EXPECT_EQ(X(2, 12), (2 + 6 + 8) / 3.0);
}

TEST(Preprocessor, RowPathEqualsBatchPathAndSurvivesStorage) {
  const Dataset d = mixed();
  const Preprocessor fitted = Preprocessor::fit(d, all_rows(d), {});
  const Preprocessor p = Preprocessor::from_json(nlohmann::json::parse(fitted.to_json().dump()));
  EXPECT_EQ(p.feature_version(), fitted.feature_version());
  const Eigen::MatrixXd X = fitted.transform(d, {});
  const double v[2] = {7, 8};
  const InputValue row[] = {InputValue::of(30.0), InputValue::of(std::string_view("lima")),
                            InputValue::of(1.0), InputValue::of(std::string_view("2024-03-01")),
                            InputValue::of(v, 2)};
  std::vector<double> out(static_cast<size_t>(p.n_outputs()));
  p.transform_row(row, out.data());
  for (Eigen::Index k = 0; k < p.n_outputs(); ++k)
    EXPECT_DOUBLE_EQ(out[static_cast<size_t>(k)], X(4, k)) << k;
}

TEST(Preprocessor, RareAndUnseenCategoriesNeverFail) {
  Dataset d;
  d.columns.push_back(column("c", ColumnType::Categorical, {"a", "a", "a", "b", "b", "c", "d"}));
  d.target = std::vector<std::string>(7, "x");
  PreprocessOptions options;
  options.max_categories = 3;
  const Preprocessor p = Preprocessor::fit(d, all_rows(d), options);
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"c=a", "c=b", "c=__other__"}));
  double out[3];
  const InputValue unseen[] = {InputValue::of(std::string_view("zebra"))};
  p.transform_row(unseen, out);
  EXPECT_EQ(out[2], 1.0) << "unseen goes to other";
  options.max_categories = 10;
  const Preprocessor q = Preprocessor::fit(d, all_rows(d), options);
  std::vector<double> zeros(4, 9.0);
  q.transform_row(unseen, zeros.data());
  EXPECT_EQ(zeros, std::vector<double>(4, 0.0)) << "no other column: all zeros";
}

TEST(Preprocessor, WrongTypesNameTheFeature) {
  const Dataset d = mixed();
  const Preprocessor p = Preprocessor::fit(d, all_rows(d), {});
  std::vector<double> out(static_cast<size_t>(p.n_outputs()));
  auto expect = [&](std::vector<InputValue> row, const char* sqlstate, const char* name) {
    try {
      p.transform_row(row.data(), out.data());
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_STREQ(e.sqlstate(), sqlstate) << e.what();
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  };
  const auto null = InputValue::null();
  expect({InputValue::of(std::string_view("ten")), null, null, null, null},
         sqlstate::kInvalidTextRepresentation, "\"age\"");
  expect({null, null, InputValue::of(2.0), null, null}, sqlstate::kInvalidTextRepresentation,
         "\"member\"");
  expect({null, null, null, InputValue::of(std::string_view("soon")), null},
         sqlstate::kInvalidTextRepresentation, "\"day\"");
  const double one[1] = {1};
  expect({null, null, null, null, InputValue::of(one, 1)}, sqlstate::kInvalidParameterValue,
         "\"v\"");
}

TEST(Preprocessor, RatiosAndZScores) {
  Eigen::MatrixXd X(4, 2);
  X << 1, 2, 2, 0, 3, 4, 4, 8;
  const Dataset d = Dataset::numeric(X, {"a", "b"}, "y", ValueKind::Float, {"1", "2", "3", "4"});
  PreprocessOptions o = PreprocessOptions::parse(
      nlohmann::json::parse(R"({"ratios": [["a", "b"]], "zscores": ["a"], "scale": false})"));
  const Preprocessor p = Preprocessor::fit(d, all_rows(d), o);
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"a", "b", "a/b", "a.z"}));
  const Eigen::MatrixXd F = p.transform(d, {});
  EXPECT_EQ(F(0, 2), 0.5);
  EXPECT_DOUBLE_EQ(F(1, 2), (0.5 + 0.75 + 0.5) / 3)
      << "division by zero: the mean of the finite ratios";
  EXPECT_NEAR(F.col(3).mean(), 0, 1e-12);
  EXPECT_THROW(PreprocessOptions::parse(nlohmann::json::parse(R"({"ratios": [["a"]]})")), Error);
  EXPECT_THROW(Preprocessor::fit(d, all_rows(d),
                                 PreprocessOptions::parse(
                                     nlohmann::json::parse(R"({"ratios": [["a", "nope"]]})"))),
               Error);
}

TEST(Preprocessor, ModelTrainsOnMixedColumnsAndBalancedWeightsFindTheRareClass) {
  Dataset d;
  std::vector<const char*> cities, nums;
  std::vector<std::string> storage;
  for (int i = 0; i < 600; ++i) storage.push_back(std::to_string(i % 50));
  for (int i = 0; i < 600; ++i) {
    cities.push_back(i % 3 == 0 ? "north" : "south");
    nums.push_back(i % 7 == 0 ? nullptr : storage[static_cast<size_t>(i)].c_str());
    d.target.push_back(i % 3 == 0 && i % 50 > 40 ? "rare" : "common");
  }
  d.columns.push_back(column("city", ColumnType::Categorical, cities));
  d.columns.push_back(column("n", ColumnType::Numeric, nums));
  d.target_name = "label";
  d.target_kind = ValueKind::Text;
  auto recall_of_rare = [&](const char* class_weight) {
    const auto out =
        train(TrainSpec::parse({{"relation", "t"},
                                {"target", "label"},
                                {"algorithm", "logistic"},
                                {"hyperparams", {{"class_weight", class_weight}, {"C", 0.05}}}}),
              d);
    return out.metrics["recall"].get<double>();
  };
  EXPECT_GT(recall_of_rare("balanced"), recall_of_rare("none"));
}

}  // namespace
}  // namespace automl
