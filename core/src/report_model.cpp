// report_model.cpp — render_model_report(): the page behind automl.report(model_id).
// In order: header, model card, metrics, the evaluation's charts for the model's task,
// feature importance, the search's trials and the training data's profile. The model
// card gathers what an auditor asks first: what was trained on what, by whom, how long
// it took and whether it serves.
#include <string>
#include <vector>

#include "automl/report.hpp"
#include "report_sections.hpp"

namespace automl::report {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxListedFeatures = 50, kMaxListedClasses = 30;

std::string seconds(const json& v) {
  const auto s = finite_number(v);
  return s ? format_number(*s, 3) + " s" : "";
}

std::string join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

// "label value" when there is a value.
std::string labelled(const std::string& label, const std::string& value) {
  return value.empty() ? "" : label + " " + value;
}

std::string features(const json& info, const json& model) {
  std::vector<std::string> lines;
  const json* inputs = non_empty_array(member(info, "inputs"));
  const json* names = inputs ? inputs : non_empty_array(member(model, "feature_names"));
  if (!names) return "";
  for (const auto& f : *names) {
    if (lines.size() == kMaxListedFeatures) {
      lines.push_back("… and " +
                      format_number(static_cast<double>(names->size() - kMaxListedFeatures)) +
                      " more (the training data profile lists them all)");
      break;
    }
    if (!inputs) {
      lines.push_back(display_text(f, 200));
      continue;
    }
    const std::string type = display_text(member(f, "type"), 60);
    const std::string sql_type = display_text(member(f, "sql_type"), 60);
    lines.push_back(display_text(member(f, "name"), 200) + (type.empty() ? "" : ": " + type) +
                    (sql_type.empty() ? "" : " (" + sql_type + ")"));
  }
  return format_number(static_cast<double>(names->size())) + " inputs\n" + join(lines, "\n");
}

// "2 classes: no, yes", the first kMaxListedClasses of them.
std::string classes(const json& list) {
  if (!non_empty_array(list)) return "";
  std::vector<std::string> names;
  for (const auto& c : list) {
    if (names.size() == kMaxListedClasses) {
      names.push_back("…");
      break;
    }
    names.push_back(display_text(c, 80));
  }
  return format_number(static_cast<double>(list.size())) + " classes: " + join(names, ", ");
}

std::string rows(const json& info) {
  return join({display_text(member(info, "rows")),
               labelled("train", display_text(member(info, "train_rows"))),
               labelled("test", display_text(member(info, "test_rows")))},
              ", ");
}

std::string timings(const json& info) {
  std::vector<std::string> parts = {labelled("read", seconds(member(info, "read_seconds"))),
                                    labelled("train", seconds(member(info, "train_seconds")))};
  const json& phases = member(info, "phase_seconds");
  if (phases.is_object())
    for (const auto& [phase, value] : phases.items())
      parts.push_back(labelled(phase, seconds(value)));
  return join(parts, "\n");
}

std::string job(const json& j) {
  if (!j.is_object()) return "";
  const std::string id = display_text(member(j, "id"));
  return join({(id.empty() ? "" : "#" + id + " ") + display_text(member(j, "status")),
               labelled("created", display_text(member(j, "created_at"))),
               labelled("started", display_text(member(j, "started_at"))),
               labelled("finished", display_text(member(j, "finished_at"))),
               labelled("attempts", display_text(member(j, "attempts"))),
               labelled("worker", display_text(member(j, "worker")))},
              "\n");
}

std::string deployment(const json& d) {
  return join(
      {display_text(member(d, "state")), labelled("strategy", display_text(member(d, "strategy"))),
       labelled("since", display_text(member(d, "deployed_at"))),
       labelled("weight", display_text(member(d, "weight")))},
      ", ");
}

std::string size_text(const json& v) {
  const auto bytes = finite_number(v);
  if (!bytes) return "";
  const std::string exact = format_number(*bytes) + " bytes";
  if (*bytes >= 1e6) return exact + " (" + format_number(*bytes / 1e6, 3) + " MB)";
  if (*bytes >= 1e3) return exact + " (" + format_number(*bytes / 1e3, 3) + " kB)";
  return exact;
}

void model_card(HtmlOut& out, const json& doc) {
  const json& model = member(doc, "model");
  const json& info = member(doc, "info");
  KeyValues card = {{"Project", display_text(member(model, "project"))},
                    {"Version", display_text(member(model, "version"))},
                    {"Model id", display_text(member(model, "id"))},
                    {"Algorithm", display_text(member(model, "algorithm"))},
                    {"Task", display_text(member(model, "task"))},
                    {"Target", display_text(member(model, "target"))},
                    {"Hyper-parameters", object_entries(member(model, "hyperparams"), "\n")},
                    {"Rows", rows(info)},
                    {"Features", features(info, model)},
                    {"Feature version", display_text(member(model, "feature_version"))},
                    {"Job", job(member(doc, "job"))},
                    {"Timings", timings(info)},
                    {"Deployment", deployment(member(doc, "deployment"))},
                    {"Size", size_text(member(model, "size_bytes"))},
                    {"Created by", display_text(member(model, "created_by"))},
                    {"Created at", display_text(member(model, "created_at"))}};
  // A regressor has no classes; saying they are not available would mislead.
  const std::string labels = classes(member(model, "classes"));
  if (!labels.empty() || display_text(member(model, "task")) == "classification")
    card.insert(card.begin() + 6, {"Classes", labels});
  begin_section(out, "model-card", "Model card");
  key_value_table(out, card);
  end_section(out);
}

// A metric's value: numbers with four significant digits, objects (cv) as their
// entries on one line.
std::string metric_value(const json& v) {
  if (v.is_number()) return format_number(v.get<double>(), 4);
  return v.is_object() ? object_entries(v, ", ", 20, 4) : display_text(v, 200);
}

void metrics_section(HtmlOut& out, const json& metrics) {
  begin_section(out, "metrics", "Metrics");
  std::vector<std::vector<std::string>> rows;
  if (metrics.is_object())
    for (const auto& [name, value] : metrics.items())
      if (name != "feature_importance" && !value.is_null())
        rows.push_back({name, metric_value(value)});
  if (rows.empty())
    not_available(out, "Metrics");
  else
    data_table(out, {"Metric", "Value"}, rows, {false, true}, "grid small");
  end_section(out);
}

bool is_classification(const json& model, const json& evaluation) {
  const std::string task = display_text(member(model, "task"));
  if (task == "classification" || task == "regression") return task == "classification";
  return !member(evaluation, "confusion_matrix").is_null() ||
         !member(evaluation, "roc_curve").is_null();
}

void evaluation_section(HtmlOut& out, const json& model, const json& evaluation) {
  begin_section(out, "evaluation", "Evaluation");
  if (!evaluation.is_object()) {
    not_available(out, "Evaluation",
                  "this model has no stored evaluation (models trained before 0.2.0 have none)");
    end_section(out);
    return;
  }
  const std::string on = display_text(member(evaluation, "evaluated_on"));
  const std::string where = on == "held_out"           ? "held-out rows"
                            : on == "training_rows"    ? "the training rows"
                            : on == "cross_validation" ? "the training rows (cross-validation)"
                            : on.empty()               ? "rows not recorded"
                                                       : on;
  const std::string rows = display_text(member(evaluation, "rows"));
  note(out, "Evaluated on " + where + (rows.empty() ? "." : " (" + rows + " rows)."));
  if (display_text(member(model, "task")) == "clustering")
    clustering_charts(out, evaluation);
  else if (is_classification(model, evaluation))
    classification_charts(out, evaluation);
  else
    regression_charts(out, evaluation);
  end_section(out);
}

void profile_section(HtmlOut& out, const json& evaluation) {
  begin_section(out, "training-profile", "Training data profile");
  const json& profile = member(evaluation, "profile");
  profile_table(out, profile);
  profile_charts(out, profile);
  end_section(out);
}

}  // namespace
}  // namespace automl::report

namespace automl {

std::string render_model_report(const nlohmann::json& doc) {
  using namespace report;
  const nlohmann::json& model = member(doc, "model");
  const nlohmann::json& evaluation = member(doc, "evaluation");
  std::string project = display_text(member(model, "project"), 120);
  if (project.empty()) project = "Model " + display_text(member(model, "id"), 40);
  if (project == "Model ") project = "Model";
  const std::string version = display_text(member(model, "version"));
  const std::string heading = project + (version.empty() ? "" : " · version " + version);
  HtmlOut out;
  begin_page(out, "Model report: " + heading, heading,
             join({display_text(member(model, "algorithm")), display_text(member(model, "task")),
                   labelled("created", display_text(member(model, "created_at")))},
                  " · "));
  model_card(out, doc);
  metrics_section(out, member(model, "metrics"));
  evaluation_section(out, model, evaluation);
  feature_importance_section(out, evaluation, member(model, "metrics"));
  trials_section(out, member(doc, "trials"));
  profile_section(out, evaluation);
  end_page(out, display_text(member(doc, "generated_at")));
  return out.take();
}

}  // namespace automl
