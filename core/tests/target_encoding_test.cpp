// target_encoding_test.cpp — categorical columns with more categories than their
// one-hot columns hold also get the smoothed target mean per category: which columns
// (auto, none, named), the values (m-estimate, prior for unseen and NULL as its fill),
// the row path equal to the batch path, the stored form checked on reading, and the
// training matrix's out-of-fold encodings that never contain a row's own target.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "automl/error.hpp"
#include "automl/preprocessor.hpp"
#include "automl/values.hpp"

namespace automl {
namespace {

// 60 rows: "group" with 12 categories (five rows each), "colour" with 3; the target
// is 10 × the group's index plus a little per-row noise.
Dataset grouped(std::vector<double>& target) {
  Dataset d;
  Column group, colour;
  group.schema = {"group", ColumnType::Categorical, 1, "text"};
  colour.schema = {"colour", ColumnType::Categorical, 1, "text"};
  long long row = 0;
  target.clear();
  for (int i = 0; i < 60; ++i) {
    const int g = i % 12;
    append_value(group, "g" + std::to_string(g < 10 ? g : g + 80), false, ++row);
    append_value(colour, i % 3 == 0 ? "red" : i % 3 == 1 ? "green" : "blue", false, row);
    target.push_back(10.0 * g + (i % 5) * 0.1);
    d.target.push_back(number_to_text(target.back()));
  }
  d.columns = {group, colour};
  d.target_name = "y";
  return d;
}

std::vector<Eigen::Index> all_rows(const Dataset& d) {
  std::vector<Eigen::Index> rows(static_cast<size_t>(d.rows()));
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<Eigen::Index>(i);
  return rows;
}

PreprocessOptions few_categories() {
  PreprocessOptions o;
  o.max_categories = 5;
  o.scale = false;
  return o;
}

Eigen::Index output(const Preprocessor& p, const std::string& name) {
  const auto& names = p.output_names();
  const auto it = std::find(names.begin(), names.end(), name);
  EXPECT_NE(it, names.end()) << name;
  return static_cast<Eigen::Index>(it - names.begin());
}

TEST(TargetEncoding, AutoEncodesTheColumnsThatOverflowTheirOneHotColumns) {
  std::vector<double> y;
  const Dataset d = grouped(y);
  const EncodingTarget target{y.data(), nullptr, 0, 7};
  const Preprocessor p = Preprocessor::fit(d, all_rows(d), few_categories(), target);
  const auto& names = p.output_names();
  EXPECT_EQ(std::count(names.begin(), names.end(), "group.target_mean"), 1);
  EXPECT_EQ(std::count(names.begin(), names.end(), "colour.target_mean"), 0)
      << "three colours fit their one-hot columns";
  const Eigen::Index k = output(p, "group.target_mean");
  EXPECT_EQ(p.output_sources()[static_cast<size_t>(k)], 0);

  // The m-estimate (sum + 10 · prior) / (count + 10) of g3's five rows.
  double prior = 0;
  for (double v : y) prior += v;
  prior /= static_cast<double>(y.size());
  const double g3 = (5 * 30.0 + (0 + 1 + 2 + 3 + 4) * 0.1 + 10 * prior) / 15;
  const Eigen::MatrixXd X = p.transform(d, {});
  EXPECT_NEAR(X(3, k), g3, 1e-12);

  // One row at predict time: the same value; an unseen category and a NULL (whose
  // fill is the most frequent category) do not fail.
  std::vector<double> out(static_cast<size_t>(p.n_outputs()));
  const InputValue row[] = {InputValue::of(std::string_view("g3")),
                            InputValue::of(std::string_view("red"))};
  p.transform_row(row, out.data());
  EXPECT_DOUBLE_EQ(out[static_cast<size_t>(k)], X(3, k));
  const InputValue unseen[] = {InputValue::of(std::string_view("never seen")), InputValue::null()};
  p.transform_row(unseen, out.data());
  EXPECT_NEAR(out[static_cast<size_t>(k)], prior, 1e-12);

  PreprocessOptions none = few_categories();
  none.target_encode = "none";
  const Preprocessor q = Preprocessor::fit(d, all_rows(d), none, target);
  EXPECT_EQ(q.n_outputs(), p.n_outputs() - 1);
  EXPECT_EQ(Preprocessor::fit(d, all_rows(d), few_categories()).n_outputs(), q.n_outputs())
      << "without a target (clustering) nothing is encoded";
}

TEST(TargetEncoding, NamedColumnsClassesAndRefusals) {
  std::vector<double> y;
  Dataset d = grouped(y);
  PreprocessOptions named = few_categories();
  named.target_encode = "columns";
  named.target_encode_columns = {"colour"};
  // Three classes: one rate per class, and the rates of a category sum to one.
  std::vector<int> classes;
  for (size_t i = 0; i < y.size(); ++i) classes.push_back(static_cast<int>(i % 3 == 0 ? 2 : i % 2));
  const EncodingTarget three{nullptr, classes.data(), 3, 1};
  const Preprocessor p = Preprocessor::fit(d, all_rows(d), named, three);
  const Eigen::MatrixXd X = p.transform(d, {});
  double sum = 0;
  for (int c = 1; c <= 3; ++c)
    sum += X(0, output(p, "colour.target_mean[" + std::to_string(c) + "]"));
  EXPECT_NEAR(sum, 1.0, 1e-12);
  const auto& names = p.output_names();
  EXPECT_EQ(std::count(names.begin(), names.end(), "group.target_mean"), 0)
      << "named columns replace auto";

  named.target_encode_columns = {"nope"};
  try {
    Preprocessor::fit(d, all_rows(d), named, three);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), "22023");
    EXPECT_NE(std::string(e.what()).find("\"nope\""), std::string::npos) << e.what();
  }
  named.target_encode_columns = {"colour"};
  EXPECT_THROW(Preprocessor::fit(d, all_rows(d), named), Error) << "no target to encode";
  EXPECT_THROW(PreprocessOptions::parse({{"target_encode", 3}}), Error);
  EXPECT_THROW(PreprocessOptions::parse({{"target_encode", "sometimes"}}), Error);
  EXPECT_EQ(PreprocessOptions::parse({{"target_encode", {"a"}}}).to_json()["target_encode"],
            nlohmann::json::array({"a"}));
  EXPECT_EQ(PreprocessOptions::parse(nullptr).to_json()["target_encode"], "auto");
}

