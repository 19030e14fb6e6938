// sklearn_parity_test.cpp — our linear solvers against scikit-learn on the same data.
//
// tests/reference/sklearn_linear.py fits sklearn and prints data plus results as
// JSON; we refit and compare coefficients and training scores. A missing Python
// or sklearn fails the test: parity is a release requirement, not optional.
#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "automl/linear_models.hpp"
#include "automl/metrics.hpp"
#include "reference.hpp"

namespace automl {
namespace {

// Closed forms solve the same linear system as sklearn, so only rounding differs.
constexpr double kClosedFormCoefTol = 1e-8;
// Coordinate descent stops on the same duality-gap rule as sklearn; only the
// order of floating-point operations differs.
constexpr double kCoordinateDescentCoefTol = 1e-4;
// Both L-BFGS runs stop at max |gradient| <= 1e-4 but along different paths.
constexpr double kLogisticCoefTol = 1e-3;
constexpr double kAccuracyTol = 0.005;
constexpr double kR2Tol = 1e-6;

const nlohmann::json& reference() {
  static const nlohmann::json ref = run_reference("sklearn_linear.py");
  return ref;
}

Eigen::MatrixXd matrix(const nlohmann::json& rows) {
  Eigen::MatrixXd M(rows.size(), rows.at(0).size());
  for (Eigen::Index i = 0; i < M.rows(); ++i)
    for (Eigen::Index j = 0; j < M.cols(); ++j) M(i, j) = rows[i][j].get<double>();
  return M;
}

template <typename Vec>
Vec vector(const nlohmann::json& values) {
  Vec v(values.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = values[i].get<typename Vec::Scalar>();
  return v;
}

const nlohmann::json* find_case(const std::string& name) {
  return find_reference_case(reference(), name);
}

double max_coef_diff(const LinearWeights& ours, const nlohmann::json& c) {
  const Eigen::MatrixXd coef = matrix(c.at("coef"));
  const auto intercept = vector<Eigen::VectorXd>(c.at("intercept"));
  EXPECT_EQ(ours.coef.rows(), coef.rows());
  EXPECT_EQ(ours.coef.cols(), coef.cols());
  if (ours.coef.rows() != coef.rows() || ours.coef.cols() != coef.cols()) return INFINITY;
  return std::max((ours.coef - coef).cwiseAbs().maxCoeff(),
                  (ours.intercept - intercept).cwiseAbs().maxCoeff());
}

void report(const std::string& name, double diff, const LinearWeights& w, const nlohmann::json& c,
            double our_score) {
  std::cout << "[parity] " << name << ": max |coef - sklearn| = " << diff
            << ", n_iter ours/sklearn = " << w.n_iter << "/" << c.at("n_iter").get<int>()
            << ", score ours/sklearn = " << our_score << "/" << c.at("score").get<double>()
            << std::endl;
}

void check_regression(const std::string& name, double coef_tol) {
  const nlohmann::json* ref = find_case(name);
  ASSERT_NE(ref, nullptr) << "no reference for " << name
                          << ": is /usr/bin/python3 with numpy and sklearn installed?";
  const nlohmann::json& c = *ref;
  const Eigen::MatrixXd X = matrix(c.at("X"));
  const auto y = vector<Eigen::VectorXd>(c.at("y"));
  const nlohmann::json& params = c.at("params");
  const std::string kind = c.at("kind");
  LinearWeights w;
  if (kind == "ols") {
    w = fit_ols(X, y, true);
  } else if (kind == "ridge") {
    w = fit_ridge(X, y, params.at("alpha"), true);
  } else {
    ElasticNetParams p;
    p.alpha = params.at("alpha");
    p.l1_ratio = params.at("l1_ratio");
    w = fit_elastic_net(X, y, p);
    EXPECT_TRUE(w.converged);
  }
  const double diff = max_coef_diff(w, c);
  const Eigen::VectorXd pred = (X * w.coef.row(0).transpose()).array() + w.intercept[0];
  const double r2 = r2_score(y, pred);
  report(name, diff, w, c, r2);
  EXPECT_LE(diff, coef_tol);
  EXPECT_NEAR(r2, c.at("score").get<double>(), kR2Tol);
}

void check_logistic(const std::string& name) {
  const nlohmann::json* ref = find_case(name);
  ASSERT_NE(ref, nullptr) << "no reference for " << name
                          << ": is /usr/bin/python3 with numpy and sklearn installed?";
  const nlohmann::json& c = *ref;
  const Eigen::MatrixXd X = matrix(c.at("X"));
  const auto y = vector<Eigen::VectorXi>(c.at("y"));
  const int n_classes = c.at("n_classes");
  LogisticParams p;
  p.C = c.at("params").at("C");
  const LinearWeights w = fit_logistic(X, y, n_classes, p);
  EXPECT_TRUE(w.converged);

  Eigen::MatrixXd Z = X * w.coef.transpose();
  Z.rowwise() += w.intercept.transpose();
  Eigen::VectorXi pred(X.rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    if (n_classes == 2) {
      pred[i] = Z(i, 0) > 0 ? 1 : 0;
    } else {
      Z.row(i).maxCoeff(&pred[i]);
    }
  }
  const double acc = accuracy(y, pred);
  const double diff = max_coef_diff(w, c);
  report(name, diff, w, c, acc);
  EXPECT_LE(diff, kLogisticCoefTol);
  EXPECT_NEAR(acc, c.at("score").get<double>(), kAccuracyTol);
}

TEST(SklearnParity, ReferenceScriptRuns) {
  const nlohmann::json& ref = reference();
  ASSERT_TRUE(ref.is_object())
      << "tests/reference/sklearn_linear.py failed: /usr/bin/python3 with numpy and "
         "scikit-learn is required";
  std::cout << "[parity] scikit-learn " << ref.at("sklearn_version").get<std::string>()
            << std::endl;
}

TEST(SklearnParity, LinearRegression) { check_regression("ols", kClosedFormCoefTol); }
TEST(SklearnParity, Ridge) { check_regression("ridge", kClosedFormCoefTol); }
TEST(SklearnParity, Lasso) { check_regression("lasso", kCoordinateDescentCoefTol); }
TEST(SklearnParity, ElasticNet) { check_regression("elastic_net", kCoordinateDescentCoefTol); }
TEST(SklearnParity, LogisticBinary) { check_logistic("logistic_binary"); }
TEST(SklearnParity, LogisticMultinomial) { check_logistic("logistic_3class"); }

}  // namespace
}  // namespace automl
