/* Unit tests for jsonw.c: written piece by piece, byte for byte what json_dumps() writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"

/* What the writer produced for v, at the top level. */
static char *written(const json_t *v, int indent)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    jsonw w;
    jsonw_init(&w, indent);
    jsonw_add_sink(&w, f);
    jsonw_value(&w, v);
    assert_false(w.failed);
    fclose(f);
    return text;
}

static void same_as_jansson(json_t *v)
{
    assert_non_null(v);
    char *want = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    char *got = written(v, 2);
    assert_string_equal(got, want);
    free(want);
    free(got);
    want = json_dumps(v, JSON_COMPACT);
    got = written(v, 0);
    assert_string_equal(got, want);
    free(want);
    free(got);
    json_decref(v);
}

static void test_nested_objects_and_arrays_are_laid_out_as_jansson_does(void **state)
{
    (void)state;
    same_as_jansson(json_pack("{s:s, s:[{s:i, s:[]}, {}, [i, [i, {}]], n], s:{}, s:{s:{s:[b, b]}}}",
                              "operation", "info", "migrations", "executionTime", -42, "empty",
                              1, 2, "error", "deep", "deeper", "flags", 1, 0));
    same_as_jansson(json_array());
    same_as_jansson(json_object());
    same_as_jansson(json_pack("[i, I]", 0, (json_int_t)9007199254740993LL));
}

static void test_strings_are_escaped_as_jansson_escapes_them(void **state)
{
    (void)state;
    const char *s = "quote \" back \\ slash / tab \t nl \n cr \r bs \b ff \f bell \a esc \x1b "
                    "del \x7f é 日本 😀 end";
    same_as_jansson(json_pack("{s:s, s:s}", s, s, "k\x01", "V1__add \"users\".sql"));
    same_as_jansson(json_pack("[o]", json_stringn("nul \0 inside", 12)));
}

static void test_reals_are_written_as_jansson_writes_them(void **state)
{
    (void)state;
    same_as_jansson(json_pack("[f, f, f, f, f]", 1.0, 0.5, 1e5, 1.5e-7, -3e300));
}

/* The report path: a head built in memory, an array streamed, the rest from memory. */
static void test_a_streamed_member_between_in_memory_members_reads_as_one_document(void **state)
{
    (void)state;
    json_t *whole = json_pack("{s:s, s:n, s:[{s:s}, {s:s}], s:b, s:{s:s}}", "operation", "info",
                              "schemaVersion", "migrations", "version", "1", "version", "2",
                              "success", 1, "error", "message", "boom");
    json_t *head = json_pack("{s:s, s:n}", "operation", "info", "schemaVersion");
    json_t *tail = json_pack("{s:s, s:n, s:b, s:{s:s}}", "operation", "info", "schemaVersion",
                             "success", 1, "error", "message", "boom");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    jsonw w;
    jsonw_init(&w, 2);
    jsonw_add_sink(&w, f);
    jsonw_begin_object(&w);
    jsonw_members_from(&w, head, 0);
    jsonw_key(&w, "migrations");
    jsonw_begin_array(&w);
    for (int i = 1; i <= 2; i++) {
        json_t *it = json_pack("{s:s}", "version", i == 1 ? "1" : "2");
        jsonw_value(&w, it);
        json_decref(it);
    }
    jsonw_end_array(&w);
    jsonw_members_from(&w, tail, 2);
    jsonw_end_object(&w);
    assert_false(w.failed);
    assert_int_equal(w.depth, 0);
    fclose(f);
    char *want = json_dumps(whole, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    assert_string_equal(text, want);
    free(want);
    free(text);
    json_decref(whole);
    json_decref(head);
    json_decref(tail);
}

static void test_two_sinks_get_the_same_bytes(void **state)
{
    (void)state;
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    FILE *fa = open_memstream(&a, &la), *fb = open_memstream(&b, &lb);
    jsonw w;
    jsonw_init(&w, 2);
    jsonw_add_sink(&w, fa);
    jsonw_add_sink(&w, fb);
    jsonw_begin_object(&w);
    jsonw_key(&w, "k");
    jsonw_string(&w, "v");
    jsonw_end_object(&w);
    fclose(fa);
    fclose(fb);
    assert_string_equal(a, "{\n  \"k\": \"v\"\n}");
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void test_invalid_utf8_is_replaced_so_the_document_stays_valid(void **state)
{
    (void)state;
    assert_true(jsonw_utf8_valid("é 日本 😀"));
    assert_false(jsonw_utf8_valid("bad \xff byte"));
    assert_false(jsonw_utf8_valid("overlong \xc0\xaf"));
    assert_false(jsonw_utf8_valid("surrogate \xed\xa0\x80"));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    jsonw w;
    jsonw_init(&w, 0);
    jsonw_add_sink(&w, f);
    jsonw_string(&w, "a\xff" "b");
    fclose(f);
    assert_string_equal(text, "\"a\xEF\xBF\xBD" "b\"");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_objects_and_arrays_are_laid_out_as_jansson_does),
        cmocka_unit_test(test_strings_are_escaped_as_jansson_escapes_them),
        cmocka_unit_test(test_reals_are_written_as_jansson_writes_them),
        cmocka_unit_test(test_a_streamed_member_between_in_memory_members_reads_as_one_document),
        cmocka_unit_test(test_two_sinks_get_the_same_bytes),
        cmocka_unit_test(test_invalid_utf8_is_replaced_so_the_document_stays_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
