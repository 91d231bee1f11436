/* Unit tests for the MySQL/MariaDB statement splitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sql/split.h"
#include "corpus.h"

/* Splits text with the MySQL dialect, failing the test on a parse error. */
static sql_script split_ok(const char *text)
{
    sql_script s = {0};
    rw_err e;
    rw_err_clear(&e);
    int rc = sql_dialect_mysql.split(text, strlen(text), &s, &e);
    if (rc != 0)
        fail_msg("split failed: %s", e.msg);
    return s;
}

/* Asserts statement i has exactly this text and starts on this line. */
static void expect_stmt(const sql_script *s, size_t i, const char *sql, int line)
{
    assert_true(i < s->len);
    assert_string_equal(s->stmts[i].sql, sql);
    assert_int_equal(s->stmts[i].len, strlen(sql));
    assert_int_equal(s->stmts[i].line, line);
    assert_true(s->stmts[i].transactional);
}

static void test_semicolons_and_lines(void **state)
{
    (void)state;
    sql_script s = split_ok("CREATE TABLE a (id INT);\n\nINSERT INTO a VALUES (1);  INSERT INTO a VALUES (2)\n");
    assert_int_equal(s.len, 3);
    expect_stmt(&s, 0, "CREATE TABLE a (id INT)", 1);
    expect_stmt(&s, 1, "INSERT INTO a VALUES (1)", 3);
    expect_stmt(&s, 2, "INSERT INTO a VALUES (2)", 3);
    sql_script_free(&s);
}

static void test_empty_and_comment_only(void **state)
{
    (void)state;
    sql_script s = split_ok("");
    assert_int_equal(s.len, 0);
    sql_script_free(&s);
    s = split_ok("-- nothing here\n# nor here\n/* or; here */\n;;\n");
    assert_int_equal(s.len, 0);
    sql_script_free(&s);
}

static void test_comments(void **state)
{
    (void)state;
    sql_script s = split_ok("# hash; comment\n"
                            "-- dash; comment\n"
                            "/* block;\n comment */ SELECT 1 -- trailing; comment\n"
                            ";\n"
                            "SELECT 5--3;\n"
                            "SELECT 2 # it's fine\n;");
    assert_int_equal(s.len, 3);
    expect_stmt(&s, 0, "SELECT 1 -- trailing; comment", 4);
    expect_stmt(&s, 1, "SELECT 5--3", 6);
    expect_stmt(&s, 2, "SELECT 2 # it's fine", 7);
    sql_script_free(&s);
}

static void test_dash_comment_at_end_of_input(void **state)
{
    (void)state;
    sql_script s = split_ok("SELECT 1;\n--");
    assert_int_equal(s.len, 1);
    expect_stmt(&s, 0, "SELECT 1", 1);
    sql_script_free(&s);
}

static void test_executable_comments_are_sent(void **state)
{
    (void)state;
    sql_script s = split_ok("/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE */;\n"
                            "/*!40000 ALTER TABLE `t` DISABLE KEYS */;\n"
                            "INSERT INTO t VALUES (1,/*!50705 0x0101,*/'x');\n"
                            "/*M!100100 SET x=1 */;\n"
                            "/*! SET y=2 */;");
    assert_int_equal(s.len, 5);
    expect_stmt(&s, 0, "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE */", 1);
    expect_stmt(&s, 1, "/*!40000 ALTER TABLE `t` DISABLE KEYS */", 2);
    expect_stmt(&s, 2, "INSERT INTO t VALUES (1,/*!50705 0x0101,*/'x')", 3);
    expect_stmt(&s, 3, "/*M!100100 SET x=1 */", 4);
    expect_stmt(&s, 4, "/*! SET y=2 */", 5);
    sql_script_free(&s);
}

static void test_strings_with_backslash_escapes(void **state)
{
    (void)state;
    sql_script s = split_ok("INSERT INTO t VALUES ('a\\';b', 'it''s;', \"x\\\";\", \"say \"\"hi\"\";\");\n"
                            "SELECT 'C:\\\\';\n"
                            "SELECT \"multi\nline; 'quoted'\n\" FROM dual;");
    assert_int_equal(s.len, 3);
    expect_stmt(&s, 0,
                "INSERT INTO t VALUES ('a\\';b', 'it''s;', \"x\\\";\", \"say \"\"hi\"\";\")", 1);
    expect_stmt(&s, 1, "SELECT 'C:\\\\'", 2);
    expect_stmt(&s, 2, "SELECT \"multi\nline; 'quoted'\n\" FROM dual", 3);
    sql_script_free(&s);
}

