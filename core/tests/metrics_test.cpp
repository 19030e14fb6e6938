// metrics_test.cpp — metrics on small examples whose values were worked out by hand
// (and cross-checked with scikit-learn 1.2).
#include "automl/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "automl/error.hpp"

namespace automl {
namespace {

constexpr double kEps = 1e-12;

void expect_invalid(const std::function<void()>& f) {
  try {
    f();
    ADD_FAILURE() << "expected automl::Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate::kInvalidParameterValue) << e.what();
  }
}

Eigen::MatrixXd binary_proba(const Eigen::VectorXd& p1) {
  Eigen::MatrixXd proba(p1.size(), 2);
  proba.col(0) = 1.0 - p1.array();
  proba.col(1) = p1;
  return proba;
}

TEST(ClassificationMetrics, BinaryHandComputed) {
  Eigen::VectorXi y(7);
  y << 0, 0, 1, 1, 1, 0, 1;
  Eigen::VectorXd p1(7);
  p1 << 0.1, 0.6, 0.6, 0.8, 0.4, 0.3, 0.2;
  // Predicted 0 1 1 1 0 0 0: TP 2, FP 1, FN 2, TN 2.
  const nlohmann::json m = classification_metrics(y, binary_proba(p1));
  EXPECT_NEAR(m["accuracy"].get<double>(), 4.0 / 7, kEps);
  EXPECT_NEAR(m["precision"].get<double>(), 2.0 / 3, kEps);
  EXPECT_NEAR(m["recall"].get<double>(), 1.0 / 2, kEps);
  EXPECT_NEAR(m["f1"].get<double>(), 4.0 / 7, kEps);  // 2PR / (P + R) = (2/3) / (7/6)
  // Positive/negative pairs won: 0.6 -> 2.5 (tie with the negative 0.6), 0.8 -> 3,
  // 0.4 -> 2, 0.2 -> 1; 8.5 of 12 pairs.
  EXPECT_NEAR(m["roc_auc"].get<double>(), 8.5 / 12, kEps);
  const double expected_log_loss = -(std::log(0.9) + std::log(0.4) + std::log(0.6) + std::log(0.8) +
                                     std::log(0.4) + std::log(0.7) + std::log(0.2)) /
                                   7;
  EXPECT_NEAR(m["log_loss"].get<double>(), expected_log_loss, kEps);
  EXPECT_NEAR(expected_log_loss, 0.662574858694167, kEps);  // sklearn's log_loss
}

TEST(ClassificationMetrics, AllTiedScoresGiveHalfAuc) {
  Eigen::VectorXi y(4);
  y << 0, 1, 0, 1;
  const nlohmann::json m =
      classification_metrics(y, binary_proba(Eigen::VectorXd::Constant(4, 0.5)));
  EXPECT_NEAR(m["roc_auc"].get<double>(), 0.5, kEps);
  // A 0.5/0.5 row predicts class 0, the first maximum, as numpy's argmax does.
  EXPECT_NEAR(m["accuracy"].get<double>(), 0.5, kEps);
  EXPECT_EQ(m["precision"].get<double>(), 0.0);  // nothing predicted positive: 0/0 -> 0
  EXPECT_EQ(m["f1"].get<double>(), 0.0);
}

TEST(ClassificationMetrics, RocAucOmittedForSingleClassTruth) {
  Eigen::VectorXi y = Eigen::VectorXi::Ones(3);
  Eigen::VectorXd p1(3);
  p1 << 0.2, 0.7, 0.9;
  const nlohmann::json m = classification_metrics(y, binary_proba(p1));
  EXPECT_FALSE(m.contains("roc_auc"));
  EXPECT_NEAR(m["recall"].get<double>(), 2.0 / 3, kEps);
}

TEST(ClassificationMetrics, MulticlassMacroOverPresentClasses) {
  Eigen::VectorXi y(6);
  y << 0, 0, 1, 1, 2, 2;
  // Predicted 0 1 1 1 2 0. Column 3 is a class absent from truth and prediction,
  // which sklearn's macro average ignores.
  Eigen::MatrixXd proba(6, 4);
  proba << 0.7, 0.1, 0.1, 0.1,  //
      0.2, 0.6, 0.1, 0.1,       //
      0.1, 0.8, 0.1, 0.0,       //
      0.3, 0.4, 0.3, 0.0,       //
      0.1, 0.1, 0.8, 0.0,       //
      0.5, 0.1, 0.4, 0.0;
  // Per class (P, R, F1): 0 -> (1/2, 1/2, 1/2), 1 -> (2/3, 1, 4/5), 2 -> (1, 1/2, 2/3).
  const nlohmann::json m = classification_metrics(y, proba);
  EXPECT_NEAR(m["accuracy"].get<double>(), 4.0 / 6, kEps);
  EXPECT_NEAR(m["precision"].get<double>(), (0.5 + 2.0 / 3 + 1.0) / 3, kEps);
  EXPECT_NEAR(m["recall"].get<double>(), (0.5 + 1.0 + 0.5) / 3, kEps);
  EXPECT_NEAR(m["f1"].get<double>(), (0.5 + 0.8 + 2.0 / 3) / 3, kEps);
  EXPECT_FALSE(m.contains("roc_auc"));
  const double expected_log_loss = -(std::log(0.7) + std::log(0.2) + std::log(0.8) + std::log(0.4) +
                                     std::log(0.8) + std::log(0.4)) /
                                   6;
  EXPECT_NEAR(m["log_loss"].get<double>(), expected_log_loss, kEps);
}

TEST(ClassificationMetrics, LogLossClipsZeroProbabilities) {
  Eigen::VectorXi y(2);
  y << 1, 0;
  Eigen::MatrixXd proba(2, 2);
  proba << 1.0, 0.0,  //
      1.0, 0.0;
  // Row 1 scores -log(1e-15); row 2 scores -log(1 - 1e-15), about 1e-15.
  const nlohmann::json m = classification_metrics(y, proba);
  EXPECT_NEAR(m["log_loss"].get<double>(), -std::log(1e-15) / 2, 1e-9);
}

TEST(ClassificationMetrics, RejectsBadInput) {
  Eigen::VectorXi y(2);
  y << 0, 2;
  expect_invalid([&] { classification_metrics(y, Eigen::MatrixXd::Constant(2, 2, 0.5)); });
  expect_invalid([&] {
    classification_metrics(Eigen::VectorXi::Zero(3), Eigen::MatrixXd::Constant(2, 2, 0.5));
  });
  expect_invalid(
      [&] { classification_metrics(Eigen::VectorXi::Zero(2), Eigen::MatrixXd::Ones(2, 1)); });
  expect_invalid([&] { classification_metrics(Eigen::VectorXi(), Eigen::MatrixXd(0, 2)); });
  expect_invalid([&] { accuracy(Eigen::VectorXi::Zero(2), Eigen::VectorXi::Zero(3)); });
}

TEST(Accuracy, CountsMatches) {
  Eigen::VectorXi t(4), p(4);
  t << 0, 1, 2, 2;
  p << 0, 2, 2, 2;
  EXPECT_DOUBLE_EQ(accuracy(t, p), 0.75);
}

TEST(RegressionMetrics, HandComputed) {
  Eigen::VectorXd t(4), p(4);
  t << 3, -0.5, 2, 7;
  p << 2.5, 0.0, 2, 8;
  // Residuals 0.5, -0.5, 0, -1: SS_res = 1.5, mean 2.875, SS_tot = 29.1875.
  const nlohmann::json m = regression_metrics(t, p);
  EXPECT_NEAR(m["r2"].get<double>(), 1 - 1.5 / 29.1875, kEps);
  EXPECT_NEAR(m["mae"].get<double>(), 0.5, kEps);
  EXPECT_NEAR(m["rmse"].get<double>(), std::sqrt(1.5 / 4), kEps);
  EXPECT_NEAR(r2_score(t, p), 0.9486081370449679, kEps);  // sklearn's r2_score
}

TEST(RegressionMetrics, ConstantTargetFollowsSklearn) {
  const Eigen::VectorXd t = Eigen::VectorXd::Constant(3, 2.0);
  EXPECT_EQ(r2_score(t, t), 1.0);
  EXPECT_EQ(r2_score(t, Eigen::VectorXd::Constant(3, 2.5)), 0.0);
}

TEST(RegressionMetrics, RejectsBadInput) {
  expect_invalid([] { regression_metrics(Eigen::VectorXd::Zero(2), Eigen::VectorXd::Zero(3)); });
  expect_invalid([] { r2_score(Eigen::VectorXd(), Eigen::VectorXd()); });
}

TEST(MetricNames, TasksAndDirection) {
  for (const char* name : {"accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"}) {
    EXPECT_TRUE(is_classification_metric(name)) << name;
    EXPECT_FALSE(is_regression_metric(name)) << name;
  }
  for (const char* name : {"r2", "mae", "rmse"}) {
    EXPECT_TRUE(is_regression_metric(name)) << name;
    EXPECT_FALSE(is_classification_metric(name)) << name;
  }
  EXPECT_TRUE(metric_higher_is_better("accuracy"));
  EXPECT_TRUE(metric_higher_is_better("roc_auc"));
  EXPECT_TRUE(metric_higher_is_better("r2"));
  EXPECT_FALSE(metric_higher_is_better("log_loss"));
  EXPECT_FALSE(metric_higher_is_better("mae"));
  EXPECT_FALSE(metric_higher_is_better("rmse"));
  EXPECT_FALSE(is_classification_metric("mse"));
  try {
    metric_higher_is_better("mse");
    ADD_FAILURE() << "expected automl::Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate::kInvalidParameterValue);
    EXPECT_EQ(std::string(e.what()), "unknown metric \"mse\"");
  }
}

}  // namespace
}  // namespace automl
