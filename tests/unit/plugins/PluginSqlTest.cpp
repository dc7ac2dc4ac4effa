// The host boundary for plugin SQL: only statements that read or write rows get through, so a
// plugin cannot switch its session away from its tenant's role (PrivilegeTest checks the rest
// against PostgreSQL).
#include <gtest/gtest.h>

#include "plugins/PluginSql.h"

namespace agora {

namespace {

TEST(PluginSqlTest, RowStatementsPass) {
    for (const char* sql :
         {"SELECT 1", "select * from t", "  INSERT INTO t VALUES (1)", "UPDATE t SET a = 1",
          "DELETE FROM t", "WITH x AS (SELECT 1) SELECT * FROM x", "VALUES (1)", "TABLE t",
          "(SELECT 1) UNION (SELECT 2)", "-- why\nSELECT 1", "/* a /* nested */ one */ SELECT 1",
          "\n\tSelect\n1"})
        EXPECT_TRUE(PluginSql::isRowStatement(sql)) << sql;
}

TEST(PluginSqlTest, EverythingThatCouldChangeTheSessionIsRefused) {
    for (const char* sql : {"SET ROLE agora_app",
                            "RESET ROLE",
                            "reset role",
                            "SET SESSION AUTHORIZATION DEFAULT",
                            "SET LOCAL search_path TO network",
                            "RESET ALL",
                            "DISCARD ALL",
                            "DO $$BEGIN RESET ROLE; END$$",
                            "/* SELECT */ SET ROLE x",
                            "-- SELECT\nRESET ROLE",
                            "(RESET ROLE)",
                            "CREATE TABLE x (a int)",
                            "DROP TABLE t",
                            "ALTER ROLE x SUPERUSER",
                            "GRANT ALL ON t TO public",
                            "COPY t TO STDOUT",
                            "LISTEN x",
                            "COMMIT",
                            "BEGIN",
                            "PREPARE p AS SELECT 1",
                            "EXECUTE p",
                            "CALL f()",
                            "EXPLAIN ANALYZE DELETE FROM t",
                            "LOCK TABLE t",
                            "TRUNCATE t",
                            "SELECTX 1",
                            "SELECT_ 1",
                            "\"select\" 1",
                            "",
                            "/* unterminated SELECT 1",
                            "   "})
        EXPECT_FALSE(PluginSql::isRowStatement(sql)) << sql;
}

}  // namespace

}  // namespace agora
