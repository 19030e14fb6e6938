// serve/answers.hpp — model files read for serving, and the JSON answers of explain,
// tag and _model_summary, built in C++ and handed to PostgreSQL as text. C++ only:
// everything here may throw automl::Error (call it inside cpp_guard).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "automl/crf.hpp"
#include "automl/model.hpp"

namespace pg_automl {

// A stored model file parsed for predict; `model_id` names it in errors.
automl::Model parse_served_model(const char* bytes, std::size_t size, std::int64_t model_id);
// The same model from the serving image another backend made of it (shared memory),
// checked against this backend's limits as a parsed file is. Its trees are read in
// place while the model keeps `bytes_owner` (a pin on the image) alive.
automl::Model load_served_image(const char* bytes, std::size_t size, std::int64_t model_id,
                                std::shared_ptr<const void> bytes_owner);

// A stored model file parsed as a tagger; a tabular model is 22023 naming `project`.
automl::Crf parse_tagger(const char* bytes, std::size_t size, const char* project);

// What the catalogue stores about a model file (_model_summary): task, algorithm,
// feature names, … — read by the very parser that will serve it.
std::string model_summary_json(const char* bytes, std::size_t size);

// automl.explain's answer: per-input and per-encoded-feature contributions.
std::string explanation_json(const automl::Model& model, const automl::InputValue* x);

// automl.tag's answer for one text: with the deployed tagger `crf` (model_id), or
// with the bundled rules when crf is nullptr.
std::string tag_json(const automl::Crf* crf, std::int64_t model_id, const char* input);

// The same for n texts as one JSON array; a nullptr text gives JSON null.
std::string tag_batch_json(const automl::Crf* crf, std::int64_t model_id, const char* const* texts,
                           int n);

}  // namespace pg_automl
