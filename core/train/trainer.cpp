// trainer.cpp — one training run: split, preprocess, search (optional), fit, evaluate the served bytes.
#include "automl/trainer.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <cstdlib>
#include <set>

#include <algorithm>
#include <random>

#include "automl/algorithms.hpp"
#include "automl/error.hpp"
#include "automl/linear_models.hpp"
#include "automl/metrics.hpp"
#include "automl/split.hpp"
#include "automl/tree_ensemble.hpp"
#include "search.hpp"
#include "xgboost_fit.hpp"

namespace automl {
namespace {

using Clock = std::chrono::steady_clock;

struct TrainResources {
  const std::atomic<bool>* cancel;
  int threads;
  std::uint64_t seed;
  Clock::time_point deadline = Clock::time_point::max();
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
double seconds_until(Clock::time_point t) {
  return t == Clock::time_point::max() ? 1e18 : std::chrono::duration<double>(t - Clock::now()).count();
}

Eigen::VectorXd numeric_target(const Dataset& data) {
  Eigen::VectorXd y(data.rows());
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    const std::string& text = data.target[static_cast<size_t>(i)];
    char* end = nullptr;
    y[i] = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(y[i]))
      throw Error(sqlstate::kInvalidTextRepresentation,
                  "target column \"" + data.target_name + "\" must be a finite number for regression",
                  "row " + std::to_string(i + 1) + " has \"" + text + "\"");
  }
  return y;
}

void check_data(const Dataset& data) {
  if (data.rows() == 0) invalid("the relation has no usable rows", "rows whose target is NULL are skipped");
  if (data.columns.empty()) invalid("the relation has no feature columns besides the target");
  for (const Column& c : data.columns) {
    const size_t expected = c.schema.type == ColumnType::NumericArray
                                ? static_cast<size_t>(data.rows()) * static_cast<size_t>(c.schema.width)
                                : static_cast<size_t>(data.rows());
    const size_t have = c.schema.type == ColumnType::Categorical ? c.texts.size() : c.numbers.size();
    if (c.schema.type == ColumnType::NumericArray && c.schema.width == 0)
      invalid("array column \"" + c.schema.name + "\" has no non-NULL value", "its width cannot be known");
    if (have != expected) throw Error(sqlstate::kInternalError, "column \"" + c.schema.name + "\" has the wrong length");
    if (c.schema.type != ColumnType::Categorical)
      for (double x : c.numbers)
        if (std::isinf(x)) invalid("column \"" + c.schema.name + "\" has an infinite value");
  }
}

// scikit-learn's class_weight='balanced': n / (k * count(class)).
Eigen::VectorXd balanced_weights(const Eigen::VectorXi& y, int n_classes) {
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(n_classes);
  for (Eigen::Index i = 0; i < y.size(); ++i) counts[y[i]] += 1;
  Eigen::VectorXd w(n_classes);
  for (int k = 0; k < n_classes; ++k)
    w[k] = counts[k] > 0 ? static_cast<double>(y.size()) / (n_classes * counts[k]) : 1.0;
  return w;
}

struct Fitted {
  std::shared_ptr<const Estimator> estimator;
  nlohmann::json info;  // solver notes: iterations, rounds, convergence
};

Fitted fit(const std::string& algorithm, const nlohmann::json& hp, const Eigen::MatrixXd& X,
           const Eigen::VectorXd& y_reg, const Eigen::VectorXi& y_cls, int n_classes, Task task,
           const TrainResources& resources) {
  const std::atomic<bool>* cancel = resources.cancel;
  if (algorithm == "xgboost" || algorithm == "random_forest") {
    const Eigen::VectorXd y = task == Task::Classification ? Eigen::VectorXd(y_cls.cast<double>()) : y_reg;
    TreeFit t = fit_trees(algorithm, hp, X, y, task, n_classes, resources.threads, resources.seed, cancel,
                          resources.deadline);
    return {t.ensemble, t.info};
  }
  const Link link = task == Task::Regression ? Link::Identity : n_classes == 2 ? Link::Sigmoid : Link::Softmax;
  auto linear = [&](LinearWeights w) {
    nlohmann::json info = {{"n_iter", w.n_iter}, {"converged", w.converged}};
    return Fitted{std::make_shared<LinearEstimator>(std::move(w), link), info};
  };
  const bool intercept = hp.at("fit_intercept").get<bool>();
  if (algorithm == "linear") return linear(fit_ols(X, y_reg, intercept));
  if (algorithm == "ridge") return linear(fit_ridge(X, y_reg, hp.at("alpha").get<double>(), intercept));
  if (algorithm == "lasso" || algorithm == "elastic_net") {
    ElasticNetParams p;
    p.alpha = hp.at("alpha").get<double>();
    p.l1_ratio = algorithm == "lasso" ? 1.0 : hp.at("l1_ratio").get<double>();
    p.max_iter = hp.at("max_iter").get<int>();
    p.tol = hp.at("tol").get<double>();
    p.fit_intercept = intercept;
    return linear(fit_elastic_net(X, y_reg, p, cancel));
  }
  if (algorithm == "logistic") {
    LogisticParams p;
    p.C = hp.at("penalty").get<std::string>() == "none" ? std::numeric_limits<double>::infinity()
                                                          : hp.at("C").get<double>();
    p.max_iter = hp.at("max_iter").get<int>();
    p.tol = hp.at("tol").get<double>();
    p.fit_intercept = intercept;
    if (hp.value("class_weight", "none") == "balanced") p.class_weight = balanced_weights(y_cls, n_classes);
    return linear(fit_logistic(X, y_cls, n_classes, p, cancel));
  }
  throw Error(sqlstate::kFeatureNotSupported, "algorithm \"" + algorithm + "\" is not implemented yet");
}

// Share of the model's weight each encoded feature carries: split counts for trees,
// |coefficient| in scaled space for linear models.
nlohmann::json feature_importance(const Estimator& estimator, const std::vector<std::string>& names) {
  std::vector<double> share(names.size(), 0.0);
  if (const auto* trees = dynamic_cast<const TreeEnsemble*>(&estimator)) {
    share = trees->split_importance();
  } else if (const auto* linear = dynamic_cast<const LinearEstimator*>(&estimator)) {
    const Eigen::VectorXd w = linear->weights().coef.cwiseAbs().colwise().sum().transpose();
    const double total = w.sum();
    for (size_t j = 0; j < names.size(); ++j) share[j] = total > 0 ? w[static_cast<Eigen::Index>(j)] / total : 0;
  }
  nlohmann::json out = nlohmann::json::object();
  for (size_t j = 0; j < names.size(); ++j) out[names[j]] = share[j];
  return out;
}

// Class probabilities (classification) or predictions (regression, one column) of
// a fitted estimator on feature rows.
Eigen::MatrixXd outputs_of(const Estimator& e, const Eigen::MatrixXd& X, Task task, int n_classes) {
  Eigen::MatrixXd scores = e.decision_batch(X);
  return task == Task::Regression ? scores : probabilities(scores, e.link(), n_classes);
}

struct Targets {
  const Eigen::VectorXd& reg;
  const Eigen::VectorXi& cls;
  Task task;
  int n_classes;
};

// The metric of fitting `c` on `fit_rows` and scoring on `score_rows` of X.
double holdout_score(const Candidate& c, const Eigen::MatrixXd& X, const Targets& y, const std::vector<Eigen::Index>& fit_rows,
                     const std::vector<Eigen::Index>& score_rows, const std::string& metric, const TrainResources& r) {
  const Eigen::MatrixXd Xf = take_rows(X, fit_rows), Xs = take_rows(X, score_rows);
  const bool classify = y.task == Task::Classification;
  const Eigen::VectorXd yr = classify ? Eigen::VectorXd() : take(y.reg, fit_rows);
  const Eigen::VectorXi yc = classify ? take(y.cls, fit_rows) : Eigen::VectorXi();
  const Fitted f = fit(c.algorithm, c.hyperparams, Xf, yr, yc, y.n_classes, y.task, r);
  const Eigen::MatrixXd out = outputs_of(*f.estimator, Xs, y.task, y.n_classes);
  const nlohmann::json m = classify ? classification_metrics(take(y.cls, score_rows), out)
                                    : regression_metrics(take(y.reg, score_rows), out.col(0));
  return m.at(metric).get<double>();
}

// Mean and standard deviation of the metric over k stratified folds of `rows`
// (k < 2: one 80/20 holdout).
std::pair<double, double> validate(const Candidate& c, const Eigen::MatrixXd& X, const Targets& y,
                                   const std::vector<Eigen::Index>& rows, int folds, const std::string& metric,
                                   const TrainResources& r) {
  const bool classify = y.task == Task::Classification;
  const auto n = static_cast<Eigen::Index>(rows.size());
  Eigen::VectorXi strata;
  if (classify) strata = take(y.cls, rows);
  if (folds < 2) {
    const TrainTestSplit s = train_test_split(n, 0.2, r.seed ^ 0xf01d, classify ? &strata : nullptr);
    std::vector<Eigen::Index> a, b;
    for (auto i : s.train) a.push_back(rows[static_cast<size_t>(i)]);
    for (auto i : s.test) b.push_back(rows[static_cast<size_t>(i)]);
    return {holdout_score(c, X, y, a, b, metric, r), 0.0};
  }
  // Stratified folds: rows of each class dealt round-robin after a seeded shuffle.
  std::vector<int> fold_of(static_cast<size_t>(n));
  const TrainTestSplit order = train_test_split(n, 0.5, r.seed ^ 0xcafe, classify ? &strata : nullptr);
  std::vector<Eigen::Index> shuffled = order.train;
  shuffled.insert(shuffled.end(), order.test.begin(), order.test.end());
  std::map<int, int> dealt;
  for (Eigen::Index i : shuffled) {
    const int cls = classify ? strata[i] : 0;
    fold_of[static_cast<size_t>(i)] = dealt[cls]++ % folds;
  }
  std::vector<double> scores;
  for (int k = 0; k < folds; ++k) {
    std::vector<Eigen::Index> a, b;
    for (Eigen::Index i = 0; i < n; ++i) (fold_of[static_cast<size_t>(i)] == k ? b : a).push_back(rows[static_cast<size_t>(i)]);
    scores.push_back(holdout_score(c, X, y, a, b, metric, r));
  }
  double mean = 0, var = 0;
  for (double v : scores) mean += v;
  mean /= folds;
  for (double v : scores) var += (v - mean) * (v - mean);
  return {mean, std::sqrt(var / (folds - 1))};
}

// Trials one job may run and keep: each is a row of automl.trials.
constexpr size_t kMaxTrials = 1000;

// What a search settled on: the best configuration, the rows to fit it on (all the
// training rows unless the budget forces a sample), and the trials.
struct SearchResult {
  Candidate best;
  std::vector<Eigen::Index> final_rows;
  nlohmann::json summary, trials;
};

// Grid, random or budgeted 'auto' search on the training split; trials are scored by
// `metric` on a holdout (or folds) of it, never on the test split.
SearchResult run_search(const TrainSpec& spec, const Candidate& base, const Eigen::MatrixXd& X_train,
                        const Targets& targets, const std::string& metric, const TrainResources& resources,
                        const std::function<void(float, const std::string&)>& report) {
  const bool classify = targets.task == Task::Classification;
  const bool higher_better = metric_higher_is_better(metric);
  std::vector<Eigen::Index> all_train(static_cast<size_t>(X_train.rows()));
  for (size_t i = 0; i < all_train.size(); ++i) all_train[i] = static_cast<Eigen::Index>(i);
  SearchResult result;
  result.final_rows = all_train;
  const Clock::time_point search_start = Clock::now();
  const bool budgeted = spec.search == "auto";
  // Trials run on a sample of the training split, so a big table cannot eat the
  // budget in one trial (FLAML's sample-size idea, in its simplest form).
  std::vector<Eigen::Index> sample = all_train;
  const size_t max_sample = budgeted ? 20000 : all_train.size();
  if (sample.size() > max_sample) {
    std::mt19937_64 rng(spec.seed);
    std::shuffle(sample.begin(), sample.end(), rng);
    sample.resize(max_sample);
    std::sort(sample.begin(), sample.end());
  }
  std::vector<Candidate> queue;
  std::vector<std::string> families;
  if (spec.search == "grid") queue = grid_candidates(base.algorithm, base.hyperparams, spec.search_params);
  if (spec.search == "random") queue = random_candidates(base.algorithm, base.hyperparams, spec.search_params, spec.seed);
  if (budgeted) {
    if (spec.search_params.contains("algorithms")) families = spec.search_params["algorithms"].get<std::vector<std::string>>();
    for (auto it = families.begin(); it != families.end();) {
      const auto& info = find_algorithm(*it);
      it = (classify ? info.classification : info.regression) ? std::next(it) : families.erase(it);
    }
    queue = auto_start_candidates(targets.task, families);
    if (queue.empty()) invalid("search_params.algorithms has no algorithm for " + std::string(to_string(targets.task)));
  }
  // Leave time for the final fit (estimated from the trials) and for storing.
  auto final_fit_estimate = [&](double trial_seconds, size_t trial_rows) {
    return trial_seconds * 1.5 * static_cast<double>(all_train.size()) / static_cast<double>(std::max<size_t>(trial_rows, 1));
  };
  nlohmann::json trials = nlohmann::json::array();
  std::map<std::string, double> cost_per_estimator;  // seconds per unit of n_estimators, per family
  int best = -1;
  double best_value = 0;
  Candidate best_candidate;
  double best_seconds = 0;
  std::mt19937_64 rng(spec.seed ^ 0xa11);
  const size_t fixed = queue.size();
  bool capped = false;
  for (size_t t = 0;; ++t) {
    if (trials.size() >= kMaxTrials) {
      capped = true;  // a tiny table under a long budget would otherwise try millions
      break;
    }
    if (t >= queue.size()) {
      if (!budgeted || best < 0) break;
      queue.push_back(auto_variation(best_candidate, rng));  // explore around the best
    }
    const Candidate& c = queue[t];
    const double size = c.hyperparams.value("n_estimators", 1);
    const double expected = cost_per_estimator.count(c.algorithm) ? cost_per_estimator[c.algorithm] * size : 0.05;
    const double reserve = best >= 0 ? final_fit_estimate(best_seconds, sample.size()) + 0.3 : 0.3;
    if (budgeted && seconds_until(resources.deadline) < expected * 1.2 + reserve) {
      if (t < fixed) continue;  // a cheaper start candidate may still fit
      break;
    }
    if (resources.cancel && *resources.cancel) throw Error(sqlstate::kQueryCanceled, "training was cancelled");
    const Clock::time_point trial_start = Clock::now();
    nlohmann::json trial = {{"trial", t + 1}, {"algorithm", c.algorithm}, {"hyperparams", c.hyperparams},
                            {"rows", sample.size()}};
    try {
      const auto [value, sd] = validate(c, X_train, targets, sample, spec.folds, metric, resources);
      trial["value"] = value;
      if (spec.folds > 1) trial["std"] = sd;
      trial["status"] = "ok";
      if (best < 0 || (higher_better ? value > best_value : value < best_value)) {
        best = static_cast<int>(t);
        best_value = value;
        best_candidate = c;
        best_seconds = seconds_since(trial_start) / std::max(1, spec.folds);
      }
    } catch (const Error& e) {
      if (e.sqlstate() == std::string(sqlstate::kQueryCanceled)) throw;
      trial["status"] = "failed";
      trial["error"] = e.what();
    }
    trial["seconds"] = seconds_since(trial_start);
    cost_per_estimator[c.algorithm] = trial["seconds"].get<double>() / std::max(1.0, size);
    trials.push_back(trial);
    report(0.3f + 0.5f * static_cast<float>(budgeted ? std::min(1.0, seconds_since(search_start) /
                                                                     std::max(1e-3, seconds_since(search_start) +
                                                                                        seconds_until(resources.deadline)))
                                                     : static_cast<double>(t + 1) / static_cast<double>(queue.size())),
           std::to_string(trials.size()) + " trials, best " + metric + " " + std::to_string(best_value));
    if (!budgeted && t + 1 >= queue.size()) break;
  }
  if (best < 0) invalid("no trial of the search succeeded", trials.empty() ? "the budget allowed no trial" : trials.back().value("error", ""));
  result.best = best_candidate;
  // When the budget cannot fit a full final fit, fit on as many rows as it allows.
  if (budgeted) {
    const double left = seconds_until(resources.deadline) - 0.3;
    const double full = final_fit_estimate(best_seconds, sample.size());
    if (full > left && left > 0) {
      const auto rows = std::max<size_t>(sample.size(), static_cast<size_t>(static_cast<double>(all_train.size()) * left / full));
      if (rows < all_train.size()) {
        result.final_rows = sample;
        if (rows > sample.size()) {
          std::vector<Eigen::Index> shuffled = all_train;
          std::mt19937_64 r2(spec.seed);
          std::shuffle(shuffled.begin(), shuffled.end(), r2);
          shuffled.resize(rows);
          std::sort(shuffled.begin(), shuffled.end());
          result.final_rows = shuffled;
        }
      }
    }
  }
  result.summary = {{"kind", spec.search}, {"metric", metric}, {"trials", trials.size()},
                        {"best_trial", best + 1}, {"best_value", best_value}, {"trial_rows", sample.size()},
                        {"seconds", seconds_since(search_start)}};
  if (capped) result.summary["stopped"] = "max_trials";
  result.trials = trials;
  return result;
}

// The encoded rows (train and test) and one working copy a learner makes, in
// doubles: refused with 54000 naming the widest column before any is allocated.
void check_memory(const Preprocessor& preprocessor, Eigen::Index rows, std::size_t max_bytes) {
  if (max_bytes == 0) return;
  const double width = static_cast<double>(preprocessor.n_outputs());
  const double bytes = static_cast<double>(rows) * width * sizeof(double) * 2;
  if (bytes <= static_cast<double>(max_bytes)) return;
  std::map<int, int> per_input;
  for (int source : preprocessor.output_sources()) ++per_input[source];
  int widest = -1, widest_width = 0;
  for (const auto& [source, n] : per_input)
    if (source >= 0 && n > widest_width) widest = source, widest_width = n;
  const std::string column = widest >= 0 ? preprocessor.inputs()[static_cast<size_t>(widest)].name : "";
  throw Error("54000",
              "training needs about " + std::to_string(static_cast<long long>(bytes / (1 << 20))) + " MB for " +
                  std::to_string(rows) + " rows of " + std::to_string(static_cast<long long>(width)) +
                  " encoded features, more than this worker allows (automl-worker --max-memory-mb " +
                  std::to_string(max_bytes >> 20) + ")",
              column.empty() ? "" : "column \"" + column + "\" alone encodes to " + std::to_string(widest_width) +
                                        " features; lower preprocess.max_categories or exclude it");
}

Eigen::VectorXi class_counts(const Eigen::VectorXi& y, int n_classes) {
  Eigen::VectorXi counts = Eigen::VectorXi::Zero(n_classes);
  for (Eigen::Index i = 0; i < y.size(); ++i) ++counts[y[i]];
  return counts;
}

}  // namespace

