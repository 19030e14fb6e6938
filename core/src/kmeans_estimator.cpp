// kmeans_estimator.cpp — serving k-means centres (nearest centre, explanations, the
// model file's "kmeans" estimator) and the silhouette score.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "automl/error.hpp"
#include "automl/interrupt.hpp"
#include "automl/kmeans.hpp"
#include "json_numbers.hpp"

namespace automl {
namespace {

constexpr Eigen::Index kBlockRows = 1024;

double squared_distance(const double* x, const double* c, Eigen::Index d) {
  double s = 0;
  for (Eigen::Index j = 0; j < d; ++j) {
    const double t = x[j] - c[j];
    s += t * t;
  }
  return s;
}

std::vector<double> finite_row(const nlohmann::json& row, Eigen::Index n_features, size_t k) {
  if (!row.is_array() || static_cast<Eigen::Index>(row.size()) != n_features)
    invalid("model file: centre " + std::to_string(k) + " of the kmeans estimator must have " +
            std::to_string(n_features) + " values");
  std::vector<double> values = checked_numbers<double>(row, "kmeans centers");
  for (double v : values)
    if (!std::isfinite(v))
      invalid("model file: centre " + std::to_string(k) + " of the kmeans estimator is not finite");
  return values;
}

}  // namespace

int nearest_center(const RowMajorMatrix& centers, const double* x, double* squared) {
  const Eigen::Index d = centers.cols();
  int best = 0;
  double best_distance = std::numeric_limits<double>::infinity();
  for (Eigen::Index c = 0; c < centers.rows(); ++c) {
    const double s = squared_distance(x, centers.data() + c * d, d);
    if (s < best_distance) best_distance = s, best = static_cast<int>(c);
  }
  if (squared != nullptr) *squared = best_distance;
  return best;
}

KMeansEstimator::KMeansEstimator(Eigen::MatrixXd centers, std::vector<long long> sizes, int n_iter,
                                 double inertia)
    : centers_(std::move(centers)), sizes_(std::move(sizes)), n_iter_(n_iter), inertia_(inertia) {
  if (centers_.rows() < 1 || centers_.rows() > kMaxClusters || centers_.cols() < 1)
    invalid("a kmeans estimator has 1 to " + std::to_string(kMaxClusters) +
            " centres of at least one feature");
  if (!sizes_.empty() && static_cast<Eigen::Index>(sizes_.size()) != centers_.rows())
    invalid("a kmeans estimator has one size per centre");
}

void KMeansEstimator::decision(const double* x, double* scores) const {
  const Eigen::Index d = centers_.cols();
  for (Eigen::Index c = 0; c < centers_.rows(); ++c)
    scores[c] = -squared_distance(x, centers_.data() + c * d, d);
}

Eigen::MatrixXd KMeansEstimator::decision_batch(const Eigen::MatrixXd& X) const {
  Eigen::MatrixXd out(X.rows(), centers_.rows());
  std::vector<double> scores(static_cast<size_t>(centers_.rows()));
  for (Eigen::Index begin = 0; begin < X.rows(); begin += kBlockRows) {
    check_interrupt();
    const Eigen::Index b = std::min(kBlockRows, X.rows() - begin);
    const RowMajorMatrix Xb = X.middleRows(begin, b);
    for (Eigen::Index i = 0; i < b; ++i) {
      decision(Xb.row(i).data(), scores.data());
      for (Eigen::Index c = 0; c < centers_.rows(); ++c)
        out(begin + i, c) = scores[static_cast<size_t>(c)];
    }
  }
  return out;
}

int KMeansEstimator::nearest(const double* x) const { return nearest_center(centers_, x, nullptr); }

Eigen::VectorXi KMeansEstimator::nearest_batch(const Eigen::MatrixXd& X) const {
  Eigen::VectorXi out(X.rows());
  for (Eigen::Index begin = 0; begin < X.rows(); begin += kBlockRows) {
    check_interrupt();
    const Eigen::Index b = std::min(kBlockRows, X.rows() - begin);
    const RowMajorMatrix Xb = X.middleRows(begin, b);
    for (Eigen::Index i = 0; i < b; ++i) out[begin + i] = nearest(Xb.row(i).data());
  }
  return out;
}

void KMeansEstimator::contributions(const double* x, int group, double* out) const {
  const Eigen::Index k = centers_.rows(), d = centers_.cols();
  if (group < 0 || group >= k) invalid("cluster " + std::to_string(group) + " does not exist");
  std::fill(out, out + d + 1, 0.0);
  if (k == 1) return;
  Eigen::Index runner_up = -1;
  double closest = std::numeric_limits<double>::infinity();
  for (Eigen::Index c = 0; c < k; ++c) {
    if (c == group) continue;
    const double s = squared_distance(x, centers_.data() + c * d, d);
    if (runner_up < 0 || s < closest) closest = s, runner_up = c;
  }
  const double* own = centers_.data() + group * d;
  const double* other = centers_.data() + runner_up * d;
  for (Eigen::Index j = 0; j < d; ++j) {
    const double to_other = x[j] - other[j], to_own = x[j] - own[j];
    out[j] = to_other * to_other - to_own * to_own;
  }
}

std::vector<double> KMeansEstimator::between_cluster_shares() const {
  const Eigen::Index k = centers_.rows(), d = centers_.cols();
  Eigen::VectorXd w = Eigen::VectorXd::Ones(k);
  if (!sizes_.empty())
    for (Eigen::Index c = 0; c < k; ++c) w[c] = static_cast<double>(sizes_[static_cast<size_t>(c)]);
  if (!(w.sum() > 0)) w.setOnes();
  const Eigen::RowVectorXd mean = (w.transpose() * centers_) / w.sum();
  Eigen::RowVectorXd ss = Eigen::RowVectorXd::Zero(d);
  for (Eigen::Index c = 0; c < k; ++c)
    ss += w[c] * (centers_.row(c) - mean).array().square().matrix();
  const double total = ss.sum();
  std::vector<double> shares(static_cast<size_t>(d), 0.0);
  for (Eigen::Index j = 0; j < d; ++j)
    shares[static_cast<size_t>(j)] = total > 0 ? ss[j] / total : 0;
  return shares;
}

nlohmann::json KMeansEstimator::to_json() const {
  nlohmann::json centers = nlohmann::json::array();
  for (Eigen::Index c = 0; c < centers_.rows(); ++c)
    centers.push_back(std::vector<double>(centers_.data() + c * centers_.cols(),
                                          centers_.data() + (c + 1) * centers_.cols()));
  nlohmann::json j = {
      {"type", "kmeans"}, {"centers", centers}, {"n_iter", n_iter_}, {"inertia", inertia_}};
  if (!sizes_.empty()) j["cluster_sizes"] = sizes_;
  return j;
}

std::unique_ptr<KMeansEstimator> KMeansEstimator::from_json(const nlohmann::json& j,
                                                            Eigen::Index n_features) {
  const auto it = j.find("centers");
  if (it == j.end() || !it->is_array() || it->empty() || it->size() > kMaxClusters)
    invalid("model file: a kmeans estimator needs 1 to " + std::to_string(kMaxClusters) +
            " centers");
  if (n_features < 1) invalid("model file: a kmeans estimator needs at least one feature");
  Eigen::MatrixXd centers(static_cast<Eigen::Index>(it->size()), n_features);
  for (size_t k = 0; k < it->size(); ++k) {
    const std::vector<double> row = finite_row((*it)[k], n_features, k);
    centers.row(static_cast<Eigen::Index>(k)) =
        Eigen::Map<const Eigen::RowVectorXd>(row.data(), n_features);
  }
  std::vector<long long> sizes;
  if (const auto s = j.find("cluster_sizes"); s != j.end()) {
    sizes = checked_numbers<long long>(*s, "cluster_sizes");
    if (sizes.size() != it->size() ||
        std::any_of(sizes.begin(), sizes.end(), [](long long n) { return n < 0; }))
      invalid("model file: cluster_sizes must hold one count per centre");
  }
  const int n_iter = j.contains("n_iter") ? checked_number<int>(j["n_iter"], "n_iter") : 0;
  const double inertia =
      j.contains("inertia") ? checked_number<double>(j["inertia"], "inertia") : 0.0;
  if (!std::isfinite(inertia) || inertia < 0)
    invalid("model file: the inertia of a kmeans estimator must be finite and not negative");
  return std::make_unique<KMeansEstimator>(std::move(centers), std::move(sizes), n_iter, inertia);
}

double silhouette_score(const Eigen::MatrixXd& X, const Eigen::VectorXi& labels) {
  const Eigen::Index m = X.rows();
  if (labels.size() != m) invalid("silhouette_score: one label per row");
  if (m < 3 || labels.minCoeff() < 0) return std::nan("");
  const Eigen::Index k = labels.maxCoeff() + 1;
  Eigen::VectorXd count = Eigen::VectorXd::Zero(k);
  for (Eigen::Index i = 0; i < m; ++i) count[labels[i]] += 1;
  const Eigen::Index present = (count.array() > 0).count();
  if (present < 2 || present > m - 1) return std::nan("");
  const RowMajorMatrix R = X;
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(k, m);  // distances of row i to each cluster
  for (Eigen::Index i = 0; i < m; ++i) {
    check_interrupt();
    for (Eigen::Index j = i + 1; j < m; ++j) {
      const double d = std::sqrt(squared_distance(R.row(i).data(), R.row(j).data(), R.cols()));
      sums(labels[j], i) += d;
      sums(labels[i], j) += d;
    }
  }
  double total = 0;
  for (Eigen::Index i = 0; i < m; ++i) {
    const int own = labels[i];
    if (count[own] <= 1) continue;  // alone in its cluster: 0, as sklearn
    const double a = sums(own, i) / (count[own] - 1);
    double b = std::numeric_limits<double>::infinity();
    for (Eigen::Index c = 0; c < k; ++c)
      if (c != own && count[c] > 0) b = std::min(b, sums(c, i) / count[c]);
    const double scale = std::max(a, b);
    if (scale > 0) total += (b - a) / scale;
  }
  return total / static_cast<double>(m);
}

}  // namespace automl
