/* Unit tests for version.c: Flyway's version parsing and ordering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/version.h"

/* Compares two version strings, both of which must parse. */
static int vcmp(const char *a, const char *b)
{
    rw_version va, vb;
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(version_parse(a, &va, &e), RW_OK);
    assert_int_equal(version_parse(b, &vb, &e), RW_OK);
    int c = version_cmp(&va, &vb);
    version_free(&va);
    version_free(&vb);
    return c < 0 ? -1 : c > 0;
}

static void test_numeric_part_order(void **state)
{
    (void)state;
    assert_int_equal(vcmp("1.9", "1.10"), -1);
    assert_int_equal(vcmp("1.10", "1.9"), 1);
    assert_int_equal(vcmp("2", "10"), -1);
    assert_int_equal(vcmp("1.2.3", "1.2.10"), -1);
    assert_int_equal(vcmp("1.1", "1.1.1"), -1);
    assert_int_equal(vcmp("99999999999999999999999", "100000000000000000000000"), -1);
}

static void test_equal_versions(void **state)
{
    (void)state;
    assert_int_equal(vcmp("1.1", "1.01"), 0);
    assert_int_equal(vcmp("1.1", "1_1"), 0);
    assert_int_equal(vcmp("1.1", "1.1.0"), 0);
    assert_int_equal(vcmp("1.0", "1"), 0);
    assert_int_equal(vcmp("0.00", "0"), 0);
    assert_int_equal(vcmp("01", "1"), 0);
    assert_int_equal(vcmp("000", "0"), 0);
    assert_int_equal(vcmp("009", "10"), -1);
    assert_int_equal(vcmp("20240101120000", "20240101120000.0"), 0);
}

static void test_text_keeps_leading_zeros(void **state)
{
    (void)state;
    rw_version v;
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(version_parse("0_00", &v, &e), RW_OK);
    assert_string_equal(v.text, "0.00");
    version_free(&v);
    assert_int_equal(version_parse("01", &v, &e), RW_OK);
    assert_string_equal(v.text, "01");
    version_free(&v);
    assert_int_equal(version_parse("0.0.1.01", &v, &e), RW_OK);
    assert_string_equal(v.text, "0.0.1.01");
    assert_int_equal(v.nparts, 4);
    version_free(&v);
    assert_int_equal(version_parse("1_2", &v, &e), RW_OK);
    assert_string_equal(v.text, "1.2");
    version_free(&v);
}

static void expect_invalid(const char *text)
{
    rw_version v;
    rw_err e;
    rw_err_clear(&e);
    if (version_parse(text, &v, &e) == RW_OK)
        fail_msg("version '%s' should be invalid", text);
    assert_int_equal(e.code, RW_ERR_INVALID_NAME);
    assert_false(version_is_set(&v));
}

static void test_invalid_versions(void **state)
{
    (void)state;
    expect_invalid("");
    expect_invalid("1.a");
    expect_invalid("a");
    expect_invalid("1-2");
    expect_invalid("1.2.");
    expect_invalid("1..2");
    expect_invalid("v1");
    rw_version v;
    rw_err e;
    rw_err_clear(&e);
    assert_int_not_equal(version_parse("1.x", &v, &e), RW_OK);
    assert_non_null(strstr(e.msg, "Version may only contain 0..9 and . (dot). Invalid version: 1.x"));
}

static void test_unset_sorts_first_and_copy(void **state)
{
    (void)state;
    rw_version none = {0}, v, c;
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(version_parse("1.10", &v, &e), RW_OK);
    assert_true(version_cmp(&none, &v) < 0);
    assert_true(version_cmp(&v, &none) > 0);
    assert_int_equal(version_cmp(&none, &none), 0);
    version_copy(&c, &v);
    assert_true(version_eq(&c, &v));
    assert_string_equal(c.text, "1.10");
    version_free(&c);
    version_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numeric_part_order),
        cmocka_unit_test(test_equal_versions),
        cmocka_unit_test(test_text_keeps_leading_zeros),
        cmocka_unit_test(test_invalid_versions),
        cmocka_unit_test(test_unset_sorts_first_and_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
