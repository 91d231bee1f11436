/* Unit tests for the PostgreSQL statement splitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/split.h"
#include "corpus.h"

/* Splits text, which must parse, and checks the statement count. */
static void split_ok(const char *text, sql_script *s, size_t want)
{
    rw_err e;
    rw_err_clear(&e);
    memset(s, 0, sizeof *s);
    int rc = sql_dialect_postgres.split(text, strlen(text), s, &e);
    if (rc != 0)
        fail_msg("split failed: %s", e.msg);
    if (s->len != want) {
        for (size_t i = 0; i < s->len; i++)
            print_message("stmt %zu (line %d): [%s]\n", i, s->stmts[i].line, s->stmts[i].sql);
        fail_msg("expected %zu statements, got %zu", want, s->len);
    }
}

/* Splits text, which must fail, and returns the error. */
static rw_err split_fails(const char *text)
{
    rw_err e;
    rw_err_clear(&e);
    sql_script s = {0};
    int rc = sql_dialect_postgres.split(text, strlen(text), &s, &e);
    sql_script_free(&s);
    assert_int_not_equal(rc, 0);
    assert_int_equal(e.code, RW_ERR_PARSE);
    return e;
}

static void test_simple_statements_and_lines(void **state)
{
    (void)state;
    sql_script s;
    split_ok("CREATE TABLE a (id INT);\n\n  INSERT INTO a VALUES (1);\nSELECT 1", &s, 3);
    assert_string_equal(s.stmts[0].sql, "CREATE TABLE a (id INT)");
    assert_int_equal(s.stmts[0].line, 1);
    assert_string_equal(s.stmts[1].sql, "INSERT INTO a VALUES (1)");
    assert_int_equal(s.stmts[1].line, 3);
    assert_string_equal(s.stmts[2].sql, "SELECT 1");
    assert_int_equal(s.stmts[2].line, 4);
    assert_true(s.stmts[0].transactional);
    assert_null(s.stmts[0].copy_data);
    sql_script_free(&s);
}

static void test_line_is_first_token_after_comments(void **state)
{
    (void)state;
    sql_script s;
    split_ok("-- header; with semicolon\n/* block;\n comment */\n\nSELECT 1;\n", &s, 1);
    assert_string_equal(s.stmts[0].sql, "SELECT 1");
    assert_int_equal(s.stmts[0].line, 5);
    sql_script_free(&s);
}

static void test_empty_statements_skipped(void **state)
{
    (void)state;
    sql_script s;
    split_ok(";;SELECT 1;;\n;\n-- only a comment\n", &s, 1);
    assert_string_equal(s.stmts[0].sql, "SELECT 1");
    sql_script_free(&s);
}

static void test_dollar_dollar_inside_string(void **state)
{
    (void)state;
    sql_script s;
    split_ok("SELECT '$$';\nSELECT 'it''s $$ ; here';\nSELECT 3;", &s, 3);
    assert_string_equal(s.stmts[0].sql, "SELECT '$$'");
    assert_string_equal(s.stmts[1].sql, "SELECT 'it''s $$ ; here'");
    assert_int_equal(s.stmts[2].line, 3);
    sql_script_free(&s);
}

static void test_semicolon_inside_dollar_body(void **state)
{
    (void)state;
    sql_script s;
    const char *sql = "CREATE FUNCTION f() RETURNS void AS $$\n"
                      "BEGIN\n"
                      "  INSERT INTO t VALUES ('x;');\n"
                      "  UPDATE t SET a = 1;\n"
                      "END;\n"
                      "$$ LANGUAGE plpgsql;\n"
                      "SELECT f();\n";
    split_ok(sql, &s, 2);
    assert_int_equal(s.stmts[1].line, 7);
    assert_string_equal(s.stmts[1].sql, "SELECT f()");
    assert_non_null(strstr(s.stmts[0].sql, "END;\n$$ LANGUAGE plpgsql"));
    sql_script_free(&s);
}

