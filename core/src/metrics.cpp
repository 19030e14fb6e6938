// metrics.cpp — evaluation metrics, defined exactly as scikit-learn defines them so
// that scores reported in SQL can be compared with scores computed in Python.
#include "automl/metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <vector>

#include "automl/error.hpp"

namespace automl {
namespace {

constexpr std::array<const char*, 6> kClassificationMetrics = {"accuracy", "precision", "recall",
                                                               "f1",       "roc_auc",   "log_loss"};
constexpr std::array<const char*, 3> kRegressionMetrics = {"r2", "mae", "rmse"};
constexpr std::array<const char*, 2> kClusteringMetrics = {"silhouette", "inertia"};

template <std::size_t N>
bool contains(const std::array<const char*, N>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void check_sizes(Eigen::Index n_true, Eigen::Index n_pred) {
  if (n_true == 0) invalid("cannot compute metrics on zero samples");
  if (n_true != n_pred)
    invalid("y_true has " + std::to_string(n_true) + " samples but the predictions have " +
            std::to_string(n_pred));
}

// sklearn's zero_division=0: an undefined ratio counts as 0.
double ratio(double num, double den) { return den == 0 ? 0.0 : num / den; }

struct Prf {
  double precision, recall, f1;
};

Prf prf_from_counts(double tp, double fp, double fn) {
  const double p = ratio(tp, tp + fp), r = ratio(tp, tp + fn);
  return {p, r, ratio(2 * p * r, p + r)};
}

// Mann-Whitney U statistic normalised to [0, 1]; tied scores share their average rank.
double roc_auc(const Eigen::VectorXi& y_true, const Eigen::VectorXd& score, Eigen::Index n_pos) {
  const Eigen::Index n = score.size();
  std::vector<Eigen::Index> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](Eigen::Index a, Eigen::Index b) { return score[a] < score[b]; });
  double pos_rank_sum = 0.0;
  for (Eigen::Index i = 0; i < n;) {
    Eigen::Index j = i;
    while (j < n && score[order[j]] == score[order[i]]) ++j;
    const double avg_rank = 0.5 * static_cast<double>(i + 1 + j);  // ranks i+1..j, 1-based
    for (Eigen::Index t = i; t < j; ++t)
      if (y_true[order[t]] == 1) pos_rank_sum += avg_rank;
    i = j;
  }
  const double pos = static_cast<double>(n_pos), neg = static_cast<double>(n - n_pos);
  return (pos_rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

}  // namespace

nlohmann::json classification_metrics(const Eigen::VectorXi& y_true, const Eigen::MatrixXd& proba) {
  check_sizes(y_true.size(), proba.rows());
  const Eigen::Index n = y_true.size(), k = proba.cols();
  if (k < 2) invalid("class probabilities need at least 2 columns, got " + std::to_string(k));
  for (Eigen::Index i = 0; i < n; ++i)
    if (y_true[i] < 0 || y_true[i] >= k)
      invalid("class index " + std::to_string(y_true[i]) + " is outside 0.." +
              std::to_string(k - 1));

  // Confusion counts; the prediction is the first most probable class, like argmax.
  Eigen::VectorXd tp = Eigen::VectorXd::Zero(k), pred_count = tp, true_count = tp;
  double log_loss = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    Eigen::Index pred;
    proba.row(i).maxCoeff(&pred);
    true_count[y_true[i]] += 1;
    pred_count[pred] += 1;
    if (pred == y_true[i]) tp[pred] += 1;
    // Clip at 1e-15 (sklearn's eps before 1.2; 1.2's eps='auto' uses 2.2e-16), then
    // renormalise the row as sklearn does.
    const Eigen::ArrayXd clipped = proba.row(i).array().max(1e-15).min(1 - 1e-15);
    log_loss -= std::log(clipped[y_true[i]] / clipped.sum());
  }

  nlohmann::json out;
  out["accuracy"] = tp.sum() / static_cast<double>(n);
  Prf prf{};
  if (k == 2) {
    prf = prf_from_counts(tp[1], pred_count[1] - tp[1], true_count[1] - tp[1]);
  } else {
    int present = 0;
    for (Eigen::Index c = 0; c < k; ++c) {
      if (true_count[c] == 0 && pred_count[c] == 0) continue;
      const Prf pc = prf_from_counts(tp[c], pred_count[c] - tp[c], true_count[c] - tp[c]);
      prf.precision += pc.precision;
      prf.recall += pc.recall;
      prf.f1 += pc.f1;
      ++present;
    }
    prf.precision /= present;
    prf.recall /= present;
    prf.f1 /= present;
  }
  out["precision"] = prf.precision;
  out["recall"] = prf.recall;
  out["f1"] = prf.f1;
  const auto n_pos = static_cast<Eigen::Index>(true_count[1]);
  // AUC is undefined when y_true has a single class; sklearn raises, we omit the key.
  if (k == 2 && n_pos > 0 && n_pos < n) out["roc_auc"] = roc_auc(y_true, proba.col(1), n_pos);
  out["log_loss"] = log_loss / static_cast<double>(n);
  return out;
}

nlohmann::json regression_metrics(const Eigen::VectorXd& y_true, const Eigen::VectorXd& y_pred) {
  check_sizes(y_true.size(), y_pred.size());
  const Eigen::ArrayXd err = y_true - y_pred;
  return {{"r2", r2_score(y_true, y_pred)},
          {"mae", err.abs().mean()},
          {"rmse", std::sqrt(err.square().mean())}};
}

double accuracy(const Eigen::VectorXi& y_true, const Eigen::VectorXi& y_pred) {
  check_sizes(y_true.size(), y_pred.size());
  return static_cast<double>((y_true.array() == y_pred.array()).count()) /
         static_cast<double>(y_true.size());
}

double r2_score(const Eigen::VectorXd& y_true, const Eigen::VectorXd& y_pred) {
  check_sizes(y_true.size(), y_pred.size());
  const double ss_res = (y_true - y_pred).squaredNorm();
  const double ss_tot = (y_true.array() - y_true.mean()).square().sum();
  // sklearn's force_finite: a constant target scores 1 if predicted exactly, else 0.
  if (ss_tot == 0) return ss_res == 0 ? 1.0 : 0.0;
  return 1.0 - ss_res / ss_tot;
}

bool is_classification_metric(const std::string& name) {
  return contains(kClassificationMetrics, name);
}

bool is_regression_metric(const std::string& name) { return contains(kRegressionMetrics, name); }

bool is_clustering_metric(const std::string& name) { return contains(kClusteringMetrics, name); }

bool metric_higher_is_better(const std::string& name) {
  if (name == "log_loss" || name == "mae" || name == "rmse" || name == "inertia") return false;
  if (name == "silhouette") return true;
  if (name == "entity_f1" || name == "token_accuracy") return true;  // tagging
  if (is_classification_metric(name) || is_regression_metric(name)) return true;
  invalid("unknown metric \"" + name + "\"");
}

}  // namespace automl
