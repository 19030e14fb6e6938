// evaluation_classification.cpp — a classifier's stored evaluation: confusion
// matrix, ROC and precision–recall curves per class, calibration bins.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "automl/evaluation.hpp"
#include "automl/model.hpp"

namespace automl {
namespace {

nlohmann::json threshold_json(double t) { return std::isfinite(t) ? nlohmann::json(t) : nullptr; }

// Non-zero cells, largest first when there are more than kMaxConfusionCells.
nlohmann::json confusion_cells(const Eigen::VectorXi& y_true, const Eigen::VectorXi& predicted,
                               const std::vector<std::string>& classes, bool* truncated) {
  std::map<std::pair<int, int>, long long> counts;
  for (Eigen::Index i = 0; i < y_true.size(); ++i) ++counts[{y_true[i], predicted[i]}];
  std::vector<std::pair<std::pair<int, int>, long long>> cells(counts.begin(), counts.end());
  *truncated = cells.size() > static_cast<size_t>(kMaxConfusionCells);
  if (*truncated) {
    std::stable_sort(cells.begin(), cells.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    cells.resize(kMaxConfusionCells);
    std::sort(cells.begin(), cells.end());
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [cell, count] : cells)
    out.push_back({{"actual", classes[static_cast<size_t>(cell.first)]},
                   {"predicted", classes[static_cast<size_t>(cell.second)]},
                   {"count", count}});
  return out;
}

// The classes that get curves: binary, the positive class; otherwise the most
// frequent classes present in the rows, at most kMaxCurveClasses.
std::vector<int> curve_classes(const Eigen::VectorXi& y_true, int n_classes) {
  if (n_classes == 2) return {1};
  std::vector<long long> count(static_cast<size_t>(n_classes), 0);
  for (Eigen::Index i = 0; i < y_true.size(); ++i) ++count[static_cast<size_t>(y_true[i])];
  std::vector<int> order(static_cast<size_t>(n_classes));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return count[static_cast<size_t>(a)] > count[static_cast<size_t>(b)];
  });
  std::vector<int> chosen;
  for (int k : order)
    if (count[static_cast<size_t>(k)] > 0 && chosen.size() < static_cast<size_t>(kMaxCurveClasses))
      chosen.push_back(k);
  return chosen;
}

double trapezoid_area(const std::vector<CurvePoint>& points) {
  double area = 0;
  for (size_t i = 1; i < points.size(); ++i)
    area += (points[i].x - points[i - 1].x) * (points[i].y + points[i - 1].y) / 2;
  return area;
}

void add_curves(const Eigen::VectorXi& y_true, const Eigen::MatrixXd& proba,
                const std::vector<std::string>& classes, nlohmann::json& out) {
  out["roc_curve"] = nlohmann::json::array();
  out["pr_curve"] = nlohmann::json::array();
  for (int k : curve_classes(y_true, static_cast<int>(classes.size()))) {
    std::vector<bool> positive(static_cast<size_t>(y_true.size()));
    for (Eigen::Index i = 0; i < y_true.size(); ++i)
      positive[static_cast<size_t>(i)] = y_true[i] == k;
    const Eigen::VectorXd scores = proba.col(k);
    const std::vector<CurvePoint> roc = roc_points(scores, positive);
    if (roc.empty()) continue;  // every row is of this class: no false positive rate
    nlohmann::json roc_json = nlohmann::json::array();
    for (const CurvePoint& p : thin_curve(roc, kMaxCurvePoints))
      roc_json.push_back({threshold_json(p.threshold), p.x, p.y});
    out["roc_curve"].push_back({{"class", classes[static_cast<size_t>(k)]},
                                {"auc", trapezoid_area(roc)},
                                {"points", roc_json}});
    double ap = 0;
    nlohmann::json pr_json = nlohmann::json::array();
    for (const CurvePoint& p : thin_curve(pr_points(scores, positive, &ap), kMaxCurvePoints))
      pr_json.push_back({threshold_json(p.threshold), p.y, p.x});
    out["pr_curve"].push_back({{"class", classes[static_cast<size_t>(k)]},
                               {"average_precision", ap},
                               {"points", pr_json}});
  }
}

// Ten equal-width bins of P(classes[1]) (binary) or of the top-class confidence
// (multiclass), like sklearn's calibration_curve(strategy="uniform").
nlohmann::json calibration_bins(const Eigen::VectorXi& y_true, const Eigen::MatrixXd& proba,
                                const Eigen::VectorXi& predicted,
                                const std::vector<std::string>& classes) {
  const bool binary = classes.size() == 2;
  constexpr int kBins = 10;
  // numpy's linspace(0, 1, 11) edges, and searchsorted's side: a probability on an
  // inner edge falls in the bin below it, as in sklearn.
  std::vector<double> inner_edges;
  for (int b = 1; b < kBins; ++b) inner_edges.push_back(b * (1.0 / kBins));
  std::vector<double> sum(kBins, 0), hits(kBins, 0), count(kBins, 0);
  for (Eigen::Index i = 0; i < y_true.size(); ++i) {
    const double p = binary ? proba(i, 1) : proba(i, predicted[i]);
    const bool hit = binary ? y_true[i] == 1 : y_true[i] == predicted[i];
    const auto bin =
        std::lower_bound(inner_edges.begin(), inner_edges.end(), p) - inner_edges.begin();
    sum[bin] += p, hits[bin] += hit, count[bin] += 1;
  }
  nlohmann::json bins = nlohmann::json::array();
  for (int b = 0; b < kBins; ++b)
    if (count[b] > 0)
      bins.push_back({{"lower", b * (1.0 / kBins)},
                      {"upper", (b + 1) * (1.0 / kBins)},
                      {"mean_predicted", sum[b] / count[b]},
                      {"fraction_positive", hits[b] / count[b]},
                      {"count", static_cast<long long>(count[b])}});
  return {{"kind", binary ? "positive_class" : "confidence"},
          {"class", binary ? nlohmann::json(classes[1]) : nlohmann::json(nullptr)},
          {"bins", bins}};
}

}  // namespace

nlohmann::json classification_evaluation(const Eigen::VectorXi& y_true,
                                         const Eigen::MatrixXd& proba,
                                         const std::vector<std::string>& classes) {
  const Eigen::VectorXi predicted = Model::classes_of(proba);
  bool truncated = false;
  nlohmann::json out = {{"rows", y_true.size()}, {"classes", classes}};
  out["confusion_matrix"] = confusion_cells(y_true, predicted, classes, &truncated);
  if (truncated) out["confusion_matrix_truncated"] = true;
  add_curves(y_true, proba, classes, out);
  out["calibration"] = calibration_bins(y_true, proba, predicted, classes);
  return out;
}

}  // namespace automl
