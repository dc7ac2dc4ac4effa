#include "migrate/SqlScript.h"

#include <gtest/gtest.h>

using agora::migrate::SqlScript;

TEST(SqlScript, SplitsOnTopLevelSemicolonsOnly) {
    auto s = SqlScript::parse(
        "-- header\n"
        "CREATE TABLE a (v text DEFAULT 'x;y');\n"
        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
        "/* block ; /* nested ; */ still comment */\n"
        "INSERT INTO \"odd;name\" VALUES (E'it\\'s;');\n"
        "SELECT $$a;b$$, $1;");
    ASSERT_EQ(s.statements().size(), 4u);
    EXPECT_EQ(s.statements()[0].line, 2);
    EXPECT_EQ(s.statements()[1].line, 3);
    EXPECT_EQ(s.statements()[2].line, 5);
    EXPECT_EQ(s.statements()[3].line, 6);
    EXPECT_EQ(s.statements()[0].sql, "CREATE TABLE a (v text DEFAULT 'x;y')");
    EXPECT_EQ(s.statements()[2].tokens[2].text, "odd;name");
    EXPECT_EQ(s.statements()[2].tokens[5].text, "it's;");
    ASSERT_EQ(s.header().size(), 1u);
    EXPECT_EQ(s.header()[0].text, "header");
}

TEST(SqlScript, LeadingCommentsBelongToTheNextStatement) {
    auto s = SqlScript::parse(
        "SELECT 1;\n"
        "-- about two\n"
        "SELECT 2 -- inside\n"
        "  + 1;\n"
        "-- trailing\n");
    ASSERT_EQ(s.statements().size(), 2u);
    ASSERT_EQ(s.statements()[1].leading.size(), 1u);
    EXPECT_EQ(s.statements()[1].leading[0].text, "about two");
    EXPECT_EQ(s.statements()[1].end_line, 4);
    ASSERT_EQ(s.trailing().size(), 1u);
    EXPECT_EQ(s.trailing()[0].line, 5);
    EXPECT_EQ(s.comments().size(), 3u);
}

TEST(SqlScript, WordsAreUpperCasedAndNamesFolded) {
    auto s = SqlScript::parse("alter table Network.\"Tenants\" add column X int");
    const auto& t = s.statements().at(0).tokens;
    EXPECT_TRUE(t[0].is("ALTER"));
    EXPECT_EQ(t[2].name(), "network");
    EXPECT_EQ(t[4].name(), "Tenants");
    EXPECT_EQ(t[7].name(), "x");
}

TEST(SqlScript, UnterminatedLastStatementIsKept) {
    auto s = SqlScript::parse("SELECT 1;\nSELECT 2\n\n");
    ASSERT_EQ(s.statements().size(), 2u);
    EXPECT_EQ(s.statements()[1].sql, "SELECT 2");
}