static void test_comment_markers_inside_strings(void **state)
{
    (void)state;
    sql_script s = split_ok("SELECT '# not; a comment', '-- nor; this', '/* nor; this */';\nSELECT 2;");
    assert_int_equal(s.len, 2);
    expect_stmt(&s, 0, "SELECT '# not; a comment', '-- nor; this', '/* nor; this */'", 1);
    expect_stmt(&s, 1, "SELECT 2", 2);
    sql_script_free(&s);
}

static void test_backtick_identifiers(void **state)
{
    (void)state;
    sql_script s = split_ok("CREATE TABLE `a;b` (`x``;` INT);\nCALL `?`();\nDROP PROCEDURE `?`;");
    assert_int_equal(s.len, 3);
    expect_stmt(&s, 0, "CREATE TABLE `a;b` (`x``;` INT)", 1);
    expect_stmt(&s, 1, "CALL `?`()", 2);
    expect_stmt(&s, 2, "DROP PROCEDURE `?`", 3);
    sql_script_free(&s);
}

static void test_delimiter_command(void **state)
{
    (void)state;
    sql_script s = split_ok("delimiter ;\n"
                            "select 1;\n"
                            "DELIMITER $$\n"
                            "select 3;\n"
                            "$$\n"
                            "CREATE PROCEDURE p()\n"
                            "BEGIN\n"
                            "  SELECT 1; SELECT 2;\n"
                            "END$$\n"
                            "Delimiter #\n"
                            "select 4 #\n"
                            "DELIMITER ;\n"
                            "select 5;");
    assert_int_equal(s.len, 5);
    expect_stmt(&s, 0, "select 1", 2);
    expect_stmt(&s, 1, "select 3;", 4);
    expect_stmt(&s, 2, "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1; SELECT 2;\nEND", 6);
    expect_stmt(&s, 3, "select 4", 11);
    expect_stmt(&s, 4, "select 5", 13);
    sql_script_free(&s);
}

static void test_delimiter_persists_and_glues(void **state)
{
    (void)state;
    sql_script s = split_ok("DELIMITER $$\n"
                            "DROP PROCEDURE IF EXISTS `DropIndexIfExists`$$\n"
                            "CREATE PROCEDURE tv_$copy_filtered() SELECT 1$$\n"
                            "SELECT 'a$$b'$$ SELECT 2 $$");
    assert_int_equal(s.len, 4);
    expect_stmt(&s, 0, "DROP PROCEDURE IF EXISTS `DropIndexIfExists`", 2);
    expect_stmt(&s, 1, "CREATE PROCEDURE tv_$copy_filtered() SELECT 1", 3);
    expect_stmt(&s, 2, "SELECT 'a$$b'", 4);
    expect_stmt(&s, 3, "SELECT 2", 4);
    sql_script_free(&s);
}

static void test_multichar_delimiters(void **state)
{
    (void)state;
    sql_script s = split_ok("DELIMITER ;;\n"
                            "CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW BEGIN\n"
                            "  INSERT INTO b VALUES (1);\n"
                            "END;;\n"
                            "DELIMITER //\n"
                            "CREATE PROCEDURE p() BEGIN SELECT 1; END //\n"
                            "DELIMITER |\n"
                            "CREATE TRIGGER u BEFORE INSERT ON a FOR EACH ROW BEGIN SET @x = 1; END;\n"
                            "|\n");
    assert_int_equal(s.len, 3);
    expect_stmt(&s, 0,
                "CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW BEGIN\n  INSERT INTO b VALUES "
                "(1);\nEND",
                2);
    expect_stmt(&s, 1, "CREATE PROCEDURE p() BEGIN SELECT 1; END", 6);
    expect_stmt(&s, 2, "CREATE TRIGGER u BEFORE INSERT ON a FOR EACH ROW BEGIN SET @x = 1; END;", 8);
    sql_script_free(&s);
}

static void test_hash_is_delimiter_not_comment(void **state)
{
    (void)state;
    sql_script s = split_ok("delimiter #\ncreate procedure p()\n  begin\n    select 1;\n  end #\n"
                            "delimiter ;\n");
    assert_int_equal(s.len, 1);
    expect_stmt(&s, 0, "create procedure p()\n  begin\n    select 1;\n  end", 2);
    sql_script_free(&s);
}

