// crf_online.cpp — online training of the CRF's weights over the features Crf::Problem
// encoded: Collins' (2002) structured perceptron and PA-I (Crammer et al. 2006,
// prediction-based, loss score(ŷ) − score(y) + √(wrong tags)), both averaged.
// Each sequence is decoded with the current weights under the same constraints
// tagging uses; a wrong answer moves the weights by τ (φ(x, y) − φ(x, ŷ)), τ = 1 for
// the perceptron, min(C, loss / ‖φ(x, y) − φ(x, ŷ)‖²) for PA-I. The weights returned
// are the average of the weights after every sequence of every pass, which is what
// makes the perceptron generalise (Collins' "averaged parameters"); kept lazily.
#include <algorithm>
#include <cmath>
#include <utility>

#include "automl/error.hpp"
#include "crf_training.hpp"

namespace automl::crf_training {
namespace {

using Sparse = std::vector<std::pair<Eigen::Index, double>>;  // (weight, change)

// Weights and their running average without summing every vector (Daumé's trick): a
// change δ made at sequence s (1-based) is in the weights after s, s + 1, …, T, so
// the sum of those T vectors is Σ (T − s + 1) δ = T w − Σ (s − 1) δ, and
// `weighted_` keeps Σ (s − 1) δ. The zero weights before the first sequence are not
// part of the average.
class AveragedWeights {
 public:
  explicit AveragedWeights(Eigen::Index n)
      : weights_(Eigen::VectorXd::Zero(n)), weighted_(Eigen::VectorXd::Zero(n)) {}
  const Eigen::VectorXd& current() const { return weights_; }
  void add(const Sparse& change, double step) {
    for (const auto& [k, delta] : change) {
      weights_(k) += step * delta;
      weighted_(k) += static_cast<double>(seen_) * step * delta;
    }
  }
  void next_sequence() { ++seen_; }
  Eigen::VectorXd averaged() const {
    if (seen_ == 0) return weights_;
    return weights_ - weighted_ / static_cast<double>(seen_);
  }

 private:
  Eigen::VectorXd weights_, weighted_;
  long seen_ = 0;
};

crf_detail::Scores scores_of(const crf_detail::Layout& lay, const Eigen::VectorXd& w,
                             const Crf::Problem::Encoded& e, Eigen::MatrixXd& transition,
                             Eigen::VectorXd& start, Eigen::VectorXd& end) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  transition = Eigen::Map<const RowMajor>(w.data() + lay.transition(), lay.L, lay.L);
  start = w.segment(lay.start(), lay.L);
  end = w.segment(lay.end(), lay.L);
  const Eigen::Map<const RowMajor> state(w.data(), lay.F, lay.L);
  return {crf_detail::emission_scores(state, e.features), &transition, &start, &end};
}

// φ(x, y) − φ(x, ŷ) with repeated weights merged and zeros dropped.
Sparse feature_difference(const crf_detail::Layout& lay, const Crf::Problem::Encoded& e,
                          const std::vector<int>& got) {
  Sparse d;
  const std::vector<int>& y = e.tags;
  auto both = [&](Eigen::Index right, Eigen::Index wrong) {
    d.emplace_back(right, 1.0);
    d.emplace_back(wrong, -1.0);
  };
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] != got[i])
      for (int f : e.features[i]) both(lay.state(f, y[i]), lay.state(f, got[i]));
    if (i > 0 && (y[i - 1] != got[i - 1] || y[i] != got[i]))
      both(lay.transition() + y[i - 1] * lay.L + y[i],
           lay.transition() + got[i - 1] * lay.L + got[i]);
  }
  if (y.front() != got.front()) both(lay.start() + y.front(), lay.start() + got.front());
  if (y.back() != got.back()) both(lay.end() + y.back(), lay.end() + got.back());
  std::sort(d.begin(), d.end());
  Sparse merged;
  for (const auto& [k, delta] : d) {
    if (!merged.empty() && merged.back().first == k)
      merged.back().second += delta;
    else
      merged.emplace_back(k, delta);
  }
  merged.erase(
      std::remove_if(merged.begin(), merged.end(), [](const auto& kd) { return kd.second == 0; }),
      merged.end());
  return merged;
}

// The step of one update: 1 for the perceptron, PA-I's τ otherwise.
double step_of(const CrfOptions& options, const crf_detail::Scores& s,
               const Crf::Problem::Encoded& e, const std::vector<int>& got, const Sparse& change) {
  if (options.training == CrfTraining::Perceptron) return 1;
  double wrong = 0, norm = 0;
  for (std::size_t i = 0; i < got.size(); ++i) wrong += got[i] != e.tags[i];
  for (const auto& [k, delta] : change) norm += delta * delta;
  const double loss =
      crf_detail::sequence_score(s, got) - crf_detail::sequence_score(s, e.tags) + std::sqrt(wrong);
  return std::min(options.aggressiveness, std::max(0.0, loss) / norm);
}

}  // namespace

std::vector<std::size_t> pass_order(std::size_t n, PortableRandom& rng) {
  std::vector<std::size_t> order(n);
  for (std::size_t k = 0; k < n; ++k) order[k] = k;
  for (std::size_t k = n; k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);
  return order;
}

Eigen::VectorXd online_weights(const Crf::Problem& problem, const CrfOptions& options,
                               const std::atomic<bool>* cancel, int* epochs) {
  const crf_detail::Layout lay = problem.layout();
  const auto& data = problem.sequences();
  AveragedWeights w(lay.size());
  PortableRandom rng(options.seed);
  Eigen::MatrixXd transition;
  Eigen::VectorXd start, end;
  int pass = 0;
  for (bool mistakes = true; mistakes && pass < options.epochs; ++pass) {
    mistakes = false;
    for (std::size_t k : pass_order(data.size(), rng)) {
      if (cancel != nullptr && cancel->load())
        throw Error(sqlstate::kQueryCanceled, "training was cancelled");
      const auto& e = data[k];
      const crf_detail::Scores s = scores_of(lay, w.current(), e, transition, start, end);
      const std::vector<int> got = problem.constraints().decode(s);
      if (got != e.tags) {
        mistakes = true;
        const Sparse change = feature_difference(lay, e, got);
        if (!change.empty()) w.add(change, step_of(options, s, e, got, change));
      }
      w.next_sequence();
    }
  }
  if (epochs != nullptr) *epochs = pass;
  return w.averaged();
}

}  // namespace automl::crf_training
