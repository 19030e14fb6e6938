// linear_models_test.cpp — optimality properties of the linear solvers, checked
// independently of the solvers themselves (closed forms, KKT conditions, finite
// differences of the objective).
#include "automl/linear_models.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <functional>
#include <random>

#include "automl/error.hpp"

namespace automl {
namespace {

Eigen::MatrixXd random_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd M(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) M(i, j) = normal(gen);
  return M;
}

Eigen::VectorXd noise(Eigen::Index n, double sd, unsigned seed) {
  return sd * random_matrix(n, 1, seed).col(0);
}

void expect_error(const char* sqlstate, const std::function<void()>& f) {
  try {
    f();
    ADD_FAILURE() << "expected automl::Error " << sqlstate;
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate) << e.what();
  }
}

// --- OLS and ridge ----------------------------------------------------------

TEST(Ols, RecoversExactCoefficientsOnNoiselessData) {
  const Eigen::MatrixXd X = random_matrix(50, 4, 1);
  Eigen::VectorXd w(4);
  w << 1.5, -2.0, 0.0, 3.25;
  const Eigen::VectorXd y = (X * w).array() + 7.0;

  const LinearWeights fit = fit_ols(X, y, true);
  ASSERT_EQ(fit.coef.rows(), 1);
  EXPECT_LE((fit.coef.row(0).transpose() - w).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_NEAR(fit.intercept[0], 7.0, 1e-10);
  EXPECT_EQ(fit.n_iter, 0);
  EXPECT_TRUE(fit.converged);

  const LinearWeights no_intercept = fit_ols(X, X * w, false);
  EXPECT_LE((no_intercept.coef.row(0).transpose() - w).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_EQ(no_intercept.intercept[0], 0.0);
}

TEST(Ols, DuplicatedColumnGetsMinimumNormSplit) {
  Eigen::MatrixXd X(40, 3);
  X.leftCols(2) = random_matrix(40, 2, 2);
  X.col(2) = X.col(1);
  Eigen::VectorXd w(2);
  w << 1.0, 4.0;
  const Eigen::VectorXd y = (X.leftCols(2) * w).array() - 1.0;
  // Any split a + b = 4 fits exactly; the minimum-norm one is 2 and 2.
  const LinearWeights fit = fit_ols(X, y, true);
  EXPECT_NEAR(fit.coef(0, 0), 1.0, 1e-10);
  EXPECT_NEAR(fit.coef(0, 1), 2.0, 1e-10);
  EXPECT_NEAR(fit.coef(0, 2), 2.0, 1e-10);
  EXPECT_NEAR(fit.intercept[0], -1.0, 1e-10);
}

TEST(Ridge, MatchesNormalEquationsWithUnpenalisedIntercept) {
  const Eigen::MatrixXd X = random_matrix(60, 5, 3);
  Eigen::VectorXd w(5);
  w << 1, -1, 0.5, 2, 0;
  const Eigen::VectorXd y = (X * w + noise(60, 0.3, 4)).array() + 2.0;
  const double alpha = 3.0;

  // Solve min ||y - Xw - b||^2 + alpha ||w||^2 directly on [X 1], without centring.
  Eigen::MatrixXd A(60, 6);
  A << X, Eigen::VectorXd::Ones(60);
  Eigen::MatrixXd normal = A.transpose() * A;
  normal.diagonal().head(5).array() += alpha;
  const Eigen::VectorXd expected = normal.fullPivLu().solve(A.transpose() * y);

  const LinearWeights fit = fit_ridge(X, y, alpha, true);
  EXPECT_LE((fit.coef.row(0).transpose() - expected.head(5)).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_NEAR(fit.intercept[0], expected[5], 1e-10);

  Eigen::MatrixXd normal0 = X.transpose() * X;
  normal0.diagonal().array() += alpha;
  const Eigen::VectorXd expected0 = normal0.fullPivLu().solve(X.transpose() * y);
  const LinearWeights fit0 = fit_ridge(X, y, alpha, false);
  EXPECT_LE((fit0.coef.row(0).transpose() - expected0).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_EQ(fit0.intercept[0], 0.0);
}

TEST(Ridge, RejectsNegativeAlpha) {
  expect_error(sqlstate::kInvalidParameterValue,
               [] { fit_ridge(Eigen::MatrixXd::Ones(3, 2), Eigen::VectorXd::Ones(3), -1, true); });
}

// --- Elastic net -------------------------------------------------------------

struct EnetData {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
};

// Only the first two of six features matter.
EnetData sparse_problem() {
  EnetData d{random_matrix(200, 6, 5), {}};
  d.y = (3.0 * d.X.col(0) - 2.0 * d.X.col(1) + noise(200, 0.5, 6)).array() + 1.0;
  return d;
}

TEST(Lasso, ZeroesIrrelevantFeatures) {
  const EnetData d = sparse_problem();
  ElasticNetParams p;
  p.alpha = 0.1;
  p.l1_ratio = 1.0;
  const LinearWeights fit = fit_elastic_net(d.X, d.y, p);
  EXPECT_TRUE(fit.converged);
  EXPECT_GT(fit.n_iter, 0);
  EXPECT_GT(fit.coef(0, 0), 2.5);
  EXPECT_LT(fit.coef(0, 1), -1.5);
  for (int j = 2; j < 6; ++j) EXPECT_EQ(fit.coef(0, j), 0.0) << "feature " << j;
}

TEST(ElasticNet, KktConditionsHoldAtTheSolution) {
  const EnetData d = sparse_problem();
  ElasticNetParams p;
  p.alpha = 0.3;
  p.l1_ratio = 0.7;
  p.tol = 1e-12;
  p.max_iter = 10000;
  const LinearWeights fit = fit_elastic_net(d.X, d.y, p);
  ASSERT_TRUE(fit.converged);

  const double n = static_cast<double>(d.X.rows());
  const Eigen::VectorXd w = fit.coef.row(0).transpose();
  const Eigen::VectorXd r = (d.y - d.X * w).array() - fit.intercept[0];
  EXPECT_NEAR(r.mean(), 0.0, 1e-10);  // optimality in the unpenalised intercept
  // Gradient of the smooth part 1/(2n)||r||^2 + alpha (1 - l1_ratio)/2 ||w||^2 must be
  // balanced by a subgradient of alpha l1_ratio ||w||_1.
  const Eigen::VectorXd g = -d.X.transpose() * r / n + p.alpha * (1 - p.l1_ratio) * w;
  const double l1 = p.alpha * p.l1_ratio;
  int zeros = 0;
  for (Eigen::Index j = 0; j < w.size(); ++j) {
    if (w[j] == 0.0) {
      EXPECT_LE(std::abs(g[j]), l1 + 1e-8) << "feature " << j;
      ++zeros;
    } else {
      EXPECT_NEAR(g[j] + l1 * (w[j] > 0 ? 1 : -1), 0.0, 1e-6) << "feature " << j;
    }
  }
  EXPECT_GT(zeros, 0);  // the test data must exercise both branches
}

TEST(ElasticNet, ReportsNonConvergenceAtMaxIter) {
  const EnetData d = sparse_problem();
  ElasticNetParams p;
  p.alpha = 0.01;
  p.max_iter = 1;
  p.tol = 1e-12;
  const LinearWeights fit = fit_elastic_net(d.X, d.y, p);
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.n_iter, 1);
}

TEST(ElasticNet, HonoursCancellation) {
  const EnetData d = sparse_problem();
  const std::atomic<bool> cancel{true};
  expect_error(sqlstate::kQueryCanceled, [&] { fit_elastic_net(d.X, d.y, {}, &cancel); });
}

TEST(ElasticNet, RejectsBadParameters) {
  const EnetData d = sparse_problem();
  ElasticNetParams p;
  p.l1_ratio = 1.5;
  expect_error(sqlstate::kInvalidParameterValue, [&] { fit_elastic_net(d.X, d.y, p); });
  p = {};
  p.max_iter = 0;
  expect_error(sqlstate::kInvalidParameterValue, [&] { fit_elastic_net(d.X, d.y, p); });
  expect_error(sqlstate::kInvalidParameterValue,
               [&] { fit_elastic_net(d.X, d.y.head(10), ElasticNetParams{}); });
}

// --- Logistic regression -----------------------------------------------------

// The documented objective C sum_i logloss_i + 1/2 ||W||^2, written independently
// of the solver: binary uses one sigmoid row, k > 2 classes a softmax over k rows.
double logistic_objective(const Eigen::MatrixXd& X, const Eigen::VectorXi& y, int n_classes,
                          double C, const Eigen::MatrixXd& W, const Eigen::VectorXd& b) {
  double loss = 0.0;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const Eigen::VectorXd z = W * X.row(i).transpose() + b;
    if (n_classes == 2) {
      const double p1 = 1.0 / (1.0 + std::exp(-z[0]));
      loss -= std::log(y[i] == 1 ? p1 : 1.0 - p1);
    } else {
      loss -= std::log(std::exp(z[y[i]]) / z.array().exp().sum());
    }
  }
  return C * loss + 0.5 * W.squaredNorm();
}

// Largest central-difference partial derivative over all weights and intercepts.
double max_abs_numeric_gradient(const Eigen::MatrixXd& X, const Eigen::VectorXi& y, int n_classes,
                                double C, const LinearWeights& fit) {
  const double h = 1e-5;
  double worst = 0.0;
  auto probe = [&](double& param, const Eigen::MatrixXd& W, const Eigen::VectorXd& b) {
    const double saved = param;
    param = saved + h;
    const double up = logistic_objective(X, y, n_classes, C, W, b);
    param = saved - h;
    const double down = logistic_objective(X, y, n_classes, C, W, b);
    param = saved;
    worst = std::max(worst, std::abs(up - down) / (2 * h));
  };
  Eigen::MatrixXd W = fit.coef;
  Eigen::VectorXd b = fit.intercept;
  for (Eigen::Index k = 0; k < W.rows(); ++k) {
    for (Eigen::Index j = 0; j < W.cols(); ++j) probe(W(k, j), W, b);
    probe(b[k], W, b);
  }
  return worst;
}

struct ClassData {
  Eigen::MatrixXd X;
  Eigen::VectorXi y;
};

// Labels drawn from a softmax (or sigmoid) model, so classes overlap.
ClassData noisy_classes(Eigen::Index n, int n_classes, unsigned seed) {
  ClassData d{random_matrix(n, 4, seed), Eigen::VectorXi(n)};
  const Eigen::MatrixXd W = 1.5 * random_matrix(n_classes, 4, seed + 1);
  std::mt19937 gen(seed + 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::VectorXd p = (W * d.X.row(i).transpose()).array().exp();
    std::discrete_distribution<int> draw(p.data(), p.data() + p.size());
    d.y[i] = draw(gen);
  }
  return d;
}

// Bound on |gradient| / (C n): the objective's gradient per sample and unit of C.
// With default settings the solver stops (like sklearn 1.2) below about 1e-6.
constexpr double kGradientTolPerSample = 1e-5;

TEST(Logistic, BinaryGradientVanishesAtSolution) {
  const ClassData d = noisy_classes(300, 2, 7);
  LogisticParams p;
  p.C = 0.5;
  const LinearWeights fit = fit_logistic(d.X, d.y, 2, p);
  EXPECT_TRUE(fit.converged);
  EXPECT_GT(fit.n_iter, 0);
  ASSERT_EQ(fit.coef.rows(), 1);
  ASSERT_EQ(fit.intercept.size(), 1);
  EXPECT_LE(max_abs_numeric_gradient(d.X, d.y, 2, p.C, fit) / p.C,
            kGradientTolPerSample * d.X.rows());
}

TEST(Logistic, MultinomialGradientVanishesAtSolution) {
  const ClassData d = noisy_classes(400, 3, 11);
  LogisticParams p;
  const LinearWeights fit = fit_logistic(d.X, d.y, 3, p);
  EXPECT_TRUE(fit.converged);
  ASSERT_EQ(fit.coef.rows(), 3);
  ASSERT_EQ(fit.intercept.size(), 3);
  EXPECT_LE(max_abs_numeric_gradient(d.X, d.y, 3, p.C, fit) / p.C,
            kGradientTolPerSample * d.X.rows());
  // Symmetric parameterisation: the optimum has each feature's weights and the
  // intercepts summing to zero across classes (softmax is shift invariant, so only
  // the penalty, or the zero start for intercepts, picks the centred solution).
  EXPECT_LE(fit.coef.colwise().sum().cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_NEAR(fit.intercept.sum(), 0.0, 1e-10);
}

TEST(Logistic, SeparableDataReachesPerfectAccuracy) {
  Eigen::MatrixXd X = random_matrix(200, 2, 13);
  Eigen::VectorXi y(200);
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    y[i] = X(i, 0) + 0.5 * X(i, 1) > 0 ? 1 : 0;
    X(i, 0) += y[i] == 1 ? 0.2 : -0.2;  // open a margin between the classes
  }
  LogisticParams p;
  p.C = 1e4;
  p.max_iter = 1000;
  const LinearWeights fit = fit_logistic(X, y, 2, p);
  const Eigen::VectorXd z = (X * fit.coef.row(0).transpose()).array() + fit.intercept[0];
  for (Eigen::Index i = 0; i < X.rows(); ++i) EXPECT_EQ(z[i] > 0 ? 1 : 0, y[i]) << "row " << i;
}

TEST(Logistic, UnpenalisedFitConverges) {
  const ClassData d = noisy_classes(300, 3, 17);
  LogisticParams p;
  p.C = std::numeric_limits<double>::infinity();
  const LinearWeights fit = fit_logistic(d.X, d.y, 3, p);
  EXPECT_TRUE(fit.converged);
  EXPECT_TRUE(fit.coef.allFinite());
}

TEST(Logistic, ReportsNonConvergenceAtMaxIter) {
  const ClassData d = noisy_classes(300, 3, 19);
  LogisticParams p;
  p.max_iter = 2;
  const LinearWeights fit = fit_logistic(d.X, d.y, 3, p);
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.n_iter, 2);
  EXPECT_TRUE(fit.coef.allFinite());
}

TEST(Logistic, HonoursCancellation) {
  const ClassData d = noisy_classes(100, 2, 23);
  const std::atomic<bool> cancel{true};
  expect_error(sqlstate::kQueryCanceled, [&] { fit_logistic(d.X, d.y, 2, {}, &cancel); });
}

TEST(Logistic, RejectsBadArguments) {
  const ClassData d = noisy_classes(20, 3, 29);
  const char* invalid = sqlstate::kInvalidParameterValue;
  expect_error(invalid, [&] { fit_logistic(d.X, d.y, 1, {}); });
  expect_error(invalid, [&] { fit_logistic(d.X, d.y, 2, {}); });  // label 2 out of range
  expect_error(invalid, [&] { fit_logistic(d.X, d.y.head(5), 3, {}); });
  expect_error(invalid, [&] { fit_logistic(Eigen::MatrixXd(0, 4), Eigen::VectorXi(), 3, {}); });
  LogisticParams p;
  p.C = 0;
  expect_error(invalid, [&] { fit_logistic(d.X, d.y, 3, p); });
}

}  // namespace
}  // namespace automl
