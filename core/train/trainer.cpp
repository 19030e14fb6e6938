// trainer.cpp — one training run: choose the task, encode the target, split,
// preprocess, search (search_driver.cpp) or cross-validate (optional), fit, and
// evaluate the model parsed back from the bytes that will be stored and served.
#include "automl/trainer.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "automl/algorithms.hpp"
#include "automl/error.hpp"
#include "automl/evaluation.hpp"
#include "automl/metrics.hpp"
#include "automl/split.hpp"
#include "clustering.hpp"
#include "cross_validation.hpp"
#include "fit_estimator.hpp"
#include "memory_limit.hpp"
#include "search_driver.hpp"
#include "task_detection.hpp"

namespace automl {
namespace {

Eigen::VectorXd numeric_target(const Dataset& data) {
  Eigen::VectorXd y(data.rows());
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    const std::string& text = data.target[static_cast<size_t>(i)];
    char* end = nullptr;
    y[i] = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(y[i]))
      throw Error(
          sqlstate::kInvalidTextRepresentation,
          "target column \"" + data.target_name + "\" must be a finite number for regression",
          "row " + std::to_string(i + 1) + " has \"" + text + "\"");
  }
  return y;
}

// Clustering data has no target (Dataset::rows() then counts the columns' rows).
void check_data(const Dataset& data, bool clustering) {
  if (clustering ? data.rows() == 0 : data.target.empty())
    invalid("the relation has no usable rows",
            clustering ? "" : "rows whose target is NULL are skipped");
  if (data.columns.empty())
    invalid(clustering ? "the relation has no columns to cluster on"
                       : "the relation has no feature columns besides the target");
  for (const Column& c : data.columns) {
    const size_t expected =
        c.schema.type == ColumnType::NumericArray
            ? static_cast<size_t>(data.rows()) * static_cast<size_t>(c.schema.width)
            : static_cast<size_t>(data.rows());
    const size_t have =
        c.schema.type == ColumnType::Categorical ? c.texts.size() : c.numbers.size();
    if (c.schema.type == ColumnType::NumericArray && c.schema.width == 0)
      invalid("array column \"" + c.schema.name + "\" has no non-NULL value",
              "its width cannot be known");
    if (have != expected)
      throw Error(sqlstate::kInternalError,
                  "column \"" + c.schema.name + "\" has the wrong length");
    if (c.schema.type != ColumnType::Categorical)
      for (double x : c.numbers)
        if (std::isinf(x)) invalid("column \"" + c.schema.name + "\" has an infinite value");
  }
}

Eigen::VectorXi class_counts(const Eigen::VectorXi& y, int n_classes) {
  Eigen::VectorXi counts = Eigen::VectorXi::Zero(n_classes);
  for (Eigen::Index i = 0; i < y.size(); ++i) ++counts[y[i]];
  return counts;
}

// The target as the learner sees it: class indices and their labels, or numbers.
struct EncodedTarget {
  LabelEncoder labels;
  Eigen::VectorXi classes;
  Eigen::VectorXd values;

  // What the preprocessing's target encoding learns from.
  EncodingTarget for_encoding(std::uint64_t seed) const {
    EncodingTarget t;
    if (classes.size()) {
      t.classes = classes.data();
      t.n_classes = labels.size();
    } else {
      t.values = values.data();
    }
    t.seed = seed;
    return t;
  }
};

EncodedTarget encode_target(const Dataset& data, Task task) {
  EncodedTarget t;
  if (task != Task::Classification) {
    t.values = numeric_target(data);
    return t;
  }
  t.labels = LabelEncoder::fit(data.target, data.target_kind);
  if (t.labels.size() < 2)
    invalid("target column \"" + data.target_name + "\" has only one class",
            "class \"" + t.labels.classes().front() + "\"; classification needs at least two");
  t.classes = t.labels.encode(data.target);
  // A stratified split needs every class on both sides.
  const Eigen::VectorXi counts = class_counts(t.classes, t.labels.size());
  for (int k = 0; k < t.labels.size(); ++k)
    if (counts[k] < 2)
      invalid("class \"" + t.labels.classes()[static_cast<size_t>(k)] + "\" of target column \"" +
                  data.target_name + "\" has only one row",
              "each class needs at least two rows for a stratified train/test split; "
              "is the target really categorical?");
  return t;
}

