// report_documents.hpp — report documents for the renderer's tests, shaped as
// docs/report-documents.md describes them: a binary and a multiclass classifier, a
// regressor, a data report, and the pieces they are made of. Values are smooth and
// deterministic (curves like a decent model's), so the example pages look like real
// ones.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace automl::report_test {

using nlohmann::json;

// A numeric column (histogram of a bell shape) or a categorical one (top values).
inline json column_profile(const std::string& name, bool numeric, int seed) {
  json c = {{"name", name}, {"rows", 1000}, {"nulls", seed % 7}, {"distinct", numeric ? 61 : 6}};
  if (!numeric) {
    c["type"] = "categorical";
    c["sql_type"] = "text";
    c["top"] = json::array();
    for (int k = 0; k < 6; ++k)
      c["top"].push_back({{"value", name + " value " + std::to_string(k)}, {"count", 400 >> k}});
    return c;
  }
  const double lo = 10.0 * (seed % 5), width = 2.5 + seed % 3;
  c.update({{"type", "numeric"},
            {"sql_type", "double precision"},
            {"mean", lo + 10 * width},
            {"stddev", 3.2 * width},
            {"min", std::to_string(static_cast<int>(lo))},
            {"q1", lo + 7 * width},
            {"median", lo + 10 * width},
            {"q3", lo + 13 * width},
            {"max", std::to_string(static_cast<int>(lo + 20 * width))}});
  json edges = json::array(), counts = json::array();
  for (int k = 0; k <= 20; ++k) edges.push_back(lo + k * width);
  for (int k = 0; k < 20; ++k)
    counts.push_back(std::lround(120 * std::exp(-0.06 * (k - 9.5) * (k - 9.5))));
  c["histogram"] = {{"edges", edges}, {"counts", counts}};
  return c;
}

inline json profile(int columns) {
  json p = json::array();
  for (int i = 0; i < columns; ++i)
    p.push_back(
        column_profile(i % 3 == 2 ? "segment_" + std::to_string(i) : "feature_" + std::to_string(i),
                       i % 3 != 2, i));
  return p;
}

// One-vs-rest curves: a concave ROC whose area grows with `skill`.
inline json roc_entry(const std::string& cls, double skill, int points) {
  json pts = json::array();
  for (int k = 0; k < points; ++k) {
    const double fpr = static_cast<double>(k) / (points - 1);
    pts.push_back({1.0 - fpr, fpr, std::pow(fpr, 1.0 / skill)});
  }
  return {{"class", cls}, {"auc", skill / (skill + 1)}, {"points", pts}};
}

inline json pr_entry(const std::string& cls, double skill, int points) {
  json pts = json::array();
  for (int k = 0; k < points; ++k) {
    const double recall = static_cast<double>(k) / (points - 1);
    pts.push_back({1.0 - recall, 1.0 - 0.7 * std::pow(recall, skill), recall});
  }
  return {{"class", cls}, {"average_precision", 1.0 - 0.7 / (skill + 1)}, {"points", pts}};
}

inline json calibration_bins() {
  json bins = json::array();
  for (int k = 0; k < 10; ++k) {
    const double mid = (k + 0.5) / 10;
    bins.push_back({{"lower", k / 10.0},
                    {"upper", (k + 1) / 10.0},
                    {"mean_predicted", mid},
                    {"fraction_positive", mid + 0.08 * std::sin(mid * 6.28)},
                    {"count", 10 + 25 * (k % 4)}});
  }
  return bins;
}

inline json importances(int features) {
  json fi = json::array();
  double total = 0;
  for (int i = 0; i < features; ++i) total += 1.0 / (i + 1);
  for (int i = 0; i < features; ++i)
    fi.push_back(
        {{"feature", "feature_" + std::to_string(i)}, {"importance", 1.0 / (i + 1) / total}});
  return fi;
}

inline json trials(int n, const std::string& metric) {
  json t = json::array();
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 1; i <= n; ++i) {
    const bool failed = i % 11 == 5;
    t.push_back({{"trial", i},
                 {"algorithm", i % 2 ? "xgboost" : "logistic_regression"},
                 {"hyperparams", {{"max_depth", 2 + i % 6}, {"learning_rate", 0.05 * (1 + i % 4)}}},
                 {"metric", metric},
                 {"value", failed ? json(nullptr) : json(0.6 + 0.3 * u(rng))},
                 {"std", nullptr},
                 {"seconds", 0.1 + u(rng)},
                 {"rows", 750},
                 {"status", failed ? "failed" : "ok"}});
  }
  return t;
}

