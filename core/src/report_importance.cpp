// report_importance.cpp — which inputs the model leans on: the evaluation's feature
// importance (or, for models trained before evaluations were stored, the shares in
// the model's metrics) as horizontal bars, the most important first.
#include <algorithm>
#include <string>
#include <vector>

#include "report_sections.hpp"
#include "svg_charts.hpp"

namespace automl::report {
namespace {

constexpr std::size_t kMaxBars = 30;

std::string method_name(const std::string& method) {
  if (method == "mean_abs_shap") return "mean |SHAP value|";
  if (method == "mean_abs_contribution") return "mean |contribution| (weight × value)";
  return method;
}

std::vector<Bar> importances(const nlohmann::json& evaluation, const nlohmann::json& metrics) {
  std::vector<Bar> bars;
  if (const nlohmann::json* list = non_empty_array(member(evaluation, "feature_importance"))) {
    for (const auto& e : *list)
      bars.push_back({display_text(member(e, "feature"), 200),
                      finite_number(member(e, "importance")).value_or(0)});
  } else if (const nlohmann::json& shares = member(metrics, "feature_importance");
             shares.is_object()) {
    for (const auto& [name, share] : shares.items())
      bars.push_back({name, finite_number(share).value_or(0)});
  }
  std::stable_sort(bars.begin(), bars.end(),
                   [](const Bar& a, const Bar& b) { return a.value > b.value; });
  return bars;
}

}  // namespace

void feature_importance_section(HtmlOut& out, const nlohmann::json& evaluation,
                                const nlohmann::json& metrics) {
  begin_section(out, "feature-importance", "Feature importance");
  std::vector<Bar> bars = importances(evaluation, metrics);
  if (bars.empty()) {
    not_available(out, "Feature importance");
    end_section(out);
    return;
  }
  const std::size_t total = bars.size();
  if (bars.size() > kMaxBars) bars.resize(kMaxBars);
  const std::string method = method_name(display_text(member(evaluation, "importance_method"), 60));
  std::string text = method.empty() ? "Each input's share of the model's total importance"
                                    : "Importance by " + method + ", as a share of the total";
  text += total > kMaxBars ? "; the top " + format_number(kMaxBars) + " of " +
                                 format_number(static_cast<double>(total)) + " features."
                           : ".";
  note(out, text);
  BarChart chart;
  chart.id = {"feature-importance", "Feature importance", ""};
  chart.bars = std::move(bars);
  chart.value_title = "Share of total importance";
  chart.width = 720;
  begin_figure(out);
  bar_chart(out, chart);
  end_figure(out);
  end_section(out);
}

}  // namespace automl::report
