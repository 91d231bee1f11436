/* Unit tests for toml.c: the TOML flyway.toml files use, and clear errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/toml.h"

static toml_value *parse_ok(const char *text)
{
    toml_value *root = NULL;
    rw_err e;
    rw_err_clear(&e);
    int rc = toml_parse(text, strlen(text), "t.toml", &root, &e);
    if (rc != RW_OK)
        fprintf(stderr, "unexpected error: %s\n", e.msg);
    assert_int_equal(rc, RW_OK);
    return root;
}

/* Parses text that must fail; the message must start with "t.toml:LINE: " and contain want. */
static void parse_fails(const char *text, int line, const char *want)
{
    toml_value *root = NULL;
    rw_err e;
    rw_err_clear(&e);
    assert_int_not_equal(toml_parse(text, strlen(text), "t.toml", &root, &e), RW_OK);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "t.toml:%d: ", line);
    if (strncmp(e.msg, prefix, strlen(prefix)) != 0 || !strstr(e.msg, want))
        fprintf(stderr, "got: %s\nwant: %s...%s\n", e.msg, prefix, want);
    assert_int_equal(strncmp(e.msg, prefix, strlen(prefix)), 0);
    assert_non_null(strstr(e.msg, want));
    assert_int_equal(e.line, line);
}

static const char *str_at(const toml_value *root, const char *path)
{
    const toml_value *v = toml_path(root, path);
    assert_non_null(v);
    static char buf[1024];
    strbuf sb = STRBUF_INIT;
    assert_true(toml_to_string(v, &sb));
    snprintf(buf, sizeof buf, "%s", sb_str(&sb));
    sb_free(&sb);
    return buf;
}

static void test_flyway_example(void **state)
{
    (void)state;
    toml_value *root = parse_ok("# Flyway 10 example\n"
                                "[environments.default]          # default env\n"
                                "url = \"jdbc:postgresql://db:5432/app\"\n"
                                "user = \"app\"\n"
                                "password = \"${env.DB_PASSWORD}\"\n"
                                "schemas = [\"public\", \"audit\"]\n"
                                "\n"
                                "[environments.default.flyway]\n"
                                "locations = [\"filesystem:sql/prod\"]\n"
                                "[flyway]\n"
                                "environment = \"default\"\n"
                                "cleanDisabled = false\n"
                                "connectRetries = 10\n"
                                "[flyway.placeholders]\n"
                                "key1 = \"value1\"\n");
    assert_string_equal(str_at(root, "environments.default.url"), "jdbc:postgresql://db:5432/app");
    assert_string_equal(str_at(root, "environments.default.password"), "${env.DB_PASSWORD}");
    assert_string_equal(str_at(root, "environments.default.schemas"), "public,audit");
    assert_string_equal(str_at(root, "environments.default.flyway.locations"),
                        "filesystem:sql/prod");
    assert_string_equal(str_at(root, "flyway.cleanDisabled"), "false");
    assert_int_equal(toml_path(root, "flyway.cleanDisabled")->type, TOML_BOOL);
    assert_int_equal(toml_path(root, "flyway.connectRetries")->integer, 10);
    assert_string_equal(str_at(root, "flyway.placeholders.key1"), "value1");
    assert_null(toml_path(root, "flyway.nothing"));
    toml_free(root);
}

static void test_strings(void **state)
{
    (void)state;
    toml_value *root = parse_ok("a = \"tab\\there \\\"q\\\" \\\\ \\u00e9 \\U0001F600\"\n"
                                "b = 'C:\\path\\no escapes'\n"
                                "c = \"\"\"\nline1\nline2\"\"\"\n"
                                "d = '''\nraw \\n ''quoted'' '''\n"
                                "e = \"\"\"one \\\n    two\"\"\"\n"
                                "f = \"\"\"ends with quotes\"\"\"\"\"\n"
                                "g = \"# not a comment\" # a comment\n");
    assert_string_equal(str_at(root, "a"), "tab\there \"q\" \\ \xc3\xa9 \xf0\x9f\x98\x80");
    assert_string_equal(str_at(root, "b"), "C:\\path\\no escapes");
    assert_string_equal(str_at(root, "c"), "line1\nline2");
    assert_string_equal(str_at(root, "d"), "raw \\n ''quoted'' ");
    assert_string_equal(str_at(root, "e"), "one two");
    assert_string_equal(str_at(root, "f"), "ends with quotes\"\"");
    assert_string_equal(str_at(root, "g"), "# not a comment");
    toml_free(root);
}

