// kmeans_model_test.cpp — a clustering model as it is stored and served: the nearest
// centre through the preprocessing, the JSON round trip, predict_proba refused with
// 0A000, explanations that sum to the assignment's margin, and malformed "kmeans"
// estimators refused with XX001.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "automl/error.hpp"
#include "automl/kmeans.hpp"
#include "automl/model.hpp"
#include "sqlstate_of.hpp"

namespace automl {
namespace {

// Three groups in (x, y) and a colour that follows them; some x are NULL (imputed).
Dataset mixed_rows(int n) {
  Dataset d;
  Column x{{"x", ColumnType::Numeric, 1, "float8"}, {}, {}, {}};
  Column y{{"y", ColumnType::Numeric, 1, "float8"}, {}, {}, {}};
  Column colour{{"colour", ColumnType::Categorical, 1, "text"}, {}, {}, {}};
  const char* colours[] = {"red", "green", "blue"};
  for (int i = 0; i < n; ++i) {
    const int g = i % 3;
    x.numbers.push_back(i % 17 == 0 ? std::nan("") : 5.0 * g + std::sin(i));
    y.numbers.push_back(-3.0 * g + std::cos(1.7 * i));
    colour.texts.push_back(colours[(i % 11 == 0) ? (g + 1) % 3 : g]);
    colour.nulls.push_back(0);
  }
  d.columns = {x, y, colour};
  return d;
}

struct Fitted {
  Model model;
  Eigen::MatrixXd X;
  KMeansResult result;
};

Fitted fit_model(const Dataset& d, int k) {
  std::vector<Eigen::Index> all(static_cast<size_t>(d.rows()));
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<Eigen::Index>(i);
  Preprocessor pre = Preprocessor::fit(d, all, PreprocessOptions());
  const Eigen::MatrixXd X = pre.transform(d, all);
  KMeansParams p;
  p.n_clusters = k;
  KMeansResult r = fit_kmeans(X, p);
  std::vector<long long> sizes(r.sizes.data(), r.sizes.data() + r.sizes.size());
  auto estimator = std::make_shared<KMeansEstimator>(r.centers, sizes, r.n_iter, r.inertia);
  nlohmann::json hp = {{"n_clusters", k}};
  Model m(Task::Clustering, "kmeans", hp, "", LabelEncoder(), std::move(pre), estimator);
  return {std::move(m), X, std::move(r)};
}

// Row i of the dataset as input values.
std::vector<InputValue> row_of(const Dataset& d, Eigen::Index i) {
  std::vector<InputValue> row;
  for (const Column& c : d.columns) {
    const auto at = static_cast<size_t>(i);
    if (c.schema.type == ColumnType::Categorical)
      row.push_back(InputValue::of(std::string_view(c.texts[at])));
    else
      row.push_back(std::isnan(c.numbers[at]) ? InputValue::null() : InputValue::of(c.numbers[at]));
  }
  return row;
}

TEST(ClusteringModel, PredictsTheNearestCentreAndRoundTrips) {
  const Dataset d = mixed_rows(300);
  const Fitted f = fit_model(d, 3);
  const Model parsed = Model::parse(f.model.serialize());
  EXPECT_EQ(parsed.task(), Task::Clustering);
  EXPECT_EQ(parsed.serialize(), f.model.serialize()) << "the bytes are stable";
  EXPECT_EQ(parsed.n_classes(), 0);
  const auto& kmeans = dynamic_cast<const KMeansEstimator&>(parsed.estimator());
  EXPECT_EQ(kmeans.centers(), KMeansEstimator::RowMatrix(f.result.centers)) << "exact doubles";
  const Eigen::VectorXi batch = parsed.predict_class_batch(d, {});
  EXPECT_EQ(batch, f.result.labels) << "serving assigns the training rows as the fit did";
  EXPECT_EQ(parsed.predict_batch(d, {}), batch.cast<double>());
  for (Eigen::Index i = 0; i < d.rows(); ++i) {
    const std::vector<InputValue> row = row_of(d, i);
    const int served = parsed.predict_class(row.data());
    ASSERT_EQ(served, f.model.predict_class(row.data())) << i;
    ASSERT_EQ(parsed.predict(row.data()), static_cast<double>(served)) << i;
    // Brute force: the centre at the smallest squared distance.
    Eigen::Index nearest;
    (kmeans.centers().rowwise() - f.X.row(i)).rowwise().squaredNorm().minCoeff(&nearest);
    ASSERT_EQ(served, nearest) << i;
  }
}

TEST(ClusteringModel, NearestCentreTiesGoToTheLowerIndex) {
  Eigen::MatrixXd C(3, 1);
  C << 2, 0, 2;
  const KMeansEstimator e(C, {}, 0, 0);
  const double one = 1, three = 3;
  EXPECT_EQ(e.nearest(&one), 0);  // 0 and 2 are both at distance 1
  EXPECT_EQ(e.nearest(&three), 0);
  double scores[3];
  e.decision(&three, scores);
  EXPECT_EQ(scores[0], -1);
  EXPECT_EQ(scores[1], -9);
}

TEST(ClusteringModel, HasNoProbabilities) {
  const Dataset d = mixed_rows(90);
  const Fitted f = fit_model(d, 3);
  const std::vector<InputValue> row = row_of(d, 1);
  double out[3];
  try {
    f.model.predict_proba(row.data(), out);
    ADD_FAILURE() << "predict_proba of a clustering model";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), "0A000");
    EXPECT_NE(std::string(e.what()).find("not defined for clustering"), std::string::npos);
  }
  EXPECT_EQ(sqlstate_of([&] { f.model.predict_proba_batch(d, {}); }), "0A000");
  EXPECT_EQ(sqlstate_of([&] { f.model.predict_proba_features(f.X); }), "0A000");
}

