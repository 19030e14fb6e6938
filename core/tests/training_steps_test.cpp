// training_steps_test.cpp — the pure steps of a training run: task names, the task
// a spec carries, fold assignment, row samples of a search, balanced class weights.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "automl/error.hpp"
#include "automl/task.hpp"
#include "automl/train_spec.hpp"
#include "cross_validation.hpp"
#include "fit_estimator.hpp"
#include "search_driver.hpp"
#include "task_detection.hpp"

namespace automl {
namespace {

TEST(Task, NamesRoundTripAndAutoIsNoTask) {
  for (Task task : {Task::Classification, Task::Regression, Task::Tagging})
    EXPECT_EQ(task_from_name(to_string(task)), task);
  EXPECT_STREQ(to_string(Task::Tagging), "tagging");
  EXPECT_FALSE(task_from_name("auto"));
  EXPECT_FALSE(task_from_name("Classification"));
}

TEST(Task, TheSpecParsesItOnceAndWritesTheSameName) {
  const nlohmann::json base = {{"relation", "t"}, {"target", "y"}};
  EXPECT_FALSE(TrainSpec::parse(base).task);
  EXPECT_EQ(TrainSpec::parse(base).to_json()["task"], "auto");
  nlohmann::json given = base;
  given["task"] = "regression";
  EXPECT_EQ(TrainSpec::parse(given).task, Task::Regression);
  EXPECT_EQ(TrainSpec::parse(given).to_json()["task"], "regression");
  given["task"] = "tagging";
  EXPECT_EQ(TrainSpec::parse(given).task, Task::Tagging);
  EXPECT_EQ(TrainSpec::parse(given).to_json()["task"], "tagging");
}

TEST(Task, TrainRefusesATaggingSpec) {
  const TrainSpec spec =
      TrainSpec::parse({{"relation", "t"}, {"target", "y"}, {"task", "tagging"}});
  std::string reason;
  try {
    task_for(spec, Dataset{}, &reason);
    FAIL() << "a tagging spec reached train()";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate::kFeatureNotSupported);
  }
}

TEST(CrossValidation, StratifiedFoldsKeepEveryClassInEveryFold) {
  Eigen::VectorXi strata(30);
  for (int i = 0; i < 30; ++i) strata[i] = i < 21 ? 0 : 1;  // 21 and 9 rows
  const std::vector<int> folds = stratified_folds(30, 3, &strata, 42);
  ASSERT_EQ(folds.size(), 30u);
  std::map<std::pair<int, int>, int> per_fold_and_class;
  for (int i = 0; i < 30; ++i) ++per_fold_and_class[{folds[static_cast<size_t>(i)], strata[i]}];
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ((per_fold_and_class[{k, 0}]), 7) << "fold " << k;
    EXPECT_EQ((per_fold_and_class[{k, 1}]), 3) << "fold " << k;
  }
  EXPECT_EQ(folds, stratified_folds(30, 3, &strata, 42)) << "the seed decides";
  const std::vector<int> plain = stratified_folds(10, 4, nullptr, 1);
  for (int k = 0; k < 4; ++k) {
    const auto size = std::count(plain.begin(), plain.end(), k);
    EXPECT_TRUE(size == 2 || size == 3) << "fold " << k << " has " << size;
  }
}

TEST(SearchDriver, SampleRowsIsSortedDistinctAndSeeded) {
  const auto all = sample_rows(5, 10, 1);
  EXPECT_EQ(all, (std::vector<Eigen::Index>{0, 1, 2, 3, 4}));
  const auto some = sample_rows(1000, 100, 7);
  ASSERT_EQ(some.size(), 100u);
  EXPECT_TRUE(std::is_sorted(some.begin(), some.end()));
  EXPECT_EQ(std::set<Eigen::Index>(some.begin(), some.end()).size(), 100u);
  EXPECT_LT(some.back(), 1000);
  EXPECT_EQ(some, sample_rows(1000, 100, 7));
  EXPECT_NE(some, sample_rows(1000, 100, 8));
}

