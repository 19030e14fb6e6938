// serve/deployment_cache.cpp — see deployment_cache.hpp.
#include "serve/deployment_cache.hpp"

#include <cstring>

// Last: fails the build if anything above pulled in PostgreSQL.
#include "serve/cpp_only.hpp"

namespace pg_automl {

void DeploymentCache::sync(std::uint64_t generation) noexcept {
  if (generation_ == generation) return;
  used_ = 0;
  generation_ = generation;
}

int DeploymentCache::slot_of(unsigned int user, std::string_view project) const noexcept {
  for (int i = 0; i < used_; ++i)
    if (entries_[i].user == user &&
        project == std::string_view(entries_[i].project, entries_[i].project_length))
      return i;
  return -1;
}

const Deployment* DeploymentCache::find(unsigned int user, std::string_view project,
                                        std::uint32_t transaction) const noexcept {
  const int i = slot_of(user, project);
  if (i < 0) return nullptr;
  const Entry& e = entries_[i];
  return e.only_in == 0 || e.only_in == transaction ? &e.deployment : nullptr;
}

void DeploymentCache::store(std::uint64_t generation, unsigned int user, std::string_view project,
                            const Deployment& d, std::uint32_t only_in) noexcept {
  if (generation != generation_ || project.size() >= kMaxProject) return;
  // The slot of this project and role (an entry of an earlier transaction) first.
  int slot = slot_of(user, project);
  if (slot < 0) slot = used_ < kSlots ? used_++ : static_cast<int>(d.model_ids[0] % kSlots);
  Entry& e = entries_[slot];
  e.user = user;
  std::memcpy(e.project, project.data(), project.size());
  e.project_length = project.size();
  e.deployment = d;
  e.only_in = only_in;
}

}  // namespace pg_automl
