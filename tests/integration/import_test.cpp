// import_test.cpp — automl.import_csv end to end: a real HTTP server on 127.0.0.1
// (csv_server.py) serving CSV files plain, gzip-encoded, as .gz, slowly, through
// redirects or not at all, and a real automl-worker loading them.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace automl_it {
namespace {

// csv_server.py as a child process, serving the files of a fresh directory.
class CsvServer {
 public:
  CsvServer() {
    char dir[] = "/tmp/automl_import_XXXXXX";
    root_ = mkdtemp(dir);
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      const std::string script =
          std::string(AUTOML_SOURCE_DIR) + "/tests/integration/csv_server.py";
      execl("/usr/bin/python3", "python3", script.c_str(), root_.c_str(), nullptr);
      _exit(127);
    }
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    if (fscanf(out, "%d", &port_) != 1) throw std::runtime_error("csv_server.py did not start");
    fclose(out);
  }
  ~CsvServer() {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    std::system(("rm -rf " + root_).c_str());
  }
  void write(const std::string& name, const std::string& body) const {
    std::ofstream(root_ + "/" + name, std::ios::binary) << body;
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + path;
  }
  const std::string& root() const { return root_; }
  int port() const { return port_; }

 private:
  std::string root_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string quoted(const std::string& text) { return pqxx::connection(dsn()).quote(text); }

// Queues an import (as `role` when given) and runs one worker until the queue is empty.
pqxx::row import(const std::string& url, const std::string& table, const std::string& options,
                 const std::vector<std::string>& flags = {}, int max_attempts = 1) {
  const auto id = one("INSERT INTO automl.jobs (kind, max_attempts, spec) VALUES ('import', " +
                      std::to_string(max_attempts) + ", jsonb_build_object('url', " + quoted(url) +
                      ", 'into_table', " + quoted(table) + ", 'options', " + quoted(options) +
                      "::jsonb)) RETURNING id")[0]
                      .as<long long>();
  std::vector<std::string> args = flags;
  args.push_back("--once");
  WorkerProcess worker(args);
  EXPECT_EQ(worker.wait_exit(120), 0) << worker.output();
  return one(
      "SELECT status, coalesce(error, ''), coalesce(result, '{}')::text, attempts "
      "FROM automl.jobs WHERE id = " +
      std::to_string(id));
}

nlohmann::json result_of(const pqxx::row& r) { return nlohmann::json::parse(r[2].c_str()); }

bool table_exists(const std::string& table) {
  return !one("SELECT to_regclass(" + quoted(table) + ")")[0].is_null();
}

// Quotes, commas and a newline inside fields, doubled quotes, UTF-8, NULLs as empty
// fields and as NA in a numeric column, ISO dates and timestamps, booleans.
const char* kPeople =
    "id,name,city,score,joined,last_seen,active\n"
    "1,\"Smith, Anna\",Zürich,3.5,2024-02-29,2024-03-01 10:15:00,true\n"
    "2,\"O\"\"Brien\",東京,NA,2023-12-31,2024-01-01T00:00:00,false\n"
    "3,\"two\nlines\",,4,2022-01-01,2024-03-01 10:15:00.25,t\n"
    "4,Zoë,Paris,,,,\n";

class ImportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    recreate_database();
    server_ = new CsvServer();
    server_->write("people.csv", kPeople);
  }
  static void TearDownTestSuite() { delete server_; }
  static CsvServer* server_;
};
CsvServer* ImportTest::server_ = nullptr;