// The rows train(..., split_column) names: held out where the column is true, the
// training rows where it is false (in the order read, as train_test_split's are).
TrainTestSplit split_by_column(const Dataset& data, const std::string& column) {
  if (data.held_out.size() != static_cast<size_t>(data.rows()))
    throw Error(sqlstate::kInternalError, "split_column \"" + column + "\" was not read");
  TrainTestSplit split;
  for (Eigen::Index i = 0; i < data.rows(); ++i)
    (data.held_out[static_cast<size_t>(i)] ? split.test : split.train).push_back(i);
  if (split.test.empty())
    invalid("split_column \"" + column + "\" holds no row out",
            "it is false on every row with a target", "mark the evaluation rows true");
  if (split.train.empty())
    invalid("split_column \"" + column + "\" leaves no row to train on",
            "it is true on every row with a target", "mark the training rows false");
  return split;
}

// The target's entries on each side of the split.
struct SplitTarget {
  Eigen::VectorXi cls_train, cls_test;
  Eigen::VectorXd reg_train, reg_test;
};

SplitTarget split_target(const EncodedTarget& target, const TrainTestSplit& split, bool classify) {
  SplitTarget y;
  if (!classify) {
    y.reg_train = take(target.values, split.train);
    y.reg_test = take(target.values, split.test);
    return y;
  }
  y.cls_train = take(target.classes, split.train);
  y.cls_test = take(target.classes, split.test);
  std::set<int> present(y.cls_train.data(), y.cls_train.data() + y.cls_train.size());
  if (present.size() < 2)
    invalid("the training split has only one class", "use a smaller test_size or more rows");
  return y;
}

void check_metric(const std::optional<std::string>& metric, Task task) {
  if (!metric) return;
  const bool ok = task == Task::Classification ? is_classification_metric(*metric)
                                               : is_regression_metric(*metric);
  if (!ok) invalid("metric \"" + *metric + "\" does not apply to " + to_string(task));
}

// The configuration to fit: the job's, or the search's best (with the rows the
// budget allows); the search and the folds' scores go into out.info.
std::vector<Eigen::Index> choose_configuration(const TrainSpec& spec,
                                               const Eigen::MatrixXd& X_train,
                                               const TrainTargets& targets,
                                               const std::string& metric,
                                               const TrainResources& resources,
                                               const ProgressReport& report, TrainOutcome& out) {
  const std::vector<Eigen::Index> all_train = sample_rows(
      static_cast<size_t>(X_train.rows()), static_cast<size_t>(X_train.rows()), spec.seed);
  std::vector<Eigen::Index> final_rows = all_train;
  if (spec.search != "none") {
    SearchResult searched = run_search(spec, {out.algorithm, out.hyperparams}, X_train, targets,
                                       metric, resources, report);
    out.algorithm = searched.best.algorithm;
    out.hyperparams = searched.best.hyperparams;
    final_rows = searched.final_rows;
    if (final_rows.size() < all_train.size()) out.info["final_fit_sample_rows"] = final_rows.size();
    out.info["search"] = searched.summary;
    out.info["trials"] = searched.trials;
  }
  if (spec.folds > 1) {
    const auto [mean, sd] = cross_validate({out.algorithm, out.hyperparams}, X_train, targets,
                                           all_train, spec.folds, metric, resources);
    out.info["cv"] = {{"folds", spec.folds}, {"metric", metric}, {"mean", mean}, {"std", sd}};
  }
  return final_rows;
}

