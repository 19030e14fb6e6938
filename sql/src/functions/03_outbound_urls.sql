-- Outbound URLs: which URLs a role may make the server or the worker open
-- (imports, webhooks). The policy and the parsing are C (extension/pg/outbound_urls.cpp,
-- core/src/url_policy.cpp): the URL is normalised by libcurl's parser, the one the
-- worker's transfers use, and the normalised text is what gets fetched.

-- Returns `url` normalised, or raises 22023 (malformed) or 42501 (not allowed for
-- for_role). purpose: 'import' or 'webhook'. for_role must be the caller unless the
-- caller is a member of automl_worker. automl_admin and superusers reach any http(s)
-- URL, other roles only those under automl.import_allowed_urls; file:// URLs are a
-- superuser's imports under automl.import_directory.
CREATE OR REPLACE FUNCTION automl_internal._check_outbound_url(url text, purpose text, for_role name) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_check_outbound_url' LANGUAGE C STABLE;
