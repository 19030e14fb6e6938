// model.cpp — serving a trained model, and its versioned JSON file format.
#include "automl/model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>

#include "automl/error.hpp"
#include "automl/kmeans.hpp"
#include "automl/standard_scaler.hpp"

namespace automl {
namespace {

// Largest class count served without a heap allocation per prediction.
constexpr int kMaxInlineOutputs = 64;

// The task of a model file: a tagger is not a Model.
Task model_task(const std::string& name) {
  const std::optional<Task> task = task_from_name(name);
  if (!task || *task == Task::Tagging) invalid("model file: unknown task \"" + name + "\"");
  return *task;
}

}  // namespace

Model::Model(Task task, std::string algorithm, nlohmann::json hyperparams, std::string target,
             LabelEncoder labels, Preprocessor preprocessor,
             std::shared_ptr<const Estimator> estimator)
    : task_(task),
      algorithm_(std::move(algorithm)),
      hyperparams_(std::move(hyperparams)),
      target_(std::move(target)),
      labels_(std::move(labels)),
      preprocessor_(std::move(preprocessor)),
      estimator_(std::move(estimator)) {
  for (const auto& input : preprocessor_.inputs()) feature_names_.push_back(input.name);
  const int outputs = estimator_->n_outputs();
  if (outputs < 1 || outputs > kMaxInlineOutputs * 16)
    invalid("model has an unsupported number of outputs (" + std::to_string(outputs) + ")");
  const bool kmeans = dynamic_cast<const KMeansEstimator*>(estimator_.get()) != nullptr;
  if (task_ == Task::Clustering || kmeans) {
    if (task_ != Task::Clustering || !kmeans)
      invalid("model file: a kmeans estimator serves clustering models, and only it");
  } else if (task_ == Task::Classification) {
    bool binary = estimator_->link() == Link::Sigmoid && outputs == 1 && n_classes() == 2;
    bool multi = estimator_->link() == Link::Softmax && outputs == n_classes() && outputs > 2;
    if (!binary && !multi) invalid("model file: classifier outputs do not match its classes");
  } else if (outputs != 1 || estimator_->link() != Link::Identity) {
    invalid("model file: a regressor has exactly one identity output");
  }
}

void Model::scores(const double* features, double* out) const {
  estimator_->decision(features, out);
  apply_link(estimator_->link(), estimator_->n_outputs(), out);
}

// Preprocesses one row (on the stack for usual widths) and scores it. A row is
// InputValues, or plain doubles for a model that takes numbers only.
template <typename Row>
void Model::scores_of_row(const Row& x, double* out) const {
  const Eigen::Index p = preprocessor_.n_outputs();
  double inline_row[kMaxInlineOutputs * 4];
  std::vector<double> heap_row;
  double* features = inline_row;
  if (p > kMaxInlineOutputs * 4) {
    heap_row.resize(static_cast<size_t>(p));
    features = heap_row.data();
  }
  if constexpr (std::is_same_v<Row, const double*>)
    preprocessor_.transform_numbers(x, features);
  else
    preprocessor_.transform_row(x, features);
  scores(features, out);
}

void Model::require_numbers_only() const {
  if (!preprocessor_.takes_numbers_only())
    for (const auto& input : preprocessor_.inputs())
      if (input.type != ColumnType::Numeric && input.type != ColumnType::Boolean)
        invalid("the model takes named features: its input \"" + input.name + "\" is " +
                    to_string(input.type),
                "pass the features as jsonb or as a row");
}

template <typename Row>
double Model::predict_row(Row x) const {
  if (task_ == Task::Regression) {
    double y;
    scores_of_row(x, &y);
    return y;
  }
  if (task_ == Task::Clustering) return predict_class_row(x);
  return labels_.numeric_value(predict_class_row(x));
}

// Classifiers: the class of the highest probability (binary: P(1) > 0.5). Clustering:
// the highest score, the negated squared distance, i.e. the nearest centre.
template <typename Row>
int Model::predict_class_row(Row x) const {
  if (task_ == Task::Regression) invalid("the model is a regressor; it has no classes");
  const int k = estimator_->n_outputs();
  std::vector<double> heap;
  double inline_out[kMaxInlineOutputs];
  double* out =
      k > kMaxInlineOutputs ? (heap.resize(static_cast<size_t>(k)), heap.data()) : inline_out;
  scores_of_row(x, out);
  if (k == 1) return task_ == Task::Classification && out[0] > 0.5 ? 1 : 0;
  return static_cast<int>(std::max_element(out, out + k) - out);
}

template <typename Row>
void Model::predict_proba_row(Row x, double* out) const {
  no_probabilities();
  if (estimator_->n_outputs() == 1) {
    scores_of_row(x, out + 1);
    out[0] = 1.0 - out[1];
    return;
  }
  scores_of_row(x, out);
}

double Model::predict(const InputValue* x) const { return predict_row(x); }
int Model::predict_class(const InputValue* x) const { return predict_class_row(x); }
void Model::predict_proba(const InputValue* x, double* out) const { predict_proba_row(x, out); }

// The float8[] path: plain numbers, for models whose inputs are all numbers.
double Model::predict(const double* x) const {
  require_numbers_only();
  return predict_row(x);
}
int Model::predict_class(const double* x) const {
  require_numbers_only();
  return predict_class_row(x);
}
void Model::predict_proba(const double* x, double* out) const {
  require_numbers_only();
  predict_proba_row(x, out);
}

const KMeansEstimator& Model::kmeans() const {
  return static_cast<const KMeansEstimator&>(*estimator_);  // the constructor checked it
}

void Model::no_probabilities() const {
  if (task_ == Task::Clustering)
    throw Error(sqlstate::kFeatureNotSupported,
                "predict_proba is not defined for clustering models", "",
                "automl.predict returns the index of the nearest cluster");
  if (task_ != Task::Classification)
    invalid("the model is a regressor; predict_proba needs a classifier");
}

Model::Explanation Model::explain(const InputValue* x) const {
  const Eigen::Index p = preprocessor_.n_outputs();
  std::vector<double> features(static_cast<size_t>(p));
  preprocessor_.transform_row(x, features.data());
  const int k = estimator_->n_outputs();
  std::vector<double> raw(static_cast<size_t>(k));
  estimator_->decision(features.data(), raw.data());
  Explanation e;
  const int group =
      k == 1 ? 0 : static_cast<int>(std::max_element(raw.begin(), raw.end()) - raw.begin());
  if (task_ == Task::Classification) e.output = k == 1 ? 1 : group;
  if (task_ == Task::Clustering) e.output = group;  // the nearest centre
  std::vector<double> phi(static_cast<size_t>(p) + 1);
  estimator_->contributions(features.data(), group, phi.data());
  e.bias = phi.back();
  phi.pop_back();
  e.contributions = std::move(phi);
  // A cluster's contributions sum to its margin over the runner-up centre.
  e.raw_score = task_ == Task::Clustering
                    ? std::accumulate(e.contributions.begin(), e.contributions.end(), e.bias)
                    : raw[static_cast<size_t>(group)];
  return e;
}

Eigen::VectorXd Model::predict_batch(const Dataset& data,
                                     const std::vector<Eigen::Index>& rows) const {
  if (task_ == Task::Regression)
    return estimator_->decision_batch(preprocessor_.transform(data, rows)).col(0);
  if (task_ == Task::Clustering) return predict_class_batch(data, rows).cast<double>();
  const Eigen::VectorXi classes = predict_class_batch(data, rows);
  Eigen::VectorXd out(classes.size());
  for (Eigen::Index i = 0; i < classes.size(); ++i) out[i] = labels_.numeric_value(classes[i]);
  return out;
}

Eigen::MatrixXd Model::predict_proba_batch(const Dataset& data,
                                           const std::vector<Eigen::Index>& rows) const {
  return predict_proba_features(preprocessor_.transform(data, rows));
}

Eigen::VectorXd Model::predict_features(const Eigen::MatrixXd& features) const {
  if (task_ != Task::Regression) invalid("predict_features is for regressors");
  return estimator_->decision_batch(features).col(0);
}

Eigen::MatrixXd Model::predict_proba_features(const Eigen::MatrixXd& features) const {
  no_probabilities();
  return probabilities(estimator_->decision_batch(features), estimator_->link(), n_classes());
}

Eigen::VectorXi Model::predict_class_batch(const Dataset& data,
                                           const std::vector<Eigen::Index>& rows) const {
  if (task_ == Task::Clustering) return kmeans().nearest_batch(preprocessor_.transform(data, rows));
  return classes_of(predict_proba_batch(data, rows));
}

Eigen::VectorXi Model::classes_of(const Eigen::MatrixXd& proba) {
  Eigen::VectorXi out(proba.rows());
  for (Eigen::Index i = 0; i < proba.rows(); ++i) {
    Eigen::Index best;
    proba.row(i).maxCoeff(&best);
    // Binary: class 1 only when strictly above 0.5, as in predict_class.
    out[i] = proba.cols() == 2 ? (proba(i, 1) > 0.5 ? 1 : 0) : static_cast<int>(best);
  }
  return out;
}

std::string Model::serialize() const { return document().dump(); }

nlohmann::json Model::document(bool with_estimator) const {
  nlohmann::json j = {
      {"format", kFormatName},
      {"format_version", kFormatVersion},
      {"task", to_string(task_)},
      {"algorithm", algorithm_},
      {"hyperparams", hyperparams_},
      {"target", task_ == Task::Clustering ? nlohmann::json(nullptr) : nlohmann::json(target_)},
      {"feature_names", feature_names_},
      {"feature_version", feature_version()},
      {"encoded_features", preprocessor_.output_names()},
      {"preprocessing", preprocessor_.to_json()},
  };
  if (with_estimator) j["estimator"] = estimator_->to_json();
  if (task_ == Task::Classification)
    j["labels"] = {{"kind", to_string(labels_.kind())}, {"classes", labels_.classes()}};
  return j;
}

Model Model::parse(std::string_view bytes) {
  return parse(bytes, [](const nlohmann::json& j, Eigen::Index n_features) {
    return std::shared_ptr<const Estimator>(estimator_from_json(j, n_features));
  });
}

Model Model::parse(std::string_view bytes, const EstimatorReader& read_estimator) {
  nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw Error(sqlstate::kDataCorrupted, "model file is not a JSON object");
  // value() would throw json's type_error for a non-string: compare the JSON instead.
  if (j.contains("type") && j["type"] == "crf")
    throw Error(sqlstate::kInvalidParameterValue, "this is a tagging model (a CRF)",
                "tag text with automl.tag(project, text)");
  if (!j.contains("format") || j["format"] != kFormatName)
    throw Error(sqlstate::kDataCorrupted,
                "model file does not have format \"" + std::string(kFormatName) + "\"");
  const auto version_it = j.find("format_version");
  if (version_it == j.end() || !version_it->is_number_integer())
    throw Error(sqlstate::kDataCorrupted, "model file has no integer format_version");
  const long long version = version_it->get<long long>();
  if (version != 1 && version != kFormatVersion)
    throw Error(sqlstate::kFeatureNotSupported,
                "model format version " + version_it->dump() + " is not supported",
                "this pg_automl reads format versions 1 to " + std::to_string(kFormatVersion));
  try {
    auto task = model_task(j.at("task").get<std::string>());
    Preprocessor preprocessor;
    if (version == 1) {  // numeric features and a standard scaler
      auto features = j.at("feature_names").get<std::vector<std::string>>();
      if (features.empty()) invalid("model file: no features");
      const auto scaler = StandardScaler::from_json(j.at("preprocessing").at("standard_scaler"),
                                                    static_cast<Eigen::Index>(features.size()));
      preprocessor =
          Preprocessor::numeric_scaler(std::move(features), scaler.mean(), scaler.scale());
    } else {
      preprocessor = Preprocessor::from_json(j.at("preprocessing"));
      if (j.at("feature_names").get<std::vector<std::string>>().size() !=
          preprocessor.inputs().size())
        invalid("model file: feature_names do not match the preprocessing inputs");
    }
    LabelEncoder labels;
    if (task == Task::Classification) {
      const auto& l = j.at("labels");
      labels = LabelEncoder(l.at("classes").get<std::vector<std::string>>(),
                            value_kind_from_string(l.at("kind").get<std::string>()));
      if (labels.size() < 2) invalid("model file: a classifier needs at least two classes");
    }
    auto estimator = read_estimator(j.at("estimator"), preprocessor.n_outputs());
    const auto target = j.find("target");  // null for clustering
    return Model(task, j.at("algorithm").get<std::string>(),
                 j.value("hyperparams", nlohmann::json::object()),
                 target == j.end() || target->is_null() ? "" : target->get<std::string>(),
                 std::move(labels), std::move(preprocessor), std::move(estimator));
  } catch (const nlohmann::json::exception& e) {
    throw Error(sqlstate::kDataCorrupted, std::string("model file is malformed: ") + e.what());
  } catch (const Error& e) {
    if (e.sqlstate() == std::string(sqlstate::kFeatureNotSupported)) throw;
    throw Error(sqlstate::kDataCorrupted, e.what(), e.detail());
  }
}

}  // namespace automl
