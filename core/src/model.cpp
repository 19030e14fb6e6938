// model.cpp — serving a trained model, and its versioned JSON file format.
#include "automl/model.hpp"

#include <algorithm>
#include <cmath>

#include "automl/error.hpp"

namespace automl {
namespace {

// Largest class count served without a heap allocation per prediction.
constexpr int kMaxInlineOutputs = 64;

void apply_link(Link link, int n, double* s) {
  switch (link) {
    case Link::Identity: return;
    case Link::Sigmoid: {
      // Binary: one score becomes P(class 1); callers expand it to two columns.
      s[0] = s[0] >= 0 ? 1.0 / (1.0 + std::exp(-s[0])) : std::exp(s[0]) / (1.0 + std::exp(s[0]));
      return;
    }
    case Link::Softmax: {
      double m = *std::max_element(s, s + n), sum = 0;
      for (int k = 0; k < n; ++k) sum += (s[k] = std::exp(s[k] - m));
      for (int k = 0; k < n; ++k) s[k] /= sum;
      return;
    }
  }
}

Task task_from_string(const std::string& name) {
  if (name == "classification") return Task::Classification;
  if (name == "regression") return Task::Regression;
  invalid("model file: unknown task \"" + name + "\"");
}

}  // namespace

const char* to_string(Task task) {
  return task == Task::Classification ? "classification" : "regression";
}

Model::Model(Task task, std::string algorithm, nlohmann::json hyperparams,
             std::vector<std::string> feature_names, std::string target, LabelEncoder labels,
             StandardScaler scaler, std::shared_ptr<const Estimator> estimator)
    : task_(task),
      algorithm_(std::move(algorithm)),
      hyperparams_(std::move(hyperparams)),
      feature_names_(std::move(feature_names)),
      target_(std::move(target)),
      labels_(std::move(labels)),
      scaler_(std::move(scaler)),
      estimator_(std::move(estimator)) {
  const int outputs = estimator_->n_outputs();
  if (outputs < 1 || outputs > kMaxInlineOutputs * 16)
    invalid("model has an unsupported number of outputs (" + std::to_string(outputs) + ")");
  if (task_ == Task::Classification) {
    bool binary = estimator_->link() == Link::Sigmoid && outputs == 1 && n_classes() == 2;
    bool multi = estimator_->link() == Link::Softmax && outputs == n_classes() && outputs > 2;
    if (!binary && !multi) invalid("model file: classifier outputs do not match its classes");
  } else if (outputs != 1 || estimator_->link() != Link::Identity) {
    invalid("model file: a regressor has exactly one identity output");
  }
}

void Model::scores(const double* x, double* out) const {
  const Eigen::Index p = n_features();
  double inline_row[kMaxInlineOutputs * 4];
  std::vector<double> heap_row;
  double* scaled = inline_row;
  if (p > kMaxInlineOutputs * 4) {
    heap_row.resize(static_cast<size_t>(p));
    scaled = heap_row.data();
  }
  scaler_.transform_row(x, scaled);
  estimator_->decision(scaled, out);
  apply_link(estimator_->link(), estimator_->n_outputs(), out);
}

double Model::predict(const double* x) const {
  if (task_ == Task::Regression) {
    double y;
    scores(x, &y);
    return y;
  }
  return labels_.numeric_value(predict_class(x));
}

int Model::predict_class(const double* x) const {
  if (task_ != Task::Classification) invalid("the model is a regressor; it has no classes");
  const int k = estimator_->n_outputs();
  std::vector<double> heap;
  double inline_out[kMaxInlineOutputs];
  double* out = k > kMaxInlineOutputs ? (heap.resize(static_cast<size_t>(k)), heap.data()) : inline_out;
  scores(x, out);
  if (k == 1) return out[0] > 0.5 ? 1 : 0;
  return static_cast<int>(std::max_element(out, out + k) - out);
}

void Model::predict_proba(const double* x, double* out) const {
  if (task_ != Task::Classification)
    invalid("the model is a regressor; predict_proba needs a classifier");
  if (estimator_->n_outputs() == 1) {
    scores(x, out + 1);
    out[0] = 1.0 - out[1];
    return;
  }
  scores(x, out);
}

Eigen::VectorXd Model::predict_batch(const Eigen::MatrixXd& X) const {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = X;
  Eigen::VectorXd out(X.rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) out[i] = predict(rows.row(i).data());
  return out;
}

Eigen::VectorXi Model::predict_class_batch(const Eigen::MatrixXd& X) const {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = X;
  Eigen::VectorXi out(X.rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) out[i] = predict_class(rows.row(i).data());
  return out;
}

Eigen::MatrixXd Model::predict_proba_batch(const Eigen::MatrixXd& X) const {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = X;
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> out(X.rows(), n_classes());
  for (Eigen::Index i = 0; i < X.rows(); ++i) predict_proba(rows.row(i).data(), out.row(i).data());
  return out;
}

std::string Model::serialize() const {
  nlohmann::json j = {
      {"format", kFormatName},
      {"format_version", kFormatVersion},
      {"task", to_string(task_)},
      {"algorithm", algorithm_},
      {"hyperparams", hyperparams_},
      {"target", target_},
      {"feature_names", feature_names_},
      {"preprocessing", {{"standard_scaler", scaler_.to_json()}}},
      {"estimator", estimator_->to_json()},
  };
  if (task_ == Task::Classification)
    j["labels"] = {{"kind", to_string(labels_.kind())}, {"classes", labels_.classes()}};
  return j.dump();
}

Model Model::parse(std::string_view bytes) {
  nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw Error(sqlstate::kDataCorrupted, "model file is not a JSON object");
  if (j.value("format", "") != kFormatName)
    throw Error(sqlstate::kDataCorrupted, "model file does not have format \"" +
                                              std::string(kFormatName) + "\"");
  const auto version_it = j.find("format_version");
  if (version_it == j.end() || !version_it->is_number_integer())
    throw Error(sqlstate::kDataCorrupted, "model file has no integer format_version");
  if (version_it->get<long long>() != kFormatVersion)
    throw Error(sqlstate::kFeatureNotSupported,
                "model format version " + version_it->dump() + " is not supported",
                "this pg_automl reads format version " + std::to_string(kFormatVersion));
  try {
    auto task = task_from_string(j.at("task").get<std::string>());
    auto features = j.at("feature_names").get<std::vector<std::string>>();
    if (features.empty()) invalid("model file: no features");
    const auto n = static_cast<Eigen::Index>(features.size());
    LabelEncoder labels;
    if (task == Task::Classification) {
      const auto& l = j.at("labels");
      labels = LabelEncoder(l.at("classes").get<std::vector<std::string>>(),
                            value_kind_from_string(l.at("kind").get<std::string>()));
      if (labels.size() < 2) invalid("model file: a classifier needs at least two classes");
    }
    return Model(task, j.at("algorithm").get<std::string>(), j.value("hyperparams", nlohmann::json::object()),
                 std::move(features), j.value("target", ""), std::move(labels),
                 StandardScaler::from_json(j.at("preprocessing").at("standard_scaler"), n),
                 estimator_from_json(j.at("estimator"), n));
  } catch (const nlohmann::json::exception& e) {
    throw Error(sqlstate::kDataCorrupted, std::string("model file is malformed: ") + e.what());
  } catch (const Error& e) {
    if (e.sqlstate() == std::string(sqlstate::kFeatureNotSupported)) throw;
    throw Error(sqlstate::kDataCorrupted, e.what(), e.detail());
  }
}

}  // namespace automl
