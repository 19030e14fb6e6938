// http_source.hpp — a URL's body, streamed through libcurl piece by piece (imports).
//
// Nothing is buffered here: each piece goes to the caller as it arrives, so a body of
// any size takes constant memory. Redirects are followed by hand, at most
// `max_redirects`, and every hop's URL is checked by the caller first (the database
// decides which URLs a role may fetch: automl_internal._check_outbound_url), so a
// redirect cannot lead a fetch somewhere its first URL could not go. Failures throw
// automl::Error: 42704 (404/410), 42501 (401/403), 22023 (other 4xx), 54000 (a limit:
// size, redirects), 58030 (network, timeouts, 5xx, 408, 429: worth retrying).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace automl_worker {

struct FetchLimits {
  long long max_bytes = 0;  // of the body as received (after Content-Encoding); 0: none
  double timeout_seconds = 3600;
  double stall_seconds = 60;  // no byte for this long fails the transfer
  int max_redirects = 5;
};

struct FetchResponse {
  std::string url;  // the last hop's (normalised) URL
  long status = 0;
  long long content_length = -1;  // -1: unknown
  std::string content_encoding;   // as the server said; curl has already undone gzip
  long long bytes = 0;            // body bytes delivered
  int redirects = 0;
};

struct FetchCallbacks {
  // Returns the URL to fetch for `url` (normalised), or throws when it is not allowed.
  std::function<std::string(const std::string& url)> check_url;
  // Once per fetch, when the final response's headers have arrived.
  std::function<void(const FetchResponse&)> on_start;
  // Each piece of the body; may throw (the transfer is aborted and the error rethrown).
  std::function<void(std::string_view piece)> on_body;
  // Polled during the transfer: true aborts it (the caller then throws its own error).
  std::function<bool()> stopped;
};

// Fetches `url`; returns the final response once the whole body was delivered.
FetchResponse fetch_url(const std::string& url, const FetchLimits& limits,
                        const FetchCallbacks& callbacks);

// scheme://host/path of a URL, without user info, query or fragment: what messages
// may show (a presigned URL's query carries its signature).
std::string url_for_messages(const std::string& url);

}  // namespace automl_worker
