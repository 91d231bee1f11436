/* Unit tests for newfile.c: the next version follows the existing scheme. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/newfile.h"

static void expect_next(const char *highest, const char *scheme, time_t now, const char *want)
{
    char *got = newfile_next_version(highest, scheme, now);
    assert_string_equal(got, want);
    free(got);
}

static void test_numbers(void **state)
{
    (void)state;
    expect_next(NULL, "auto", 0, "1");
    expect_next("7", "auto", 0, "8");
    expect_next("9", "auto", 0, "10");
    expect_next("007", "auto", 0, "008");
    expect_next("099", "auto", 0, "100");
    expect_next("999", "auto", 0, "1000");
    expect_next("1_2_9", "auto", 0, "1_2_10");
    expect_next("2.01", "auto", 0, "2.02");
    expect_next("10.1", "number", 0, "10.2");
}

static void test_timestamps(void **state)
{
    (void)state;
    time_t t = 1767225600; /* 2026-01-01 00:00:00 UTC */
    expect_next("20240101120000", "auto", t, "20260101000000");
    expect_next("202401011200", "auto", t, "202601010000");
    expect_next(NULL, "timestamp", t, "20260101000000");
    expect_next("3", "timestamp", t, "20260101000000");
    /* a clock behind the newest file still yields a later version */
    expect_next("20300101000000", "auto", t, "20300101000001");
    /* a number scheme ignores timestamps */
    expect_next("20240101120000", "number", t, "20240101120001");
}

static void test_description(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    rw_err e;
    assert_int_equal(newfile_description("  add users  table ", &sb, &e), RW_OK);
    assert_string_equal(sb_str(&sb), "add_users_table");
    sb_reset(&sb);
    assert_int_not_equal(newfile_description("a/b", &sb, &e), RW_OK);
    sb_reset(&sb);
    assert_int_not_equal(newfile_description("   ", &sb, &e), RW_OK);
    sb_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_description),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