TEST_F(ImportTest, PlainCsvIsSniffedTypedAndLoaded) {
  const auto r = import(server_->url("plain/people.csv"), "people", "{}");
  ASSERT_EQ(r[0].as<std::string>(), "succeeded") << r[1].as<std::string>();
  const auto result = result_of(r);
  EXPECT_EQ(result["rows"], 4);
  EXPECT_EQ(result["dialect"]["delimiter"], ",");
  EXPECT_EQ(result["dialect"]["header"], true);
  const auto types =
      one("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY "
          "attnum) "
          "FROM pg_attribute WHERE attrelid = 'public.people'::regclass AND attnum > 0")[0]
          .as<std::string>();
  EXPECT_EQ(types,
            "id integer, name text, city text, score double precision, joined date, last_seen "
            "timestamp without time zone, active boolean");
  EXPECT_EQ(one("SELECT name FROM people WHERE id = 1")[0].as<std::string>(), "Smith, Anna");
  EXPECT_EQ(one("SELECT name FROM people WHERE id = 2")[0].as<std::string>(), "O\"Brien");
  EXPECT_EQ(one("SELECT name FROM people WHERE id = 3")[0].as<std::string>(), "two\nlines");
  EXPECT_EQ(one("SELECT city FROM people WHERE id = 2")[0].as<std::string>(), "東京");
  EXPECT_TRUE(one("SELECT score FROM people WHERE id = 2")[0].is_null()) << "NA is NULL here";
  EXPECT_TRUE(one("SELECT city FROM people WHERE id = 3")[0].is_null());
  EXPECT_EQ(one("SELECT count(*) FROM people WHERE joined = '2024-02-29' AND active")[0].as<int>(),
            1);
  EXPECT_EQ(
      one("SELECT tableowner FROM pg_tables WHERE tablename = 'people'")[0].as<std::string>(),
      one("SELECT created_by FROM automl.jobs ORDER BY id DESC LIMIT 1")[0].as<std::string>());
  bool said_why = false;
  for (const auto& c : result["columns"])
    if (c["name"] == "score")
      said_why = c["reason"].get<std::string>().find("double") != std::string::npos &&
                 c["null_spellings"] == nlohmann::json::array({"NA"});
  EXPECT_TRUE(said_why) << result["columns"].dump();
}

TEST_F(ImportTest, GzipByContentEncodingAndAsGzFileGiveTheSameTable) {
  const auto a = import(server_->url("encoded/people.csv"), "people_encoded", "{}");
  ASSERT_EQ(a[0].as<std::string>(), "succeeded") << a[1].as<std::string>();
  const auto b = import(server_->url("gz/people.csv.gz"), "people_gz", "{}");
  ASSERT_EQ(b[0].as<std::string>(), "succeeded") << b[1].as<std::string>();
  EXPECT_EQ(result_of(a)["content_encoding"], "gzip");
  EXPECT_EQ(result_of(a)["gzip"], false) << "curl undid the Content-Encoding";
  EXPECT_EQ(result_of(b)["gzip"], true);
  EXPECT_EQ(one("SELECT count(*) FROM (SELECT * FROM people_encoded EXCEPT SELECT * FROM people_gz"
                " UNION ALL SELECT * FROM people_gz EXCEPT SELECT * FROM people_encoded) d")[0]
                .as<int>(),
            0);
  EXPECT_EQ(one("SELECT count(*) FROM people_gz")[0].as<int>(), 4);
}

TEST_F(ImportTest, SemicolonsWithoutHeaderAndDeclaredColumns) {
  server_->write("semi.csv", "1;2.5;x\n2;3.5;y\n3;4.5;z\n");
  const auto r = import(server_->url("plain/semi.csv"), "semi", "{}");
  ASSERT_EQ(r[0].as<std::string>(), "succeeded") << r[1].as<std::string>();
  EXPECT_EQ(result_of(r)["dialect"]["delimiter"], ";");
  EXPECT_EQ(result_of(r)["dialect"]["header"], false);
  EXPECT_EQ(one("SELECT sum(column2) FROM semi")[0].as<double>(), 10.5);
  const auto d =
      import(server_->url("plain/semi.csv"), "semi_named",
             R"({"header": false, "columns": ["k", {"name": "v", "type": "numeric"}, "tag"]})");
  ASSERT_EQ(d[0].as<std::string>(), "succeeded") << d[1].as<std::string>();
  EXPECT_EQ(one("SELECT pg_typeof(v)::text || ' ' || sum(v) OVER () FROM semi_named LIMIT 1")[0]
                .as<std::string>(),
            "numeric 10.5");
}

TEST_F(ImportTest, MalformedRowFailsNamingItsLineAndLeavesNoTable) {
  server_->write("bad.csv", "a,b\n1,2\n3,4\n5\n7,8\n");
  const auto r = import(server_->url("plain/bad.csv"), "bad", "{}");
  EXPECT_EQ(r[0].as<std::string>(), "failed");
  EXPECT_NE(r[1].as<std::string>().find("line 4"), std::string::npos) << r[1].as<std::string>();
  EXPECT_FALSE(table_exists("bad")) << "a failed import leaves no table";
  server_->write("badvalue.csv", "a,b\n1,2\n3,4\n5,x\n");
  const auto v =
      import(server_->url("plain/badvalue.csv"), "badvalue", R"({"columns": {"b": "integer"}})");
  EXPECT_EQ(v[0].as<std::string>(), "failed");
  EXPECT_NE(v[1].as<std::string>().find("line 4, column \"b\""), std::string::npos)
      << v[1].as<std::string>();
  EXPECT_FALSE(table_exists("badvalue"));
}

