// serve/model_cache.hpp — parsed models kept per backend, least recently used dropped.
//
// Model rows never change once written, so a model id identifies its bytes for
// ever and the cache needs no invalidation, only a size bound
// (automl.model_cache_size). C++ only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <list>
#include <memory>
#include <unordered_map>

#include "automl/crf.hpp"
#include "automl/model.hpp"
#include "serve/serving_limits.hpp"

namespace pg_automl {

extern int model_cache_size;       // automl.model_cache_size
constexpr int kMinimumModels = 9;  // the arms of the largest split and a shadow

// Parsed objects of one kind (tabular models, taggers) by model id.
template <typename T>
class ParsedCache {
 public:
  // nullptr when absent; marks the entry recently used.
  const T* find(std::int64_t model_id) noexcept {
    auto it = index_.find(model_id);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second.get();
  }

  // Stores a parsed object and evicts beyond model_cache_size.
  const T* insert(std::int64_t model_id, T value) {
    if (const T* existing = find(model_id)) return existing;
    order_.emplace_front(model_id, std::make_unique<const T>(std::move(value)));
    index_[model_id] = order_.begin();
    // A call site holds up to kMinimumModels raw pointers (split arms and a shadow),
    // loaded one after another: never evict below that, or loading one would free another.
    const size_t capacity = static_cast<size_t>(std::max(model_cache_size, kMinimumModels));
    while (order_.size() > capacity) {
      index_.erase(order_.back().first);
      order_.pop_back();
      ++epoch_;
    }
    return order_.front().second.get();
  }

  // Changes whenever an entry leaves the cache: holders of raw pointers re-check.
  std::uint64_t epoch() const noexcept { return epoch_; }

 private:
  using Entry = std::pair<std::int64_t, std::unique_ptr<const T>>;
  std::list<Entry> order_;  // most recent first
  std::unordered_map<std::int64_t, typename std::list<Entry>::iterator> index_;
  std::uint64_t epoch_ = 0;
};

ParsedCache<automl::Model>& model_cache();
ParsedCache<automl::Model>& explain_cache();  // parsed from files, for explain

// Changes whenever either model cache drops an entry: call sites holding pointers
// into them (models, and row readers made for a model) resolve again.
inline std::uint64_t models_epoch() { return model_cache().epoch() + explain_cache().epoch(); }
ParsedCache<automl::Crf>& tagger_cache();

}  // namespace pg_automl
