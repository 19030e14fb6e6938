// kmeans.cpp — fitting k-means as sklearn.cluster.KMeans(algorithm="lloyd") does:
// greedy k-means++ (or random rows) to start, Lloyd's iterations until the centres
// move by at most tol × the mean feature variance or no label changes, empty clusters
// moved to the rows farthest from their centre, n_init runs keeping the lowest
// inertia. Distances are computed a block of rows at a time (block × k), so memory
// is one centred copy of X plus O(n + k·d), and each iteration costs O(n·k·d).
#include "automl/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <unordered_map>

#include "automl/error.hpp"
#include "automl/interrupt.hpp"
#include "automl/portable_random.hpp"

namespace automl {
namespace {

// Rows per block of the distance computations.
constexpr Eigen::Index kBlockRows = 1024;

void check_stop(const std::atomic<bool>* cancel) {
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed))
    throw Error(sqlstate::kQueryCanceled, "training was cancelled");
  check_interrupt();
}

using Draws = PortableRandom;

// X centred on its column means, as sklearn centres X before fitting (smaller numbers:
// less cancellation in ‖x‖² − 2 x·c + ‖c‖²), in one row-major copy (the working copy
// the trainer's memory check counts) so that a block of rows is contiguous; centres
// below are centred too.
struct Centered {
  const Eigen::MatrixXd& X;
  Eigen::RowVectorXd mean;
  RowMajorMatrix Xc;
  Eigen::VectorXd norms;  // ‖x − mean‖² of each row

  explicit Centered(const Eigen::MatrixXd& data)
      : X(data), mean(data.colwise().mean()), Xc(data.rowwise() - mean) {
    norms = Xc.rowwise().squaredNorm();
  }
  auto block(Eigen::Index begin, Eigen::Index rows) const { return Xc.middleRows(begin, rows); }
  auto row(Eigen::Index i) const { return Xc.row(i); }
};

using Distances = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// D (b × k): squared distances of the rows [begin, begin + b) to the centres C
// (c_norms: their squared norms), clipped at 0 like sklearn's euclidean_distances.
void block_distances(const Centered& data, Eigen::Index begin, Eigen::Index b,
                     const Eigen::MatrixXd& C, const Eigen::VectorXd& c_norms, Distances& D) {
  D.noalias() = data.block(begin, b) * C.transpose();
  D = (((-2.0 * D).rowwise() + c_norms.transpose()).colwise() + data.norms.segment(begin, b))
          .cwiseMax(0.0);
}

// Squared distances of every row to the one centre c.
Eigen::VectorXd distances_to(const Centered& data, const Eigen::RowVectorXd& c) {
  Eigen::VectorXd out(data.X.rows());
  const Eigen::MatrixXd C = c;
  const Eigen::VectorXd c_norm = Eigen::VectorXd::Constant(1, c.squaredNorm());
  Distances D;
  for (Eigen::Index begin = 0; begin < data.X.rows(); begin += kBlockRows) {
    const Eigen::Index b = std::min(kBlockRows, data.X.rows() - begin);
    block_distances(data, begin, b, C, c_norm, D);
    out.segment(begin, b) = D.col(0);
  }
  return out;
}

Eigen::Index first_min(const Eigen::VectorXd& v) {
  Eigen::Index best = 0;
  for (Eigen::Index i = 1; i < v.size(); ++i)
    if (v[i] < v[best]) best = i;
  return best;
}

// sklearn's _kmeans_plusplus: the first centre a uniform row, each next one the best
// (lowest potential) of 2 + ln k rows drawn with probability ∝ squared distance.
Eigen::MatrixXd plus_plus(const Centered& data, int k, Draws& draws,
                          const std::atomic<bool>* cancel) {
  const Eigen::Index n = data.X.rows();
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  Eigen::MatrixXd C(k, data.X.cols());
  C.row(0) = data.row(static_cast<Eigen::Index>(draws.below(static_cast<std::uint64_t>(n))));
  Eigen::VectorXd closest = distances_to(data, C.row(0));
  double potential = closest.sum();
  std::vector<double> cumulative(static_cast<size_t>(n));
  Eigen::MatrixXd T(trials, data.X.cols());
  Distances D;
  for (int c = 1; c < k; ++c) {
    check_stop(cancel);
    std::partial_sum(closest.data(), closest.data() + n, cumulative.begin());
    for (int t = 0; t < trials; ++t) {
      const double r = draws.uniform() * potential;
      const auto at = std::lower_bound(cumulative.begin(), cumulative.end(), r);
      T.row(t) = data.row(std::min<Eigen::Index>(at - cumulative.begin(), n - 1));
    }
    const Eigen::VectorXd t_norms = T.rowwise().squaredNorm();
    Eigen::VectorXd potentials = Eigen::VectorXd::Zero(trials);
    for (Eigen::Index begin = 0; begin < n; begin += kBlockRows) {
      const Eigen::Index b = std::min(kBlockRows, n - begin);
      block_distances(data, begin, b, T, t_norms, D);
      for (int t = 0; t < trials; ++t)
        potentials[t] += D.col(t).cwiseMin(closest.segment(begin, b)).sum();
    }
    const Eigen::Index best = first_min(potentials);
    C.row(c) = T.row(best);
    potential = potentials[best];
    closest = closest.cwiseMin(distances_to(data, C.row(c)));
  }
  return C;
}

