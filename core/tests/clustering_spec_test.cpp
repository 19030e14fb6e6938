// clustering_spec_test.cpp — task 'clustering' in a job's spec: no target (a given one
// is refused), kmeans' hyper-parameters, and what does not apply to clustering
// (searches, folds, other tasks' metrics), each refused with 22023.
#include <gtest/gtest.h>

#include "automl/error.hpp"
#include "automl/metrics.hpp"
#include "automl/train_spec.hpp"

namespace automl {
namespace {

nlohmann::json clustering() { return {{"relation", "public.points"}, {"task", "clustering"}}; }

std::string code_of(const nlohmann::json& spec, std::string* message = nullptr) {
  try {
    normalize_job_spec("train", spec);
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.sqlstate();
  }
  return "ok";
}

nlohmann::json with(nlohmann::json spec, const char* key, nlohmann::json value) {
  spec[key] = std::move(value);
  return spec;
}

TEST(ClusteringSpec, TakesNoTarget) {
  const nlohmann::json j = normalize_job_spec("train", clustering());
  EXPECT_EQ(j["task"], "clustering");
  EXPECT_TRUE(j["target"].is_null());
  EXPECT_EQ(j["algorithm"], "auto");
  EXPECT_EQ(j["test_size"], 0) << "nothing is held out";
  EXPECT_EQ(normalize_job_spec("train", j), j) << "normalising is idempotent";
  EXPECT_EQ(code_of(with(clustering(), "target", nullptr)), "ok");
  EXPECT_EQ(code_of(with(clustering(), "test_size", 0.25)), "ok") << "automl.train's default";
  EXPECT_EQ(code_of(with(clustering(), "test_size", 2)), "22023") << "still checked";
  EXPECT_EQ(code_of(with(clustering(), "algorithm", "kmeans")), "ok");
  const nlohmann::json kmeans = {{"relation", "t"}, {"algorithm", "kmeans"}};
  EXPECT_EQ(normalize_job_spec("train", kmeans)["task"], "clustering") << "kmeans implies it";
  std::string message;
  EXPECT_EQ(code_of(with(clustering(), "target", "label"), &message), "22023");
  EXPECT_NE(message.find("clustering' takes no target"), std::string::npos) << message;
  EXPECT_EQ(code_of(with(kmeans, "target", "label")), "22023");
  EXPECT_EQ(code_of(with(clustering(), "target", "")), "22023");
}

TEST(ClusteringSpec, OtherTasksStillNeedATarget) {
  for (const char* task : {"auto", "classification", "regression", "tagging"}) {
    std::string message;
    EXPECT_EQ(code_of({{"relation", "t"}, {"task", task}}, &message), "22023") << task;
    EXPECT_EQ(message, "the spec needs \"target\"") << task;
  }
  EXPECT_EQ(code_of({{"relation", "t"}, {"target", nullptr}}), "22023");
}

TEST(ClusteringSpec, RefusesWhatDoesNotApply) {
  std::string message;
  EXPECT_EQ(
      code_of(
          {{"relation", "t"}, {"target", "y"}, {"task", "classification"}, {"algorithm", "kmeans"}},
          &message),
      "22023");
  EXPECT_NE(message.find("cannot be used for classification"), std::string::npos) << message;
  EXPECT_EQ(code_of(with(clustering(), "algorithm", "logistic"), &message), "22023");
  EXPECT_NE(message.find("needs algorithm 'kmeans'"), std::string::npos) << message;
  EXPECT_EQ(code_of(with(clustering(), "algorithm", "crf")), "22023");
  for (const nlohmann::json& bad :
       {nlohmann::json(0), nlohmann::json(1001), nlohmann::json(2.5), nlohmann::json(-3),
        nlohmann::json("many"), nlohmann::json(true), nlohmann::json(nullptr)}) {
    EXPECT_EQ(code_of(with(clustering(), "hyperparams", {{"n_clusters", bad}}), &message), "22023")
        << bad;
    EXPECT_NE(message.find("\"n_clusters\""), std::string::npos) << message;
  }
  for (const nlohmann::json& good :
       {nlohmann::json(1), nlohmann::json(1000), nlohmann::json("auto")})
    EXPECT_EQ(code_of(with(clustering(), "hyperparams", {{"n_clusters", good}})), "ok") << good;
  EXPECT_EQ(code_of(with(clustering(), "hyperparams", {{"init", "random"}, {"n_init", 3}})), "ok");
  EXPECT_EQ(code_of(with(clustering(), "hyperparams", {{"init", "kmeans++"}})), "22023");
  EXPECT_EQ(code_of(with(clustering(), "hyperparams", {{"n_init", 0}})), "22023");
  EXPECT_EQ(code_of(with(clustering(), "hyperparams", {{"tol", -1}})), "22023");
  EXPECT_EQ(code_of(with(clustering(), "hyperparams", {{"C", 1}})), "22023");
  EXPECT_EQ(code_of(with(clustering(), "search", "grid"), &message), "22023");
  EXPECT_NE(message.find("does not apply to clustering"), std::string::npos) << message;
  EXPECT_EQ(code_of(with(clustering(), "search_params", {{"n_clusters", {2, 3}}})), "22023");
  EXPECT_EQ(code_of(with(clustering(), "search_params", nlohmann::json::object())), "ok");
  EXPECT_EQ(code_of(with(clustering(), "folds", 5)), "22023");
  EXPECT_EQ(code_of(with(clustering(), "eval", "cv")), "22023");
  EXPECT_EQ(code_of(with(clustering(), "time_budget", 10)), "22023");
  EXPECT_EQ(code_of(with(clustering(), "metric", "silhouette")), "ok");
  EXPECT_EQ(code_of(with(clustering(), "metric", "inertia")), "ok");
  EXPECT_EQ(code_of(with(clustering(), "metric", "f1")), "22023");
  const nlohmann::json supervised = {{"relation", "t"}, {"target", "y"}};
  EXPECT_EQ(code_of(with(supervised, "metric", "silhouette")), "22023");
  EXPECT_EQ(code_of(with(with(supervised, "task", "regression"), "metric", "inertia")), "22023");
  nlohmann::json budgeted = with(with(supervised, "search", "auto"), "time_budget", 10);
  budgeted["search_params"] = {{"algorithms", {"xgboost", "kmeans"}}};
  EXPECT_EQ(code_of(budgeted), "22023") << "search 'auto' does not cluster";
  nlohmann::json ensemble = with(supervised, "algorithm", "ensemble");
  ensemble["hyperparams"] = {{"members", {{{"algorithm", "ridge"}}, {{"algorithm", "kmeans"}}}}};
  EXPECT_EQ(code_of(ensemble), "22023");
  EXPECT_TRUE(metric_higher_is_better("silhouette"));
  EXPECT_FALSE(metric_higher_is_better("inertia"));
}

}  // namespace
}  // namespace automl
