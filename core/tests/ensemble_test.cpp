// ensemble_test.cpp — the averaged model: its scores and explanations are the
// members' weighted average, it survives its own file, hostile files and
// hyper-parameters are refused, and a whole training run serves one.
#include "automl/ensemble.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "automl/algorithms.hpp"
#include "automl/error.hpp"
#include "automl/trainer.hpp"
#include "fit_estimator.hpp"
#include "sqlstate_of.hpp"

namespace automl {
namespace {

Dataset curve(int n, bool classify) {
  Eigen::MatrixXd X(n, 2);
  std::vector<std::string> target;
  for (int i = 0; i < n; ++i) {
    X(i, 0) = std::sin(i * 0.37) * 2;
    X(i, 1) = std::cos(i * 0.91);
    const double y = X(i, 0) * X(i, 0) - X(i, 1) + 0.1 * std::sin(i * 7.1);
    target.push_back(classify ? (y > 1 ? "high" : "low") : std::to_string(y));
  }
  return Dataset::numeric(X, {"a", "b"}, "y", classify ? ValueKind::Text : ValueKind::Float,
                          target);
}

nlohmann::json two_members() {
  return {{"members",
           {{{"algorithm", "xgboost"}, {"hyperparams", {{"n_estimators", 20}}}},
            {{"algorithm", "ridge"}, {"hyperparams", {{"alpha", 0.5}}}}}}};
}

Fitted fit(const std::string& algorithm, const nlohmann::json& hp, const Eigen::MatrixXd& X,
           const Eigen::VectorXd& y) {
  return fit_estimator(algorithm, resolve_hyperparams(algorithm, hp), X, y, Eigen::VectorXi(), 0,
                       Task::Regression, TrainResources{nullptr, 1, 7});
}

TEST(Ensemble, ScoresAndExplanationsAreTheMembersAverage) {
  Eigen::MatrixXd X = Eigen::MatrixXd::Random(200, 3);
  Eigen::VectorXd y = X.col(0) * 2 - X.col(1).cwiseAbs();
  const Fitted a = fit("xgboost", {{"n_estimators", 30}}, X, y);
  const Fitted b = fit("ridge", nlohmann::json::object(), X, y);
  const EnsembleEstimator e({a.estimator, b.estimator}, {3, 1}, 3);
  EXPECT_DOUBLE_EQ(e.weights()[0], 0.75) << "weights are normalised";
  const Eigen::MatrixXd batch = e.decision_batch(X);
  const Eigen::MatrixXd want =
      0.75 * a.estimator->decision_batch(X) + 0.25 * b.estimator->decision_batch(X);
  EXPECT_LT((batch - want).cwiseAbs().maxCoeff(), 1e-12);
  double one = 0, contributions[4];
  e.decision(X.row(5).eval().data(), &one);
  EXPECT_NEAR(one, want(5, 0), 1e-12);
  e.contributions(X.row(5).eval().data(), 0, contributions);
  double of_a[4], of_b[4], sum = 0;
  a.estimator->contributions(X.row(5).eval().data(), 0, of_a);
  b.estimator->contributions(X.row(5).eval().data(), 0, of_b);
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(contributions[j], 0.75 * of_a[j] + 0.25 * of_b[j], 1e-12) << j;
    sum += contributions[j];
  }
  EXPECT_NEAR(sum, one, 1e-5) << "contributions sum to the score (TreeSHAP's float precision)";

