// trainer_test.cpp — a whole training run in core/: task detection, metrics of the
// served (parsed-back) model, and data errors.
#include "automl/trainer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "automl/error.hpp"

namespace automl {
namespace {

Dataset two_moons_like(int n, ValueKind kind) {
  Eigen::MatrixXd X(n, 2);
  std::vector<std::string> target;
  for (int i = 0; i < n; ++i) {
    const double x = std::sin(i * 0.7) * 3, y = std::cos(i * 1.3) * 3;
    X(i, 0) = x;
    X(i, 1) = y;
    const bool above = x - 0.5 * y > 0.2;
    target.push_back(kind == ValueKind::Text ? (above ? "up" : "down") : (above ? "1" : "0"));
  }
  return Dataset::numeric(X, {"x", "y"}, "label", kind, target);
}

TEST(Trainer, ClassifiesAndEvaluatesTheServedModel) {
  TrainSpec spec = TrainSpec::parse({{"relation", "t"}, {"target", "label"}});
  const auto out = train(spec, two_moons_like(800, ValueKind::Text));
  EXPECT_EQ(out.task, Task::Classification);
  EXPECT_EQ(out.algorithm, "logistic");
  EXPECT_GT(out.metrics["accuracy"].get<double>(), 0.95);
  EXPECT_TRUE(out.metrics.contains("roc_auc"));
  EXPECT_EQ(out.info["train_rows"].get<int>() + out.info["test_rows"].get<int>(), 800);
  const Model served = Model::parse(out.model_bytes);
  const double up[2] = {3, -2};
  EXPECT_EQ(served.labels().classes()[static_cast<size_t>(served.predict_class(up))], "up");
}

TEST(Trainer, DetectsTasks) {
  std::string reason;
  EXPECT_EQ(detect_task(two_moons_like(50, ValueKind::Integer), &reason), Task::Classification);
  Dataset reg = two_moons_like(50, ValueKind::Float);
  for (size_t i = 0; i < reg.target.size(); ++i) reg.target[i] = std::to_string(i * 0.37);
  EXPECT_EQ(detect_task(reg, &reason), Task::Regression);
  EXPECT_NE(reason.find("10 or more distinct"), std::string::npos) << reason;
  EXPECT_EQ(detect_task(reg, &reason, 100), Task::Classification) << "the limit is configurable";
}

TEST(Trainer, RegressionRecoversALine) {
  Eigen::MatrixXd X(200, 1);
  std::vector<std::string> target;
  for (int i = 0; i < 200; ++i) {
    X(i, 0) = i / 10.0;
    target.push_back(std::to_string(3 * (i / 10.0) - 1));
  }
  const Dataset d = Dataset::numeric(X, {"x"}, "y", ValueKind::Float, target);
  const auto out =
      train(TrainSpec::parse({{"relation", "t"}, {"target", "y"}, {"algorithm", "linear"}}), d);
  EXPECT_EQ(out.task, Task::Regression);
  EXPECT_GT(out.metrics["r2"].get<double>(), 0.999999);
  const double x = 100;
  EXPECT_NEAR(Model::parse(out.model_bytes).predict(&x), 299, 1e-6);
}

TEST(Trainer, DataErrorsAreClear) {
  const TrainSpec spec = TrainSpec::parse({{"relation", "t"}, {"target", "label"}});
  Dataset one_class = two_moons_like(50, ValueKind::Text);
  for (auto& t : one_class.target) t = "same";
  EXPECT_THROW(train(spec, one_class), Error);
  Dataset nan = two_moons_like(50, ValueKind::Text);
  nan.columns[1].numbers[3] = std::nan("");
  EXPECT_NO_THROW(train(spec, nan)) << "NaN is a missing value: imputed";
  Dataset inf = two_moons_like(50, ValueKind::Text);
  inf.columns[1].numbers[3] = INFINITY;
  try {
    train(spec, inf);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"y\""), std::string::npos) << e.what();
  }
  Dataset empty = two_moons_like(0, ValueKind::Text);
  EXPECT_THROW(train(spec, empty), Error);
  const TrainSpec wrong =
      TrainSpec::parse({{"relation", "t"}, {"target", "label"}, {"algorithm", "ridge"}});
  EXPECT_THROW(train(wrong, two_moons_like(50, ValueKind::Text)), Error) << "ridge on text labels";
}

