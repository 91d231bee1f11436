/* Unit tests for the SQLite splitter: statements, lines, blocks, quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "sql/split.h"

static sql_script script;
static rw_err err;

static int setup(void **state)
{
    (void)state;
    memset(&script, 0, sizeof script);
    rw_err_clear(&err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sql_script_free(&script);
    return 0;
}

static int split(const char *text)
{
    return sql_dialect_sqlite.split(text, strlen(text), &script, &err);
}

static void expect_stmt(size_t i, const char *sql, int line)
{
    assert_true(i < script.len);
    assert_string_equal(script.stmts[i].sql, sql);
    assert_int_equal(script.stmts[i].line, line);
}

static void test_dialect_lookup(void **state)
{
    (void)state;
    assert_ptr_equal(sql_dialect_find("sqlite"), &sql_dialect_sqlite);
    assert_null(sql_dialect_find("oracle"));
}

static void test_simple_statements_and_lines(void **state)
{
    (void)state;
    assert_int_equal(split("CREATE TABLE a (id INT);\n\nINSERT INTO a VALUES (1);\n"
                           "  SELECT 1\n  FROM a;\nSELECT 2"),
                     0);
    assert_int_equal(script.len, 4);
    expect_stmt(0, "CREATE TABLE a (id INT)", 1);
    expect_stmt(1, "INSERT INTO a VALUES (1)", 3);
    expect_stmt(2, "SELECT 1\n  FROM a", 4);
    expect_stmt(3, "SELECT 2", 6); /* no trailing semicolon */
    assert_true(script.stmts[0].transactional);
}

static void test_semicolons_in_strings_identifiers_comments(void **state)
{
    (void)state;
    assert_int_equal(split("INSERT INTO t VALUES ('a;b', 'it''s; ok');\n"
                           "-- a comment; with ' quote\n"
                           "/* block; ' comment\n spanning */ CREATE TABLE \"we;ird\" ([x;y] INT, `z;` INT);\n"
                           "INSERT INTO t VALUES ('multi\nline;\nstring');"),
                     0);
    assert_int_equal(script.len, 3);
    expect_stmt(0, "INSERT INTO t VALUES ('a;b', 'it''s; ok')", 1);
    assert_non_null(strstr(script.stmts[1].sql, "CREATE TABLE \"we;ird\" ([x;y] INT, `z;` INT)"));
    expect_stmt(2, "INSERT INTO t VALUES ('multi\nline;\nstring')", 5);
}

static void test_trigger_body_is_one_statement(void **state)
{
    (void)state;
    assert_int_equal(split("CREATE TABLE a (x INT);\n"
                           "CREATE TRIGGER trg AFTER INSERT ON a\nBEGIN\n"
                           "  UPDATE a SET x = CASE WHEN x > 1 THEN 1 ELSE 0 END;\n"
                           "  DELETE FROM a WHERE x = 2;\nEND;\n"
                           "CREATE TEMP TRIGGER t2 BEFORE DELETE ON a BEGIN SELECT 1; END;\n"
                           "SELECT CASE WHEN 1 THEN 'a' END;"),
                     0);
    assert_int_equal(script.len, 4);
    assert_true(rw_starts_with(script.stmts[1].sql, "CREATE TRIGGER trg"));
    assert_true(rw_ends_with_ci(script.stmts[1].sql, "DELETE FROM a WHERE x = 2;\nEND"));
    assert_int_equal(script.stmts[1].line, 2);
    assert_true(rw_ends_with_ci(script.stmts[2].sql, "SELECT 1; END"));
    expect_stmt(3, "SELECT CASE WHEN 1 THEN 'a' END", 8);
}

static void test_begin_transaction_is_not_a_block(void **state)
{
    (void)state;
    assert_int_equal(split("BEGIN TRANSACTION;\nCREATE TABLE a (x);\nCOMMIT;"), 0);
    assert_int_equal(script.len, 3);
}