  const auto parsed = estimator_from_json(e.to_json(), 3);
  EXPECT_EQ((parsed->decision_batch(X) - batch).cwiseAbs().maxCoeff(), 0.0)
      << "its file gives back the same scores";
}

TEST(Ensemble, HostileFilesAndHyperparametersAreRefused) {
  Eigen::MatrixXd X = Eigen::MatrixXd::Random(50, 2);
  const Eigen::VectorXd y = X.col(0);
  const nlohmann::json member = fit("ridge", nlohmann::json::object(), X, y).estimator->to_json();
  auto file = [&](nlohmann::json members, nlohmann::json weights) {
    return nlohmann::json{{"type", "ensemble"}, {"members", members}, {"weights", weights}};
  };
  EXPECT_EQ(sqlstate_of([&] { estimator_from_json(file({member, member}, {1, 1}), 2); }), "none");
  EXPECT_EQ(sqlstate_of([&] { estimator_from_json(file({member}, {1}), 2); }), "22023")
      << "one member";
  EXPECT_EQ(sqlstate_of([&] {
              estimator_from_json(
                  file(nlohmann::json::array({member, member, member, member, member, member,
                                              member, member, member, member, member}),
                       std::vector<int>(11, 1)),
                  2);
            }),
            "22023")
      << "eleven members";
  EXPECT_EQ(sqlstate_of([&] { estimator_from_json(file({member, member}, {1, -1}), 2); }), "22023");
  EXPECT_EQ(sqlstate_of([&] { estimator_from_json(file({member, member}, {1}), 2); }), "22023");
  EXPECT_NE(sqlstate_of([&] { estimator_from_json(file({member, member}, {1, "x"}), 2); }), "none");
  // Nesting is refused before the inner file is read, whatever its depth.
  nlohmann::json nested = file({member, member}, {1, 1});
  for (int depth = 0; depth < 1000; ++depth) nested = file({nested, member}, {1, 1});
  EXPECT_EQ(sqlstate_of([&] { estimator_from_json(nested, 2); }), "22023");

  EXPECT_EQ(sqlstate_of([] { resolve_hyperparams("ensemble", two_members()); }), "none");
  EXPECT_EQ(sqlstate_of([] { resolve_hyperparams("ensemble", {{"members", {}}}); }), "22023");
  EXPECT_EQ(sqlstate_of([] { resolve_hyperparams("ensemble", {{"weights", {1, 2}}}); }), "22023");
  nlohmann::json bad = two_members();
  bad["members"][1]["algorithm"] = "crf";
  EXPECT_EQ(sqlstate_of([&] { resolve_hyperparams("ensemble", bad); }), "22023");
  bad["members"][1]["algorithm"] = "ensemble";
  EXPECT_EQ(sqlstate_of([&] { resolve_hyperparams("ensemble", bad); }), "22023");
  bad["members"][1] = {{"algorithm", "ridge"}, {"hyperparams", {{"alpha", -1}}}};
  EXPECT_EQ(sqlstate_of([&] { resolve_hyperparams("ensemble", bad); }), "22023")
      << "members checked";
  const nlohmann::json resolved = resolve_hyperparams("ensemble", two_members());
  EXPECT_EQ(resolved["members"][0]["hyperparams"]["max_depth"], 6) << "defaults filled in";
}

TEST(Ensemble, ATrainingRunServesOneAndItsMembersMustServeTheTask) {
  const auto spec = TrainSpec::parse({{"relation", "t"},
                                      {"target", "y"},
                                      {"algorithm", "ensemble"},
                                      {"hyperparams", two_members()}});
  const auto out = train(spec, curve(300, false));
  EXPECT_EQ(out.algorithm, "ensemble");
  const Model served = Model::parse(out.model_bytes);
  EXPECT_NE(dynamic_cast<const EnsembleEstimator*>(&served.estimator()), nullptr);
  EXPECT_GT(out.metrics["r2"].get<double>(), 0.6);
  EXPECT_EQ(out.info["members"].size(), 2u);

  nlohmann::json classify = two_members();
  classify["members"][1] = {{"algorithm", "logistic"}};
  const auto cls = train(TrainSpec::parse({{"relation", "t"},
                                           {"target", "y"},
                                           {"algorithm", "ensemble"},
                                           {"hyperparams", classify}}),
                         curve(300, true));
  EXPECT_GT(cls.metrics["accuracy"].get<double>(), 0.9);
  EXPECT_THROW(train(spec, curve(300, true)), Error) << "ridge cannot classify";
}

TEST(Ensemble, AnAutoSearchEndsWithEnsemblesWhenItsAlgorithmsAskForThem) {
  auto search = [](nlohmann::json algorithms) {
    nlohmann::json spec = {
        {"relation", "t"}, {"target", "y"}, {"search", "auto"}, {"time_budget", 3}};
    if (!algorithms.is_null()) spec["search_params"] = {{"algorithms", algorithms}};
    TrainOptions options;
    options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    return train(TrainSpec::parse(spec), curve(300, true), options);
  };
  auto ensembles = [](const TrainOutcome& out) {
    int n = 0;
    for (const auto& t : out.info["trials"]) n += t["algorithm"] == "ensemble";
    return n;
  };
  EXPECT_EQ(ensembles(search(nullptr)), 0) << "not by default: on real data they did not pay";
  EXPECT_EQ(ensembles(search({"xgboost", "logistic"})), 0);
  EXPECT_GE(ensembles(search({"xgboost", "logistic", "ensemble"})), 1);
}

}  // namespace
}  // namespace automl