static void test_numbers_and_booleans(void **state)
{
    (void)state;
    toml_value *root = parse_ok("a = 1_000\nb = -17\nc = +3\nd = 0x1F\ne = 0o17\nf = 0b101\n"
                                "g = 3.5\nh = 1e3\ni = true\nj = false\nk = 0\n");
    assert_int_equal(toml_path(root, "a")->integer, 1000);
    assert_string_equal(str_at(root, "a"), "1000");
    assert_int_equal(toml_path(root, "b")->integer, -17);
    assert_int_equal(toml_path(root, "c")->integer, 3);
    assert_int_equal(toml_path(root, "d")->integer, 31);
    assert_int_equal(toml_path(root, "e")->integer, 15);
    assert_int_equal(toml_path(root, "f")->integer, 5);
    assert_int_equal(toml_path(root, "g")->type, TOML_FLOAT);
    assert_string_equal(str_at(root, "h"), "1e3");
    assert_true(toml_path(root, "i")->boolean);
    assert_false(toml_path(root, "j")->boolean);
    assert_int_equal(toml_path(root, "k")->integer, 0);
    toml_free(root);
}

static void test_dotted_keys_arrays_inline_tables(void **state)
{
    (void)state;
    toml_value *root = parse_ok("flyway.placeholders.a = \"1\"\n"
                                "flyway . placeholders . \"b c\" = '2'\n"
                                "arr = [\n  \"x\", # first\n  \"y\",\n]\n"
                                "nested = [[1, 2], [3]]\n"
                                "empty = []\n"
                                "inl = { url = \"u\", flyway.locations = [\"a\", \"b\"] }\n"
                                "[x]\n"
                                "y.z = 1\n"
                                "[x.y.w]\n"
                                "v = 2\n");
    assert_string_equal(str_at(root, "flyway.placeholders.a"), "1");
    assert_non_null(toml_table_get(toml_path(root, "flyway.placeholders"), "b c"));
    assert_string_equal(str_at(root, "arr"), "x,y");
    assert_int_equal(toml_path(root, "nested")->len, 2);
    assert_int_equal(toml_path(root, "empty")->len, 0);
    assert_string_equal(str_at(root, "inl.url"), "u");
    assert_string_equal(str_at(root, "inl.flyway.locations"), "a,b");
    assert_int_equal(toml_path(root, "x.y.z")->integer, 1);
    assert_int_equal(toml_path(root, "x.y.w.v")->integer, 2);
    toml_free(root);
}

static void test_crlf_and_bom(void **state)
{
    (void)state;
    toml_value *root = parse_ok("\xEF\xBB\xBF[flyway]\r\nurl = \"u\"\r\n\r\nuser = \"me\"\r\n");
    assert_string_equal(str_at(root, "flyway.user"), "me");
    toml_free(root);
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    parse_fails("a = 1\na = 2\n", 2, "duplicate key 'a' (first defined at line 1)");
    parse_fails("[flyway]\nurl = \"x\"\n[flyway]\n", 3, "table [flyway] is defined twice");
    parse_fails("\n\nurl = jdbc:sqlite:x\n", 3, "strings need quotes");
    parse_fails("a = \"unterminated\n", 1, "unterminated string");
    parse_fails("x = 1\nb = \"\"\"never\nclosed\n", 2, "unterminated multi-line string");
    parse_fails("a = [1, 2\n\n", 1, "unterminated array");
    parse_fails("a = \"bad \\q escape\"\n", 1, "invalid escape");
    parse_fails("[[environments]]\n", 1, "arrays of tables");
    parse_fails("d = 2024-01-01\n", 1, "dates and times");
    parse_fails("a = 1 b = 2\n", 1, "one key = value per line");
    parse_fails("a.b = 1\na.b.c = 2\n", 2, "already defined");
    parse_fails("a = { x = 1 }\na.y = 2\n", 2, "cannot be extended");
    parse_fails("a = { x = 1,\n y = 2 }\n", 1, "same line");
    parse_fails("key\n", 1, "expected '='");
    parse_fails("= 1\n", 1, "a key is missing");
    parse_fails("a = \n", 1, "a value is missing");
    parse_fails("a = 007\n", 1, "invalid value '007'");
    parse_fails("a = 99999999999999999999\n", 1, "out of range");
    parse_fails("k@y = 1\n", 1, "invalid character '@' in a key");
    parse_fails("ok = 1\nbad = \"\xff\"\n", 2, "not valid UTF-8");
    parse_fails("a = \"\\uD800\"\n", 1, "not a Unicode scalar value");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flyway_example),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_numbers_and_booleans),
        cmocka_unit_test(test_dotted_keys_arrays_inline_tables),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_errors_name_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
