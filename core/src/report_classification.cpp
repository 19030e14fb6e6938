// report_classification.cpp — a classifier's evaluation as charts: the confusion
// matrix (actual × predicted, coloured by the share of each actual class so that rare
// classes read as well as common ones), ROC and precision-recall curves per class, and
// the calibration diagram.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

#include "report_sections.hpp"
#include "svg_charts.hpp"

namespace automl::report {
namespace {

// Beyond this many classes a matrix is unreadable; the most frequent actual classes
// are kept.
constexpr std::size_t kMaxMatrixClasses = 30;
constexpr std::size_t kMaxCurves = 20;

struct Cell {
  std::size_t actual, predicted;
  double count;
};

// Class labels in the evaluation's order, then any label only the cells name.
class Labels {
 public:
  std::size_t index(const std::string& label) {
    const auto [it, added] = index_.emplace(label, names.size());
    if (added) names.push_back(label);
    return it->second;
  }
  std::vector<std::string> names;

 private:
  std::unordered_map<std::string, std::size_t> index_;
};

// The classes shown: all of them, or the kMaxMatrixClasses most frequent actual ones
// in their original order.
std::vector<std::size_t> shown_classes(const std::vector<double>& row_total) {
  std::vector<std::size_t> order(row_total.size());
  std::iota(order.begin(), order.end(), 0);
  if (order.size() <= kMaxMatrixClasses) return order;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return row_total[a] > row_total[b]; });
  order.resize(kMaxMatrixClasses);
  std::sort(order.begin(), order.end());
  return order;
}

Heatmap confusion_heatmap(const Labels& labels, const std::vector<Cell>& cells) {
  std::vector<double> row_total(labels.names.size(), 0);
  for (const Cell& c : cells) row_total[c.actual] += c.count;
  const std::vector<std::size_t> shown = shown_classes(row_total);
  std::vector<std::size_t> slot(labels.names.size(), shown.size());  // shown.size(): "other"
  for (std::size_t i = 0; i < shown.size(); ++i) slot[shown[i]] = i;
  bool other = false;
  for (const Cell& c : cells)
    other |= slot[c.actual] < shown.size() && slot[c.predicted] == shown.size();
  Heatmap m;
  m.id = {"confusion-matrix", "Confusion matrix (rows: actual class, columns: predicted class)",
          ""};
  for (std::size_t k : shown) m.rows.push_back(labels.names[k]);
  m.cols = m.rows;
  if (other) m.cols.push_back("(other)");
  m.values.assign(m.rows.size() * m.cols.size(), 0);
  for (const Cell& c : cells)
    if (slot[c.actual] < shown.size())
      m.values[slot[c.actual] * m.cols.size() + std::min(slot[c.predicted], m.cols.size() - 1)] +=
          c.count;
  m.shades.resize(m.values.size());
  for (std::size_t r = 0; r < m.rows.size(); ++r)
    for (std::size_t c = 0; c < m.cols.size(); ++c) {
      const double total = row_total[shown[r]];
      m.shades[r * m.cols.size() + c] = total > 0 ? m.values[r * m.cols.size() + c] / total : 0;
    }
  m.row_title = "Actual";
  m.col_title = "Predicted";
  m.legend_title = "Share of actual class";
  m.legend_low = "0%";
  m.legend_high = "100%";
  m.totals = true;
  return m;
}

void confusion_matrix(HtmlOut& out, const nlohmann::json& evaluation) {
  const nlohmann::json* entries = non_empty_array(member(evaluation, "confusion_matrix"));
  begin_figure(out);
  if (!entries) {
    not_available(out, "Confusion matrix");
    end_figure(out);
    return;
  }
  Labels labels;
  if (const nlohmann::json* classes = non_empty_array(member(evaluation, "classes")))
    for (const auto& c : *classes) labels.index(display_text(c));
  std::vector<Cell> cells;
  for (const auto& e : *entries) {
    const auto count = finite_number(member(e, "count"));
    if (!count || *count < 0) continue;
    const std::size_t a = labels.index(display_text(member(e, "actual")));
    cells.push_back({a, labels.index(display_text(member(e, "predicted"))), *count});
  }
  const Heatmap m = confusion_heatmap(labels, cells);
  if (!heatmap_chart(out, m)) not_available(out, "Confusion matrix", "no usable cells");
  std::string caption =
      "Rows are actual classes, columns predicted; each number counts rows, the colour is "
      "that cell's share of its actual class.";
  if (labels.names.size() > kMaxMatrixClasses)
    caption += " Showing the " + format_number(kMaxMatrixClasses) + " most frequent of " +
               format_number(static_cast<double>(labels.names.size())) +
               " actual classes; predictions of the others are summed in (other).";
  end_figure(out, caption);
}