TEST_F(ImportTest, SkippedRowsAreListedInTheResult) {
  server_->write("some_bad.csv", "a,b\n1,2\n3\n5,6\n\xff\xfe,8\n9,10\n");
  const auto r = import(server_->url("plain/some_bad.csv"), "some_bad",
                        R"({"on_error": "skip", "columns": {"a": "integer"}})");
  ASSERT_EQ(r[0].as<std::string>(), "succeeded") << r[1].as<std::string>();
  const auto result = result_of(r);
  EXPECT_EQ(result["rows"], 3);
  EXPECT_EQ(result["rejected_count"], 2);
  EXPECT_EQ(result["rejected"][0]["line"], 3);
  EXPECT_EQ(result["rejected"][1]["line"], 5);
  const auto capped = import(server_->url("plain/some_bad.csv"), "capped",
                             R"({"on_error": "skip", "max_errors": 1})");
  EXPECT_EQ(capped[0].as<std::string>(), "failed");
  EXPECT_NE(capped[1].as<std::string>().find("more than 1 rows"), std::string::npos)
      << capped[1].as<std::string>();
  EXPECT_FALSE(table_exists("capped"));
}

TEST_F(ImportTest, HttpErrorsRedirectsAndLimits) {
  const auto missing = import(server_->url("plain/nothing.csv"), "nothing", "{}", {}, 3);
  EXPECT_EQ(missing[0].as<std::string>(), "failed");
  EXPECT_NE(missing[1].as<std::string>().find("HTTP 404"), std::string::npos)
      << missing[1].as<std::string>();
  EXPECT_EQ(missing[3].as<int>(), 1) << "a 404 is not retried";

  const auto hops = import(server_->url("redirect/4/people.csv"), "hops", "{}");
  EXPECT_EQ(hops[0].as<std::string>(), "succeeded") << hops[1].as<std::string>();
  EXPECT_EQ(result_of(hops)["redirects"], 5);
  const auto loop = import(server_->url("redirect/5/people.csv"), "loop", "{}");
  EXPECT_EQ(loop[0].as<std::string>(), "failed");
  EXPECT_NE(loop[1].as<std::string>().find("redirected more than 5 times"), std::string::npos)
      << loop[1].as<std::string>();

  const auto big = import(server_->url("plain/people.csv"), "big", R"({"max_bytes": 100})");
  EXPECT_EQ(big[0].as<std::string>(), "failed");
  EXPECT_NE(big[1].as<std::string>().find("larger than 100 bytes"), std::string::npos)
      << big[1].as<std::string>();
  EXPECT_FALSE(table_exists("big"));
  const auto flag =
      import(server_->url("gz/people.csv.gz"), "flag", "{}", {"--max-import-mb", "1"});
  EXPECT_EQ(flag[0].as<std::string>(), "succeeded") << flag[1].as<std::string>();
}

TEST_F(ImportTest, SlowServerTimesOutAndStalls) {
  const auto slow = import(server_->url("slow/people.csv"), "slow", R"({"timeout": 2})");
  EXPECT_EQ(slow[0].as<std::string>(), "failed");
  EXPECT_NE(slow[1].as<std::string>().find("timed out after 2 s"), std::string::npos)
      << slow[1].as<std::string>();
  EXPECT_FALSE(table_exists("slow"));
}

TEST_F(ImportTest, IfExistsFailsAppendsOrReplaces) {
  server_->write("pairs.csv", "k,v\n1,10\n2,20\n");
  ASSERT_EQ(import(server_->url("plain/pairs.csv"), "pairs", "{}")[0].as<std::string>(),
            "succeeded");
  try {
    query("SELECT automl.import_csv(" + quoted(server_->url("plain/pairs.csv")) + ", 'pairs')");
    ADD_FAILURE() << "a second import into an existing table is refused at submission";
  } catch (const pqxx::sql_error& e) {
    EXPECT_EQ(e.sqlstate(), "42P07") << e.what();
  }
  ASSERT_EQ(import(server_->url("plain/pairs.csv"), "pairs", R"({"if_exists": "append"})")[0]
                .as<std::string>(),
            "succeeded");
  EXPECT_EQ(one("SELECT count(*) FROM pairs")[0].as<int>(), 4);
  query("CREATE VIEW pairs_view AS SELECT k FROM pairs");
  const auto blocked =
      import(server_->url("plain/pairs.csv"), "pairs", R"({"if_exists": "replace"})");
  EXPECT_EQ(blocked[0].as<std::string>(), "failed") << "a view depends on it: never CASCADE";
  EXPECT_EQ(one("SELECT count(*) FROM pairs")[0].as<int>(), 4) << "the old rows stay";
  query("DROP VIEW pairs_view");
  ASSERT_EQ(import(server_->url("plain/pairs.csv"), "pairs", R"({"if_exists": "replace"})")[0]
                .as<std::string>(),
            "succeeded");
  EXPECT_EQ(one("SELECT count(*) FROM pairs")[0].as<int>(), 2);
}

