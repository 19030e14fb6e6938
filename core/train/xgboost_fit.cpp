// xgboost_fit.cpp — RAII over XGBoost's C API, early stopping, conversion.
#include "xgboost_fit.hpp"

#include <xgboost/c_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "automl/error.hpp"
#include "automl/split.hpp"

namespace automl {
namespace {

void check(int rc, const char* call) {
  if (rc != 0)
    throw Error(sqlstate::kInternalError,
                std::string("XGBoost ") + call + " failed: " + XGBGetLastError());
}

class DMatrix {
 public:
  DMatrix(const Eigen::MatrixXd& X, const std::vector<Eigen::Index>& rows,
          const Eigen::VectorXd& y) {
    const auto n = static_cast<Eigen::Index>(rows.size()), p = X.cols();
    std::vector<float> data(static_cast<size_t>(n * p));
    std::vector<float> labels(static_cast<size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < p; ++j)
        data[static_cast<size_t>(i * p + j)] =
            static_cast<float>(X(rows[static_cast<size_t>(i)], j));
      labels[static_cast<size_t>(i)] = static_cast<float>(y[rows[static_cast<size_t>(i)]]);
    }
    check(XGDMatrixCreateFromMat(data.data(), static_cast<bst_ulong>(n), static_cast<bst_ulong>(p),
                                 std::numeric_limits<float>::quiet_NaN(), &handle_),
          "XGDMatrixCreateFromMat");
    check(XGDMatrixSetFloatInfo(handle_, "label", labels.data(), static_cast<bst_ulong>(n)),
          "XGDMatrixSetFloatInfo");
  }
  ~DMatrix() { XGDMatrixFree(handle_); }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

class Booster {
 public:
  explicit Booster(std::vector<DMatrixHandle> cache) {
    check(XGBoosterCreate(cache.data(), static_cast<bst_ulong>(cache.size()), &handle_),
          "XGBoosterCreate");
  }
  explicit Booster(BoosterHandle adopted) : handle_(adopted) {}
  ~Booster() { XGBoosterFree(handle_); }
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  BoosterHandle get() const { return handle_; }

  void set(const std::string& name, const std::string& value) {
    check(XGBoosterSetParam(handle_, name.c_str(), value.c_str()), "XGBoosterSetParam");
  }
  nlohmann::json json_model() const {
    bst_ulong length = 0;
    const char* bytes = nullptr;
    check(XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &length, &bytes),
          "XGBoosterSaveModelToBuffer");
    return nlohmann::json::parse(bytes, bytes + length);
  }