// Floyd's algorithm: m distinct indices of [0, n), ascending.
std::vector<Eigen::Index> floyd_sample(Eigen::Index n, Eigen::Index m, Draws& draws) {
  std::vector<Eigen::Index> picked;
  std::unordered_map<Eigen::Index, bool> in;
  for (Eigen::Index j = n - m; j < n; ++j) {
    const auto t = static_cast<Eigen::Index>(draws.below(static_cast<std::uint64_t>(j + 1)));
    const Eigen::Index chosen = in.count(t) ? j : t;
    in[chosen] = true;
    picked.push_back(chosen);
  }
  std::sort(picked.begin(), picked.end());
  return picked;
}

// sklearn's init="random": k distinct rows.
Eigen::MatrixXd random_rows(const Centered& data, int k, Draws& draws) {
  const std::vector<Eigen::Index> rows = floyd_sample(data.X.rows(), k, draws);
  Eigen::MatrixXd C(k, data.X.cols());
  for (int c = 0; c < k; ++c) C.row(c) = data.row(rows[static_cast<size_t>(c)]);
  return C;
}

// Running sums of one Lloyd pass: per cluster the sum of its rows and their count.
struct Sums {
  RowMajorMatrix sum;
  Eigen::VectorXd count;
};

// sklearn's _relocate_empty_clusters_dense: each empty cluster takes one of the rows
// farthest from their centre (farthest first, lower index on ties), which leaves its
// old cluster.
void relocate_empty(const Centered& data, const Eigen::VectorXi& labels,
                    const Eigen::VectorXd& distance, Sums& s) {
  std::vector<Eigen::Index> empty;
  for (Eigen::Index c = 0; c < s.count.size(); ++c)
    if (s.count[c] == 0) empty.push_back(c);
  if (empty.empty()) return;
  std::vector<Eigen::Index> order(static_cast<size_t>(labels.size()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  const auto n_far = static_cast<std::ptrdiff_t>(std::min(empty.size(), order.size()));
  std::partial_sort(order.begin(), order.begin() + n_far, order.end(),
                    [&](Eigen::Index a, Eigen::Index b) {
                      return distance[a] > distance[b] || (distance[a] == distance[b] && a < b);
                    });
  for (std::ptrdiff_t e = 0; e < n_far; ++e) {
    const Eigen::Index row = order[static_cast<size_t>(e)];
    const Eigen::RowVectorXd x = data.row(row);
    s.sum.row(labels[row]) -= x;
    s.count[labels[row]] -= 1;
    s.sum.row(empty[static_cast<size_t>(e)]) = x;
    s.count[empty[static_cast<size_t>(e)]] = 1;
  }
}

struct Run {
  Eigen::MatrixXd centers;  // centred
  int n_iter = 0;
  bool converged = false;
};

// One Lloyd pass: labels and distances from the centres C, and the sums of the rows
// of each cluster. Returns how many labels changed.
Eigen::Index assign(const Centered& data, const Eigen::MatrixXd& C, Eigen::VectorXi& labels,
                    Eigen::VectorXd& distance, Sums& s) {
  // argmin_c ‖x − c‖² = argmin_c (‖c‖² − 2 x·c): ‖x‖² is added to the nearest only.
  const Eigen::MatrixXd minus_2c = -2.0 * C;
  const Eigen::RowVectorXd c_norms = C.rowwise().squaredNorm().transpose();
  s.sum = RowMajorMatrix::Zero(C.rows(), C.cols());
  s.count = Eigen::VectorXd::Zero(C.rows());
  Eigen::Index changed = 0;
  Eigen::MatrixXd D;  // b × k, column-major: a sweep per centre
  Eigen::VectorXd nearest;
  Eigen::VectorXi best;
  for (Eigen::Index begin = 0; begin < data.X.rows(); begin += kBlockRows) {
    const Eigen::Index b = std::min(kBlockRows, data.X.rows() - begin);
    D.noalias() = data.block(begin, b) * minus_2c.transpose();
    D.rowwise() += c_norms;
    nearest = D.col(0);
    best.setZero(b);
    for (Eigen::Index c = 1; c < D.cols(); ++c)
      for (Eigen::Index i = 0; i < b; ++i)
        if (D(i, c) < nearest[i]) nearest[i] = D(i, c), best[i] = static_cast<int>(c);
    const Eigen::Index d = C.cols();
    for (Eigen::Index i = 0; i < b; ++i) {
      const Eigen::Index row = begin + i;
      if (labels[row] != best[i]) ++changed, labels[row] = best[i];
      distance[row] = std::max(nearest[i] + data.norms[row], 0.0);
      double* sum = s.sum.data() + best[i] * d;
      const double* x = data.Xc.data() + row * d;
      for (Eigen::Index j = 0; j < d; ++j) sum[j] += x[j];
      s.count[best[i]] += 1;
    }
  }
  return changed;
}

Run lloyd(const Centered& data, Eigen::MatrixXd C, int max_iter, double tol_abs,
          const std::atomic<bool>* cancel) {
  Eigen::VectorXi labels = Eigen::VectorXi::Constant(data.X.rows(), -1);
  Eigen::VectorXd distance(data.X.rows());
  Sums s;
  Run run;
  for (int it = 0; it < max_iter; ++it) {
    check_stop(cancel);
    const Eigen::Index changed = assign(data, C, labels, distance, s);
    relocate_empty(data, labels, distance, s);
    Eigen::MatrixXd next = C;
    for (Eigen::Index c = 0; c < C.rows(); ++c)
      if (s.count[c] > 0) next.row(c) = s.sum.row(c) / s.count[c];
    const double shift = (next - C).squaredNorm();
    C = std::move(next);
    run.n_iter = it + 1;
    if (changed == 0 || shift <= tol_abs) {
      run.converged = true;
      break;
    }
  }
  run.centers = std::move(C);
  return run;
}

// The final labels of centres C (not centred) with nearest_center, as predict
// assigns rows, and the inertia they give.
double assign_exact(const Eigen::MatrixXd& X, const RowMajorMatrix& C, Eigen::VectorXi& labels,
                    const std::atomic<bool>* cancel) {
  labels.resize(X.rows());
  double inertia = 0;
  for (Eigen::Index begin = 0; begin < X.rows(); begin += kBlockRows) {
    check_stop(cancel);
    const Eigen::Index b = std::min(kBlockRows, X.rows() - begin);
    const RowMajorMatrix Xb = X.middleRows(begin, b);
    for (Eigen::Index i = 0; i < b; ++i) {
      double d2 = 0;
      labels[begin + i] = nearest_center(C, Xb.row(i).data(), &d2);
      inertia += d2;
    }
  }
  return inertia;
}

// How many distinct rows X has, counting up to `at_most`.
Eigen::Index distinct_rows(const Eigen::MatrixXd& X, Eigen::Index at_most) {
  std::unordered_map<std::uint64_t, std::vector<Eigen::Index>> seen;
  Eigen::Index distinct = 0;
  for (Eigen::Index i = 0; i < X.rows() && distinct < at_most; ++i) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a over the values' bits
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      const double v = X(i, j) + 0.0;  // -0 and +0 are one value
      std::uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      h = (h ^ bits) * 1099511628211ULL;
    }
    auto& bucket = seen[h];
    const bool known = std::any_of(bucket.begin(), bucket.end(), [&](Eigen::Index r) {
      return (X.row(r).array() == X.row(i).array()).all();
    });
    if (!known) bucket.push_back(i), ++distinct;
  }
  return distinct;
}

