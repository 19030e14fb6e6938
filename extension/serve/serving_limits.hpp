// serve/serving_limits.hpp — what one model may cost a backend (GUCs a superuser sets).
//
// A model row can be written by any tenant (import_model), so its size, its number
// of labels and the length of a text to tag are bounded before a backend spends
// memory or time on them. Each check throws Error 54000 naming the GUC (call them
// inside cpp_guard), or, for the size, answers so that PostgreSQL land can raise it.
#pragma once

#include <cstddef>
#include <string>

#include "automl/error.hpp"

namespace pg_automl {

extern int model_cache_size;  // automl.model_cache_size: parsed models kept per backend
extern int max_model_mb;      // automl.max_model_mb
extern int max_labels;        // automl.max_labels: classes of a classifier, labels of a tagger
extern int max_tag_tokens;    // automl.max_tag_tokens: tokens of one automl.tag input

inline void check_labels(std::size_t labels, const std::string& what) {
  if (labels > static_cast<std::size_t>(max_labels))
    throw automl::Error(automl::sqlstate::kProgramLimitExceeded,
                        what + " has " + std::to_string(labels) +
                            " labels; this server serves at most " + std::to_string(max_labels) +
                            " (automl.max_labels)");
}

inline void check_tag_tokens(std::size_t tokens) {
  if (tokens > static_cast<std::size_t>(max_tag_tokens))
    throw automl::Error(automl::sqlstate::kProgramLimitExceeded,
                        "the text to tag has " + std::to_string(tokens) +
                            " tokens; automl.tag takes at most " + std::to_string(max_tag_tokens) +
                            " (automl.max_tag_tokens)",
                        {}, "Tag shorter texts, or split one into parts.");
}

inline bool model_too_large(std::size_t bytes) {
  return bytes > static_cast<std::size_t>(max_model_mb) * 1024 * 1024;
}

}  // namespace pg_automl
