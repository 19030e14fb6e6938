// failure_test.cpp — which failures a job retries and which end it at once, and
// the message the job records from a server error.
#include "failure.hpp"

#include <gtest/gtest.h>

namespace automl_worker {
namespace {

TEST(IsPermanent, PropertiesOfTheJobOrItsDataAreFinal) {
  for (const char* state :
       {"22023", "22P02", "0A000", "42501", "42703", "42P01", "23505", "54000", "XX001", "P0001"})
    EXPECT_TRUE(is_permanent(state)) << state;
}

TEST(IsPermanent, FailuresOfTheMomentAreRetried) {
  for (const char* state :
       {"57014", "40001", "40P01", "53100", "08006", "55P03", "XX000", "XX002", "P0002", ""})
    EXPECT_FALSE(is_permanent(state)) << state;
}

TEST(IsPermanent, OnlyWholeSqlstatesCount) {
  EXPECT_FALSE(is_permanent("22"));
  EXPECT_FALSE(is_permanent("220230"));
  EXPECT_FALSE(is_permanent("XX0011"));
}

TEST(SqlstateOf, TakesTheServersCodeAndNamesTheOneLibpqxxDrops) {
  EXPECT_EQ(sqlstate_of(pqxx::sql_error("ERROR:  boom", "SELECT 1", "22012")), "22012");
  EXPECT_EQ(sqlstate_of(pqxx::insufficient_privilege("ERROR:  permission denied", "SELECT 1")),
            "42501");
  EXPECT_EQ(sqlstate_of(pqxx::sql_error("ERROR:  boom")), "");
}

TEST(PrimaryMessage, KeepsTheFirstLineWithoutItsSeverity) {
  EXPECT_EQ(primary_message("ERROR:  relation \"t\" does not exist\nLINE 1: SELECT\nDETAIL: x"),
            "relation \"t\" does not exist");
  EXPECT_EQ(primary_message("FATAL:  terminating connection"), "terminating connection");
  EXPECT_EQ(primary_message("plain text"), "plain text");
  EXPECT_EQ(primary_message(""), "");
  EXPECT_EQ(primary_message("WARNING:  kept\nmore"), "WARNING:  kept");
}

}  // namespace
}  // namespace automl_worker
