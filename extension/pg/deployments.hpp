// pg/deployments.hpp — what serves a project, read from automl.deployments and kept
// in a backend-wide cache until a deployment, project or grant changes anywhere.
#pragma once

#include "serve/served.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/postgres.hpp"

namespace pg_automl {

// What serves the project for the calling role. Raises 42704 for an unknown
// project or one without a deployment, 42501 for another tenant's.
Deployment deployment_of(text* project);

// The same without raising for a project that is unknown or has nothing deployed
// (automl.tag then uses its rules); another tenant's project still raises 42501.
enum class DeploymentStatus { Deployed, NoDeployment, NoProject };
DeploymentStatus find_deployment(text* project, Deployment* out);

// Registers the invalidation callbacks that empty the cache (_PG_init).
void register_deployment_invalidation();

}  // namespace pg_automl
