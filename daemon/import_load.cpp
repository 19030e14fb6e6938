// import_load.cpp — see import_load.hpp.
#include "import_load.hpp"

#include <regex>

#include "automl/error.hpp"
#include "failure.hpp"

namespace automl_worker {
namespace {

// A text[] literal: each element double-quoted, with " and \ escaped.
std::string text_array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// COPY's context names the chunk's line ("COPY t, line 3, column a: …"); the user
// needs the file's.
std::string with_file_line(const pqxx::sql_error& e, const std::vector<std::uint64_t>& lines) {
  std::string message = primary_message(e.what());
  static const std::regex context(R"(COPY [^\n]*, line (\d+)(, column ([^:\n]+))?)");
  std::smatch m;
  const std::string what = e.what();
  if (std::regex_search(what, m, context)) {
    const std::size_t row = std::stoul(m[1].str());
    if (row >= 1 && row <= lines.size()) {
      message += " (line " + std::to_string(lines[row - 1]);
      if (m[3].matched) message += ", column " + m[3].str();
      message += ")";
    }
  }
  return message;
}

}  // namespace

ImportLoad::ImportLoad(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control,
                       std::size_t chunk_bytes)
    : conn_(conn), job_(job), control_(control), chunk_bytes_(chunk_bytes) {}

ImportLoad::~ImportLoad() = default;  // an uncommitted transaction rolls back

std::string ImportLoad::begin(const std::vector<std::string>& names,
                              const std::vector<std::string>& types) {
  txn_ = std::make_unique<pqxx::work>(conn_, "import");
  names_array_ = text_array_literal(names);
  const pqxx::row r = txn_->exec_params1(
      "SELECT t::oid::text, t::text FROM automl_internal._import_begin($1, $2, $3::text[],"
      " $4::text[]) AS t",
      job_.id, job_.lease, names_array_, text_array_literal(types));
  table_oid_ = r[0].c_str();
  return r[1].c_str();
}

void ImportLoad::add_row(std::string_view copy_line, std::uint64_t source_line) {
  chunk_.append(copy_line);
  chunk_lines_.push_back(source_line);
  if (chunk_.size() >= chunk_bytes_) flush();
}

void ImportLoad::flush() {
  if (chunk_.empty()) return;
  control_.throw_if_stopped();
  try {
    const pqxx::row r = txn_->exec_params1(
        "SELECT automl_internal._import_rows($1, $2, $3::oid::regclass, $4::text[], $5)", job_.id,
        job_.lease, table_oid_, names_array_, chunk_);
    rows_ += r[0].as<long long>();
  } catch (const pqxx::sql_error& e) {
    if (control_.stop) throw;
    const std::string state = sqlstate_of(e);
    if (state == kClaimLost) throw;
    throw automl::Error(interned_sqlstate(state), with_file_line(e, chunk_lines_));
  }
  chunk_.clear();
  chunk_lines_.clear();
}

void ImportLoad::finish(nlohmann::json result) {
  flush();
  result["rows"] = rows_;
  txn_->exec_params("SELECT automl_internal._import_finish($1, $2, $3::oid::regclass)", job_.id,
                    job_.lease, table_oid_);
  const pqxx::row r = txn_->exec_params1("SELECT automl_internal._succeed_job($1, $2, $3::jsonb)",
                                         job_.id, job_.lease, result.dump());
  if (std::string(r[0].c_str()) == "cancelled") {
    // Cancelled during the last chunk: the job ends cancelled, and leaves no table.
    txn_->abort();
    txn_.reset();
    throw automl::Error(automl::sqlstate::kQueryCanceled, "job was stopped");
  }
  txn_->commit();
  txn_.reset();
}

}  // namespace automl_worker
