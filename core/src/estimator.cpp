// estimator.cpp — the linear estimator and estimator (de)serialisation.
#include "automl/estimator.hpp"

#include <algorithm>
#include <cmath>

#include "automl/ensemble.hpp"
#include "automl/error.hpp"
#include "automl/kmeans.hpp"
#include "automl/tree_ensemble.hpp"
#include "json_numbers.hpp"

namespace automl {
namespace {

bool all_finite(const std::vector<double>& v) {
  for (double x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

}  // namespace

const char* to_string(Link link) {
  switch (link) {
    case Link::Identity:
      return "identity";
    case Link::Sigmoid:
      return "sigmoid";
    case Link::Softmax:
      return "softmax";
  }
  return "identity";
}

Link link_from_string(const std::string& name) {
  if (name == "identity") return Link::Identity;
  if (name == "sigmoid") return Link::Sigmoid;
  if (name == "softmax") return Link::Softmax;
  invalid("model file: unknown link \"" + name + "\"");
}

void apply_link(Link link, int n, double* s) {
  switch (link) {
    case Link::Identity:
      return;
    case Link::Sigmoid:
      s[0] = s[0] >= 0 ? 1.0 / (1.0 + std::exp(-s[0])) : std::exp(s[0]) / (1.0 + std::exp(s[0]));
      return;
    case Link::Softmax: {
      double m = *std::max_element(s, s + n), sum = 0;
      for (int k = 0; k < n; ++k) sum += (s[k] = std::exp(s[k] - m));
      for (int k = 0; k < n; ++k) s[k] /= sum;
      return;
    }
  }
}

Eigen::MatrixXd probabilities(const Eigen::MatrixXd& scores, Link link, int n_classes) {
  Eigen::MatrixXd out(scores.rows(), n_classes);
  std::vector<double> row(static_cast<size_t>(scores.cols()));
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    for (Eigen::Index j = 0; j < scores.cols(); ++j) row[static_cast<size_t>(j)] = scores(i, j);
    apply_link(link, static_cast<int>(row.size()), row.data());
    if (row.size() == 1) {
      out(i, 1) = row[0];
      out(i, 0) = 1.0 - row[0];
    } else {
      for (int j = 0; j < n_classes; ++j) out(i, j) = row[static_cast<size_t>(j)];
    }
  }
  return out;
}

LinearEstimator::LinearEstimator(LinearWeights weights, Link link)
    : weights_(std::move(weights)), coef_rows_(weights_.coef), link_(link) {
  if (weights_.intercept.size() != weights_.coef.rows())
    invalid("linear model: intercept and coefficient rows differ");
}

Eigen::MatrixXd Estimator::decision_batch(const Eigen::MatrixXd& X) const {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = X;
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> out(X.rows(), n_outputs());
  for (Eigen::Index i = 0; i < X.rows(); ++i) decision(rows.row(i).data(), out.row(i).data());
  return out;
}

void Estimator::decision_rows(const double* x, std::size_t n, std::size_t row_length,
                              double* scores) const {
  const auto k = static_cast<std::size_t>(n_outputs());
  for (std::size_t i = 0; i < n; ++i) decision(x + i * row_length, scores + i * k);
}

Eigen::MatrixXd LinearEstimator::decision_batch(const Eigen::MatrixXd& X) const {
  Eigen::MatrixXd scores = X * weights_.coef.transpose();
  scores.rowwise() += weights_.intercept.transpose();
  return scores;
}

void LinearEstimator::contributions(const double* x, int group, double* out) const {
  const Eigen::Index p = coef_rows_.cols();
  const double* w = coef_rows_.data() + group * p;
  for (Eigen::Index j = 0; j < p; ++j) out[j] = w[j] * x[j];
  out[p] = weights_.intercept[group];
}

void LinearEstimator::decision(const double* x, double* scores) const {
  const Eigen::Index p = coef_rows_.cols();
  for (Eigen::Index k = 0; k < coef_rows_.rows(); ++k) {
    const double* w = coef_rows_.data() + k * p;
    double s = weights_.intercept[k];
    for (Eigen::Index j = 0; j < p; ++j) s += w[j] * x[j];
    scores[k] = s;
  }
}

nlohmann::json LinearEstimator::to_json() const {
  nlohmann::json coef = nlohmann::json::array();
  for (Eigen::Index k = 0; k < coef_rows_.rows(); ++k)
    coef.push_back(std::vector<double>(coef_rows_.data() + k * coef_rows_.cols(),
                                       coef_rows_.data() + (k + 1) * coef_rows_.cols()));
  return {{"type", "linear"},
          {"link", to_string(link_)},
          {"coef", coef},
          {"intercept", std::vector<double>(weights_.intercept.data(),
                                            weights_.intercept.data() + weights_.intercept.size())},
          {"n_iter", weights_.n_iter},
          {"converged", weights_.converged}};
}

std::unique_ptr<LinearEstimator> LinearEstimator::from_json(const nlohmann::json& j,
                                                            Eigen::Index n_features) {
  auto rows = j.at("coef").get<std::vector<std::vector<double>>>();
  auto intercept = j.at("intercept").get<std::vector<double>>();
  if (rows.empty() || rows.size() != intercept.size())
    invalid("model file: linear model needs one intercept per coefficient row");
  LinearWeights w;
  w.coef.resize(static_cast<Eigen::Index>(rows.size()), n_features);
  for (size_t k = 0; k < rows.size(); ++k) {
    if (static_cast<Eigen::Index>(rows[k].size()) != n_features || !all_finite(rows[k]))
      invalid("model file: coefficient row " + std::to_string(k) + " must have " +
              std::to_string(n_features) + " finite values");
    w.coef.row(static_cast<Eigen::Index>(k)) =
        Eigen::Map<Eigen::RowVectorXd>(rows[k].data(), n_features);
  }
  if (!all_finite(intercept)) invalid("model file: intercept must be finite");
  w.intercept =
      Eigen::Map<Eigen::VectorXd>(intercept.data(), static_cast<Eigen::Index>(intercept.size()));
  w.n_iter = j.contains("n_iter") ? checked_number<int>(j["n_iter"], "n_iter") : 0;
  w.converged = j.value("converged", true);
  return std::make_unique<LinearEstimator>(std::move(w),
                                           link_from_string(j.at("link").get<std::string>()));
}

std::unique_ptr<Estimator> estimator_from_json(const nlohmann::json& j, Eigen::Index n_features) {
  const auto type = j.at("type").get<std::string>();
  if (type == "linear") return LinearEstimator::from_json(j, n_features);
  if (type == "trees") return TreeEnsemble::from_json(j, n_features);
  if (type == "ensemble") return EnsembleEstimator::from_json(j, n_features);
  if (type == "kmeans") return KMeansEstimator::from_json(j, n_features);
  throw Error(sqlstate::kFeatureNotSupported, "model file: unknown estimator type \"" + type + "\"",
              "the model was written by a newer pg_automl");
}

}  // namespace automl