void check_params(const KMeansParams& p) {
  if (p.n_clusters < 1 || p.n_clusters > kMaxClusters)
    invalid(
        "hyper-parameter \"n_clusters\" of algorithm \"kmeans\" must be at least 1 and at most " +
            std::to_string(kMaxClusters),
        "got " + std::to_string(p.n_clusters));
  if (p.n_init < 1 || p.max_iter < 1 || !(p.tol >= 0))
    invalid("k-means needs n_init >= 1, max_iter >= 1 and tol >= 0");
}

}  // namespace

KMeansParams KMeansParams::from_hyperparams(const nlohmann::json& hp, std::uint64_t seed) {
  KMeansParams p;
  if (!hp.at("n_clusters").is_number_integer())
    invalid("n_clusters must be resolved to a number before fitting");
  p.n_clusters = hp.at("n_clusters").get<int>();
  p.kmeans_plus_plus = hp.at("init").get<std::string>() == "k-means++";
  p.n_init = hp.at("n_init").get<int>();
  p.max_iter = hp.at("max_iter").get<int>();
  p.tol = hp.at("tol").get<double>();
  p.seed = seed;
  return p;
}

std::vector<Eigen::Index> sample_rows_of(Eigen::Index n, Eigen::Index m, std::uint64_t seed) {
  if (n <= m) {
    std::vector<Eigen::Index> all(static_cast<size_t>(std::max<Eigen::Index>(n, 0)));
    std::iota(all.begin(), all.end(), Eigen::Index{0});
    return all;
  }
  Draws draws(seed);
  return floyd_sample(n, m, draws);
}

