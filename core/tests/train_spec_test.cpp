// train_spec_test.cpp — spec validation: defaults, and the error for each bad field.
#include "automl/train_spec.hpp"

#include <gtest/gtest.h>

#include "automl/error.hpp"

namespace automl {
namespace {

nlohmann::json base() { return {{"relation", "public.t"}, {"target", "y"}}; }

std::string code_of(nlohmann::json spec, const std::string& kind = "train") {
  try {
    normalize_job_spec(kind, spec);
  } catch (const Error& e) {
    return e.sqlstate();
  }
  return "ok";
}

TEST(TrainSpec, FillsDefaults) {
  const auto j = normalize_job_spec("train", base());
  EXPECT_EQ(j["task"], "auto");
  EXPECT_EQ(j["algorithm"], "auto");
  EXPECT_EQ(j["test_size"], 0.25);
  EXPECT_EQ(j["deploy"], "if_better");
  EXPECT_EQ(j["seed"], 42);
  EXPECT_TRUE(j["metric"].is_null());
  EXPECT_EQ(normalize_job_spec("train", j), j) << "normalising is idempotent";
}

TEST(TrainSpec, RefusesEachBadFieldWithTheRightCode) {
  auto with = [](const char* key, nlohmann::json value) {
    auto s = base();
    s[key] = std::move(value);
    return s;
  };
  EXPECT_EQ(code_of(with("task", "forecast")), "22023");
  EXPECT_EQ(code_of(with("task", "tagging")), "ok");  // a CRF (crf_test.cpp, tests/sql/tagging.sql)
  EXPECT_EQ(code_of(with("task", "clustering")), "22023") << "clustering takes no target";
  EXPECT_EQ(code_of(with("algorithm", "svm")), "22023");
  EXPECT_EQ(code_of(with("algorithm", "kmeans")), "22023") << "kmeans clusters: no target";
  EXPECT_EQ(code_of(with("test_size", 1)), "22023");
  EXPECT_EQ(code_of(with("test_size", "0.2")), "22023");
  EXPECT_EQ(code_of(with("folds", -1)), "22023");
  EXPECT_EQ(code_of(with("folds", 3)), "ok");
  EXPECT_EQ(code_of(with("folds", 1)), "22023");
  EXPECT_EQ(code_of(with("folds", 50)), "22023");
  EXPECT_EQ(code_of(with("search", "auto")), "22023") << "auto needs a time_budget";
  auto budgeted = with("search", "auto");
  budgeted["time_budget"] = 10;
  EXPECT_EQ(code_of(budgeted), "ok");
  budgeted["time_budget"] = 0.5;
  EXPECT_EQ(code_of(budgeted), "22023");
  budgeted["time_budget"] = 10;
  budgeted["search_params"] = {{"algorithms", {"xgboost", "kmeans"}}};
  EXPECT_EQ(code_of(budgeted), "22023") << "search 'auto' does not cluster";
  EXPECT_EQ(code_of(with("time_budget", 10)), "22023") << "a budget without search 'auto'";
  budgeted["search_params"] = nlohmann::json::object();
  for (const char* eval : {"auto", "holdout", "cv"}) {
    budgeted["eval"] = eval;
    EXPECT_EQ(code_of(budgeted), "ok") << eval;
  }
  budgeted["eval"] = "bootstrap";
  EXPECT_EQ(code_of(budgeted), "22023");
  budgeted["eval"] = 5;
  EXPECT_EQ(code_of(budgeted), "22023");
  EXPECT_EQ(code_of(with("eval", "cv")), "22023") << "eval without a search";
  auto grid = with("search", "grid");
  grid["algorithm"] = "logistic";
  grid["search_params"] = {{"C", {0.1, 1, 10}}};
  EXPECT_EQ(code_of(grid), "ok");
  grid["search_params"] = {{"C", {0.1, -1}}};
  EXPECT_EQ(code_of(grid), "22023") << "every value is checked";
  grid["search_params"] = {{"gamma", {1}}};
  EXPECT_EQ(code_of(grid), "22023");
  grid["algorithm"] = "auto";
  grid["search_params"] = {{"C", {1}}};
  EXPECT_EQ(code_of(grid), "22023") << "grid needs an explicit algorithm";
  auto random = with("search", "random");
  random["algorithm"] = "xgboost";
  random["search_params"] = nlohmann::json::parse(
      R"({"learning_rate": {"min": 0.01, "max": 0.3, "log": true}, "n_trials": 5})");
  EXPECT_EQ(code_of(random), "ok");
  random["search_params"]["n_trials"] = 0;
  EXPECT_EQ(code_of(random), "22023");
  EXPECT_EQ(code_of(with("seed", 1.5)), "22023");
  EXPECT_EQ(code_of(with("deploy", "maybe")), "22023");
  EXPECT_EQ(code_of(with("unknown_key", 1)), "22023");
  EXPECT_EQ(code_of(with("relation", "")), "22023");
  EXPECT_EQ(code_of(nlohmann::json::array()), "22023");
  auto logistic = with("algorithm", "logistic");
  logistic["hyperparams"] = {{"C", 1e-3}, {"max_iter", 500}};
  EXPECT_EQ(code_of(logistic), "ok");
  logistic["hyperparams"]["tol"] = -1;
  EXPECT_EQ(code_of(logistic), "22023");
  logistic["hyperparams"] = {{"alpha", 1}};
  EXPECT_EQ(code_of(logistic), "22023") << "ridge's parameter is not logistic's";
}

TEST(JobSpec, KindsAndNoop) {
  EXPECT_EQ(code_of({{"seconds", 1.5}}, "noop"), "ok");
  EXPECT_EQ(code_of({{"seconds", -1}}, "noop"), "22023");
  EXPECT_EQ(code_of({}, "import"), "22023") << "an import needs a url and a table";
  EXPECT_EQ(code_of({}, "design"), "22023") << "a design needs factors";
  const nlohmann::json one_factor = {{"factors", {{"A", {{"min", 0}, {"max", 1}}}}},
                                     {"into_table", nullptr}};
  EXPECT_EQ(code_of(one_factor, "design"), "ok");
  EXPECT_EQ(code_of({}, "nonsense"), "22023");
}

}  // namespace
}  // namespace automl

