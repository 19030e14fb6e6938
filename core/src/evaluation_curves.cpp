// evaluation_curves.cpp — ROC and precision–recall curves with scikit-learn's
// definitions, and their thinning to a bounded number of points.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "automl/evaluation.hpp"

namespace automl {
namespace {

std::vector<Eigen::Index> by_score_descending(const Eigen::VectorXd& scores) {
  std::vector<Eigen::Index> order(static_cast<size_t>(scores.size()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return scores[a] > scores[b]; });
  return order;
}

// Cumulative true and false positives at each distinct score, highest first: the
// confusion counts of "predict positive when score >= threshold".
template <typename Emit>
void sweep_thresholds(const Eigen::VectorXd& scores, const std::vector<bool>& positive,
                      Emit&& emit) {
  const std::vector<Eigen::Index> order = by_score_descending(scores);
  double tp = 0, fp = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    (positive[static_cast<size_t>(order[i])] ? tp : fp) += 1;
    const bool last_of_score = i + 1 == order.size() || scores[order[i + 1]] != scores[order[i]];
    if (last_of_score) emit(scores[order[i]], tp, fp);
  }
}

}  // namespace

std::vector<CurvePoint> roc_points(const Eigen::VectorXd& scores,
                                   const std::vector<bool>& positive) {
  const double p = static_cast<double>(std::count(positive.begin(), positive.end(), true));
  const double n = static_cast<double>(positive.size()) - p;
  std::vector<CurvePoint> points{{std::numeric_limits<double>::infinity(), 0, 0}};
  if (p == 0 || n == 0) return {};
  sweep_thresholds(scores, positive, [&](double threshold, double tp, double fp) {
    points.push_back({threshold, fp / n, tp / p});
  });
  return points;
}

std::vector<CurvePoint> pr_points(const Eigen::VectorXd& scores, const std::vector<bool>& positive,
                                  double* average_precision) {
  const double p = static_cast<double>(std::count(positive.begin(), positive.end(), true));
  std::vector<CurvePoint> points{{std::numeric_limits<double>::infinity(), 0, 1}};
  *average_precision = 0;
  if (p == 0) return {};
  sweep_thresholds(scores, positive, [&](double threshold, double tp, double fp) {
    const double recall = tp / p, precision = tp / (tp + fp);
    *average_precision += (recall - points.back().x) * precision;  // sklearn's step sum
    points.push_back({threshold, recall, precision});
  });
  return points;
}

// Keeps the first and last point and, for each of max_points − 2 equal steps of the
// curve's length (|Δx| + |Δy|), the first point at or past it: the dropped points lie
// within one step of a kept one, so the drawn curve and its area stay that close.
std::vector<CurvePoint> thin_curve(const std::vector<CurvePoint>& points, int max_points) {
  if (points.size() <= static_cast<size_t>(max_points) || max_points < 2) return points;
  std::vector<double> length(points.size(), 0.0);
  for (size_t i = 1; i < points.size(); ++i)
    length[i] = length[i - 1] + std::abs(points[i].x - points[i - 1].x) +
                std::abs(points[i].y - points[i - 1].y);
  const double step = length.back() / (max_points - 1);
  std::vector<CurvePoint> kept{points.front()};
  double next = step;
  for (size_t i = 1; i + 1 < points.size(); ++i) {
    if (length[i] < next) continue;
    if (kept.size() + 1 >= static_cast<size_t>(max_points)) break;
    kept.push_back(points[i]);
    while (next <= length[i]) next += step;
  }
  kept.push_back(points.back());
  return kept;
}

std::vector<size_t> evenly_spaced(size_t n, size_t at_most) {
  const size_t kept = std::min(n, at_most);
  std::vector<size_t> positions(kept);
  for (size_t s = 0; s < kept; ++s) positions[s] = s * n / kept;
  return positions;
}

}  // namespace automl