 private:
  BoosterHandle handle_ = nullptr;
};

// "[12]\tvalidation-logloss:0.1234" → 0.1234
double last_metric(const char* evaluation) {
  const std::string s = evaluation;
  const auto colon = s.rfind(':');
  if (colon == std::string::npos)
    throw Error(sqlstate::kInternalError, "XGBoost evaluation without a value: " + s);
  return std::stod(s.substr(colon + 1));
}

std::string fmt(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

// Trees per booster when growing a forest: one XGBoost round builds them all and
// cannot be interrupted, so a forest grows in chunks. The first has 20 trees; later
// ones are sized to take about half a second each (at most 500 trees), so a
// cancellation is heard within about that, and cheap trees do not pay a booster's
// set-up per 20 of them.
constexpr int kFirstForestChunk = 20, kMaxForestChunk = 500;
constexpr double kForestChunkSeconds = 0.5;

// XGBoost's random forest (one round of num_parallel_tree trees, no shrinkage) in
// chunks: XGBoost scales each tree of a round by 1 / (trees in the round), so a
// chunk of c trees out of n is rescaled by c / n and the merged ensemble is the
// average over all n trees, as one round of n would give.
// A budgeted fit stops between chunks at `deadline`, keeping the trees grown.
template <typename Configure>
TreeFit fit_forest(Eigen::Index n_features, const DMatrix& train,
                   const std::vector<DMatrixHandle>& cache, int n_trees, std::uint64_t seed,
                   const Configure& configure, const std::atomic<bool>* cancel,
                   std::chrono::steady_clock::time_point deadline) {
  std::vector<std::pair<TreeEnsemble::Tree, int>> grown;  // each tree with the size of its chunk
  std::vector<double> base;
  Link link = Link::Identity;
  int total = 0, chunks = 0, next = kFirstForestChunk;
  while (total < n_trees) {
    if (cancel && *cancel) throw Error(sqlstate::kQueryCanceled, "training was cancelled");
    if (total > 0 && std::chrono::steady_clock::now() >= deadline) break;
    const int size = std::min(next, n_trees - total);
    const auto chunk_start = std::chrono::steady_clock::now();
    Booster booster(cache);
    configure(booster, chunks == 0
                           ? seed
                           : seed + 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(chunks));
    booster.set("num_parallel_tree", std::to_string(size));
    check(XGBoosterUpdateOneIter(booster.get(), 0, train.get()), "XGBoosterUpdateOneIter");
    const TreeEnsemble part = TreeEnsemble::from_xgboost_json(booster.json_model(), n_features);
    base = part.base_margin();
    link = part.link();
    for (const TreeEnsemble::Tree& tree : part.trees()) grown.emplace_back(tree, size);
    total += size;
    ++chunks;
    const double per_tree =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - chunk_start).count() /
        size;
    next = static_cast<int>(std::clamp(kForestChunkSeconds / std::max(per_tree, 1e-6),
                                       static_cast<double>(kFirstForestChunk),
                                       static_cast<double>(kMaxForestChunk)));
  }
  std::vector<TreeEnsemble::Tree> trees;
  for (auto& [tree, size] : grown) {
    for (double& v : tree.value) v *= static_cast<double>(size) / total;
    trees.push_back(std::move(tree));
  }
  TreeFit out;
  out.ensemble = std::make_shared<TreeEnsemble>(std::move(trees), base, link, n_features);
  out.info = {{"rounds", 1}, {"trees", out.ensemble->n_trees()}, {"chunks", chunks}};
  return out;
}

// Every booster of a fit is set up the same way: the objective of the task, and the
// resolved hyper-parameters under XGBoost's names.
void configure_booster(Booster& booster, const nlohmann::json& hp, bool forest, bool classify,
                       int n_classes, int threads, std::uint64_t seed, double base_score) {
  booster.set("nthread", std::to_string(std::max(1, threads)));
  booster.set("seed", std::to_string(seed % 2147483647));
  booster.set("tree_method", "hist");
  booster.set("verbosity", "0");
  if (!classify) {
    booster.set("objective", "reg:squarederror");
    booster.set("eval_metric", "rmse");
    // XGBoost 1.7 starts every regression from 0.5 (2.0 estimates it): a target far
    // from 0.5 then spends its first rounds on the offset, and a fit the budget cuts
    // short predicts nonsense. Start from the mean, as 2.0 and scikit-learn do.
    booster.set("base_score", fmt(base_score));
  } else if (n_classes == 2) {
    booster.set("objective", "binary:logistic");
    booster.set("eval_metric", "logloss");
  } else {
    booster.set("objective", "multi:softprob");
    booster.set("num_class", std::to_string(n_classes));
    booster.set("eval_metric", "mlogloss");
  }
  booster.set("max_depth", std::to_string(hp.at("max_depth").get<int>()));
  booster.set("min_child_weight", fmt(hp.at("min_child_weight").get<double>()));
  booster.set("lambda", fmt(hp.at("reg_lambda").get<double>()));
  booster.set("alpha", fmt(hp.at("reg_alpha").get<double>()));
  booster.set("subsample", fmt(hp.at("subsample").get<double>()));
  if (forest) {
    booster.set("colsample_bynode", fmt(hp.at("colsample_bynode").get<double>()));
    booster.set("eta", "1");
  } else {
    booster.set("eta", fmt(hp.at("learning_rate").get<double>()));
    booster.set("colsample_bytree", fmt(hp.at("colsample_bytree").get<double>()));
  }
}

// Gradient boosting, one round at a time until `rounds`, the deadline, or (with a
// validation set) early_stopping rounds without improvement; then the rounds up to
// the best validation score are kept.
TreeFit fit_boosted(Booster& booster, Eigen::Index n_features, const DMatrix& train,
                    const DMatrix* valid, int rounds, int early_stopping,
                    const std::atomic<bool>* cancel,
                    std::chrono::steady_clock::time_point deadline) {
  double best = std::numeric_limits<double>::infinity();
  int best_iteration = -1, done = 0;
  for (int iter = 0; iter < rounds; ++iter) {
    if (cancel && *cancel) throw Error(sqlstate::kQueryCanceled, "training was cancelled");
    check(XGBoosterUpdateOneIter(booster.get(), iter, train.get()), "XGBoosterUpdateOneIter");
    done = iter + 1;
    if (std::chrono::steady_clock::now() >= deadline) {
      if (!valid) break;
    }
    if (!valid) continue;
    DMatrixHandle sets[] = {valid->get()};
    const char* names[] = {"validation"};
    const char* evaluation = nullptr;
    check(XGBoosterEvalOneIter(booster.get(), iter, sets, names, 1, &evaluation),
          "XGBoosterEvalOneIter");
    const double metric = last_metric(evaluation);
    if (metric < best) best = metric, best_iteration = iter;
    if (iter - best_iteration >= early_stopping || std::chrono::steady_clock::now() >= deadline)
      break;
  }
  TreeFit out;
  nlohmann::json model;
  if (valid && best_iteration + 1 < done) {
    BoosterHandle sliced = nullptr;
    check(XGBoosterSlice(booster.get(), 0, best_iteration + 1, 1, &sliced), "XGBoosterSlice");
    model = Booster(sliced).json_model();
  } else {
    model = booster.json_model();
  }
  out.ensemble = std::make_shared<TreeEnsemble>(TreeEnsemble::from_xgboost_json(model, n_features));
  out.info = {{"rounds", done}, {"trees", out.ensemble->n_trees()}};
  if (valid) {
    out.info["best_iteration"] = best_iteration;
    out.info["validation_metric"] = best;
  }
  return out;
}

}  // namespace

