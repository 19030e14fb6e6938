// pg/module.cpp — module entry: magic block, GUCs, and the guard's error raiser.
#include <cstring>

#include "automl/interrupt.hpp"
#include "serve/serving_limits.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/deployments.hpp"
#include "pg/guard.hpp"
#include "pg/outbound_urls.hpp"
#include "pg/prediction_log.hpp"
#include "pg/shared_deployments.hpp"
#include "pg/shared_models.hpp"

extern "C" {
#include "miscadmin.h"
#include "utils/guc.h"
PG_MODULE_MAGIC;
void _PG_init(void);
}

namespace pg_automl {

void raise_guard_error(const GuardError& e) {
  const char* s = e.sqlstate;
  // core/ stopped because PostgreSQL has a cancel pending: raise PostgreSQL's own
  // error (statement timeout, cancel request, termination) when it has one.
  if (std::strcmp(s, automl::sqlstate::kQueryCanceled) == 0) CHECK_FOR_INTERRUPTS();
  ereport(ERROR,
          (errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])), errmsg("%s", e.message),
           e.detail[0] ? errdetail("%s", e.detail) : 0, e.hint[0] ? errhint("%s", e.hint) : 0));
  pg_unreachable();
}

namespace {

void define_serving_limits() {
  DefineCustomIntVariable(
      "automl.model_cache_size", "Models each backend keeps parsed in memory for predict.",
      "Least recently used models beyond this number are dropped.", &model_cache_size, 64, 1,
      100000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("automl.max_model_mb",
                          "Largest model file a backend loads, in megabytes.",
                          "Bigger models are refused with 54000 before they are parsed.",
                          &max_model_mb, 512, 1, 1024, PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("automl.max_labels",
                          "Most classes or tagging labels a served model may have.",
                          "Models with more are refused with 54000 when loaded.", &max_labels, 1000,
                          2, 100000, PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("automl.max_tag_tokens", "Most tokens in one text passed to automl.tag.",
                          "Longer texts are refused with 54000.", &max_tag_tokens, 1000, 1, 1000000,
                          PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

}  // namespace
}  // namespace pg_automl

void _PG_init(void) {
  pg_automl::define_serving_limits();
  pg_automl::define_outbound_url_settings();
  // Long loops in core/ stop when PostgreSQL has a cancel or termination pending.
  automl::set_interrupt_hook([]() -> bool { return QueryCancelPending || ProcDiePending; });
  pg_automl::prediction_log_init();  // its GUCs before the prefix is reserved
  pg_automl::shared_models_init();
  pg_automl::shared_deployments_init();
  MarkGUCPrefixReserved("automl");
  pg_automl::register_deployment_invalidation();
}
