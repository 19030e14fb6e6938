// global_importance.cpp — which input columns a model leans on, over the rows it was
// evaluated on: mean |SHAP value| per column for trees (shap's summary bar chart),
// mean |coefficient × scaled value| for linear models (|coefficient| × spread) and
// the weighted mix of both for ensembles; for k-means, mean |margin contribution| of
// each row's assignment (KMeansEstimator::contributions).
#include <algorithm>
#include <cmath>
#include <map>

#include "automl/evaluation.hpp"
#include "automl/kmeans.hpp"
#include "automl/model.hpp"
#include "automl/tree_ensemble.hpp"

namespace automl {
namespace {

// TreeSHAP costs trees × leaves × depth² per row: a uniform sample of this many rows
// gives importances within a few per cent of all rows' at a bounded cost.
constexpr size_t kMaxImportanceRows = 1000;

}  // namespace

nlohmann::json global_importance(const Model& model, const Dataset& data,
                                 const std::vector<Eigen::Index>& rows) {
  const std::vector<Eigen::Index> sample = evenly_spaced(rows, kMaxImportanceRows);
  const Eigen::MatrixXd X = model.preprocessor().transform(data, sample);
  const Estimator& estimator = model.estimator();
  const int groups = estimator.n_outputs();
  const Eigen::Index p = X.cols();
  std::vector<double> total(static_cast<size_t>(p), 0.0), phi(static_cast<size_t>(p) + 1);
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows_major = X;
  // A clustering model explains each row's own cluster only (its margin over the
  // runner-up centre): k outputs would cost k times as much and say nothing more.
  const auto* kmeans = dynamic_cast<const KMeansEstimator*>(&estimator);
  for (Eigen::Index i = 0; i < rows_major.rows(); ++i) {
    const double* row = rows_major.row(i).data();
    const int first = kmeans ? kmeans->nearest(row) : 0, last = kmeans ? first + 1 : groups;
    for (int g = first; g < last; ++g) {
      estimator.contributions(row, g, phi.data());
      for (Eigen::Index j = 0; j < p; ++j)
        total[static_cast<size_t>(j)] += std::abs(phi[static_cast<size_t>(j)]);
    }
  }
  // Summed over the encoded features of each input column; ratio features by name.
  const auto& sources = model.preprocessor().output_sources();
  const auto& names = model.preprocessor().output_names();
  std::vector<std::pair<std::string, double>> by_input;
  std::map<std::string, size_t> index;
  for (const ColumnSchema& c : model.inputs())
    index.emplace(c.name, by_input.size()), by_input.push_back({c.name, 0.0});
  for (Eigen::Index j = 0; j < p; ++j) {
    const int source = sources[static_cast<size_t>(j)];
    const std::string& name = source >= 0 ? model.inputs()[static_cast<size_t>(source)].name
                                          : names[static_cast<size_t>(j)];
    auto [it, added] = index.emplace(name, by_input.size());
    if (added) by_input.push_back({name, 0.0});
    by_input[it->second].second += total[static_cast<size_t>(j)];
  }
  double sum = 0;
  for (const auto& entry : by_input) sum += entry.second;
  std::stable_sort(by_input.begin(), by_input.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, value] : by_input)
    list.push_back({{"feature", name}, {"importance", sum > 0 ? value / sum : 0.0}});
  const bool trees = dynamic_cast<const TreeEnsemble*>(&estimator) != nullptr;
  return {{"feature_importance", list},
          {"importance_method", trees ? "mean_abs_shap" : "mean_abs_contribution"},
          {"importance_rows", sample.size()}};
}

}  // namespace automl
