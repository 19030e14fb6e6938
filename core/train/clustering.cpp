// clustering.cpp — see clustering.hpp.
#include "clustering.hpp"

#include <cmath>

#include "automl/algorithms.hpp"
#include "automl/error.hpp"
#include "automl/evaluation.hpp"
#include "automl/kmeans.hpp"
#include "automl/metrics.hpp"
#include "fit_estimator.hpp"
#include "memory_limit.hpp"

namespace automl {
namespace {

nlohmann::json number_or_null(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

// The k-means parameters of the run; n_clusters 'auto' chosen by silhouette on a sample
// (what was tried goes to info.n_clusters_search).
KMeansParams kmeans_params(const TrainOutcome& out, const Eigen::MatrixXd& X, const TrainSpec& spec,
                           const TrainOptions& options, nlohmann::json& info) {
  nlohmann::json hp = out.hyperparams;
  const bool choose = hp.at("n_clusters").is_string();  // "auto"
  if (choose) hp["n_clusters"] = 2;
  KMeansParams params = KMeansParams::from_hyperparams(hp, spec.seed);
  params.cancel = options.cancel;
  if (!choose) return params;
  const ClusterCountChoice choice = choose_n_clusters(X, params);
  nlohmann::json scores = nlohmann::json::array();
  for (size_t i = 0; i < choice.tried.size(); ++i)
    scores.push_back(
        {{"n_clusters", choice.tried[i]}, {"silhouette", number_or_null(choice.silhouettes[i])}});
  info["n_clusters_search"] = {{"method", "silhouette"},
                               {"sample_rows", choice.sample_rows},
                               {"scores", scores},
                               {"chosen", choice.n_clusters}};
  params.n_clusters = choice.n_clusters;
  return params;
}

struct Assignment {
  Eigen::VectorXi labels;
  double inertia = 0;
};

// Every row's cluster and the inertia, from the served model's centres.
Assignment assign_rows(const KMeansEstimator& kmeans, const Eigen::MatrixXd& X) {
  Assignment a;
  a.labels = kmeans.nearest_batch(X);
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    a.inertia += (X.row(i) - kmeans.centers().row(a.labels[i])).squaredNorm();
  return a;
}

nlohmann::json describe_inputs(const Model& served) {
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& c : served.inputs())
    inputs.push_back({{"name", c.name}, {"type", to_string(c.type)}, {"sql_type", c.sql_type}});
  return inputs;
}

// Metrics, evaluation and info of the served model over every row.
void describe_clusters(const Model& served, const Dataset& data, const Eigen::MatrixXd& X,
                       const TrainSpec& spec, TrainOutcome& out) {
  const auto& kmeans = dynamic_cast<const KMeansEstimator&>(served.estimator());
  const Assignment assigned = assign_rows(kmeans, X);
  std::vector<long long> sizes(static_cast<size_t>(kmeans.n_outputs()), 0);
  for (Eigen::Index i = 0; i < assigned.labels.size(); ++i)
    ++sizes[static_cast<size_t>(assigned.labels[i])];
  const std::vector<Eigen::Index> sample =
      sample_rows_of(X.rows(), kSilhouetteSampleRows, spec.seed);
  Eigen::MatrixXd Xs(static_cast<Eigen::Index>(sample.size()), X.cols());
  Eigen::VectorXi ls(Xs.rows());
  for (size_t i = 0; i < sample.size(); ++i) {
    Xs.row(static_cast<Eigen::Index>(i)) = X.row(sample[i]);
    ls[static_cast<Eigen::Index>(i)] = assigned.labels[sample[i]];
  }
  const nlohmann::json silhouette = number_or_null(silhouette_score(Xs, ls));
  out.metrics = {{"inertia", assigned.inertia},      {"silhouette", silhouette},
                 {"silhouette_rows", sample.size()}, {"cluster_sizes", sizes},
                 {"n_clusters", kmeans.n_outputs()}, {"n_iter", kmeans.n_iter()},
                 {"evaluated_on", "training_rows"}};
  out.metrics["feature_importance"] =
      feature_importance(kmeans, served.preprocessor().output_names());
  out.evaluation = {{"version", 1},
                    {"evaluated_on", "training_rows"},
                    {"rows", X.rows()},
                    {"clusters", {{"sizes", sizes}, {"silhouette", silhouette}}}};
  out.evaluation.update(global_importance(served, data, sample));
  out.evaluation["profile"] = column_profiles(data, sample_rows_of(data.rows(), data.rows(), 0),
                                              /*numeric_target=*/false);
  out.info.update({{"rows", data.rows()},
                   {"train_rows", data.rows()},
                   {"test_rows", 0},
                   {"features", served.feature_names()},
                   {"inputs", describe_inputs(served)},
                   {"encoded_features", served.preprocessor().n_outputs()},
                   {"feature_version", served.feature_version()},
                   {"task", to_string(served.task())},
                   {"algorithm", served.algorithm()},
                   {"refit", {{"rows", data.rows()}}}});
}

}  // namespace

TrainOutcome train_clustering(const TrainSpec& spec, const Dataset& data,
                              const TrainOptions& options, const std::string& task_reason) {
  const TrainClock::time_point start = TrainClock::now();
  auto report = [&](float progress, const std::string& message) {
    if (options.progress) options.progress(progress, message);
  };
  TrainOutcome out;
  out.task = Task::Clustering;
  out.algorithm = spec.algorithm == "auto" ? default_algorithm(out.task) : spec.algorithm;
  check_algorithm_task(out.algorithm, out.task);
  out.hyperparams = resolve_hyperparams(out.algorithm, spec.hyperparams);
  if (spec.metric && !is_clustering_metric(*spec.metric))
    invalid("metric \"" + *spec.metric + "\" does not apply to clustering");
  if (spec.search != "none" || spec.folds != 0)
    invalid("searches and folds do not apply to clustering");

  // Every row: clustering has no target to hold rows out for (train_spec.cpp).
  const std::vector<Eigen::Index> all = sample_rows_of(data.rows(), data.rows(), spec.seed);
  Preprocessor preprocessor = Preprocessor::fit(data, all, spec.preprocess);
  check_memory(preprocessor, data.rows(), options.max_memory_bytes, spec);
  const Eigen::MatrixXd X = preprocessor.transform(data, all);
  nlohmann::json phases = {{"preprocess", seconds_since(start)}};

  TrainClock::time_point t = TrainClock::now();
  report(0.2f, "choosing k-means parameters");
  const KMeansParams params = kmeans_params(out, X, spec, options, out.info);
  report(0.3f, "k-means with " + std::to_string(params.n_clusters) + " clusters on " +
                   std::to_string(X.rows()) + " rows");
  const KMeansResult fitted = fit_kmeans(X, params);
  std::vector<long long> sizes(fitted.sizes.data(), fitted.sizes.data() + fitted.sizes.size());
  const Model model(out.task, out.algorithm, out.hyperparams, "", LabelEncoder(),
                    std::move(preprocessor),
                    std::make_shared<KMeansEstimator>(fitted.centers, std::move(sizes),
                                                      fitted.n_iter, fitted.inertia));
  out.model_bytes = model.serialize();
  phases["final_fit"] = seconds_since(t);

  // Described as served: the model parsed back from its stored bytes.
  t = TrainClock::now();
  report(0.85f, "describing the clusters");
  const Model served = Model::parse(out.model_bytes);
  describe_clusters(served, data, X, spec, out);
  out.metrics["converged"] = fitted.converged;
  out.info["task_reason"] = task_reason;
  out.info["n_iter"] = fitted.n_iter;
  out.info["converged"] = fitted.converged;
  phases["evaluate"] = seconds_since(t);
  out.info["phase_seconds"] = phases;
  return out;
}

}  // namespace automl
