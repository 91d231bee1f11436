/* Unit tests for placeholder.c: Flyway's ${name} replacement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/placeholder.h"

static rw_config *cfg;
static rw_placeholders ph;
static strbuf out;
static rw_err err;

static int setup(void **state)
{
    (void)state;
    cfg = config_new();
    sb_init(&out);
    rw_err_clear(&err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    placeholders_free(&ph);
    config_free(cfg);
    sb_free(&out);
    return 0;
}

static void set(const char *k, const char *v)
{
    assert_int_equal(config_set(cfg, k, v, CFG_SRC_CLI, "test", &err), RW_OK);
}

static int apply(const char *text, const char *path)
{
    return placeholders_apply(&ph, text, strlen(text), path, &out, &err);
}

static void test_replaces_case_insensitively(void **state)
{
    (void)state;
    set("placeholders.tableName", "aaa");
    placeholders_init(&ph, cfg);
    assert_int_equal(apply("CREATE TABLE ${tableName} (x INT); -- ${TABLENAME} ${tablename}\n",
                           "/m/V1__a.sql"),
                     RW_OK);
    assert_string_equal(sb_str(&out), "CREATE TABLE aaa (x INT); -- aaa aaa\n");
}

static void test_replaces_inside_strings_and_comments(void **state)
{
    (void)state;
    set("placeholders.x", "abc");
    set("placeholders.empty", "");
    placeholders_init(&ph, cfg);
    assert_int_equal(apply("SELECT '${x}' /* ${x} */;${empty}\n", NULL), RW_OK);
    assert_string_equal(sb_str(&out), "SELECT 'abc' /* abc */;\n");
}

static void test_undefined_names_file_and_line(void **state)
{
    (void)state;
    set("placeholders.a", "1");
    placeholders_init(&ph, cfg);
    assert_int_equal(apply("SELECT ${a};\n\nSELECT ${missing};\n", "/m/V2__b.sql"),
                     RW_ERR_PLACEHOLDER);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.path, "/m/V2__b.sql");
    assert_non_null(strstr(err.msg, "/m/V2__b.sql:3"));
    assert_non_null(strstr(err.msg, "No value provided for placeholder: ${missing}.  Check your "
                                    "configuration!"));
}

static void test_custom_prefix_and_suffix(void **state)
{
    (void)state;
    set("placeholderPrefix", "#[");
    set("placeholderSuffix", "]");
    set("placeholders.t", "users");
    placeholders_init(&ph, cfg);
    assert_int_equal(apply("SELECT * FROM #[t] WHERE a = '${t}';", NULL), RW_OK);
    assert_string_equal(sb_str(&out), "SELECT * FROM users WHERE a = '${t}';");
}

static void test_disabled(void **state)
{
    (void)state;
    set("placeholderReplacement", "false");
    placeholders_init(&ph, cfg);
    assert_int_equal(apply("SELECT '${undefined}';", "/m/V1__a.sql"), RW_OK);
    assert_string_equal(sb_str(&out), "SELECT '${undefined}';");
}

static void test_builtins(void **state)
{
    (void)state;
    placeholders_init(&ph, cfg);
    placeholders_set_builtin(&ph, "defaultSchema", "main");
    placeholders_set_builtin(&ph, "table", "flyway_schema_history");
    assert_int_equal(apply("${flyway:defaultSchema}.${flyway:table} ${flyway:filename}",
                           "/m/sub/R__views.sql"),
                     RW_OK);
    assert_string_equal(sb_str(&out), "main.flyway_schema_history R__views.sql");
    assert_int_equal(apply("x\n${flyway:nosuch}", "/m/R__v.sql"), RW_ERR_PLACEHOLDER);
    assert_non_null(strstr(err.msg, "Failed to populate value for default placeholder: "
                                    "${flyway:nosuch}"));
    assert_int_equal(err.line, 2);
}

static void test_custom_separator_for_builtins(void **state)
{
    (void)state;
    set("placeholderSeparator", "_");
    placeholders_init(&ph, cfg);
    placeholders_set_builtin(&ph, "user", "bob");
    assert_int_equal(apply("${flyway_user}", NULL), RW_OK);
    assert_string_equal(sb_str(&out), "bob");
}

static void test_unterminated_is_left_alone(void **state)
{
    (void)state;
    placeholders_init(&ph, cfg);
    /* A name ends at the suffix on the same line, like Flyway's (.+?) pattern. */
    assert_int_equal(apply("SELECT '${abc\n}';\nSELECT '$' || '{}';", NULL), RW_OK);
    assert_string_equal(sb_str(&out), "SELECT '${abc\n}';\nSELECT '$' || '{}';");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_replaces_case_insensitively),
        T(test_replaces_inside_strings_and_comments),
        T(test_undefined_names_file_and_line),
        T(test_custom_prefix_and_suffix),
        T(test_disabled),
        T(test_builtins),
        T(test_custom_separator_for_builtins),
        T(test_unterminated_is_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