static void test_tagged_dollar_quotes(void **state)
{
    (void)state;
    sql_script s;
    const char *sql = "CREATE FUNCTION a() RETURNS text AS $body$ SELECT '$$;'; $x$ ; $body$ "
                      "LANGUAGE sql;\n"
                      "CREATE FUNCTION b(int, int) RETURNS int AS $_$ select $1 + $2; $_$ "
                      "LANGUAGE sql;\n"
                      "SELECT $abc$ $$ ; $$ $abc$;\n";
    split_ok(sql, &s, 3);
    assert_int_equal(s.stmts[1].line, 2);
    assert_int_equal(s.stmts[2].line, 3);
    assert_string_equal(s.stmts[2].sql, "SELECT $abc$ $$ ; $$ $abc$");
    sql_script_free(&s);
}

static void test_positional_parameter_is_not_a_dollar_quote(void **state)
{
    (void)state;
    sql_script s;
    split_ok("PREPARE p(int) AS SELECT $1;\nSELECT 2;\nSELECT $12 + 1;\n", &s, 3);
    assert_string_equal(s.stmts[0].sql, "PREPARE p(int) AS SELECT $1");
    assert_string_equal(s.stmts[2].sql, "SELECT $12 + 1");
    sql_script_free(&s);
}

static void test_dollar_inside_identifier(void **state)
{
    (void)state;
    sql_script s;
    split_ok("SELECT tv_$copy$x FROM t;\nSELECT 2;", &s, 2);
    assert_string_equal(s.stmts[0].sql, "SELECT tv_$copy$x FROM t");
    sql_script_free(&s);
}

static void test_nested_block_comments(void **state)
{
    (void)state;
    sql_script s;
    split_ok("/* outer /* inner ; */ still comment ; */ SELECT 1;\n"
             "SELECT /* a /* b */ c */ 2; -- trailing ; comment\n"
             "SELECT 3;",
             &s, 3);
    assert_string_equal(s.stmts[0].sql, "SELECT 1");
    assert_string_equal(s.stmts[1].sql, "SELECT /* a /* b */ c */ 2");
    assert_int_equal(s.stmts[2].line, 3);
    sql_script_free(&s);
}

static void test_escape_strings(void **state)
{
    (void)state;
    sql_script s;
    /* E'' knows backslash escapes; a standard string ends at the second quote. */
    split_ok("SELECT E'it\\'s; here';\nSELECT e'\\\\';\nSELECT 'a\\';\nSELECT E'x''y;';\n", &s,
             4);
    assert_string_equal(s.stmts[0].sql, "SELECT E'it\\'s; here'");
    assert_string_equal(s.stmts[1].sql, "SELECT e'\\\\'");
    assert_string_equal(s.stmts[2].sql, "SELECT 'a\\'");
    assert_string_equal(s.stmts[3].sql, "SELECT E'x''y;'");
    sql_script_free(&s);
}

static void test_quoted_identifiers(void **state)
{
    (void)state;
    sql_script s;
    split_ok("CREATE TABLE \"a;\"\"b\" (\"$$\" int);\nCREATE VIEW \"\"\"v\"\"\" AS SELECT 1;", &s,
             2);
    assert_string_equal(s.stmts[0].sql, "CREATE TABLE \"a;\"\"b\" (\"$$\" int)");
    sql_script_free(&s);
}

static void test_multiline_string_with_semicolons(void **state)
{
    (void)state;
    sql_script s;
    split_ok("COMMENT ON COLUMN t.c IS 'ATIVO = 1;\nCONCLUIDO = 2;';\nSELECT 1;", &s, 2);
    assert_int_equal(s.stmts[1].line, 3);
    sql_script_free(&s);
}

static void test_begin_atomic_body(void **state)
{
    (void)state;
    sql_script s;
    const char *sql = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\n"
                      "BEGIN ATOMIC\n"
                      "  SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\n"
                      "  SELECT 2;\n"
                      "END;\n"
                      "BEGIN;\n"
                      "SELECT 3;\n"
                      "END;\n";
    split_ok(sql, &s, 4);
    assert_true(strstr(s.stmts[0].sql, "SELECT 2;\nEND") != NULL);
    assert_string_equal(s.stmts[1].sql, "BEGIN");
    assert_int_equal(s.stmts[2].line, 7);
    sql_script_free(&s);
}

