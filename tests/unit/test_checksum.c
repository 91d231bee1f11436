/*
 * Unit tests for checksum.c: every vector of Flyway's checksum that the
 * compatibility notes list (tables A and B), computed from files of the
 * corpus and from in-memory bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum.h"
#include "corpus.h"

static int32_t checksum_of(const char *data, size_t len)
{
    int32_t crc = 12345;
    size_t bad = 0;
    assert_int_equal(checksum_compute(data, len, &crc, &bad), 0);
    return crc;
}

#define CK(lit) checksum_of(lit, sizeof(lit) - 1)

/* Reads a corpus file (corpus.h) into sb; skips the test without a corpus. */
static void read_corpus(const char *rel, strbuf *sb)
{
    char *path;
    CORPUS_FILE(path, rel);
    rw_err e;
    rw_err_clear(&e);
    if (rw_read_file(path, sb, &e) != RW_OK)
        fail_msg("cannot read %s: %s", path, e.msg);
    free(path);
}

/* Replaces the first occurrence of from by to in sb. */
static void sb_replace(strbuf *sb, const char *from, const char *to)
{
    char *at = strstr(sb->buf, from);
    assert_non_null(at);
    strbuf out = STRBUF_INIT;
    sb_add(&out, sb->buf, (size_t)(at - sb->buf));
    sb_adds(&out, to);
    sb_adds(&out, at + strlen(from));
    sb_free(sb);
    *sb = out;
}

static void test_flyway_42_view_file(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    read_corpus("flyway-checksum-vectors/V1.1__View.sql", &sb);
    assert_int_equal(sb.len, 680);
    assert_int_equal(checksum_of(sb.buf, sb.len), -133051733);
    sb_free(&sb);
}

static void test_flyway_42_first_file(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    read_corpus("flyway-tests-generic/missing/V1__First.sql", &sb);
    assert_int_equal(checksum_of(sb.buf, sb.len), 454910647);
    sb_free(&sb);
}

static void test_flyway_40_files_with_2016_header(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    read_corpus("flyway-checksum-vectors/V1.1__View.sql", &sb);
    sb_replace(&sb, "2010-2017", "2010-2016");
    assert_int_equal(checksum_of(sb.buf, sb.len), 64723601);
    sb_free(&sb);
    read_corpus("flyway-tests-generic/no_description/V1.sql", &sb);
    sb_replace(&sb, "2010-2017", "2010-2016");
    assert_int_equal(checksum_of(sb.buf, sb.len), 814278929);
    sb_free(&sb);
}

/* Flyway 3.2.1 hashed raw bytes (-1232301195); the line algorithm gives 1171778846. */
static void test_flyway_321_file_uses_line_algorithm(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    read_corpus("flyway-checksum-vectors/V1.1__View.sql", &sb);
    sb_replace(&sb, "Copyright 2010-2017 Boxfuse GmbH", "Copyright 2010-2015 Axel Fontaine");
    int32_t c = checksum_of(sb.buf, sb.len);
    assert_int_equal(c, 1171778846);
    assert_int_not_equal(c, -1232301195);
    sb_free(&sb);
}

static void test_create_table_all_line_endings_and_bom(void **state)
{
    (void)state;
    assert_int_equal(CK("CREATE TABLE t (id INT);\n"), 1556295178);
    assert_int_equal(CK("CREATE TABLE t (id INT);"), 1556295178);
    assert_int_equal(CK("CREATE TABLE t (id INT);\r\n"), 1556295178);
    assert_int_equal(CK("\xEF\xBB\xBF" "CREATE TABLE t (id INT);\n"), 1556295178);
}

static void test_blank_lines_and_terminators_invisible(void **state)
{
    (void)state;
    assert_int_equal(CK("a\r\nb\n"), -1635563411);
    assert_int_equal(CK("ab"), -1635563411);
    assert_int_equal(CK("a\n\nb"), -1635563411);
    assert_int_equal(CK("a\rb"), -1635563411);
    assert_int_equal(CK("abc\ndef efg\nxyz"), CK("abc\r\ndef efg\nxyz\r\n"));
}

static void test_empty_file_is_zero(void **state)
{
    (void)state;
    assert_int_equal(CK(""), 0);
    assert_int_equal(CK("\n"), 0);
}

static void test_select_vectors(void **state)
{
    (void)state;
    assert_int_equal(CK("SELECT 1;\n"), 78787420);
    assert_int_equal(CK("SELECT 1;\n\n\nSELECT 2;\n"), -1665099012);
    assert_int_equal(CK("SELECT 1;\r\nSELECT 2;\r\n"), -1665099012);
}

static void test_utf8_text(void **state)
{
    (void)state;
    assert_int_equal(CK("caf\xC3\xA9;\n"), -660935448);
}

static void test_invalid_utf8_is_error_with_offset(void **state)
{
    (void)state;
    int32_t crc = 0;
    size_t bad = 0;
    assert_int_equal(checksum_compute("caf\xE9;\n", 6, &crc, &bad), -1);
    assert_int_equal(bad, 3);
    assert_int_equal(checksum_utf8_invalid_offset("ok\n\xC0\xAF", 5), 3); /* overlong */
    assert_int_equal(checksum_utf8_invalid_offset("\xED\xA0\x80", 3), 0); /* surrogate */
    assert_int_equal(checksum_utf8_invalid_offset("ab\xE2\x82", 4), 2);   /* truncated */
    assert_true(checksum_utf8_invalid_offset("caf\xC3\xA9", 5) == (size_t)-1);
}

static void test_whitespace_counts(void **state)
{
    (void)state;
    assert_int_equal(CK("a \nb\t\n"), -1266370533);
    assert_int_not_equal(CK("a \nb\t\n"), CK("a\nb\n"));
}

static void test_nel_is_not_a_line_break(void **state)
{
    (void)state;
    assert_int_equal(CK("a\xC2\x85" "b\n"), -709009106);
}

static void test_only_first_bom_dropped(void **state)
{
    (void)state;
    assert_int_equal(CK("\xEF\xBB\xBF\xEF\xBB\xBFx\n"), 1540412666);
    assert_int_equal(CK("\xEF\xBB\xBF\n\xEF\xBB\xBFx\n"), 1540412666);
}

static void test_repeatable_raw_and_replaced(void **state)
{
    (void)state;
    assert_int_equal(CK("CREATE VIEW v AS SELECT '${x}';\n"), 355327007);
    assert_int_equal(CK("CREATE VIEW v AS SELECT 'abc';\n"), 29314156);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flyway_42_view_file),
        cmocka_unit_test(test_flyway_42_first_file),
        cmocka_unit_test(test_flyway_40_files_with_2016_header),
        cmocka_unit_test(test_flyway_321_file_uses_line_algorithm),
        cmocka_unit_test(test_create_table_all_line_endings_and_bom),
        cmocka_unit_test(test_blank_lines_and_terminators_invisible),
        cmocka_unit_test(test_empty_file_is_zero),
        cmocka_unit_test(test_select_vectors),
        cmocka_unit_test(test_utf8_text),
        cmocka_unit_test(test_invalid_utf8_is_error_with_offset),
        cmocka_unit_test(test_whitespace_counts),
        cmocka_unit_test(test_nel_is_not_a_line_break),
        cmocka_unit_test(test_only_first_bom_dropped),
        cmocka_unit_test(test_repeatable_raw_and_replaced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