TEST(Trainer, CancelFlagStopsIterativeSolvers) {
  std::atomic<bool> cancel{true};
  try {
    train(TrainSpec::parse({{"relation", "t"}, {"target", "label"}}),
          two_moons_like(400, ValueKind::Text), &cancel);
    FAIL() << "a raised cancel flag must stop training";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate::kQueryCanceled);
  }
}

}  // namespace
}  // namespace automl

namespace automl {
namespace {

Dataset rings(int n) {
  Eigen::MatrixXd X(n, 2);
  std::vector<std::string> target;
  for (int i = 0; i < n; ++i) {
    const double r = (i % 2 ? 2.0 : 1.0) + ((i * 7919) % 100 - 50) / 400.0,
                 a = (i * 104729 % 3600) / 3600.0 * 6.2832;
    X(i, 0) = r * std::cos(a);
    X(i, 1) = r * std::sin(a);
    target.push_back(i % 2 ? "outer" : "inner");
  }
  return Dataset::numeric(X, {"x", "y"}, "ring", ValueKind::Text, target);
}

// Quadrants: the label is the sign of x·y, which no sum f(x) + g(y) of stumps can draw.
Dataset quadrants(int n) {
  Eigen::MatrixXd X(n, 2);
  std::vector<std::string> target;
  for (int i = 0; i < n; ++i) {
    X(i, 0) = ((i * 7919) % 1000) / 500.0 - 1;
    X(i, 1) = ((i * 104729) % 997) / 498.5 - 1;
    target.push_back(X(i, 0) * X(i, 1) > 0 ? "same" : "opposite");
  }
  return Dataset::numeric(X, {"x", "y"}, "ring", ValueKind::Text, target);
}

TEST(Search, GridRecordsEveryTrialAndKeepsTheBest) {
  const auto spec = TrainSpec::parse(nlohmann::json::parse(
      R"({"relation": "t", "target": "ring", "algorithm": "xgboost", "search": "grid", "folds": 3,
          "search_params": {"max_depth": [1, 4], "n_estimators": [5, 30]}})"));
  const auto out = train(spec, quadrants(1200));
  ASSERT_EQ(out.info["trials"].size(), 4u);
  for (const auto& t : out.info["trials"]) EXPECT_EQ(t["status"], "ok") << t.dump();
  EXPECT_EQ(out.hyperparams["max_depth"], 4) << "stumps cannot draw quadrants";
  EXPECT_EQ(out.metrics["cv"]["folds"], 3);
  EXPECT_GT(out.metrics["cv"]["mean"].get<double>(), 0.9);
  EXPECT_GE(out.metrics["cv"]["std"].get<double>(), 0.0);
}

TEST(Search, AutoStaysWithinItsBudgetAndFindsTrees) {
  const auto spec = TrainSpec::parse(nlohmann::json::parse(
      R"({"relation": "t", "target": "ring", "search": "auto", "time_budget": 3})"));
  TrainOptions options;
  options.threads = 2;
  const auto start = std::chrono::steady_clock::now();
  options.deadline = start + std::chrono::seconds(3);
  const auto out = train(spec, rings(3000), options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[search] auto: %zu trials in %.2f s, best %s, accuracy %.4f\n",
              out.info["trials"].size(), seconds, out.algorithm.c_str(),
              out.metrics["accuracy"].get<double>());
  EXPECT_NE(out.algorithm, "logistic");
  EXPECT_GE(out.metrics["accuracy"].get<double>(), 0.97);
  EXPECT_GE(out.info["trials"].size(), 3u);
  for (const char* phase : {"preprocess", "search", "final_fit", "evaluate"})
    EXPECT_TRUE(out.info["phase_seconds"].contains(phase)) << phase;
}

}  // namespace
}  // namespace automl
