/*
 * Unit tests for version.c and checksum.c, the two per-file hot paths the
 * benchmark tuned: version parsing and ordering as Flyway does it, and the
 * checksum's line-ending rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <zlib.h>

#include "core/checksum.h"
#include "core/version.h"

static int cmp_text(const char *a, const char *b)
{
    rw_version va, vb;
    assert_int_equal(version_parse(a, &va, NULL), RW_OK);
    assert_int_equal(version_parse(b, &vb, NULL), RW_OK);
    int c = version_cmp(&va, &vb);
    version_free(&va);
    version_free(&vb);
    return c < 0 ? -1 : c > 0;
}

static void test_version_order(void **state)
{
    (void)state;
    assert_int_equal(cmp_text("1.9", "1.10"), -1);
    assert_int_equal(cmp_text("1.10", "1.9"), 1);
    assert_int_equal(cmp_text("1.1", "1.01"), 0);
    assert_int_equal(cmp_text("1.1", "1.1.0"), 0);
    assert_int_equal(cmp_text("1_2", "1.2"), 0);
    assert_int_equal(cmp_text("2", "10"), -1);
    assert_int_equal(cmp_text("10", "10.0.1"), -1);
    assert_int_equal(cmp_text("007", "7"), 0);
    assert_int_equal(cmp_text("123456789012345678901234567890", "123456789012345678901234567891"),
                     -1);
}

static void test_version_text_and_copy(void **state)
{
    (void)state;
    rw_version v, c;
    assert_int_equal(version_parse("1_02.0", &v, NULL), RW_OK);
    assert_string_equal(v.text, "1.02.0");
    assert_int_equal(v.nparts, 2);
    assert_string_equal(v.parts[0], "1");
    assert_string_equal(v.parts[1], "2");
    version_copy(&c, &v);
    version_free(&v);
    assert_string_equal(c.text, "1.02.0");
    assert_int_equal(c.nparts, 2);
    assert_string_equal(c.parts[1], "2");
    version_free(&c);
    assert_false(version_is_set(&c));
}

static void test_version_rejects_bad_text(void **state)
{
    (void)state;
    rw_version v;
    rw_err e;
    rw_err_clear(&e);
    assert_int_not_equal(version_parse("1.a", &v, &e), RW_OK);
    assert_non_null(strstr(e.msg, "Invalid version: 1.a"));
    assert_int_not_equal(version_parse("1.", &v, &e), RW_OK);
    assert_int_not_equal(version_parse("", &v, &e), RW_OK);
    assert_false(version_is_set(&v));
}

/* The checksum is the CRC-32 of the text without CR and LF bytes. */
static int32_t crc_without_line_ends(const char *s)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    for (; *s; s++)
        if (*s != '\r' && *s != '\n')
            crc = crc32(crc, (const unsigned char *)s, 1);
    return (int32_t)(uint32_t)crc;
}

static void test_checksum_line_ends(void **state)
{
    (void)state;
    int32_t a, b, c, d;
    assert_int_equal(checksum_compute("a\n\nb", 4, &a, NULL), 0);
    assert_int_equal(checksum_compute("ab", 2, &b, NULL), 0);
    assert_int_equal(checksum_compute("a\r\nb\n", 5, &c, NULL), 0);
    assert_int_equal(checksum_compute("\xEF\xBB\xBF" "a\rb", 6, &d, NULL), 0);
    assert_int_equal(a, b);
    assert_int_equal(b, c);
    assert_int_equal(c, d);
    assert_int_equal(b, crc_without_line_ends("ab"));
    const char *text = "CREATE TABLE t (id INT);\r\n-- comment \xc3\xa9\n\n\rINSERT INTO t VALUES (1);";
    int32_t x;
    assert_int_equal(checksum_compute(text, strlen(text), &x, NULL), 0);
    assert_int_equal(x, crc_without_line_ends(text));
    assert_int_equal(checksum_compute("", 0, &x, NULL), 0);
    assert_int_equal(x, 0);
}

static void test_checksum_rejects_invalid_utf8(void **state)
{
    (void)state;
    int32_t x;
    size_t bad = 0;
    /* The bad byte sits after a run of ASCII longer than eight bytes. */
    const char *text = "SELECT 'abcdefghijkl\xff';";
    assert_int_equal(checksum_compute(text, strlen(text), &x, &bad), -1);
    assert_int_equal(bad, 20);
    assert_int_equal(checksum_utf8_invalid_offset("\xc3\xa9 ok", 5), (size_t)-1);
    assert_int_equal(checksum_utf8_invalid_offset("\xc0\xaf", 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_order),
        cmocka_unit_test(test_version_text_and_copy),
        cmocka_unit_test(test_version_rejects_bad_text),
        cmocka_unit_test(test_checksum_line_ends),
        cmocka_unit_test(test_checksum_rejects_invalid_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
