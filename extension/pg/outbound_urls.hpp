// pg/outbound_urls.hpp — the outbound URL policy in the server: its two GUCs and
// automl_internal._check_outbound_url (core/include/automl/url_policy.hpp decides).
#pragma once

namespace pg_automl {

// From _PG_init, before the automl prefix is reserved: automl.import_allowed_urls
// and automl.import_directory (both PGC_SUSET, validated when set).
void define_outbound_url_settings();

}  // namespace pg_automl
