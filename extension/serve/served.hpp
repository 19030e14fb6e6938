// serve/served.hpp — what serves a project, and what one predict call runs.
//
// Plain data: these live in fn_extra and in a backend-wide array, which PostgreSQL
// frees without running destructors. C++ only (serve/cpp_only.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace automl {
class Model;
}

namespace pg_automl {

// What serves a project now: one model, or the arms of an A/B split with their
// cumulative weights; a shadow model; the share of calls logged.
struct Deployment {
  static constexpr int kMaxArms = 8;
  int n_arms = 0;
  std::int64_t model_ids[kMaxArms] = {};
  double cumulative[kMaxArms] = {};
  std::int64_t shadow_model_id = 0;  // 0: none
  double log_sample_rate = 0;
};

// The arm of a split for a call whose draw is `u` in [0, 1): the first whose
// cumulative weight exceeds it.
inline int choose_arm(const Deployment& d, double u) noexcept {
  for (int i = 0; i < d.n_arms; ++i)
    if (u < d.cumulative[i]) return i;
  return d.n_arms - 1;
}

// Whether a call is logged, for a project logging `rate` of its calls and a draw
// `u` in [0, 1) (drawn only when 0 < rate < 1).
inline bool sampled(double rate, double u) noexcept { return rate >= 1.0 || u < rate; }

// What one predict call runs.
struct Served {
  const automl::Model* model;  // answers
  std::int64_t model_id;
  int arm;                      // 1-based arm of an A/B split, 0 without a split
  const automl::Model* shadow;  // runs beside it and never answers; nullptr when none
  std::int64_t shadow_id;
  bool log;  // this call is sampled for automl.prediction_log
};

// The session state a call site's cached resolution was made in: the statement
// (its start time), the transaction, the role, and the epoch of the cache its
// pointers point into. The PostgreSQL types behind them: TimestampTz,
// LocalTransactionId, Oid (pg/call_site.cpp checks that they match).
struct SiteIdentity {
  std::int64_t statement_start;
  std::uint32_t transaction;
  unsigned int user;
  std::uint64_t cache_epoch;

  bool operator==(const SiteIdentity& o) const noexcept {
    return statement_start == o.statement_start && transaction == o.transaction && user == o.user &&
           cache_epoch == o.cache_epoch;
  }
};

// What fn_extra caches is valid for one identity and one project (none for
// predict_model). `project` is a copy the PostgreSQL side keeps in fn_mcxt.
struct SiteKey {
  SiteIdentity identity;
  char* project;
  std::size_t project_length;

  bool matches(const SiteIdentity& now, const char* project_now,
               std::size_t length_now) const noexcept {
    if (!(identity == now)) return false;
    if (project_now == nullptr) return project == nullptr;
    return project != nullptr && project_length == length_now &&
           std::memcmp(project, project_now, length_now) == 0;
  }
};

}  // namespace pg_automl
