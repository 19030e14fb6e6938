// model.hpp — a trained model as it is stored, loaded and served.
//
// A Model is everything predict needs: the feature schema, the preprocessing fitted
// at training time, the estimator and, for classifiers, the labels. It serialises to
// one versioned JSON document (docs/model-format.md). The worker evaluates the model
// it parsed back from those bytes, and the extension serves the same bytes, so the
// metrics a user reads describe exactly what answers their queries.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "automl/estimator.hpp"
#include "automl/kmeans.hpp"
#include "automl/label_encoder.hpp"
#include "automl/preprocessor.hpp"
#include "automl/task.hpp"
#include "automl/values.hpp"

namespace automl {

class Model {
 public:
  static constexpr int kFormatVersion = 2;
  static constexpr const char* kFormatName = "pg_automl.model";

  // task: Classification, Regression or Clustering (a KMeansEstimator, and no target or
  // labels); taggers are CRFs (crf.hpp).
  Model(Task task, std::string algorithm, nlohmann::json hyperparams, std::string target,
        LabelEncoder labels, Preprocessor preprocessor, std::shared_ptr<const Estimator> estimator);

  // Reads format versions 1 and 2. Throws Error XX001 for malformed documents and
  // 0A000 for unknown format versions.
  static Model parse(std::string_view bytes);
  // The same with another reader of the document's "estimator" (serving_image.hpp),
  // called with it and the number of encoded features.
  using EstimatorReader =
      std::function<std::shared_ptr<const Estimator>(const nlohmann::json&, Eigen::Index)>;
  static Model parse(std::string_view bytes, const EstimatorReader& read_estimator);
  std::string serialize() const;
  // What serialize() writes, before dumping; without "estimator" for a caller that
  // writes its own (serving_image.hpp).
  nlohmann::json document(bool with_estimator = true) const;

  Task task() const { return task_; }
  const std::string& algorithm() const { return algorithm_; }
  const nlohmann::json& hyperparams() const { return hyperparams_; }
  // The input columns a caller supplies, in order (what automl.models.feature_names shows).
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  const std::vector<ColumnSchema>& inputs() const { return preprocessor_.inputs(); }
  const std::string& target() const { return target_; }
  const LabelEncoder& labels() const { return labels_; }
  const Estimator& estimator() const { return *estimator_; }
  const Preprocessor& preprocessor() const { return preprocessor_; }
  const std::string& feature_version() const { return preprocessor_.feature_version(); }
  Eigen::Index n_features() const { return static_cast<Eigen::Index>(feature_names_.size()); }
  int n_classes() const { return labels_.size(); }

  // One row of n_features() input values. Regression: the value. Classification: the
  // predicted class as LabelEncoder::numeric_value. Clustering: the index of the
  // nearest centre (0-based; the lower index on ties), which predict_class returns too.
  double predict(const InputValue* x) const;
  int predict_class(const InputValue* x) const;
  // Classification only: n_classes() probabilities in labels().classes() order.
  // Clustering models throw 0A000 (k-means assigns, it has no probabilities), regressors 22023.
  void predict_proba(const InputValue* x, double* out) const;

  // The same for a row of plain numbers (the float8[] path); NaN is a NULL. Throws
  // Error 22023 when the model has inputs that are not numbers.
  double predict(const double* x) const;
  int predict_class(const double* x) const;
  void predict_proba(const double* x, double* out) const;

  // n rows of n_features() plain numbers each, row-major (predict_batch): out[i] is
  // exactly what predict(row i) answers; proba: n × n_classes(). Rows are scored in
  // chunks, several at once through tree ensembles; interruptible between chunks.
  void predict_rows(const double* x, std::size_t n, double* out) const;
  void predict_proba_rows(const double* x, std::size_t n, double* out) const;

  // Why the model answers what it does for one row: per encoded feature, the
  // contribution to the raw score of the explained output (coefficient × scaled value
  // for linear models, SHAP values for trees), plus the bias; they sum to the raw
  // score. Classifiers explain the predicted class (binary: the score of classes[1]).
  // Clustering models explain the assigned cluster (output): per feature
  // (x − r)² − (x − c)² for the assigned centre c and the nearest other centre r, bias
  // 0; raw_score, their sum, is how much nearer x is to c than to r (0 with one cluster).
  struct Explanation {
    int output = 0;                     // index into labels().classes() (classifiers), else 0
    std::vector<double> contributions;  // one per preprocessor().output_names()
    double bias = 0;
    double raw_score = 0;
  };
  Explanation explain(const InputValue* x) const;

  // Whole datasets (training and evaluation), through the same preprocessing.
  Eigen::VectorXd predict_batch(const Dataset& data, const std::vector<Eigen::Index>& rows) const;
  Eigen::VectorXi predict_class_batch(const Dataset& data,
                                      const std::vector<Eigen::Index>& rows) const;
  Eigen::MatrixXd predict_proba_batch(const Dataset& data,
                                      const std::vector<Eigen::Index>& rows) const;
  // The same from rows already preprocessed by preprocessor() (training metrics).
  Eigen::VectorXd predict_features(const Eigen::MatrixXd& features) const;
  Eigen::MatrixXd predict_proba_features(const Eigen::MatrixXd& features) const;
  // The predicted class index of each row of probabilities (binary: P(1) > 0.5).
  static Eigen::VectorXi classes_of(const Eigen::MatrixXd& proba);

 private:
  const KMeansEstimator& kmeans() const;  // clustering models
  void no_probabilities() const;          // throws unless a classifier

  // Scores after the link, from preprocessed features.
  void scores(const double* features, double* out) const;
  template <typename Row>
  void scores_of_row(const Row& x, double* out) const;
  // predict, predict_class and predict_proba for InputValues or plain numbers.
  template <typename Row>
  double predict_row(Row x) const;
  template <typename Row>
  int predict_class_row(Row x) const;
  template <typename Row>
  void predict_proba_row(Row x, double* out) const;
  void require_numbers_only() const;
  // Scores after the link of n numeric rows, a chunk at a time: use(first, m, scores).
  template <typename F>
  void scores_of_rows(const double* x, std::size_t n, F&& use) const;

  Task task_;
  std::string algorithm_;
  nlohmann::json hyperparams_;
  std::vector<std::string> feature_names_;
  std::string target_;
  LabelEncoder labels_;
  Preprocessor preprocessor_;
  std::shared_ptr<const Estimator> estimator_;
};

}  // namespace automl