TreeFit fit_trees(const std::string& algorithm, const nlohmann::json& hp, const Eigen::MatrixXd& X,
                  const Eigen::VectorXd& y, Task task, int n_classes, int threads,
                  std::uint64_t seed, const std::atomic<bool>* cancel,
                  std::chrono::steady_clock::time_point deadline) {
  const bool forest = algorithm == "random_forest";
  const bool classify = task == Task::Classification;
  const int early_stopping = forest ? 0 : hp.at("early_stopping_rounds").get<int>();

  // Early stopping watches a validation part of the training split.
  std::vector<Eigen::Index> fit_rows, valid_rows;
  if (early_stopping > 0) {
    Eigen::VectorXi strata;
    if (classify) strata = y.cast<int>();
    const TrainTestSplit s = train_test_split(X.rows(), hp.at("validation_fraction").get<double>(),
                                              seed ^ 0x5eed, classify ? &strata : nullptr);
    fit_rows = s.train;
    valid_rows = s.test;
  } else {
    for (Eigen::Index i = 0; i < X.rows(); ++i) fit_rows.push_back(i);
  }
  DMatrix train(X, fit_rows, y);
  std::unique_ptr<DMatrix> valid;
  std::vector<DMatrixHandle> cache = {train.get()};
  if (!valid_rows.empty()) {
    valid = std::make_unique<DMatrix>(X, valid_rows, y);
    cache.push_back(valid->get());
  }
  // A forest is grown in chunks of trees (a booster each), so a cancellation is
  // heard between chunks.
  double mean = 0;
  for (Eigen::Index i : fit_rows) mean += y[i];
  mean /= static_cast<double>(std::max<size_t>(fit_rows.size(), 1));
  auto configure = [&](Booster& booster, std::uint64_t booster_seed) {
    configure_booster(booster, hp, forest, classify, n_classes, threads, booster_seed, mean);
  };
  const int rounds = hp.at("n_estimators").get<int>();
  if (forest) return fit_forest(X.cols(), train, cache, rounds, seed, configure, cancel, deadline);
  Booster booster(cache);
  configure(booster, seed);
  TreeFit out =
      fit_boosted(booster, X.cols(), train, valid.get(), rounds, early_stopping, cancel, deadline);
  if (valid) out.info["validation_rows"] = valid_rows.size();
  return out;
}

}  // namespace automl
