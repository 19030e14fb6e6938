// model_cache.cpp — the backend's caches of parsed models and taggers.
#include "model_cache.hpp"

namespace pg_automl {

ParsedCache<automl::Model>& model_cache() {
  static ParsedCache<automl::Model> cache;
  return cache;
}

ParsedCache<automl::Crf>& tagger_cache() {
  static ParsedCache<automl::Crf> cache;
  return cache;
}

}  // namespace pg_automl
