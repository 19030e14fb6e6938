// model_cache.hpp — parsed models kept per backend, least recently used dropped.
//
// Model rows never change once written, so a model id identifies its bytes for
// ever and the cache needs no invalidation, only a size bound
// (automl.model_cache_size). Pure C++: no PostgreSQL calls in here.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <unordered_map>

#include "automl/model.hpp"

namespace pg_automl {

extern int model_cache_size;
constexpr int kMinimumModels = 9;  // the arms of the largest split and a shadow

class ModelCache {
 public:
  // nullptr when absent; marks the model recently used.
  const automl::Model* find(std::int64_t model_id) noexcept;
  // Stores a parsed model and evicts beyond model_cache_size.
  const automl::Model* insert(std::int64_t model_id, automl::Model model);
  // Changes whenever a model leaves the cache: holders of raw pointers re-check.
  std::uint64_t epoch() const noexcept { return epoch_; }

 private:
  using Entry = std::pair<std::int64_t, std::unique_ptr<const automl::Model>>;
  std::list<Entry> order_;  // most recent first
  std::unordered_map<std::int64_t, std::list<Entry>::iterator> index_;
  std::uint64_t epoch_ = 0;
};

ModelCache& model_cache();

}  // namespace pg_automl
