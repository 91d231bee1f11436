/* Unit tests for report.c: the fields every Flyway result has, timestamps, printing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"

static void test_common_fields_without_session(void **state)
{
    (void)state;
    json_t *o = report_new("info", NULL);
    assert_string_equal(json_string_value(json_object_get(o, "operation")), "info");
    assert_true(json_is_string(json_object_get(o, "flywayVersion")));
    assert_true(json_is_null(json_object_get(o, "database")));
    assert_true(json_is_array(json_object_get(o, "warnings")));
    assert_int_equal(json_array_size(json_object_get(o, "warnings")), 0);
    json_decref(o);
}

static void test_timestamp_shape(void **state)
{
    (void)state;
    char ts[64];
    report_timestamp(ts, sizeof ts);
    /* 2026-11-21T20:42:14.683302774: local time with nanoseconds, like Flyway's */
    assert_int_equal(strlen(ts), 29);
    assert_int_equal(ts[10], 'T');
    assert_int_equal(ts[19], '.');
}

static void iso_is(const char *installed_on, const char *want)
{
    char *s = report_iso_utc(installed_on);
    assert_string_equal(s, want);
    free(s);
}

static void test_iso_utc_prints_the_fraction_as_java_instant_does(void **state)
{
    (void)state;
    iso_is("2026-11-21 20:42:14.6", "2026-11-21T20:42:14.600Z");
    iso_is("2026-11-21 20:42:14.123456", "2026-11-21T20:42:14.123456Z");
    iso_is("2026-11-21 20:42:14.826563", "2026-11-21T20:42:14.826563Z");
    iso_is("2026-11-21 20:42:14.123400", "2026-11-21T20:42:14.123400Z");
    iso_is("2026-11-21 20:42:14.120000", "2026-11-21T20:42:14.120Z");
    iso_is("2026-11-21 20:42:14.123456789", "2026-11-21T20:42:14.123456789Z");
}

static void test_iso_utc_whole_seconds_have_no_fraction(void **state)
{
    (void)state;
    iso_is("2026-11-21 20:42:14", "2026-11-21T20:42:14Z");
    iso_is("2026-11-21 20:42:14.000", "2026-11-21T20:42:14Z");
    iso_is("2026-11-21 20:42:14.000000", "2026-11-21T20:42:14Z");
}

static void test_error_object_without_location(void **state)
{
    (void)state;
    rw_err e;
    rw_err_clear(&e);
    rw_fail(&e, RW_ERR_CONFIGURATION, "bad key");
    json_t *o = report_error_object(&e);
    assert_string_equal(json_string_value(json_object_get(o, "errorCode")), "CONFIGURATION");
    assert_true(json_is_null(json_object_get(o, "lineNumber")));
    assert_true(json_is_null(json_object_get(o, "path")));
    assert_null(json_object_get(o, "sqlState"));
    json_decref(o);
}

static void test_print_json_is_parseable_with_newline(void **state)
{
    (void)state;
    json_t *o = report_new("migrate", NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    report_print_json(f, o);
    fclose(f);
    assert_true(len > 2 && buf[len - 1] == '\n');
    json_error_t je;
    json_t *back = json_loads(buf, 0, &je);
    assert_non_null(back);
    assert_true(json_equal(back, o));
    /* Keys keep Flyway's order: flywayVersion first. */
    assert_non_null(strstr(buf, "{\n  \"flywayVersion\""));
    json_decref(back);
    json_decref(o);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common_fields_without_session),
        cmocka_unit_test(test_timestamp_shape),
        cmocka_unit_test(test_iso_utc_prints_the_fraction_as_java_instant_does),
        cmocka_unit_test(test_iso_utc_whole_seconds_have_no_fraction),
        cmocka_unit_test(test_error_object_without_location),
        cmocka_unit_test(test_print_json_is_parseable_with_newline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