static void test_delimiter_in_comment_does_not_count(void **state)
{
    (void)state;
    sql_script s = split_ok("/* DELIMITER $$ */\n"
                            "-- DELIMITER //\n"
                            "# DELIMITER ;;\n"
                            "SELECT 'DELIMITER $$';\n"
                            "SELECT 2;");
    assert_int_equal(s.len, 2);
    expect_stmt(&s, 0, "SELECT 'DELIMITER $$'", 4);
    expect_stmt(&s, 1, "SELECT 2", 5);
    sql_script_free(&s);
}

static void test_delimiter_command_errors(void **state)
{
    (void)state;
    const char *bad[] = {"DELIMITER\nSELECT 1;", "DELIMITER \\\\\n",
                         "SELECT 1\nDELIMITER $$\nSELECT 2$$"};
    int lines[] = {1, 1, 2};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sql_script s = {0};
        rw_err e;
        rw_err_clear(&e);
        assert_int_not_equal(sql_dialect_mysql.split(bad[i], strlen(bad[i]), &s, &e), 0);
        assert_int_equal(e.line, lines[i]);
        assert_non_null(strstr(e.msg, "DELIMITER"));
        sql_script_free(&s);
    }
}

static void test_delimiter_as_column_name(void **state)
{
    (void)state;
    sql_script s = split_ok("CREATE TABLE d (\n  delimiter VARCHAR(3),\n  id INT\n);\nSELECT delimiter FROM d;");
    assert_int_equal(s.len, 2);
    expect_stmt(&s, 0, "CREATE TABLE d (\n  delimiter VARCHAR(3),\n  id INT\n)", 1);
    expect_stmt(&s, 1, "SELECT delimiter FROM d", 5);
    sql_script_free(&s);
}

static void test_compound_bodies_without_delimiter(void **state)
{
    (void)state;
    sql_script s = split_ok(
        "CREATE PROCEDURE p(IN x INT)\n"
        "BEGIN\n"
        "  DECLARE v INT DEFAULT 0;\n"
        "  IF x > 0 THEN SET v = 1; END IF;\n"
        "  w: WHILE v < 3 DO SET v = v + 1; END WHILE w;\n"
        "  REPEAT SET v = v - 1; UNTIL v = 0 END REPEAT;\n"
        "  l: LOOP LEAVE l; END LOOP;\n"
        "  CASE x WHEN 1 THEN SELECT 1; ELSE BEGIN SELECT 2; END; END CASE;\n"
        "  SET v = CASE WHEN x = 1 THEN 2 ELSE 3 END;\n"
        "END;\n"
        "CREATE DEFINER=`root`@`localhost` FUNCTION f() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END;\n"
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END;\n"
        "CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t; DELETE FROM u; END;\n"
        "CREATE TRIGGER one BEFORE INSERT ON t FOR EACH ROW SET NEW.c = NOW();\n"
        "BEGIN NOT ATOMIC SELECT 1; SELECT 2; END;\n"
        "SELECT 9;");
    assert_int_equal(s.len, 7);
    assert_true(strncmp(s.stmts[0].sql, "CREATE PROCEDURE p", 18) == 0);
    assert_true(rw_ends_with_ci(s.stmts[0].sql, "3 END;\nEND"));
    assert_int_equal(s.stmts[0].line, 1);
    expect_stmt(&s, 1,
                "CREATE DEFINER=`root`@`localhost` FUNCTION f() RETURNS INT DETERMINISTIC BEGIN "
                "RETURN 1; END",
                11);
    expect_stmt(&s, 2,
                "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b "
                "= 2; END",
                12);
    expect_stmt(&s, 3,
                "CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t; DELETE FROM u; END",
                13);
    expect_stmt(&s, 4, "CREATE TRIGGER one BEFORE INSERT ON t FOR EACH ROW SET NEW.c = NOW()", 14);
    expect_stmt(&s, 5, "BEGIN NOT ATOMIC SELECT 1; SELECT 2; END", 15);
    expect_stmt(&s, 6, "SELECT 9", 16);
    sql_script_free(&s);
}

static void test_begin_and_case_outside_programs(void **state)
{
    (void)state;
    sql_script s = split_ok("BEGIN;\n"
                            "CREATE TABLE event (id INT, k INT AS (CASE WHEN id > 0 THEN 1 END));\n"
                            "SELECT CASE WHEN 1 THEN 'a' END, t.begin FROM t;\n"
                            "COMMIT;");
    assert_int_equal(s.len, 4);
    expect_stmt(&s, 0, "BEGIN", 1);
    expect_stmt(&s, 1, "CREATE TABLE event (id INT, k INT AS (CASE WHEN id > 0 THEN 1 END))", 2);
    expect_stmt(&s, 2, "SELECT CASE WHEN 1 THEN 'a' END, t.begin FROM t", 3);
    expect_stmt(&s, 3, "COMMIT", 4);
    sql_script_free(&s);
}

