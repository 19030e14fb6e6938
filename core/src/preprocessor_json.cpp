// preprocessor_json.cpp — a fitted Preprocessor in the model file
// (docs/model-format.md): written by to_json, read back and checked by from_json,
// and built from a format-1 file's plain scaler by numeric_scaler.
#include <algorithm>
#include <cmath>

#include "automl/error.hpp"
#include "automl/preprocessor.hpp"
#include "json_numbers.hpp"
#include "preprocessor_internal.hpp"

namespace automl {
namespace {

using preprocessor_internal::in_quotes;
using preprocessor_internal::parts_per_value;

constexpr size_t kMaxEncodingWidth = 1000;

}  // namespace

// A categorical step's target encoding: sorted distinct categories, `width` finite
// values each, and as many priors.
void Preprocessor::read_target_encoding(const nlohmann::json& j, const std::string& column,
                                        Step& step) {
  const std::string what = "model file: target encoding of " + in_quotes(column);
  if (!j.is_object()) invalid(what + " is not an object");
  step.encoded = j.at("categories").get<std::vector<std::string>>();
  step.encodings = j.at("values").get<std::vector<double>>();
  step.prior = j.at("prior").get<std::vector<double>>();
  const size_t width = step.prior.size();
  if (width > kMaxEncodingWidth)
    invalid(what + " has more than " + std::to_string(kMaxEncodingWidth) + " outputs");
  if (width == 0 || step.encodings.size() / width != step.encoded.size() ||
      step.encodings.size() % width != 0)
    invalid(what + " has the wrong number of values");
  if (!std::is_sorted(step.encoded.begin(), step.encoded.end()) ||
      std::adjacent_find(step.encoded.begin(), step.encoded.end()) != step.encoded.end())
    invalid(what + ": categories are not sorted and distinct");
  for (const std::vector<double>* v : {&step.encodings, &step.prior})
    for (double x : *v)
      if (!std::isfinite(x)) invalid(what + " has a value that is not finite");
}

nlohmann::json Preprocessor::to_json() const {
  nlohmann::json inputs = nlohmann::json::array(), steps = nlohmann::json::array();
  auto scaling_json = [](const Scaling& s) { return nlohmann::json::array({s.mean, s.scale}); };
  for (size_t c = 0; c < inputs_.size(); ++c) {
    const auto& s = inputs_[c];
    inputs.push_back({{"name", s.name},
                      {"type", to_string(s.type)},
                      {"width", s.width},
                      {"sql_type", s.sql_type}});
    const Step& step = steps_[c];
    nlohmann::json scalings = nlohmann::json::array();
    for (const auto& sc : step.scalings) scalings.push_back(scaling_json(sc));
    nlohmann::json j = {{"impute", step.impute}, {"scalings", scalings}};
    if (s.type == ColumnType::Categorical) {
      j["categories"] = step.categories;
      j["other"] = step.has_other;
      j["fill"] = step.fill_text;
      if (!step.prior.empty())
        j["target_encoding"] = {
            {"categories", step.encoded}, {"values", step.encodings}, {"prior", step.prior}};
    } else {
      j["fills"] = step.fills;
    }
    steps.push_back(j);
  }
  nlohmann::json ratios = nlohmann::json::array(), zscores = nlohmann::json::array();
  for (const Ratio& r : ratios_)
    ratios.push_back(
        {{"a", r.a}, {"b", r.b}, {"fill", r.fill}, {"scaling", scaling_json(r.scaling)}});
  for (const ZScore& z : zscores_)
    zscores.push_back({{"column", z.column}, {"scaling", scaling_json(z.scaling)}});
  return {{"inputs", inputs},
          {"steps", steps},
          {"ratios", ratios},
          {"zscores", zscores},
          {"feature_version", feature_version_}};
}

Preprocessor Preprocessor::from_json(const nlohmann::json& j) {
  Preprocessor p;
  auto scaling_from = [](const nlohmann::json& a) {
    Scaling s{a.at(0).get<double>(), a.at(1).get<double>()};
    if (!std::isfinite(s.mean) || !std::isfinite(s.scale) || s.scale == 0)
      invalid("model file: bad scaling");
    return s;
  };
  const auto& inputs = j.at("inputs");
  const auto& steps = j.at("steps");
  if (!inputs.is_array() || inputs.empty() || !steps.is_array() || steps.size() != inputs.size())
    invalid("model file: preprocessing inputs and steps do not match");
  for (size_t c = 0; c < inputs.size(); ++c) {
    ColumnSchema s;
    s.name = inputs[c].at("name").get<std::string>();
    s.type = column_type_from_string(inputs[c].at("type").get<std::string>());
    s.width =
        inputs[c].contains("width") ? checked_number<int>(inputs[c]["width"], "a column width") : 1;
    s.sql_type = inputs[c].value("sql_type", "");
    if (s.width < 1 || s.width > 100000 || (s.type != ColumnType::NumericArray && s.width != 1))
      invalid("model file: bad width of " + in_quotes(s.name));
    Step step;
    const auto& sj = steps[c];
    step.impute = sj.value("impute", "mean");
    for (const auto& sc : sj.at("scalings")) step.scalings.push_back(scaling_from(sc));
    size_t expected_scalings = 0;
    if (s.type == ColumnType::Categorical) {
      step.categories = sj.at("categories").get<std::vector<std::string>>();
      step.has_other = sj.at("other").get<bool>();
      step.fill_text = sj.at("fill").get<std::string>();
      if (!std::is_sorted(step.categories.begin(), step.categories.end()) ||
          std::adjacent_find(step.categories.begin(), step.categories.end()) !=
              step.categories.end())
        invalid("model file: categories of " + in_quotes(s.name) + " are not sorted and distinct");
      if (sj.contains("target_encoding")) read_target_encoding(sj["target_encoding"], s.name, step);
      expected_scalings = step.prior.size();
    } else {
      if (sj.contains("target_encoding"))
        invalid("model file: " + in_quotes(s.name) +
                " is not categorical but has a target encoding");
      step.fills = sj.at("fills").get<std::vector<double>>();
      if (step.fills.size() != static_cast<size_t>(s.width))
        invalid("model file: fills of " + in_quotes(s.name));
      for (double f : step.fills)
        if (!std::isfinite(f)) invalid("model file: fills of " + in_quotes(s.name));
      expected_scalings = static_cast<size_t>(s.width * parts_per_value(s.type));
    }
    if (step.scalings.size() != expected_scalings)
      invalid("model file: scalings of " + in_quotes(s.name));
    p.inputs_.push_back(std::move(s));
    p.steps_.push_back(std::move(step));
  }
  auto numeric_index = [&](const nlohmann::json& v) {
    const size_t c = checked_number<size_t>(v, "a ratio or z-score column");
    if (c >= p.inputs_.size() || p.inputs_[c].type != ColumnType::Numeric)
      invalid("model file: bad ratio or z-score column");
    return c;
  };
  for (const auto& r : j.value("ratios", nlohmann::json::array()))
    p.ratios_.push_back({numeric_index(r.at("a")), numeric_index(r.at("b")),
                         r.at("fill").get<double>(), scaling_from(r.at("scaling"))});
  for (const auto& z : j.value("zscores", nlohmann::json::array()))
    p.zscores_.push_back({numeric_index(z.at("column")), scaling_from(z.at("scaling"))});
  p.finish();
  if (j.contains("feature_version") &&
      j.at("feature_version").get<std::string>() != p.feature_version_)
    invalid("model file: feature_version does not match its preprocessing");
  return p;
}

Preprocessor Preprocessor::numeric_scaler(std::vector<std::string> names,
                                          const Eigen::VectorXd& mean,
                                          const Eigen::VectorXd& scale) {
  Preprocessor p;
  for (size_t c = 0; c < names.size(); ++c) {
    p.inputs_.push_back({names[c], ColumnType::Numeric, 1, "float8"});
    Step step;
    step.impute = "mean";
    step.fills = {mean[static_cast<Eigen::Index>(c)]};
    step.scalings = {{mean[static_cast<Eigen::Index>(c)], scale[static_cast<Eigen::Index>(c)]}};
    p.steps_.push_back(std::move(step));
  }
  p.finish();
  return p;
}

}  // namespace automl
