// preprocess_options.cpp — the "preprocess" object of a job's spec: validated once,
// and written back in full (defaults included) into the normalised spec.
#include <set>

#include "automl/error.hpp"
#include "automl/preprocessor.hpp"

namespace automl {
namespace {

const std::set<std::string> kStrategies = {"mean", "median", "most_frequent", "constant"};

void check_strategy(const std::string& s) {
  if (!kStrategies.count(s))
    invalid("unknown imputation strategy \"" + s + "\"",
            "strategies: mean, median, most_frequent, constant");
}

// "impute": one strategy, or an object of column: strategy where "*" is the default.
void parse_impute(const nlohmann::json& value, PreprocessOptions& o) {
  if (value.is_string()) {
    check_strategy(o.impute = value.get<std::string>());
    return;
  }
  if (!value.is_object())
    invalid("preprocess.impute must be a strategy or an object of column: strategy");
  for (const auto& [column, strategy] : value.items()) {
    if (!strategy.is_string()) invalid("preprocess.impute." + column + " must be a string");
    check_strategy(strategy.get<std::string>());
    if (column == "*")
      o.impute = strategy.get<std::string>();
    else
      o.impute_columns[column] = strategy.get<std::string>();
  }
}

int parse_limit(const std::string& key, const nlohmann::json& value) {
  if (!value.is_number_integer() || value.get<long long>() < 2 || value.get<long long>() > 1000)
    invalid("preprocess." + key + " must be an integer from 2 to 1000", "got " + value.dump());
  return value.get<int>();
}

bool parse_flag(const std::string& key, const nlohmann::json& value) {
  if (!value.is_boolean())
    invalid("preprocess." + key + " must be true or false", "got " + value.dump());
  return value.get<bool>();
}

std::vector<std::pair<std::string, std::string>> parse_ratios(const nlohmann::json& value) {
  const char* shape = "preprocess.ratios must be an array of [numerator, denominator] pairs";
  if (!value.is_array()) invalid(shape);
  std::vector<std::pair<std::string, std::string>> ratios;
  for (const auto& pair : value) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
      invalid(shape, "got " + pair.dump());
    ratios.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return ratios;
}

std::vector<std::string> parse_names(const std::string& key, const nlohmann::json& value) {
  if (!value.is_array()) invalid("preprocess." + key + " must be an array of column names");
  std::vector<std::string> names;
  for (const auto& name : value) {
    if (!name.is_string())
      invalid("preprocess." + key + " must be an array of column names", "got " + name.dump());
    names.push_back(name.get<std::string>());
  }
  return names;
}

// "target_encode": "auto", "none", or an array of column names.
void parse_target_encode(const nlohmann::json& value, PreprocessOptions& o) {
  if (value.is_string() && (value == "auto" || value == "none")) {
    o.target_encode = value.get<std::string>();
    return;
  }
  if (!value.is_array())
    invalid("preprocess.target_encode must be \"auto\", \"none\" or an array of column names",
            "got " + value.dump());
  o.target_encode = "columns";
  o.target_encode_columns = parse_names("target_encode", value);
}

}  // namespace

PreprocessOptions PreprocessOptions::parse(const nlohmann::json& j) {
  PreprocessOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) invalid("preprocess must be a JSON object", "got " + j.dump());
  for (const auto& [key, value] : j.items()) {
    if (key == "impute")
      parse_impute(value, o);
    else if (key == "max_categories")
      o.max_categories = parse_limit(key, value);
    else if (key == "scale")
      o.scale = parse_flag(key, value);
    else if (key == "ratios")
      o.ratios = parse_ratios(value);
    else if (key == "zscores")
      o.zscores = parse_names(key, value);
    else if (key == "exclude")
      o.exclude = parse_names(key, value);
    else if (key == "skip_unsupported")
      o.skip_unsupported = parse_flag(key, value);
    else if (key == "max_auto_classes")
      o.max_auto_classes = parse_limit(key, value);
    else if (key == "target_encode")
      parse_target_encode(value, o);
    else
      invalid("unknown key \"" + key + "\" in preprocess",
              "accepted keys: impute, max_categories, scale, ratios, zscores, exclude, "
              "skip_unsupported, max_auto_classes, target_encode");
  }
  return o;
}

nlohmann::json PreprocessOptions::to_json() const {
  nlohmann::json impute_json = impute;
  if (!impute_columns.empty()) {
    impute_json = nlohmann::json::object({{"*", impute}});
    for (const auto& [c, s] : impute_columns) impute_json[c] = s;
  }
  nlohmann::json r = nlohmann::json::array();
  for (const auto& [a, b] : ratios) r.push_back({a, b});
  return {{"impute", impute_json},
          {"max_categories", max_categories},
          {"scale", scale},
          {"ratios", r},
          {"zscores", zscores},
          {"exclude", exclude},
          {"skip_unsupported", skip_unsupported},
          {"max_auto_classes", max_auto_classes},
          {"target_encode", target_encode == "columns" ? nlohmann::json(target_encode_columns)
                                                       : nlohmann::json(target_encode)}};
}

}  // namespace automl
