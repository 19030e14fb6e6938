// report.hpp — the HTML reports behind automl.report(model_id) and
// automl.describe_report(relation): one JSON document in (docs/report-documents.md),
// one self-contained HTML page out, with inline SVG charts and no script, style sheet,
// font or image from anywhere else, so that a page saved from a tenant's database
// renders offline and cannot run anything.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace automl {

// The model report: header, model card, metrics, the evaluation's charts (confusion
// matrix, ROC / PR curves, calibration, or predicted vs actual and residuals), feature
// importance, the search's trials and the training data's profile. Any field may be
// missing or null; the page then says that part is not available. Never throws for the
// document's content.
std::string render_model_report(const nlohmann::json& doc);

// The data report of a relation: its columns' profiles as a table and small charts,
// and the correlations of its numeric columns as a heat map.
std::string render_data_report(const nlohmann::json& doc);

}  // namespace automl