static void test_copy_from_stdin(void **state)
{
    (void)state;
    sql_script s;
    const char *sql = "COPY t (a, b) FROM stdin;\n"
                      "1\tx;y\n"
                      "2\t\\N\n"
                      "\\.\n"
                      "COPY t (a, b)\n"
                      "  FROM STDIN;\n"
                      "3\t'q\n"
                      "\\.\n"
                      "SELECT setval('s', 3);\n";
    split_ok(sql, &s, 3);
    assert_string_equal(s.stmts[0].sql, "COPY t (a, b) FROM stdin");
    assert_non_null(s.stmts[0].copy_data);
    assert_int_equal(s.stmts[0].copy_len, strlen("1\tx;y\n2\t\\N\n"));
    assert_string_equal(s.stmts[0].copy_data, "1\tx;y\n2\t\\N\n");
    assert_int_equal(s.stmts[1].line, 5);
    assert_string_equal(s.stmts[1].copy_data, "3\t'q\n");
    assert_int_equal(s.stmts[2].line, 9);
    assert_null(s.stmts[2].copy_data);
    sql_script_free(&s);
}

static void test_copy_to_file_has_no_data(void **state)
{
    (void)state;
    sql_script s;
    split_ok("COPY t FROM '/tmp/x.csv';\nSELECT 1;\nCOPY (SELECT 'from stdin') TO STDOUT;\n", &s,
             3);
    assert_null(s.stmts[0].copy_data);
    assert_null(s.stmts[2].copy_data);
    sql_script_free(&s);
}

static void test_copy_data_empty_and_crlf(void **state)
{
    (void)state;
    sql_script s;
    split_ok("COPY t FROM stdin;\r\n\\.\r\nCOPY t FROM stdin;\r\n1\r\n\\.\r\nSELECT 1;\r\n", &s, 3);
    assert_int_equal(s.stmts[0].copy_len, 0);
    assert_non_null(s.stmts[0].copy_data);
    assert_string_equal(s.stmts[1].copy_data, "1\r\n");
    assert_int_equal(s.stmts[2].line, 6);
    sql_script_free(&s);
}

static void test_meta_commands_rejected(void **state)
{
    (void)state;
    rw_err e = split_fails("\\c mydb\nSELECT 1;");
    assert_int_equal(e.line, 1);
    assert_non_null(strstr(e.msg, "\\c"));
    assert_non_null(strstr(e.msg, "line 1"));

    e = split_fails("SELECT 1;\n-- include\n\\i other.sql\n");
    assert_int_equal(e.line, 3);
    assert_non_null(strstr(e.msg, "\\i"));

    e = split_fails("SELECT 1\n  \\set x 1\n");
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.msg, "\\set"));
}

static void test_backslash_inside_strings_is_data(void **state)
{
    (void)state;
    sql_script s;
    split_ok("SELECT '\n\\c not a command';\nSELECT $$\n\\i nor this\n$$;", &s, 2);
    sql_script_free(&s);
}

/* Non-transactional verdict of a single statement. */
static bool transactional(const char *sql)
{
    sql_script s;
    split_ok(sql, &s, 1);
    bool t = s.stmts[0].transactional;
    sql_script_free(&s);
    return t;
}