namespace automl {
namespace {

TEST(TrainSpec, SplitColumnNamesTheHeldOutRows) {
  auto with_split = [](nlohmann::json column) {
    auto s = base();
    s["split_column"] = std::move(column);
    return s;
  };
  const auto j = normalize_job_spec("train", with_split("held_out"));
  EXPECT_EQ(j["split_column"], "held_out");
  EXPECT_EQ(TrainSpec::parse(j).split_column, std::optional<std::string>("held_out"));
  EXPECT_EQ(normalize_job_spec("train", j), j) << "normalising is idempotent";
  EXPECT_FALSE(TrainSpec::parse(with_split(nullptr)).split_column) << "NULL: test_size decides";
  EXPECT_FALSE(normalize_job_spec("train", base()).contains("split_column"));
  EXPECT_EQ(code_of(with_split("")), "22023");
  EXPECT_EQ(code_of(with_split(1)), "22023");
  EXPECT_EQ(code_of(with_split("y")), "22023") << "the target cannot say which rows are held out";
  auto nothing_held_out = with_split("held_out");
  nothing_held_out["test_size"] = 0;
  EXPECT_EQ(code_of(nothing_held_out), "22023");
  auto clustering = with_split("held_out");
  clustering.erase("target");
  clustering["task"] = "clustering";
  EXPECT_EQ(code_of(clustering), "22023");
  clustering.erase("split_column");
  EXPECT_EQ(code_of(clustering), "ok") << "the split column alone was refused";
  auto tagging = with_split("held_out");
  tagging["task"] = "tagging";
  EXPECT_EQ(code_of(tagging), "22023");
  tagging.erase("split_column");
  EXPECT_EQ(code_of(tagging), "ok") << "the split column alone was refused";
}

TEST(TrainSpec, TaggingTakesCrfAndItsOwnMetrics) {
  const nlohmann::json tagging = {{"relation", "names"}, {"target", "tags"}, {"task", "tagging"}};
  const TrainSpec s = TrainSpec::parse(tagging);
  EXPECT_EQ(s.algorithm, "crf");
  EXPECT_DOUBLE_EQ(s.hyperparams["c2"].get<double>(), 0.1);
  auto with = [&](const char* key, nlohmann::json value) {
    auto j = tagging;
    j[key] = std::move(value);
    return j;
  };
  EXPECT_EQ(TrainSpec::parse(with("metric", "token_accuracy")).metric, "token_accuracy");
  EXPECT_THROW(TrainSpec::parse(with("metric", "r2")), Error);
  EXPECT_THROW(TrainSpec::parse(with("algorithm", "logistic")), Error);
  EXPECT_THROW(TrainSpec::parse(with("hyperparams", nlohmann::json{{"c2", -1}})), Error);
  EXPECT_THROW(TrainSpec::parse(with("hyperparams", nlohmann::json{{"C", 1}})), Error);
  EXPECT_THROW(TrainSpec::parse(with("search", "grid")), Error);
  auto crf_for_regression = tagging;
  crf_for_regression["task"] = "regression";
  crf_for_regression["algorithm"] = "crf";
  EXPECT_THROW(TrainSpec::parse(crf_for_regression), Error);
}

}  // namespace
}  // namespace automl
