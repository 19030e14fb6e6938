// evaluation_test.cpp — the stored evaluation against scikit-learn's curves, and
// its bounds.
#include "automl/evaluation.hpp"

#include <gtest/gtest.h>

#include <random>

#include "automl/metrics.hpp"
#include "automl/trainer.hpp"
#include "reference.hpp"

namespace automl {
namespace {

struct Scored {
  Eigen::VectorXd score;
  std::vector<bool> positive;
};

Scored from_reference(const nlohmann::json& ref) {
  Scored s;
  const auto y = ref["y"].get<std::vector<int>>();
  const auto score = ref["score"].get<std::vector<double>>();
  s.score =
      Eigen::Map<const Eigen::VectorXd>(score.data(), static_cast<Eigen::Index>(score.size()));
  for (int v : y) s.positive.push_back(v == 1);
  return s;
}

// Run once for the three tests that compare with it.
const nlohmann::json& curves_reference() {
  static const nlohmann::json ref = run_reference("sklearn_curves.py");
  return ref;
}

double area(const std::vector<CurvePoint>& points) {
  double a = 0;
  for (size_t i = 1; i < points.size(); ++i)
    a += (points[i].x - points[i - 1].x) * (points[i].y + points[i - 1].y) / 2;
  return a;
}

TEST(Evaluation, RocCurveIsScikitLearns) {
  const nlohmann::json& ref = curves_reference();
  ASSERT_FALSE(ref.is_null()) << "python3 with scikit-learn is needed";
  const Scored s = from_reference(ref);
  const std::vector<CurvePoint> roc = roc_points(s.score, s.positive);
  ASSERT_EQ(roc.size(), ref["roc"]["fpr"].size());
  for (size_t i = 0; i < roc.size(); ++i) {
    EXPECT_DOUBLE_EQ(roc[i].x, ref["roc"]["fpr"][i].get<double>()) << i;
    EXPECT_DOUBLE_EQ(roc[i].y, ref["roc"]["tpr"][i].get<double>()) << i;
    if (i > 0) {
      EXPECT_DOUBLE_EQ(roc[i].threshold, ref["roc"]["thresholds"][i].get<double>()) << i;
    }
  }
  EXPECT_NEAR(area(roc), ref["roc_auc"].get<double>(), 1e-12);
}

TEST(Evaluation, PrecisionRecallCurveIsScikitLearns) {
  const nlohmann::json& ref = curves_reference();
  ASSERT_FALSE(ref.is_null());
  const Scored s = from_reference(ref);
  double ap = 0;
  const std::vector<CurvePoint> pr = pr_points(s.score, s.positive, &ap);
  EXPECT_NEAR(ap, ref["average_precision"].get<double>(), 1e-12);
  // sklearn lists thresholds ascending and ends with (precision 1, recall 0); ours run
  // from that end point through descending thresholds.
  const auto& precision = ref["pr"]["precision"];
  const size_t n = precision.size();
  ASSERT_EQ(pr.size(), n);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_DOUBLE_EQ(pr[i].y, precision[n - 1 - i].get<double>()) << i;
    EXPECT_DOUBLE_EQ(pr[i].x, ref["pr"]["recall"][n - 1 - i].get<double>()) << i;
  }
}

TEST(Evaluation, CalibrationBinsAreScikitLearns) {
  const nlohmann::json& ref = curves_reference();
  ASSERT_FALSE(ref.is_null());
  const Scored s = from_reference(ref);
  Eigen::MatrixXd proba(s.score.size(), 2);
  proba.col(1) = s.score;
  proba.col(0) = 1.0 - s.score.array();
  Eigen::VectorXi y(s.score.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) y[i] = s.positive[static_cast<size_t>(i)];
  const nlohmann::json e = classification_evaluation(y, proba, {"no", "yes"});
  const auto& bins = e["calibration"]["bins"];
  ASSERT_EQ(bins.size(), ref["calibration"]["fraction_positive"].size());
  for (size_t b = 0; b < bins.size(); ++b) {
    EXPECT_NEAR(bins[b]["fraction_positive"].get<double>(),
                ref["calibration"]["fraction_positive"][b].get<double>(), 1e-12);
    EXPECT_NEAR(bins[b]["mean_predicted"].get<double>(),
                ref["calibration"]["mean_predicted"][b].get<double>(), 1e-12);
  }
  // The confusion matrix's diagonal is the accuracy classification_metrics reports.
  long long right = 0, total = 0;
  for (const auto& cell : e["confusion_matrix"]) {
    total += cell["count"].get<long long>();
    if (cell["actual"] == cell["predicted"]) right += cell["count"].get<long long>();
  }
  EXPECT_EQ(total, y.size());
  EXPECT_DOUBLE_EQ(static_cast<double>(right) / static_cast<double>(total),
                   classification_metrics(y, proba)["accuracy"].get<double>());
  EXPECT_NEAR(e["roc_curve"][0]["auc"].get<double>(), ref["roc_auc"].get<double>(), 1e-12);
}

TEST(Evaluation, ThinnedCurvesStayBoundedAndClose) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 1);
  const Eigen::Index n = 200000;
  Eigen::VectorXd score(n);
  std::vector<bool> positive(static_cast<size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    positive[static_cast<size_t>(i)] = i % 3 == 0;
    score[i] = noise(rng) + (i % 3 == 0 ? 1.0 : 0.0);
  }
  const std::vector<CurvePoint> roc = roc_points(score, positive);
  const std::vector<CurvePoint> thin = thin_curve(roc, kMaxCurvePoints);
  EXPECT_GT(roc.size(), 100000u);
  EXPECT_LE(thin.size(), static_cast<size_t>(kMaxCurvePoints));
  EXPECT_GE(thin.size(), static_cast<size_t>(kMaxCurvePoints) - 2);
  EXPECT_EQ(thin.front().x, 0);
  EXPECT_EQ(thin.back().x, 1);
  EXPECT_EQ(thin.back().y, 1);
  EXPECT_LT(std::abs(area(thin) - area(roc)), 1.0 / (2 * (kMaxCurvePoints - 1)));
}