TEST_F(ImportTest, CancelWhileFetchingLeavesNoTable) {
  const auto id = one("SELECT automl.import_csv(" + quoted(server_->url("slow/people.csv")) +
                      ", 'cancelled')")[0]
                      .as<long long>();
  WorkerProcess worker({"--once"});
  ASSERT_TRUE(eventually(
      "SELECT status = 'running' FROM automl.jobs WHERE id = " + std::to_string(id), 20));
  query("SELECT automl.cancel(" + std::to_string(id) + ")");
  EXPECT_EQ(worker.wait_exit(30), 0) << worker.output();
  EXPECT_EQ(
      one("SELECT status FROM automl.jobs WHERE id = " + std::to_string(id))[0].as<std::string>(),
      "cancelled");
  EXPECT_FALSE(table_exists("cancelled"));
}

// A tenant below automl_admin: only allow-listed URLs, at submission and for every
// redirect at the worker; the table is the tenant's, and whatever runs while it fills
// (here a trigger of an appended table) runs as the tenant, never as the worker.
TEST_F(ImportTest, TenantIsConfinedToTheAllowListAndLoadsAsItself) {
  const std::string db = one("SELECT current_database()")[0].as<std::string>();
  query("DO $$ BEGIN CREATE ROLE it_importer; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
  query("GRANT automl_user TO it_importer; GRANT CREATE ON SCHEMA public TO it_importer");
  query("ALTER DATABASE " + db + " SET automl.import_allowed_urls = " +
        quoted(server_->url("plain/") + ", " + server_->url("away/")));
  auto as_tenant = [&](const std::string& sql) { return one("SET ROLE it_importer; " + sql); };
  try {
    as_tenant("SELECT automl.import_csv(" + quoted(server_->url("gz/people.csv.gz")) +
              ", 't_off')");
    ADD_FAILURE() << "an off-list URL is refused at submission";
  } catch (const pqxx::sql_error& e) {
    EXPECT_NE(std::string(e.what()).find("is not allowed"), std::string::npos) << e.what();
  }
  // A redirect from an allowed URL to one that is not: refused by the worker.
  const auto away =
      as_tenant("SELECT automl.import_csv(" +
                quoted(server_->url("away/localhost/" + std::to_string(server_->port()) +
                                    "/people.csv")) +
                ", 't_away')")[0]
          .as<long long>();
  WorkerProcess(std::vector<std::string>{"--once"}).wait_exit(60);
  const auto r = one("SELECT status, error FROM automl.jobs WHERE id = " + std::to_string(away));
  EXPECT_EQ(r[0].as<std::string>(), "failed");
  EXPECT_NE(r[1].as<std::string>().find("is not allowed"), std::string::npos)
      << r[1].as<std::string>();
  EXPECT_FALSE(table_exists("t_away"));

  query("CREATE TABLE audit (who name, at_row text)");
  query("GRANT INSERT ON audit TO it_importer");
  query("CREATE TABLE t_mine (k integer, v integer)");
  query("ALTER TABLE t_mine OWNER TO it_importer");
  query(
      "CREATE FUNCTION record_who() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "INSERT INTO public.audit VALUES (current_user, NEW.k::text); RETURN NEW; END $$");
  query(
      "CREATE TRIGGER t_mine_who BEFORE INSERT ON t_mine FOR EACH ROW EXECUTE FUNCTION "
      "record_who()");
  server_->write("kv.csv", "k,v\n1,10\n2,20\n");
  const auto mine = as_tenant("SELECT automl.import_csv(" + quoted(server_->url("plain/kv.csv")) +
                              ", 't_mine', '{\"if_exists\": \"append\"}')")[0]
                        .as<long long>();
  WorkerProcess(std::vector<std::string>{"--once"}).wait_exit(60);
  EXPECT_EQ(
      one("SELECT status FROM automl.jobs WHERE id = " + std::to_string(mine))[0].as<std::string>(),
      "succeeded");
  EXPECT_EQ(one("SELECT string_agg(DISTINCT who::text, ',') FROM audit")[0].as<std::string>(),
            "it_importer");
  const auto fresh = as_tenant("SELECT automl.import_csv(" + quoted(server_->url("plain/kv.csv")) +
                               ", 't_fresh')")[0]
                         .as<long long>();
  WorkerProcess(std::vector<std::string>{"--once"}).wait_exit(60);
  EXPECT_EQ(one("SELECT status FROM automl.jobs WHERE id = " + std::to_string(fresh))[0]
                .as<std::string>(),
            "succeeded");
  EXPECT_EQ(
      one("SELECT tableowner FROM pg_tables WHERE tablename = 't_fresh'")[0].as<std::string>(),
      "it_importer");
  query("ALTER DATABASE " + db + " RESET automl.import_allowed_urls");
}

// file:// for a superuser, below automl.import_directory only — with symlinks resolved
// by the worker, so a link inside the directory cannot lead out of it.
TEST_F(ImportTest, FileUrlsStayBelowTheImportDirectory) {
  const std::string db = one("SELECT current_database()")[0].as<std::string>();
  query("ALTER DATABASE " + db + " SET automl.import_directory = " + quoted(server_->root()));
  symlink("/etc/passwd", (server_->root() + "/escape.csv").c_str());
  const auto ok = import("file://" + server_->root() + "/people.csv", "from_file", "{}");
  EXPECT_EQ(ok[0].as<std::string>(), "succeeded") << ok[1].as<std::string>();
  EXPECT_EQ(one("SELECT count(*) FROM from_file")[0].as<int>(), 4);
  const auto link = import("file://" + server_->root() + "/escape.csv", "escaped", "{}");
  EXPECT_EQ(link[0].as<std::string>(), "failed");
  EXPECT_NE(link[1].as<std::string>().find("outside"), std::string::npos)
      << link[1].as<std::string>();
  EXPECT_FALSE(table_exists("escaped"));
  try {
    query("SELECT automl.import_csv('file:///etc/passwd', 'passwd')");
    ADD_FAILURE() << "a file outside the directory is refused at submission";
  } catch (const pqxx::sql_error& e) {
    // libpqxx 6 passes no SQLSTATE on for 42501 (daemon/failure.hpp).
    EXPECT_NE(std::string(e.what()).find("is not allowed"), std::string::npos) << e.what();
  }
  query("ALTER DATABASE " + db + " RESET automl.import_directory");
}

// Names and types come from the file and the tenant: a header that tries to close
// the identifier and a declared type that tries to end the statement are only names.
TEST_F(ImportTest, HostileHeadersAndTypesAreQuotedOrRefused) {
  server_->write("hostile.csv", "\"a\"\"); DROP TABLE people; --\",b\n1,2\n");
  const auto names = import(server_->url("plain/hostile.csv"), "hostile_names", "{}");
  ASSERT_EQ(names[0].as<std::string>(), "succeeded") << names[1].as<std::string>();
  EXPECT_TRUE(table_exists("people")) << "the header was a name, not SQL";
  EXPECT_EQ(one("SELECT attname FROM pg_attribute WHERE attrelid = 'hostile_names'::regclass AND "
                "attnum = 1")[0]
                .as<std::string>(),
            "a\"); DROP TABLE people; --");
  const auto types = import(server_->url("plain/hostile.csv"), "hostile_types",
                            R"({"columns": {"b": "integer); DROP TABLE people; --"}})");
  EXPECT_EQ(types[0].as<std::string>(), "failed");
  EXPECT_TRUE(table_exists("people"));
  EXPECT_FALSE(table_exists("hostile_types"));
  const auto domain_type = import(server_->url("plain/hostile.csv"), "hostile_domain",
                                  R"({"columns": {"b": "pg_catalog.int8"}})");
  EXPECT_EQ(domain_type[0].as<std::string>(), "succeeded") << domain_type[1].as<std::string>();
  EXPECT_EQ(one("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                "'hostile_domain'::regclass AND attname = 'b'")[0]
                .as<std::string>(),
            "bigint");
}

}  // namespace
}  // namespace automl_it
