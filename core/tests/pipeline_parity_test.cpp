// pipeline_parity_test.cpp — preprocessing plus logistic regression against
// scikit-learn's SimpleImputer + OneHotEncoder + StandardScaler + LogisticRegression
// pipeline on the same mixed table with missing values (tests/reference/sklearn_pipeline.py).
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "automl/linear_models.hpp"
#include "automl/model.hpp"
#include "automl/values.hpp"
#include "reference.hpp"

namespace automl {
namespace {

TEST(PipelineParity, MixedColumnsWithMissingValuesMatchScikitLearn) {
  const nlohmann::json ref = run_reference("sklearn_pipeline.py");
  ASSERT_TRUE(ref.is_object()) << "python3-sklearn is required for parity tests";
  Dataset d;
  d.columns.resize(4);
  d.columns[0].schema = {"income", ColumnType::Numeric, 1, "float8"};
  d.columns[1].schema = {"age", ColumnType::Numeric, 1, "float8"};
  d.columns[2].schema = {"city", ColumnType::Categorical, 1, "text"};
  d.columns[3].schema = {"member", ColumnType::Boolean, 1, "boolean"};
  d.target_name = "y";
  d.target_kind = ValueKind::Integer;
  long long row = 0;
  for (const auto& r : ref["rows"]) {
    ++row;
    for (size_t c = 0; c < 4; ++c) {
      const auto& v = r[c];
      std::string text = v.is_null()     ? ""
                         : v.is_string() ? v.get<std::string>()
                         : c == 3        ? (v.get<double>() == 1 ? "t" : "f")
                                         : number_to_text(v.get<double>());
      append_value(d.columns[c], text, v.is_null(), row);
    }
    d.target.push_back(std::to_string(r[4].get<int>()));
  }
  const auto train_rows = ref["train_rows"].get<Eigen::Index>();
  std::vector<Eigen::Index> train, test;
  Eigen::VectorXi y(d.rows());
  for (Eigen::Index i = 0; i < d.rows(); ++i) {
    (i < train_rows ? train : test).push_back(i);
    y[i] = std::stoi(d.target[static_cast<size_t>(i)]);
  }
  Eigen::VectorXi y_train(static_cast<Eigen::Index>(train.size()));
  for (size_t i = 0; i < train.size(); ++i) y_train[static_cast<Eigen::Index>(i)] = y[train[i]];

  Preprocessor prep = Preprocessor::fit(d, train, {});
  LogisticParams params;
  params.max_iter = 1000;
  LinearWeights w = fit_logistic(prep.transform(d, train), y_train, 2, params);
  const Model model(Task::Classification, "logistic", {}, "y",
                    LabelEncoder({"0", "1"}, ValueKind::Integer), std::move(prep),
                    std::make_shared<LinearEstimator>(std::move(w), Link::Sigmoid));
  const Eigen::MatrixXd proba = model.predict_proba_batch(d, test);
  double correct = 0, max_diff = 0;
  for (size_t i = 0; i < test.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    correct += ((proba(k, 1) > 0.5 ? 1 : 0) == y[test[i]]);
    max_diff = std::max(max_diff, std::abs(proba(k, 1) - ref["proba"][i].get<double>()));
  }
  const double accuracy = correct / static_cast<double>(test.size());
  std::printf("[parity] pipeline: accuracy ours/sklearn = %.4f/%.4f, max |P(1) - sklearn| = %.2e\n",
              accuracy, ref["accuracy"].get<double>(), max_diff);
  EXPECT_NEAR(accuracy, ref["accuracy"].get<double>(), 0.005);
  EXPECT_LT(max_diff, 1e-3) << "same preprocessing and objective: the same probabilities";
}

}  // namespace
}  // namespace automl
