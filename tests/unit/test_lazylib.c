/*
 * Tests of loading libraries on first use: a library that cannot be loaded
 * is reported naming it and the Debian package that provides it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/lazylib.h"
#include "core/log.h"

static lazy_lib missing_lib = LAZY_LIB("libdoesnotexist.so.9", "libdoesnotexist9", "Test features");

static void test_a_missing_library_names_itself_and_its_package(void **state)
{
    (void)state;
    log_set_level(LOG_OFF);
    assert_null(lazy_sym(&missing_lib, "some_function"));
    const char *why = lazy_failure();
    assert_non_null(why);
    assert_non_null(strstr(why, "Test features need libdoesnotexist.so.9"));
    assert_non_null(strstr(why, "install the Debian package libdoesnotexist9"));
    assert_null(strstr(why, "out of memory"));
}

static void test_a_failed_library_is_not_loaded_again(void **state)
{
    (void)state;
    assert_null(lazy_sym(&missing_lib, "other_function"));
    assert_true(missing_lib.failed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_missing_library_names_itself_and_its_package),
        cmocka_unit_test(test_a_failed_library_is_not_loaded_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