Task detect_task(const Dataset& data, std::string* reason, int max_classes) {
  auto say = [&](const std::string& r) {
    if (reason) *reason = r;
  };
  if (data.target_kind == ValueKind::Text || data.target_kind == ValueKind::Boolean) {
    say(std::string("target is ") + to_string(data.target_kind));
    return Task::Classification;
  }
  std::set<std::string> distinct;
  for (const auto& v : data.target) {
    distinct.insert(v);
    if (distinct.size() >= static_cast<size_t>(max_classes)) break;
  }
  if (distinct.size() < static_cast<size_t>(max_classes)) {
    say("target has " + std::to_string(distinct.size()) + " distinct values (fewer than " +
        std::to_string(max_classes) + ")");
    return Task::Classification;
  }
  say("target is numeric with " + std::to_string(max_classes) + " or more distinct values");
  return Task::Regression;
}

TrainOutcome train(const TrainSpec& spec, const Dataset& data, const std::atomic<bool>* cancel, int threads) {
  TrainOptions options;
  options.cancel = cancel;
  options.threads = threads;
  return train(spec, data, options);
}

TrainOutcome train(const TrainSpec& spec, const Dataset& data, const TrainOptions& options) {
  check_data(data);
  TrainOutcome out;
  std::string reason = "given by the job";
  if (spec.task == "auto") out.task = detect_task(data, &reason, spec.preprocess.max_auto_classes);
  else out.task = spec.task == "classification" ? Task::Classification : Task::Regression;
  out.algorithm = spec.algorithm == "auto" ? default_algorithm(out.task) : spec.algorithm;
  check_algorithm_task(out.algorithm, out.task);
  out.hyperparams = resolve_hyperparams(out.algorithm, spec.hyperparams);
  if (spec.metric) {
    const bool ok = out.task == Task::Classification ? is_classification_metric(*spec.metric)
                                                       : is_regression_metric(*spec.metric);
    if (!ok) invalid("metric \"" + *spec.metric + "\" does not apply to " + to_string(out.task));
  }

  const bool classify = out.task == Task::Classification;
  LabelEncoder labels;
  Eigen::VectorXi y_cls;
  Eigen::VectorXd y_reg;
  if (classify) {
    labels = LabelEncoder::fit(data.target, data.target_kind);
    if (labels.size() < 2)
      invalid("target column \"" + data.target_name + "\" has only one class",
              "class \"" + labels.classes().front() + "\"; classification needs at least two");
    y_cls = labels.encode(data.target);
    // A stratified split needs every class on both sides.
    const Eigen::VectorXi counts = class_counts(y_cls, labels.size());
    for (int k = 0; k < labels.size(); ++k)
      if (counts[k] < 2)
        invalid("class \"" + labels.classes()[static_cast<size_t>(k)] + "\" of target column \"" +
                    data.target_name + "\" has only one row",
                "each class needs at least two rows for a stratified train/test split; "
                "is the target really categorical?");
  } else {
    y_reg = numeric_target(data);
  }

  const TrainTestSplit split =
      train_test_split(data.rows(), spec.test_size, spec.seed, classify ? &y_cls : nullptr);
  // Everything learnt from data — imputation values, categories, scaling — comes
  // from the training split only.
  Preprocessor preprocessor = Preprocessor::fit(data, split.train, spec.preprocess);
  check_memory(preprocessor, data.rows(), options.max_memory_bytes);
  const Eigen::MatrixXd X_train = preprocessor.transform(data, split.train);

  Eigen::VectorXi yc_train, yc_test;
  Eigen::VectorXd yr_train, yr_test;
  if (classify) {
    yc_train = take(y_cls, split.train);
    yc_test = take(y_cls, split.test);
    std::set<int> present(yc_train.data(), yc_train.data() + yc_train.size());
    if (present.size() < 2) invalid("the training split has only one class", "use a smaller test_size or more rows");
  } else {
    yr_train = take(y_reg, split.train);
    yr_test = take(y_reg, split.test);
  }

  TrainResources resources{options.cancel, options.threads, spec.seed};
  if (options.deadline) resources.deadline = *options.deadline;
  const std::string metric = spec.metric.value_or(classify ? "f1" : "r2");
  const Targets targets{yr_train, yc_train, out.task, labels.size()};
  std::vector<Eigen::Index> all_train(static_cast<size_t>(X_train.rows()));
  for (size_t i = 0; i < all_train.size(); ++i) all_train[i] = static_cast<Eigen::Index>(i);
  auto report = [&](float progress, const std::string& message) {
    if (options.progress) options.progress(progress, message);
  };

  std::vector<Eigen::Index> final_rows = all_train;
  if (spec.search != "none") {
    SearchResult searched = run_search(spec, {out.algorithm, out.hyperparams}, X_train, targets, metric, resources, report);
    out.algorithm = searched.best.algorithm;
    out.hyperparams = searched.best.hyperparams;
    final_rows = searched.final_rows;
    if (final_rows.size() < all_train.size()) out.info["final_fit_sample_rows"] = final_rows.size();
    out.info["search"] = searched.summary;
    out.info["trials"] = searched.trials;
  }
  if (spec.folds > 1) {
    const auto [mean, sd] = validate({out.algorithm, out.hyperparams}, X_train, targets, all_train, spec.folds, metric,
                                     resources);
    out.info["cv"] = {{"folds", spec.folds}, {"metric", metric}, {"mean", mean}, {"std", sd}};
  }
  report(0.85f, "final fit of " + out.algorithm + " on " + std::to_string(final_rows.size()) + " rows");
  const bool sampled_final = final_rows.size() < all_train.size();
  Fitted fitted_estimator =
      sampled_final ? fit(out.algorithm, out.hyperparams, take_rows(X_train, final_rows),
                          classify ? Eigen::VectorXd() : take(yr_train, final_rows),
                          classify ? take(yc_train, final_rows) : Eigen::VectorXi(), labels.size(), out.task, resources)
                    : fit(out.algorithm, out.hyperparams, X_train, yr_train, yc_train, labels.size(), out.task, resources);
  const std::vector<std::string> encoded = preprocessor.output_names();
  const Model fitted(out.task, out.algorithm, out.hyperparams, data.target_name, labels, std::move(preprocessor),
                     fitted_estimator.estimator);
  out.model_bytes = fitted.serialize();

  // Evaluate what will be served: the model parsed back from its stored bytes,
  // preprocessing included, on the raw held-out rows.
  const Model served = Model::parse(out.model_bytes);
  // Training-split scores reuse the features computed for fitting.
  if (classify) {
    out.metrics = classification_metrics(yc_test, served.predict_proba_batch(data, split.test));
    out.metrics["train_accuracy"] = accuracy(yc_train, Model::classes_of(served.predict_proba_features(X_train)));
  } else {
    out.metrics = regression_metrics(yr_test, served.predict_batch(data, split.test));
    out.metrics["train_r2"] = r2_score(yr_train, served.predict_features(X_train));
  }
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& c : served.inputs()) inputs.push_back({{"name", c.name}, {"type", to_string(c.type)}, {"sql_type", c.sql_type}});
  out.info.update(nlohmann::json{{"rows", data.rows()},
              {"train_rows", split.train.size()},
              {"test_rows", split.test.size()},
              {"features", served.feature_names()},
              {"inputs", inputs},
              {"encoded_features", served.preprocessor().n_outputs()},
              {"feature_version", served.feature_version()},
              {"task", to_string(out.task)},
              {"task_reason", reason},
              {"algorithm", out.algorithm}});
  out.info.update(fitted_estimator.info);
  if (out.info.contains("cv")) out.metrics["cv"] = out.info["cv"];
  out.metrics["feature_importance"] = feature_importance(served.estimator(), encoded);
  if (classify) out.info["classes"] = labels.classes();
  return out;
}

}  // namespace automl