inline json model_document(const std::string& task) {
  json inputs = json::array();
  for (int i = 0; i < 12; ++i)
    inputs.push_back({{"name", "feature_" + std::to_string(i)},
                      {"type", "numeric"},
                      {"sql_type", "double precision"}});
  return {{"generated_at", "2026-12-02 11:00:00+00"},
          {"model",
           {{"id", 7},
            {"project", "churn"},
            {"version", 3},
            {"algorithm", "xgboost"},
            {"task", task},
            {"target", "churned"},
            {"hyperparams", {{"max_depth", 6}, {"learning_rate", 0.1}, {"n_estimators", 200}}},
            {"metrics",
             {{"accuracy", 0.912345},
              {"f1", 0.8123},
              {"roc_auc", 0.93},
              {"cv", {{"folds", 5}, {"metric", "f1"}, {"mean", 0.81}, {"std", 0.02}}},
              {"feature_importance", {{"feature_0", 0.5}}}}},
            {"feature_version", "fv-2"},
            {"size_bytes", 123456},
            {"created_by", "alice"},
            {"created_at", "2026-12-01 10:00:00+00"}}},
          {"info",
           {{"rows", 1000},
            {"train_rows", 750},
            {"test_rows", 250},
            {"inputs", inputs},
            {"read_seconds", 0.31},
            {"train_seconds", 4.2},
            {"phase_seconds",
             {{"preprocess", 0.1}, {"search", 3.4}, {"final_fit", 0.5}, {"evaluate", 0.2}}}}},
          {"job",
           {{"id", 12},
            {"status", "succeeded"},
            {"created_at", "2026-12-01 09:59:00+00"},
            {"started_at", "2026-12-01 09:59:30+00"},
            {"finished_at", "2026-12-01 10:00:00+00"},
            {"attempts", 1},
            {"worker", "worker-1"}}},
          {"deployment",
           {{"state", "serving"},
            {"strategy", "job:if_better"},
            {"deployed_at", "2026-12-01 10:00:01+00"},
            {"weight", nullptr}}},
          {"evaluation",
           {{"version", 1},
            {"evaluated_on", "held_out"},
            {"rows", 250},
            {"feature_importance", importances(12)},
            {"importance_method", "mean_abs_shap"},
            {"profile", profile(6)}}},
          {"trials", trials(40, "f1")}};
}

inline json binary_model() {
  json doc = model_document("classification");
  json& ev = doc["evaluation"];
  ev["classes"] = {"no", "yes"};
  doc["model"]["classes"] = ev["classes"];
  ev["confusion_matrix"] = {{{"actual", "no"}, {"predicted", "no"}, {"count", 150}},
                            {{"actual", "no"}, {"predicted", "yes"}, {"count", 12}},
                            {{"actual", "yes"}, {"predicted", "no"}, {"count", 20}},
                            {{"actual", "yes"}, {"predicted", "yes"}, {"count", 68}}};
  ev["roc_curve"] = json::array({roc_entry("yes", 4, 100)});
  ev["pr_curve"] = json::array({pr_entry("yes", 3, 100)});
  ev["calibration"] = {{"kind", "positive_class"}, {"class", "yes"}, {"bins", calibration_bins()}};
  return doc;
}

inline json multiclass_model(int classes, int curve_points) {
  json doc = model_document("classification");
  json& ev = doc["evaluation"];
  ev["classes"] = json::array();
  ev["confusion_matrix"] = json::array();
  ev["roc_curve"] = json::array();
  ev["pr_curve"] = json::array();
  for (int a = 0; a < classes; ++a) {
    const std::string label = "class_" + std::to_string(a);
    ev["classes"].push_back(label);
    for (int p = 0; p < classes; ++p)
      if (a == p || (a + p) % 3 == 0)
        ev["confusion_matrix"].push_back({{"actual", label},
                                          {"predicted", "class_" + std::to_string(p)},
                                          {"count", a == p ? 40 + 3 * a : 1 + (a * p) % 9}});
    if (a < 20) {
      ev["roc_curve"].push_back(roc_entry(label, 2 + 0.3 * a, curve_points));
      ev["pr_curve"].push_back(pr_entry(label, 2 + 0.3 * a, curve_points));
    }
  }
  doc["model"]["classes"] = ev["classes"];
  ev["calibration"] = {{"kind", "confidence"}, {"class", nullptr}, {"bins", calibration_bins()}};
  return doc;
}

inline json residuals(int samples) {
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 4);
  json sample = json::array();
  for (int i = 0; i < samples; ++i) {
    const double actual = 20 + 60.0 * i / samples;
    sample.push_back({actual, actual + noise(rng)});
  }
  json edges = json::array(), counts = json::array();
  for (int k = 0; k <= 30; ++k) edges.push_back(-15 + k);
  for (int k = 0; k < 30; ++k)
    counts.push_back(std::lround(60 * std::exp(-(k - 14.5) * (k - 14.5) / 32)));
  return {{"sample", sample},
          {"quantiles",
           {{0.0, -14.2},
            {0.05, -6.5},
            {0.25, -2.7},
            {0.5, 0.1},
            {0.75, 2.8},
            {0.95, 6.6},
            {1.0, 13.9}}},
          {"histogram", {{"edges", edges}, {"counts", counts}}}};
}

inline json regression_model() {
  json doc = model_document("regression");
  doc["model"]["target"] = "price";
  doc["model"]["metrics"] = {{"r2", 0.87}, {"mae", 3.21}, {"rmse", 4.05}};
  doc["evaluation"]["residuals"] = residuals(400);
  doc["evaluation"]["importance_method"] = "mean_abs_contribution";
  doc["trials"] = trials(25, "rmse");
  for (auto& t : doc["trials"])
    if (t["value"].is_number()) t["value"] = 3 + 2 * t["value"].get<double>();
  return doc;
}

inline json data_document(int columns) {
  json doc = {{"generated_at", "2026-12-02 11:00:00+00"},
              {"relation", "public.adult"},
              {"rows", 48842},
              {"sampled", true},
              {"sample_rows", 10000},
              {"columns", profile(columns)}};
  json names = json::array(), matrix = json::array();
  for (const auto& c : doc["columns"])
    if (c["type"] == "numeric" && names.size() < 8) names.push_back(c["name"]);
  for (std::size_t r = 0; r < names.size(); ++r) {
    json row = json::array();
    for (std::size_t c = 0; c < names.size(); ++c)
      row.push_back(r == c ? 1.0 : std::round(100 * std::sin(1.0 + r * 3 + c * 3 + r * c)) / 100);
    matrix.push_back(row);
  }
  doc["correlations"] = {{"columns", names}, {"matrix", matrix}};
  return doc;
}

}  // namespace automl::report_test