// Metrics of the served model: on the raw held-out rows, and on the training split
// from the features computed for fitting. `evaluation` gets the numbers behind the
// report's charts, from the same rows and predictions as the metrics.
nlohmann::json evaluate(const Model& served, const Dataset& data, const TrainTestSplit& split,
                        const Eigen::MatrixXd& X_train, const SplitTarget& y,
                        nlohmann::json& evaluation) {
  const bool held_out = !split.test.empty();  // else test_size => 0: the rows it was trained on
  nlohmann::json metrics;
  if (served.task() == Task::Classification) {
    const Eigen::MatrixXd proba = held_out ? served.predict_proba_batch(data, split.test)
                                           : served.predict_proba_features(X_train);
    const Eigen::VectorXi& truth = held_out ? y.cls_test : y.cls_train;
    metrics = classification_metrics(truth, proba);
    evaluation = classification_evaluation(truth, proba, served.labels().classes());
    if (held_out)
      metrics["train_accuracy"] =
          accuracy(y.cls_train, Model::classes_of(served.predict_proba_features(X_train)));
  } else {
    const Eigen::VectorXd predicted =
        held_out ? served.predict_batch(data, split.test) : served.predict_features(X_train);
    const Eigen::VectorXd& truth = held_out ? y.reg_test : y.reg_train;
    metrics = regression_metrics(truth, predicted);
    evaluation = regression_evaluation(truth, predicted);
    if (held_out) metrics["train_r2"] = r2_score(y.reg_train, served.predict_features(X_train));
  }
  evaluation.update(global_importance(served, data, held_out ? split.test : split.train));
  return metrics;
}

// The stored evaluation's version, where it comes from, and the training data's profile.
void describe_evaluation(const Dataset& data, std::uint64_t seed, TrainOutcome& out) {
  out.evaluation["version"] = 1;
  out.evaluation["evaluated_on"] = out.metrics["evaluated_on"];
  out.evaluation["profile"] = column_profiles(data, sample_rows(data.rows(), data.rows(), seed),
                                              out.task != Task::Classification);
}

nlohmann::json describe(const Model& served, const Dataset& data, const TrainTestSplit& split,
                        const std::string& task_reason) {
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& c : served.inputs())
    inputs.push_back({{"name", c.name}, {"type", to_string(c.type)}, {"sql_type", c.sql_type}});
  return {{"rows", data.rows()},
          {"train_rows", split.train.size()},
          {"test_rows", split.test.size()},
          {"features", served.feature_names()},
          {"inputs", inputs},
          {"encoded_features", served.preprocessor().n_outputs()},
          {"feature_version", served.feature_version()},
          {"task", to_string(served.task())},
          {"task_reason", task_reason},
          {"algorithm", served.algorithm()}};
}

// Where the metrics come from: the held-out rows, cross-validation over every row
// (test_size => 0, folds >= 2), or the training rows themselves.
const char* evaluated_on(const TrainTestSplit& split, int folds) {
  if (!split.test.empty()) return "held_out";
  return folds > 1 ? "cross_validation" : "training_rows";
}

// The chosen configuration fitted again on every row, preprocessing included (what
// FLAML calls retrain_full): the model that is stored and served. Parsed back from its
// bytes before it is returned, like every stored model.
std::string refit_on_all_rows(const TrainSpec& spec, const Dataset& data,
                              const EncodedTarget& target, const TrainOutcome& out,
                              const TrainResources& resources) {
  const bool classify = out.task == Task::Classification;
  const std::vector<Eigen::Index> all = sample_rows(data.rows(), data.rows(), spec.seed);
  const EncodingTarget encoding = target.for_encoding(spec.seed);
  Preprocessor preprocessor = Preprocessor::fit(data, all, spec.preprocess, encoding);
  const Eigen::MatrixXd X = preprocessor.transform_training(data, all, encoding);
  const Fitted fitted = fit_estimator(out.algorithm, out.hyperparams, X,
                                      classify ? Eigen::VectorXd() : take(target.values, all),
                                      classify ? take(target.classes, all) : Eigen::VectorXi(),
                                      target.labels.size(), out.task, resources);
  const Model model(out.task, out.algorithm, out.hyperparams, data.target_name, target.labels,
                    std::move(preprocessor), fitted.estimator);
  std::string bytes = model.serialize();
  Model::parse(bytes);  // what is stored must load
  return bytes;
}

