// pg/internal_schema.hpp — which schema holds the extension's internal functions.
//
// Since 0.2.0 they live in automl_internal. One library serves every database of a
// cluster, and a database still at 0.1.0 (the package upgraded, ALTER EXTENSION
// UPDATE not run yet) has them in automl: the SQL the serving path runs is prepared
// for the schema the database has, one plan per layout, so predict keeps answering
// there until the upgrade and right after it.
#pragma once

#include <string>

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

// `sql` (written for automl_internal) as the installed layout names it.
inline std::string for_layout(const char* sql, InternalLayout layout) {
  std::string text(sql);
  if (layout == InternalLayout::kInternalSchema) return text;
  static const std::string from = "automl_internal._", to = "automl._";
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace pg_automl