static void test_pragma_foreign_keys_not_transactional(void **state)
{
    (void)state;
    assert_int_equal(split("PRAGMA foreign_keys = OFF;\nCREATE TABLE a (x);"), 0);
    assert_int_equal(script.len, 2);
    assert_false(script.stmts[0].transactional);
    assert_true(script.stmts[1].transactional);
    assert_true(sql_script_has_nontransactional(&script));
    assert_true(sql_script_has_transactional(&script));
}

static void test_only_comments_gives_no_statements(void **state)
{
    (void)state;
    assert_int_equal(split("-- nothing\n/* here */\n\n;\n"), 0);
    assert_int_equal(script.len, 0);
}

static void test_unterminated_string_names_line(void **state)
{
    (void)state;
    assert_int_not_equal(split("SELECT 1;\n\nSELECT 'oops;\n"), 0);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "line 3"));
}

static void test_unclosed_trigger_names_line(void **state)
{
    (void)state;
    assert_int_not_equal(split("SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
                               "SELECT 1;\n"),
                         0);
    assert_int_equal(err.line, 2);
}

static void test_unterminated_comment(void **state)
{
    (void)state;
    assert_int_not_equal(split("SELECT 1;\n/* never closed\n"), 0);
    assert_int_equal(err.line, 2);
}

static void test_bare_cr_comment_hides_the_next_statement(void **state)
{
    (void)state;
    /* SQLite runs a -- comment on to LF: the CREATE is commented out. */
    assert_int_equal(split("SELECT 1;\n-- note\rCREATE TABLE a (id INT);\r"), 0);
    assert_int_equal(script.len, 1);
    assert_int_equal(script.hidden_line, 3);
    assert_string_equal(script.hidden_text, "CREATE TABLE a (id INT);");
}

static void test_bare_cr_comment_lines_hide_nothing(void **state)
{
    (void)state;
    assert_int_equal(split("-- one\r-- two\r\r/* three */\n-- crlf\r\nSELECT 1;\rSELECT 2;\r"), 0);
    assert_int_equal(script.hidden_line, 0);
    assert_int_equal(script.len, 2);
    expect_stmt(0, "SELECT 1", 6);
    expect_stmt(1, "SELECT 2", 7); /* a bare CR counts as a line end */
}

static void test_transaction_control_is_flagged(void **state)
{
    (void)state;
    assert_int_equal(split("BEGIN IMMEDIATE;\nSAVEPOINT s;\nRELEASE s;\nROLLBACK TO s;\n"
                           "END TRANSACTION;\nCOMMIT;\nROLLBACK;\nCREATE TABLE a (id INT);\n"
                           "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END;"),
                     0);
    assert_int_equal(script.len, 9);
    assert_int_equal(script.stmts[0].txn, SQL_TXN_BEGIN);
    assert_int_equal(script.stmts[1].txn, SQL_TXN_SAVEPOINT);
    assert_int_equal(script.stmts[2].txn, SQL_TXN_SAVEPOINT);
    assert_int_equal(script.stmts[3].txn, SQL_TXN_SAVEPOINT);
    assert_int_equal(script.stmts[4].txn, SQL_TXN_COMMIT);
    assert_int_equal(script.stmts[5].txn, SQL_TXN_COMMIT);
    assert_int_equal(script.stmts[6].txn, SQL_TXN_ROLLBACK);
    assert_int_equal(script.stmts[7].txn, SQL_TXN_NONE);
    assert_int_equal(script.stmts[8].txn, SQL_TXN_NONE);
    assert_ptr_equal(sql_script_find_txn_control(&script), &script.stmts[0]);
    assert_string_equal(sql_txn_name(&script.stmts[4]), "END");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_dialect_lookup),
        T(test_simple_statements_and_lines),
        T(test_semicolons_in_strings_identifiers_comments),
        T(test_trigger_body_is_one_statement),
        T(test_begin_transaction_is_not_a_block),
        T(test_pragma_foreign_keys_not_transactional),
        T(test_only_comments_gives_no_statements),
        T(test_unterminated_string_names_line),
        T(test_unclosed_trigger_names_line),
        T(test_unterminated_comment),
        T(test_bare_cr_comment_hides_the_next_statement),
        T(test_bare_cr_comment_lines_hide_nothing),
        T(test_transaction_control_is_flagged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