// Seconds of each phase of a run (result.phase_seconds): where a budget went.
class PhaseClock {
 public:
  void done(const char* phase) {
    seconds_[phase] = seconds_since(start_);
    start_ = TrainClock::now();
  }
  double seconds(const char* phase) const { return seconds_.value(phase, 0.0); }
  const nlohmann::json& json() const { return seconds_; }

 private:
  nlohmann::json seconds_ = nlohmann::json::object();
  TrainClock::time_point start_ = TrainClock::now();
};

// The final fit of the chosen configuration on the training split, or on the sample
// of it the budget allows.
Fitted fit_final(const TrainOutcome& out, const Eigen::MatrixXd& X_train, const SplitTarget& y,
                 const std::vector<Eigen::Index>& rows, int n_classes,
                 const TrainResources& resources) {
  const bool classify = out.task == Task::Classification;
  if (rows.size() == static_cast<size_t>(X_train.rows()))
    return fit_estimator(out.algorithm, out.hyperparams, X_train, y.reg_train, y.cls_train,
                         n_classes, out.task, resources);
  return fit_estimator(out.algorithm, out.hyperparams, take_rows(X_train, rows),
                       classify ? Eigen::VectorXd() : take(y.reg_train, rows),
                       classify ? take(y.cls_train, rows) : Eigen::VectorXi(), n_classes, out.task,
                       resources);
}

// metrics.evaluated_on, and with nothing held out: the CV mean as the project's
// metric (what deploy => 'if_better' compares), or a warning that the metrics flatter.
void say_where_metrics_come_from(const TrainTestSplit& split, int folds, const std::string& metric,
                                 TrainOutcome& out) {
  out.metrics["evaluated_on"] = evaluated_on(split, folds);
  if (split.test.empty() && folds > 1) {
    out.metrics[metric] = out.info["cv"]["mean"];
  } else if (split.test.empty()) {
    out.info["warning"] =
        "test_size => 0 without folds: the metrics are measured on the rows the model was "
        "trained on, so they flatter it; use folds => 5 for an honest estimate";
  }
}

// Why the refit cannot run ("" when it can): the final fit was already cut down to a
// sample by the budget, or the refit — the final fit's measured time scaled to every
// row, with a margin — would not end before the deadline (a refit the deadline cut
// short would serve fewer trees than were evaluated).
std::string refit_skipped_because(const Dataset& data, const TrainTestSplit& split,
                                  bool sampled_final, double final_fit_seconds,
                                  const TrainResources& resources) {
  if (sampled_final) return "the time budget left room for a final fit on a sample only";
  if (split.test.empty()) return "";
  const double estimate = final_fit_seconds * 1.3 * static_cast<double>(data.rows()) /
                          static_cast<double>(std::max<size_t>(split.train.size(), 1));
  const double left = seconds_until(resources.deadline);
  if (estimate <= left) return "";
  char text[160];
  std::snprintf(text, sizeof text,
                "the time budget has %.2f s left and the refit would take about %.2f s", left,
                estimate);
  return text;
}

}  // namespace

TrainOutcome train(const TrainSpec& spec, const Dataset& data, const std::atomic<bool>* cancel,
                   int threads) {
  TrainOptions options;
  options.cancel = cancel;
  options.threads = threads;
  return train(spec, data, options);
}

