// linear_models.hpp — fitting of the linear family with scikit-learn's semantics.
//
// Inputs are already preprocessed (standard-scaled) dense matrices, one row per
// sample. Each fit returns plain weights; serving is Model's job (model.hpp).
// Objectives and defaults follow scikit-learn so that users' intuition and our
// parity tests carry over:
//   OLS          min ||y - Xw - b||^2                               (min-norm solution)
//   Ridge        min ||y - Xw - b||^2 + alpha ||w||^2
//   ElasticNet   min 1/(2n) ||y - Xw - b||^2 + alpha l1_ratio ||w||_1
//                    + alpha (1 - l1_ratio) / 2 ||w||^2               (Lasso: l1_ratio = 1)
//   Logistic     min C sum_i logloss_i + 1/2 ||W||^2                  (intercept unpenalised;
//                binary: one row of weights, sigmoid; k > 2 classes: k rows, softmax)
#pragma once

#include <Eigen/Dense>
#include <atomic>

namespace automl {

// Weights of a fitted linear model. coef has one row per output: 1 for regression
// and binary classification, n_classes for multinomial classification.
struct LinearWeights {
  Eigen::MatrixXd coef;       // outputs x features
  Eigen::VectorXd intercept;  // outputs
  int n_iter = 0;             // iterations used by iterative solvers, 0 for closed forms
  bool converged = true;
};

// Cooperative cancellation: iterative solvers poll this between iterations and
// throw Error(57014) when it becomes true. May be null.
using CancelFlag = const std::atomic<bool>*;

LinearWeights fit_ols(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, bool fit_intercept);

LinearWeights fit_ridge(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double alpha,
                        bool fit_intercept);

struct ElasticNetParams {
  double alpha = 1.0;
  double l1_ratio = 0.5;
  int max_iter = 1000;
  double tol = 1e-4;
  bool fit_intercept = true;
};
LinearWeights fit_elastic_net(const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                              const ElasticNetParams& params, CancelFlag cancel = nullptr);

struct LogisticParams {
  double C = 1.0;  // inverse regularisation strength; +inf means no penalty
  int max_iter = 100;
  double tol = 1e-4;
  bool fit_intercept = true;
  Eigen::VectorXd class_weight;  // one per class; empty: all 1
};
// y holds class indices 0..n_classes-1; n_classes >= 2.
LinearWeights fit_logistic(const Eigen::MatrixXd& X, const Eigen::VectorXi& y, int n_classes,
                           const LogisticParams& params, CancelFlag cancel = nullptr);

}  // namespace automl
