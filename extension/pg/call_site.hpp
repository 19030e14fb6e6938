// pg/call_site.hpp — what a predict call site serves, resolved once per statement and
// kept in fn_extra, so a deployment committed elsewhere is served from the next
// statement on, without a catalog query per row.
#pragma once

#include <cstdint>

#include "serve/served.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/postgres.hpp"

namespace pg_automl {

// The session state now, for a cache of `epoch` (serve/served.hpp's SiteIdentity).
SiteIdentity current_site_identity(std::uint64_t epoch);

// Whether `key` still holds for `project` (nullptr: none) in a cache of `epoch`.
bool site_matches(const SiteKey& key, const text* project, std::uint64_t epoch);

// Makes `key` hold for now and `project`, copying the name into fn_mcxt.
void set_site_key(SiteKey* key, FunctionCallInfo fcinfo, const text* project, std::uint64_t epoch);

// What one predict call on `project` runs. With an A/B split, each call picks an
// arm: by split_key's hash when given (stable across sessions and servers), else at
// random; a call is logged with the project's sample rate.
Served model_for_project(FunctionCallInfo fcinfo, text* project, const text* split_key = nullptr);

// The named-feature readers of the site model_for_project resolved for this call
// (pg/named_features.cpp): nullptr after each resolution.
void** feature_reader_slot(FunctionCallInfo fcinfo);

// Whether argument 1 (the features) of a named-feature predict site is a table row
// or another composite, asked of the catalog once per site.
bool features_are_a_row(FunctionCallInfo fcinfo);

// The model predict_model(id) may use: checked once per statement and role
// (42704 unknown, 42501 another tenant's), then kept in fn_extra.
const automl::Model* model_for_caller(FunctionCallInfo fcinfo, std::int64_t model_id);

}  // namespace pg_automl
