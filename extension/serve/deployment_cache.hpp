// serve/deployment_cache.hpp — the backend-wide map of (role, project) → deployment.
//
// predict resolves a call site once per statement; this map spares that resolution
// its catalog query until a deployment, a project or a grant changes anywhere. The
// PostgreSQL side (pg/deployments.cpp) owns the generation, bumped by invalidation
// callbacks, and decides which entries may outlive their transaction. Plain data in
// a fixed array: no allocation, nothing to free. C++ only.
#pragma once

#include <cstdint>
#include <string_view>

#include "serve/served.hpp"

namespace pg_automl {

class DeploymentCache {
 public:
  static constexpr int kSlots = 64;
  static constexpr std::size_t kMaxProject = 128;  // longer names are never cached

  // Forgets every entry when `generation` is not the one they were stored under.
  void sync(std::uint64_t generation) noexcept;

  // The entry of this role and project valid in `transaction`, or nullptr.
  const Deployment* find(unsigned int user, std::string_view project,
                         std::uint32_t transaction) const noexcept;

  // Stores a deployment read under `generation` (ignored when that is stale).
  // only_in: the one transaction it holds for, 0 for any later one too.
  void store(std::uint64_t generation, unsigned int user, std::string_view project,
             const Deployment& d, std::uint32_t only_in) noexcept;

 private:
  struct Entry {
    unsigned int user;
    char project[kMaxProject];
    std::size_t project_length;
    Deployment deployment;
    std::uint32_t only_in;
  };
  int slot_of(unsigned int user, std::string_view project) const noexcept;

  Entry entries_[kSlots];
  int used_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace pg_automl
