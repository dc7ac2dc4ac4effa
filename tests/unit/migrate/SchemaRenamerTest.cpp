#include "migrate/SchemaRenamer.h"

#include <gtest/gtest.h>

using agora::migrate::SchemaRenamer;

TEST(SchemaRenamer, RenamesWholeIdentifiersInSqlLines) {
    SchemaRenamer r("t_cooking", "t_cooking_staging__build");
    EXPECT_EQ(r.line("CREATE SCHEMA t_cooking;\n"), "CREATE SCHEMA t_cooking_staging__build;\n");
    EXPECT_EQ(
        r.line("    id bigint DEFAULT nextval('t_cooking.posts_id_seq'::regclass),\n"),
        "    id bigint DEFAULT nextval('t_cooking_staging__build.posts_id_seq'::regclass),\n");
    EXPECT_EQ(r.line("ALTER TABLE ONLY \"t_cooking\".posts\n"),
              "ALTER TABLE ONLY \"t_cooking_staging__build\".posts\n");
    // Other identifiers that merely contain the name are left alone.
    EXPECT_EQ(r.line("CREATE TABLE t_cooking_old.x (t_cookings int);\n"),
              "CREATE TABLE t_cooking_old.x (t_cookings int);\n");
}

TEST(SchemaRenamer, CopyDataPassesThroughUntouched) {
    SchemaRenamer r("t_a", "t_b");
    EXPECT_EQ(r.line("COPY t_a.notes (id, body) FROM stdin;\n"),
              "COPY t_b.notes (id, body) FROM stdin;\n");
    // A row that mentions the schema name, and one that looks like SQL.
    EXPECT_EQ(r.line("1\tsee t_a.notes for details\n"), "1\tsee t_a.notes for details\n");
    EXPECT_EQ(r.line("2\tCREATE SCHEMA t_a;\n"), "2\tCREATE SCHEMA t_a;\n");
    EXPECT_EQ(r.line("\\.\n"), "\\.\n");
    // After the block, SQL is renamed again.
    EXPECT_EQ(r.line("SELECT pg_catalog.setval('t_a.notes_id_seq', 2, true);\n"),
              "SELECT pg_catalog.setval('t_b.notes_id_seq', 2, true);\n");
}
