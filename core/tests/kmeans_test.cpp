// kmeans_test.cpp — k-means against scikit-learn (tests/reference/sklearn_kmeans.py):
// the same partition of well-separated blobs, inertia within 1 % on harder data, the
// same silhouette; and what the fit promises by itself: determinism by seed, empty
// clusters relocated, too few distinct rows refused, k chosen by silhouette.
#include "automl/kmeans.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <map>
#include <random>

#include "automl/error.hpp"
#include "reference.hpp"
#include "sqlstate_of.hpp"

namespace automl {
namespace {

// Our k-means++ draws differ from numpy's, so runs start elsewhere: the best of 10
// restarts still lands within this of sklearn's inertia.
constexpr double kInertiaTolerance = 0.01;
// Both compute the same Euclidean sums; only the order of additions differs.
constexpr double kSilhouetteTolerance = 1e-9;

const nlohmann::json& reference() {
  static const nlohmann::json ref = run_reference("sklearn_kmeans.py");
  return ref;
}

const nlohmann::json* find_case(const std::string& name) {
  return find_reference_case(reference(), name);
}

Eigen::MatrixXd matrix(const nlohmann::json& rows) {
  Eigen::MatrixXd M(rows.size(), rows.at(0).size());
  for (Eigen::Index i = 0; i < M.rows(); ++i)
    for (Eigen::Index j = 0; j < M.cols(); ++j) M(i, j) = rows[i][j].get<double>();
  return M;
}

Eigen::VectorXi labels_of(const nlohmann::json& values) {
  Eigen::VectorXi v(values.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = values[i].get<int>();
  return v;
}

// Adjusted Rand index (Hubert and Arabie), as sklearn.metrics.adjusted_rand_score.
double adjusted_rand(const Eigen::VectorXi& a, const Eigen::VectorXi& b) {
  std::map<std::pair<int, int>, double> cells;
  std::map<int, double> rows, cols;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    cells[{a[i], b[i]}] += 1;
    rows[a[i]] += 1;
    cols[b[i]] += 1;
  }
  auto pairs = [](double n) { return n * (n - 1) / 2; };
  double index = 0, sum_rows = 0, sum_cols = 0;
  for (const auto& [cell, n] : cells) index += pairs(n);
  for (const auto& [r, n] : rows) sum_rows += pairs(n);
  for (const auto& [c, n] : cols) sum_cols += pairs(n);
  const double expected = sum_rows * sum_cols / pairs(static_cast<double>(a.size()));
  const double max_index = (sum_rows + sum_cols) / 2;
  return max_index == expected ? 1.0 : (index - expected) / (max_index - expected);
}

KMeansParams params_of(const nlohmann::json& c) {
  KMeansParams p;
  p.n_clusters = c.at("n_clusters").get<int>();
  p.kmeans_plus_plus = c.at("init") == "k-means++";
  p.n_init = 10;
  p.seed = 42;
  return p;
}

TEST(KMeans, PartitionsSeparatedBlobsAsScikitLearn) {
  const nlohmann::json* c = find_case("separated");
  ASSERT_NE(c, nullptr) << "is /usr/bin/python3 with numpy and sklearn installed?";
  const Eigen::MatrixXd X = matrix(c->at("X"));
  const KMeansResult ours = fit_kmeans(X, params_of(*c));
  const double ari = adjusted_rand(ours.labels, labels_of(c->at("labels")));
  std::cout << "[parity] separated blobs: ARI " << ari << ", inertia ours/sklearn " << ours.inertia
            << "/" << c->at("inertia").get<double>() << std::endl;
  EXPECT_DOUBLE_EQ(ari, 1.0);
  EXPECT_NEAR(ours.inertia / c->at("inertia").get<double>(), 1.0, 1e-9);
  EXPECT_TRUE(ours.converged);
  EXPECT_EQ(ours.sizes.sum(), X.rows());
}

TEST(KMeans, InertiaWithinOnePercentOfScikitLearn) {
  for (const char* name : {"overlap", "overlap_random", "iris", "iris_scaled", "iris_scaled_8"}) {
    const nlohmann::json* c = find_case(name);
    ASSERT_NE(c, nullptr) << name;
    const Eigen::MatrixXd X = matrix(c->at("X"));
    const KMeansResult ours = fit_kmeans(X, params_of(*c));
    const double theirs = c->at("inertia").get<double>();
    std::cout << "[parity] " << name << ": inertia ours/sklearn " << ours.inertia << "/" << theirs
              << " (ratio " << ours.inertia / theirs << "), n_iter " << ours.n_iter << "/"
              << c->at("n_iter").get<int>() << ", ARI "
              << adjusted_rand(ours.labels, labels_of(c->at("labels"))) << std::endl;
    EXPECT_LE(ours.inertia, theirs * (1 + kInertiaTolerance)) << name;
    // The inertia is the one of the labels returned, each row at its nearest centre.
    double inertia = 0;
    for (Eigen::Index i = 0; i < X.rows(); ++i)
      inertia += (X.row(i) - ours.centers.row(ours.labels[i])).squaredNorm();
    EXPECT_NEAR(inertia, ours.inertia, 1e-9 * theirs) << name;
  }
}

TEST(KMeans, SilhouetteIsScikitLearns) {
  for (const char* name : {"separated", "overlap", "iris_scaled_8"}) {
    const nlohmann::json* c = find_case(name);
    ASSERT_NE(c, nullptr) << name;
    const double ours = silhouette_score(matrix(c->at("X")), labels_of(c->at("labels")));
    EXPECT_NEAR(ours, c->at("silhouette").get<double>(), kSilhouetteTolerance) << name;
  }
  Eigen::MatrixXd X(4, 1);
  X << 0, 1, 5, 9;
  EXPECT_NEAR(silhouette_score(X, Eigen::Vector4i(0, 0, 1, 2)), (4.0 / 5 + 3.0 / 4) / 4, 1e-12)
      << "rows alone in their cluster score 0";
  EXPECT_TRUE(std::isnan(silhouette_score(X, Eigen::Vector4i(1, 1, 1, 1))));
  EXPECT_TRUE(std::isnan(silhouette_score(X, Eigen::Vector4i(0, 1, 2, 3))));
}

Eigen::MatrixXd blobs(int per_blob, int blobs, double spread, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  auto noise = [&] { return (static_cast<double>(gen() >> 11) * 0x1.0p-53 - 0.5) * spread; };
  Eigen::MatrixXd X(per_blob * blobs, 3);
  for (int b = 0; b < blobs; ++b)
    for (int i = 0; i < per_blob; ++i)
      X.row(b * per_blob + i) << 10.0 * b + noise(), 7.0 * (b % 2) + noise(), -4.0 * b + noise();
  return X;
}

TEST(KMeans, DeterministicBySeed) {
  const Eigen::MatrixXd X = blobs(100, 5, 12, 3);
  KMeansParams p;
  p.n_clusters = 5;
  p.n_init = 2;
  for (bool plus_plus : {true, false}) {
    p.kmeans_plus_plus = plus_plus;
    p.seed = 1;
    const KMeansResult a = fit_kmeans(X, p), b = fit_kmeans(X, p);
    EXPECT_EQ(a.centers, b.centers);
    EXPECT_EQ(a.labels, b.labels);
    bool some_seed_differs = false;
    for (p.seed = 2; p.seed < 12 && !some_seed_differs; ++p.seed)
      some_seed_differs = fit_kmeans(X, p).centers != a.centers;
    EXPECT_TRUE(some_seed_differs) << "the seed is used";
  }
  EXPECT_EQ(sample_rows_of(100000, 2000, 5), sample_rows_of(100000, 2000, 5));
  EXPECT_NE(sample_rows_of(100000, 2000, 5), sample_rows_of(100000, 2000, 6));
  EXPECT_EQ(sample_rows_of(10, 2000, 5).size(), 10u);
}

TEST(KMeans, RelocatesEmptyClusters) {
  // 100 equal rows and three others: random starts often pick the same row twice, and
  // one of the two equal centres then gets no row until it is moved.
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(103, 1);
  X(100, 0) = 10, X(101, 0) = 20, X(102, 0) = 30;
  KMeansParams p;
  p.n_clusters = 4;
  p.n_init = 1;
  p.kmeans_plus_plus = false;
  for (p.seed = 0; p.seed < 30; ++p.seed) {
    const KMeansResult r = fit_kmeans(X, p);
    EXPECT_EQ(r.sizes.minCoeff(), 1) << "seed " << p.seed;
    EXPECT_LT(r.inertia, 1e-20) << "seed " << p.seed;  // each value its own centre
  }
}

TEST(KMeans, RefusesMoreClustersThanDistinctRows) {
  Eigen::MatrixXd X(5, 2);
  X << 1, 1, 1, 1, 2, 2, 3, 3, 2, 2;
  KMeansParams p;
  p.n_clusters = 4;
  try {
    fit_kmeans(X, p);
    ADD_FAILURE() << "4 clusters of 3 distinct rows";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), "22023");
    EXPECT_NE(std::string(e.what()).find("only 3 distinct"), std::string::npos) << e.what();
  }
  p.n_clusters = 3;
  const KMeansResult r = fit_kmeans(X, p);
  EXPECT_LT(r.inertia, 1e-20);
  EXPECT_EQ(r.labels[0], r.labels[1]);
  EXPECT_EQ(r.labels[2], r.labels[4]);
  p.n_clusters = 0;
  EXPECT_EQ(sqlstate_of([&] { fit_kmeans(X, p); }), "22023");
}

