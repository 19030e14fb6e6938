// serve/model_cache.cpp — the backend's caches of parsed models and taggers.
#include "serve/model_cache.hpp"

// Last: fails the build if anything above pulled in PostgreSQL.
#include "serve/cpp_only.hpp"

namespace pg_automl {

ParsedCache<automl::Model>& model_cache() {
  static ParsedCache<automl::Model> cache;
  return cache;
}

ParsedCache<automl::Model>& explain_cache() {
  static ParsedCache<automl::Model> cache;
  return cache;
}

ParsedCache<automl::Crf>& tagger_cache() {
  static ParsedCache<automl::Crf> cache;
  return cache;
}

}  // namespace pg_automl
