// metrics.hpp — evaluation metrics with scikit-learn's names and definitions.
#pragma once

#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <string>

namespace automl {

// proba: samples x n_classes, rows sum to 1. Returns
//   accuracy, precision, recall, f1   (binary: positive class = index 1;
//                                      multiclass: macro average, classes absent from
//                                      both truth and prediction ignored like sklearn's
//                                      labels=present classes)
//   roc_auc                           (binary only; ties get average rank)
//   log_loss                          (probabilities clipped to [1e-15, 1 - 1e-15])
nlohmann::json classification_metrics(const Eigen::VectorXi& y_true, const Eigen::MatrixXd& proba);

// Returns r2, mae, rmse.
nlohmann::json regression_metrics(const Eigen::VectorXd& y_true, const Eigen::VectorXd& y_pred);

double accuracy(const Eigen::VectorXi& y_true, const Eigen::VectorXi& y_pred);
double r2_score(const Eigen::VectorXd& y_true, const Eigen::VectorXd& y_pred);

// Known metric names per task, and which way is better. Used for deploy => 'if_better'
// and for validating the `metric` of a job.
bool is_classification_metric(const std::string& name);
bool is_regression_metric(const std::string& name);
// Clustering: silhouette (higher is better) and inertia (lower; it falls as k grows, so
// it compares models of one n_clusters only).
bool is_clustering_metric(const std::string& name);
bool metric_higher_is_better(const std::string& name);

}  // namespace automl