static void test_nontransactional_statements(void **state)
{
    (void)state;
    assert_false(transactional("CREATE INDEX CONCURRENTLY i ON t (a);"));
    assert_false(transactional("create unique index concurrently i on t (a);"));
    assert_false(transactional("DROP INDEX CONCURRENTLY IF EXISTS i;"));
    assert_false(transactional("REINDEX TABLE CONCURRENTLY t;"));
    assert_false(transactional("REINDEX (VERBOSE, CONCURRENTLY) INDEX i;"));
    assert_false(transactional("REINDEX SCHEMA public;"));
    assert_false(transactional("REINDEX VERBOSE DATABASE d;"));
    assert_false(transactional("REINDEX SYSTEM d;"));
    assert_false(transactional("VACUUM t;"));
    assert_false(transactional("vacuum (analyze) t;"));
    assert_false(transactional("CREATE DATABASE d;"));
    assert_false(transactional("DROP DATABASE IF EXISTS d;"));
    assert_false(transactional("CREATE TABLESPACE ts LOCATION '/x';"));
    assert_false(transactional("DROP SUBSCRIPTION s;"));
    assert_false(transactional("ALTER SYSTEM SET work_mem = '8MB';"));
    assert_false(transactional("DISCARD ALL;"));
    assert_false(transactional("-- leading comment\n/* c */ CREATE INDEX CONCURRENTLY i ON t (a);"));

    assert_true(transactional("CREATE INDEX i ON t (a);"));
    assert_true(transactional("CREATE INDEX concurrently_idx ON t (a);"));
    assert_true(transactional("REINDEX TABLE t;"));
    assert_true(transactional("DISCARD PLANS;"));
    assert_true(transactional("SELECT 'VACUUM';"));
    assert_true(transactional("ALTER TABLE system ADD COLUMN a int;"));
    assert_true(transactional("DO $$ BEGIN EXECUTE 'VACUUM'; END $$;"));
}

static void test_script_mix_detection(void **state)
{
    (void)state;
    sql_script s;
    split_ok("CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);", &s, 2);
    assert_true(sql_script_has_nontransactional(&s));
    assert_true(sql_script_has_transactional(&s));
    sql_script_free(&s);
}

static void test_unterminated_constructs(void **state)
{
    (void)state;
    rw_err e = split_fails("SELECT 1;\nSELECT $$ never closed;\n\n");
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.msg, "$$"));

    e = split_fails("SELECT 1;\n\nSELECT $fn$ x $other$;\n");
    assert_int_equal(e.line, 3);
    assert_non_null(strstr(e.msg, "$fn$"));

    e = split_fails("SELECT 'abc;\nSELECT 2;\n");
    assert_int_equal(e.line, 1);
    assert_non_null(strstr(e.msg, "string"));

    e = split_fails("SELECT 1;\n/* a /* b */\nSELECT 2;\n");
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.msg, "comment"));

    e = split_fails("SELECT \"abc;\n");
    assert_non_null(strstr(e.msg, "identifier"));

    e = split_fails("SELECT 1;\nINSERT INTO t VALUES (1;\n");
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.msg, "Incomplete statement at line 2"));

    e = split_fails("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;\n");
    assert_non_null(strstr(e.msg, "BEGIN ATOMIC"));
}

static void test_crlf_lines(void **state)
{
    (void)state;
    sql_script s;
    split_ok("SELECT 1;\r\n\r\nSELECT 'a\r\nb';\r\nSELECT 3;\r\n", &s, 3);
    assert_int_equal(s.stmts[1].line, 3);
    assert_int_equal(s.stmts[2].line, 5);
    sql_script_free(&s);
}

static void test_do_with_plain_string_body(void **state)
{
    (void)state;
    sql_script s;
    split_ok("do '\nbegin\n\traise notice ''hello; world'';\nend';\nSELECT 1;", &s, 2);
    assert_int_equal(s.stmts[1].line, 5);
    sql_script_free(&s);
}

/* Flyway's own parser test: this file holds 3 statements at lines 17, 23 and 28. */
static void test_flyway_even_more_dollars_fixture(void **state)
{
    (void)state;
    char *path;
    CORPUS_FILE(path, "flyway-tests-postgresql/dollar/V2__Even_more_dollars.sql");
    strbuf text = STRBUF_INIT;
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(rw_read_file(path, &text, &e), 0);
    free(path);
    sql_script s;
    split_ok(sb_str(&text), &s, 3);
    assert_int_equal(s.stmts[0].line, 17);
    assert_int_equal(s.stmts[1].line, 23);
    assert_int_equal(s.stmts[2].line, 28);
    sql_script_free(&s);
    sb_free(&text);
}

