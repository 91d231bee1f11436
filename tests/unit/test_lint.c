/* Unit tests for lint.c: each rule fires where it should and nowhere else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
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
    expect("postgresql", "CREATE INDEX i ON users (email);\n", "RW101:1 RW106:1 RW116:1");
    expect("postgresql", "CREATE UNIQUE INDEX CONCURRENTLY i ON users (email);\n", "");
    expect("postgresql", "SET lock_timeout = '5s'; SET statement_timeout = '1min';\nALTER TABLE users ADD COLUMN age int NOT NULL;\n",
           "RW102:2");
    expect("postgresql", "SET lock_timeout = '5s'; SET statement_timeout = '1min';\nALTER TABLE users ADD COLUMN age int NOT NULL "
                         "DEFAULT 0, ADD COLUMN b text;\n",
           "");
    expect("postgresql", "SET lock_timeout='1s'; SET statement_timeout='1min';\nALTER TABLE public.users\n  ALTER COLUMN age "
                         "TYPE bigint;\n",
           "RW103:3");
    expect("postgresql", "SET lock_timeout='1s'; SET statement_timeout='1min';\nALTER TABLE users DROP COLUMN age, DROP "
                         "CONSTRAINT c;\n",
           "RW104:2");
    expect("postgresql", "SET lock_timeout='1s'; SET statement_timeout='1min';\nDROP TABLE IF EXISTS old_a, old_b;\n",
           "RW105:2 RW105:2");
    expect("postgresql", "SET lock_timeout='1s'; SET statement_timeout='1min';\nALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) "
                         "REFERENCES users (id);\n",
           "RW107:2");
    expect("postgresql", "SET lock_timeout='1s'; SET statement_timeout='1min';\nALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) "
                         "REFERENCES users (id) NOT VALID;\n",
           "");
    expect("postgresql", "SET lock_timeout='1s'; SET statement_timeout='1min';\nALTER TABLE o ALTER COLUMN u SET NOT NULL;\n",
           "RW108:2");
    expect("postgresql", "SET lock_timeout='1s'; SET statement_timeout='1min';\nALTER TABLE o RENAME COLUMN a TO b;\n",
           "RW109:2");
}

static void test_new_tables_are_exempt(void **state)
{
    (void)state;
    expect("postgresql",
           "CREATE TABLE \"Orders\" (id int);\n"
           "CREATE INDEX o_idx ON \"Orders\" (id);\n"
           "ALTER TABLE \"Orders\" ADD COLUMN n int NOT NULL;\n"
           "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;\n"
           "CREATE INDEX mv_idx ON mv (x);\n"
           "DROP TABLE \"Orders\";\n",
           "");
    /* a differently quoted name is a different table */
    expect("postgresql", "SET lock_timeout='1s'; SET statement_timeout='1min';\nCREATE TABLE \"Orders\" (id int);\nCREATE INDEX i ON "
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
    expect("mysql", "ALTER TABLE users MODIFY COLUMN age BIGINT, CHANGE b b INT;\n",
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
           "SET lock_timeout='1s'; SET statement_timeout='1min';\n"
           "-- runway:ignore RW104 the column is unused since release 12\n"
           "ALTER TABLE users DROP COLUMN a;\n"
           "ALTER TABLE users DROP COLUMN b;\n",
           "RW104:4");
    expect("postgresql",
           "-- runway:ignore-file RW106, RW101, RW116 one-off index on a small table\n"
           "CREATE INDEX i ON users (email);\n",
           "");
    expect("postgresql",
           "SET lock_timeout='1s'; SET statement_timeout='1min';\n"
           "ALTER TABLE users DROP COLUMN a; -- runway:lint-ignore RW104\n",
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

/* Both timeouts set on line 1, so the tests below see only the rule they are about. */
#define T "SET lock_timeout='1s'; SET statement_timeout='1min';\n"

static lint_report run_with(const char *dialect, const char *sql, const char *key, const char *value)
{
    rw_config *cfg = config_new();
    if (key)
        config_set_raw(cfg, key, value, CFG_SRC_CLI);
    lint_report rep = {0};
    lint_script(cfg, sql_dialect_find(dialect), "/nonexistent/V2__t.sql", sql, strlen(sql), &rep);
    config_free(cfg);
    return rep;
}

static void test_drop_index_needs_concurrently(void **state)
{
    (void)state;
    expect("postgresql", T "DROP INDEX IF EXISTS i;\n", "RW111:2");
    expect("postgresql", "DROP INDEX CONCURRENTLY IF EXISTS i;\n", "");
    /* an index made earlier in the same migration is not in use yet */
    expect("postgresql", T "CREATE INDEX CONCURRENTLY i2 ON t (a);\nDROP INDEX i2;\n", "RW005:2");
}

static void test_reindex_and_detach_need_concurrently(void **state)
{
    (void)state;
    expect("postgresql", T "REINDEX INDEX i;\n", "RW112:2");
    expect("postgresql", "REINDEX (VERBOSE) TABLE CONCURRENTLY t;\n", "");
    expect("postgresql", T "ALTER TABLE p DETACH PARTITION p1;\n", "RW113:2");
    expect("postgresql", T "ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;\n", "");
}

static void test_primary_key_or_unique_without_using_index(void **state)
{
    (void)state;
    expect("postgresql", T "ALTER TABLE t ADD PRIMARY KEY (id);\n", "RW114:2");
    expect("postgresql", T "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a, b);\n", "RW114:2");
    expect("postgresql", T "ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX u_idx;\n", "");
    expect("postgresql", "CREATE TABLE t (id int);\nALTER TABLE t ADD PRIMARY KEY (id);\n", "");
}

static void test_add_column_that_rewrites_the_table(void **state)
{
    (void)state;
    expect("postgresql", T "ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();\n", "RW115:2");
    expect("postgresql", T "ALTER TABLE t ADD COLUMN n int GENERATED ALWAYS AS (a + 1) STORED;\n",
           "RW115:2");
    expect("postgresql", T "ALTER TABLE t ADD COLUMN id bigserial;\n", "RW115:2");
    /* a constant or stable default is stored once (PostgreSQL 11+) */
    expect("postgresql", T "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now(), ADD COLUMN k "
                           "text DEFAULT ('_');\n",
           "");
}

static void test_set_not_null_after_a_validated_check_is_fine(void **state)
{
    (void)state;
    expect("postgresql", T "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n", "RW108:2");
    expect("postgresql",
           T "ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\n"
             "ALTER TABLE t VALIDATE CONSTRAINT a_nn;\n"
             "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n",
           "");
    /* NOT VALID alone proves nothing yet */
    expect("postgresql",
           T "ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\n"
             "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n",
           "RW108:3");
}

static void test_enum_values_and_triggers_need_a_lock_timeout(void **state)
{
    (void)state;
    expect("postgresql", "ALTER TYPE mood ADD VALUE 'meh';\n", "RW106:1 RW116:1");
    expect("postgresql", "CREATE TRIGGER tr BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f();\n",
           "RW106:1 RW116:1");
    expect("postgresql", "CREATE TABLE t (id int);\nCREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH "
                         "ROW EXECUTE FUNCTION f();\n",
           "");
    /* runway.statementTimeout satisfies RW116 like runway.lockTimeout does RW106 */
    lint_report rep = run_with("postgresql", "ALTER TYPE mood ADD VALUE 'meh';\n",
                               "statementTimeout", "1min");
    assert_int_equal(rep.len, 1);
    assert_string_equal(rep.items[0].rule->id, "RW106");
    lint_report_free(&rep);
}

static void test_truncate_cascade_and_drop_not_null(void **state)
{
    (void)state;
    expect("postgresql", T "TRUNCATE TABLE a CASCADE;\nTRUNCATE b;\n", "RW117:2");
    expect("postgresql", T "ALTER TABLE t ALTER COLUMN a DROP NOT NULL;\n", "RW118:2");
    expect("postgresql", T "ALTER TABLE t RENAME TO t2;\n", "RW109:2");
}

static void test_transaction_control_in_a_transactional_migration(void **state)
{
    (void)state;
    expect("postgresql", "CREATE TABLE t (id int);\nCOMMIT;\nBEGIN;\n", "RW014:2 RW014:3");
    expect("sqlite", "BEGIN TRANSACTION;\nCREATE TABLE t (id int);\nEND;\n", "RW014:1 RW014:3");
    expect("mysql", "START TRANSACTION;\nINSERT INTO t VALUES (1);\nROLLBACK;\n",
           "RW014:1 RW014:3");
    /* not transaction control */
    expect("postgresql", "SAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\n", "");
    /* a migration that runs outside a transaction may commit */
    lint_report rep = run_with("postgresql", "CREATE TABLE t (id int);\nCOMMIT;\n",
                               "executeInTransaction", "false");
    assert_int_equal(rep.len, 0);
    lint_report_free(&rep);
}

/* The RW014 lines of a lint run, as "2 3". */
static char *rw014_lines(const char *dialect, const char *sql)
{
    lint_report rep = run(dialect, sql);
    strbuf got = STRBUF_INIT;
    for (size_t i = 0; i < rep.len; i++)
        if (strcmp(rep.items[i].rule->id, "RW014") == 0)
            sb_addf(&got, "%s%d", got.len ? " " : "", rep.items[i].line);
    lint_report_free(&rep);
    return sb_detach(&got);
}

/* The lines of the statements migrate refuses in a transaction: the splitter's flag. */
static char *txn_flag_lines(const char *dialect, const char *sql)
{
    sql_script script = {0};
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(sql_dialect_find(dialect)->split(sql, strlen(sql), &script, &e), RW_OK);
    strbuf got = STRBUF_INIT;
    for (size_t i = 0; i < script.len; i++)
        if (script.stmts[i].txn != SQL_TXN_NONE && script.stmts[i].txn != SQL_TXN_SAVEPOINT)
            sb_addf(&got, "%s%d", got.len ? " " : "", script.stmts[i].line);
    sql_script_free(&script);
    return sb_detach(&got);
}

static void test_transaction_control_flags_the_statements_migrate_refuses(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"postgresql",
         "CREATE TABLE t (id int);\nPREPARE TRANSACTION 'x';\nCOMMIT PREPARED 'x';\n"
         "ROLLBACK PREPARED 'y';\nROLLBACK WORK TO SAVEPOINT s;\n-- note\nabort;\n"
         "DO $$ BEGIN COMMIT; END $$;\nEND TRANSACTION;\n",
         "2 7 9"},
        {"sqlite", "BEGIN IMMEDIATE;\nCREATE TABLE t (id int);\n/* done */ COMMIT;\n", "1 3"},
        {"mysql",
         "BEGIN NOT ATOMIC SELECT 1; END;\nSTART TRANSACTION;\nINSERT INTO t VALUES (1);\n"
         "ROLLBACK TO SAVEPOINT s;\nCOMMIT WORK;\n",
         "2 5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *lint_lines = rw014_lines(cases[i][0], cases[i][1]);
        char *split_lines = txn_flag_lines(cases[i][0], cases[i][1]);
        assert_string_equal(split_lines, cases[i][2]);
        assert_string_equal(lint_lines, split_lines);
        free(lint_lines);
        free(split_lines);
    }
}

static void test_transaction_control_message_names_the_statement_as_migrate_does(void **state)
{
    (void)state;
    lint_report rep = run("postgresql", "CREATE TABLE t (id int);\nprepare transaction 'x';\n");
    assert_int_equal(rep.len, 1);
    assert_non_null(strstr(rep.items[0].message, "PREPARE TRANSACTION inside a migration"));
    lint_report_free(&rep);
}

static void test_identifier_over_63_bytes(void **state)
{
    (void)state;
    expect("postgresql",
           "CREATE TABLE t (id int);\nCREATE INDEX "
           "an_index_name_that_is_much_too_long_for_postgresql_to_keep_whole_x ON t (id);\n",
           "RW119:2");
    expect("postgresql",
           "CREATE TABLE an_index_name_that_is_exactly_sixty_three_bytes_long_abcdefghij (id int);\n",
           "");
}

static void test_create_table_if_not_exists_may_already_exist(void **state)
{
    (void)state;
    expect("postgresql",
           T "CREATE TABLE IF NOT EXISTS users (id int);\nALTER TABLE users DROP COLUMN legacy;\n",
           "RW104:3");
    expect("postgresql", T "CREATE TABLE users (id int);\nALTER TABLE users DROP COLUMN legacy;\n",
           "");
}

static void test_misspelt_keywords_are_syntax_errors(void **state)
{
    (void)state;
    expect("postgresql", "SELCT garbage;\n", "RW011:1");
    expect("postgresql", "ALTER TABEL users ADD COLUMN x int NOT NULL;\n", "RW011:1");
    expect("mysql", "CRATE TABLE t (id int);\n", "RW011:1");
    expect("sqlite", "THIS IS NOT SQL;\n", "RW011:1");
    lint_report rep = run("postgresql", "SELCT 1;\n");
    assert_non_null(strstr(rep.items[0].message, "did you mean SELECT?"));
    lint_report_free(&rep);
}

static void test_unknown_object_kinds_are_counted_not_reported(void **state)
{
    (void)state;
    lint_report rep = run("postgresql", "SELECT 1;\nCREATE WIDGET w;\nDROP GADGET g;\n");
    assert_int_equal(rep.len, 0);
    assert_int_equal(rep.statements, 3);
    assert_int_equal(rep.nunclassified, 2);
    assert_int_equal(rep.unclassified[0].line, 2);
    assert_string_equal(rep.unclassified[0].text, "CREATE WIDGET w");
    lint_report_free(&rep);
}

static void test_suppression_needs_a_rule_id(void **state)
{
    (void)state;
    expect("postgresql", T "-- runway:ignore because I say so\nALTER TABLE t DROP COLUMN a;\n",
           "RW012:2 RW104:3");
    expect("postgresql", T "-- runway:ignore RW999 typo\nALTER TABLE t DROP COLUMN a;\n",
           "RW012:2 RW104:3");
    expect("postgresql", T "-- runway:ignore-file\nSELECT 1;\n", "RW012:2");
    /* a statement spanning lines: the comment may be on any of them */
    expect("postgresql", T "ALTER TABLE t\n  DROP COLUMN a; -- runway:ignore RW104 unused since v3\n",
           "");
    /* "runway:ignore" outside a comment is not a directive */
    expect("postgresql", T "INSERT INTO notes VALUES ('runway:ignore RW104');\n"
                           "ALTER TABLE t DROP COLUMN a;\n",
           "RW104:3");
}

static void test_unused_suppression_is_reported(void **state)
{
    (void)state;
    expect("postgresql", T "-- runway:ignore RW104 nothing is dropped here\nSELECT 1;\n",
           "RW013:2");
    expect("postgresql", "-- runway:ignore-file RW105 no table is dropped\nSELECT 1;\n", "RW013:1");
    /* a rule that is off (another dialect, or lintIgnore) cannot be unused */
    expect("mysql", "-- runway:ignore RW101 postgres only\nSELECT 1;\n", "");
}

static void test_style_rules_are_opt_in(void **state)
{
    (void)state;
    const char *sql = "CREATE TABLE t (id serial PRIMARY KEY, name varchar(20), at timestamp, "
                      "ok timestamp(3) with time zone, ref int REFERENCES u (id));\n";
    expect("postgresql", sql, "");
    lint_report rep = run_with("postgresql", sql, "lintEnable", "style");
    strbuf got = STRBUF_INIT;
    for (size_t i = 0; i < rep.len; i++)
        sb_addf(&got, "%s%s", i ? " " : "", rep.items[i].rule->id);
    assert_string_equal(sb_str(&got), "RW201 RW202 RW203 RW204 RW201");
    sb_free(&got);
    lint_report_free(&rep);
    rep = run_with("postgresql", sql, "lintEnable", "RW203");
    assert_int_equal(rep.len, 1);
    lint_report_free(&rep);
}

static void test_mysql_online_ddl(void **state)
{
    (void)state;
    expect("mysql", "ALTER TABLE t ADD COLUMN a INT AFTER b;\n", "RW120:1");
    expect("mysql", "ALTER TABLE t ADD COLUMN a INT FIRST, ALGORITHM=INSTANT;\n", "");
    expect("mysql", "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;\n", "RW120:1");
    expect("mysql", "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id);\n", "RW120:1");
    expect("mysql", "SET foreign_key_checks = 0;\nALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) "
                    "REFERENCES u (id), ALGORITHM=INPLACE;\n",
           "");
    expect("mysql", "ALTER TABLE t MODIFY COLUMN a BIGINT, ALGORITHM=INPLACE, LOCK=NONE;\n", "");
    expect("mysql", "ALTER TABLE t CHANGE a b INT;\n", "RW103:1 RW109:1");
    expect("mysql", "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a INT AFTER id;\n", "");
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
        cmocka_unit_test(test_drop_index_needs_concurrently),
        cmocka_unit_test(test_reindex_and_detach_need_concurrently),
        cmocka_unit_test(test_primary_key_or_unique_without_using_index),
        cmocka_unit_test(test_add_column_that_rewrites_the_table),
        cmocka_unit_test(test_set_not_null_after_a_validated_check_is_fine),
        cmocka_unit_test(test_enum_values_and_triggers_need_a_lock_timeout),
        cmocka_unit_test(test_truncate_cascade_and_drop_not_null),
        cmocka_unit_test(test_transaction_control_in_a_transactional_migration),
        cmocka_unit_test(test_transaction_control_flags_the_statements_migrate_refuses),
        cmocka_unit_test(test_transaction_control_message_names_the_statement_as_migrate_does),
        cmocka_unit_test(test_identifier_over_63_bytes),
        cmocka_unit_test(test_create_table_if_not_exists_may_already_exist),
        cmocka_unit_test(test_misspelt_keywords_are_syntax_errors),
        cmocka_unit_test(test_unknown_object_kinds_are_counted_not_reported),
        cmocka_unit_test(test_suppression_needs_a_rule_id),
        cmocka_unit_test(test_unused_suppression_is_reported),
        cmocka_unit_test(test_style_rules_are_opt_in),
        cmocka_unit_test(test_mysql_online_ddl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