static void test_crlf_file(void **state)
{
    (void)state;
    sql_script s = split_ok("-- header\r\n"
                            "USE sakila;\r\n"
                            "\r\n"
                            "DELIMITER ;;\r\n"
                            "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN\r\n"
                            "  SET NEW.x = 1;\r\n"
                            "END;;\r\n"
                            "DELIMITER ;\r\n"
                            "INSERT INTO a VALUES ('x\r\ny', 'lone\rcr');\r\n");
    assert_int_equal(s.len, 3);
    expect_stmt(&s, 0, "USE sakila", 2);
    /* CRLF is sent as LF, like the mysql client does; a lone CR stays. */
    expect_stmt(&s, 1, "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN\n  SET NEW.x = 1;\nEND",
                5);
    expect_stmt(&s, 2, "INSERT INTO a VALUES ('x\ny', 'lone\rcr')", 9);
    sql_script_free(&s);
}

static void test_unterminated_constructs(void **state)
{
    (void)state;
    const char *bad[] = {"SELECT 1;\nSELECT 'abc;\n", "SELECT 1;\n\nSELECT `abc;",
                         "SELECT 1; /* open\n comment"};
    int lines[] = {2, 3, 1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sql_script s = {0};
        rw_err e;
        rw_err_clear(&e);
        assert_int_not_equal(sql_dialect_mysql.split(bad[i], strlen(bad[i]), &s, &e), 0);
        assert_int_equal(e.line, lines[i]);
        assert_int_equal(e.code, RW_ERR_PARSE);
        sql_script_free(&s);
    }
}

static void test_last_statement_without_delimiter(void **state)
{
    (void)state;
    sql_script s = split_ok("SELECT 1;\nSELECT 2\n-- trailing comment\n");
    assert_int_equal(s.len, 2);
    expect_stmt(&s, 1, "SELECT 2\n-- trailing comment", 2);
    sql_script_free(&s);
}

/* Every file of the MySQL corpus splits without error into a plausible number of statements. */
static void test_corpus_files_split(void **state)
{
    (void)state;
    const struct {
        const char *file;
        size_t statements;
    } files[] = {
        {"flyway-tests-mysql/delimiter/V1__Delimiter.sql", 6},
        {"flyway-tests-mysql/procedure/V1__Procedure.sql", 10},
        {"flyway-tests-mysql/trigger/V1__Trigger.sql", 7},
        {"flyway-tests-mysql/hashcomment/V1__HashComment.sql", 1},
        {"flyway-tests-mysql/doublequote/V1__DoubleQuote.sql", 7},
        {"conductor-mysql/V8__update_pk.sql", 0},
        {"sakila-mysql/V1__schema.sql", 0},
        {"sakila-mysql/V2__data.sql", 0},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path;
        CORPUS_FILE(path, files[i].file);
        strbuf text = STRBUF_INIT;
        rw_err e;
        rw_err_clear(&e);
        if (rw_read_file(path, &text, &e) != RW_OK)
            fail_msg("cannot read %s: %s", path, e.msg);
        sql_script s = {0};
        if (sql_dialect_mysql.split(text.buf, text.len, &s, &e) != 0)
            fail_msg("%s: %s", files[i].file, e.msg);
        if (files[i].statements)
            assert_int_equal(s.len, files[i].statements);
        for (size_t j = 0; j < s.len; j++)
            assert_true(s.stmts[j].len > 0);
        sql_script_free(&s);
        sb_free(&text);
        free(path);
    }
}

static void test_bare_cr_comments_hide_statements(void **state)
{
    (void)state;
    /* The client reads lines up to LF and drops the rest of a comment line. */
    sql_script s = split_ok("SELECT 1;\n# note\rCREATE TABLE a (id INT);\r");
    assert_int_equal(s.len, 1);
    assert_int_equal(s.hidden_line, 3);
    assert_string_equal(s.hidden_text, "CREATE TABLE a (id INT);");
    sql_script_free(&s);
    s = split_ok("-- note\r\r  SELECT 2;\n");
    assert_int_equal(s.hidden_line, 3);
    sql_script_free(&s);
    s = split_ok("DELIMITER $$\rCREATE PROCEDURE p() BEGIN SELECT 1; END$$\n");
    assert_int_equal(s.hidden_line, 2);
    sql_script_free(&s);
    s = split_ok("-- one\r# two\r-- three\r\nSELECT 3;\rSELECT 4;\r");
    assert_int_equal(s.hidden_line, 0);
    assert_int_equal(s.len, 2);
    assert_int_equal(s.stmts[1].line, 5);
    sql_script_free(&s);
}