TrainOutcome train(const TrainSpec& spec, const Dataset& data, const TrainOptions& options) {
  PhaseClock phases;
  check_data(data, spec.task == Task::Clustering);
  TrainOutcome out;
  std::string reason;
  out.task = task_for(spec, data, &reason);
  if (out.task == Task::Clustering) return train_clustering(spec, data, options, reason);
  out.algorithm = spec.algorithm == "auto" ? default_algorithm(out.task) : spec.algorithm;
  check_algorithm_task(out.algorithm, out.task);
  out.hyperparams = resolve_hyperparams(out.algorithm, spec.hyperparams);
  check_metric(spec.metric, out.task);

  const bool classify = out.task == Task::Classification;
  const EncodedTarget target = encode_target(data, out.task);
  const TrainTestSplit split =
      spec.split_column       ? split_by_column(data, *spec.split_column)
      : spec.test_size == 0.0 ? TrainTestSplit{sample_rows(data.rows(), data.rows(), spec.seed), {}}
                              : train_test_split(data.rows(), spec.test_size, spec.seed,
                                                 classify ? &target.classes : nullptr);
  // Imputation, categories, target encodings and scaling: from the training split only.
  const EncodingTarget encoding = target.for_encoding(spec.seed);
  Preprocessor preprocessor = Preprocessor::fit(data, split.train, spec.preprocess, encoding);
  check_memory(preprocessor, data.rows(), options.max_memory_bytes, spec);
  const Eigen::MatrixXd X_train = preprocessor.transform_training(data, split.train, encoding);
  const SplitTarget y = split_target(target, split, classify);

  TrainResources resources{options.cancel, options.threads, spec.seed};
  if (options.deadline) resources.deadline = *options.deadline;
  const std::string metric = spec.metric.value_or(classify ? "f1" : "r2");
  const int n_classes = target.labels.size();
  const TrainTargets targets{y.reg_train, y.cls_train, out.task, n_classes};
  auto report = [&](float progress, const std::string& message) {
    if (options.progress) options.progress(progress, message);
  };
  phases.done("preprocess");
  const std::vector<Eigen::Index> final_rows =
      choose_configuration(spec, X_train, targets, metric, resources, report, out);
  phases.done("search");

  report(0.85f,
         "final fit of " + out.algorithm + " on " + std::to_string(final_rows.size()) + " rows");
  const bool sampled_final = final_rows.size() < static_cast<size_t>(X_train.rows());
  const Fitted fitted_estimator = fit_final(out, X_train, y, final_rows, n_classes, resources);
  const std::vector<std::string> encoded = preprocessor.output_names();
  const Model fitted(out.task, out.algorithm, out.hyperparams, data.target_name, target.labels,
                     std::move(preprocessor), fitted_estimator.estimator);
  out.model_bytes = fitted.serialize();
  phases.done("final_fit");

  // Evaluate the configuration as it would be served: the model parsed back from its
  // stored bytes, preprocessing included, on the raw held-out rows.
  const Model evaluated = Model::parse(out.model_bytes);
  out.metrics = evaluate(evaluated, data, split, X_train, y, out.evaluation);
  say_where_metrics_come_from(split, spec.folds, metric, out);
  describe_evaluation(data, spec.seed, out);
  phases.done("evaluate");
  out.info.update(describe(evaluated, data, split, reason));
  out.info.update(fitted_estimator.info);
  out.info["refit"] = false;
  if (spec.refit && split.test.empty() && !sampled_final) {
    out.info["refit"] = {{"rows", data.rows()}};  // nothing was held out: fitted on every row
  } else if (spec.refit) {
    const std::string skipped =
        refit_skipped_because(data, split, sampled_final, phases.seconds("final_fit"), resources);
    if (skipped.empty()) {
      report(0.92f,
             "refit of " + out.algorithm + " on all " + std::to_string(data.rows()) + " rows");
      out.model_bytes = refit_on_all_rows(spec, data, target, out, resources);
      phases.done("refit");
      out.info["refit"] = {{"rows", data.rows()}};
    } else {
      out.info["refit_skipped"] = skipped;
    }
  }
  if (out.info.contains("cv")) out.metrics["cv"] = out.info["cv"];
  out.metrics["feature_importance"] = feature_importance(evaluated.estimator(), encoded);
  out.info["phase_seconds"] = phases.json();
  if (classify) out.info["classes"] = target.labels.classes();
  return out;
}

}  // namespace automl
