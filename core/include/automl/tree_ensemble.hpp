// tree_ensemble.hpp — gradient-boosted trees and random forests, served from flat
// arrays.
//
// Training happens in the worker through libxgboost (core/train/); serving must
// not load libxgboost and its OpenMP threads into a PostgreSQL backend, so the
// trained booster's JSON dump is converted into this compact evaluator. It follows
// XGBoost's prediction rules exactly: features compared as float32, `x < threshold`
// goes left, a missing value (NaN) follows the node's default direction, each
// tree's leaf adds to the margin of its output group, plus the base margin.
// Predictions walk a FlatForest compiled from the trees at load; explanations, the
// stored JSON and the image (a model shared between backends) use the trees' arrays.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "automl/estimator.hpp"
#include "automl/flat_forest.hpp"

namespace automl {

class TreeEnsemble final : public Estimator {
 public:
  struct Tree {
    int group = 0;                   // output (class) this tree adds to
    std::vector<std::int32_t> left;  // -1 marks a leaf
    std::vector<std::int32_t> right;
    std::vector<std::int32_t> feature;
    std::vector<float> threshold;
    std::vector<std::uint8_t> default_left;
    std::vector<double> value;  // leaf value (internal nodes: unused)
    std::vector<double> cover;  // sum of hessians per node, for SHAP
    int depth = 0;              // levels below the root, measured at load
  };
  // Deeper trees are refused at load (trained ones have max_depth <= 30): bounds
  // recursion and TreeSHAP's depth² memory whatever a model file says.
  static constexpr int kMaxDepth = 64;

  TreeEnsemble(std::vector<Tree> trees, std::vector<double> base_margin, Link link,
               Eigen::Index n_features);

  // From XGBoost's JSON model (XGBoosterSaveModelToBuffer with {"format": "json"}).
  // Supports the objectives pg_automl trains: reg:squarederror, binary:logistic,
  // multi:softprob. Throws Error 22023 for anything else or a malformed document.
  static TreeEnsemble from_xgboost_json(const nlohmann::json& model, Eigen::Index n_features);

  int n_outputs() const override { return static_cast<int>(base_margin_.size()); }
  Link link() const override { return link_; }
  void decision(const double* x, double* scores) const override;
  Eigen::MatrixXd decision_batch(const Eigen::MatrixXd& X) const override;
  // Several rows walk each tree together (FlatForest::add_margins_rows).
  void decision_rows(const double* x, std::size_t n, std::size_t row_length,
                     double* scores) const override;
  nlohmann::json to_json() const override;
  // A byte image of what predictions need (the compiled trees, base margins, link),
  // loaded without parsing JSON or compiling (the image of a model shared between
  // backends, serving_image.hpp). This machine's layout: never stored, only handed
  // between processes of one server. With an owner of the bytes, the compiled trees
  // are read in place (FlatForest::from_image).
  std::string image() const;
  static std::unique_ptr<TreeEnsemble> from_image(
      const char* bytes, std::size_t size, Eigen::Index n_features,
      std::shared_ptr<const void> bytes_owner = nullptr);
  static std::unique_ptr<TreeEnsemble> from_json(const nlohmann::json& j, Eigen::Index n_features);

  // SHAP values (Lundberg's TreeSHAP, XGBoost's pred_contribs): for output `group`,
  // n_features contributions plus the bias in out[n_features]; they sum to the margin.
  void contributions(const double* x, int group, double* out) const override;
  // Total gain-free importance: how often each feature splits, normalised to sum 1.
  std::vector<double> split_importance() const;

  size_t n_trees() const { return flat_.n_trees(); }
  const FlatForest& flat() const { return flat_; }
  // XGBoost's arrays (explain, to_json, importance). An ensemble loaded from an image
  // has none: it throws Error XX000, and whoever explains loads the model's file.
  const std::vector<Tree>& trees() const;
  bool predictions_only() const { return predictions_only_; }
  const std::vector<double>& base_margin() const { return base_margin_; }

 private:
  std::vector<Tree> trees_;
  std::vector<double> base_margin_;
  Link link_;
  Eigen::Index n_features_;
  FlatForest flat_;                // what decision walks
  bool predictions_only_ = false;  // from an image: no arrays, trees() throws

  TreeEnsemble(std::vector<Tree> trees, std::vector<double> base_margin, Link link,
               Eigen::Index n_features, FlatForest flat);
  void start_sums(float* sums) const;
};

}  // namespace automl
