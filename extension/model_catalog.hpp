// model_catalog.hpp — finding models in the automl tables (PostgreSQL land).
#pragma once

#include <cstdint>

#include "automl/model.hpp"
#include "pg/postgres.hpp"

namespace pg_automl {

// The model serving a project now; raises 42704 for an unknown project or one
// without a deployment.
std::int64_t deployed_model_id(text* project);

// Registers the relcache callback that invalidates the project → model map (_PG_init).
void register_deployment_invalidation();

// The parsed model with this id, from the backend cache or read and parsed once.
const automl::Model* load_model(std::int64_t model_id);

// The model a predict call site should use: resolved once per statement and kept
// in fn_extra, so a deployment committed elsewhere is served from the next
// statement on, without a catalog query per row.
const automl::Model* model_for_project(FunctionCallInfo fcinfo, text* project);

}  // namespace pg_automl
