// split.cpp — deterministic, optionally stratified train/test split.
#include "automl/split.hpp"

#include <algorithm>
#include <cmath>

#include "automl/error.hpp"

namespace automl {
namespace {

// splitmix64: tiny, fast, and identical everywhere.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) without modulo bias.
  std::uint64_t below(std::uint64_t bound) {
    std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t r;
    do r = next();
    while (r >= limit);
    return r % bound;
  }

 private:
  std::uint64_t state_;
};

void shuffle(std::vector<Eigen::Index>& v, SplitMix64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

}  // namespace

TrainTestSplit train_test_split(Eigen::Index n, double test_size, std::uint64_t seed,
                                const Eigen::VectorXi* strata) {
  if (!(test_size > 0.0 && test_size < 1.0))
    invalid("test_size must be between 0 and 1 exclusive",
            "test_size is " + std::to_string(test_size));
  if (n < 2)
    invalid("need at least 2 rows to split into training and test sets",
            "the relation has " + std::to_string(n) + " usable rows");
  SplitMix64 rng(seed);
  std::vector<std::vector<Eigen::Index>> groups;
  if (strata != nullptr) {
    int k = strata->size() ? strata->maxCoeff() + 1 : 0;
    groups.resize(static_cast<size_t>(k));
    for (Eigen::Index i = 0; i < n; ++i) groups[static_cast<size_t>((*strata)[i])].push_back(i);
  } else {
    groups.emplace_back(static_cast<size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i) groups[0][static_cast<size_t>(i)] = i;
  }
  TrainTestSplit split;
  for (auto& g : groups) {
    shuffle(g, rng);
    auto n_test = static_cast<size_t>(std::llround(test_size * static_cast<double>(g.size())));
    // A class with two or more rows appears on both sides, so its metrics exist.
    if (g.size() >= 2) n_test = std::clamp<size_t>(n_test, 1, g.size() - 1);
    split.test.insert(split.test.end(), g.begin(), g.begin() + static_cast<long>(n_test));
    split.train.insert(split.train.end(), g.begin() + static_cast<long>(n_test), g.end());
  }
  if (split.train.empty() || split.test.empty())
    invalid("the split left the training or test set empty", "adjust test_size");
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

Eigen::MatrixXd take_rows(const Eigen::MatrixXd& X, const std::vector<Eigen::Index>& rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), X.cols());
  for (size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = X.row(rows[i]);
  return out;
}

Eigen::VectorXd take(const Eigen::VectorXd& v, const std::vector<Eigen::Index>& rows) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) out[static_cast<Eigen::Index>(i)] = v[rows[i]];
  return out;
}

Eigen::VectorXi take(const Eigen::VectorXi& v, const std::vector<Eigen::Index>& rows) {
  Eigen::VectorXi out(static_cast<Eigen::Index>(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) out[static_cast<Eigen::Index>(i)] = v[rows[i]];
  return out;
}

}  // namespace automl