TEST(TargetEncoding, TrainingRowsNeverSeeTheirOwnTarget) {
  std::vector<double> y;
  Dataset d = grouped(y);
  // One category of a single row with an extreme target: its full-data encoding
  // carries that target; its out-of-fold encoding is the other rows' mean.
  d.columns[0].texts[59] = "lonely";
  y[59] = 1e6;
  const EncodingTarget target{y.data(), nullptr, 0, 3};
  const Preprocessor p = Preprocessor::fit(d, all_rows(d), few_categories(), target);
  const Eigen::Index k = output(p, "group.target_mean");
  const Eigen::MatrixXd full = p.transform(d, all_rows(d));
  const Eigen::MatrixXd oof = p.transform_training(d, all_rows(d), target);
  EXPECT_GT(full(59, k), 1e4);
  EXPECT_LT(oof(59, k), 200) << "row 59's encoding must not contain its own target";
  EXPECT_NE(oof(0, k), full(0, k));
  // Everything but the encodings is the plain transform.
  for (Eigen::Index j = 0; j < full.cols(); ++j) {
    if (j == k) continue;
    EXPECT_EQ((oof.col(j) - full.col(j)).norm(), 0) << j;
  }
  // Seeded: the same seed, the same folds.
  EXPECT_EQ((p.transform_training(d, all_rows(d), target) - oof).norm(), 0);
}

TEST(TargetEncoding, StoredFormRoundTripsAndHostileOnesAreRefused) {
  std::vector<double> y;
  const Dataset d = grouped(y);
  PreprocessOptions o = few_categories();
  o.scale = true;
  const EncodingTarget target{y.data(), nullptr, 0, 7};
  const Preprocessor p = Preprocessor::fit(d, all_rows(d), o, target);
  const nlohmann::json j = p.to_json();
  const Preprocessor q = Preprocessor::from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(q.feature_version(), p.feature_version());
  EXPECT_EQ((q.transform(d, {}) - p.transform(d, {})).norm(), 0);

  auto refused = [&](auto&& mutate) {
    nlohmann::json bad = j;
    mutate(bad["steps"][0]["target_encoding"]);
    try {
      Preprocessor::from_json(bad);
      return false;
    } catch (const Error& e) {
      return std::string(e.sqlstate()) == "22023";
    } catch (const nlohmann::json::exception&) {
      return true;  // Model::parse reports these as 22023
    } catch (...) {
      return false;
    }
  };
  EXPECT_TRUE(refused([](nlohmann::json& t) { t["values"].erase(0); }));
  EXPECT_TRUE(refused([](nlohmann::json& t) { t["prior"] = nlohmann::json::array(); }));
  EXPECT_TRUE(refused([](nlohmann::json& t) { t["categories"][0] = "zzz"; }));
  EXPECT_TRUE(refused([](nlohmann::json& t) { t["values"][0] = "1"; }));
  EXPECT_TRUE(refused([](nlohmann::json& t) { t = 5; }));
  EXPECT_TRUE(refused([](nlohmann::json& t) { t.erase("prior"); }));
}

}  // namespace
}  // namespace automl