KMeansResult fit_kmeans(const Eigen::MatrixXd& X, const KMeansParams& p) {
  check_params(p);
  if (X.rows() == 0 || X.cols() == 0) invalid("k-means needs at least one row and one feature");
  const Eigen::Index distinct = distinct_rows(X, p.n_clusters);
  if (distinct < p.n_clusters)
    invalid("n_clusters is " + std::to_string(p.n_clusters) + " but the rows have only " +
                std::to_string(distinct) + " distinct values",
            std::to_string(X.rows()) + " rows, compared after preprocessing",
            "use n_clusters of at most " + std::to_string(distinct));
  const Centered data(X);
  // sklearn's _tolerance: tol × the mean of the features' variances.
  const double tol_abs = p.tol * (data.norms.sum() / static_cast<double>(X.rows() * X.cols()));
  Draws draws(p.seed);
  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (int run = 0; run < p.n_init; ++run) {
    Eigen::MatrixXd start = p.kmeans_plus_plus ? plus_plus(data, p.n_clusters, draws, p.cancel)
                                               : random_rows(data, p.n_clusters, draws);
    const Run fitted = lloyd(data, std::move(start), p.max_iter, tol_abs, p.cancel);
    const RowMajorMatrix centers = fitted.centers.rowwise() + data.mean;
    Eigen::VectorXi labels;
    const double inertia = assign_exact(X, centers, labels, p.cancel);
    if (inertia < best.inertia || run == 0) {
      best.centers = centers;
      best.labels = std::move(labels);
      best.inertia = inertia;
      best.n_iter = fitted.n_iter;
      best.converged = fitted.converged;
    }
  }
  best.sizes = Eigen::VectorXi::Zero(p.n_clusters);
  for (Eigen::Index i = 0; i < best.labels.size(); ++i) ++best.sizes[best.labels[i]];
  return best;
}

ClusterCountChoice choose_n_clusters(const Eigen::MatrixXd& X, KMeansParams params) {
  ClusterCountChoice choice;
  const std::vector<Eigen::Index> rows =
      sample_rows_of(X.rows(), kSilhouetteSampleRows, params.seed);
  Eigen::MatrixXd sample(static_cast<Eigen::Index>(rows.size()), X.cols());
  for (size_t i = 0; i < rows.size(); ++i)
    sample.row(static_cast<Eigen::Index>(i)) = X.row(rows[i]);
  choice.sample_rows = sample.rows();
  const Eigen::Index most = std::min<Eigen::Index>(
      {kMaxAutoClusters, distinct_rows(sample, kMaxAutoClusters), sample.rows() - 1});
  if (most < 2)
    invalid("n_clusters => 'auto' needs at least 3 rows, 2 of them distinct",
            "the data has " + std::to_string(X.rows()) + " rows");
  double best = -std::numeric_limits<double>::infinity();
  for (int k = 2; k <= most; ++k) {
    params.n_clusters = k;
    const KMeansResult fitted = fit_kmeans(sample, params);
    const double s = silhouette_score(sample, fitted.labels);
    choice.tried.push_back(k);
    choice.silhouettes.push_back(s);
    const double score = std::isnan(s) ? -std::numeric_limits<double>::infinity() : s;
    if (choice.n_clusters == 0 || score > best) best = score, choice.n_clusters = k;
  }
  return choice;
}

}  // namespace automl
