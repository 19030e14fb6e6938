// import_runner.cpp — a job of kind import: a CSV file fetched from a URL into a
// table in one transaction (docs/import.md).
//
// The URL is checked again here for the submitter (the database decides:
// automl_internal._check_outbound_url), and so is every redirect; a file:// URL
// must also resolve, symlinks followed, under automl.import_directory on this
// machine. The body streams through curl into the CSV pipeline and on into COPY;
// the table, its rows and the job's success commit together.
#include "import_runner.hpp"

#include <curl/curl.h>
#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "automl/error.hpp"
#include "automl/import_spec.hpp"
#include "csv_pipeline.hpp"
#include "http_source.hpp"
#include "import_load.hpp"

namespace automl_worker {
namespace {

[[noreturn]] void refuse_file(const std::string& why) {
  throw automl::Error(automl::sqlstate::kInsufficientPrivilege,
                      "the file cannot be imported: " + why,
                      "file:// imports read only below automl.import_directory");
}

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr)
    throw automl::Error(automl::sqlstate::kUndefinedObject,
                        "the file " + path + " cannot be opened: " + std::strerror(errno));
  return resolved;
}

// A file:// URL the database allowed, checked on this machine: the real path (links
// resolved) must lie under the real import directory. Returns the URL of that path.
std::string confine_file(const std::string& url, const std::string& directory) {
  if (directory.empty()) refuse_file("automl.import_directory is not set");
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  char* path = nullptr;
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_PATH, &path, CURLU_URLDECODE) != CURLUE_OK)
    refuse_file("the URL has no path");
  const std::string decoded = path;
  curl_free(path);
  const std::string file = real_path(decoded);
  const std::string root = real_path(directory);
  if (file.compare(0, root.size() + 1, root + "/") != 0)
    refuse_file(decoded + " resolves to " + file + ", outside " + root);
  if (curl_url_set(u.get(), CURLUPART_PATH, file.c_str(), CURLU_URLENCODE) != CURLUE_OK)
    refuse_file("cannot write its path back into a URL");
  char* out = nullptr;
  curl_url_get(u.get(), CURLUPART_URL, &out, 0);
  std::string result = out != nullptr ? out : "";
  curl_free(out);
  return result;
}

// The URL as the database allows it for the job's submitter (42501 otherwise).
std::string allowed_url(pqxx::connection_base& conn, const ClaimedJob& job,
                        const std::string& url) {
  pqxx::work txn(conn, "check_import_url");
  const pqxx::row r = txn.exec_params1(
      "SELECT automl_internal._check_outbound_url($1, 'import', $2),"
      " pg_catalog.current_setting('automl.import_directory', true)",
      url, job.created_by);
  std::string checked = r[0].c_str();
  const std::string directory = r[1].is_null() ? "" : r[1].c_str();
  txn.commit();
  if (checked.rfind("file:", 0) == 0) checked = confine_file(checked, directory);
  return checked;
}

FetchLimits fetch_limits(const automl::ImportSpec& spec, const JobLimits& limits) {
  FetchLimits f;
  f.max_bytes = spec.max_bytes ? std::min<long long>(*spec.max_bytes, limits.max_import_bytes)
                               : limits.max_import_bytes;
  f.timeout_seconds = spec.timeout_seconds;
  f.stall_seconds = spec.stall_seconds;
  return f;
}

std::string megabytes(long long bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1024 * 1024));
  return text;
}

}  // namespace

void run_import(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control) {
  const automl::ImportSpec spec = automl::ImportSpec::parse(nlohmann::json::parse(job.spec));
  const auto started = std::chrono::steady_clock::now();
  control.report(0.01f, "fetching " + url_for_messages(spec.url));
  control.phases.begin("fetch");  // the transfer, parsed and loaded as it arrives
  ImportLoad load(conn, job, control);
  CsvPipeline pipeline(spec, load);
  long long expected = -1;
  FetchCallbacks callbacks;
  callbacks.check_url = [&](const std::string& url) { return allowed_url(conn, job, url); };
  callbacks.on_start = [&](const FetchResponse& r) {
    expected = r.content_length;
    control.reading_backend = conn.backendpid();  // a stop cancels a chunk being loaded
  };
  long long received = 0;
  callbacks.on_body = [&](std::string_view piece) {
    received += static_cast<long long>(piece.size());
    pipeline.feed(piece);
    const float share = expected > 0 ? static_cast<float>(received) / expected : 0.5f;
    control.report(std::min(0.95f, 0.02f + 0.93f * share),
                   "read " + megabytes(received) +
                       (expected > 0 ? " of " + megabytes(expected) : "") + ", " +
                       std::to_string(load.rows()) + " rows loaded");
  };
  callbacks.stopped = [&] { return control.stop.load(); };
  FetchResponse response;
  try {
    response = fetch_url(spec.url, fetch_limits(spec, control.limits), callbacks);
    pipeline.finish();
  } catch (const automl::Error&) {
    control.throw_if_stopped();  // a stop aborts the transfer: say what stopped it
    throw;
  }
  nlohmann::json result = pipeline.summary();
  result["url"] = url_for_messages(response.url);
  result["bytes"] = response.bytes;
  result["redirects"] = response.redirects;
  result["content_encoding"] = response.content_encoding;
  result["seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  control.report(0.97f, "committing " + std::to_string(load.rows()) + " rows");
  control.phases.begin("store");
  load.finish(std::move(result));
  control.reading_backend = 0;
}

}  // namespace automl_worker
