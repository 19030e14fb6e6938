// report_sections.hpp — the sections the two report pages are assembled from. Each
// reads its part of the document (docs/report-documents.md), draws what is there and
// says plainly what is not; none throws for a missing or mistyped field.
#pragma once

#include <nlohmann/json.hpp>

#include "html_writer.hpp"

namespace automl::report {

// Column profiles (the data report's columns, the training data's profile): a table of
// every column, then a small chart per column (column-histogram or top-values).
void profile_table(HtmlOut& out, const nlohmann::json& columns);
void profile_charts(HtmlOut& out, const nlohmann::json& columns);

// The classification charts of an evaluation: confusion matrix, ROC and PR curves,
// calibration.
void classification_charts(HtmlOut& out, const nlohmann::json& evaluation);

// The regression charts of an evaluation: predicted vs actual, residual histogram and
// the residuals' quantiles.
void regression_charts(HtmlOut& out, const nlohmann::json& evaluation);

// A clustering model's evaluation: rows per cluster and the silhouette.
void clustering_charts(HtmlOut& out, const nlohmann::json& evaluation);

// Feature importance from the evaluation, or from the model's metrics for models
// whose evaluation has none.
void feature_importance_section(HtmlOut& out, const nlohmann::json& evaluation,
                                const nlohmann::json& metrics);

// A search's trials: the chart and the best trials as a table.
void trials_section(HtmlOut& out, const nlohmann::json& trials);

}  // namespace automl::report
