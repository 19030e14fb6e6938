// serve/answers.cpp — see answers.hpp.
#include "serve/answers.hpp"

#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "automl/interrupt.hpp"
#include "automl/serving_image.hpp"
#include "automl/tagger.hpp"
#include "serve/serving_limits.hpp"

// Last: fails the build if anything above pulled in PostgreSQL.
#include "serve/cpp_only.hpp"

namespace pg_automl {
namespace {

bool is_crf(const nlohmann::json& doc) {
  return doc.is_object() && doc.contains("type") && doc["type"] == "crf";
}

nlohmann::json tagger_summary(const nlohmann::json& doc) {
  // The stored tagger's one parser (core/src/tagger.cpp), as train_tagger evaluated it.
  const automl::TaggerFile file = automl::TaggerFile::from_json(doc);
  check_labels(file.crf.labels().size(), "the tagger");
  return {{"task", "tagging"},
          {"algorithm", "crf"},
          {"hyperparams", nlohmann::json::object()},
          {"feature_names", {file.tokens_column}},
          {"feature_version", nullptr},
          {"target", file.target},
          {"format_version", file.format_version()},
          {"classes", file.crf.labels()}};
}

nlohmann::json tag_one(const automl::Crf* crf, std::int64_t model_id, const std::string& input) {
  const std::vector<std::string> tokens = automl::whitespace_tokens(input);
  check_tag_tokens(tokens.size());
  nlohmann::json out = {{"tokens", tokens}};
  std::vector<std::string> tags;
  if (crf != nullptr) {
    const automl::Crf::Tagging t = crf->tag(tokens);
    tags = t.tags;
    out["confidence"] = t.confidence;
    out["source"] = "crf";
    out["model_id"] = model_id;
  } else {
    tags = automl::respirator_rules(tokens);
    out["confidence"] = nullptr;
    out["source"] = "rules";
  }
  out["tags"] = tags;
  out["components"] = automl::tag_components(tokens, tags);
  return out;
}

}  // namespace

automl::Model parse_served_model(const char* bytes, std::size_t size, std::int64_t model_id) {
  automl::Model parsed = automl::Model::parse(std::string_view(bytes, size));
  if (parsed.task() == automl::Task::Classification)
    check_labels(parsed.labels().classes().size(), "model " + std::to_string(model_id));
  return parsed;
}

automl::Model load_served_image(const char* bytes, std::size_t size, std::int64_t model_id,
                                std::shared_ptr<const void> bytes_owner) {
  automl::Model loaded = automl::model_from_serving_image(bytes, size, std::move(bytes_owner));
  if (loaded.task() == automl::Task::Classification)
    check_labels(loaded.labels().classes().size(), "model " + std::to_string(model_id));
  return loaded;
}

automl::Crf parse_tagger(const char* bytes, std::size_t size, const char* project) {
  const nlohmann::json doc = nlohmann::json::parse(bytes, bytes + size, nullptr, false);
  if (!is_crf(doc))
    throw automl::Error(automl::sqlstate::kInvalidParameterValue,
                        std::string("project \"") + project +
                            "\" serves a tabular model; automl.tag needs a tagging model",
                        {}, "Train one with task => 'tagging', algorithm => 'crf'.");
  // The stored tagger's one parser (core/src/tagger.cpp), as train_tagger evaluated it.
  automl::Crf crf = automl::TaggerFile::from_json(doc).crf;
  check_labels(crf.labels().size(), "the tagger of project \"" + std::string(project) + "\"");
  return crf;
}

std::string model_summary_json(const char* bytes, std::size_t size) {
  // A tagger (CRF) is checked by the parser that serves automl.tag.
  const nlohmann::json doc = nlohmann::json::parse(bytes, bytes + size, nullptr, false);
  if (is_crf(doc)) return tagger_summary(doc).dump();
  const automl::Model m = automl::Model::parse(std::string_view(bytes, size));
  const bool classifier = m.task() == automl::Task::Classification;
  if (classifier) check_labels(m.labels().classes().size(), "the model");
  nlohmann::json j = {{"task", automl::to_string(m.task())},
                      {"algorithm", m.algorithm()},
                      {"hyperparams", m.hyperparams()},
                      {"feature_names", m.feature_names()},
                      {"feature_version", m.feature_version()},
                      {"target", m.target()},
                      {"format_version", automl::Model::kFormatVersion}};
  j["classes"] = classifier ? nlohmann::json(m.labels().classes()) : nlohmann::json();
  return j.dump();
}

std::string explanation_json(const automl::Model& model, const automl::InputValue* x) {
  const automl::Model::Explanation e = model.explain(x);
  const auto& names = model.preprocessor().output_names();
  const auto& sources = model.preprocessor().output_sources();
  nlohmann::json encoded = nlohmann::json::object(), by_input = nlohmann::json::object();
  for (const auto& input : model.feature_names()) by_input[input] = 0.0;
  for (size_t j = 0; j < names.size(); ++j) {
    encoded[names[j]] = e.contributions[j];
    const std::string& owner =
        sources[j] >= 0 ? model.feature_names()[static_cast<size_t>(sources[j])] : names[j];
    by_input[owner] = by_input.value(owner, 0.0) + e.contributions[j];
  }
  nlohmann::json out = {{"features", by_input},
                        {"contributions", encoded},
                        {"bias", e.bias},
                        {"raw_score", e.raw_score},
                        {"algorithm", model.algorithm()}};
  if (model.task() == automl::Task::Classification) {
    out["explains"] = model.labels().classes()[static_cast<size_t>(e.output)];
    out["prediction"] = model.labels().classes()[static_cast<size_t>(model.predict_class(x))];
  } else {
    out["prediction"] = model.predict(x);
  }
  return out.dump();
}

std::string tag_json(const automl::Crf* crf, std::int64_t model_id, const char* input) {
  return tag_one(crf, model_id, input).dump();
}

std::string tag_batch_json(const automl::Crf* crf, std::int64_t model_id, const char* const* texts,
                           int n) {
  nlohmann::json out = nlohmann::json::array();
  for (int i = 0; i < n; ++i) {
    automl::check_interrupt();
    out.push_back(texts[i] == nullptr ? nlohmann::json(nullptr) : tag_one(crf, model_id, texts[i]));
  }
  return out.dump();
}

}  // namespace pg_automl
