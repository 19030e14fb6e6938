// pg/internal_schema.hpp — which schema holds the extension's internal functions.
//
// Since 0.2.0 they live in automl_internal. One library serves every database of a
// cluster, and a database still at 0.1.0 (the package upgraded, ALTER EXTENSION
// UPDATE not run yet) has them in automl: the SQL the serving path runs is prepared
// for the schema the database has, one plan per layout, so predict keeps answering
// there until the upgrade and right after it.
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "catalog/namespace.h"
}

namespace pg_automl {

enum class InternalLayout { kInternalSchema = 0, kReleased010 = 1 };

inline InternalLayout installed_layout() {
  return OidIsValid(get_namespace_oid("automl_internal", true)) ? InternalLayout::kInternalSchema
                                                                : InternalLayout::kReleased010;
}

// A query's text for each layout, indexed by InternalLayout, written once as a macro
// of the schema name: BY_LAYOUT(MODEL_PROJECT_SQL) with
//   #define MODEL_PROJECT_SQL(schema) "SELECT " schema "._model_project($1)"
// The texts are string literals, so nothing with a destructor is alive while SPI,
// which may raise, prepares them.
#define AUTOML_BY_LAYOUT(query) \
  { query("automl_internal"), query("automl") }

// The index of a layout in the plan slots and the texts.
inline int layout_index(InternalLayout layout) { return static_cast<int>(layout); }

}  // namespace pg_automl
