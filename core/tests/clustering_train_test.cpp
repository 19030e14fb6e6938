// clustering_train_test.cpp — a training run of task 'clustering': the served model,
// its metrics and evaluation, n_clusters 'auto', determinism, parity of the whole run
// with StandardScaler + KMeans on iris, and the report page of a clustering model.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "automl/error.hpp"
#include "automl/kmeans.hpp"
#include "automl/report.hpp"
#include "automl/trainer.hpp"
#include "html_checks.hpp"
#include "reference.hpp"
#include "sqlstate_of.hpp"

namespace automl {
namespace {

nlohmann::json clustering() { return {{"relation", "public.points"}, {"task", "clustering"}}; }

nlohmann::json with(nlohmann::json spec, const char* key, nlohmann::json value) {
  spec[key] = std::move(value);
  return spec;
}

// Four blobs in (a, b); no target.
Dataset blobs(int per_blob) {
  Eigen::MatrixXd X(4 * per_blob, 2);
  for (int b = 0; b < 4; ++b)
    for (int i = 0; i < per_blob; ++i)
      X.row(b * per_blob + i) << 8.0 * (b % 2) + std::sin(3.1 * i),
          8.0 * (b / 2) + std::cos(1.9 * i);
  return Dataset::numeric(X, {"a", "b"}, "", ValueKind::Float, {});
}

TrainOutcome train_json(const nlohmann::json& spec, const Dataset& d) {
  return train(TrainSpec::parse(spec), d);
}

TEST(ClusteringTrain, FitsAndDescribesTheServedModel) {
  const Dataset d = blobs(150);
  ASSERT_EQ(d.rows(), 600);
  const TrainOutcome out = train_json(with(clustering(), "hyperparams", {{"n_clusters", 4}}), d);
  EXPECT_EQ(out.task, Task::Clustering);
  EXPECT_EQ(out.algorithm, "kmeans");
  EXPECT_EQ(out.hyperparams["n_init"], 10);
  EXPECT_EQ(out.metrics["n_clusters"], 4);
  EXPECT_EQ(out.metrics["cluster_sizes"], nlohmann::json({150, 150, 150, 150}));
  EXPECT_GT(out.metrics["silhouette"].get<double>(), 0.7);
  EXPECT_GT(out.metrics["inertia"].get<double>(), 0);
  EXPECT_GE(out.metrics["n_iter"].get<int>(), 1);
  EXPECT_EQ(out.metrics["evaluated_on"], "training_rows");
  EXPECT_EQ(out.info["rows"], 600);
  EXPECT_EQ(out.info["test_rows"], 0);
  const Model served = Model::parse(out.model_bytes);
  EXPECT_EQ(served.task(), Task::Clustering);
  EXPECT_EQ(served.target(), "");
  EXPECT_TRUE(nlohmann::json::parse(out.model_bytes)["target"].is_null());
  // The inertia is the served model's, over every row, in the preprocessed space.
  const Eigen::MatrixXd X = served.preprocessor().transform(d, {});
  const auto& kmeans = dynamic_cast<const KMeansEstimator&>(served.estimator());
  const Eigen::VectorXi labels = served.predict_class_batch(d, {});
  double inertia = 0;
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    inertia += (X.row(i) - kmeans.centers().row(labels[i])).squaredNorm();
  EXPECT_NEAR(out.metrics["inertia"].get<double>(), inertia, 1e-9 * inertia);
  const nlohmann::json& ev = out.evaluation;
  EXPECT_EQ(ev["clusters"]["sizes"], out.metrics["cluster_sizes"]);
  EXPECT_EQ(ev["profile"].size(), 2u) << "the inputs, and no target";
  EXPECT_EQ(ev["feature_importance"].size(), 2u);
  EXPECT_EQ(out.metrics["feature_importance"].size(), 2u);
}

TEST(ClusteringTrain, AutoChoosesFourBlobs) {
  const TrainOutcome out =
      train_json(with(clustering(), "hyperparams", {{"n_clusters", "auto"}}), blobs(700));
  EXPECT_EQ(out.metrics["n_clusters"], 4);
  EXPECT_EQ(out.hyperparams["n_clusters"], "auto") << "what the job asked";
  EXPECT_EQ(out.info["n_clusters_search"]["chosen"], 4);
  EXPECT_EQ(out.info["n_clusters_search"]["sample_rows"], kSilhouetteSampleRows);
  EXPECT_EQ(out.info["n_clusters_search"]["scores"].size(), 9u);
}

TEST(ClusteringTrain, DeterministicBySeed) {
  const Dataset d = blobs(60);
  const nlohmann::json spec = with(clustering(), "hyperparams", {{"n_clusters", 6}});
  EXPECT_EQ(train_json(spec, d).model_bytes, train_json(spec, d).model_bytes);
  bool differs = false;
  for (int seed = 1; seed < 6 && !differs; ++seed)
    differs =
        train_json(with(spec, "seed", seed), d).model_bytes != train_json(spec, d).model_bytes;
  EXPECT_TRUE(differs) << "six clusters of four blobs depend on where they start";
}

TEST(ClusteringTrain, RefusesMoreClustersThanDistinctRows) {
  Eigen::MatrixXd X(10, 1);
  X << 1, 1, 2, 2, 3, 3, 1, 2, 3, 1;
  const Dataset d = Dataset::numeric(X, {"x"}, "", ValueKind::Float, {});
  EXPECT_EQ(sqlstate_of([&] {
              train_json(with(clustering(), "hyperparams", {{"n_clusters", 4}}), d);
            }),
            "22023");
  EXPECT_LT(train_json(with(clustering(), "hyperparams", {{"n_clusters", 3}}), d)
                .metrics["inertia"]
                .get<double>(),
            1e-20);
  Dataset empty = Dataset::numeric(Eigen::MatrixXd(0, 1), {"x"}, "", ValueKind::Float, {});
  EXPECT_EQ(sqlstate_of([&] { train_json(clustering(), empty); }), "22023");
}

TEST(ClusteringTrain, IrisLikeStandardScalerAndKMeans) {
  const nlohmann::json ref = run_reference("sklearn_kmeans.py");
  ASSERT_TRUE(ref.is_object()) << "is /usr/bin/python3 with numpy and sklearn installed?";
  const nlohmann::json* raw = nullptr;
  for (const auto& c : ref["cases"])
    if (c["name"] == "iris") raw = &c;
  ASSERT_NE(raw, nullptr);
  const nlohmann::json& rows = (*raw)["X"];
  Eigen::MatrixXd X(rows.size(), 4);
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < 4; ++j) X(i, j) = rows[i][j].get<double>();
  const Dataset d = Dataset::numeric(X, {"sl", "sw", "pl", "pw"}, "", ValueKind::Float, {});
  for (const auto& c : ref["cases"]) {
    if (c["name"] != "iris_scaled" && c["name"] != "iris_scaled_8") continue;
    const TrainOutcome out =
        train_json(with(clustering(), "hyperparams", {{"n_clusters", c["n_clusters"]}}), d);
    const double ours = out.metrics["inertia"].get<double>(), theirs = c["inertia"].get<double>();
    std::cout << "[parity] trainer " << c["name"].get<std::string>() << ": inertia ours/sklearn "
              << ours << "/" << theirs << ", silhouette ours/sklearn " << out.metrics["silhouette"]
              << "/" << c["silhouette"] << std::endl;
    EXPECT_LE(ours, theirs * 1.01) << c["name"];
  }
}

TEST(ClusteringTrain, ReportRendersAClusteringModel) {
  const TrainOutcome out =
      train_json(with(clustering(), "hyperparams", {{"n_clusters", 4}}), blobs(40));
  const nlohmann::json model = nlohmann::json::parse(out.model_bytes);
  const nlohmann::json doc = {{"model",
                               {{"id", 1},
                                {"project", "segments"},
                                {"algorithm", out.algorithm},
                                {"task", "clustering"},
                                {"target", nullptr},
                                {"hyperparams", out.hyperparams},
                                {"metrics", out.metrics},
                                {"feature_names", model["feature_names"]}}},
                              {"info", out.info},
                              {"evaluation", out.evaluation}};
  const std::string page = render_model_report(doc);
  report_test::expect_clean(page);
  EXPECT_EQ(report_test::charts(page, "cluster-sizes"), 1u);
  EXPECT_EQ(report_test::charts(page, "feature-importance"), 1u);
  EXPECT_EQ(report_test::charts(page, "predicted-vs-actual"), 0u);
  EXPECT_NE(page.find("Mean silhouette"), std::string::npos);
  EXPECT_NE(page.find("cluster 3"), std::string::npos);
  nlohmann::json bare = doc;
  bare["evaluation"] = {{"clusters", {{"sizes", "none"}}}};
  report_test::expect_clean(render_model_report(bare));
}

}  // namespace
}  // namespace automl