static void test_transaction_control_is_flagged(void **state)
{
    (void)state;
    sql_script s = split_ok("START TRANSACTION;\nBEGIN WORK;\nCOMMIT;\nROLLBACK;\nSAVEPOINT a;\n"
                            "BEGIN NOT ATOMIC SELECT 1; END;\nSELECT 1;\n");
    assert_int_equal(s.len, 7);
    const sql_txn want[] = {SQL_TXN_BEGIN,     SQL_TXN_BEGIN, SQL_TXN_COMMIT, SQL_TXN_ROLLBACK,
                            SQL_TXN_SAVEPOINT, SQL_TXN_NONE,  SQL_TXN_NONE};
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(s.stmts[i].txn, want[i]);
    sql_script_free(&s);
}

/* A DELIMITER block may share a batch only when the server reads it as one statement. */
static void test_one_statement_blocks(void **state)
{
    (void)state;
    static const struct {
        const char *sql;
        bool one;
    } cases[] = {
        {"CREATE FUNCTION f(a INT) RETURNS INT DETERMINISTIC\nBEGIN\n  DECLARE r INT;\n"
         "  SET r = a * 2;\n  IF r > 100 THEN\n    SET r = r - 1;\n  END IF;\n  RETURN r;\nEND",
         true},
        {"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.v = 1;\nEND", true},
        {"CREATE DEFINER=`u`@`%` PROCEDURE p() l: BEGIN CASE 1 WHEN 1 THEN SELECT 1; END CASE; "
         "WHILE 0 DO SET @x = 1; END WHILE; END l",
         true},
        {"CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t; DELETE FROM u; END", true},
        {"BEGIN NOT ATOMIC SELECT 1; SELECT 2; END", true},
        {"INSERT INTO t VALUES ('a;b')", true},
        {"INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)", false},
        {"CREATE TABLE t (begin INT); CREATE TABLE u (end INT)", false},
        {"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1; SET NEW.b = 2", false},
        {"CREATE FUNCTION f() RETURNS INT BEGIN RETURN 1; END; SELECT 1", false},
        {"CREATE FUNCTION f() RETURNS INT BEGIN RETURN 1; END;", false},
        {"INSERT INTO t VALUES ('a\\';'); SELECT 1", false},
        {"INSERT INTO t VALUES ('a\\'';')", false},
        {"BEGIN; INSERT INTO t VALUES (1); COMMIT", false},
        {"SELECT 1 /*! ; SELECT 2 */", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (sql_mysql_is_one_statement(cases[i].sql, strlen(cases[i].sql)) != cases[i].one)
            fail_msg("case %zu: %s", i, cases[i].sql);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_semicolons_and_lines),
        cmocka_unit_test(test_empty_and_comment_only),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_dash_comment_at_end_of_input),
        cmocka_unit_test(test_executable_comments_are_sent),
        cmocka_unit_test(test_strings_with_backslash_escapes),
        cmocka_unit_test(test_comment_markers_inside_strings),
        cmocka_unit_test(test_backtick_identifiers),
        cmocka_unit_test(test_delimiter_command),
        cmocka_unit_test(test_delimiter_persists_and_glues),
        cmocka_unit_test(test_multichar_delimiters),
        cmocka_unit_test(test_hash_is_delimiter_not_comment),
        cmocka_unit_test(test_delimiter_in_comment_does_not_count),
        cmocka_unit_test(test_delimiter_command_errors),
        cmocka_unit_test(test_delimiter_as_column_name),
        cmocka_unit_test(test_compound_bodies_without_delimiter),
        cmocka_unit_test(test_begin_and_case_outside_programs),
        cmocka_unit_test(test_crlf_file),
        cmocka_unit_test(test_unterminated_constructs),
        cmocka_unit_test(test_last_statement_without_delimiter),
        cmocka_unit_test(test_corpus_files_split),
        cmocka_unit_test(test_bare_cr_comments_hide_statements),
        cmocka_unit_test(test_transaction_control_is_flagged),
        cmocka_unit_test(test_one_statement_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
