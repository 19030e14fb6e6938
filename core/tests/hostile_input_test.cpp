// hostile_input_test.cpp — what a tenant's model file or a huge job cannot do to a
// process: a 500,000-deep tree is refused at load without recursion, long loops stop
// when the host asks, a forest grown in chunks stops between chunks, a search keeps
// at most its trial cap, and encoding that would exhaust memory is refused first.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "automl/crf.hpp"
#include "automl/error.hpp"
#include "automl/interrupt.hpp"
#include "automl/model.hpp"
#include "automl/trainer.hpp"
#include "automl/tree_ensemble.hpp"
#include "sqlstate_of.hpp"

namespace automl {
namespace {

// A chain: internal node 2k splits to leaf 2k+1 and internal node 2k+2.
TreeEnsemble::Tree chain(int depth) {
  TreeEnsemble::Tree t;
  const size_t n = static_cast<size_t>(2 * depth + 1);
  t.left.assign(n, -1);
  t.right.assign(n, -1);
  for (int k = 0; k < depth; ++k) {
    t.left[static_cast<size_t>(2 * k)] = 2 * k + 2;
    t.right[static_cast<size_t>(2 * k)] = 2 * k + 1;
  }
  t.feature.assign(n, 0);
  t.threshold.assign(n, 0.5f);
  t.default_left.assign(n, 1);
  t.value.assign(n, 0.25);
  t.cover.assign(n, 1.0);  // leaves; an internal node covers its subtree's leaves
  for (int k = 0; k < depth; ++k) t.cover[static_cast<size_t>(2 * k)] = depth - k + 1;
  return t;
}

// "SQLSTATE: message" of what f throws, or "none".
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return std::string(e.sqlstate()) + ": " + e.what();
  }
  return "none";
}

TEST(HostileModel, ADeepChainIsRefusedAtLoadWithoutRecursion) {
  EXPECT_EQ(sqlstate_of([] { TreeEnsemble({chain(500000)}, {0.0}, Link::Identity, 1); }), "22023");
  EXPECT_EQ(sqlstate_of([] {
              TreeEnsemble({chain(TreeEnsemble::kMaxDepth + 1)}, {0.0}, Link::Identity, 1);
            }),
            "22023");
  // The deepest allowed tree explains like any other: SHAP sums to the margin.
  const TreeEnsemble ok({chain(TreeEnsemble::kMaxDepth)}, {0.0}, Link::Identity, 1);
  const double x[1] = {0.0};
  double margin[1], phi[2];
  ok.decision(x, margin);
  ok.contributions(x, 0, phi);
  EXPECT_NEAR(phi[0] + phi[1], margin[0], 1e-9);
}

TEST(HostileModel, ADeepChainInAModelFileIsRefused) {
  Eigen::MatrixXd X(200, 1);
  std::vector<std::string> y;
  for (int i = 0; i < 200; ++i) X(i, 0) = i, y.push_back(i < 100 ? "a" : "b");
  const auto out = train(TrainSpec::parse({{"relation", "t"},
                                           {"target", "y"},
                                           {"algorithm", "xgboost"},
                                           {"hyperparams", {{"n_estimators", 2}}}}),
                         Dataset::numeric(X, {"x"}, "y", ValueKind::Text, y), nullptr, 1);
  nlohmann::json file = nlohmann::json::parse(out.model_bytes);
  const TreeEnsemble::Tree deep = chain(100000);
  auto& tree = file["estimator"]["trees"][0];
  tree["left"] = deep.left, tree["right"] = deep.right, tree["feature"] = deep.feature,
  tree["threshold"] = deep.threshold, tree["default_left"] = deep.default_left,
  tree["value"] = deep.value, tree["cover"] = deep.cover;
  const std::string bytes = file.dump();
  // A model file that cannot be served is a corrupted file (XX001), naming why.
  const std::string error = error_of([&] { Model::parse(bytes); });
  EXPECT_EQ(error.substr(0, 5), "XX001") << error;
  EXPECT_NE(error.find("deeper than 64 levels"), std::string::npos) << error;
}

// The host's hook stops a long loop with 57014, and clearing it lets it run again.
TEST(HostileModel, LongLoopsStopWhenTheHostAsks) {
  std::vector<TaggedSequence> data;
  for (int i = 0; i < 30; ++i)
    data.push_back({{"w" + std::to_string(i % 7), "x"}, {"L" + std::to_string(i % 5), "Z"}});
  CrfOptions options;
  options.max_iter = 5;
  const Crf crf = Crf::fit(data, options);
  const std::vector<std::string> tokens(500, "w1");
  static std::atomic<int> calls{0};
  calls = 0;
  set_interrupt_hook([]() -> bool { return ++calls > 10; });
  EXPECT_EQ(sqlstate_of([&] { crf.tag(tokens); }), "57014");
  EXPECT_LE(calls.load(), 12);  // stopped at the first check after the hook said so
  std::vector<TreeEnsemble::Tree> trees(50, chain(10));
  const TreeEnsemble many(trees, {0.0}, Link::Identity, 1);
  const double x[1] = {0.0};
  double phi[2];
  calls = 0;
  EXPECT_EQ(sqlstate_of([&] { many.contributions(x, 0, phi); }), "57014");
  set_interrupt_hook(nullptr);
  EXPECT_EQ(sqlstate_of([&] { crf.tag(tokens); }), "none");
}