static void test_bare_cr_ends_a_line_comment(void **state)
{
    (void)state;
    /* PostgreSQL's lexer ends a -- comment at CR as well as LF. */
    sql_script s;
    split_ok("-- note\rCREATE TABLE a (id INT);\r-- two\rINSERT INTO a VALUES (1);\r", &s, 2);
    assert_int_equal(s.hidden_line, 0);
    assert_string_equal(s.stmts[0].sql, "CREATE TABLE a (id INT)");
    assert_int_equal(s.stmts[0].line, 2);
    assert_string_equal(s.stmts[1].sql, "INSERT INTO a VALUES (1)");
    assert_int_equal(s.stmts[1].line, 4);
    sql_script_free(&s);
}

static void test_bare_cr_lines_name_the_error_line(void **state)
{
    (void)state;
    rw_err e = split_fails("SELECT 1;\rSELECT 2;\rSELECT 'open;\r");
    assert_int_equal(e.line, 3);
}

static void test_transaction_control_is_flagged(void **state)
{
    (void)state;
    sql_script s;
    split_ok("BEGIN;\nSTART TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nCOMMIT AND CHAIN;\n"
             "END WORK;\nABORT;\nROLLBACK WORK TO SAVEPOINT x;\nPREPARE TRANSACTION 'x';\n"
             "COMMIT PREPARED 'x';\nPREPARE q AS SELECT 1;\n"
             "CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END;\n"
             "DO $$ BEGIN COMMIT; END $$;\n",
             &s, 11);
    const sql_txn want[] = {SQL_TXN_BEGIN,    SQL_TXN_BEGIN,     SQL_TXN_COMMIT, SQL_TXN_COMMIT,
                            SQL_TXN_ROLLBACK, SQL_TXN_SAVEPOINT, SQL_TXN_COMMIT, SQL_TXN_NONE,
                            SQL_TXN_NONE,     SQL_TXN_NONE,      SQL_TXN_NONE};
    for (size_t i = 0; i < 11; i++)
        assert_int_equal(s.stmts[i].txn, want[i]);
    assert_string_equal(sql_txn_name(&s.stmts[1]), "START TRANSACTION");
    sql_script_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_statements_and_lines),
        cmocka_unit_test(test_line_is_first_token_after_comments),
        cmocka_unit_test(test_empty_statements_skipped),
        cmocka_unit_test(test_dollar_dollar_inside_string),
        cmocka_unit_test(test_semicolon_inside_dollar_body),
        cmocka_unit_test(test_tagged_dollar_quotes),
        cmocka_unit_test(test_positional_parameter_is_not_a_dollar_quote),
        cmocka_unit_test(test_dollar_inside_identifier),
        cmocka_unit_test(test_nested_block_comments),
        cmocka_unit_test(test_escape_strings),
        cmocka_unit_test(test_quoted_identifiers),
        cmocka_unit_test(test_multiline_string_with_semicolons),
        cmocka_unit_test(test_begin_atomic_body),
        cmocka_unit_test(test_copy_from_stdin),
        cmocka_unit_test(test_copy_to_file_has_no_data),
        cmocka_unit_test(test_copy_data_empty_and_crlf),
        cmocka_unit_test(test_meta_commands_rejected),
        cmocka_unit_test(test_backslash_inside_strings_is_data),
        cmocka_unit_test(test_nontransactional_statements),
        cmocka_unit_test(test_script_mix_detection),
        cmocka_unit_test(test_unterminated_constructs),
        cmocka_unit_test(test_crlf_lines),
        cmocka_unit_test(test_do_with_plain_string_body),
        cmocka_unit_test(test_flyway_even_more_dollars_fixture),
        cmocka_unit_test(test_bare_cr_ends_a_line_comment),
        cmocka_unit_test(test_bare_cr_lines_name_the_error_line),
        cmocka_unit_test(test_transaction_control_is_flagged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
