// model_rows_test.cpp — predict_rows and predict_proba_rows (automl.predict_batch)
// answer each row exactly as predict and predict_proba do, for every task.
#include <gtest/gtest.h>

#include <random>

#include "automl/error.hpp"
#include "automl/model.hpp"
#include "automl/trainer.hpp"

namespace automl {
namespace {

Dataset numbers(int n, bool classes) {
  Eigen::MatrixXd X(n, 4);
  std::vector<std::string> target;
  std::vector<double> y;
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> u(-2, 2);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 4; ++j) X(i, j) = u(rng);
    const double s = X(i, 0) - X(i, 1) * X(i, 2) + 0.3 * X(i, 3);
    target.push_back(s < -0.5 ? "low" : s < 0.7 ? "mid" : "high");
    y.push_back(s);
  }
  std::vector<std::string> names = {"a", "b", "c", "d"};
  if (classes) return Dataset::numeric(X, names, "label", ValueKind::Text, target);
  std::vector<std::string> text;
  for (double v : y) text.push_back(std::to_string(v));
  return Dataset::numeric(X, names, "label", ValueKind::Float, text);
}

TEST(ModelRows, AnswerEachRowAsPredictDoes) {
  std::mt19937 rng(8);
  std::uniform_real_distribution<double> u(-2.5, 2.5);
  const std::size_t n = 700;  // more than one chunk of 256
  std::vector<double> x(n * 4);
  for (double& v : x) v = u(rng);
  for (const bool classes : {true, false})
    for (const char* algorithm : {"xgboost", "logistic", "ridge", "random_forest"}) {
      const std::string a = algorithm;
      if ((a == "logistic" && !classes) || (a == "ridge" && classes)) continue;
      const auto out = train(
          TrainSpec::parse({{"relation", "t"}, {"target", "label"}, {"algorithm", algorithm}}),
          numbers(600, classes), nullptr, 1);
      const Model m = Model::parse(out.model_bytes);
      std::vector<double> many(n);
      m.predict_rows(x.data(), n, many.data());
      int mismatches = 0;
      for (std::size_t i = 0; i < n; ++i) mismatches += many[i] != m.predict(x.data() + i * 4);
      EXPECT_EQ(mismatches, 0) << algorithm;
      if (!classes) {
        EXPECT_THROW(m.predict_proba_rows(x.data(), n, many.data()), Error);
        continue;
      }
      const auto c = static_cast<std::size_t>(m.n_classes());
      std::vector<double> proba(n * c), one(c);
      m.predict_proba_rows(x.data(), n, proba.data());
      for (std::size_t i = 0; i < n; ++i) {
        m.predict_proba(x.data() + i * 4, one.data());
        for (std::size_t k = 0; k < c; ++k) mismatches += proba[i * c + k] != one[k];
      }
      EXPECT_EQ(mismatches, 0) << algorithm << " proba";
    }
}

}  // namespace
}  // namespace automl
