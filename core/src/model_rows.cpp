// model_rows.cpp — many rows of plain numbers scored in one call (predict_batch):
// the same preprocessing, estimator and link as one row at a time, answer for answer.
#include <algorithm>
#include <vector>

#include "automl/error.hpp"
#include "automl/interrupt.hpp"
#include "automl/model.hpp"

namespace automl {
namespace {

constexpr std::size_t kChunk = 256;  // rows preprocessed, then scored together

}  // namespace

template <typename F>
void Model::scores_of_rows(const double* x, std::size_t n, F&& use) const {
  require_numbers_only();
  const auto p = static_cast<std::size_t>(n_features());
  const auto width = static_cast<std::size_t>(preprocessor_.n_outputs());
  const int k = estimator_->n_outputs();
  std::vector<double> features(kChunk * width), scores(kChunk * static_cast<std::size_t>(k));
  for (std::size_t first = 0; first < n; first += kChunk) {
    check_interrupt();
    const std::size_t m = std::min(kChunk, n - first);
    for (std::size_t i = 0; i < m; ++i)
      preprocessor_.transform_numbers(x + (first + i) * p, features.data() + i * width);
    estimator_->decision_rows(features.data(), m, width, scores.data());
    for (std::size_t i = 0; i < m; ++i)
      apply_link(estimator_->link(), k, scores.data() + i * static_cast<std::size_t>(k));
    use(first, m, static_cast<const double*>(scores.data()));
  }
}

void Model::predict_rows(const double* x, std::size_t n, double* out) const {
  const int k = estimator_->n_outputs();
  scores_of_rows(x, n, [&](std::size_t first, std::size_t m, const double* scores) {
    for (std::size_t i = 0; i < m; ++i) {
      const double* s = scores + i * static_cast<std::size_t>(k);
      // As predict and predict_class decide for one row.
      if (task_ == Task::Regression) {
        out[first + i] = s[0];
        continue;
      }
      const int cls = k == 1 ? (task_ == Task::Classification && s[0] > 0.5 ? 1 : 0)
                             : static_cast<int>(std::max_element(s, s + k) - s);
      out[first + i] = task_ == Task::Clustering ? cls : labels_.numeric_value(cls);
    }
  });
}

void Model::predict_proba_rows(const double* x, std::size_t n, double* out) const {
  no_probabilities();
  const int k = estimator_->n_outputs();
  const auto c = static_cast<std::size_t>(n_classes());
  scores_of_rows(x, n, [&](std::size_t first, std::size_t m, const double* scores) {
    for (std::size_t i = 0; i < m; ++i) {
      const double* s = scores + i * static_cast<std::size_t>(k);
      double* o = out + (first + i) * c;
      if (k == 1) {
        o[1] = s[0];
        o[0] = 1.0 - s[0];
      } else {
        std::copy(s, s + k, o);
      }
    }
  });
}

}  // namespace automl
