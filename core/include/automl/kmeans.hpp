// kmeans.hpp — k-means clustering as scikit-learn's KMeans does it (Lloyd's algorithm,
// greedy k-means++ or random initialisation, n_init restarts keeping the lowest
// inertia), the silhouette score, and the estimator that serves the centres.
//
// Everything runs on the preprocessed feature matrix (preprocessor.hpp), so a row at
// predict time goes through the same imputation, scaling and one-hot encoding as the
// rows the centres were fitted on. Deterministic by seed on every platform: the
// random draws are our own over std::mt19937_64 (whose sequence the standard fixes),
// never std::uniform_*_distribution (whose output is implementation-defined).
#pragma once

#include <Eigen/Dense>
#include <atomic>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "automl/estimator.hpp"

namespace automl {

// Most clusters a model may have (hyperparams.n_clusters; a model file with more is
// refused as malformed).
constexpr int kMaxClusters = 1000;
// Rows the silhouette (and n_clusters => 'auto') is measured on: a seeded sample when
// there are more, as sklearn's silhouette_score(sample_size=...).
constexpr Eigen::Index kSilhouetteSampleRows = 2000;
// n_clusters => 'auto' tries k = 2 … kMaxAutoClusters.
constexpr int kMaxAutoClusters = 10;

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The nearest centre (a row of `centers`) to the feature row x, the lowest index on
// ties, and its squared distance summed in feature order. Fitting and serving both
// assign rows with it, so a training row's label is what predict answers for it.
int nearest_center(const RowMajorMatrix& centers, const double* x, double* squared_distance);

struct KMeansParams {
  int n_clusters = 8;
  bool kmeans_plus_plus = true;  // init "k-means++" (greedy, 2 + ln k local trials); else "random"
  int n_init = 10;
  int max_iter = 300;
  // sklearn's meaning: Lloyd stops when the centres moved (sum of squared shifts) by at
  // most tol × the mean per-feature variance of X, or when no label changed.
  double tol = 1e-4;
  std::uint64_t seed = 42;
  const std::atomic<bool>* cancel = nullptr;  // raised: stop with 57014

  // From resolved hyper-parameters (algorithms.cpp) with an integer n_clusters.
  static KMeansParams from_hyperparams(const nlohmann::json& hp, std::uint64_t seed);
};

struct KMeansResult {
  Eigen::MatrixXd centers;  // n_clusters × features
  Eigen::VectorXi labels;   // nearest centre of each row
  Eigen::VectorXi sizes;    // rows per cluster
  double inertia = 0;       // sum of squared distances of rows to their centre
  int n_iter = 0;           // Lloyd iterations of the run kept
  bool converged = false;   // the run kept stopped on tol or stable labels, not max_iter
};

// Throws 22023 when X has fewer distinct rows than n_clusters, 57014 when cancelled
// (the cancel flag or check_interrupt()).
KMeansResult fit_kmeans(const Eigen::MatrixXd& X, const KMeansParams& params);

// Mean silhouette coefficient of rows labelled 0 … n_clusters − 1 (Euclidean, as
// sklearn.metrics.silhouette_score; a row alone in its cluster scores 0). NaN when
// fewer than 2 or more than rows − 1 distinct labels occur (sklearn raises there).
// O(rows² · features): pass a sample (sample_rows_of) for large X.
double silhouette_score(const Eigen::MatrixXd& X, const Eigen::VectorXi& labels);

// Rows 0 … n − 1, or a seeded uniform sample of m of them (Floyd's algorithm, our own
// draws); ascending either way.
std::vector<Eigen::Index> sample_rows_of(Eigen::Index n, Eigen::Index m, std::uint64_t seed);

// n_clusters => 'auto': fits k = 2 … min(kMaxAutoClusters, distinct rows − 1) on a
// sample of at most kSilhouetteSampleRows rows and keeps the k of the best silhouette
// (the smallest k on ties). Throws 22023 when the sample has fewer than 3 distinct rows.
struct ClusterCountChoice {
  int n_clusters = 0;
  std::vector<int> tried;
  std::vector<double> silhouettes;  // of each k tried
  Eigen::Index sample_rows = 0;
};
ClusterCountChoice choose_n_clusters(const Eigen::MatrixXd& X, KMeansParams params);

// The served clustering: the centres in the preprocessed feature space. Its scores
// are the negated squared distances to each centre (n_clusters outputs, identity
// link), so the nearest centre is the highest score and ties go to the lower index,
// as sklearn's predict.
class KMeansEstimator final : public Estimator {
 public:
  using RowMatrix = RowMajorMatrix;

  // sizes: training rows per cluster (may be empty); n_iter and inertia are notes.
  KMeansEstimator(Eigen::MatrixXd centers, std::vector<long long> sizes, int n_iter,
                  double inertia);
  static std::unique_ptr<KMeansEstimator> from_json(const nlohmann::json& j,
                                                    Eigen::Index n_features);

  int n_outputs() const override { return static_cast<int>(centers_.rows()); }
  Link link() const override { return Link::Identity; }
  void decision(const double* x, double* scores) const override;
  Eigen::MatrixXd decision_batch(const Eigen::MatrixXd& X) const override;
  // The margin of assigning x to cluster `group` rather than to the nearest other
  // centre r: out[j] = (x_j − r_j)² − (x_j − c_j)², bias out[n_features] = 0; the sum
  // is d²(x, r) − d²(x, c), positive for the cluster x belongs to. All 0 with one cluster.
  void contributions(const double* x, int group, double* out) const override;
  nlohmann::json to_json() const override;

  // The nearest centre of one feature row (the lowest index on ties).
  int nearest(const double* x) const;
  Eigen::VectorXi nearest_batch(const Eigen::MatrixXd& X) const;

  const RowMatrix& centers() const { return centers_; }
  const std::vector<long long>& sizes() const { return sizes_; }
  int n_iter() const { return n_iter_; }
  double inertia() const { return inertia_; }
  // Per feature, its share of the between-cluster sum of squares Σ_k n_k (c_kj − m_j)²
  // (m: the size-weighted mean of the centres; equal weights without sizes).
  std::vector<double> between_cluster_shares() const;

 private:
  RowMatrix centers_;
  std::vector<long long> sizes_;
  int n_iter_;
  double inertia_;
};

}  // namespace automl