// Curves of one kind: ROC ([threshold, fpr, tpr]: x = fpr, y = tpr) or precision-recall
// ([threshold, precision, recall]: x = recall, y = precision).
CurveChart curves(const nlohmann::json& entries, bool roc) {
  CurveChart chart;
  for (const auto& e : entries) {
    if (chart.series.size() == kMaxCurves) break;
    Series s;
    const auto area = finite_number(member(e, roc ? "auc" : "average_precision"));
    s.label = display_text(member(e, "class"), 80);
    if (s.label.empty()) s.label = "positive class";
    s.label += std::string(roc ? " (AUC " : " (AP ") + (area ? format_number(*area, 3) : "–") + ")";
    if (const nlohmann::json* points = non_empty_array(member(e, "points")))
      for (const auto& p : *points) {
        const std::vector<double> v = number_array(p);
        if (v.size() >= 3) s.points.push_back(roc ? Point{v[1], v[2]} : Point{v[2], v[1]});
      }
    chart.series.push_back(std::move(s));
  }
  return chart;
}

void curve_figure(HtmlOut& out, const nlohmann::json& evaluation, bool roc) {
  const nlohmann::json* entries =
      non_empty_array(member(evaluation, roc ? "roc_curve" : "pr_curve"));
  const char* what = roc ? "ROC curve" : "Precision-recall curve";
  begin_figure(out);
  CurveChart chart = entries ? curves(*entries, roc) : CurveChart{};
  chart.id = {roc ? "roc-curve" : "pr-curve", roc ? "ROC curves" : "Precision-recall curves", ""};
  chart.x_title = roc ? "False positive rate" : "Recall";
  chart.y_title = roc ? "True positive rate" : "Precision";
  chart.chance_diagonal = roc;
  if (!entries || !curve_chart(out, chart)) not_available(out, what);
  const bool one_vs_rest = entries && entries->size() > 1;
  end_figure(out, one_vs_rest ? std::string(what) + "s, one class against the rest."
                              : std::string(what) + ".");
}

void calibration(HtmlOut& out, const nlohmann::json& evaluation) {
  const nlohmann::json& cal = member(evaluation, "calibration");
  const bool confidence = display_text(member(cal, "kind")) == "confidence";
  std::vector<CalibrationBin> bins;
  if (const nlohmann::json* list = non_empty_array(member(cal, "bins")))
    for (const auto& b : *list)
      bins.push_back({finite_number(member(b, "mean_predicted")).value_or(NAN),
                      finite_number(member(b, "fraction_positive")).value_or(NAN),
                      finite_number(member(b, "count")).value_or(0)});
  const std::string cls = display_text(member(cal, "class"), 80);
  const std::string title = confidence    ? "Calibration of the top-class confidence"
                            : cls.empty() ? "Calibration"
                                          : "Calibration of P(" + cls + ")";
  begin_figure(out);
  if (!calibration_chart(out, {"calibration", title, ""},
                         confidence ? "Mean confidence" : "Mean predicted probability",
                         confidence ? "Fraction correct" : "Fraction positive", bins))
    not_available(out, "Calibration");
  end_figure(out, title + ": points on the diagonal mean the predicted probabilities hold.");
}

}  // namespace

void classification_charts(HtmlOut& out, const nlohmann::json& evaluation) {
  begin_figures(out);
  confusion_matrix(out, evaluation);
  curve_figure(out, evaluation, true);
  curve_figure(out, evaluation, false);
  calibration(out, evaluation);
  end_figures(out);
}

}  // namespace automl::report