TEST(Evaluation, ManyClassesKeepTheEvaluationBounded) {
  const Eigen::Index n = 30000, k = 300;
  Eigen::VectorXi y(n);
  Eigen::MatrixXd proba = Eigen::MatrixXd::Constant(n, k, 0.5 / (k - 1));
  std::vector<std::string> classes;
  for (Eigen::Index c = 0; c < k; ++c) classes.push_back("c" + std::to_string(c));
  for (Eigen::Index i = 0; i < n; ++i) {
    y[i] = static_cast<int>((i * 7) % k);
    proba(i, (i * 11) % k) += 0.5;
  }
  const nlohmann::json e = classification_evaluation(y, proba, classes);
  EXPECT_LE(e["confusion_matrix"].size(), static_cast<size_t>(kMaxConfusionCells));
  EXPECT_EQ(e["roc_curve"].size(), static_cast<size_t>(kMaxCurveClasses));
  for (const auto& curve : e["roc_curve"]) EXPECT_LE(curve["points"].size(), 200u);
  EXPECT_LT(e.dump().size(), 2u << 20);
}

TEST(Evaluation, ResidualsSampleQuantilesAndHistogram) {
  const Eigen::Index n = 5000;
  Eigen::VectorXd actual(n), predicted(n);
  for (Eigen::Index i = 0; i < n; ++i)
    actual[i] = static_cast<double>(i), predicted[i] = i - (i % 10);
  const nlohmann::json e = regression_evaluation(actual, predicted)["residuals"];
  EXPECT_EQ(e["sample"].size(), static_cast<size_t>(kMaxResidualSample));
  EXPECT_EQ(e["quantiles"][0][1].get<double>(), 0.0);         // min residual
  EXPECT_EQ(e["quantiles"].back()[1].get<double>(), 9.0);     // max
  EXPECT_DOUBLE_EQ(e["quantiles"][5][1].get<double>(), 4.5);  // the median of 0..9
  long long counted = 0;
  for (const auto& c : e["histogram"]["counts"]) counted += c.get<long long>();
  EXPECT_EQ(counted, n);
  EXPECT_EQ(e["histogram"]["edges"].size(), e["histogram"]["counts"].size() + 1);
}

}  // namespace
}  // namespace automl