Dataset rings(int n, std::vector<std::string>* target) {
  Eigen::MatrixXd X(n, 2);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-3, 3);
  for (int i = 0; i < n; ++i) {
    X(i, 0) = u(rng), X(i, 1) = u(rng);
    target->push_back(X(i, 0) * X(i, 0) + X(i, 1) * X(i, 1) < 4 ? "in" : "out");
  }
  return Dataset::numeric(X, {"a", "b"}, "label", ValueKind::Text, *target);
}

// A forest of 2,000 trees grows in chunks of about half a second: a cancellation
// raised while it grows is heard between chunks, long before the forest is done.
TEST(HostileJob, AForestStopsBetweenChunks) {
  std::vector<std::string> y;
  const Dataset d = rings(20000, &y);
  const auto spec =
      TrainSpec::parse({{"relation", "t"},
                        {"target", "label"},
                        {"algorithm", "random_forest"},
                        {"hyperparams", {{"n_estimators", 2000}, {"max_depth", 12}}}});
  std::atomic<bool> cancel{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(sqlstate_of([&] { train(spec, d, &cancel, 2); }), "57014");
  stopper.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // Uncancelled, this forest grows for about 30 s here; a chunk takes well under one.
  EXPECT_LT(seconds, 10) << "the forest ran on " << seconds - 0.3 << " s after the cancellation";
  std::printf("[hostile] a 2000-tree forest stopped %.2f s after its cancellation\n",
              seconds - 0.3);
}

// Chunks average like one forest: 45 trees in chunks serve the rings.
TEST(HostileJob, AChunkedForestIsOneForest) {
  std::vector<std::string> y;
  const Dataset d = rings(1500, &y);
  const auto out = train(TrainSpec::parse({{"relation", "t"},
                                           {"target", "label"},
                                           {"algorithm", "random_forest"},
                                           {"hyperparams", {{"n_estimators", 45}}}}),
                         d, nullptr, 2);
  EXPECT_EQ(out.info["trees"].get<int>(), 45);
  EXPECT_GT(out.metrics["accuracy"].get<double>(), 0.93);
  const Model served = Model::parse(out.model_bytes);
  const double centre[2] = {0, 0};
  std::vector<double> proba(2);
  served.predict_proba(centre, proba.data());
  EXPECT_NEAR(proba[0] + proba[1], 1.0, 1e-9);
  EXPECT_GT(proba[static_cast<size_t>(served.predict_class(centre))], 0.8);
}

TEST(HostileJob, ASearchKeepsAtMostItsTrialCap) {
  std::vector<std::string> y;
  const Dataset d = rings(120, &y);
  TrainOptions options;
  options.deadline = std::chrono::steady_clock::now() + std::chrono::hours(24);
  const auto out = train(TrainSpec::parse({{"relation", "t"},
                                           {"target", "label"},
                                           {"search", "auto"},
                                           {"time_budget", 86400},
                                           {"search_params", {{"algorithms", {"logistic"}}}}}),
                         d, options);
  // A day's budget on 120 rows: the search stops once it stops improving, far below
  // its cap of 300 trials, instead of trying near-identical configurations all day.
  EXPECT_LE(out.info["search"]["trials"].get<int>(), 300);
  EXPECT_EQ(out.info["search"]["stopped"], "converged");
  EXPECT_EQ(out.info["trials"].size(), out.info["search"]["trials"].get<size_t>());
  EXPECT_EQ(out.info["search"]["eval"], "cv");
  EXPECT_EQ(out.info["search"]["repeats"], 3) << "few rows: repeated cross-validation";
  // With the time left, the best configurations are scored again on new folds, ten
  // more repetitions each and no more, and the best by its mean over all is served.
  const nlohmann::json& rescored = out.info["search"]["rescored"];
  ASSERT_GE(rescored.size(), 2u);
  EXPECT_LE(rescored.size(), 5u);
  for (size_t i = 0; i < rescored.size(); ++i) {
    EXPECT_EQ(rescored[i]["repetitions"], 13) << i;
    if (i == 0) continue;
    EXPECT_GE(rescored[i - 1]["value"].get<double>(), rescored[i]["value"].get<double>());
  }
  EXPECT_EQ(out.info["search"]["best_trial"], rescored[0]["trial"]);
  EXPECT_EQ(out.info["search"]["best_value"], rescored[0]["value"]);
}

TEST(HostileJob, EncodingBeyondTheMemoryLimitIsRefusedFirst) {
  Dataset d;
  d.target_name = "y";
  d.target_kind = ValueKind::Text;
  Column city;
  city.schema = {"city", ColumnType::Categorical, 1, "text"};
  d.columns.push_back(city);
  for (int i = 0; i < 4000; ++i) {
    d.target.push_back(i % 2 ? "a" : "b");
    append_value(d.columns[0], "c" + std::to_string(i), false, i + 1);
  }
  TrainOptions options;
  options.max_memory_bytes = 1 << 20;
  try {
    train(TrainSpec::parse({{"relation", "t"},
                            {"target", "y"},
                            {"algorithm", "logistic"},
                            {"preprocess", {{"max_categories", 1000}}}}),
          d, options);
    FAIL() << "not refused";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), "54000");
    EXPECT_NE(std::string(e.what()).find("--max-memory-mb 1"), std::string::npos) << e.what();
    EXPECT_NE(e.detail().find("column \"city\" alone encodes to"), std::string::npos) << e.detail();
  }
}

}  // namespace
}  // namespace automl
