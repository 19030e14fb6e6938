// report_clustering.cpp — a clustering model's evaluation: how many training rows each
// cluster holds, as horizontal bars, and the silhouette they score.
#include <string>
#include <vector>

#include "report_sections.hpp"
#include "svg_charts.hpp"

namespace automl::report {
namespace {

// Bars past this many clusters are summed into one "other clusters" bar.
constexpr std::size_t kMaxClusterBars = 50;

}  // namespace

void clustering_charts(HtmlOut& out, const nlohmann::json& evaluation) {
  const nlohmann::json& clusters = member(evaluation, "clusters");
  const std::vector<double> sizes = number_array(member(clusters, "sizes"));
  if (const auto silhouette = finite_number(member(clusters, "silhouette")))
    note(out, "Mean silhouette " + format_number(*silhouette, 4) +
                  " (from −1 to 1; higher: tighter, better separated clusters).");
  std::vector<Bar> bars;
  double other = 0;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    if (k < kMaxClusterBars)
      bars.push_back({"cluster " + format_number(static_cast<double>(k)), sizes[k]});
    else
      other += sizes[k];
  }
  if (sizes.size() > kMaxClusterBars) bars.push_back({"other clusters", other});
  BarChart chart;
  chart.id = {"cluster-sizes", "Rows per cluster", ""};
  chart.bars = std::move(bars);
  chart.value_title = "Training rows";
  begin_figure(out);
  if (!bar_chart(out, chart)) not_available(out, "Cluster sizes");
  end_figure(out, "Training rows assigned to each cluster's centre.");
}

}  // namespace automl::report
