// model.hpp — a trained model as it is stored, loaded and served.
//
// A Model is everything predict needs: the feature schema, the preprocessing fitted
// at training time, the estimator and, for classifiers, the labels. It serialises to
// one versioned JSON document (docs/model-format.md). The worker evaluates the model
// it parsed back from those bytes, and the extension serves the same bytes, so the
// metrics a user reads describe exactly what answers their queries.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "automl/estimator.hpp"
#include "automl/label_encoder.hpp"
#include "automl/standard_scaler.hpp"

namespace automl {

enum class Task { Classification, Regression };
const char* to_string(Task task);

class Model {
 public:
  static constexpr int kFormatVersion = 1;
  static constexpr const char* kFormatName = "pg_automl.model";

  Model(Task task, std::string algorithm, nlohmann::json hyperparams,
        std::vector<std::string> feature_names, std::string target, LabelEncoder labels,
        StandardScaler scaler, std::shared_ptr<const Estimator> estimator);

  // Throws Error 22023 for malformed documents and 0A000 for unknown format versions.
  static Model parse(std::string_view bytes);
  std::string serialize() const;

  Task task() const { return task_; }
  const std::string& algorithm() const { return algorithm_; }
  const nlohmann::json& hyperparams() const { return hyperparams_; }
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  const std::string& target() const { return target_; }
  const LabelEncoder& labels() const { return labels_; }
  const Estimator& estimator() const { return *estimator_; }
  const StandardScaler& scaler() const { return scaler_; }
  Eigen::Index n_features() const { return static_cast<Eigen::Index>(feature_names_.size()); }
  int n_classes() const { return labels_.size(); }

  // One row of n_features() raw values. Regression: the value. Classification: the
  // predicted class as LabelEncoder::numeric_value.
  double predict(const double* x) const;
  int predict_class(const double* x) const;
  // Classification only: n_classes() probabilities in labels().classes() order.
  void predict_proba(const double* x, double* out) const;

  Eigen::VectorXd predict_batch(const Eigen::MatrixXd& X) const;
  Eigen::VectorXi predict_class_batch(const Eigen::MatrixXd& X) const;
  Eigen::MatrixXd predict_proba_batch(const Eigen::MatrixXd& X) const;

 private:
  // Scores after the link; returns the number written (<= kMaxInlineOutputs uses the stack).
  void scores(const double* x, double* out) const;

  Task task_;
  std::string algorithm_;
  nlohmann::json hyperparams_;
  std::vector<std::string> feature_names_;
  std::string target_;
  LabelEncoder labels_;
  StandardScaler scaler_;
  std::shared_ptr<const Estimator> estimator_;
};

}  // namespace automl
