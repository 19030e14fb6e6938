// model_test.cpp — the model file format: round trip, and refusal of bad documents.
#include "automl/model.hpp"

#include <gtest/gtest.h>

#include "automl/error.hpp"
#include "automl/standard_scaler.hpp"

namespace automl {
namespace {

Preprocessor scaler_for(std::vector<std::string> names, const Eigen::MatrixXd& X) {
  const StandardScaler s = StandardScaler::fit(X);
  return Preprocessor::numeric_scaler(std::move(names), s.mean(), s.scale());
}

Model tiny_classifier() {
  LinearWeights w;
  w.coef = Eigen::MatrixXd{{0.5, -1.25}};
  w.intercept = Eigen::VectorXd::Constant(1, 0.1);
  Eigen::MatrixXd X{{1, 2}, {3, 4}, {5, 7}};
  return Model(Task::Classification, "logistic", {{"C", 1.0}}, "label",
               LabelEncoder({"no", "yes"}, ValueKind::Text), scaler_for({"a", "b"}, X),
               std::make_shared<LinearEstimator>(w, Link::Sigmoid));
}

std::string expect_error(const std::string& bytes, const char* sqlstate) {
  try {
    Model::parse(bytes);
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for " << bytes;
  return {};
}

TEST(ModelFormat, RoundTripIsBitForBit) {
  const Model m = tiny_classifier();
  const std::string bytes = m.serialize();
  const Model back = Model::parse(bytes);
  EXPECT_EQ(back.serialize(), bytes);
  const double rows[][2] = {{0.1, 0.2}, {1e-9, -3.3333333333333335}, {123456.789, 1e-300}};
  for (const auto& x : rows) {
    double p1[2], p2[2];
    m.predict_proba(x, p1);
    back.predict_proba(x, p2);
    EXPECT_EQ(p1[0], p2[0]);
    EXPECT_EQ(p1[1], p2[1]);
    EXPECT_DOUBLE_EQ(p1[0] + p1[1], 1.0);
  }
  EXPECT_EQ(back.labels().classes(), (std::vector<std::string>{"no", "yes"}));
  EXPECT_EQ(back.feature_names(), (std::vector<std::string>{"a", "b"}));
}

TEST(ModelFormat, RefusesUnknownVersionsAndTypes) {
  auto doc = nlohmann::json::parse(tiny_classifier().serialize());
  doc["format_version"] = 99;
  EXPECT_NE(expect_error(doc.dump(), sqlstate::kFeatureNotSupported).find("99"), std::string::npos);
  doc["format_version"] = Model::kFormatVersion;
  doc["estimator"]["type"] = "quantum";
  expect_error(doc.dump(), sqlstate::kFeatureNotSupported);
}

TEST(ModelFormat, RefusesMalformedDocumentsWithoutCrashing) {
  const auto good = nlohmann::json::parse(tiny_classifier().serialize());
  expect_error("", sqlstate::kDataCorrupted);
  expect_error("not json", sqlstate::kDataCorrupted);
  expect_error("[1,2,3]", sqlstate::kDataCorrupted);
  expect_error("{\"format\": \"other\"}", sqlstate::kDataCorrupted);
  expect_error("{\"format\": \"pg_automl.model\", \"format_version\": \"1\"}",
               sqlstate::kDataCorrupted);
  auto broken = [&](auto mutate) {
    auto doc = good;
    mutate(doc);
    return expect_error(doc.dump(), sqlstate::kDataCorrupted);
  };
  broken([](auto& d) { d["estimator"]["coef"][0].push_back(1.0); });  // wrong width
  broken([](auto& d) { d["estimator"]["coef"][0][0] = "x"; });        // wrong type
  broken(
      [](auto& d) { d["estimator"]["intercept"] = nlohmann::json::array(); });  // missing intercept
  broken([](auto& d) { d["preprocessing"]["steps"][0]["scalings"][0][1] = 0.0; });
  broken([](auto& d) { d["preprocessing"]["steps"][0]["fills"] = nlohmann::json::array(); });
  broken([](auto& d) { d["preprocessing"]["inputs"][0]["type"] = "hologram"; });
  broken([](auto& d) { d["preprocessing"]["feature_version"] = "0000"; });
  broken([](auto& d) { d["labels"]["classes"] = {"only"}; });
  broken([](auto& d) { d["labels"]["classes"] = {"a", "b", "c"}; });  // sigmoid with 3 classes
  broken([](auto& d) { d["feature_names"] = nlohmann::json::array(); });
  broken([](auto& d) { d["task"] = "dreaming"; });
  broken([](auto& d) { d["estimator"]["link"] = "tanh"; });
  broken([](auto& d) { d.erase("estimator"); });
}

TEST(ModelServing, NumericLabelsAreReturnedAsValues) {
  LinearWeights w;
  w.coef = Eigen::MatrixXd{{2.0}};
  w.intercept = Eigen::VectorXd::Zero(1);
  Eigen::MatrixXd X{{-1}, {1}};
  const Model m(Task::Classification, "logistic", {}, "y",
                LabelEncoder({"-3", "7"}, ValueKind::Integer), scaler_for({"x"}, X),
                std::make_shared<LinearEstimator>(w, Link::Sigmoid));
  const double pos = 5, neg = -5;
  EXPECT_EQ(m.predict(&pos), 7.0);
  EXPECT_EQ(m.predict(&neg), -3.0);
  EXPECT_EQ(m.predict_class(&pos), 1);
  EXPECT_THROW(Model(Task::Regression, "ridge", {}, "y", {}, scaler_for({"x"}, X),
                     std::make_shared<LinearEstimator>(w, Link::Sigmoid)),
               Error);
}

// Models stored by pg_automl 0.1.0 before typed columns (format version 1) still load
// and predict the same: numeric inputs, mean/scale preprocessing.
TEST(ModelFormat, ReadsVersionOneFiles) {
  const nlohmann::json v1 = {
      {"format", "pg_automl.model"},
      {"format_version", 1},
      {"task", "regression"},
      {"algorithm", "ridge"},
      {"target", "y"},
      {"feature_names", {"a", "b"}},
      {"preprocessing", {{"standard_scaler", {{"mean", {1.0, 2.0}}, {"scale", {2.0, 4.0}}}}}},
      {"estimator",
       {{"type", "linear"}, {"link", "identity"}, {"coef", {{3.0, -1.0}}}, {"intercept", {0.5}}}}};
  const Model m = Model::parse(v1.dump());
  const double x[2] = {5, 10};
  EXPECT_DOUBLE_EQ(m.predict(x), 0.5 + 3.0 * (5 - 1) / 2 - 1.0 * (10 - 2) / 4);
  EXPECT_EQ(m.feature_names(), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace automl
