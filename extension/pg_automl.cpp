// pg_automl.cpp — module entry: magic block, GUCs, and the guard's error raiser.
#include "guard.hpp"
#include "model_cache.hpp"
#include "model_catalog.hpp"
#include "prediction_log.hpp"

extern "C" {
#include "utils/guc.h"
PG_MODULE_MAGIC;
void _PG_init(void);
}

namespace pg_automl {

int model_cache_size = 64;

void raise_guard_error(const GuardError& e) {
  const char* s = e.sqlstate;
  ereport(ERROR, (errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])), errmsg("%s", e.message),
                  e.detail[0] ? errdetail("%s", e.detail) : 0));
  pg_unreachable();
}

}  // namespace pg_automl

void _PG_init(void) {
  DefineCustomIntVariable("automl.model_cache_size",
                          "Models each backend keeps parsed in memory for predict.",
                          "Least recently used models beyond this number are dropped.",
                          &pg_automl::model_cache_size, 64, 1, 100000, PGC_USERSET, 0, nullptr,
                          nullptr, nullptr);
  pg_automl::prediction_log_init();  // its GUCs before the prefix is reserved
  MarkGUCPrefixReserved("automl");
  pg_automl::register_deployment_invalidation();
}
