/* Unit tests for lint.c: each rule fires where it should and nowhere else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/lint.h"

static lint_report run(const char *dialect, const char *sql)
{
    rw_config *cfg = config_new();
    config_set_raw(cfg, "placeholders.known", "value", CFG_SRC_CLI);
    lint_report rep = {0};
    lint_script(cfg, sql_dialect_find(dialect), "/nonexistent/V2__t.sql", sql, strlen(sql), &rep);
    config_free(cfg);
    return rep;
}

/* Asserts the findings are exactly "ID:LINE ID:LINE ..." in order. */
static void expect(const char *dialect, const char *sql, const char *want)
{
    lint_report rep = run(dialect, sql);
    strbuf got = STRBUF_INIT;
    for (size_t i = 0; i < rep.len; i++)
        sb_addf(&got, "%s%s:%d", i ? " " : "", rep.items[i].rule->id, rep.items[i].line);
    if (strcmp(sb_str(&got), want) != 0) {
        fprintf(stderr, "SQL:\n%s\nwant: [%s]\ngot:  [%s]\n", sql, want, sb_str(&got));
        for (size_t i = 0; i < rep.len; i++)
            fprintf(stderr, "  %s\n", rep.items[i].message);
    }
    assert_string_equal(sb_str(&got), want);
    sb_free(&got);
    lint_report_free(&rep);
}

static void test_postgres_rules(void **state)
{
    (void)state;
    expect("postgresql", "CREATE INDEX i ON users (email);\n", "RW101:1 RW106:1");
    expect("postgresql", "CREATE UNIQUE INDEX CONCURRENTLY i ON users (email);\n", "");
    expect("postgresql", "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN age int NOT NULL;\n",
           "RW102:2");
    expect("postgresql", "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN age int NOT NULL "
                         "DEFAULT 0, ADD COLUMN b text;\n",
           "");
    expect("postgresql", "SET lock_timeout='1s';\nALTER TABLE public.users\n  ALTER COLUMN age "
                         "TYPE bigint;\n",
           "RW103:3");
    expect("postgresql", "SET lock_timeout='1s';\nALTER TABLE users DROP COLUMN age, DROP "
                         "CONSTRAINT c;\n",
           "RW104:2");
    expect("postgresql", "SET lock_timeout='1s';\nDROP TABLE IF EXISTS old_a, old_b;\n",
           "RW105:2 RW105:2");
    expect("postgresql", "SET lock_timeout='1s';\nALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) "
                         "REFERENCES users (id);\n",
           "RW107:2");
    expect("postgresql", "SET lock_timeout='1s';\nALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) "
                         "REFERENCES users (id) NOT VALID;\n",
           "");
    expect("postgresql", "SET lock_timeout='1s';\nALTER TABLE o ALTER COLUMN u SET NOT NULL;\n",
           "RW108:2");
    expect("postgresql", "SET lock_timeout='1s';\nALTER TABLE o RENAME COLUMN a TO b;\n",
           "RW109:2");
}

static void test_new_tables_are_exempt(void **state)
{
    (void)state;
    expect("postgresql",
           "CREATE TABLE IF NOT EXISTS \"Orders\" (id int);\n"
           "CREATE INDEX o_idx ON \"Orders\" (id);\n"
           "ALTER TABLE \"Orders\" ADD COLUMN n int NOT NULL;\n"
           "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;\n"
           "CREATE INDEX mv_idx ON mv (x);\n"
           "DROP TABLE \"Orders\";\n",
           "");
    /* a differently quoted name is a different table */
    expect("postgresql", "SET lock_timeout='1s';\nCREATE TABLE \"Orders\" (id int);\nCREATE INDEX i ON "
                         "orders (id);\n",
           "RW101:3");
}

static void test_strings_comments_and_bodies_are_ignored(void **state)
{
    (void)state;
    expect("postgresql",
           "-- DROP TABLE users;\n"
           "/* ALTER TABLE users DROP COLUMN a; */\n"
           "INSERT INTO log VALUES ('DROP TABLE users');\n"
           "DO $$ BEGIN ALTER TABLE users DROP COLUMN a; END $$;\n"
           "CREATE FUNCTION f() RETURNS void AS $body$ DROP TABLE x; $body$ LANGUAGE sql;\n",
           "");
    expect("mysql", "# DROP TABLE users;\nINSERT INTO t VALUES ('it\\'s DROP TABLE x');\n", "");
}

static void test_mysql_rules(void **state)
{
    (void)state;
    expect("mysql", "ALTER TABLE users ADD COLUMN age INT NOT NULL;\n", "RW110:1");
    expect("mysql", "ALTER TABLE users MODIFY COLUMN age BIGINT, CHANGE b c INT;\n",
           "RW103:1 RW103:1");
    expect("mysql", "ALTER TABLE `users` DROP COLUMN `age`, DROP INDEX i;\n", "RW104:1");
    expect("mysql", "RENAME TABLE a TO b;\n", "RW109:1");
    /* no lock_timeout or CONCURRENTLY rules on MySQL */
    expect("mysql", "CREATE INDEX i ON users (email);\n", "");
}

static void test_suppress_comments(void **state)
{
    (void)state;
    expect("postgresql",
           "SET lock_timeout='1s';\n"
           "-- runway:lint-ignore RW104 the column is unused since release 12\n"
           "ALTER TABLE users DROP COLUMN a;\n"
           "ALTER TABLE users DROP COLUMN b;\n",
           "RW104:4");
    expect("postgresql",
           "-- runway:lint-ignore-file RW106, RW101\n"
           "CREATE INDEX i ON users (email);\n",
           "");
    expect("postgresql",
           "SET lock_timeout='1s';\n"
           "ALTER TABLE users DROP COLUMN a; -- runway:lint-ignore all\n",
           "");
}

static void test_placeholders_and_parse_errors(void **state)
{
    (void)state;
    expect("sqlite", "CREATE TABLE ${known} (id INT);\nCREATE TABLE ${missing} (id INT);\n"
                     "SELECT '${other}';\nSELECT '${flyway:user}';\n",
           "RW003:2 RW003:3");
    expect("sqlite", "SELECT 1;\nSELECT 'unterminated;\n", "RW004:2");
    expect("postgresql", "CREATE INDEX CONCURRENTLY i ON t (a);\nCREATE TABLE t2 (id int);\n",
           "RW005:1");
}

static void test_bare_cr_comment_hiding_a_statement(void **state)
{
    (void)state;
    expect("sqlite", "SELECT 1;\n-- note\rCREATE TABLE t (id INT);\r", "RW006:3");
    expect("mysql", "# note\rCREATE TABLE t (id INT);\r", "RW006:2");
    expect("postgresql", "-- note\rCREATE TABLE t (id int);\r", "");
    expect("sqlite", "-- note\r\nCREATE TABLE t (id INT);\r\n", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postgres_rules),
        cmocka_unit_test(test_bare_cr_comment_hiding_a_statement),
        cmocka_unit_test(test_new_tables_are_exempt),
        cmocka_unit_test(test_strings_comments_and_bodies_are_ignored),
        cmocka_unit_test(test_mysql_rules),
        cmocka_unit_test(test_suppress_comments),
        cmocka_unit_test(test_placeholders_and_parse_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
