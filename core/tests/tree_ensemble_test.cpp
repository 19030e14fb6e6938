// tree_ensemble_test.cpp — the flat tree evaluator against libxgboost itself
// (XGBoosterPredict margins and SHAP contributions on the same rows), the SHAP
// identity, and accuracy parity with python3-xgboost on two interleaved rings.
#include "automl/tree_ensemble.hpp"

#include <gtest/gtest.h>
#include <xgboost/c_api.h>

#include <cstdio>
#include <memory>
#include <random>

#include "automl/error.hpp"
#include "automl/trainer.hpp"
#include "reference.hpp"
#include "xgboost_fit.hpp"

namespace automl {
namespace {

void ok(int rc) { ASSERT_EQ(rc, 0) << XGBGetLastError(); }

struct Data {
  std::vector<float> X;
  std::vector<float> y;
  int n, p;
};

Data make_data(int n, int p, int classes, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  Data d{{}, {}, n, p};
  for (int i = 0; i < n; ++i) {
    float s = 0;
    for (int j = 0; j < p; ++j) {
      const float x = (i % 17 == 0 && j == 1) ? NAN : normal(rng);  // some missing values
      d.X.push_back(x);
      if (!std::isnan(x)) s += x * (j % 3 == 0 ? 1.0f : -0.5f) + (j == 2 ? x * x : 0);
    }
    d.y.push_back(classes == 0   ? s
                  : classes == 2 ? (s > 0 ? 1.0f : 0.0f)
                                 : static_cast<float>(static_cast<int>(std::abs(s) * 2) % classes));
  }
  return d;
}

// Trains with the C API directly so the test can ask libxgboost for its own answers.
void compare_with_libxgboost(const char* objective, int classes) {
  const Data d = make_data(500, 5, classes, 3);
  DMatrixHandle dm;
  ok(XGDMatrixCreateFromMat(d.X.data(), d.n, d.p, NAN, &dm));
  ok(XGDMatrixSetFloatInfo(dm, "label", d.y.data(), static_cast<bst_ulong>(d.n)));
  BoosterHandle b;
  ok(XGBoosterCreate(&dm, 1, &b));
  ok(XGBoosterSetParam(b, "objective", objective));
  if (classes > 2) ok(XGBoosterSetParam(b, "num_class", std::to_string(classes).c_str()));
  ok(XGBoosterSetParam(b, "max_depth", "4"));
  ok(XGBoosterSetParam(b, "tree_method", "hist"));
  ok(XGBoosterSetParam(b, "verbosity", "0"));
  for (int i = 0; i < 20; ++i) ok(XGBoosterUpdateOneIter(b, i, dm));
  bst_ulong len;
  const char* raw;
  ok(XGBoosterSaveModelToBuffer(b, R"({"format": "json"})", &len, &raw));
  const TreeEnsemble ens =
      TreeEnsemble::from_xgboost_json(nlohmann::json::parse(raw, raw + len), d.p);
  const int k = ens.n_outputs();

  bst_ulong out_len;
  const float* margins;
  ok(XGBoosterPredict(b, dm, /*output_margin*/ 1, 0, 0, &out_len, &margins));
  ASSERT_EQ(out_len, static_cast<bst_ulong>(d.n * k));
  // The next call reuses the buffer.
  const std::vector<float> margin_copy(margins, margins + out_len);
  margins = margin_copy.data();
  const float* contribs;
  bst_ulong contrib_len;
  ok(XGBoosterPredict(b, dm, /*pred_contribs*/ 4, 0, 0, &contrib_len, &contribs));
  ASSERT_EQ(contrib_len, static_cast<bst_ulong>(d.n * k * (d.p + 1)));

  double max_margin_diff = 0, max_shap_diff = 0, max_identity = 0;
  std::vector<double> x(static_cast<size_t>(d.p)), scores(static_cast<size_t>(k)),
      phi(static_cast<size_t>(d.p + 1));
  for (int i = 0; i < d.n; ++i) {
    for (int j = 0; j < d.p; ++j) x[static_cast<size_t>(j)] = d.X[static_cast<size_t>(i * d.p + j)];
    ens.decision(x.data(), scores.data());
    for (int g = 0; g < k; ++g) {
      max_margin_diff =
          std::max(max_margin_diff, std::abs(scores[static_cast<size_t>(g)] - margins[i * k + g]));
      ens.contributions(x.data(), g, phi.data());
      double sum = 0;
      for (int j = 0; j <= d.p; ++j) {
        sum += phi[static_cast<size_t>(j)];
        max_shap_diff = std::max(max_shap_diff, std::abs(phi[static_cast<size_t>(j)] -
                                                         contribs[(i * k + g) * (d.p + 1) + j]));
      }
      max_identity = std::max(max_identity, std::abs(sum - scores[static_cast<size_t>(g)]));
    }
  }
  // Many rows at once (decision_rows) and the image another backend loads walk the
  // same compiled trees: the same float sums, bit for bit.
  std::vector<double> rows(d.X.begin(), d.X.end()), batch(static_cast<size_t>(d.n * k));
  ens.decision_rows(rows.data(), static_cast<size_t>(d.n), static_cast<size_t>(d.p), batch.data());
  const auto loaded = TreeEnsemble::from_image(ens.image().data(), ens.image().size(), d.p);
  int image_mismatches = 0, margin_mismatches = 0;
  for (int i = 0; i < d.n; ++i) {
    loaded->decision(rows.data() + i * d.p, scores.data());
    for (int g = 0; g < k; ++g) {
      const float expected = margins[i * k + g];
      margin_mismatches += static_cast<float>(batch[static_cast<size_t>(i * k + g)]) != expected;
      image_mismatches += static_cast<float>(scores[static_cast<size_t>(g)]) != expected;
    }
  }
  std::printf(
      "[trees] %s: max |margin - XGBoosterPredict| = %.2e, max |SHAP - pred_contribs| = %.2e, "
      "max |sum SHAP - margin| = %.2e\n",
      objective, max_margin_diff, max_shap_diff, max_identity);
  EXPECT_EQ(max_margin_diff, 0.0) << "float sums in XGBoost's order: expected to be exact";
  EXPECT_EQ(margin_mismatches, 0) << "decision_rows";
  EXPECT_EQ(image_mismatches, 0) << "from_image";
  EXPECT_LE(max_shap_diff, 1e-4);
  EXPECT_LE(max_identity, 1e-5) << "SHAP is summed in double, margins in float like XGBoost";
  XGBoosterFree(b);
  XGDMatrixFree(dm);
}

TEST(TreeEnsemble, MatchesLibxgboostForRegression) {
  compare_with_libxgboost("reg:squarederror", 0);
}
TEST(TreeEnsemble, MatchesLibxgboostForBinary) { compare_with_libxgboost("binary:logistic", 2); }
TEST(TreeEnsemble, MatchesLibxgboostForMulticlass) { compare_with_libxgboost("multi:softprob", 3); }

TEST(TreeEnsemble, RefusesMalformedModels) {
  nlohmann::json bad = {{"learner", {{"objective", {{"name", "rank:pairwise"}}}}}};
  EXPECT_THROW(TreeEnsemble::from_xgboost_json(bad, 2), Error);
  TreeEnsemble::Tree loop;
  loop.left = {0};  // a node that is its own child
  loop.right = {0};
  loop.feature = {0};
  loop.threshold = {0};
  loop.default_left = {1};
  loop.value = {0};
  loop.cover = {1};
  EXPECT_THROW(TreeEnsemble({loop}, {0.0}, Link::Identity, 1), Error);
}

TEST(TreeEnsemble, AccuracyMatchesPythonXgboostOnRings) {
  const nlohmann::json ref = run_reference("xgboost_rings.py");
  ASSERT_TRUE(ref.is_object()) << "python3-xgboost is required for parity tests";
  const auto n = static_cast<Eigen::Index>(ref["y"].size());
  const auto train_rows = ref["train_rows"].get<Eigen::Index>();
  Eigen::MatrixXd X(n, 2);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    X(i, 0) = ref["X"][static_cast<size_t>(i)][0].get<double>();
    X(i, 1) = ref["X"][static_cast<size_t>(i)][1].get<double>();
    y[i] = ref["y"][static_cast<size_t>(i)].get<double>();
  }
  const nlohmann::json hp = {{"n_estimators", 100},        {"max_depth", 6},
                             {"learning_rate", 0.3},       {"subsample", 1.0},
                             {"colsample_bytree", 1.0},    {"min_child_weight", 1.0},
                             {"reg_lambda", 1.0},          {"reg_alpha", 0.0},
                             {"early_stopping_rounds", 0}, {"validation_fraction", 0.1}};
  const TreeFit fit = fit_trees("xgboost", hp, X.topRows(train_rows), y.head(train_rows),
                                Task::Classification, 2, 1, 0);
  double correct = 0;
  for (Eigen::Index i = train_rows; i < n; ++i) {
    const Eigen::RowVectorXd row = X.row(i);
    double margin;
    fit.ensemble->decision(row.data(), &margin);
    correct += ((margin > 0 ? 1.0 : 0.0) == y[i]);
  }
  const double accuracy = correct / static_cast<double>(n - train_rows);
  std::printf("[parity] xgboost rings: accuracy ours/python-xgboost %s = %.4f/%.4f\n",
              ref["version"].get<std::string>().c_str(), accuracy, ref["accuracy"].get<double>());
  EXPECT_NEAR(accuracy, ref["accuracy"].get<double>(), 0.005);
  EXPECT_GE(accuracy, 0.97);
}

TEST(TreeEnsemble, TrainerServesTreesThroughThePreprocessing) {
  Eigen::MatrixXd X(1200, 2);
  std::vector<std::string> target;
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-3, 3);
  for (int i = 0; i < 1200; ++i) {
    X(i, 0) = u(rng);
    X(i, 1) = u(rng);
    target.push_back(X(i, 0) * X(i, 0) + X(i, 1) * X(i, 1) < 4 ? "in" : "out");
  }
  const Dataset d = Dataset::numeric(X, {"a", "b"}, "label", ValueKind::Text, target);
  for (const char* algorithm : {"xgboost", "random_forest"}) {
    const auto out =
        train(TrainSpec::parse({{"relation", "t"}, {"target", "label"}, {"algorithm", algorithm}}),
              d, nullptr, 2);
    EXPECT_GT(out.metrics["accuracy"].get<double>(), 0.93) << algorithm;
    EXPECT_TRUE(out.metrics["feature_importance"].contains("a")) << algorithm;
    const Model served = Model::parse(out.model_bytes);
    const double inside[2] = {0.1, -0.2}, outside[2] = {2.9, 2.9};
    EXPECT_EQ(served.labels().classes()[static_cast<size_t>(served.predict_class(inside))], "in")
        << algorithm;
    EXPECT_EQ(served.labels().classes()[static_cast<size_t>(served.predict_class(outside))], "out")
        << algorithm;
  }
}

}  // namespace
}  // namespace automl
