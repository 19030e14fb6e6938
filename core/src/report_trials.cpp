// report_trials.cpp — a hyper-parameter search as the report shows it: every trial's
// score with the best so far, failed trials marked on the axis, and the best trials
// with their settings as a table.
#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "automl/metrics.hpp"
#include "report_sections.hpp"
#include "svg_charts.hpp"

namespace automl::report {
namespace {

constexpr std::size_t kBestTrials = 10;

// metric_higher_is_better() refuses names it does not know; a report still draws them,
// taking higher as better.
bool higher_is_better(const std::string& metric) {
  try {
    return metric_higher_is_better(metric);
  } catch (const std::exception&) {
    return true;
  }
}

std::string number_text(const nlohmann::json& v) {
  const auto x = finite_number(v);
  return x ? format_number(*x, 4) : display_text(v, 40);
}

bool failed(const nlohmann::json& trial) {
  const std::string status = display_text(member(trial, "status"));
  return !finite_number(member(trial, "value")) || (!status.empty() && status != "ok");
}

void best_trials_table(HtmlOut& out, const nlohmann::json& trials, bool higher) {
  std::vector<const nlohmann::json*> scored;
  for (const auto& t : trials)
    if (!failed(t)) scored.push_back(&t);
  std::stable_sort(scored.begin(), scored.end(),
                   [&](const nlohmann::json* a, const nlohmann::json* b) {
                     const double x = *finite_number(member(*a, "value")),
                                  y = *finite_number(member(*b, "value"));
                     return higher ? x > y : x < y;
                   });
  if (scored.size() > kBestTrials) scored.resize(kBestTrials);
  if (scored.empty()) return;
  std::vector<std::vector<std::string>> rows;
  for (const nlohmann::json* t : scored)
    rows.push_back({display_text(member(*t, "trial")), display_text(member(*t, "algorithm"), 80),
                    number_text(member(*t, "value")), number_text(member(*t, "std")),
                    number_text(member(*t, "seconds")), display_text(member(*t, "rows")),
                    object_entries(member(*t, "hyperparams"), ", ", 30, 4)});
  out.raw("<h3>Best trials</h3>\n");
  data_table(out, {"Trial", "Algorithm", "Score", "Std", "Seconds", "Rows", "Hyper-parameters"},
             rows, {true, false, true, true, true, true, false});
}

}  // namespace

void trials_section(HtmlOut& out, const nlohmann::json& trials) {
  begin_section(out, "trials", "Search trials");
  const nlohmann::json* list = non_empty_array(trials);
  if (!list) {
    not_available(out, "Search trials", "the model was not chosen by a search");
    end_section(out);
    return;
  }
  std::string metric;
  std::vector<TrialPoint> points;
  std::size_t failures = 0;
  for (const auto& t : *list) {
    if (metric.empty()) metric = display_text(member(t, "metric"), 80);
    const bool bad = failed(t);
    failures += bad ? 1 : 0;
    points.push_back(
        {finite_number(member(t, "trial")).value_or(static_cast<double>(points.size() + 1)),
         bad ? std::nullopt : finite_number(member(t, "value"))});
  }
  const bool higher = higher_is_better(metric);
  note(out, format_number(static_cast<double>(list->size())) + " trials, " +
                format_number(static_cast<double>(failures)) + " failed; " +
                (metric.empty() ? std::string("score") : metric) +
                (higher ? ", higher is better." : ", lower is better."));
  begin_figure(out);
  if (!trials_chart(out, {"trials", "Score of each trial", ""}, points,
                    metric.empty() ? "Score" : metric, higher))
    not_available(out, "Trials chart");
  end_figure(out);
  best_trials_table(out, *list, higher);
  end_section(out);
}

}  // namespace automl::report
