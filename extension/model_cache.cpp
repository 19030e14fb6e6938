// model_cache.cpp — LRU cache of parsed models.
#include "model_cache.hpp"

#include <algorithm>

namespace pg_automl {

const automl::Model* ModelCache::find(std::int64_t model_id) noexcept {
  auto it = index_.find(model_id);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->second.get();
}

const automl::Model* ModelCache::insert(std::int64_t model_id, automl::Model model) {
  if (const automl::Model* existing = find(model_id)) return existing;
  order_.emplace_front(model_id, std::make_unique<const automl::Model>(std::move(model)));
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

ModelCache& model_cache() {
  static ModelCache cache;
  return cache;
}

}  // namespace pg_automl