TEST(ClusteringModel, ExplainsTheMarginOverTheRunnerUp) {
  const Dataset d = mixed_rows(150);
  const Fitted f = fit_model(d, 4);
  const auto& kmeans = dynamic_cast<const KMeansEstimator&>(f.model.estimator());
  for (Eigen::Index i = 0; i < 20; ++i) {
    const std::vector<InputValue> row = row_of(d, i);
    const Model::Explanation e = f.model.explain(row.data());
    EXPECT_EQ(e.output, f.model.predict_class(row.data()));
    EXPECT_EQ(e.bias, 0);
    double sum = 0;
    for (double c : e.contributions) sum += c;
    EXPECT_NEAR(sum, e.raw_score, 1e-12);
    // raw_score: the squared distance to the runner-up minus the one to the own centre.
    std::vector<double> d2;
    for (Eigen::Index c = 0; c < kmeans.centers().rows(); ++c)
      d2.push_back((kmeans.centers().row(c) - f.X.row(i)).squaredNorm());
    const double own = d2[static_cast<size_t>(e.output)];
    d2.erase(d2.begin() + e.output);
    EXPECT_NEAR(e.raw_score, *std::min_element(d2.begin(), d2.end()) - own, 1e-9);
    EXPECT_GE(e.raw_score, 0);
  }
}

// The serialised model with its estimator changed by `edit`.
std::string with_estimator(const Model& m, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json j = nlohmann::json::parse(m.serialize());
  edit(j["estimator"]);
  return j.dump();
}

TEST(ClusteringModel, MalformedKMeansDocumentsAreRefused) {
  const Dataset d = mixed_rows(60);
  const Fitted f = fit_model(d, 3);
  using J = nlohmann::json;
  const std::vector<std::pair<const char*, std::function<void(J&)>>> edits = {
      {"short centre", [](J& e) { e["centers"][1].erase(0); }},
      {"long centre", [](J& e) { e["centers"][0].push_back(1.0); }},
      {"text in a centre", [](J& e) { e["centers"][0][0] = "x"; }},
      {"null in a centre", [](J& e) { e["centers"][2][1] = nullptr; }},
      {"centre not an array", [](J& e) { e["centers"][0] = 3; }},
      {"no centres", [](J& e) { e["centers"] = J::array(); }},
      {"centers missing", [](J& e) { e.erase("centers"); }},
      {"centers an object", [](J& e) { e["centers"] = J::object(); }},
      {"huge k",
       [](J& e) {
         J row = e["centers"][0];
         e["centers"] = J::array();
         for (int k = 0; k <= kMaxClusters; ++k) e["centers"].push_back(row);
       }},
      {"sizes of the wrong length", [](J& e) { e["cluster_sizes"].push_back(1); }},
      {"negative size", [](J& e) { e["cluster_sizes"][0] = -1; }},
      {"n_iter out of range", [](J& e) { e["n_iter"] = 1e300; }},
      {"inertia negative", [](J& e) { e["inertia"] = -1; }},
      {"inertia text", [](J& e) { e["inertia"] = "a lot"; }},
  };
  // Not a structured binding: C++17 lambdas cannot capture one (clang refuses).
  for (const auto& case_ : edits)
    EXPECT_EQ(sqlstate_of([&] { Model::parse(with_estimator(f.model, case_.second)); }), "XX001")
        << case_.first;
  // NaN and infinity cannot be written in JSON (nlohmann writes null for them), but an
  // overflowing literal reads as infinity.
  nlohmann::json not_finite = nlohmann::json::parse(f.model.serialize());
  not_finite["estimator"]["centers"][0][0] = std::nan("");
  EXPECT_EQ(sqlstate_of([&] { Model::parse(not_finite.dump()); }), "XX001") << "NaN";
  const std::string key = "\"centers\":[[";
  std::string literal = f.model.serialize();
  const size_t at = literal.find(key) + key.size();
  literal.replace(at, literal.find(',', at) - at, "1e999");
  EXPECT_EQ(sqlstate_of([&] { Model::parse(literal); }), "XX001") << "an overflowing literal";
  // A kmeans estimator serves clustering models only, and they only it.
  nlohmann::json as_regressor = nlohmann::json::parse(f.model.serialize());
  as_regressor["task"] = "regression";
  as_regressor["estimator"]["centers"] = {as_regressor["estimator"]["centers"][0]};
  as_regressor["estimator"].erase("cluster_sizes");
  EXPECT_EQ(sqlstate_of([&] { Model::parse(as_regressor.dump()); }), "XX001");
  nlohmann::json linear = nlohmann::json::parse(f.model.serialize());
  const size_t p = linear["encoded_features"].size();
  linear["estimator"] = {{"type", "linear"},
                         {"link", "identity"},
                         {"coef", {std::vector<double>(p, 0.5)}},
                         {"intercept", {0.0}}};
  EXPECT_EQ(sqlstate_of([&] { Model::parse(linear.dump()); }), "XX001");
  nlohmann::json in_ensemble = nlohmann::json::parse(f.model.serialize());
  in_ensemble["task"] = "regression";
  in_ensemble["estimator"] = {{"type", "ensemble"},
                              {"weights", {0.5, 0.5}},
                              {"members", {linear["estimator"], linear["estimator"]}}};
  in_ensemble["estimator"]["members"][1] = nlohmann::json::parse(f.model.serialize())["estimator"];
  EXPECT_EQ(sqlstate_of([&] { Model::parse(in_ensemble.dump()); }), "XX001");
  EXPECT_EQ(sqlstate_of([&] { Model::parse(f.model.serialize()); }), "none");
}

}  // namespace
}  // namespace automl
