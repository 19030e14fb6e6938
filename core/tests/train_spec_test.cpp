// train_spec_test.cpp — spec validation: defaults, and the error for each bad field.
#include <gtest/gtest.h>

#include "automl/error.hpp"
#include "automl/train_spec.hpp"

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
  EXPECT_EQ(code_of(with("task", "tagging")), "0A000");
  EXPECT_EQ(code_of(with("algorithm", "svm")), "22023");
  EXPECT_EQ(code_of(with("algorithm", "kmeans")), "0A000");
  EXPECT_EQ(code_of(with("test_size", 1)), "22023");
  EXPECT_EQ(code_of(with("test_size", "0.2")), "22023");
  EXPECT_EQ(code_of(with("folds", -1)), "22023");
  EXPECT_EQ(code_of(with("folds", 3)), "0A000");
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
  EXPECT_EQ(code_of({}, "import"), "0A000");
  EXPECT_EQ(code_of({}, "nonsense"), "22023");
}

}  // namespace
}  // namespace automl
