// serve/serving_limits.cpp — the limits' values; pg/module.cpp makes them GUCs.
#include "serve/serving_limits.hpp"

// Last: fails the build if anything above pulled in PostgreSQL.
#include "serve/cpp_only.hpp"

namespace pg_automl {

int model_cache_size = 64;
int max_model_mb = 512;
int max_labels = 1000;
int max_tag_tokens = 1000;

}  // namespace pg_automl
