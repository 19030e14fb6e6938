// evaluation.hpp — the numbers behind a model's charts, computed once at training
// time from the rows the model was evaluated on and stored with it
// (automl.models.evaluation; docs/report-documents.md). Bounded whatever the data
// size: curves of at most kMaxCurvePoints points for at most kMaxCurveClasses
// classes, a sample of kMaxResidualSample regression rows, kHistogramBins bins.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "automl/dataset.hpp"

namespace automl {

class Model;

constexpr int kMaxCurvePoints = 200;
constexpr int kMaxCurveClasses = 20;
constexpr int kMaxConfusionCells = 10000;
constexpr int kMaxResidualSample = 1000;
constexpr int kHistogramBins = 30;

// confusion_matrix (non-zero cells; predicted class as Model::classes_of decides, so
// the diagonal over the rows is exactly metrics.accuracy), roc_curve and pr_curve
// (binary: the positive class classes[1]; multiclass: one-vs-rest for the most
// frequent kMaxCurveClasses classes), calibration. `proba`: rows × classes.
nlohmann::json classification_evaluation(const Eigen::VectorXi& y_true,
                                         const Eigen::MatrixXd& proba,
                                         const std::vector<std::string>& classes);

// residuals: a uniform sample of (actual, predicted), quantiles and a histogram of
// actual − predicted over every row.
nlohmann::json regression_evaluation(const Eigen::VectorXd& y_true, const Eigen::VectorXd& y_pred);

// One ROC curve, as scikit-learn's roc_curve(drop_intermediate=False) draws it:
// (threshold, fpr, tpr) per distinct score, descending, from (+inf, 0, 0); then
// thinned to at most max_points points that keep the curve's area within
// 1 / (2 (max_points − 1)) of the full curve's.
struct CurvePoint {
  double threshold, x, y;  // ROC: x = fpr, y = tpr; PR: x = recall, y = precision
};
std::vector<CurvePoint> roc_points(const Eigen::VectorXd& scores,
                                   const std::vector<bool>& positive);
// (threshold, recall, precision) per distinct score, descending, from recall 0 and
// precision 1; average_precision as scikit-learn computes it (from every point).
std::vector<CurvePoint> pr_points(const Eigen::VectorXd& scores, const std::vector<bool>& positive,
                                  double* average_precision);
std::vector<CurvePoint> thin_curve(const std::vector<CurvePoint>& points, int max_points);

// At most `at_most` of positions 0..n-1, evenly spaced and in order (all of them when
// n <= at_most): the uniform, deterministic samples the evaluation's bounded parts
// (residuals, importances, the profile's distinct counts) are computed from.
std::vector<size_t> evenly_spaced(size_t n, size_t at_most);
template <typename T>
std::vector<T> evenly_spaced(const std::vector<T>& items, size_t at_most) {
  std::vector<T> kept;
  for (size_t i : evenly_spaced(items.size(), at_most)) kept.push_back(items[i]);
  return kept;
}

// Per input column, the mean absolute contribution to the explained output over
// `rows` (SHAP values for trees, coefficient × scaled value for linear models),
// summed over an input's encoded features and normalised to sum to 1. Returns
// {"feature_importance": [...descending...], "importance_method": ...}.
nlohmann::json global_importance(const Model& model, const Dataset& data,
                                 const std::vector<Eigen::Index>& rows);

// The training rows' columns (inputs, then the target if the data has one) as the data
// report shows them:
// counts, moments, quartiles, a histogram or the top values. Exact over `rows` except
// distinct counts, quartiles and top values past kProfileSampleRows rows (sampled).
constexpr std::size_t kProfileSampleRows = 100000;
nlohmann::json column_profiles(const Dataset& data, const std::vector<Eigen::Index>& rows,
                               bool numeric_target);

// Linear-interpolated quantile (numpy's default, PostgreSQL's percentile_cont) of
// sorted values.
double quantile_of_sorted(const std::vector<double>& sorted, double q);
// kHistogramBins (or `bins`) equal-width bins between the smallest and largest value.
nlohmann::json histogram_of(const std::vector<double>& values, int bins = kHistogramBins);

}  // namespace automl
