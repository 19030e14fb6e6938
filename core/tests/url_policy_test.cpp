// url_policy_test.cpp — outbound URL normalisation and policy (core/src/url_policy.cpp):
// the forms an attacker uses to make an allowed prefix admit another host, port or
// path, and the file:// rules.
#include "automl/url_policy.hpp"

#include <gtest/gtest.h>

#include "sqlstate_of.hpp"

namespace automl {
namespace {

const UrlRole kTenant{"alice", false, false};
const UrlRole kAdmin{"boss", false, true};
const UrlRole kSuperuser{"postgres", true, false};

std::string normalized(const std::string& url) { return parse_url(url).normalized; }

std::string check(const std::string& url, const std::string& prefixes,
                  const UrlRole& role = kTenant, UrlPurpose purpose = UrlPurpose::kWebhook,
                  const std::string& directory = "") {
  return check_outbound_url(url, purpose, role, UrlSettings{prefixes, directory});
}

std::string refusal(const std::string& url, const std::string& prefixes,
                    const UrlRole& role = kTenant, UrlPurpose purpose = UrlPurpose::kWebhook,
                    const std::string& directory = "") {
  return sqlstate_of([&] { check(url, prefixes, role, purpose, directory); });
}

TEST(UrlPolicy, NormalisesSchemeHostPortAndDotSegments) {
  EXPECT_EQ(normalized("HTTP://Example.COM:80/a/../b/./c"), "http://example.com/b/c");
  EXPECT_EQ(normalized("https://h:443/x?sig=abc#frag"), "https://h/x?sig=abc");
  EXPECT_EQ(normalized("http://h"), "http://h/");
  EXPECT_EQ(normalized("http://h/../../x"), "http://h/x");
  EXPECT_EQ(normalized("http://example.com./x"), "http://example.com/x");
  EXPECT_EQ(normalized("http://[0:0::1]:8080/x"), "http://[::1]:8080/x");
  EXPECT_EQ(normalized("http://[::FFFF:127.0.0.1]/"), "http://[::ffff:127.0.0.1]/");
  // Numeric IPv4 forms are one address: the prefix 127.0.0.1 sees them all.
  EXPECT_EQ(normalized("http://0x7f.1/x"), "http://127.0.0.1/x");
  EXPECT_EQ(normalized("http://2130706433/x"), "http://127.0.0.1/x");
  // A trailing dot hid a numeric host from curl: without it, it is an address (found by
  // fuzz_url_policy); what is checked is what curl will connect to.
  EXPECT_EQ(normalized("http://0x7f.1./x"), "http://127.0.0.1/x");
  EXPECT_EQ(normalized("http://127./x"), "http://0.0.0.127/x");
  EXPECT_EQ(check("http://0x7f.1.:8000/data/x", "http://127.0.0.1:8000/data"),
            "http://127.0.0.1:8000/data/x");
  // curl's reading of a lenient form is the one that is checked and fetched.
  EXPECT_EQ(normalized("http:///x"), "http://x/");
  EXPECT_EQ(normalized("file://localhost/srv/in/../in/a.csv"), "file:///srv/in/a.csv");
  const Url u = parse_url("https://h:8443/p/q.csv?X-Amz-Signature=secret");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.query, "X-Amz-Signature=secret");
  EXPECT_EQ(u.redacted(), "https://h:8443/p/q.csv");
}

TEST(UrlPolicy, RefusesWhatCurlWouldAccept) {
  for (const char* bad : {"ftp://h/x",
                          "gopher://h/",
                          "dict://h/",
                          "ldap://h/",
                          "example.com/x",
                          "http:example.com",
                          "http://u:p@h/x",
                          "http://u@h/x",
                          "http://@h/",
                          "http://127.0.0.1:8000@evil/",
                          "http://127.0.0.1:80000/",
                          "http://h:0/",
                          "http://h/a b",
                          "http://h/a\tb",
                          "http://h/\x7f",
                          "http://h/a\\b",
                          "http://h/%2e%2e/x",
                          "http://h/a%2Fb",
                          "http://h/a%5cb",
                          "http://h/..%2fx",
                          "http://h/x%00.csv",
                          "http://h/\xc3\xa4",
                          "http://[fe80::1%25eth0]/",
                          "file://evil/etc/x",
                          "http://h../",
                          "http:////h/x",
                          ""})
    EXPECT_EQ(sqlstate_of([&] { parse_url(bad); }), "22023") << bad;
  EXPECT_EQ(sqlstate_of([] { parse_url("http://h/" + std::string(2048, 'a')); }), "22023");
  EXPECT_EQ(sqlstate_of([] { parse_url("http://h/" + std::string(2030, 'a')); }), "none");
}

TEST(UrlPolicy, MessagesNeverShowQueryOrCredentials) {
  try {
    check("http://other/x.csv?token=s3cr3t", "http://h/");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), "42501");
    EXPECT_EQ(std::string(e.what()),
              "url \"http://other/x.csv\" is not allowed for role \"alice\"");
    EXPECT_NE(e.hint().find("automl.import_allowed_urls"), std::string::npos);
  }
  try {
    parse_url("http://me:hunter2@h/x?k=v");
    FAIL();
  } catch (const Error& e) {
    const std::string all = std::string(e.what()) + e.detail() + e.hint();
    EXPECT_EQ(all.find("hunter2"), std::string::npos) << all;
    EXPECT_EQ(all.find("k=v"), std::string::npos) << all;
  }
}

