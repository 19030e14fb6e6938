// clustering.hpp — a training run of task 'clustering': preprocess every row (there is
// no target, so nothing is held out), choose k when n_clusters is 'auto', fit k-means
// (kmeans.hpp) and describe the clusters of the model parsed back from its bytes.
#pragma once

#include <string>

#include "automl/trainer.hpp"

namespace automl {

// out.metrics: inertia, silhouette (on a seeded sample of at most
// kSilhouetteSampleRows rows; null when undefined, e.g. one cluster), cluster_sizes,
// n_clusters, n_iter, converged, silhouette_rows, evaluated_on "training_rows".
// out.evaluation: version, evaluated_on, rows, clusters {sizes, silhouette},
// feature_importance and the training data's profile.
TrainOutcome train_clustering(const TrainSpec& spec, const Dataset& data,
                              const TrainOptions& options, const std::string& task_reason);

}  // namespace automl
