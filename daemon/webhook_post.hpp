// webhook_post.hpp — one webhook POST (libcurl) and its signature (OpenSSL).
//
// The body is sent as given, the same bytes at every attempt, with the headers of
// docs/webhooks.md; with a secret, X-Automl-Signature-256 is "sha256=" and the hex
// HMAC-SHA256 of exactly those bytes (GitHub's scheme). Redirects are not followed
// and only http and https are spoken, so an allowed URL cannot bounce the worker
// somewhere the policy would refuse.
#pragma once

#include <string>

namespace automl_worker {

struct WebhookRequest {
  std::string url;  // normalised by automl_internal._check_outbound_url
  std::string event;
  long long delivery_id = 0;
  std::string body;
  std::string secret;           // empty: unsigned
  double timeout_seconds = 10;  // the whole transfer, connecting included
};

struct WebhookResponse {
  int status_code = 0;  // 0: no response (timeout, refused connection, refused URL)
  std::string error;    // empty when delivered (a 2xx)
  bool delivered() const { return error.empty(); }
};

// Posts once. Never throws for a network failure: that is a failed attempt.
WebhookResponse post_webhook(const WebhookRequest& request);

// "sha256=<hex HMAC-SHA256 of body keyed by secret>".
std::string webhook_signature(const std::string& secret, const std::string& body);

}  // namespace automl_worker