TEST(UrlPolicy, PrefixesMatchOnComponentBoundaries) {
  const std::string allowed = "http://127.0.0.1:8000/data";
  EXPECT_EQ(check("http://127.0.0.1:8000/data", allowed), "http://127.0.0.1:8000/data");
  EXPECT_EQ(check("http://127.0.0.1:8000/data/x.csv?a=1", allowed),
            "http://127.0.0.1:8000/data/x.csv?a=1");
  EXPECT_EQ(check("HTTP://127.0.0.1:8000/data/sub/../x.csv", allowed),
            "http://127.0.0.1:8000/data/x.csv");
  for (const char* off : {"http://127.0.0.1:8000/database.csv", "http://127.0.0.1:8000/",
                          "http://127.0.0.1:8001/data", "https://127.0.0.1:8000/data",
                          "http://127.0.0.1/data", "http://127.0.0.2:8000/data",
                          "http://127.0.0.1:8000/data/../secret", "http://127.0.0.1:8000/x?/data",
                          "http://127.0.0.1.evil.com:8000/data", "http://localhost:8000/data"})
    EXPECT_EQ(refusal(off, allowed), "42501") << off;
  EXPECT_EQ(refusal("http://127.0.0.1:8000@evil/", allowed), "22023");
  EXPECT_EQ(refusal("http://127.0.0.1:80000/", allowed), "22023");
  EXPECT_EQ(refusal("http://127.0.0.1:8000/data/%2e%2e/secret", allowed), "22023");
}

TEST(UrlPolicy, PrefixListsAndTheirForms) {
  const std::string list = " https://Hooks.Example.com/in/ ,http://[::1]:9000\nhttp://h:80/a";
  ASSERT_EQ(parse_url_prefixes(list).size(), 3u);
  EXPECT_EQ(refusal("https://hooks.example.com./in/x", list), "none");
  EXPECT_EQ(refusal("https://hooks.example.com:443/in/x", list), "none");
  EXPECT_EQ(refusal("https://hooks.example.com/in", list), "42501");  // prefix ends in '/'
  EXPECT_EQ(refusal("http://[0::1]:9000/anything", list), "none");
  EXPECT_EQ(refusal("http://[::2]:9000/", list), "42501");
  EXPECT_EQ(refusal("http://h/a/b", list), "none");
  EXPECT_EQ(refusal("http://h/ab", list), "42501");
  EXPECT_EQ(refusal("http://h/x", ""), "42501");
  for (const char* bad : {"http://h/?x=1", "http://h/#f", "file:///srv", "ftp://h/", "http://u@h/"})
    EXPECT_EQ(sqlstate_of([&] { parse_url_prefixes(bad); }), "22023") << bad;
}

TEST(UrlPolicy, AdminsAndSuperusersReachAnyHttpUrl) {
  EXPECT_EQ(check("http://10.0.0.1:6379/", "", kAdmin), "http://10.0.0.1:6379/");
  EXPECT_EQ(check("https://any.example/x", "http://h/", kSuperuser), "https://any.example/x");
  EXPECT_EQ(refusal("ftp://h/", "", kAdmin), "22023");
  EXPECT_EQ(refusal("http://u:p@h/", "", kSuperuser), "22023");
}

TEST(UrlPolicy, FileUrlsOnlyForSuperusersImportsUnderTheDirectory) {
  const auto import = UrlPurpose::kImport;
  EXPECT_EQ(check("file:///srv/in/a.csv", "", kSuperuser, import, "/srv/in/"),
            "file:///srv/in/a.csv");
  EXPECT_EQ(check("file:///srv/in/sub/../a.csv", "", kSuperuser, import, "/srv//in"),
            "file:///srv/in/a.csv");
  EXPECT_EQ(refusal("file:///srv/in/a.csv", "", kSuperuser, UrlPurpose::kWebhook, "/srv/in"),
            "22023");
  EXPECT_EQ(refusal("file:///srv/in/a.csv", "file:///srv", kTenant, import, "/srv/in"), "42501");
  EXPECT_EQ(refusal("file:///srv/in/a.csv", "", kAdmin, import, "/srv/in"), "42501");
  EXPECT_EQ(refusal("file:///srv/in/a.csv", "", kSuperuser, import, ""), "42501");
  for (const char* off : {"file:///srv/in/../../etc/passwd", "file:///srv/inbox/a.csv",
                          "file:///srv/in", "file:///srv/in/", "file:///etc/passwd"})
    EXPECT_EQ(refusal(off, "", kSuperuser, import, "/srv/in"), "42501") << off;
  EXPECT_EQ(refusal("file:///srv/in/%2e%2e/x", "", kSuperuser, import, "/srv/in"), "22023");
  EXPECT_EQ(refusal("file:///srv/in/a.csv", "", kSuperuser, import, "relative/in"), "22023");
  EXPECT_EQ(refusal("file:///srv/in/a.csv", "", kSuperuser, import, "/srv/../in"), "22023");
}

TEST(UrlPolicy, DirectoriesAndPurposes) {
  EXPECT_EQ(normalize_directory("/srv//in/"), "/srv/in");
  EXPECT_EQ(normalize_directory("/"), "/");
  EXPECT_TRUE(path_under_directory("/x", "/"));
  EXPECT_FALSE(path_under_directory("/srv/inx/a", "/srv/in"));
  EXPECT_EQ(parse_url_purpose("import"), UrlPurpose::kImport);
  EXPECT_EQ(sqlstate_of([] { parse_url_purpose("fetch"); }), "22023");
}

}  // namespace
}  // namespace automl