namespace automl {
namespace {

Dataset three_columns(int n, bool classify) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> noise(0, 1);
  Eigen::MatrixXd X(n, 3);
  std::vector<std::string> target;
  for (int i = 0; i < n; ++i) {
    X(i, 0) = noise(rng), X(i, 1) = noise(rng), X(i, 2) = noise(rng);
    const double y = 3 * X(i, 0) + X(i, 1) + 0.3 * noise(rng);  // x2 plays no part
    target.push_back(classify ? (y > 0 ? "yes" : "no") : std::to_string(y));
  }
  return Dataset::numeric(X, {"strong", "weak", "noise"}, "y",
                          classify ? ValueKind::Text : ValueKind::Float, target);
}

TEST(Evaluation, TrainingStoresTheEvaluationOfTheHeldOutRows) {
  const Dataset data = three_columns(2000, true);
  for (const char* algorithm : {"xgboost", "logistic"}) {
    const TrainOutcome out = train(
        TrainSpec::parse({{"relation", "t"}, {"target", "y"}, {"algorithm", algorithm}}), data);
    const nlohmann::json& e = out.evaluation;
    EXPECT_EQ(e["evaluated_on"], "held_out");
    EXPECT_EQ(e["rows"], out.info["test_rows"]);
    long long right = 0, total = 0;
    for (const auto& cell : e["confusion_matrix"]) {
      total += cell["count"].get<long long>();
      if (cell["actual"] == cell["predicted"]) right += cell["count"].get<long long>();
    }
    EXPECT_EQ(total, out.info["test_rows"].get<long long>()) << algorithm;
    EXPECT_DOUBLE_EQ(static_cast<double>(right) / total, out.metrics["accuracy"].get<double>());
    EXPECT_DOUBLE_EQ(e["roc_curve"][0]["auc"].get<double>(), out.metrics["roc_auc"].get<double>());
    ASSERT_EQ(e["feature_importance"].size(), 3u);
    EXPECT_EQ(e["feature_importance"][0]["feature"], "strong") << algorithm;
    EXPECT_EQ(e["feature_importance"][2]["feature"], "noise") << algorithm;
    EXPECT_EQ(e["importance_method"],
              std::string(algorithm) == "xgboost" ? "mean_abs_shap" : "mean_abs_contribution");
    ASSERT_EQ(e["profile"].size(), 4u);  // three inputs and the target
    EXPECT_EQ(e["profile"][3]["name"], "y");
    EXPECT_EQ(e["profile"][0]["rows"], 2000);
  }
}

TEST(Evaluation, RegressionStoresResiduals) {
  const Dataset data = three_columns(1500, false);
  const TrainOutcome out =
      train(TrainSpec::parse({{"relation", "t"}, {"target", "y"}, {"algorithm", "linear"}}), data);
  const nlohmann::json& r = out.evaluation["residuals"];
  EXPECT_EQ(r["sample"].size(), out.info["test_rows"].get<size_t>());
  double sum_sq = 0;
  for (const auto& s : r["sample"]) {
    const double d = s[0].get<double>() - s[1].get<double>();
    sum_sq += d * d;
  }
  EXPECT_NEAR(std::sqrt(sum_sq / r["sample"].size()), out.metrics["rmse"].get<double>(), 1e-9);
}

}  // namespace
}  // namespace automl
