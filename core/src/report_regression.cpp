// report_regression.cpp — a regressor's evaluation as charts: predicted against actual
// on a uniform sample of rows, the histogram of the residuals (actual − predicted) and
// their quantiles.
#include <cmath>
#include <string>
#include <vector>

#include "report_sections.hpp"
#include "svg_charts.hpp"

namespace automl::report {
namespace {

void predicted_vs_actual(HtmlOut& out, const nlohmann::json& residuals) {
  std::vector<Point> points;
  if (const nlohmann::json* sample = non_empty_array(member(residuals, "sample"))) {
    points.reserve(sample->size());
    for (const auto& row : *sample) {
      const std::vector<double> v = number_array(row);
      if (v.size() >= 2) points.push_back({v[0], v[1]});
    }
  }
  begin_figure(out);
  if (!scatter_chart(out, {"predicted-vs-actual", "Predicted against actual", ""}, "Actual",
                     "Predicted", points))
    not_available(out, "Predicted against actual");
  end_figure(out,
             "A uniform sample of the evaluated rows; on the dashed line a prediction is exact.");
}

void residual_histogram(HtmlOut& out, const nlohmann::json& residuals) {
  const nlohmann::json& h = member(residuals, "histogram");
  HistogramChart chart;
  chart.id = {"residual-histogram", "Histogram of the residuals", ""};
  chart.edges = number_array(member(h, "edges"));
  chart.counts = number_array(member(h, "counts"));
  chart.x_title = "Residual (actual − predicted)";
  chart.y_title = "Rows";
  chart.size = {460, 340};
  chart.zero_line = true;
  begin_figure(out);
  if (!histogram_chart(out, chart)) not_available(out, "Residual histogram");
  end_figure(out, "Residuals of the evaluated rows; the dashed line marks zero error.");
}

std::string quantile_name(double q) {
  if (q == 0) return "Min";
  if (q == 1) return "Max";
  if (q == 0.5) return "Median";
  return format_number(q * 100, 3) + "%";
}

void quantile_table(HtmlOut& out, const nlohmann::json& residuals) {
  const nlohmann::json* quantiles = non_empty_array(member(residuals, "quantiles"));
  out.raw("<h3>Residual quantiles</h3>\n");
  if (!quantiles) {
    not_available(out, "Residual quantiles");
    return;
  }
  std::vector<std::string> header;
  std::vector<std::string> values;
  for (const auto& entry : *quantiles) {
    const std::vector<double> v = number_array(entry);
    if (v.size() < 2 || !std::isfinite(v[0])) continue;
    header.push_back(quantile_name(v[0]));
    values.push_back(format_number(v[1], 4));
  }
  data_table(out, header, {values}, std::vector<bool>(header.size(), true), "grid small");
}

}  // namespace

void regression_charts(HtmlOut& out, const nlohmann::json& evaluation) {
  const nlohmann::json& residuals = member(evaluation, "residuals");
  begin_figures(out);
  predicted_vs_actual(out, residuals);
  residual_histogram(out, residuals);
  end_figures(out);
  quantile_table(out, residuals);
}

}  // namespace automl::report