TEST(KMeans, AutoChoosesTheNumberOfBlobs) {
  for (int k : {3, 4, 6}) {
    const Eigen::MatrixXd X = blobs(700, k, 2, 11);  // more rows than the sample
    KMeansParams p;
    const ClusterCountChoice choice = choose_n_clusters(X, p);
    EXPECT_EQ(choice.n_clusters, k);
    EXPECT_EQ(choice.sample_rows, std::min<Eigen::Index>(X.rows(), kSilhouetteSampleRows));
    EXPECT_EQ(choice.tried.front(), 2);
    EXPECT_EQ(choice.tried.back(), kMaxAutoClusters);
  }
  Eigen::MatrixXd same = Eigen::MatrixXd::Ones(50, 2);
  EXPECT_EQ(sqlstate_of([&] { choose_n_clusters(same, KMeansParams()); }), "22023");
  same(0, 0) = 2;  // two distinct rows: k = 2 is the only choice
  EXPECT_EQ(choose_n_clusters(same, KMeansParams()).n_clusters, 2);
}

TEST(KMeans, CanBeCancelled) {
  const Eigen::MatrixXd X = blobs(200, 3, 5, 1);
  std::atomic<bool> cancel{true};
  KMeansParams p;
  p.n_clusters = 3;
  p.cancel = &cancel;
  EXPECT_EQ(sqlstate_of([&] { fit_kmeans(X, p); }), "57014");
}

}  // namespace
}  // namespace automl