TEST(SearchDriver, FinalFitRowsShrinkOnlyWhenTheBudgetIsShort) {
  const auto trial_sample = sample_rows(1000, 100, 3);
  EXPECT_EQ(final_fit_rows(1000, trial_sample, 2.0, 10.0, 3).size(), 1000u) << "time enough";
  EXPECT_EQ(final_fit_rows(1000, trial_sample, 2.0, -1.0, 3).size(), 1000u)
      << "no time at all: full fit";
  EXPECT_EQ(final_fit_rows(1000, trial_sample, 10.0, 5.0, 3).size(), 500u)
      << "half the time, half the rows";
  EXPECT_EQ(final_fit_rows(1000, trial_sample, 100.0, 1.0, 3), trial_sample)
      << "never fewer than the trials saw";
}

// eval => 'auto' follows FLAML's rule: cross-validation for small data against the
// budget, one holdout beyond; few rows repeat the folds.
TEST(SearchDriver, TrialEvaluationFollowsDataSizeAndBudget) {
  auto spec = [](const char* eval, double budget, int folds = 0) {
    nlohmann::json j = {{"relation", "t"},       {"target", "y"}, {"search", "auto"},
                        {"time_budget", budget}, {"eval", eval},  {"folds", folds}};
    return TrainSpec::parse(j);
  };
  const TrialEval tiny = choose_eval(spec("auto", 20), 116, 9);
  EXPECT_EQ(tiny.method, "cv");
  EXPECT_EQ(tiny.folds, 5);
  EXPECT_EQ(tiny.repeats, 3);
  EXPECT_EQ(tiny.fits(), 15);
  EXPECT_EQ(choose_eval(spec("auto", 20), 700, 9).repeats, 2);
  EXPECT_EQ(choose_eval(spec("auto", 20), 3000, 9).repeats, 1);
  // 20 s allow cross-validation up to rows × features ≈ 55,000; below 50,000 any
  // budget does (too few rows for a holdout to rank by).
  EXPECT_EQ(choose_eval(spec("auto", 20), 4000, 10).method, "cv");
  EXPECT_EQ(choose_eval(spec("auto", 20), 6000, 10).method, "holdout");
  EXPECT_EQ(choose_eval(spec("auto", 5), 1715, 26).method, "cv");
  EXPECT_EQ(choose_eval(spec("auto", 5), 1347, 64).method, "holdout");
  EXPECT_EQ(choose_eval(spec("auto", 3600), 6000, 10).method, "cv") << "an hour affords more";
  EXPECT_EQ(choose_eval(spec("auto", 86400), 150000, 2).method, "holdout") << "too many rows";
  EXPECT_EQ(choose_eval(spec("auto", 20, 3), 100000, 50).folds, 3) << "the job asked for folds";
  EXPECT_EQ(choose_eval(spec("holdout", 20), 100, 2).fits(), 1);
  const TrialEval cv = choose_eval(spec("cv", 20, 4), 500000, 100);
  EXPECT_EQ(cv.method, "cv");
  EXPECT_EQ(cv.folds, 4);
  nlohmann::json grid = {{"relation", "t"},
                         {"target", "y"},
                         {"algorithm", "ridge"},
                         {"search", "grid"},
                         {"search_params", {{"alpha", {0.1, 1}}}}};
  EXPECT_EQ(choose_eval(TrainSpec::parse(grid), 100, 2).method, "holdout") << "no budget";
  grid["eval"] = "cv";
  EXPECT_EQ(choose_eval(TrainSpec::parse(grid), 100, 2).method, "cv");
}

TEST(FitEstimator, BalancedWeightsFollowScikitLearn) {
  Eigen::VectorXi y(6);
  y << 0, 0, 0, 0, 1, 1;
  const Eigen::VectorXd w = balanced_weights(y, 3);
  EXPECT_DOUBLE_EQ(w[0], 6.0 / (3 * 4));
  EXPECT_DOUBLE_EQ(w[1], 6.0 / (3 * 2));
  EXPECT_EQ(w[2], 1.0) << "an absent class keeps weight 1";
}

}  // namespace
}  // namespace automl
